"""``pytest-notify serve --plugin module.path`` and installed entry points: the same ``notify_*``
extensions as under pytest, in the standalone server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError

from tests.test_hooks import write_distribution

# Writes what it hears to the file named by NOTIFY_EXT_LOG, one JSON line a call, and fails one number.
AUDIT_PLUGIN = """
    import json
    import os

    def _log(*entry):
        with open(os.environ["NOTIFY_EXT_LOG"], "a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\\n")

    def notify_service_created(service):
        _log("created", service.name)

    def notify_send_accepted(notification):
        _log("accepted", notification.to)

    def notify_send_refused(notification_type, error):
        _log("refused", notification_type, error.message)

    def notify_final_status(notification, default):
        if notification.normalised_to == "447700900456":
            return "permanent-failure"
    """


def serve(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pytest_notify", "serve", "--port", "0", "--json", "--timings", "instant", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def stopped() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes to kill at the end, whatever happened."""
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def started(process: subprocess.Popen[str], stopped: list[subprocess.Popen[str]]) -> dict[str, Any]:
    stopped.append(process)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line, process.stderr.read() if process.stderr else "no output"
    details: dict[str, Any] = json.loads(line)
    return details


def test_serve_with_a_plugin_module(tmp_path: Path, stopped: list[subprocess.Popen[str]]) -> None:
    (tmp_path / "notify_audit.py").write_text(textwrap.dedent(AUDIT_PLUGIN), encoding="utf-8")
    log = tmp_path / "log.jsonl"
    details = started(serve(tmp_path, "--plugin", "notify_audit", env={"NOTIFY_EXT_LOG": str(log)}), stopped)
    base_url, keys, templates = details["base_url"], details["keys"], details["templates"]
    values = {"name": "Jo", "code": "1234"}

    live = NotificationsAPIClient(keys["live"], base_url=base_url)
    failing = live.send_sms_notification("07700 900456", templates["sms"], values)
    delivered = live.send_sms_notification("07700 900123", templates["sms"], values)
    with pytest.raises(HTTPError):
        NotificationsAPIClient(keys["team"], base_url=base_url).send_sms_notification(
            "07700 900789", templates["sms"], values
        )
    assert live.get_notification_by_id(failing["id"])["status"] == "permanent-failure"
    assert live.get_notification_by_id(delivered["id"])["status"] == "delivered"

    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert entries == [
        ["created", details["service_name"]],  # the seeded service, made after the plugins loaded
        ["accepted", "07700 900456"],
        ["accepted", "07700 900123"],
        ["refused", "sms", "Can’t send to this recipient using a team-only API key"],  # reference §4
    ]


def test_serve_loads_installed_entry_points(tmp_path: Path, stopped: list[subprocess.Popen[str]]) -> None:
    site = tmp_path / "site"
    site.mkdir()
    write_distribution(
        site,
        "notify_ext_served",
        """
        def notify_render(notification_type, default):
            return "[fake] " + default.body
        """,
    )
    pythonpath = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    details = started(serve(tmp_path, env={"PYTHONPATH": pythonpath}), stopped)
    client = NotificationsAPIClient(details["keys"]["live"], base_url=details["base_url"])
    sent = client.send_sms_notification("07700 900123", details["templates"]["sms"], {"name": "Jo", "code": "1"})
    assert sent["content"]["body"] == "[fake] Hello Jo, your code is 1"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (None, "pytest-notify: --plugin notify_missing: cannot import it: No module named 'notify_missing'"),
        ("def notify_final_status(notifications):\n    pass\n", "pytest-notify: --plugin notify_missing: Plugin"),
    ],
    ids=["not-importable", "bad-hook"],
)
def test_a_bad_plugin_exits_2_before_listening(tmp_path: Path, source: str | None, message: str) -> None:
    if source is not None:
        (tmp_path / "notify_missing.py").write_text(source, encoding="utf-8")
    process = serve(tmp_path, "--plugin", "notify_missing")
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert stdout == ""
    assert stderr.startswith(message)
