"""``pytest-notify serve --config FILE``: the file's services, keys and ids, over a real socket."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError
from pytest_httpserver import HTTPServer

from pytest_notify.cli import _describe, main
from pytest_notify.domain.store import Store
from pytest_notify.seed import apply_seed, parse_seed, seeded_details
from pytest_notify.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "docs/seed-example.toml"
SMS = "3aed2f61-9b8f-48b0-879d-1eb402c6e92d"
EMAIL = "b0163b8c-a227-4e92-9999-d0ff3badad76"
LETTER = "539c33ac-47d6-487c-bcad-aa97a8743d26"
LIVE_KEY = "live_key-89dd7e51-c845-47e4-8923-94a7f840c7b1-6d6ad3d5-0dc5-4d25-8c0c-2d4fd7d3b1f1"
REVOKED_KEY = "old_live_key-89dd7e51-c845-47e4-8923-94a7f840c7b1-3c0c9b1e-7a0e-4f0f-8d1e-9c2b5a6f7e80"
TRIAL_TEAM_KEY = "team_key-ccb6ccec-00fc-46bb-857d-5107603e7a5c-9a0f3f6c-2b1d-4e5a-8c7b-1d2e3f4a5b6c"


@pytest.fixture
def served(httpserver: HTTPServer) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    httpserver.expect_request("/status").respond_with_data("")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "pytest_notify", "serve", "--config", EXAMPLE, "--port", "0", "--json"),
            # Over the file's callbacks, so nothing tries to reach appointments.example.com.
            *("--delivery-status-callback", httpserver.url_for("/status"), "override-token"),
            *("--inbound-sms-callback", httpserver.url_for("/inbound"), "override-token"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else "no output"
        yield process, json.loads(line)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_serve_prints_the_files_services_and_keys(served: tuple[subprocess.Popen[str], dict[str, Any]]) -> None:
    _, details = served
    assert details["config"] == EXAMPLE
    assert str(details["base_url"]).startswith("http://127.0.0.1:")
    live, trial = details["services"]
    assert (live["id"], live["name"], live["trial_mode"]) == (
        "89dd7e51-c845-47e4-8923-94a7f840c7b1",
        "Example Appointments",
        False,
    )
    assert [(k["name"], k["type"], k["revoked"]) for k in live["keys"]] == [
        ("live_key", "live", False),
        ("team_key", "team", False),
        ("test_key", "test", False),
        ("old_live_key", "live", True),
    ]
    assert live["keys"][0]["key"] == LIVE_KEY
    assert [(t["id"], t["type"], t["version"]) for t in live["templates"]] == [
        (SMS, "sms", 2),
        (EMAIL, "email", 1),
        (LETTER, "letter", 2),
    ]
    assert trial["trial_mode"] is True
    assert trial["keys"][0]["key"] == TRIAL_TEAM_KEY


def test_the_official_client_uses_the_files_keys_and_ids(
    served: tuple[subprocess.Popen[str], dict[str, Any]], httpserver: HTTPServer
) -> None:
    process, details = served
    base_url = details["base_url"]
    client = NotificationsAPIClient(LIVE_KEY, base_url=base_url)

    sent = client.send_sms_notification(
        "07700 900 555",
        SMS,
        {"name": "Jo", "date": "1 May", "time": "10am"},
        sms_sender_id="5c240d61-42db-4b01-80ff-d3c444514f38",
    )
    assert sent["content"]["body"] == "Hello Jo, your appointment is on 1 May at 10am."
    assert sent["content"]["from_number"] == "447700900456"  # a number sender, as Notify formats it
    assert sent["template"] == {
        "id": SMS,
        "version": 2,
        "uri": f"{base_url}/services/{live_id(details)}/templates/{SMS}",
    }

    assert client.get_template(SMS)["body"] == "Hello ((name)), your appointment is on ((date)) at ((time))."
    assert client.get_template_version(SMS, 1)["body"] == "Your appointment is on ((date))."
    letter = client.get_template(LETTER)
    assert (letter["version"], letter["postage"], letter["subject"]) == (2, "first", "Your hospital appointment")
    assert letter["letter_contact_block"] == "Example Appointments (Wales)\n2 Heol Fawr\nCardiff\nCF10 1AA"
    email = client.send_email_notification(
        "someone@example.com",
        EMAIL,
        {"name": "Jo", "date": "1 May", "link_to_file": "none"},
        email_reply_to_id="eb4bc4d2-66bb-4c95-af65-31242359937b",
    )
    assert email["content"]["subject"] == "Your appointment on 1 May"

    texts = client.get_received_texts()["received_text_messages"]
    assert [(t["content"], t["user_number"], t["notify_number"]) for t in texts] == [
        ("Can I change the time?", "447700900321", "447700900456"),
        ("Yes, I will come", "447700900123", "447700900456"),
    ]

    with pytest.raises(HTTPError) as revoked:
        NotificationsAPIClient(REVOKED_KEY, base_url=base_url).get_template(SMS)
    assert revoked.value.message == [{"error": "AuthError", "message": "Invalid token: API key revoked"}]

    trial = NotificationsAPIClient(TRIAL_TEAM_KEY, base_url=base_url)
    trial.send_email_notification("guest@example.com", "e9b18459-a239-4ddf-b33c-52162bb88d36", {"name": "G"})
    with pytest.raises(HTTPError) as stranger:
        trial.send_email_notification("stranger@example.com", "e9b18459-a239-4ddf-b33c-52162bb88d36", {"name": "S"})
    assert stranger.value.message == [
        {"error": "BadRequestError", "message": "Can’t send to this recipient using a team-only API key"}
    ]

    # The file's sms timings deliver after 2 s; the command line's callback (for every service) hears of it.
    def receipt_for_the_text() -> Any:
        bodies = [(json.loads(request.get_data()), request) for request, _ in httpserver.log]
        return next((request for body, request in bodies if body["id"] == sent["id"]), None)

    request = wait_until(receipt_for_the_text, timeout=10, describe=lambda: "the text's receipt never came")
    assert request.headers["Authorization"] == "Bearer override-token"
    assert json.loads(request.get_data())["status"] == "delivered"

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def live_id(details: dict[str, Any]) -> str:
    return str(details["services"][0]["id"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_bad_file_exits_with_the_mistakes_and_listens_on_nothing(tmp_path: Path) -> None:
    seed = tmp_path / "seed.toml"
    example = (ROOT / EXAMPLE).read_text(encoding="utf-8")
    seed.write_text(example.replace('type = "letter"', 'type = "fax"'), encoding="utf-8")
    port = _free_port()
    result = subprocess.run(
        [sys.executable, "-m", "pytest_notify", "serve", "--config", str(seed), "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"pytest-notify: {seed}: services[0].templates[2].type: must be one of sms, email, letter, got 'fax'"
    ]
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the seed file: No such file or directory"),
        ("[[services]\n", "invalid TOML: "),
        ('{"services": [}', "invalid JSON: Expecting value (at line 1, column 15)"),
    ],
    ids=["missing", "invalid-toml", "invalid-json"],
)
def test_unreadable_files_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    seed = tmp_path / ("seed.json" if content and content.startswith("{") else "seed.toml")
    if content is not None:
        seed.write_text(content, encoding="utf-8")
    assert main(["serve", "--config", str(seed), "--port", "0"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"pytest-notify: {seed}: {message}")


def test_the_human_form_lists_keys_and_hides_secrets_from_the_environment() -> None:
    store = Store()
    seed = parse_seed(
        """
        [[services]]
        id = "11111111-1111-4111-8111-111111111111"
        name = "CI"
        [[services.api_keys]]
        name = "CI key"
        type = "live"
        secret_env = "CI_NOTIFY_KEY"
        [[services.api_keys]]
        type = "test"
        secret = "44444444-4444-4444-8444-444444444444"
        [[services.templates]]
        id = "22222222-2222-4222-8222-222222222222"
        type = "sms"
        name = "Code"
        body = "Your code is ((code))"
        """,
        source="ci.toml",
        environ={"CI_NOTIFY_KEY": "33333333-3333-4333-8333-333333333333"},
    )
    details = seeded_details(apply_seed(store, seed), seed.source)
    details["base_url"] = "http://127.0.0.1:6011"
    assert _describe(details).splitlines() == [
        "Fake GOV.UK Notify listening on http://127.0.0.1:6011",
        "Seeded from ci.toml",
        "Service: CI (11111111-1111-4111-8111-111111111111), live",
        "  API keys:",
        "    ci_key (live): (secret from $CI_NOTIFY_KEY)",
        "    test_key (test): test_key-11111111-1111-4111-8111-111111111111-44444444-4444-4444-8444-444444444444",
        "  Templates:",
        "    sms: 22222222-2222-4222-8222-222222222222  Code (version 1)",
        "Press Ctrl-C to stop.",
    ]
    assert "33333333-3333-4333-8333-333333333333" not in json.dumps(details)
