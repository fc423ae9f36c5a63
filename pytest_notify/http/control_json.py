"""The control API's JSON: what each object looks like over HTTP, and reading request bodies.

The field names follow the ``notify`` object a test holds (``notify.notifications`` items,
``notify.dashboard.sms.sent``...), so what a test asserts in-process reads the same over HTTP.
Times are ISO 8601 in UTC (``2026-05-17T15:58:38.342838+00:00``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import uuid
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from decimal import Decimal
from typing import Any

from werkzeug.wrappers import Request, Response

from pytest_notify.domain.callbacks import CallbackAttempt
from pytest_notify.domain.clock import SwitchableClock, utc
from pytest_notify.domain.faults import FaultedRequest, FaultRule
from pytest_notify.domain.keys import ApiKey
from pytest_notify.domain.templates import Template, TemplateVersion
from pytest_notify.http.control_types import ServiceControls
from pytest_notify.reports import DashboardChannel, DashboardPeriodReport, DashboardReport, UsageReport

_CHANNEL_FIGURES = (
    "sent",
    "requested",
    "delivered",
    "failed",
    "in_flight",
    "temporary_failure",
    "permanent_failure",
    "technical_failure",
    "validation_failed",
    "virus_scan_failed",
)


class ControlError(Exception):
    """A refusal of the control API: HTTP status, a short error name and a message for a person."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


def control_response(body: Any, status: int = 200) -> Response:
    """A JSON response. Unlike Notify's own, it carries no CORS headers: no web page elsewhere
    may read the fake's keys through a visitor's browser."""
    text = json.dumps(to_json(body), sort_keys=True, ensure_ascii=False) + "\n"
    response = Response(text, status=status, content_type="application/json; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


def error_response(error: ControlError) -> Response:
    """``{"error": ..., "message": ...}`` with the error's status."""
    response = control_response({"error": error.error, "message": error.message}, error.status)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="pytest-notify control API"'
    return response


def to_json(value: Any) -> Any:
    """Plain JSON values from dataclasses, times, ids, enums and decimals (private fields left out)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)  # report figures are int subclasses that remember their report
    if isinstance(value, (float, Decimal)):
        return float(value)
    if isinstance(value, dt.datetime):
        return utc(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, enum.Enum)):
        return str(value.value if isinstance(value, enum.Enum) else value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value) if not f.name.startswith("_")
        }
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (Sequence, AbstractSet)):  # NotificationList and the like too
        items = sorted(value) if isinstance(value, AbstractSet) else value
        return [to_json(v) for v in items]
    raise TypeError(f"the control API cannot encode {type(value).__name__}")


# -- request bodies ---------------------------------------------------------------------------------


def read_body(
    request: Request, *, allowed: tuple[str, ...] | None = None, required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The JSON object sent (``{}`` for an empty body), refusing fields not ``allowed`` (any, when
    None: the caller checks them) and missing ``required`` ones."""
    raw = request.get_data()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (ValueError, RecursionError):
        raise ControlError(400, "invalid_json", "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ControlError(400, "invalid_json", f"the request body must be a JSON object, not {type(body).__name__}")
    unknown = sorted(set(body) - set(allowed)) if allowed is not None else []
    if unknown and allowed is not None:
        takes = ", ".join(allowed) if allowed else "no fields"
        raise ControlError(
            400, "invalid_request", f"unknown field(s) {', '.join(unknown)}; this endpoint takes {takes}"
        )
    missing = [name for name in required if body.get(name) is None]
    if missing:
        raise ControlError(400, "invalid_request", f"missing field(s) {', '.join(missing)}")
    return body


def typed(body: Mapping[str, Any], name: str, *types: type, default: Any = None) -> Any:
    """``body[name]`` if it has one of ``types`` (or is absent: ``default``); 400 otherwise."""
    value = body.get(name, default)
    if value is None or (isinstance(value, types) and not (isinstance(value, bool) and bool not in types)):
        return value
    names = " or ".join(dict.fromkeys("number" if t in (int, float) else t.__name__ for t in types))
    raise ControlError(400, "invalid_request", f"{name} must be a {names}, not {json.dumps(value)}")


EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)
"""The times a service clock may be set or moved to: what a test needs, and far enough from the ends
of Python's calendar that the letter calendar and financial years always have room."""


def parse_time(value: Any, name: str = "at") -> dt.datetime:
    """An ISO 8601 time (``Z`` allowed; without a zone it is UTC), from 2000 to 2099."""
    if not isinstance(value, str):
        raise ControlError(400, "invalid_request", f"{name} must be an ISO 8601 time, such as 2026-05-17T15:58:38Z")
    try:
        parsed = utc(dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00")))
    except (ValueError, OverflowError):
        raise ControlError(
            400, "invalid_request", f"{name}: {value!r} is not an ISO 8601 time, such as 2026-05-17T15:58:38Z"
        ) from None
    return plausible(parsed, name)


def plausible(when: dt.datetime, name: str) -> dt.datetime:
    """``when`` if it is from 2000 to 2099; 400 otherwise."""
    if not EARLIEST <= when < LATEST:
        raise ControlError(
            400, "invalid_request", f"{name}: a service clock keeps to the years 2000 to 2099, not {when.isoformat()}"
        )
    return when


# -- objects ----------------------------------------------------------------------------------------


def key_json(key: ApiKey) -> dict[str, Any]:
    """An API key: ``key_type`` is Notify's (``normal`` for live), ``key`` the full key string."""
    return {
        "id": key.id,
        "name": key.name,
        "key_type": key.key_type,
        "label": key.key_type.label,
        "key": key.key,
        "created_at": key.created_at,
        "revoked": key.revoked,
        "revoked_at": key.expiry_date,
    }


def _version_json(version: TemplateVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "name": version.name,
        "body": version.content,
        "subject": version.subject,
        "postage": version.postage,
        "letter_contact_block": version.letter_contact_block,
        "created_at": version.created_at,
        "updated_at": version.updated_at,
    }


def template_json(template: Template, *, versions: bool = False) -> dict[str, Any]:
    """A template as ``notify.add_template`` returns it (``id``, ``version``, ``type``, ``name``,
    ``body``, ``subject``), with its postage, whether deleted and, if asked, every version."""
    body = {"id": template.id, "type": template.type, "archived": template.archived, **_version_json(template.current)}
    if versions:
        body["versions"] = [_version_json(v) for v in template.versions]
    return body


def clock_json(controls: ServiceControls) -> dict[str, Any]:
    """The service clock: ``now``, whether ``frozen``, and the ``timings`` sends follow."""
    clock = controls.clock
    return {
        "now": clock.now(),
        "frozen": isinstance(clock, SwitchableClock) and clock.frozen,
        "timings": timings_json(controls),
    }


def timings_json(controls: ServiceControls) -> dict[str, Any]:
    """The service's timings: ``mode``, ``description`` and every delay."""
    timings = controls.timings
    return {**to_json(timings), "description": timings.describe()}


def service_json(controls: ServiceControls, *, full: bool = True) -> dict[str, Any]:
    """A service: its settings (the ``notify_service`` marker's names) and, ``full``, everything it holds."""
    service = controls.service
    body: dict[str, Any] = {
        "id": service.id,
        "name": service.name,
        "trial_mode": service.restricted,
        "created_at": service.created_at,
        "organisation_type": service.organisation_type,
        "notifications": len(controls.store.notifications(service.id)),
    }
    if not full:
        return body
    callbacks = {"delivery_status": service.delivery_status_callback, "inbound_sms": service.inbound_sms_callback}
    return {
        **body,
        "base_url": controls.base_url,
        "permissions": service.permissions,
        "team_members": [
            {"email": m.email_address, "mobile": m.mobile_number, "name": m.name} for m in service.team_members
        ],
        "guest_list": service.guest_list,
        "email_sender_name": service.email_sender_name,
        "prefix_sms": service.prefix_sms,
        "contact_link": service.contact_link,
        "inbound_number": service.inbound_number,
        "sms_senders": service.sms_senders,
        "reply_to_addresses": service.reply_to_addresses,
        "limits": controls.limits,
        "callbacks": callbacks,
        "api_keys": [key_json(k) for k in controls.api_keys],
        "templates": [template_json(t) for t in service.templates.values() if not t.hidden],
        "clock": clock_json(controls),
    }


def _channel_json(channel: DashboardChannel) -> dict[str, Any]:
    return {**{name: getattr(channel, name) for name in _CHANNEL_FIGURES}, "statuses": channel.statuses}


def _period_json(period: DashboardPeriodReport) -> dict[str, Any]:
    return {
        "first_day": period.first_day,
        "last_day": period.last_day,
        "sms": _channel_json(period.sms),
        "email": _channel_json(period.email),
        "letter": _channel_json(period.letter),
        "test_key_sends": period.test_key_sends,
    }


def dashboard_json(report: DashboardReport) -> dict[str, Any]:
    """``notify.dashboard``: today's figures at the top (``sms.sent``...) and ``last_7_days``."""
    return {**_period_json(report), "last_7_days": _period_json(report.last_7_days)}


def usage_json(report: UsageReport) -> dict[str, Any]:
    """``notify.usage`` (or ``notify.usage.for_year(year)``): the same names, months included."""
    sms = report.sms
    sms_figures = ("free_allowance", "chargeable_units", "free_allowance_used", "free_allowance_remaining")
    return {
        "financial_year": report.financial_year,
        "sms": {
            **{name: getattr(sms, name) for name in sms_figures},
            "charged_units": sms.charged_units,
            "sent": sms.sent,
            "cost": sms.cost,
        },
        "emails_sent": report.emails_sent,
        "email": {"sent": report.email.sent},
        "letters": {
            "sent": report.letters.sent,
            "cost": report.letters.cost,
            "breakdown": [{**to_json(line), "cost": line.cost} for line in report.letters.breakdown],
        },
        "months": [
            {**to_json(month), "letters_sent": month.letters_sent, "letter_cost": month.letter_cost}
            for month in report.months
        ],
        "test_key_sends": report.test_key_sends,
    }


def callback_json(attempt: CallbackAttempt) -> dict[str, Any]:
    """A callback request made: its fields, with the body parsed as ``json`` and ``id``, ``status``, ``ok``."""
    return {**to_json(attempt), "json": attempt.json, "id": attempt.id, "status": attempt.status, "ok": attempt.ok}


def fault_json(rule: FaultRule) -> dict[str, Any]:
    """A fault rule: what it matches, how often, and how many faults it made."""
    return {
        "kind": rule.kind,
        "endpoints": sorted(rule.endpoints) if rule.endpoints is not None else None,
        "recipient": rule.recipient,
        "template_id": rule.template_id,
        "times": rule.times,
        "probability": rule.probability,
        "seed": rule.seed,
        "seconds": rule.seconds,
        "error": rule.error,
        "applied": rule.applied,
        "remaining": rule.remaining,
        "description": str(rule),
    }


def faulted_json(request: FaultedRequest) -> dict[str, Any]:
    """A request a fault hit, with the rule described in words."""
    return {
        "at": request.at,
        "kind": request.kind,
        "endpoint": request.endpoint,
        "method": request.method,
        "path": request.path,
        "rule": str(request.rule),
    }
