"""HTTP/1.1 persistent connections (pytest_notify/server_handler.py), over raw sockets.

werkzeug's development server closes every connection; the fake keeps them open, so a client's
session sends all its requests on one. These tests check the framing that makes that safe: each
answer is delimited, an unread body never becomes the next request, and the connection is closed when
the client or the protocol asks, when it idles, and when the server stops.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator

import jwt
import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from pytest_notify import server_handler
from pytest_notify.domain.store import Store
from pytest_notify.fake import NotifyFake
from pytest_notify.server import NotifyServer
from pytest_notify.server_handler import Connections, KeepAliveRequestHandler

NOT_FOUND = {
    "message": "The requested URL was not found on the server. If you entered the URL manually please check "
    "your spelling and try again.",
    "result": "error",
}
METHOD_NOT_ALLOWED = {"message": "The method is not allowed for the requested URL.", "result": "error"}
NO_TOKEN = {
    "errors": [{"error": "AuthError", "message": "Unauthorized: authentication token must be provided"}],
    "status_code": 401,
}


@pytest.fixture
def server() -> Iterator[NotifyServer]:
    server = NotifyServer(store=Store())
    server.start()
    try:
        yield server
    finally:
        if server.is_running():
            server.stop()


def connect(server: NotifyServer, timeout: float = 5) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=timeout)


def read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One answer, delimited by its Content-Length (not by the end of the stream). Reads no byte past
    it, so what comes next (another answer, or the end of the stream) is the next read's."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        assert byte, f"the connection closed before an answer: {head!r}"
        head += byte
    lines = head.decode("latin-1").strip().split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers["content-length"])
    body = b""
    while len(body) < length:
        chunk = sock.recv(length - len(body))
        assert chunk, "the connection closed inside an answer"
        body += chunk
    return int(lines[0].split()[1]), headers, body


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closed its end (the next read is the end of the stream)."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_two_requests_on_one_connection_are_both_answered(server: NotifyServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
        status, headers, body = read_answer(sock)
        assert (status, json.loads(body)) == (404, NOT_FOUND)
        assert "connection" not in headers  # HTTP/1.1: open unless said otherwise
        sock.sendall(b"GET /v2/notifications HTTP/1.1\r\nHost: x\r\n\r\n")
        status, headers, body = read_answer(sock)
        assert (status, json.loads(body)) == (401, NO_TOKEN)


def test_http_client_keeps_its_socket(server: NotifyServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        sockets = []
        for _ in range(3):
            conn.request("GET", "/v2/notifications")
            response = conn.getresponse()
            assert json.loads(response.read()) == NO_TOKEN
            assert not response.will_close
            sockets.append(conn.sock)
        assert sockets[0] is not None and sockets.count(sockets[0]) == 3
    finally:
        conn.close()


@pytest.mark.parametrize("size", [5, 300_000, 3_000_000])
def test_a_body_the_view_never_reads_is_not_taken_for_the_next_request(server: NotifyServer, size: int) -> None:
    """No token: the send is refused before its body is read. The body must still be consumed, or its
    bytes would be parsed as the next request line."""
    body = b"GET /nowhere HTTP/1.1\r\n\r\n" + b"x" * size  # a body that looks like a request
    with connect(server) as sock:
        sock.sendall(b"POST /v2/notifications/sms HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body))
        sock.sendall(body)
        status, _, answer = read_answer(sock)
        assert (status, json.loads(answer)) == (401, NO_TOKEN)
        sock.sendall(b"GET /v2/notifications HTTP/1.1\r\nHost: x\r\n\r\n")
        status, _, answer = read_answer(sock)
        assert (status, json.loads(answer)) == (401, NO_TOKEN)


def test_pipelined_requests_with_unread_bodies(server: NotifyServer) -> None:
    """Two requests in one write: the first's unread body ends exactly where the second begins."""
    first = b"POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world"
    second = b"DELETE /v2/notifications HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
    with connect(server) as sock:
        sock.sendall(first + second)
        assert read_answer(sock)[0] == 404
        status, _, body = read_answer(sock)
        assert (status, json.loads(body)) == (405, METHOD_NOT_ALLOWED)


def test_connection_close_from_the_client_is_honoured(server: NotifyServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        status, headers, _ = read_answer(sock)
        assert status == 404
        assert headers["connection"] == "close"
        assert closed_by_server(sock)


def test_an_http_1_0_client_gets_a_closed_connection(server: NotifyServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /nowhere HTTP/1.0\r\n\r\n")
        status, headers, _ = read_answer(sock)
        assert status == 404
        assert headers["connection"] == "close"
        assert closed_by_server(sock)


def test_a_chunked_request_closes_the_connection_after_its_answer(server: NotifyServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"POST /nowhere HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        status, headers, _ = read_answer(sock)
        assert status == 404
        assert headers["connection"] == "close"
        assert closed_by_server(sock)


def test_expect_100_continue_gets_one_interim_answer(server: NotifyServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        interim = b""
        while not interim.endswith(b"\r\n\r\n"):
            interim += sock.recv(1)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"hello")
        assert read_answer(sock)[0] == 404
        sock.sendall(b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_answer(sock)[0] == 404


def test_an_idle_connection_is_closed_after_the_timeout(server: NotifyServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(KeepAliveRequestHandler, "timeout", 0.3)
    with connect(server) as sock:
        sock.sendall(b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_answer(sock)[0] == 404
        sock.settimeout(5)
        assert closed_by_server(sock)  # after 0.3 s of silence, well before this read gives up


def test_idle_connections_do_not_hold_up_stop_and_are_closed_by_it(server: NotifyServer) -> None:
    idle = []
    try:
        for _ in range(5):
            sock = connect(server)
            sock.sendall(b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_answer(sock)[0] == 404
            idle.append(sock)
        stopper = threading.Thread(target=server.stop)
        stopper.start()
        stopper.join(timeout=server_handler.IDLE_TIMEOUT - 1)
        assert not stopper.is_alive(), "stop() waits for idle kept-alive connections"
        # A stopped server answers nothing more, not even on a connection it had kept open.
        assert all(closed_by_server(sock) for sock in idle)
    finally:
        for sock in idle:
            sock.close()


def test_the_official_client_sends_on_one_connection(server: NotifyServer, monkeypatch: pytest.MonkeyPatch) -> None:
    notify = NotifyFake(server.store, server.store.create_service("Keep-alive"), server.url)
    accepted = []
    original = Connections.add

    def counting(self: Connections, handler: KeepAliveRequestHandler) -> None:
        accepted.append(handler)
        original(self, handler)

    monkeypatch.setattr(Connections, "add", counting)
    client = NotificationsAPIClient(notify.team_key, base_url=notify.base_url)
    for _ in range(3):
        assert client.get_all_templates() == {"templates": []}
    assert len(accepted) == 1


def test_a_dropped_connection_is_closed_and_the_next_one_served(server: NotifyServer) -> None:
    """A ``drop`` fault closes the connection with no answer, although the client asked to keep it."""
    notify = NotifyFake(server.store, server.store.create_service("Drop"), server.url)
    notify.inject_fault("drop", endpoint="get_templates", times=1)
    token = jwt.encode({"iss": notify.service_id, "iat": int(time.time())}, notify.team_key[-36:], algorithm="HS256")
    request = f"GET /v2/templates HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
    with connect(server) as sock:
        sock.sendall(request)
        assert closed_by_server(sock)
    with connect(server) as sock:
        sock.sendall(request)
        status, _, body = read_answer(sock)
        assert (status, json.loads(body)) == (200, {"templates": []})
