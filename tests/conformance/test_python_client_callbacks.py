"""Callbacks as an integrator meets them: the official Python client sends, pytest-httpserver receives.

Expected bodies are written out from reference §11 (key order, ``", "`` and ``": "``, the template
version the only number); the datetimes come from ``GET /v2/notifications/{id}``, which §11.2 says
the callback carries.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading

import pytest
from notifications_python_client import NotificationsAPIClient
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from pytest_notify.fake import NotifyFake
from pytest_notify.waiting import WaitTimeout, wait_until
from tests.conformance.conftest import ClientFactory

# Final at once unless a test says otherwise, whatever the notify_timings ini option says.
pytestmark = pytest.mark.notify_service(timings="instant")

TOKEN = "a-long-bearer-token-1234"
PATH = "/notify/delivery-status"
NOTIFY_HEADERS = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def status_url(notify: NotifyFake, httpserver: HTTPServer) -> str:
    url = httpserver.url_for(PATH)
    notify.set_delivery_status_callback(url, TOKEN)
    return url


def expected_body(got: dict[str, object], to: str, status: str, kind: str, reference: str | None = None) -> bytes:
    """Reference §11.2, written out by hand."""
    ref = "null" if reference is None else f'"{reference}"'
    template = got["template"]
    assert isinstance(template, dict)
    return (
        f'{{"id": "{got["id"]}", "reference": {ref}, "to": "{to}", "status": "{status}", '
        f'"created_at": "{got["created_at"]}", "completed_at": "{got["completed_at"]}", '
        f'"sent_at": "{got["sent_at"]}", "notification_type": "{kind}", '
        f'"template_id": "{template["id"]}", "template_version": {template["version"]}}}'
    ).encode()


def parse(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.mark.parametrize(
    ("kind", "to", "status"),
    [
        ("sms", "07700900003", "temporary-failure"),
        ("sms", "+447700900002", "permanent-failure"),
        ("sms", "07700 900 123", "delivered"),
        ("email", "temp-fail@simulator.notify", "temporary-failure"),
        ("email", "perm-fail@simulator.notify", "permanent-failure"),
        ("email", "Jo.Bloggs@Example.com", "delivered"),
    ],
)
def test_each_simulator_outcome_reaches_the_receiver(
    notify: NotifyFake,
    httpserver: HTTPServer,
    status_url: str,
    client_for: ClientFactory,
    kind: str,
    to: str,
    status: str,
) -> None:
    httpserver.expect_oneshot_request(PATH, method="POST", headers=NOTIFY_HEADERS).respond_with_data("", status=204)
    client = client_for(notify.test_key)
    if kind == "sms":
        template = notify.add_template("sms", "Your code is ((code))")
        sent = client.send_sms_notification(to, template.id, {"code": "1234"}, reference="case-1")
    else:
        template = notify.add_template("email", "Your code is ((code))", subject="Code")
        sent = client.send_email_notification(to, template.id, {"code": "1234"}, reference="case-1")
    made = notify.wait_for_callback(status=status)
    got = client.get_notification_by_id(sent["id"])
    assert got["status"] == status
    ((request, _),) = httpserver.log
    assert request.get_data() == expected_body(got, to, status, kind, reference="case-1")
    assert (request.headers["Authorization"], request.headers["Content-Type"]) == (
        f"Bearer {TOKEN}",
        "application/json",
    )
    assert (made.url, made.response_status, made.ok, made.attempt) == (status_url, 204, True, 1)
    httpserver.check_assertions()


def test_live_key_statuses_on_the_clock(
    notify: NotifyFake, httpserver: HTTPServer, status_url: str, client: NotificationsAPIClient
) -> None:
    httpserver.expect_request(PATH).respond_with_data("")
    clock = notify.freeze_time()
    notify.set_timings(sending=1, final=10)
    template = notify.add_template("sms", "Hello")
    sent = client.send_sms_notification("07700 900 855", template.id)
    clock.advance(9)
    assert notify.callbacks == []
    clock.advance(1)
    made = notify.callbacks.only(status="delivered")
    got = client.get_notification_by_id(sent["id"])
    assert made.body.encode() == expected_body(got, "07700 900 855", "delivered", "sms")
    created = parse(got["created_at"])
    assert parse(made.json["sent_at"]) - created == dt.timedelta(seconds=1)
    assert parse(made.json["completed_at"]) - created == dt.timedelta(seconds=10)


def test_a_500_is_retried_300_seconds_later(
    notify: NotifyFake, httpserver: HTTPServer, status_url: str, client: NotificationsAPIClient
) -> None:
    httpserver.expect_ordered_request(PATH).respond_with_json({"error": "down"}, status=500)
    httpserver.expect_ordered_request(PATH).respond_with_data("", status=200)
    clock = notify.freeze_time()
    client.send_email_notification("jo@example.com", notify.add_template("email", "Hi", subject="S").id)
    first = notify.wait_for_callback()
    assert (first.response_status, first.retry_at) == (500, first.at + dt.timedelta(seconds=300))
    clock.advance(299)
    assert len(notify.callbacks) == 1 and len(httpserver.log) == 1
    clock.advance(1)
    assert [(a.attempt, a.response_status) for a in notify.callbacks] == [(1, 500), (2, 200)]
    assert httpserver.log[0][0].get_data() == httpserver.log[1][0].get_data()
    clock.advance(days=1)
    assert len(notify.callbacks) == 2
    httpserver.check_assertions()


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_a_4xx_is_not_retried(
    notify: NotifyFake, httpserver: HTTPServer, status_url: str, client: NotificationsAPIClient, status: int
) -> None:
    httpserver.expect_request(PATH).respond_with_data("no", status=status)
    clock = notify.freeze_time()
    client.send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
    assert notify.wait_for_callback().retry_at is None
    clock.advance(days=1)
    assert [a.response_status for a in notify.callbacks] == [status]
    assert len(httpserver.log) == 1


def test_a_429_is_retried(
    notify: NotifyFake, httpserver: HTTPServer, status_url: str, client: NotificationsAPIClient
) -> None:
    httpserver.expect_ordered_request(PATH).respond_with_data("slow down", status=429)
    httpserver.expect_ordered_request(PATH).respond_with_data("")
    clock = notify.freeze_time()
    client.send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
    notify.wait_for_callback(response_status=429)
    clock.advance(300)
    assert [a.response_status for a in notify.callbacks] == [429, 200]


def test_five_retries_then_notify_gives_up(
    notify: NotifyFake, httpserver: HTTPServer, status_url: str, client: NotificationsAPIClient
) -> None:
    httpserver.expect_request(PATH).respond_with_data("down", status=503)
    clock = notify.freeze_time()
    client.send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
    notify.wait_for_callback()
    for _ in range(5):
        clock.advance(300)
    clock.advance(days=2)
    made = notify.callbacks
    assert [(a.attempt, a.response_status) for a in made] == [(n, 503) for n in range(1, 7)]
    assert [a.at - made[0].at for a in made] == [dt.timedelta(seconds=300 * n) for n in range(6)]
    assert made.last.retry_at is None
    assert len(httpserver.log) == 6


def test_an_unreachable_receiver_is_retried(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    notify.set_delivery_status_callback(f"http://127.0.0.1:{port}/callbacks", TOKEN)
    clock = notify.freeze_time()
    client.send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
    first = notify.wait_for_callback()
    assert first.response_status is None and first.error is not None and "ConnectionRefusedError" in first.error
    clock.advance(300)
    assert len(notify.callbacks) == 2


def test_a_receiver_that_never_answers_times_out_and_is_retried(
    notify: NotifyFake, client: NotificationsAPIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notify.store.dispatcher, "timeout", 0.2)  # Notify waits 5 s; the rule is the same
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        notify.set_delivery_status_callback(f"http://127.0.0.1:{listener.getsockname()[1]}/cb", TOKEN)
        client.send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
        made = notify.wait_for_callback()
    assert made.error == "TimeoutError: timed out" and made.retry_at == made.at + dt.timedelta(seconds=300)


def test_smoke_test_recipients_make_no_callback(
    notify: NotifyFake, httpserver: HTTPServer, status_url: str, client_for: ClientFactory
) -> None:
    httpserver.expect_request(PATH).respond_with_data("")
    sms = notify.add_template("sms", "Hi")
    email = notify.add_template("email", "Hi", subject="S")
    for key in (notify.test_key, notify.live_key):
        assert key is not None
        client = client_for(key)
        client.send_sms_notification("07700 900 000", sms.id)
        client.send_email_notification("simulate-delivered@notifications.service.gov.uk", email.id)
    control = client_for(notify.test_key).send_sms_notification("07700900123", sms.id)
    notify.wait_for_callback(id=control["id"])
    assert [a.id for a in notify.callbacks] == [control["id"]]
    assert len(httpserver.log) == 1


def test_international_sms_that_stays_sent_makes_no_callback(
    notify: NotifyFake, httpserver: HTTPServer, status_url: str, client_for: ClientFactory
) -> None:
    httpserver.expect_request(PATH).respond_with_data("")
    client = client_for(notify.test_key)
    sms = notify.add_template("sms", "Hi")
    stays_sent = client.send_sms_notification("+1 202 555 0123", sms.id)  # +1: no delivery receipts
    control = client.send_sms_notification("07781 123456", sms.id)  # Jersey: `sent`, then a receipt
    notify.wait_for_callback(id=control["id"])
    assert client.get_notification_by_id(stays_sent["id"])["status"] == "sent"
    assert [(a.id, a.status) for a in notify.callbacks] == [(control["id"], "delivered")]


def test_received_text_reaches_the_inbound_callback(notify: NotifyFake, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/notify/inbound", method="POST").respond_with_data("")
    notify.set_inbound_sms_callback(httpserver.url_for("/notify/inbound"), "inbound-token-5678")
    notify.freeze_time().freeze(dt.datetime(2026, 5, 17, 15, 58, 38, 342838, tzinfo=dt.timezone.utc))
    message_id = notify.receive_sms("Yes — see you then", "07700 912 345")
    made = notify.wait_for_callback(kind="inbound_sms")
    ((request, _),) = httpserver.log
    assert (
        request.get_data()
        == (
            f'{{"id": "{message_id}", "source_number": "447700912345", "destination_number": "447700900999", '
            '"message": "Yes \\u2014 see you then", "date_received": "2026-05-17T15:58:38.342838Z"}'
        ).encode()
    )
    assert request.headers["Authorization"] == "Bearer inbound-token-5678"
    assert notify.callbacks.inbound_sms == [made] and notify.callbacks.delivery_status == []


def test_a_hanging_receiver_never_holds_up_a_send(
    notify: NotifyFake, httpserver: HTTPServer, status_url: str, client: NotificationsAPIClient
) -> None:
    entered, release = threading.Event(), threading.Event()

    def hang(request: Request) -> Response:
        entered.set()
        release.wait(10)
        return Response("")

    httpserver.expect_request(PATH).respond_with_handler(hang)
    template = notify.add_template("sms", "Hi")
    try:
        client.send_sms_notification("07700900123", template.id)
        assert entered.wait(5)  # the first callback is stuck in the receiver...
        assert client.send_sms_notification("07700900124", template.id)["id"]  # ...and sends go on
        assert not release.is_set()
    finally:
        release.set()
    notify.wait_for_callback(lambda a: a.json["to"] == "07700900124")


def test_callbacks_go_out_in_the_background(
    notify: NotifyFake, httpserver: HTTPServer, status_url: str, client: NotificationsAPIClient
) -> None:
    # Nothing here reads notify.callbacks: the server's own thread makes the request.
    httpserver.expect_request(PATH).respond_with_data("")
    client.send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
    wait_until(lambda: httpserver.log or None, timeout=5, describe=lambda: "no callback arrived")


def test_wait_for_callback_says_what_it_saw(
    notify: NotifyFake, httpserver: HTTPServer, status_url: str, client: NotificationsAPIClient
) -> None:
    httpserver.expect_request(PATH).respond_with_data("gone", status=410)
    client.send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
    notify.wait_for_callback()
    with pytest.raises(WaitTimeout) as failure:
        notify.wait_for_callback(status="permanent-failure", timeout=0.1)
    message = str(failure.value)
    assert "no callback matching status='permanent-failure' within 0.1 s; 1 made:" in message
    assert f"delivery_status #1 to {status_url} at " in message
    assert "(status=delivered): HTTP 410" in message
    with pytest.raises(
        AssertionError, match="expected exactly 1 callback matching status='temporary-failure', found 0"
    ):
        notify.callbacks.only(status="temporary-failure")


def test_wait_for_callback_with_nothing_made(notify: NotifyFake) -> None:
    with pytest.raises(WaitTimeout, match=r"0 made:\n  \(no callback was made\)"):
        notify.wait_for_callback(timeout=0)
