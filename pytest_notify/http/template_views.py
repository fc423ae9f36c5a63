"""The templates API: ``GET /v2/template/{id}[/version/{n}]``, ``GET /v2/templates`` and
``POST /v2/template/{id}/preview`` (reference §3.9 to §3.11, §13 "Template lookup").

None of them is rate limited or checks the service's channel permissions; every key type may use them.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from werkzeug.wrappers import Request, Response

from pytest_notify.domain.email_html import email_html_body
from pytest_notify.domain.errors import BadRequestError, NoResultFound, NotifyError
from pytest_notify.domain.rendering import (
    missing_personalisation,
    placeholder_names,
    render_email_body,
    render_email_subject,
    render_letter_body,
    render_letter_subject,
    render_sms_body,
)
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.domain.templates import Template, TemplateVersion
from pytest_notify.http import schemas
from pytest_notify.http.auth import Caller
from pytest_notify.http.serialization import format_datetime, json_response

__all__ = ["get_template", "get_template_version", "get_templates", "preview_template", "template_body"]


def get_template(store: Store, caller: Caller, request: Request, template_id: str) -> Response:
    """``GET /v2/template/{id}``: the latest version, archived or not."""
    return get_template_version(store, caller, request, template_id, 0)


def get_template_version(store: Store, caller: Caller, request: Request, template_id: str, version: int) -> Response:
    """``GET /v2/template/{id}/version/{n}``; like Notify (``if version:``), version 0 means the latest."""
    del store, request  # templates live on the authenticated service
    data = schemas.validate_template_path(template_id, version)
    template = _find_template(caller.service, data["id"])
    found = template.get_version(version) if version else template.current
    if found is None:
        raise NoResultFound()
    return json_response(template_body(template, found))


def get_templates(store: Store, caller: Caller, request: Request) -> Response:
    """``GET /v2/templates[?type=]``: neither archived nor hidden, by name then type."""
    del store
    data = schemas.validate_get_templates_args(list(request.args.items(multi=True)))
    wanted = data.get("type")
    templates = [
        template
        for template in list(caller.service.templates.values())
        if not template.archived and not template.hidden and (wanted is None or template.type == wanted)
    ]
    # Notify orders in SQL (name ASC, template_type ASC); sorted() is stable, so templates that tie
    # keep the order they were added in. Names compare by code point ("C" collation).
    templates.sort(key=lambda template: (template.name, template.type))
    return json_response({"templates": [template_body(template, template.current) for template in templates]})


def preview_template(store: Store, caller: Caller, request: Request, template_id: str) -> Response:
    """``POST /v2/template/{id}/preview``: the latest version filled with the personalisation given."""
    del store
    data = schemas.validate_template_preview_request(_preview_json(request), template_id)
    template = _find_template(caller.service, data["id"])
    version = template.current
    values: dict[str, Any] = data.get("personalisation") or {}
    missing = missing_personalisation(_placeholder_texts(template.type, version), values)
    if missing:
        raise BadRequestError(f"Missing personalisation: {', '.join(missing)}")
    subject: str | None = None
    html: str | None = None
    if template.type == "sms":
        body = render_sms_body(version.content, values)
    elif template.type == "email":
        body = render_email_body(version.content, values)
        subject = render_email_subject(version.subject or "", values)
        html = email_html_body(version.content, values)
    else:
        body = render_letter_body(version.content, values)
        subject = render_letter_subject(version.subject or "", values)
    return json_response(
        {
            "id": str(template.id),
            "type": template.type,
            "version": version.version,
            "body": body,
            "html": html,
            "subject": subject,
            "postage": version.postage,
        }
    )


def template_body(template: Template, version: TemplateVersion) -> dict[str, Any]:
    """``serialize_for_v2()`` of one version of a template (reference §3.9): every key, always."""
    return {
        "id": str(template.id),
        "type": template.type,
        "created_at": format_datetime(version.created_at),
        "updated_at": format_datetime(version.updated_at),
        "created_by": version.created_by,
        "version": version.version,
        "body": version.content,
        "subject": version.subject if template.type in ("email", "letter") else None,
        "name": version.name,
        "personalisation": {
            name: {"required": True} for name in placeholder_names(*_placeholder_texts(template.type, version))
        },
        "postage": version.postage,
        "letter_contact_block": version.letter_contact_block if template.type == "letter" else None,
    }


def _placeholder_texts(template_type: str, version: TemplateVersion) -> tuple[str | None, ...]:
    """Where a template's placeholders are, in Notify's order (which decides the spelling kept and
    the order of ``Missing personalisation``): letter contact block, subject, body."""
    if template_type == "letter":
        return version.letter_contact_block, version.subject, version.content
    if template_type == "email":
        return version.subject, version.content
    return (version.content,)


# What Postgres takes as a uuid. The schema lets through more (e.g. "urn:uuid:..."), which the
# database then refuses with a DataError, answered as 404 ``No result found``.
_POSTGRES_UUID = re.compile(r"\{?[0-9a-fA-F-]+\}?")


def _find_template(service: Service, template_id: str) -> Template:
    """``dao_get_template_by_id_and_service_id``: this service's, not hidden; archived is fine."""
    if not _POSTGRES_UUID.fullmatch(template_id):
        raise NoResultFound()
    template = service.templates.get(uuid.UUID(template_id))
    if template is None or template.hidden:
        raise NoResultFound()
    return template


def _preview_json(request: Request) -> dict[str, Any]:
    """The preview body: Notify allows an empty one, which counts as ``{}``.

    Otherwise it is ``get_valid_json()`` (falsy JSON counts as ``{}``) and then Notify sets
    ``body["id"]``, which fails with a ``TypeError`` (a 500) for a JSON array, string, number or ``true``.
    """
    raw = request.get_data()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadRequestError("Invalid JSON supplied in POST data") from None
    if not body:
        return {}
    if not isinstance(body, dict):
        raise _InternalServerError("TypeError")
    return body


class _InternalServerError(NotifyError):
    """Notify's 500 for an exception it did not expect, named after the exception's class."""

    status_code = 500

    def __init__(self, exception_name: str) -> None:
        super().__init__("Internal server error")
        self.error = exception_name
