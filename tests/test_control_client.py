"""The control API over a real socket: ``NotifyControl`` against ``NotifyServer`` and against
``pytest-notify serve`` in a subprocess, with the official Python client doing the sending."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError

from pytest_notify import cli
from pytest_notify.control_backend import FakeControlBackend
from pytest_notify.control_client import NotifyControl, NotifyControlError, RemoteService
from pytest_notify.http.control import ADMIN_TOKEN_ENV
from pytest_notify.server import NotifyServer

TOKEN = "a-long-admin-token"


@pytest.fixture
def server() -> Iterator[NotifyServer]:
    """A server with the control API guarded by an admin token, sends on the realistic clock."""
    running = NotifyServer(control=FakeControlBackend(timings="clock"), admin_token=TOKEN)
    running.start()
    try:
        yield running
    finally:
        running.stop()
        assert running.take_errors() == []


def drive(control: NotifyControl) -> RemoteService:
    """Everything a test in another process does: make a service, send with the official client, read
    what happened, move the clock, choose an outcome, receive a text, inject a fault."""
    service = control.create_service(name="Passports", team_members=["07700 900 456"])
    assert service.live_key is not None
    template = service.add_template("sms", "Hi ((name))", name="Greeting")
    client = NotificationsAPIClient(service.live_key, base_url=control.base_url)

    service.freeze_time()
    sent = client.send_sms_notification("07700 900 855", template["id"], {"name": "Jo"})
    (stored,) = service.notifications()
    assert (stored["id"], stored["status"], stored["key_type"], stored["body"]) == (
        sent["id"],
        "created",
        "normal",
        "Hi Jo",
    )
    assert service.dashboard()["sms"]["in_flight"] == 1
    service.advance(5)  # the realistic delays have passed: no sleeping
    assert service.notification(sent)["status"] == "delivered"
    assert client.get_notification_by_id(sent["id"])["status"] == "delivered"
    assert service.dashboard()["sms"]["delivered"] == 1
    assert service.usage()["sms"]["chargeable_units"] == 1

    service.set_outcome("permanent-failure", recipient="07700 900 456")
    failing = client.send_sms_notification("07700 900 456", template["id"], {"name": "Sam"})
    service.advance(5)
    assert [n["status"] for n in service.notifications(to="07700 900 456")] == ["permanent-failure"]
    assert client.get_notification_by_id(failing["id"])["status"] == "permanent-failure"

    text_id = service.receive_sms("STOP", "07700 900 333")
    received = client.get_received_texts()["received_text_messages"]
    assert [(t["id"], t["content"]) for t in received] == [(text_id, "STOP")]

    rule = service.inject_fault("500", endpoint="send_sms", times=1)
    assert rule["remaining"] == 1
    with pytest.raises(HTTPError) as faulted:
        client.send_sms_notification("07700 900 855", template["id"], {"name": "Jo"})
    assert faulted.value.status_code == 500
    assert [f["endpoint"] for f in service.faulted_requests()] == ["send_sms"]
    assert len(service.notifications()) == 2  # a faulted send is not stored
    return service


def test_notify_control_drives_a_notify_server(server: NotifyServer) -> None:
    control = NotifyControl(server.url, admin_token=TOKEN)
    service = drive(control)
    assert [s["id"] for s in control.services()] == [service.service_id]

    again = control.service(service.service_id)  # a fresh handle reads the keys back
    assert (again.test_key, again.team_key, again.live_key) == (service.test_key, service.team_key, service.live_key)
    again.remove()
    with pytest.raises(NotifyControlError) as gone:
        again.details()
    assert (gone.value.status, gone.value.error) == (404, "service_not_found")


def test_notify_control_errors_are_clear(server: NotifyServer) -> None:
    with pytest.raises(NotifyControlError) as refused:
        NotifyControl(server.url).services()
    assert refused.value.status == 401
    assert refused.value.error == "unauthorized"
    assert str(refused.value) == (
        "HTTP 401 unauthorized: this server's control API needs the header Authorization: Bearer <admin token>"
    )
    control = NotifyControl(server.url, admin_token=TOKEN)
    service = control.create_service()
    with pytest.raises(NotifyControlError, match="HTTP 400 invalid_request: email templates need a subject"):
        service.add_template("email", "Hello")
    with pytest.raises(ValueError, match="delays only apply on the clock"):
        service.set_timings("manual", final=3)
    unreachable = NotifyControl("http://127.0.0.1:9", timeout=2)
    with pytest.raises(NotifyControlError) as nobody:
        unreachable.info()
    assert (nobody.value.status, nobody.value.error) == (None, "connection_error")


def test_the_client_moves_every_part_of_a_service(server: NotifyServer) -> None:
    control = NotifyControl(server.url, admin_token=TOKEN)
    service = control.create_service(trial_mode=True, timings="manual")
    assert service.live_key is None
    assert service.go_live() == service.details()["api_keys"][-1]["key"]
    service.back_to_trial()
    assert service.set_limits(sms_limit=3)["sms"] == 3
    key = service.create_key("team", "another")
    assert service.revoke_key("another")["key"] == key
    template = service.add_template("email", "Dear ((name))", "Hello")
    assert service.update_template(template["id"], body="Hi ((name))")["version"] == 2
    assert [t["id"] for t in service.templates()] == [template["id"]]
    assert service.remove_template(template["id"])["archived"] is True
    assert service.template(template["id"])["versions"][0]["body"] == "Dear ((name))"
    assert service.timings()["mode"] == "manual"
    assert service.set_timings(sms={"final": 60})["sms"]["final"] == 60.0
    assert service.set_time("2026-01-05T12:00:00")["now"] == "2026-01-05T12:00:00+00:00"
    assert service.unfreeze_time()["frozen"] is False
    assert service.clock()["frozen"] is False
    service.set_delivery_status_callback("https://service.example/cb", "tok")
    assert service.details()["callbacks"]["delivery_status"] == {
        "url": "https://service.example/cb",
        "bearer_token": "tok",
    }
    service.set_delivery_status_callback(None)
    assert service.callbacks() == []
    service.clear_outcomes()
    assert service.advance_all() == []
    service.inject_fault("latency", seconds=0.01)
    assert [r["kind"] for r in service.fault_rules()] == ["latency"]
    service.clear_faults()
    assert service.fault_rules() == []
    assert control.info()["services"] == 1
    assert control.reset()["removed"] == [service.service_id]


# -- pytest-notify serve ------------------------------------------------------------------------


@pytest.fixture
def served() -> Iterator[dict[str, Any]]:
    """``pytest-notify serve`` on a free port, its admin token from the environment."""
    env = {**os.environ, ADMIN_TOKEN_ENV: TOKEN}
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_notify", "serve", "--port", "0", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        details = json.loads(process.stdout.readline())
        yield details
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_notify_control_drives_pytest_notify_serve(served: dict[str, Any]) -> None:
    assert served["control_api"] == f"{served['base_url']}/_notify/"
    control = NotifyControl(served["base_url"], admin_token=TOKEN)
    seeded = control.service(served["service_id"])
    assert seeded.live_key == served["keys"]["live"]
    drive(control)
    assert len(control.services()) == 2

    reset = control.reset(reseed=True)
    assert len(reset["removed"]) == 2
    assert served["service_id"] in reset["removed"]
    (fresh,) = control.services()
    assert fresh["id"] == reset["seeded"]["service_id"] != served["service_id"]
    assert fresh["name"] == "Fake Notify service"


def test_serve_refuses_a_public_address_without_an_admin_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(ADMIN_TOKEN_ENV, raising=False)

    def must_not_bind(*args: Any, **kwargs: Any) -> NotifyServer:
        raise AssertionError("the server was made: the token check came too late")

    monkeypatch.setattr(cli, "NotifyServer", must_not_bind)
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2
    error = capsys.readouterr().err
    assert "the control API (/_notify/) needs an admin token when the server listens on '0.0.0.0'" in error
    assert "--admin-token TOKEN or PYTEST_NOTIFY_ADMIN_TOKEN" in error
    assert cli.main(["serve", "--host", "::", "--port", "0", "--admin-token", ""]) == 2


def test_serve_reads_the_admin_token_from_the_command_line_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ADMIN_TOKEN_ENV, raising=False)
    assert cli.build_parser().parse_args(["serve"]).admin_token is None
    assert cli.build_parser().parse_args(["serve", "--admin-token", "x"]).admin_token == "x"
    monkeypatch.setenv(ADMIN_TOKEN_ENV, "from-env")
    assert cli.build_parser().parse_args(["serve"]).admin_token == "from-env"
    assert cli.build_parser().parse_args(["serve", "--admin-token", "flag"]).admin_token == "flag"
