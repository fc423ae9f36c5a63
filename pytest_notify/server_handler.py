"""NotifyServer's request handler: werkzeug's, speaking HTTP/1.1 with persistent connections.

werkzeug's development server answers ``Connection: close`` to every request, because its handler
cannot tell where a request's body ends: a view that leaves the body unread would leave it to be
parsed as the next request. So every request of a client's session (the official clients keep theirs
open) would pay for a new TCP connection. This handler keeps connections open, and makes that safe:

- the app reads the body through :class:`RequestBody`, at most ``Content-Length`` bytes, and what it
  leaves unread is read and dropped (up to :data:`SKIP_LIMIT`) before the next request is parsed;
- werkzeug's own clean-up after an answer (some versions read whatever the socket holds, for a
  client still sending a body it was refused) sees an empty stream, so it cannot swallow the next
  request;
- every answer kept alive has a ``Content-Length`` or is chunked; a chunked or unmeasurable request
  body, an HTTP/1.0 client, a client asking ``Connection: close`` and a stopping server all get
  ``Connection: close``;
- a connection idle for :data:`IDLE_TIMEOUT` is closed, and :meth:`Connections.close_idle` closes the
  idle ones at once when the server stops, so a stopped server answers nothing more.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
from typing import TYPE_CHECKING, Any

from werkzeug.serving import WSGIRequestHandler

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer
    from _typeshed.wsgi import WSGIEnvironment

IDLE_TIMEOUT = 5.0
"""Seconds a kept-alive connection may wait for its next request (and any read or write may stall)."""
SKIP_LIMIT = 64 * 1024 * 1024
"""The most of a body left unread by the app that is read and dropped to keep the connection; beyond it
the connection is closed after the answer."""
_CHUNK = 64 * 1024


class RequestBody(io.RawIOBase):
    """One request's body: at most ``length`` bytes of the connection (``wsgi.input``)."""

    def __init__(self, stream: io.BufferedIOBase, length: int) -> None:
        super().__init__()
        self._stream = stream
        self.remaining = length
        """Bytes of the body not read yet."""

    def readable(self) -> bool:
        """A body is read."""
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        """Read into ``buffer``, never past the body; 0 at its end (or when the client has gone)."""
        if self.remaining <= 0:
            return 0
        with memoryview(buffer) as view, view.cast("B")[: self.remaining] as part:
            got = self._stream.readinto(part) or 0
        self.remaining -= got
        return got

    def skip(self, limit: int) -> bool:
        """Read and drop the rest of the body; False if it is over ``limit`` or could not be read."""
        if self.remaining > limit:
            return False
        try:
            while self.remaining > 0:
                got = self._stream.read(min(self.remaining, _CHUNK))
                if not got:
                    return False
                self.remaining -= len(got)
        except (OSError, ValueError):  # reset, timed out, or closed
            return False
        return True


class Connections:
    """The open connections of one server, so that stopping it can close the idle ones at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: set[KeepAliveRequestHandler] = set()
        self.closing = False
        """Set when the server stops: answers say ``Connection: close`` from then on."""

    def add(self, handler: KeepAliveRequestHandler) -> None:
        """A connection was accepted."""
        with self._lock:
            self._open.add(handler)

    def discard(self, handler: KeepAliveRequestHandler) -> None:
        """A connection was closed."""
        with self._lock:
            self._open.discard(handler)

    def close_idle(self) -> None:
        """Keep no connection alive any more: close the idle ones now, the others after their answer."""
        with self._lock:
            self.closing = True
            idle = [handler for handler in self._open if handler.idle]
        for handler in idle:
            handler.shut()


class KeepAliveRequestHandler(WSGIRequestHandler):
    """werkzeug's request handler with HTTP/1.1 persistent connections (see the module's docstring).

    ``access_log`` keeps werkzeug's line per request (``pytest-notify serve``); tests go without.
    """

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no waiting for the client's ACK
    timeout = IDLE_TIMEOUT

    def __init__(
        self,
        request: Any,
        client_address: Any,
        server: Any,
        *,
        connections: Connections | None = None,
        access_log: bool = False,
    ) -> None:
        # Set before the base class's __init__, which handles the whole connection.
        self.connections = connections
        self.access_log = access_log
        self.idle = True
        """Whether the connection waits for a request (so stopping may close it)."""
        self._in_app = False
        self._framed = False
        self._body: RequestBody | None = None
        super().__init__(request, client_address, server)

    def setup(self) -> None:
        """Open the connection's streams, and count it among the server's open connections."""
        super().setup()
        if self.connections is not None:
            self.connections.add(self)

    def finish(self) -> None:
        """Close the connection's streams."""
        if self.connections is not None:
            self.connections.discard(self)
        super().finish()

    def shut(self) -> None:
        """Close the connection from another thread (its thread then sees the end of the stream)."""
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _stopping(self) -> bool:
        return self.connections is not None and self.connections.closing

    def handle_one_request(self) -> None:
        """Wait for one request and answer it."""
        self.idle = True
        if self._stopping():
            self.close_connection = True
            return
        super().handle_one_request()
        self.idle = True
        if self._stopping():
            self.close_connection = True

    def parse_request(self) -> bool:
        """Parse the request line and headers (the request line has come: the connection is busy)."""
        self.idle = False
        return bool(super().parse_request())

    def handle_expect_100(self) -> bool:
        """Leave ``100 Continue`` to werkzeug, which sends its own (http.server would send a second)."""
        return True

    def make_environ(self) -> WSGIEnvironment:
        """werkzeug's environ, with the body as a :class:`RequestBody` the app cannot read past."""
        environ = super().make_environ()
        length = _content_length(environ.get("CONTENT_LENGTH"))
        if environ.get("wsgi.input_terminated") or length is None:
            # Chunked, or a Content-Length that says nothing: where the body ends is werkzeug's
            # business, and the connection closes after the answer (werkzeug reads what is left).
            self.close_connection = True
            return environ
        self._body = RequestBody(self.rfile, length)
        environ["wsgi.input"] = self._body
        # Anything werkzeug reads from here on (after the answer, whatever the socket holds) would be
        # the next request: it reads an empty stream instead. run_wsgi puts the connection's back.
        self.rfile = io.BytesIO()
        return environ

    def run_wsgi(self) -> None:
        """Answer the request (werkzeug), then read what the app left of the body, or close."""
        connection_file = self.rfile
        self._body = None
        self._in_app = True
        try:
            super().run_wsgi()
        finally:
            self._in_app = False
            self.rfile = connection_file
        body, self._body = self._body, None
        # Read even when closing: closing a socket with unread data resets it, and the client might
        # see the reset instead of the answer.
        if body is not None and not body.skip(SKIP_LIMIT):
            self.close_connection = True

    def send_response(self, code: int, message: str | None = None) -> None:
        """Start an answer (a body-less status needs no length to be kept alive)."""
        self._framed = code < 200 or code in (204, 304) or self.command == "HEAD"
        super().send_response(code, message)

    def send_header(self, keyword: str, value: str) -> None:
        """Buffer a header; werkzeug's ``Connection: close`` on the app's answers is decided again."""
        if self._in_app:
            name = keyword.lower()
            if name == "connection":
                return  # werkzeug says "close" to every answer: end_headers decides
            if name == "content-length" or (name == "transfer-encoding" and "chunked" in value.lower()):
                self._framed = True
        super().send_header(keyword, value)

    def end_headers(self) -> None:
        """End the headers, with ``Connection: close`` when the connection is not kept."""
        if self._in_app and (
            self.close_connection or self.request_version != "HTTP/1.1" or not self._framed or self._stopping()
        ):
            super().send_header("Connection", "close")  # which also sets close_connection
        super().end_headers()

    def connection_dropped(self, error: BaseException, environ: WSGIEnvironment | None = None) -> None:
        """The client went away, or a fault dropped the connection: it is not reused."""
        self.close_connection = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """werkzeug's access log line, if ``access_log``."""
        # Not for the web dashboard's polls: an open dashboard asks once a second (http/dashboard.py).
        if self.access_log and not self.path.startswith("/dashboard/updates"):
            super().log_request(code, size)

    def log_error(self, format: str, *args: Any) -> None:
        """werkzeug's error log, but for an idle connection timing out, which is normal."""
        if not format.startswith("Request timed out"):
            super().log_error(format, *args)


def _content_length(value: str | None) -> int | None:
    """The body's length from ``CONTENT_LENGTH``: 0 if absent, None if it is not a number."""
    if value is None:
        return 0
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() else None
