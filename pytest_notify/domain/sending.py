"""The checks a send goes through after its body passed the schema, in Notify's order (reference §3.5).

:func:`prepare_send` either raises Notify's error or returns the notification to store.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_notify.domain import rendering
from pytest_notify.domain.documents import (
    Document,
    FileValidator,
    check_files_allowed,
    file_keys,
    make_document,
    simulated_document_url,
)
from pytest_notify.domain.email_address import normalise_email_address, strip_obscure_whitespace
from pytest_notify.domain.errors import BadRequestError, InvalidPhoneError
from pytest_notify.domain.extensions import BUILT_IN, Extensions, Rendered
from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.lifecycle import schedule
from pytest_notify.domain.limits import LimitState, check_daily_limit
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.phone import (
    PhoneNumber,
    PhoneNumberError,
    check_phone_permissions,
    normalise_phone_number,
    parse_phone_number,
)
from pytest_notify.domain.service import Service
from pytest_notify.domain.simulator import is_smoke_test_recipient
from pytest_notify.domain.templates import Template
from pytest_notify.domain.timings import Timings

CHANNEL_NAMES = {"sms": "text messages", "email": "emails", "letter": "letters"}
SMS_CHAR_COUNT_LIMIT = 918
EMAIL_MAX_BYTES = 2_000_000
TEAM_KEY_MESSAGE = "Can’t send to this recipient using a team-only API key"
TRIAL_MODE_MESSAGE = (
    "Can’t send to this recipient when service is in trial mode – see "
    "https://www.notifications.service.gov.uk/trial-mode"
)


@dataclass(frozen=True)
class SendRequest:
    """A send whose body passed schema validation."""

    notification_type: str
    to: str
    template_id: uuid.UUID
    personalisation: Mapping[str, Any]
    reference: str | None = None
    sms_sender_id: uuid.UUID | None = None
    email_reply_to_id: uuid.UUID | None = None
    one_click_unsubscribe_url: str | None = None
    sanitise_content_for: tuple[str, ...] = ()
    url_root: str = "http://localhost/"
    """Where the fake is reached: links to files sent by email point here."""
    validate_file: FileValidator | None = None
    """Notify's ``send_a_file_validation`` (jsonschema lives in the HTTP layer)."""


@dataclass(frozen=True)
class SendOutcome:
    """A notification ready to store (or not, for a smoke-test recipient) and what the response needs."""

    notification: Notification
    sanitised_content: dict[str, dict[str, str]]
    documents: tuple[Document, ...] = ()


def prepare_send(
    service: Service,
    api_key: ApiKey,
    request: SendRequest,
    *,
    now: dt.datetime,
    new_id: uuid.UUID,
    timings: Timings,
    limits: LimitState | None = None,
    extensions: Extensions = BUILT_IN,
) -> SendOutcome:
    """Run Notify's checks 5 to 12 for an SMS or email and build the notification.

    ``limits`` holds the service's daily counters, for the international SMS limit of step 10.
    ``extensions`` may change the rendered text; the length checks and billing use what it gives.
    """
    kind = request.notification_type
    if not service.has_permission(kind):
        raise BadRequestError(f"Service is not allowed to send {CHANNEL_NAMES[kind]}")

    values = _shared_keys(request.personalisation)
    sanitised: dict[str, dict[str, str]] = {}
    if kind == "email" and request.sanitise_content_for:
        values, sanitised = rendering.sanitise_personalisation(values, request.sanitise_content_for)

    template = validate_template(service, request.template_id, kind, values)
    reply_to_text = _check_sender(service, request)

    to = strip_obscure_whitespace(request.to)
    phone: PhoneNumber | None = None
    if kind == "sms":
        phone = parse_phone_number(to)
        normalised = phone.normalised
    else:
        normalised = normalise_email_address(to)
    _check_allowed_recipient(service, api_key, normalised)
    if phone is not None:
        _check_phone_permissions(service, phone)
        if not phone.uk:
            # Step 10: only numbers whose country code is not 44 count as international here, so
            # crown dependencies don't (reference §7.2).
            check_daily_limit(limits or LimitState(), service, api_key.key_type, "international_sms", now)
    smoke_test = is_smoke_test_recipient(kind, normalised)
    documents: list[Document] = []
    if kind == "email" and file_keys(values):
        values, documents = _attach_files(service, request, values, to, smoke_test, new_id)

    if kind == "sms":
        notify_body = rendering.render_sms_body(template.content, values)
        body = extensions.render(kind, template, values, Rendered(notify_body)).body
        length = rendering.sms_character_count(body)
        if length > SMS_CHAR_COUNT_LIMIT:
            raise BadRequestError(
                f"Your message is too long. Text messages cannot be longer than {SMS_CHAR_COUNT_LIMIT} "
                f"characters. Your message is {length} characters long."
            )
        prefix = service.name if service.prefix_sms else None
        billed = rendering.render_sms_body(template.content, values, prefix=prefix) if prefix else body
        if prefix and body != notify_body:
            billed = f"{prefix.strip()}: {body}"  # an extension's text, prefixed as Notify would
        fragments = rendering.sms_fragment_count(billed)
        subject = None
    else:
        rendered = extensions.render(
            kind,
            template,
            values,
            Rendered(
                rendering.render_email_body(template.content, values),
                rendering.render_email_subject(template.subject or "", values),
            ),
        )
        body = rendered.body
        size = len(body.encode("utf-8"))
        if size > EMAIL_MAX_BYTES:
            raise BadRequestError(
                f"Your message is too long. Emails cannot be longer than {EMAIL_MAX_BYTES} bytes. "
                f"Your message is {size} bytes."
            )
        subject = rendered.subject
        fragments = 0

    notification = Notification(
        id=new_id,
        service_id=service.id,
        type=kind,
        key_type=api_key.key_type,
        api_key_id=api_key.id,
        key_name=api_key.name,
        template_id=template.id,
        template_version=template.version,
        to=to,
        normalised_to=normalised,
        personalisation=values,
        reference=request.reference,
        body=body,
        subject=subject,
        created_at=now,
        delivery_receipts=phone.delivery_receipts if phone else True,
        international=bool(phone and phone.international),
        phone_prefix=phone.prefix if phone else None,
        rate_multiplier=phone.rate_multiplier if phone else None,
        fragments=fragments,
        one_click_unsubscribe_url=request.one_click_unsubscribe_url,
        reply_to_text=reply_to_text,
        persisted=not smoke_test,
    )
    schedule(notification, timings)
    return SendOutcome(notification, sanitised, tuple(documents))


_SHARED_KEYS_UP_TO = 64


def _shared_keys(personalisation: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the personalisation, kept by the notification. Its keys are the template's placeholders,
    the same for every send: interned, so a store keeps one copy of each (a JSON body makes new strings
    every time). Not for a body of thousands of keys, which would only grow the interpreter's table."""
    if len(personalisation) > _SHARED_KEYS_UP_TO:
        return dict(personalisation)
    return {sys.intern(name) if type(name) is str else name: value for name, value in personalisation.items()}


def _attach_files(
    service: Service,
    request: SendRequest,
    values: dict[str, Any],
    to: str,
    smoke_test: bool,
    notification_id: uuid.UUID,
) -> tuple[dict[str, Any], list[Document]]:
    """Step 11: validate each file, keep it, and put its link in the personalisation."""
    check_files_allowed(service.contact_link, service.id)
    values = dict(values)
    documents: list[Document] = []
    for index, key in enumerate(file_keys(values)):
        if smoke_test:
            values[key] = simulated_document_url(request.url_root, service.id)
            continue
        if request.validate_file is not None:
            request.validate_file(key, values[key])
        document = make_document(
            values[key],
            service_id=service.id,
            document_id=uuid.uuid5(notification_id, f"{index}-{key}"),
            key=secrets.token_bytes(32),
            recipient=to,
        )
        documents.append(document)
        values[key] = request.url_root + document.path
    return values, documents


def validate_template(service: Service, template_id: uuid.UUID, kind: str, values: Mapping[str, Any]) -> Template:
    """Check 7 of every send: the template exists, suits the channel, is not deleted and can be filled."""
    template = service.templates.get(template_id)
    if template is None or template.hidden:
        raise BadRequestError("Template not found")
    if template.type != kind:
        raise BadRequestError(f"{template.type} template is not suitable for {kind} notification")
    if template.archived:
        raise BadRequestError("Template has been deleted")
    texts: list[str | None] = [template.content]
    if kind == "email":
        texts = [template.subject, template.content]
    elif kind == "letter":
        texts = [template.current.letter_contact_block, template.subject, template.content]
    missing = rendering.missing_personalisation(texts, values)
    if missing:
        raise BadRequestError(f"Missing personalisation: {', '.join(missing)}")
    if _is_empty(template, kind, values):
        raise BadRequestError("Your message is empty.")
    if kind != "email" and any(isinstance(v, dict) and "file" in v for v in values.values()):
        raise BadRequestError("Can only send a file by email")
    return template


def _is_empty(template: Template, kind: str, values: Mapping[str, Any]) -> bool:
    if kind == "sms":
        return not rendering.render_sms_body(template.content, values)
    content = template.content
    # Notify checks emails only when the whole body is one placeholder (reference §8.1).
    if content.startswith("((") and content.endswith("))"):
        return not rendering.render_email_body(content, values)
    return False


def _check_sender(service: Service, request: SendRequest) -> str | None:
    """Validate ``sms_sender_id`` / ``email_reply_to_id``; return the SMS sender to report."""
    if request.email_reply_to_id is not None:
        ids = {r.id for r in service.reply_to_addresses if not r.archived}
        if request.email_reply_to_id not in ids:
            raise BadRequestError(
                f"email_reply_to_id {request.email_reply_to_id} does not exist in database for service id {service.id}"
            )
    if request.notification_type != "sms":
        return None
    if request.sms_sender_id is None:
        return service.default_sms_sender
    for sender in service.sms_senders:
        if sender.id == request.sms_sender_id and not sender.archived:
            return _format_sender(sender.sms_sender)
    raise BadRequestError(
        f"sms_sender_id {request.sms_sender_id} does not exist in database for service id {service.id}"
    )


def _format_sender(sender: str) -> str:
    """Phone-number senders become E.164 without ``+``; alphanumeric senders stay as they are."""
    try:
        return parse_phone_number(sender).normalised
    except PhoneNumberError:
        return sender


def format_recipient(recipient: str) -> str:
    """Notify's ``format_recipient``: numbers to E.164 digits, addresses stripped and lower-cased."""
    if "@" in recipient:
        return normalise_email_address(recipient)
    return normalise_phone_number(recipient) or recipient


def _check_allowed_recipient(service: Service, api_key: ApiKey, normalised: str) -> None:
    if api_key.key_type is KeyType.TEST:
        return
    if api_key.key_type is KeyType.LIVE and not service.restricted:
        return
    if normalised in {format_recipient(x) for x in service.allowed_recipients()}:
        return
    raise BadRequestError(TEAM_KEY_MESSAGE if api_key.key_type is KeyType.TEAM else TRIAL_MODE_MESSAGE)


def _check_phone_permissions(service: Service, phone: PhoneNumber) -> None:
    try:
        check_phone_permissions(
            phone,
            allow_international=service.has_permission("international_sms"),
            allow_uk_landline=service.has_permission("sms_to_uk_landlines"),
        )
    except PhoneNumberError as error:
        if phone.international and not phone.uk:
            raise BadRequestError("Cannot send to international mobile numbers") from None
        raise InvalidPhoneError(error.message) from None
