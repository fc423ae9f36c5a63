"""Fault injection through the official Python client over a real socket: what an integrator's code meets.

What the client raises for each kind of failure is official-clients.md §2.6: a JSON error is ``HTTPError``
with the status and the ``errors`` list; a 503 is ``HTTP503Error``; a non-JSON body, a dropped connection
and a timeout give the message "Request failed" (and 503 when there was no response at all).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import requests
from notifications_python_client.errors import HTTP503Error, HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from pytest_notify.fake import NotifyFake
from pytest_notify.server import NotifyServer

PHONE = "07700 900123"
# reference §2.1, §2.2 and §7.1
INTERNAL_SERVER_ERROR = [{"error": "Exception", "message": "Internal server error"}]
RATE_LIMITED = [
    {"error": "RateLimitError", "message": "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"}
]


@pytest.fixture
def template(notify: NotifyFake) -> str:
    return notify.add_template("sms", "Your code is ((code))").id


@pytest.fixture
def quick_client(notify: NotifyFake) -> NotificationsAPIClient:
    """A client that gives up after 0.3 s (the default is 30 s), for the faults that never answer."""
    assert notify.live_key is not None
    return NotificationsAPIClient(notify.live_key, base_url=notify.base_url, timeout=0.3)


@pytest.fixture
def other(notify_server: NotifyServer) -> Iterator[NotifyFake]:
    """A second service on the same server, as another test running at the same time would have."""
    service = notify_server.store.create_service("Another test's service")
    try:
        yield NotifyFake(notify_server.store, service, notify_server.url)
    finally:
        notify_server.store.remove_service(service.id)


def refused(call: Callable[..., object], *args: object, **kwargs: object) -> HTTPError:
    with pytest.raises(HTTPError) as caught:
        call(*args, **kwargs)
    return caught.value


def send(client: NotificationsAPIClient, template: str, to: str = PHONE) -> object:
    return client.send_sms_notification(to, template, personalisation={"code": "1234"})


# -- each kind of fault, and what the client raises ----------------------------------------------------


def test_500(notify: NotifyFake, client: NotificationsAPIClient, template: str) -> None:
    notify.inject_fault("500", endpoint="send_sms")
    error = refused(send, client, template)
    assert type(error) is HTTPError
    assert (error.status_code, error.message) == (500, INTERNAL_SERVER_ERROR)
    assert str(error) == "500 - [{'error': 'Exception', 'message': 'Internal server error'}]"
    assert list(notify.notifications) == []  # a faulted send is not stored


def test_503(notify: NotifyFake, client: NotificationsAPIClient, template: str) -> None:
    notify.inject_fault("503")
    error = refused(send, client, template)
    assert isinstance(error, HTTP503Error)
    # the load balancer's page is HTML, so the client has no Notify message to show
    assert (error.status_code, error.message) == (503, "Request failed")
    assert error.response is not None and "503 Service Temporarily Unavailable" in error.response.text
    assert list(notify.notifications) == []


def test_429(notify: NotifyFake, client: NotificationsAPIClient, template: str) -> None:
    notify.inject_fault("429", endpoint="send")
    error = refused(send, client, template)
    assert type(error) is HTTPError
    assert (error.status_code, error.message) == (429, RATE_LIMITED)
    assert list(notify.notifications) == []


def test_latency(notify: NotifyFake, client: NotificationsAPIClient, template: str) -> None:
    notify.inject_fault("latency", seconds=0.3)
    started = time.monotonic()
    response = send(client, template)
    assert time.monotonic() - started >= 0.3
    assert isinstance(response, dict)
    assert notify.notifications.only().id == response["id"]


def test_latency_past_the_clients_timeout_still_sends(
    notify: NotifyFake, quick_client: NotificationsAPIClient, template: str
) -> None:
    # The request was handled, only the answer was late: the integrator cannot tell it was sent.
    notify.inject_fault("latency", seconds=2)
    error = refused(send, quick_client, template)
    assert isinstance(error, HTTP503Error) and error.message == "Request failed"
    assert len(notify.notifications) == 1


def test_drop(notify: NotifyFake, client: NotificationsAPIClient, template: str) -> None:
    notify.inject_fault("drop", endpoint="send_sms", times=1)
    error = refused(send, client, template)
    assert isinstance(error, HTTP503Error)
    assert (error.status_code, error.message, str(error)) == (503, "Request failed", "503 - Request failed")
    assert error.response is None
    assert isinstance(error.__cause__, requests.exceptions.ConnectionError)
    assert list(notify.notifications) == []
    send(client, template)  # the server and the client's session carry on
    assert len(notify.notifications) == 1


def test_hang(notify: NotifyFake, quick_client: NotificationsAPIClient, template: str) -> None:
    notify.inject_fault("hang", endpoint="send_sms", times=1)
    error = refused(send, quick_client, template)
    assert isinstance(error, HTTP503Error)
    assert (error.status_code, error.message) == (503, "Request failed")
    assert isinstance(error.__cause__, requests.exceptions.Timeout)
    assert list(notify.notifications) == []
    send(quick_client, template)
    assert len(notify.notifications) == 1


def test_the_server_keeps_serving_after_drops_and_hangs(
    notify: NotifyFake, quick_client: NotificationsAPIClient, template: str
) -> None:
    notify.inject_fault("drop", endpoint="get_templates", times=5)
    notify.inject_fault("hang", endpoint="get_templates", times=3)
    for _ in range(8):
        assert isinstance(refused(quick_client.get_all_templates), HTTP503Error)
    assert [f.kind for f in notify.faulted_requests] == ["drop"] * 5 + ["hang"] * 3
    assert [t["id"] for t in quick_client.get_all_templates()["templates"]] == [template]
    send(quick_client, template)


def test_stopping_the_server_lets_a_hanging_request_go_at_once() -> None:
    server = NotifyServer()
    server.start()
    notify = NotifyFake(server.store, server.store.create_service(), server.url)
    assert notify.live_key is not None
    notify.inject_fault("hang")  # held for up to 60 s
    client = NotificationsAPIClient(notify.live_key, base_url=server.url)  # the 30 s default timeout
    caught: list[HTTPError] = []

    def call() -> None:
        try:
            client.get_all_templates()
        except HTTPError as error:
            caught.append(error)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not notify.faulted_requests and time.monotonic() < deadline:
        time.sleep(0.01)
    assert notify.faulted_requests, "the request never reached the server"
    started = time.monotonic()
    server.stop()
    thread.join(10)
    # a generous bound: what matters is that neither waits out the 60-second hold or the 30-second timeout
    assert time.monotonic() - started < 10
    assert not thread.is_alive()
    assert [(type(e), e.message) for e in caught] == [(HTTP503Error, "Request failed")]


# -- which requests -----------------------------------------------------------------------------------


def test_another_service_on_the_same_server_is_not_touched(
    notify: NotifyFake, client: NotificationsAPIClient, other: NotifyFake, template: str
) -> None:
    notify.inject_fault("500")
    assert other.live_key is not None
    other_client = NotificationsAPIClient(other.live_key, base_url=other.base_url)
    other_template = other.add_template("sms", "Hi").id
    other_client.send_sms_notification(PHONE, other_template)
    assert refused(send, client, template).status_code == 500
    assert (len(other.notifications), other.faulted_requests) == (1, [])


def test_a_request_that_fails_authentication_gets_notifys_error_not_the_fault(
    notify: NotifyFake, template: str
) -> None:
    notify.inject_fault("500", times=1)
    revoked = notify.create_key("live", "old key")
    notify.revoke_key(revoked)
    error = refused(send, NotificationsAPIClient(revoked, base_url=notify.base_url), template)
    assert (error.status_code, error.message) == (
        403,
        [{"error": "AuthError", "message": "Invalid token: API key revoked"}],
    )
    assert notify.faulted_requests == []


def test_times(notify: NotifyFake, client: NotificationsAPIClient, template: str) -> None:
    rule = notify.inject_fault("500", endpoint="send_sms", times=2)
    client.get_all_templates()  # another endpoint: not counted
    assert [refused(send, client, template).status_code for _ in range(2)] == [500, 500]
    send(client, template)
    assert (rule.applied, rule.remaining) == (2, 0)
    assert len(notify.notifications) == 1


def test_seeded_probability_is_the_same_every_run(
    notify: NotifyFake, client: NotificationsAPIClient, other: NotifyFake
) -> None:
    assert other.live_key is not None
    other_client = NotificationsAPIClient(other.live_key, base_url=other.base_url)

    def pattern(fake: NotifyFake, api: NotificationsAPIClient) -> list[int]:
        fake.inject_fault("500", endpoint="get_all_templates", probability=0.5, seed=1)
        statuses = []
        for _ in range(12):
            try:
                api.get_all_templates()
                statuses.append(200)
            except HTTPError as error:
                statuses.append(error.status_code)
        return statuses

    generator = random.Random(1)
    expected = [500 if generator.random() < 0.5 else 200 for _ in range(12)]
    assert pattern(notify, client) == pattern(other, other_client) == expected
    assert set(expected) == {200, 500}


def test_recipient_and_template(notify: NotifyFake, client: NotificationsAPIClient, template: str) -> None:
    other_template = notify.add_template("sms", "Something else").id
    notify.inject_fault("drop", recipient="+44 7700 900123")
    notify.inject_fault("500", template_id=other_template)
    assert isinstance(refused(send, client, template, "07700900123"), HTTP503Error)
    assert refused(client.send_sms_notification, "07700900456", other_template).status_code == 500
    send(client, template, "07700900456")
    assert [n.to for n in notify.notifications] == ["07700900456"]


def test_clear_faults(notify: NotifyFake, client: NotificationsAPIClient, template: str) -> None:
    notify.inject_fault("500")
    assert refused(send, client, template).status_code == 500
    notify.clear_faults()
    send(client, template)
    assert notify.fault_rules == [] and len(notify.faulted_requests) == 1
