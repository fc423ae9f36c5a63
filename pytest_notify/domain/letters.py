"""Letters from a template and precompiled PDF letters (reference §3.3, §3.4, §5.1, §6.2, §8.5)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_notify.domain import rendering
from pytest_notify.domain.errors import BadRequestError, ValidationError
from pytest_notify.domain.extensions import BUILT_IN, Extensions, Rendered
from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.letter_pdf import count_pdf_pages, is_pdf, render_letter_pdf
from pytest_notify.domain.letter_rates import sheets_for_pages
from pytest_notify.domain.lifecycle import schedule
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.postal_address import AddressError, validate_address
from pytest_notify.domain.sending import CHANNEL_NAMES, SendOutcome, validate_template
from pytest_notify.domain.service import Service
from pytest_notify.domain.templates import Template
from pytest_notify.domain.timings import Timings

PRECOMPILED_TEMPLATE_NAME = "Pre-compiled PDF"
PRECOMPILED_PERSONALISATION = {"address_line_1": "Provided as PDF"}
LETTER_MAX_PAGE_COUNT = 10


@dataclass(frozen=True)
class LetterRequest:
    """A templated letter whose body passed schema validation."""

    template_id: uuid.UUID
    personalisation: Mapping[str, Any]
    reference: str | None = None


def check_can_send_letters(service: Service, api_key: ApiKey) -> None:
    """The two 403s: team keys never send letters; trial services only with a test key."""
    if api_key.key_type is KeyType.TEAM:
        raise BadRequestError("Cannot send letters with a team api key", status_code=403)
    if service.restricted and api_key.key_type is not KeyType.TEST:
        raise BadRequestError("Cannot send letters when service is in trial mode", status_code=403)


def _check_permission(service: Service) -> None:
    if not service.has_permission("letter"):
        raise BadRequestError(f"Service is not allowed to send {CHANNEL_NAMES['letter']}")


def prepare_letter(
    service: Service,
    api_key: ApiKey,
    request: LetterRequest,
    *,
    now: dt.datetime,
    new_id: uuid.UUID,
    timings: Timings,
    extensions: Extensions = BUILT_IN,
) -> SendOutcome:
    """Checks 5 to 9 for a templated letter, then the notification with its PDF.

    ``extensions`` may change the rendered body and subject; the PDF shows what it gives."""
    _check_permission(service)
    values = dict(request.personalisation)
    template = validate_template(service, request.template_id, "letter", values)
    check_can_send_letters(service, api_key)
    try:
        address = validate_address(values, allow_international=service.has_permission("international_letters"))
    except AddressError as error:
        raise ValidationError(error.message) from None
    postage = address.postage or template.current.postage or "second"
    notify_text = Rendered(
        rendering.render_letter_body(template.content, values),
        rendering.render_letter_subject(template.subject or "", values),
    )
    rendered = extensions.render("letter", template, values, notify_text)
    body, subject = rendered.body, rendered.subject or ""
    contact_block = template.current.letter_contact_block
    if contact_block:
        contact_block = rendering.render_letter_body(contact_block, values)
    pdf = render_letter_pdf(
        address_lines=address.lines, subject=subject, body=body, contact_block=contact_block, date=now.date()
    )
    notification = _letter(
        service,
        api_key,
        template,
        new_id,
        now,
        personalisation=values,
        reference=request.reference,
        body=body,
        subject=subject,
        address=address.lines,
        postage=postage,
        pdf=pdf,
        timings=timings,
    )
    return SendOutcome(notification, {})


def prepare_precompiled(
    service: Service,
    api_key: ApiKey,
    template: Template,
    *,
    reference: str,
    content: str,
    postage: str | None,
    now: dt.datetime,
    new_id: uuid.UUID,
    timings: Timings,
) -> Notification:
    """A precompiled letter: checks 1 to 3 of §3.4, then ``pending-virus-check``."""
    _check_permission(service)
    check_can_send_letters(service, api_key)
    try:
        pdf = base64.b64decode(content)
    except (binascii.Error, ValueError):
        raise BadRequestError("Cannot decode letter content (invalid base64 encoding)") from None
    return _letter(
        service,
        api_key,
        template,
        new_id,
        now,
        personalisation=dict(PRECOMPILED_PERSONALISATION),
        reference=reference,
        body="",
        subject=PRECOMPILED_TEMPLATE_NAME,
        address=(),
        postage=postage or "second",
        pdf=pdf,
        timings=timings,
        valid=is_pdf(pdf),
        precompiled=True,
    )


def _letter(
    service: Service,
    api_key: ApiKey,
    template: Template,
    new_id: uuid.UUID,
    now: dt.datetime,
    *,
    personalisation: dict[str, Any],
    reference: str | None,
    body: str,
    subject: str,
    address: tuple[str, ...],
    postage: str,
    pdf: bytes,
    timings: Timings,
    valid: bool = True,
    precompiled: bool = False,
) -> Notification:
    pages = count_pdf_pages(pdf) or 0
    # Too long to print, or not a PDF: Notify fails it asynchronously and bills nothing (§5.1).
    fails_validation = not valid or pages > LETTER_MAX_PAGE_COUNT
    sent = api_key.key_type is not KeyType.TEST and not fails_validation
    notification = Notification(
        id=new_id,
        service_id=service.id,
        type="letter",
        key_type=api_key.key_type,
        api_key_id=api_key.id,
        key_name=api_key.name,
        template_id=template.id,
        template_version=template.version,
        to="\n".join(address) if address else PRECOMPILED_PERSONALISATION["address_line_1"],
        normalised_to="\n".join(address).lower(),
        personalisation=personalisation,
        reference=reference,
        body=body,
        subject=subject,
        created_at=now,
        postage=postage,
        letter_address=address,
        pdf=pdf,
        # Notify never sets billable units for test-key letters (§5.1).
        billable_sheets=sheets_for_pages(pages) if sent else 0,
        precompiled=precompiled,
        crown=service.crown,
        fails_validation=fails_validation,
    )
    schedule(notification, timings)
    return notification
