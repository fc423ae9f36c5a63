"""``create_app(store)``: the fake Notify API as a plain WSGI application."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pluggy
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from pytest_notify.domain.clock import Clock, SystemClock
from pytest_notify.domain.errors import NotifyError
from pytest_notify.domain.store import Store
from pytest_notify.hooks import HookExtensions
from pytest_notify.http.auth import authenticate
from pytest_notify.http.control import ControlApi, ControlBackend
from pytest_notify.http.faults import ConnectionDropped, FaultInjector
from pytest_notify.http.journal import ChangeJournal
from pytest_notify.http.journal import record as record_changes
from pytest_notify.http.routes import AUTHENTICATED, URL_MAP
from pytest_notify.http.serialization import add_notify_headers, dumps, json_response, routing_error
from pytest_notify.http.views import VIEWS, _RoutingNotFound

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from pytest_notify.http.dashboard import DashboardSite

_SLASHES = re.compile(r"/{2,}")


class NotifyApp:
    """The WSGI app. Unexpected exceptions are answered with Notify's 500 and kept in ``errors``
    so that the test that caused them fails at teardown."""

    def __init__(
        self,
        store: Store,
        jwt_clock: Clock | None = None,
        *,
        control: ControlBackend | None = None,
        admin_token: str | None = None,
        dashboard: bool = False,
    ) -> None:
        self.store = store
        self.jwt_clock: Clock = jwt_clock if jwt_clock is not None else SystemClock()
        self.errors: list[tuple[str, BaseException]] = []
        self._errors_lock = threading.Lock()
        self.faults = FaultInjector()
        self.control = ControlApi(store, control, admin_token, self._record_error)
        """The control API under ``/_notify/`` (:mod:`pytest_notify.http.control`)."""
        self.dashboard: DashboardSite | None = None
        """The web dashboard at ``/`` and ``/dashboard/`` (:mod:`pytest_notify.http.dashboard`), if on."""
        if dashboard:
            # Imported here: only `pytest-notify serve` shows it, so the plugin never loads it.
            from pytest_notify.http.dashboard import DashboardSite

            self.dashboard = DashboardSite(store, admin_token, self._record_error)
        self.journal: ChangeJournal | None = None
        """Told what each request may have changed, before it is answered (``serve --data-dir``)."""

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = self.dispatch(Request(environ))
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        """Answer one request; never raises, but for :class:`ConnectionDropped` (a fault with no response)."""
        response = self._answer(request)
        if self.journal is not None:
            response = record_changes(self.journal, request, response, self._record_error)
        self.faults.delay_response(request)  # a "latency" fault holds the normal response back
        return response

    def _answer(self, request: Request) -> Response:
        # The Node client joins base URL and path with no care for slashes ("//v2/..."): merge them.
        path = _SLASHES.sub("/", request.path)
        if self.control.handles(path):
            return self.control.answer(request, path)
        if self.dashboard is not None and self.dashboard.handles(path):
            return self.dashboard.answer(request, path)
        adapter = URL_MAP.bind("notify", path_info=path)
        try:
            endpoint, args = adapter.match(path, method=request.method)
        except MethodNotAllowed as error:
            return _method_not_allowed(error)
        except NotFound:
            return json_response(routing_error(404), 404)
        try:
            caller = None
            if endpoint in AUTHENTICATED:
                caller = authenticate(request.headers.get("Authorization"), self.store, self.jwt_clock)
                # After authentication, so a rule only ever faults its own service's requests.
                faulted = self.faults.before_view(self.store, caller, endpoint, args, request)
                if faulted is not None:
                    return faulted
            return VIEWS[endpoint](self.store, caller, request, **args)
        except NotifyError as error:
            return json_response(error.to_dict(), error.status_code)
        except _RoutingNotFound:
            return json_response(routing_error(404), 404)
        except ConnectionDropped:
            raise
        except Exception as error:
            self._record_error(f"{request.method} {request.path}", error)
            return json_response(
                {"errors": [{"error": type(error).__name__, "message": "Internal server error"}], "status_code": 500},
                500,
            )

    def _record_error(self, where: str, error: BaseException) -> None:
        with self._errors_lock:
            self.errors.append((where, error))

    def take_errors(self) -> list[tuple[str, BaseException]]:
        """The unexpected errors so far, emptying the list."""
        with self._errors_lock:
            taken, self.errors = self.errors, []
            return taken


def _method_not_allowed(error: MethodNotAllowed) -> Response:
    # Notify's 405 body is JSON but keeps werkzeug's HTML content type and its Allow header (§2.3).
    response = Response(dumps(routing_error(405)), status=405, content_type="text/html; charset=utf-8")
    response.headers["Allow"] = ", ".join(sorted(error.valid_methods or ()))
    add_notify_headers(response)
    return response


def create_app(
    store: Store | None = None,
    *,
    jwt_clock: Clock | None = None,
    hooks: pluggy.PluginManager | None = None,
    control: ControlBackend | None = None,
    admin_token: str | None = None,
    dashboard: bool = False,
    **_: Any,
) -> NotifyApp:
    """A WSGI app serving ``store`` (a new, empty one if not given).

    With ``hooks`` (:func:`pytest_notify.hooks.make_plugin_manager`), the store reports to and
    asks their ``notify_*`` hooks from now on; without, it keeps the extensions it has."""
    if store is None:
        store = Store()
    if hooks is not None:
        store.extensions = HookExtensions(hooks)
    # control: how the control API (/_notify/) makes services' notify objects; admin_token: what it
    # then requires as "Authorization: Bearer ..." (see pytest_notify.http.control). dashboard: serve
    # the web dashboard at / (pytest-notify serve does; the plugin keeps / as Notify's 404).
    return NotifyApp(store, jwt_clock=jwt_clock, control=control, admin_token=admin_token, dashboard=dashboard)
