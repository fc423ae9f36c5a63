"""``pytest-notify serve``: starts with embedded defaults, serves the official client, stops cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError

from pytest_notify.cli import build_parser


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], dict[str, object]]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_notify", "serve", "--port", "0", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        details = json.loads(process.stdout.readline())
        yield process, details
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_serve_prints_keys_and_accepts_sends(served: tuple[subprocess.Popen[str], dict[str, object]]) -> None:
    process, details = served
    keys = details["keys"]
    templates = details["templates"]
    assert isinstance(keys, dict) and isinstance(templates, dict)
    assert set(keys) == {"test", "team", "live"}
    assert str(details["base_url"]).startswith("http://127.0.0.1:")
    for key in keys.values():
        assert key[-73:-37] == details["service_id"]

    client = NotificationsAPIClient(keys["live"], base_url=str(details["base_url"]))
    sent = client.send_sms_notification("07700 900123", templates["sms"], {"name": "Jo", "code": "1234"})
    assert sent["content"]["body"] == "Hello Jo, your code is 1234"
    # Realistic timings by default: created now, handed over after 0.5 s, delivered after 3 s.
    assert client.get_notification_by_id(sent["id"])["status"] in ("created", "sending")
    deadline = time.monotonic() + 10
    while client.get_notification_by_id(sent["id"])["status"] != "delivered":
        assert time.monotonic() < deadline, "the text was never delivered"
        time.sleep(0.1)

    team = NotificationsAPIClient(keys["team"], base_url=str(details["base_url"]))
    with pytest.raises(HTTPError) as error:
        team.send_sms_notification("07700 900123", templates["sms"], {"name": "Jo", "code": "1234"})
    assert error.value.message == [
        {"error": "BadRequestError", "message": "Can’t send to this recipient using a team-only API key"}
    ]

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def test_sigint_stops_cleanly(served: tuple[subprocess.Popen[str], dict[str, object]]) -> None:
    process, _ = served
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0


def test_human_output_names_the_keys(capsys: pytest.CaptureFixture[str]) -> None:
    from pytest_notify.cli import _describe, seed_default_service
    from pytest_notify.domain.store import Store

    details = seed_default_service(Store())
    details["base_url"] = "http://127.0.0.1:6011"
    text = _describe(details)
    assert "Fake GOV.UK Notify listening on http://127.0.0.1:6011" in text
    for kind in ("test", "team", "live"):
        assert f"  {kind}: {details['keys'][kind]}" in text  # type: ignore[index]


def test_port_in_use_is_a_clear_error() -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "pytest_notify", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=20,
        )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_defaults() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.json) == ("127.0.0.1", 6011, False)
