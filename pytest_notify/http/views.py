"""One short function per endpoint: parse the request, make one store call, serialize."""

from __future__ import annotations

import base64
import binascii
import json
import sys
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from werkzeug.exceptions import ClientDisconnected
from werkzeug.wrappers import Request, Response

from pytest_notify.domain.errors import BadRequestError, NotifyError, PDFNotReadyError, ValidationError
from pytest_notify.domain.letters import LetterRequest
from pytest_notify.domain.misuse import invalid_recipient_misuse
from pytest_notify.domain.sending import SendRequest
from pytest_notify.domain.store import Store
from pytest_notify.http import schemas, template_views
from pytest_notify.http.auth import Caller
from pytest_notify.http.serialization import (
    add_notify_headers,
    json_response,
    notification_body,
    post_response,
    precompiled_response,
    received_text_body,
    routing_error,
)

View = Callable[..., Response]


def parse_json_body(request: Request) -> Any:
    """``request.get_json(force=True) or {}`` with Notify's error for anything unparseable (§0)."""
    try:
        body = json.loads(request.get_data())
    except (ValueError, RecursionError, ClientDisconnected):
        # A body cut short (the client went away) cannot be read either; no one hears the answer.
        raise BadRequestError("Invalid JSON supplied in POST data") from None
    return body or {}


def post_notification(store: Store, caller: Caller, request: Request, notification_type: str) -> Response:
    """``POST /v2/notifications/{sms,email,letter}``; every Notify error is reported to the extensions."""
    if notification_type not in ("sms", "email", "letter"):
        raise _RoutingNotFound
    notification_type = sys.intern(notification_type)  # from the URL: a new string, kept by every notification
    try:
        return _post_notification(store, caller, request, notification_type)
    except NotifyError as error:
        store.extensions.send_refused(caller.service, caller.api_key, notification_type, error)
        raise


def _post_notification(store: Store, caller: Caller, request: Request, notification_type: str) -> Response:
    # Step 2, right after authentication and before the body is read: an invalid body can get a 429.
    store.check_rate_limits(caller.service, caller.api_key, notification_type)
    body = parse_json_body(request)
    if notification_type == "letter":
        return _post_letter(store, caller, request, body)
    now = store.clock_for(caller.service.id).now()
    try:
        if notification_type == "sms":
            data = schemas.validate_sms_request(body, now)
            to = data["phone_number"]
        else:
            data = schemas.validate_email_request(body, now)
            to = data["email_address"]
    except ValidationError as error:
        _note_invalid_recipient(store, caller, notification_type, body, error)
        raise
    send = SendRequest(
        notification_type=notification_type,
        to=to,
        template_id=uuid.UUID(data["template_id"]),
        personalisation=data.get("personalisation") or {},
        reference=data.get("reference"),
        sms_sender_id=_optional_uuid(data.get("sms_sender_id")),
        email_reply_to_id=_optional_uuid(data.get("email_reply_to_id")),
        one_click_unsubscribe_url=data.get("one_click_unsubscribe_url"),
        sanitise_content_for=tuple(data.get("sanitise_content_for") or ()),
        url_root=request.url_root,
        validate_file=schemas.validate_file_upload,
    )
    outcome = store.send(caller.service, caller.api_key, send)
    return json_response(post_response(outcome, caller.service, request.url_root), 201)


def _note_invalid_recipient(
    store: Store, caller: Caller, notification_type: str, body: Any, error: ValidationError
) -> None:
    field = "phone_number" if notification_type == "sms" else "email_address"
    problems = [m for m in error.messages if m.startswith(f"{field} ") and "required" not in m]
    if problems and isinstance(body, dict):
        misuse = invalid_recipient_misuse(caller.api_key, notification_type, body.get(field), problems[0])
        if misuse:
            store.record_key_misuse(caller.service.id, misuse)


def _post_letter(store: Store, caller: Caller, request: Request, body: Any) -> Response:
    """``POST /v2/notifications/letter``: precompiled when the body has ``content`` (§3.3, §3.4)."""
    if schemas.is_precompiled_letter_request(body):
        data = schemas.validate_precompiled_letter_request(body)
        notification = store.send_precompiled_letter(
            caller.service,
            caller.api_key,
            reference=data["reference"],
            content=data["content"],
            postage=data.get("postage"),
        )
        return json_response(precompiled_response(notification), 201)
    # Notify's letter view hands a templated letter to post_notification, which checks the limits
    # again: a templated letter takes two tokens from the bucket (reference §3.5).
    store.check_rate_limits(caller.service, caller.api_key, "letter")
    data = schemas.validate_letter_request(body)
    letter = LetterRequest(
        template_id=uuid.UUID(data["template_id"]),
        personalisation=data["personalisation"],
        reference=data.get("reference"),
    )
    outcome = store.send_letter(caller.service, caller.api_key, letter)
    return json_response(post_response(outcome, caller.service, request.url_root), 201)


def get_pdf(store: Store, caller: Caller, request: Request, notification_id: str) -> Response:
    """``GET /v2/notifications/{id}/pdf``: the letter's PDF, or the errors of §3.8 in order."""
    nid = _path_uuid("notification_id", notification_id)
    notification = store.get_notification(caller.service.id, nid)
    if notification.type != "letter":
        raise BadRequestError("Notification is not a letter")
    now = store.clock_for(caller.service.id).now()
    status = notification.status_at(now).status
    if status == "virus-scan-failed":
        raise BadRequestError("File did not pass the virus scan")
    if status == "technical-failure":
        raise BadRequestError("PDF not available for letters in status technical-failure")
    if status == "pending-virus-check" or not notification.pdf_ready(now):
        raise PDFNotReadyError("PDF not available yet, try again later")
    response = Response(notification.pdf, status=200, content_type="application/pdf")
    add_notify_headers(response)
    return response


def get_notification(store: Store, caller: Caller, request: Request, notification_id: str) -> Response:
    """``GET /v2/notifications/{id}``: any key type of the service may read it."""
    nid = _path_uuid("notification_id", notification_id)
    notification = store.get_notification(caller.service.id, nid)
    state = notification.status_at(store.clock_for(caller.service.id).now())
    return json_response(notification_body(notification, state, request.url_root))


def get_notifications(store: Store, caller: Caller, request: Request) -> Response:
    """``GET /v2/notifications``: the caller's key type only, newest first, 250 a page."""
    data = schemas.validate_get_notifications_args(list(request.args.items(multi=True)))
    older_than = data.get("older_than")
    page = store.list_notifications(
        caller.service.id,
        caller.api_key.key_type,
        template_types=data.get("template_type"),
        statuses=data.get("status"),
        reference=data.get("reference"),
        older_than=uuid.UUID(older_than) if older_than else None,
    )
    now = store.clock_for(caller.service.id).now()
    root = request.url_root
    links = {"current": _notifications_url(root, data)}
    if page:
        links["next"] = _notifications_url(root, {**data, "older_than": str(page[-1].id)})
    return json_response(
        {
            "links": links,
            "notifications": [notification_body(n, n.status_at(now), root) for n in page],
        }
    )


def get_received_texts(store: Store, caller: Caller, request: Request) -> Response:
    """``GET /v2/received-text-messages``: newest first, 250 a page; ``current`` never has ``older_than``."""
    data = schemas.validate_received_texts_args(list(request.args.items(multi=True)))
    older_than = data.get("older_than")
    page = store.received_texts(caller.service.id, older_than=uuid.UUID(older_than) if older_than else None)
    current = f"{request.url_root}v2/received-text-messages"
    links = {"current": current}
    if page:
        links["next"] = f"{current}?older_than={page[-1].id}"
    return json_response({"links": links, "received_text_messages": [received_text_body(m) for m in page]})


def get_document(store: Store, caller: None, request: Request, service: str, document: str) -> Response:
    """The file behind a files-by-email link (the fake serves it at once: no confirmation page)."""
    found = None
    try:
        service_id = uuid.UUID(bytes=_unb64(service))
        document_id = uuid.UUID(bytes=_unb64(document))
        found = store.get_document(service_id, document_id, _unb64(request.args.get("key", "")))
    except ValueError:
        pass
    if found is None:
        return json_response(routing_error(404), 404)
    headers = {"Content-Disposition": f'attachment; filename="{found.filename}"'} if found.filename else {}
    return Response(found.content, status=200, content_type=found.mimetype, headers=headers)


def admin_only(store: Store, caller: None, request: Request, **_: Any) -> Response:
    """Admin endpoints (``get_all_template_versions``): an API key gets 401 in the old error format."""
    return json_response(
        {"message": {"token": ["Unauthorized: not allowed to perform this action"]}, "result": "error"}, 401
    )


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError(str(error)) from None


def _notifications_url(url_root: str, data: dict[str, Any]) -> str:
    """``url_for(".get_notifications", **data)``: params in the order received, lists repeated."""
    pairs: list[tuple[str, str]] = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, str(item)))
    base = f"{url_root}v2/notifications"
    return f"{base}?{urlencode(pairs, safe=_URL_SAFE)}" if pairs else base


# werkzeug's url encoding (what Flask's url_for uses) leaves these unescaped.
_URL_SAFE = "!$'()*,/:;?@"


class _RoutingNotFound(Exception):
    """A matched route whose view answers with the routing 404 (Notify's ``abort(404)``)."""


def _path_uuid(name: str, value: str) -> uuid.UUID:
    try:
        if value != value.strip():
            raise ValueError
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError(f"{name} is not a valid UUID") from None


def _optional_uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


VIEWS: dict[str, View] = {
    "post_notification": post_notification,
    "get_notification": get_notification,
    "get_notifications": get_notifications,
    "get_pdf": get_pdf,
    "get_template": template_views.get_template,
    "get_template_version": template_views.get_template_version,
    "preview_template": template_views.preview_template,
    "get_templates": template_views.get_templates,
    "get_received_texts": get_received_texts,
    "get_document": get_document,
    "admin_only": admin_only,
}

__all__ = ["VIEWS", "NotifyError"]
