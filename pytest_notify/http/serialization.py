"""The one serializer: Notify's JSON encoding and every response body's field names (reference §0, §3)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from werkzeug.wrappers import Response

from pytest_notify.domain.costs import cost_data
from pytest_notify.domain.inbound import InboundSms
from pytest_notify.domain.letter_timings import estimated_delivery
from pytest_notify.domain.notifications import COMPLETED_STATUSES, Notification, StatusAt, public_status
from pytest_notify.domain.rendering import placeholder_key
from pytest_notify.domain.sending import SendOutcome
from pytest_notify.domain.service import Service

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

# reference §0: added to every response by Notify's after_request.
NOTIFY_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Headers", "Content-Type,Authorization"),
    ("Access-Control-Allow-Methods", "GET,PUT,POST,DELETE"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("X-Permitted-Cross-Domain-Policies", "none"),
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload"),
    ("Cache-Control", "no-store, no-cache, private, must-revalidate"),
)


def dumps(obj: Any) -> str:
    """Notify's encoding: sorted keys, compact separators, ASCII escapes and a trailing newline."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"


def json_response(obj: Any, status: int = 200, content_type: str = "application/json") -> Response:
    """A response with Notify's body encoding and headers."""
    response = Response(dumps(obj), status=status, content_type=content_type)
    add_notify_headers(response)
    return response


def add_notify_headers(response: Response) -> None:
    """Add the headers every Notify response carries."""
    for name, value in NOTIFY_HEADERS:
        response.headers[name] = value


def format_datetime(value: dt.datetime | None) -> str | None:
    """``2026-05-17T15:58:38.342838Z``: naive UTC with a literal ``Z``."""
    if value is None:
        return None
    return value.astimezone(dt.timezone.utc).strftime(DATETIME_FORMAT)


def post_response(outcome: SendOutcome, service: Service, url_root: str) -> dict[str, Any]:
    """The 201 body of ``POST /v2/notifications/sms`` and ``/email`` (reference §3.1, §3.2)."""
    n = outcome.notification
    content: dict[str, Any]
    if n.type == "sms":
        content = {"body": n.body, "from_number": n.reply_to_text}
    elif n.type == "letter":
        content = {"body": n.body, "subject": n.subject}
    else:
        content = {
            "body": n.body,
            "from_email": service.from_email,
            "one_click_unsubscribe_url": n.one_click_unsubscribe_url,
            "subject": n.subject,
        }
    body: dict[str, Any] = {
        "content": content,
        "id": str(n.id),
        "reference": n.reference,
        "scheduled_for": None,
        "template": {
            "id": str(n.template_id),
            "uri": f"{url_root}services/{service.id}/templates/{n.template_id}",
            "version": n.template_version,
        },
        "uri": f"{url_root}v2/notifications/{n.id}",
    }
    if n.type == "email":
        body["sanitised_content"] = outcome.sanitised_content
    return body


def notification_body(n: Notification, state: StatusAt, url_root: str) -> dict[str, Any]:
    """``Notification.serialize_with_cost_data()``: every key, null where not applicable (§3.6)."""
    completed = state.updated_at if state.status in COMPLETED_STATUSES else None
    body: dict[str, Any] = {
        "id": str(n.id),
        "reference": n.reference,
        "email_address": n.to if n.type == "email" else None,
        "phone_number": n.to if n.type == "sms" else None,
        "line_1": None,
        "line_2": None,
        "line_3": None,
        "line_4": None,
        "line_5": None,
        "line_6": None,
        "postcode": None,
        "type": n.type,
        "status": public_status(n.type, state.status),
        "template": {
            "id": str(n.template_id),
            "version": n.template_version,
            "uri": f"{url_root}v2/template/{n.template_id}/version/{n.template_version}",
        },
        "body": n.body,
        "subject": n.subject,
        "created_at": format_datetime(n.created_at),
        "created_by_name": None,
        "sent_at": format_datetime(state.sent_at),
        "completed_at": format_datetime(completed),
        "scheduled_for": None,
        "postage": n.postage,
        "one_click_unsubscribe_url": n.one_click_unsubscribe_url,
    }
    if n.type == "letter":
        address = {placeholder_key(k): v for k, v in n.personalisation.items()}
        for line in range(1, 7):
            body[f"line_{line}"] = address.get(f"addressline{line}")
        body["postcode"] = address.get("postcode")
        body["estimated_delivery"] = format_datetime(estimated_delivery(n.created_at, n.postage or "second"))
    body.update(cost_data(n, state.status))
    return body


def precompiled_response(n: Notification) -> dict[str, Any]:
    """The 201 body of a precompiled letter: only ``id``, ``reference`` and ``postage`` (§3.4)."""
    return {"id": str(n.id), "postage": n.postage, "reference": n.reference}


def received_text_body(message: InboundSms) -> dict[str, Any]:
    """One entry of ``received_text_messages`` (reference §3.12)."""
    return {
        "content": message.content,
        "created_at": format_datetime(message.created_at),
        "id": str(message.id),
        "notify_number": message.notify_number,
        "service_id": str(message.service_id),
        "user_number": message.user_number,
    }


def routing_error(status: int) -> dict[str, str]:
    """The non-v2 bodies of an unknown path (404) or a wrong method (405), reference §2.3."""
    if status == 405:
        return {"message": "The method is not allowed for the requested URL.", "result": "error"}
    return {
        "message": "The requested URL was not found on the server. If you entered the URL manually "
        "please check your spelling and try again.",
        "result": "error",
    }
