"""The callback transport over real loopback sockets: what goes on the wire, and how failures surface."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from pytest_notify.domain.callback_dispatch import post

HEADERS = {"Content-Type": "application/json", "Authorization": "Bearer a-long-bearer-token"}


def test_post_sends_the_body_and_headers_as_given(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/callbacks/status", method="POST", query_string="service=1").respond_with_data(
        "thanks", status=202
    )
    body = b'{"id": "x", "status": "delivered"}'
    assert post(httpserver.url_for("/callbacks/status?service=1"), HEADERS, body, 5.0) == 202
    ((request, _),) = httpserver.log
    assert request.get_data() == body
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"] == "Bearer a-long-bearer-token"
    assert request.headers["Content-Length"] == str(len(body))


def test_post_returns_error_statuses(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data("no", status=503)
    assert post(httpserver.url_for("/"), HEADERS, b"{}", 5.0) == 503


def test_redirects_are_not_followed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    assert post(httpserver.url_for("/old"), HEADERS, b"{}", 5.0) == 301
    assert len(httpserver.log) == 1


def test_nothing_listening_is_a_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectionRefusedError):
        post(f"http://127.0.0.1:{port}/callbacks", HEADERS, b"{}", 5.0)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (into the backlog) but never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        yield listener.getsockname()[1]


def test_no_answer_is_a_timeout(silent_port: int) -> None:
    with pytest.raises(TimeoutError):
        post(f"http://127.0.0.1:{silent_port}/callbacks", HEADERS, b"{}", 0.2)
