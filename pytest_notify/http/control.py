"""The control API under ``/_notify/``: the powers of the ``notify`` object, over HTTP, in JSON.

For teams whose tests drive the fake from another process (``pytest-notify serve``): create and
remove services, keys and templates, read notifications, the dashboard, usage and callbacks, move
the clock, choose outcomes, receive texts, inject faults and reset. Each request is answered by
calling the service's ``notify`` object (see :mod:`pytest_notify.http.control_types`), so both
surfaces share one implementation. docs/control-api.md lists every endpoint.

Our own surface, so our own errors: ``{"error": "...", "message": "..."}`` with a fitting status,
never Notify's envelope and never a traceback. No JWT: when the server has an admin token, every
request needs ``Authorization: Bearer <admin token>``; a server bound to anything but loopback must
have one (:func:`check_exposure`). Without a token, only requests addressed to a loopback name
(``Host: 127.0.0.1``, ``localhost``, ``[::1]``) are answered (:func:`addressed_to_loopback`), so a web
page whose own name is made to resolve to 127.0.0.1 (DNS rebinding) cannot read it.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable
from urllib.parse import urlsplit

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Request, Response

from pytest_notify.domain.errors import ConfigurationError, NotifyError
from pytest_notify.domain.store import Store
from pytest_notify.http import control_activity as activity
from pytest_notify.http import control_views as views
from pytest_notify.http.control_json import ControlError, error_response
from pytest_notify.http.control_types import ControlBackend, ServiceControls
from pytest_notify.http.control_views import ControlContext, ControlView
from pytest_notify.http.routes import CONTROL_MAP, CONTROL_PREFIX

CONTROL_VIEWS: dict[str, ControlView] = {
    view.__name__: view
    for view in (
        views.index,
        views.reset,
        views.list_services,
        views.create_service,
        views.get_service,
        views.update_service,
        views.delete_service,
        views.list_keys,
        views.create_key,
        views.revoke_key,
        views.list_templates,
        views.create_template,
        views.get_template,
        views.new_template_version,
        views.remove_template,
        activity.list_notifications,
        activity.get_notification,
        activity.advance_notification,
        activity.advance_all,
        activity.dashboard,
        activity.usage,
        activity.callbacks,
        activity.set_callback,
        activity.receive_text,
        activity.get_clock,
        activity.move_clock,
        activity.timings,
        activity.set_outcome,
        activity.clear_outcomes,
        activity.faults,
        activity.inject_fault,
    )
}
"""Endpoint name (as in :data:`pytest_notify.http.routes.CONTROL_MAP`) to view."""

ADMIN_TOKEN_ENV = "PYTEST_NOTIFY_ADMIN_TOKEN"
"""The environment variable ``pytest-notify serve`` reads the admin token from."""

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

ErrorRecorder = Callable[[str, BaseException], None]


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` listens on this machine only (``localhost``, 127.0.0.0/8, ``::1``).

    ``""``, ``0.0.0.0`` and ``::`` listen everywhere; any other name counts as exposed, as what it
    resolves to may change.
    """
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def addressed_to_loopback(request: Request) -> bool:
    """Whether the request's ``Host`` names this machine (``localhost``, ``*.localhost``, a loopback
    address). A browser sends the name it looked up, so a page on a name that an attacker made
    resolve to 127.0.0.1 says its own name here, not ours."""
    try:
        name = urlsplit(f"//{request.host}").hostname or ""
    except ValueError:  # e.g. an unclosed "[" in the header
        return False
    return is_loopback(name) or name.endswith(".localhost")


def check_exposure(host: str, admin_token: str | None) -> None:
    """Refuse to serve the control API on anything but loopback without an admin token: anyone who
    can reach it could read every key and reset the server."""
    if not admin_token and not is_loopback(host):
        raise ConfigurationError(
            f"the control API (/_notify/) needs an admin token when the server listens on {host!r}, "
            f"which is not loopback: pass admin_token (pytest-notify serve: --admin-token TOKEN or "
            f"{ADMIN_TOKEN_ENV}), or bind 127.0.0.1"
        )


class ControlApi:
    """Answers every request under ``/_notify/``.

    ``backend`` makes and finds services' ``notify`` objects; with none, the control API answers
    404 ``control_api_disabled`` (``create_app(store)`` alone has no way to build them).
    ``record_error`` keeps unexpected exceptions, as the app does for Notify's endpoints.
    """

    def __init__(
        self,
        store: Store,
        backend: ControlBackend | None,
        admin_token: str | None,
        record_error: ErrorRecorder,
    ) -> None:
        self.store = store
        self.backend = backend
        self.admin_token = admin_token or None
        self._record_error = record_error

    @staticmethod
    def handles(path: str) -> bool:
        """Whether ``path`` is the control API's."""
        return path == CONTROL_PREFIX or path.startswith(f"{CONTROL_PREFIX}/")

    def answer(self, request: Request, path: str) -> Response:
        """Answer one control request; never raises."""
        try:
            return self._answer(request, path)
        except ControlError as error:
            return error_response(error)
        except NotifyError as error:  # e.g. the service was removed while the request ran
            return error_response(ControlError(error.status_code, error.error, error.message))
        except (ConfigurationError, ValueError, OverflowError) as error:
            # ValueError: what the notify object refuses; OverflowError: a number too big for it.
            return error_response(ControlError(400, "invalid_request", str(error)))
        except Exception as error:
            self._record_error(f"{request.method} {request.path}", error)
            message = f"the fake failed ({type(error).__name__}: {error}); this is a bug in pytest-govuk-notify"
            return error_response(ControlError(500, "internal_error", message))

    def _answer(self, request: Request, path: str) -> Response:
        self._authorise(request)
        if self.backend is None:
            raise ControlError(
                404,
                "control_api_disabled",
                "this server has no control API: pytest-notify serve has one, and so does "
                "NotifyServer(control=pytest_notify.control_backend.FakeControlBackend())",
            )
        try:
            endpoint, args = CONTROL_MAP.bind("notify", path_info=path).match(path, method=request.method)
        except NotFound:
            raise ControlError(
                404, "not_found", f"no control endpoint {request.method} {path}; see docs/control-api.md"
            ) from None
        except MethodNotAllowed as error:
            allowed = ", ".join(sorted(error.valid_methods or ()))
            raise ControlError(405, "method_not_allowed", f"{path} takes {allowed}, not {request.method}") from None
        except RequestRedirect as redirect:
            raise ControlError(
                404, "not_found", f"no control endpoint {path}; did you mean {redirect.new_url}?"
            ) from None
        if request.method in _BODY_METHODS and request.mimetype != "application/json":
            # A web page elsewhere can make a visitor's browser POST a form or plain text here, but
            # not JSON without asking first (CORS preflight, which this API never grants).
            raise ControlError(
                415, "unsupported_media_type", "send a JSON body with Content-Type: application/json ({} for none)"
            )
        context = ControlContext(self.store, self.backend, request.host_url.rstrip("/"))
        return CONTROL_VIEWS[endpoint](context, request, **args)

    def _authorise(self, request: Request) -> None:
        if self.admin_token is None:
            if not addressed_to_loopback(request):
                raise ControlError(
                    403,
                    "forbidden_host",
                    f"without an admin token the control API answers only requests addressed to this "
                    f"machine (Host: 127.0.0.1, localhost or [::1]), not to {request.host!r}: start the "
                    f"server with an admin token (--admin-token or {ADMIN_TOKEN_ENV}) to use another name",
                )
            return
        scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ControlError(
                401, "unauthorized", "this server's control API needs the header Authorization: Bearer <admin token>"
            )
        if not hmac.compare_digest(token.strip().encode(), self.admin_token.encode()):
            raise ControlError(401, "unauthorized", "the admin token is not this server's")


__all__ = [
    "ADMIN_TOKEN_ENV",
    "CONTROL_VIEWS",
    "ControlApi",
    "ControlBackend",
    "ControlError",
    "ServiceControls",
    "addressed_to_loopback",
    "check_exposure",
    "is_loopback",
]
