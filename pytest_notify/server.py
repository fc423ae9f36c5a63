"""``NotifyServer``: the fake Notify app served over HTTP on a thread (pytest-httpserver underneath)."""

from __future__ import annotations

import functools
from typing import Any

import pluggy
from pytest_httpserver.httpserver import HTTPServerBase
from werkzeug.wrappers import Request, Response

from pytest_notify.domain.clock import Clock
from pytest_notify.domain.store import Store
from pytest_notify.http.app import NotifyApp, create_app
from pytest_notify.http.control import ControlBackend, check_exposure
from pytest_notify.server_handler import Connections, KeepAliveRequestHandler


class NotifyServer(HTTPServerBase):
    """A threaded HTTP server for one :class:`Store`. Binds 127.0.0.1 and a free port by default."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        store: Store | None = None,
        *,
        jwt_clock: Clock | None = None,
        access_log: bool = False,
        hooks: pluggy.PluginManager | None = None,
        control: ControlBackend | None = None,
        admin_token: str | None = None,
        dashboard: bool = False,
        **kwargs: Any,
    ) -> None:
        # control enables the control API (/_notify/): FakeControlBackend() from
        # pytest_notify.control_backend; dashboard the web dashboard at /. Off loopback either
        # must be guarded by admin_token.
        if control is not None or dashboard:
            check_exposure(host, admin_token)
        super().__init__(host, port, threaded=True, **kwargs)
        self.app: NotifyApp = create_app(
            store, jwt_clock=jwt_clock, hooks=hooks, control=control, admin_token=admin_token, dashboard=dashboard
        )
        self.hooks = hooks
        """The plugin manager whose ``notify_*`` hooks the store calls, if one was given."""
        self.access_log = access_log
        self._connections = Connections()

    def start(self) -> None:
        """Start serving on a thread (see :meth:`HTTPServerBase.start`)."""
        self.app.faults.reset()
        self._connections = Connections()
        super().start()
        self.store.dispatcher.start()  # callbacks go out in the background with the server

    def stop(self) -> None:
        """Stop serving. Requests held by a ``hang`` or ``latency`` fault are let go first, so this is quick."""
        self.app.faults.release_all()
        self.store.dispatcher.stop()
        super().stop()
        self._connections.close_idle()  # a kept-alive connection must not reach a stopped server

    @property
    def store(self) -> Store:
        """What the server serves."""
        return self.app.store

    @property
    def url(self) -> str:
        """The base URL for the official clients, without a trailing slash."""
        return f"http://{self.format_host(self.host)}:{self.port}"

    def dispatch(self, request: Request) -> Response:
        """Hand the request to the Notify app."""
        return self.app.dispatch(request)

    def thread_target(self) -> None:
        # serve_forever checks for shutdown every poll_interval (0.5 s by default): every session
        # would pay that on stop.
        assert self.server is not None
        # HTTP/1.1 keep-alive (server_handler.py), and no access log line per request unless asked.
        # Installed here, in the server's thread before it accepts anything, so that no request meets
        # werkzeug's own handler.
        self.server.RequestHandlerClass = functools.partial(
            KeepAliveRequestHandler, connections=self._connections, access_log=self.access_log
        )
        self.server.serve_forever(poll_interval=0.05)

    def application(self, request: Request) -> Response:
        # HTTPServerBase keeps every request and response in self.log (unbounded); the fake keeps
        # its own records, so the log is skipped.
        return self.dispatch(request)

    def take_errors(self) -> list[tuple[str, BaseException]]:
        """Unexpected errors raised while serving, emptying the list."""
        return self.app.take_errors()
