"""A small Python client for the control API (``/_notify/``) of ``pytest-notify serve``.

Standard library only, so it can drive a fake Notify from any test process::

    from pytest_notify.control_client import NotifyControl

    control = NotifyControl("http://127.0.0.1:6011", admin_token=None)
    service = control.create_service(name="Passports", trial_mode=False)
    ...  # the code under test sends with service.live_key to control.base_url
    assert service.notifications(status="delivered")[0]["body"] == "..."
    service.advance(5)

:class:`RemoteService` has the ``notify`` object's method names; what is a property there (such as
``notifications`` or ``dashboard``) is a method here, as each makes a request. Answers are the JSON
documented in docs/control-api.md; any refusal raises :class:`NotifyControlError`.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

JSON = dict[str, Any]


class NotifyControlError(Exception):
    """The control API refused a request (``status``, ``error``, ``message``), or could not be reached
    (``status`` None, ``error`` ``connection_error``)."""

    def __init__(self, status: int | None, error: str, message: str) -> None:
        where = f"HTTP {status}" if status is not None else "no response"
        super().__init__(f"{where} {error}: {message}")
        self.status = status
        self.error = error
        self.message = message


class NotifyControl:
    """The control API of one fake Notify server (``base_url`` is the server's, as the official clients take it)."""

    def __init__(self, base_url: str, admin_token: str | None = None, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.admin_token = admin_token
        self.timeout = timeout

    def request(self, method: str, path: str, body: Mapping[str, Any] | None = None, **query: Any) -> Any:
        """Make one request to ``/_notify/<path>`` and return the JSON answer.

        ``query`` values that are lists are repeated (``status=["sending", "delivered"]``); None is left out.
        """
        pairs = [(k, v) for k, v in query.items() if v is not None]
        url = f"{self.base_url}/_notify/{path.lstrip('/')}"
        if pairs:
            url += "?" + urllib.parse.urlencode(pairs, doseq=True)
        headers = {"Accept": "application/json"}
        data = None
        if method in ("POST", "PUT", "PATCH"):
            # Always JSON, even with nothing to say: the server refuses other bodies (see the docs).
            data = json.dumps(dict(body or {})).encode()
            headers["Content-Type"] = "application/json"
        if self.admin_token:
            headers["Authorization"] = f"Bearer {self.admin_token}"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise _refusal(error) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise NotifyControlError(None, "connection_error", f"cannot reach {url}: {reason}") from None

    # -- the server ------------------------------------------------------------------------------

    def info(self) -> JSON:
        """What the server is, and how many services it holds."""
        answer: JSON = self.request("GET", "")
        return answer

    def services(self) -> list[JSON]:
        """Every service, oldest first, in brief (``id``, ``name``, ``trial_mode``...)."""
        return list(self.request("GET", "services")["services"])

    def create_service(self, **settings: Any) -> RemoteService:
        """A new service with a test, a team and (when live) a live key; takes the ``notify_service``
        marker's arguments (``name``, ``trial_mode``, ``guest_list``, ``timings``, ``faults``...) and
        ``service_id``."""
        created: JSON = self.request("POST", "services", settings)
        return RemoteService(self, created["id"], created)

    def service(self, service_id: str) -> RemoteService:
        """A service that exists (its keys are read from the server)."""
        return RemoteService(self, service_id, self.request("GET", f"services/{_quote(service_id)}"))

    def reset(self, *, reseed: bool = False) -> JSON:
        """Remove every service (``removed``); with ``reseed``, seed the server as at start (``seeded``)."""
        answer: JSON = self.request("POST", "reset", {"reseed": reseed})
        return answer


class RemoteService:
    """One service on the server, driven through the control API with the ``notify`` object's names.

    ``test_key``, ``team_key`` and ``live_key`` are full key strings (the first active key of each
    type when the service was read; ``None`` for a type it has none of).
    """

    def __init__(self, control: NotifyControl, service_id: str, details: JSON) -> None:
        self.control = control
        self.service_id = str(service_id)
        made = details.get("keys") or {}  # only a new service's answer has these
        first: dict[str, str] = {}
        for key in details.get("api_keys", ()):
            if not key["revoked"]:
                first.setdefault(key["key_type"], key["key"])
        self.test_key: str | None = made.get("test") or first.get("test")
        self.team_key: str | None = made.get("team") or first.get("team")
        self.live_key: str | None = made.get("live") or first.get("normal")  # "normal" is Notify's name

    @property
    def base_url(self) -> str:
        """The server's base URL, for the official clients."""
        return self.control.base_url

    def _call(self, method: str, path: str = "", body: Mapping[str, Any] | None = None, **query: Any) -> Any:
        return self.control.request(method, f"services/{_quote(self.service_id)}{path}", body, **query)

    # -- the service -------------------------------------------------------------------------------

    def details(self) -> JSON:
        """Everything about the service: settings, keys, templates, limits, callbacks, clock."""
        answer: JSON = self._call("GET")
        return answer

    def remove(self) -> None:
        """Remove the service and everything it sent."""
        self._call("DELETE")

    def go_live(self) -> str:
        """Make the service live; returns its live key (made if it had none)."""
        service = self._call("PATCH", body={"trial_mode": False})
        live: str = next(k["key"] for k in service["api_keys"] if k["key_type"] == "normal" and not k["revoked"])
        self.live_key = live
        return live

    def back_to_trial(self) -> None:
        """Put the service back in trial mode."""
        self._call("PATCH", body={"trial_mode": True})

    def set_limits(self, **limits: int) -> JSON:
        """Change ``rate_limit``, ``sms_limit``, ``email_limit``, ``letter_limit``, ``international_sms_limit``."""
        answer: JSON = self._call("PATCH", body=limits)["limits"]
        return answer

    # -- keys and templates ------------------------------------------------------------------------

    def api_keys(self) -> list[JSON]:
        """Every key of the service, revoked ones included."""
        return list(self._call("GET", "/keys")["api_keys"])

    def create_key(self, key_type: str, name: str | None = None) -> str:
        """Another key (``test``, ``team`` or ``live``); returns the full key string."""
        return str(self._call("POST", "/keys", {"key_type": key_type, "name": name})["key"])

    def revoke_key(self, key: str) -> JSON:
        """Revoke a key given by id, full key string or name."""
        answer: JSON = self._call("DELETE", f"/keys/{_quote(key)}")
        return answer

    def templates(self) -> list[JSON]:
        """Every template (deleted ones have ``archived`` true)."""
        return list(self._call("GET", "/templates")["templates"])

    def template(self, template_id: str) -> JSON:
        """One template with every version."""
        answer: JSON = self._call("GET", f"/templates/{_quote(template_id)}")
        return answer

    def add_template(
        self, type: str, body: str, subject: str | None = None, name: str | None = None, **options: Any
    ) -> JSON:
        """Add a template (``postage=``, ``letter_contact_block=``, ``template_id=``); it has ``id`` and ``version``."""
        answer: JSON = self._call(
            "POST", "/templates", {"type": type, "body": body, "subject": subject, "name": name, **options}
        )
        return answer

    def update_template(self, template_id: str, **changes: Any) -> JSON:
        """Save a new version: ``body=``, ``subject=``, ``name=``... (the others kept)."""
        answer: JSON = self._call("POST", f"/templates/{_quote(template_id)}/versions", changes)
        return answer

    def remove_template(self, template_id: str) -> JSON:
        """Delete a template as Notify does (archived: sends with it fail)."""
        answer: JSON = self._call("DELETE", f"/templates/{_quote(template_id)}")
        return answer

    # -- what happened -----------------------------------------------------------------------------

    def notifications(self, **filters: Any) -> list[JSON]:
        """Stored notifications, oldest first, as ``notify.notifications`` items; filters on their fields
        (``status="delivered"``, ``key_type="team"``, ``to=...``; a list matches any of its values)."""
        return list(self._call("GET", "/notifications", **filters)["notifications"])

    def notification(self, notification_id: Any) -> JSON:
        """One notification, by id (or a send's response)."""
        answer: JSON = self._call("GET", f"/notifications/{_quote(_id(notification_id))}")
        return answer

    def dashboard(self) -> JSON:
        """``notify.dashboard``: today's ``sms``, ``email``, ``letter`` figures and ``last_7_days``."""
        answer: JSON = self._call("GET", "/dashboard")
        return answer

    def usage(self, year: int | None = None) -> JSON:
        """``notify.usage`` of the current financial year, or of the one starting in April ``year``."""
        answer: JSON = self._call("GET", "/usage", year=year)
        return answer

    def callbacks(self, kind: str | None = None) -> list[JSON]:
        """Callback requests made, oldest first (``kind``: ``delivery_status`` or ``inbound_sms``)."""
        return list(self._call("GET", "/callbacks", kind=kind)["callbacks"])

    def set_delivery_status_callback(self, url: str | None, bearer_token: str | None = None) -> None:
        """Notify POSTs status receipts to ``url`` from now on; ``None`` removes the callback."""
        self._set_callback("delivery_status", url, bearer_token)

    def set_inbound_sms_callback(self, url: str | None, bearer_token: str | None = None) -> None:
        """Notify POSTs received texts to ``url``; ``None`` removes the callback."""
        self._set_callback("inbound_sms", url, bearer_token)

    def _set_callback(self, kind: str, url: str | None, bearer_token: str | None) -> None:
        if url is None:
            self._call("DELETE", f"/callbacks/{kind}")
        else:
            self._call("PUT", f"/callbacks/{kind}", {"url": url, "bearer_token": bearer_token})

    def receive_sms(
        self, content: str, from_number: str = "07700900123", *, received_at: dt.datetime | str | None = None
    ) -> str:
        """The service receives a text message; returns its id."""
        body = {"content": content, "from_number": from_number, "received_at": _time(received_at)}
        return str(self._call("POST", "/received-texts", body)["id"])

    # -- time and outcomes ---------------------------------------------------------------------------

    def clock(self) -> JSON:
        """The service clock: ``now``, ``frozen`` and ``timings``."""
        answer: JSON = self._call("GET", "/clock")
        return answer

    def freeze_time(self) -> JSON:
        """Stop the service's clock now."""
        answer: JSON = self._call("POST", "/clock/freeze")
        return answer

    def advance(self, seconds: float = 0, **delta: float) -> JSON:
        """Move the clock forward (``minutes=``, ``hours=``, ``days=`` too), freezing it first."""
        answer: JSON = self._call("POST", "/clock/advance", {"seconds": seconds, **delta})
        return answer

    def set_time(self, at: dt.datetime | str) -> JSON:
        """Freeze the clock at ``at`` (naive times are UTC)."""
        answer: JSON = self._call("POST", "/clock/set", {"at": _time(at)})
        return answer

    def unfreeze_time(self) -> JSON:
        """Follow real time again."""
        answer: JSON = self._call("POST", "/clock/unfreeze")
        return answer

    def timings(self) -> JSON:
        """How sends move on: ``mode`` (``instant``, ``clock`` or ``manual``) and the delays."""
        answer: JSON = self._call("GET", "/timings")
        return answer

    def set_timings(self, timings: str | Mapping[str, Any] | None = None, /, **delays: Any) -> JSON:
        """``"instant"``, ``"clock"``, ``"manual"``, or delays: ``set_timings(sms={"final": 60})``."""
        chosen: Any = timings
        if delays:
            if isinstance(timings, str) and timings != "clock":
                raise ValueError(f"timings: delays only apply on the clock, not in {timings} mode")
            chosen = {**(timings if isinstance(timings, Mapping) else {}), **delays}
        answer: JSON = self._call("PUT", "/timings", {"timings": chosen})
        return answer

    def set_outcome(
        self,
        status: str,
        *,
        notification: Any = None,
        recipient: str | None = None,
        template: Any = None,
        type: str | None = None,
    ) -> None:
        """Choose how sends end: one notification, a recipient's, a template's, or every later send (of ``type``)."""
        body = {"status": status, "notification": _id(notification), "recipient": recipient, "type": type}
        self._call("POST", "/outcomes", {**body, "template": _id(template)})

    def clear_outcomes(self) -> None:
        """Forget the outcomes chosen for later sends."""
        self._call("DELETE", "/outcomes")

    def advance_status(self, notification: Any, *, to: str | None = None) -> JSON:
        """Move a notification to its next status now (or up to ``to``); returns it."""
        answer: JSON = self._call("POST", f"/notifications/{_quote(_id(notification))}/advance", {"to": to})
        return answer

    def advance_all(self, *, to: str | None = None) -> list[JSON]:
        """:meth:`advance_status` for every notification that can still move; returns those moved."""
        return list(self._call("POST", "/notifications/advance", {"to": to})["notifications"])

    # -- faults --------------------------------------------------------------------------------------

    def inject_fault(self, kind: str | int, **options: Any) -> JSON:
        """Make matching requests fail: ``inject_fault("500", endpoint="send_sms", times=1)``; returns the rule."""
        answer: JSON = self._call("POST", "/faults", {"kind": str(kind), **options})
        return answer

    def fault_rules(self) -> list[JSON]:
        """The rules added since the last :meth:`clear_faults`."""
        return list(self._call("GET", "/faults")["rules"])

    def faulted_requests(self) -> list[JSON]:
        """The requests faults hit, oldest first."""
        return list(self._call("GET", "/faults")["faulted_requests"])

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self._call("DELETE", "/faults")

    def __repr__(self) -> str:
        return f"<RemoteService {self.service_id} at {self.base_url}>"


def _refusal(error: urllib.error.HTTPError) -> NotifyControlError:
    raw = error.read()
    try:
        body = json.loads(raw)
        return NotifyControlError(error.code, str(body["error"]), str(body["message"]))
    except (ValueError, KeyError, TypeError):
        text = raw.decode("utf-8", "replace").strip()[:200] or error.reason
        return NotifyControlError(error.code, "http_error", f"{text} (is this a pytest-notify server?)")


def _quote(part: str) -> str:
    return urllib.parse.quote(str(part), safe="")


def _id(ref: Any) -> Any:
    """An id from what a test holds: an id, a send's response dict, or anything with ``id``."""
    if ref is None or isinstance(ref, str):
        return ref
    if isinstance(ref, Mapping):
        return str(ref["id"])
    return str(getattr(ref, "id", ref))


def _time(value: dt.datetime | str | None) -> str | None:
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).isoformat()
    return value


__all__ = ["NotifyControl", "NotifyControlError", "RemoteService"]
