"""End to end: ``pytest-notify serve`` as the README starts it, the official Python and Node clients
send, and the web dashboard shows both messages; SIGTERM stops it with status 0.

The Node client is required as in tests/conformance/test_node_client.py: without Node and npm this
FAILS (it does not skip); the client is installed there with ``npm ci`` on first use.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest
from notifications_python_client import NotificationsAPIClient

from tests.conformance.test_node_client import case, ok, prepare_node

START_TIMEOUT = 20


@dataclass
class Serve:
    """A running ``pytest-notify serve`` and what it printed."""

    process: subprocess.Popen[str]
    printed: list[str]
    stderr: IO[str]

    def line(self, pattern: str) -> re.Match[str]:
        for text in self.printed:
            found = re.fullmatch(pattern, text)
            if found:
                return found
        raise AssertionError(f"no line matches {pattern!r} in:\n" + "\n".join(self.printed))

    @property
    def base_url(self) -> str:
        return self.line(r"Fake GOV\.UK Notify listening on (\S+)").group(1)

    @property
    def dashboard(self) -> str:
        return self.line(r"Dashboard: (\S+)").group(1)

    def key(self, kind: str) -> str:
        return self.line(rf"  {kind}: (\S+)").group(1)

    def template(self, kind: str) -> str:
        return self.line(rf"  {kind}: ([0-9a-f-]{{36}})").group(1)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=10)


def serve_command() -> list[str]:
    """``pytest-notify``, the console script the README runs (from this interpreter's environment)."""
    script = Path(sys.executable).with_name("pytest-notify")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pytest_notify"]


@contextlib.contextmanager
def started_serve() -> Iterator[Serve]:
    """``pytest-notify serve --port 0``: the embedded defaults, read as a person reads them."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            [*serve_command(), "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        printed: list[str] = []
        try:
            assert process.stdout is not None
            while not printed or printed[-1] != "Press Ctrl-C to stop.":
                line = process.stdout.readline()
                if not line:
                    stderr.seek(0)
                    pytest.fail(f"pytest-notify serve stopped early:\n{''.join(printed)}\n{stderr.read()}")
                printed.append(line.rstrip("\n"))
            yield Serve(process, printed, stderr)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


@pytest.fixture
def serve() -> Iterator[Serve]:
    """A running ``pytest-notify serve``."""
    with started_serve() as running:
        yield running


def fetch(url: str) -> str:
    """A dashboard page, with no proxy in the way."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        text: str = response.read().decode("utf-8")
        return text


def send_from_both_clients(serve: Serve) -> tuple[dict[str, Any], dict[str, Any], str, str]:
    """An email from the official Python client and a text from the official Node client."""
    python_name, node_name = f"Py{uuid.uuid4().hex[:8]}", f"Node{uuid.uuid4().hex[:8]}"
    client = NotificationsAPIClient(serve.key("live"), base_url=serve.base_url)
    email = client.send_email_notification(
        "jo@example.com", serve.template("email"), {"name": python_name, "reference": "from-python"}
    )
    node = prepare_node()
    results = node.run(
        case(
            "sms",
            [serve.base_url, serve.key("live")],
            "sendSms",
            serve.template("sms"),
            "07700900123",
            {"personalisation": {"name": node_name, "code": "1234"}, "reference": "from-node"},
        )
    )
    sms = ok(results["sms"], 201)["data"]
    return email, sms, python_name, node_name


def test_serve_shows_what_both_official_clients_sent(serve: Serve) -> None:
    assert serve.dashboard == f"{serve.base_url}/"
    email, sms, python_name, node_name = send_from_both_clients(serve)

    home = fetch(serve.dashboard)
    ids = re.findall(r'<tr class="message-row[^"]*" data-seq="\d+" data-id="([^"]+)"', home)
    assert ids == [sms["id"], email["id"]]  # newest first
    assert "Text message to 07700900123" in home and "Email to jo@example.com" in home
    assert f"Hello {node_name}, your code is 1234" in home  # the text's first line

    service = re.search(r'href="(/dashboard/services/[0-9a-f-]+)"', home)
    assert service is not None
    sms_page = fetch(f"{serve.base_url}{service.group(1)}/notifications/{sms['id']}")
    assert f'<p class="sms-bubble">Hello {node_name}, your code is 1234</p>' in sms_page
    email_page = fetch(f"{serve.base_url}{service.group(1)}/notifications/{email['id']}/email")
    assert f"Dear {python_name}," in email_page
    for key in ("test", "team", "live"):
        assert serve.key(key)[-36:] not in home + sms_page

    assert serve.stop() == 0


def test_serve_without_the_dashboard_answers_notifys_404() -> None:
    process = subprocess.Popen(
        [*serve_command(), "serve", "--port", "0", "--json", "--no-dashboard"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        details = json.loads(process.stdout.readline())
        assert "dashboard" not in details
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with pytest.raises(urllib.error.HTTPError) as error:
            opener.open(f"{details['base_url']}/", timeout=10)
        assert error.value.code == 404
        # Notify's routing 404 (reference §2.3), as the plugin's server answers it.
        assert json.loads(error.value.read())["result"] == "error"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_the_start_up_text_gives_the_dashboard_after_the_address() -> None:
    from pytest_notify.cli import _describe, seed_default_service
    from pytest_notify.domain.store import Store
    from pytest_notify.seed import seed_from_file

    address = {"base_url": "http://127.0.0.1:6011", "dashboard": "http://127.0.0.1:6011/"}
    default = {**seed_default_service(Store()), **address}
    assert _describe(default).splitlines()[:3] == [
        "Fake GOV.UK Notify listening on http://127.0.0.1:6011",
        "Dashboard: http://127.0.0.1:6011/",
        f"Service: Fake Notify service ({default['service_id']}), live",
    ]
    example = Path(__file__).resolve().parent.parent / "docs" / "seed-example.toml"
    seeded = {**seed_from_file(Store(), example), **address}
    lines = _describe(seeded).splitlines()
    assert lines[:2] == ["Fake GOV.UK Notify listening on http://127.0.0.1:6011", "Dashboard: http://127.0.0.1:6011/"]
    assert lines[2].startswith("Seeded from ")
    assert "Dashboard" not in _describe({**default, "dashboard": None})  # serve --no-dashboard
