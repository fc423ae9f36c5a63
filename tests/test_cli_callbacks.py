"""``pytest-notify serve --delivery-status-callback URL TOKEN``: the standalone server calls back too."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from notifications_python_client import NotificationsAPIClient
from pytest_httpserver import HTTPServer

from pytest_notify.waiting import wait_until


def test_serve_with_callbacks(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/status").respond_with_data("")
    httpserver.expect_request("/inbound").respond_with_data("")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "pytest_notify", "serve", "--port", "0", "--json", "--timings", "instant"),
            *("--delivery-status-callback", httpserver.url_for("/status"), "status-token-1"),
            *("--inbound-sms-callback", httpserver.url_for("/inbound"), "inbound-token-2"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        details = json.loads(process.stdout.readline())
        client = NotificationsAPIClient(details["keys"]["test"], base_url=details["base_url"])
        sent = client.send_sms_notification("07700900003", details["templates"]["sms"], {"name": "Jo", "code": "1"})
        wait_until(lambda: httpserver.log or None, timeout=10, describe=lambda: "no callback reached the receiver")
        ((request, _),) = httpserver.log
        assert request.path == "/status"
        assert request.headers["Authorization"] == "Bearer status-token-1"
        assert json.loads(request.get_data())["id"] == sent["id"]
        assert json.loads(request.get_data())["status"] == "temporary-failure"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_a_bad_callback_url_is_a_clear_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest_notify", "serve", "--port", "0", "--delivery-status-callback", "nope", "t"],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode == 2
    assert "a callback URL must start with https://" in result.stderr
