"""The control API's views of what a service did and how it moves on: notifications, reports,
callbacks, received texts, the clock, outcomes and faults (one call on the ``notify`` object each)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from werkzeug.wrappers import Request, Response

from pytest_notify.domain.clock import SwitchableClock
from pytest_notify.domain.keys import KeyType
from pytest_notify.http.control_json import (
    ControlError,
    callback_json,
    clock_json,
    control_response,
    dashboard_json,
    fault_json,
    faulted_json,
    parse_time,
    plausible,
    read_body,
    service_json,
    timings_json,
    typed,
    usage_json,
)
from pytest_notify.http.control_types import ServiceControls
from pytest_notify.http.control_views import ControlContext

# -- notifications and what they did ----------------------------------------------------------------


NOTIFICATION_FILTERS = (
    "id",
    "type",
    "status",
    "key_type",
    "key_name",
    "to",
    "reference",
    "template_id",
    "template_version",
    "subject",
)
"""Query parameters ``GET .../notifications`` filters on: fields of ``notify.notifications`` items."""


def list_notifications(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``GET .../notifications?status=delivered&key_type=team``: oldest first, as ``notify.notifications``.

    A parameter given more than once matches any of its values; ``key_type=live`` means ``normal``.
    """
    wanted: dict[str, set[str]] = {}
    for name, values in request.args.lists():
        if name not in NOTIFICATION_FILTERS:
            raise ControlError(
                400, "invalid_request", f"cannot filter on {name!r}; filter on {', '.join(NOTIFICATION_FILTERS)}"
            )
        wanted[name] = {"normal" if name == "key_type" and v == KeyType.LIVE.name.lower() else v for v in values}
    found = [
        n
        for n in ctx.service(service_id).notifications
        if all(str(getattr(n, name)) in values for name, values in wanted.items())
    ]
    return control_response({"notifications": found})


def get_notification(ctx: ControlContext, request: Request, service_id: str, notification_id: str) -> Response:
    """``GET .../notifications/<notification id>``: as the ``notify.notifications`` item."""
    return control_response(_notification(ctx.service(service_id), notification_id))


def _notification(controls: ServiceControls, notification_id: str) -> Any:
    try:
        wanted = str(uuid.UUID(notification_id))
    except ValueError:
        wanted = notification_id
    for notification in controls.notifications:
        if notification.id == wanted:
            return notification
    raise ControlError(
        404,
        "notification_not_found",
        f"service {controls.service.id} has no notification {notification_id!r} (smoke-test sends are never stored)",
    )


def dashboard(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``GET .../dashboard``: ``notify.dashboard`` (today at the top, ``last_7_days``)."""
    return control_response(dashboard_json(ctx.service(service_id).dashboard))


def usage(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``GET .../usage[?year=2025]``: ``notify.usage`` for the current (or that) financial year."""
    report = ctx.service(service_id).usage
    year = request.args.get("year")
    if year is not None:
        if not year.isdigit():
            raise ControlError(400, "invalid_request", f"year must be a year such as 2025, not {year!r}")
        report = report.for_year(int(year))
    return control_response(usage_json(report))


def callbacks(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``GET .../callbacks[?kind=delivery_status]``: every callback request made, oldest first."""
    kind = request.args.get("kind")
    made = [a for a in ctx.service(service_id).callbacks if kind is None or a.kind == kind]
    return control_response({"callbacks": [callback_json(a) for a in made]})


def set_callback(ctx: ControlContext, request: Request, service_id: str, kind: str) -> Response:
    """``PUT .../callbacks/<delivery_status|inbound_sms>``: ``{"url", "bearer_token"}``; ``DELETE`` removes it."""
    if kind not in ("delivery_status", "inbound_sms"):
        raise ControlError(404, "not_found", f"no callback {kind!r}; use delivery_status or inbound_sms")
    controls = ctx.service(service_id)
    setter = controls.set_delivery_status_callback if kind == "delivery_status" else controls.set_inbound_sms_callback
    if request.method == "DELETE":
        setter(None)
    else:
        body = read_body(request, allowed=("url", "bearer_token"), required=("url", "bearer_token"))
        setter(typed(body, "url", str), typed(body, "bearer_token", str))
    return control_response({"callbacks": service_json(controls)["callbacks"]})


def receive_text(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``POST .../received-texts``: ``{"content", "from_number", "received_at"}``; the text's id."""
    body = read_body(request, allowed=("content", "from_number", "received_at"), required=("content",))
    received_at = parse_time(body["received_at"], "received_at") if body.get("received_at") is not None else None
    number = typed(body, "from_number", str, default="07700900123")
    text_id = ctx.service(service_id).receive_sms(typed(body, "content", str), number, received_at=received_at)
    return control_response({"id": text_id}, 201)


# -- time and outcomes ------------------------------------------------------------------------------


def get_clock(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``GET .../clock``: ``now``, ``frozen`` and ``timings``."""
    return control_response(clock_json(ctx.service(service_id)))


def move_clock(ctx: ControlContext, request: Request, service_id: str, action: str) -> Response:
    """``POST .../clock/<freeze|advance|set|unfreeze>``.

    ``advance`` takes ``seconds`` (and ``minutes``, ``hours``, ``days``); ``set`` takes ``at``. Both
    freeze the clock first, and make the callbacks they made due before answering.
    """
    units = ("seconds", "minutes", "hours", "days")
    allowed = {"freeze": (), "unfreeze": (), "advance": units, "set": ("at",)}.get(action)
    if allowed is None:
        raise ControlError(404, "not_found", f"the clock cannot {action!r}; use freeze, advance, set or unfreeze")
    body = read_body(request, allowed=allowed, required=("at",) if action == "set" else ())
    controls = ctx.service(service_id)
    clock = controls.clock
    if not isinstance(clock, SwitchableClock):
        raise ControlError(409, "clock_fixed", f"this service's clock ({type(clock).__name__}) cannot be moved")
    if action == "freeze":
        controls.freeze_time()
    elif action == "unfreeze":
        clock.unfreeze()
    elif action == "set":
        controls.freeze_time().freeze(parse_time(body["at"]))
        controls.advance(0)  # the callbacks due at the new time go out, as after advance
    else:
        delta = {unit: float(typed(body, unit, int, float)) for unit in units if body.get(unit) is not None}
        try:
            plausible(clock.now() + dt.timedelta(**delta), "advance")  # refused before the clock moves
        except (ValueError, OverflowError):  # NaN, or beyond what a timedelta holds
            raise ControlError(400, "invalid_request", f"advance: cannot move a clock by {delta}") from None
        controls.advance(**delta)
    return control_response(clock_json(controls))


def timings(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``GET`` or ``PUT .../timings``: ``{"timings": "manual"}`` or ``{"timings": {"sms": {"final": 60}}}``."""
    controls = ctx.service(service_id)
    if request.method == "PUT":
        body = read_body(request, allowed=("timings",), required=("timings",))
        controls.set_timings(typed(body, "timings", str, dict))
    return control_response(timings_json(controls))


def set_outcome(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``POST .../outcomes``: ``{"status", and one of "notification", "recipient", "template", "type"}``."""
    scopes = ("notification", "recipient", "template", "type")
    body = read_body(request, allowed=("status", *scopes), required=("status",))
    chosen = {name: typed(body, name, str) for name in scopes if body.get(name) is not None}
    controls = ctx.service(service_id)
    if "notification" in chosen:
        _notification(controls, chosen["notification"])  # a clear 404 first
    controls.set_outcome(typed(body, "status", str), **chosen)
    return control_response({"status": body["status"], **chosen}, 201)


def clear_outcomes(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``DELETE .../outcomes``: forget the outcomes chosen for later sends."""
    ctx.service(service_id).clear_outcomes()
    return control_response({"cleared": True})


def advance_notification(ctx: ControlContext, request: Request, service_id: str, notification_id: str) -> Response:
    """``POST .../notifications/<id>/advance``: the next status now (or up to ``to``)."""
    body = read_body(request, allowed=("to",))
    controls = ctx.service(service_id)
    found = _notification(controls, notification_id)
    return control_response(controls.advance_status(found.id, to=typed(body, "to", str)))


def advance_all(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``POST .../notifications/advance``: every notification that can still move (``to`` optional)."""
    body = read_body(request, allowed=("to",))
    return control_response({"notifications": ctx.service(service_id).advance_all(to=typed(body, "to", str))})


# -- faults -----------------------------------------------------------------------------------------

FAULT_FIELDS = ("kind", "endpoint", "recipient", "template_id", "times", "probability", "seed", "seconds", "error")


def faults(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``GET .../faults``: the rules, and the requests they faulted; ``DELETE`` clears the rules."""
    controls = ctx.service(service_id)
    if request.method == "DELETE":
        controls.clear_faults()
    return control_response(
        {
            "rules": [fault_json(r) for r in controls.fault_rules],
            "faulted_requests": [faulted_json(f) for f in controls.faulted_requests],
        }
    )


def inject_fault(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``POST .../faults``: ``{"kind": "500", "endpoint": "send_sms", "times": 1}`` (``inject_fault``'s arguments)."""
    body = read_body(request, allowed=FAULT_FIELDS, required=("kind",))
    options = {name: body[name] for name in FAULT_FIELDS[1:] if body.get(name) is not None}
    rule = ctx.service(service_id).inject_fault(typed(body, "kind", str, int), **options)
    return control_response(fault_json(rule), 201)
