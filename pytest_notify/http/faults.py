"""Fault injection on the wire: a service's fault rules turned into responses, delays and dropped connections.

Faults act after authentication (a rule belongs to the service the JWT names) and before the view, so
a faulted send is never stored and takes no rate-limit token. ``latency`` is the exception: the request
is answered normally and the response is held back.
"""

from __future__ import annotations

import contextlib
import json
import re
import selectors
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from pytest_notify.domain.errors import ConfigurationError, RateLimitError
from pytest_notify.domain.faults import SENDS, FaultPlan, FaultRequest, FaultRule, canonical_endpoint, new_rule
from pytest_notify.domain.limits import RATE_LIMIT_INTERVAL
from pytest_notify.domain.postal_address import address_from_personalisation
from pytest_notify.domain.store import Store
from pytest_notify.http.auth import Caller
from pytest_notify.http.routes import URL_MAP
from pytest_notify.http.serialization import json_response

# What an AWS load balancer answers when it has no healthy target (Notify runs behind one). Not JSON,
# so the official Python client reports it as HTTP503Error with the message "Request failed".
LOAD_BALANCER_503 = (
    "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
    "<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n"
)
_POLL = 0.05
"""How often a held request looks for the server stopping, the rules being cleared or the client leaving."""
_LATENCY = "pytest_notify.latency"
_PLACEHOLDER = re.compile(r"\{[^/{}]*\}")


class ConnectionDropped(ConnectionAbortedError):
    """Raised out of :meth:`NotifyApp.dispatch` when a fault closes the connection with no response.

    werkzeug's server treats it as a connection the client dropped; the socket is already closed.
    In-process (``werkzeug.test.Client``) it reaches the caller: there is no response to give.
    """


def endpoint_name(endpoint: str, args: Mapping[str, Any]) -> str | None:
    """The friendly name of a routed request (``send_sms``, ``get_notification``...), if faults apply to it."""
    if endpoint == "post_notification":
        name = f"send_{args.get('notification_type')}"
        return name if name in SENDS else None
    try:
        return canonical_endpoint(endpoint)[0]
    except ConfigurationError:
        return None  # the files-by-email link and the admin-only endpoint need no key


def resolve_endpoints(endpoint: str | Iterable[str] | None) -> list[str] | None:
    """Friendly names for ``endpoint``: names, aliases, ``send``, or ``"METHOD /path"`` strings."""
    if endpoint is None:
        return None
    specs = [endpoint] if isinstance(endpoint, str) else list(endpoint)
    names: list[str] = []
    for spec in specs:
        if isinstance(spec, str) and " " in spec.strip():
            names.append(_route_name(spec))
        else:
            names.append(spec)
    return names


def _route_name(spec: str) -> str:
    method, path = spec.split(None, 1)
    # "{notification_id}" and the like, as Notify's docs write paths, stand for any value.
    concrete = _PLACEHOLDER.sub("0", path.strip().split("?", 1)[0])
    try:
        endpoint, args = URL_MAP.bind("notify").match(concrete, method=method.upper())
    except (MethodNotAllowed, NotFound):
        endpoint, args = "", {}
    name = endpoint_name(endpoint, args)
    if name is None:
        raise ConfigurationError(f"endpoint {spec!r} is not an endpoint of the Notify API that takes an API key")
    return name


def build_rule(kind: str | int, *, endpoint: str | Iterable[str] | None = None, **options: Any) -> FaultRule:
    """A checked fault rule (see :func:`pytest_notify.domain.faults.new_rule` for ``options``)."""
    return new_rule(kind, endpoints=resolve_endpoints(endpoint), **options)


def describe(name: str, request: Request) -> FaultRequest:
    """What rules match against: the endpoint and, for sends, the recipient and template from the body."""
    if name not in SENDS:
        return FaultRequest(name, request.method, request.path)
    notification_type = name.removeprefix("send_")
    try:
        body = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        return FaultRequest(name, request.method, request.path, notification_type)
    recipients: tuple[str, ...] = ()
    field = {"sms": "phone_number", "email": "email_address"}.get(notification_type)
    if field is not None and isinstance(body.get(field), str):
        recipients = (body[field],)
    elif notification_type == "letter" and isinstance(body.get("personalisation"), dict):
        recipients = tuple(address_from_personalisation(body["personalisation"]))
    template_id = body.get("template_id")
    return FaultRequest(
        name,
        request.method,
        request.path,
        notification_type,
        recipients,
        template_id if isinstance(template_id, str) else None,
    )


class FaultInjector:
    """Applies a service's fault rules to its requests; :meth:`release_all` lets held requests go."""

    def __init__(self) -> None:
        self._stopping = threading.Event()

    def release_all(self) -> None:
        """Let go of every held request at once (the server is stopping); later holds end at once too."""
        self._stopping.set()

    def reset(self) -> None:
        """Hold requests again (the server started)."""
        self._stopping.clear()

    def before_view(
        self, store: Store, caller: Caller, endpoint: str, args: Mapping[str, Any], request: Request
    ) -> Response | None:
        """The fault's response, or ``None`` to go on with the view. Raises :class:`ConnectionDropped`."""
        name = endpoint_name(endpoint, args)
        if name is None:
            return None
        plan = store.faults_for(caller.service.id)
        if not plan.active:
            return None
        generation = plan.generation
        rule = plan.decide(describe(name, request), store.clock_for(caller.service.id).now())
        if rule is None:
            return None
        if rule.kind == "500":
            body = {"errors": [{"error": rule.error, "message": "Internal server error"}], "status_code": 500}
            return json_response(body, 500)
        if rule.kind == "429":
            error = RateLimitError(
                f"Exceeded rate limit for key type {caller.api_key.key_type.rate_limit_name} of "
                f"{caller.service.rate_limit} requests per {RATE_LIMIT_INTERVAL} seconds"
            )
            return json_response(error.to_dict(), 429)
        if rule.kind == "503":
            response = Response(LOAD_BALANCER_503, status="503 Service Temporarily Unavailable")
            response.headers["Content-Type"] = "text/html"
            response.headers["Server"] = "awselb/2.0"
            return response
        if rule.kind == "latency":
            request.environ[_LATENCY] = (rule.seconds, plan, generation)
            return None
        # drop or hang: read the whole request first, so closing sends a clean end of stream
        # (unread data would make the kernel send a reset instead).
        request.get_data(cache=True)
        sock = request.environ.get("werkzeug.socket")
        if rule.kind == "hang":
            self._hold(rule.seconds or 0.0, plan, generation, sock)
        _close(sock)
        raise ConnectionDropped(f"fault: {rule.kind}")

    def delay_response(self, request: Request) -> None:
        """Hold a normal response back if a ``latency`` fault chose this request."""
        held = request.environ.pop(_LATENCY, None)
        if held is not None:
            seconds, plan, generation = held
            self._hold(seconds, plan, generation, None)

    def _hold(self, seconds: float, plan: FaultPlan, generation: int, sock: socket.socket | None) -> None:
        """Wait ``seconds``, ending early when the server stops, the rules are cleared or the client leaves."""
        deadline = time.monotonic() + seconds
        watch = _ClientWatch(sock)
        try:
            while not self._stopping.is_set() and plan.generation == generation:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                step = min(_POLL, remaining)
                if watch.watching:
                    if watch.client_left(step):
                        return  # a client that timed out frees the server's thread at once
                else:
                    self._stopping.wait(step)
        finally:
            watch.close()


class _ClientWatch:
    """Tells when the client closes its end of a held connection (when the socket allows it)."""

    def __init__(self, sock: socket.socket | None) -> None:
        self._sock = sock
        self._selector: selectors.BaseSelector | None = None
        if sock is not None:
            self._selector = selectors.DefaultSelector()
            try:
                self._selector.register(sock, selectors.EVENT_READ)
            except (OSError, ValueError):
                self.close()

    @property
    def watching(self) -> bool:
        """Whether :meth:`client_left` can tell anything."""
        return self._selector is not None

    def client_left(self, timeout: float) -> bool:
        """Wait up to ``timeout`` for the socket to become readable; true if the client closed it."""
        assert self._selector is not None and self._sock is not None
        if not self._selector.select(timeout):
            return False
        try:
            if self._sock.recv(1, socket.MSG_PEEK) == b"":
                return True
        except ValueError:
            pass  # a TLS socket cannot peek
        except OSError:
            return True  # reset by the client
        # Bytes of a next request, or no way to peek: the socket tells nothing more, stop watching it.
        self.close()
        return False

    def close(self) -> None:
        """Stop watching."""
        if self._selector is not None:
            self._selector.close()
            self._selector = None


def _close(sock: socket.socket | None) -> None:
    if sock is None:
        return
    with contextlib.suppress(OSError):  # the client may have gone already
        sock.shutdown(socket.SHUT_RDWR)
