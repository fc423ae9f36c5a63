"""The dispatcher on a store: sends through the API make callbacks on the service clock, retried on
Notify's rules (reference §11). The network is replaced by a recorder; the transport has its own tests."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from pytest_notify.domain.callbacks import CallbackApi
from pytest_notify.domain.simulator import Timings
from tests.conftest import START, Api

URL = "https://service.example/notify-callbacks"
TOKEN = "a-long-bearer-token"


@dataclass
class Receiver:
    """Stands in for the service's callback endpoint: answers ``responses`` in turn (the last one repeats)."""

    responses: list[int | Exception] = field(default_factory=lambda: [200])
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    gate: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)

    def __call__(self, url: str, headers: Mapping[str, str], body: bytes, timeout: float) -> int:
        assert timeout == 5.0  # Notify's callback timeout
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(10)
        self.requests.append((url, dict(headers), body))
        answer = self.responses[min(len(self.requests), len(self.responses)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def receiver(api: Api) -> Receiver:
    found = Receiver()
    api.store.dispatcher.send = found
    api.store.dispatcher.set_callback(api.service.id, "delivery_status", CallbackApi(URL, TOKEN))
    return found


@pytest.fixture
def sms_template(api: Api) -> uuid.UUID:
    return api.store.add_template(api.service.id, "sms", "Hi ((name))").id


def send_sms(api: Api, template: uuid.UUID, to: str = "07700 900 855", key: Any = None) -> str:
    body = {"phone_number": to, "template_id": str(template), "personalisation": {"name": "Jo"}}
    response = api.post("/v2/notifications/sms", body, key)
    assert response.status_code == 201, response.get_data(as_text=True)
    return str(response.get_json()["id"])


def attempts(api: Api) -> list[Any]:
    api.store.run_due(api.service.id)
    return api.store.dispatcher.attempts(api.service.id)


def ts(seconds: float) -> str:
    return (START + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_a_send_calls_back_with_notifys_request(api: Api, receiver: Receiver, sms_template: uuid.UUID) -> None:
    api.store.set_timings(api.service.id, Timings(sending=1, final=5))
    nid = send_sms(api, sms_template, key=api.test_key)
    assert attempts(api) == []
    api.world_clock.advance(4.999)
    assert attempts(api) == []
    api.world_clock.advance(0.001)
    (made,) = attempts(api)
    assert receiver.requests == [
        (
            URL,
            {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
            (
                f'{{"id": "{nid}", "reference": null, "to": "07700 900 855", "status": "delivered", '
                f'"created_at": "{ts(0)}", "completed_at": "{ts(5)}", "sent_at": "{ts(1)}", '
                f'"notification_type": "sms", "template_id": "{sms_template}", "template_version": 1}}'
            ).encode(),
        )
    ]
    assert (made.at, made.attempt, made.response_status, made.retry_at) == (
        START + dt.timedelta(seconds=5),
        1,
        200,
        None,
    )
    assert attempts(api) == [made]  # nothing more to do


def test_the_completed_at_and_sent_at_agree_with_get(api: Api, receiver: Receiver, sms_template: uuid.UUID) -> None:
    api.store.set_timings(api.service.id, Timings(sending=2, final=30))
    nid = send_sms(api, sms_template, to="07700900002", key=api.test_key)
    api.world_clock.advance(60)
    (made,) = attempts(api)
    got = api.get(f"/v2/notifications/{nid}", api.test_key).get_json()
    assert {k: made.json[k] for k in ("status", "created_at", "completed_at", "sent_at")} == {
        k: got[k] for k in ("status", "created_at", "completed_at", "sent_at")
    }
    assert made.status == "permanent-failure"


def test_a_500_is_retried_300_seconds_later(api: Api, receiver: Receiver, sms_template: uuid.UUID) -> None:
    receiver.responses = [500, 200]
    send_sms(api, sms_template)
    (first,) = attempts(api)
    assert (first.response_status, first.retry_at) == (500, START + dt.timedelta(seconds=300))
    api.world_clock.advance(299)
    assert len(attempts(api)) == 1
    api.world_clock.advance(1)
    first_again, second = attempts(api)
    assert first_again == first
    assert (second.attempt, second.at, second.response_status, second.retry_at) == (
        2,
        START + dt.timedelta(seconds=300),
        200,
        None,
    )
    assert receiver.requests[0] == receiver.requests[1]  # the same bytes again


@pytest.mark.parametrize(
    "answer", [429, 502, 503, ConnectionRefusedError(111, "Connection refused"), TimeoutError("timed out")]
)
def test_what_is_retried(api: Api, receiver: Receiver, sms_template: uuid.UUID, answer: int | Exception) -> None:
    receiver.responses = [answer, 204]
    send_sms(api, sms_template)
    api.world_clock.advance(300)
    first, second = attempts(api)
    assert first.retry_at == first.at + dt.timedelta(seconds=300) and second.ok
    if isinstance(answer, Exception):
        assert (first.response_status, first.error) == (None, f"{type(answer).__name__}: {answer}")


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 410, 422])
def test_other_4xx_are_not_retried(api: Api, receiver: Receiver, sms_template: uuid.UUID, status: int) -> None:
    receiver.responses = [status]
    send_sms(api, sms_template)
    api.world_clock.advance(days=1)
    (only,) = attempts(api)
    assert (only.response_status, only.retry_at, only.ok) == (status, None, False)


def test_five_retries_then_notify_gives_up(api: Api, receiver: Receiver, sms_template: uuid.UUID) -> None:
    receiver.responses = [500]
    send_sms(api, sms_template)
    for expected in range(1, 7):
        assert len(attempts(api)) == expected
        api.world_clock.advance(300)
    api.world_clock.advance(days=7)
    made = attempts(api)
    assert [a.attempt for a in made] == [1, 2, 3, 4, 5, 6]
    assert [a.at for a in made] == [START + dt.timedelta(seconds=300 * n) for n in range(6)]
    assert made[-1].retry_at is None


def test_a_clock_moved_an_hour_at_once_makes_every_retry_of_that_hour(
    api: Api, receiver: Receiver, sms_template: uuid.UUID
) -> None:
    api.store.set_timings(api.service.id, Timings(sending=1, final=10))
    receiver.responses = [503]
    send_sms(api, sms_template)
    api.world_clock.advance(hours=1)
    made = attempts(api)
    assert [a.at for a in made] == [START + dt.timedelta(seconds=10 + 300 * n) for n in range(6)]


def test_a_receiver_that_raises_anything_is_recorded_not_raised(
    api: Api, receiver: Receiver, sms_template: uuid.UUID
) -> None:
    receiver.responses = [ValueError("odd"), 200]
    send_sms(api, sms_template)
    (first,) = attempts(api)
    assert first.error == "ValueError: odd"


def test_retries_keep_the_url_and_token_they_were_queued_with(
    api: Api, receiver: Receiver, sms_template: uuid.UUID
) -> None:
    receiver.responses = [500, 200]
    send_sms(api, sms_template)
    attempts(api)
    api.store.dispatcher.set_callback(api.service.id, "delivery_status", CallbackApi(URL + "/new", "another-token"))
    api.world_clock.advance(300)
    attempts(api)
    assert [(url, headers["Authorization"]) for url, headers, _ in receiver.requests] == [(URL, f"Bearer {TOKEN}")] * 2


def test_a_callback_set_up_after_delivery_says_nothing_of_it(api: Api, sms_template: uuid.UUID) -> None:
    found = Receiver()
    api.store.dispatcher.send = found
    send_sms(api, sms_template)
    api.store.dispatcher.set_callback(api.service.id, "delivery_status", CallbackApi(URL, TOKEN))
    assert attempts(api) == []
    nid = send_sms(api, sms_template)
    assert [a.id for a in attempts(api)] == [nid]


def test_removing_the_callback_stops_new_ones(api: Api, receiver: Receiver, sms_template: uuid.UUID) -> None:
    api.store.dispatcher.set_callback(api.service.id, "delivery_status", None)
    send_sms(api, sms_template)
    assert attempts(api) == []


def test_letters_and_smoke_tests_never_call_back(api: Api, receiver: Receiver) -> None:
    letter = api.store.add_template(api.service.id, "letter", "Dear ((name))", "Hello").id
    address = {"address_line_1": "Jo", "address_line_2": "1 Street", "address_line_3": "SW1A 1AA", "name": "Jo"}
    response = api.post("/v2/notifications/letter", {"template_id": str(letter), "personalisation": address})
    assert response.status_code == 201, response.get_data(as_text=True)
    sms = api.store.add_template(api.service.id, "sms", "Hi").id
    for smoke in ("07700900000", "+447700900111", "07700 900 222"):
        send_sms(api, sms, to=smoke)
    api.world_clock.advance(days=6)
    assert attempts(api) == []


def test_international_sms_that_stays_sent_never_calls_back(
    api: Api, receiver: Receiver, sms_template: uuid.UUID
) -> None:
    send_sms(api, sms_template, to="+1 202 555 0123", key=api.test_key)  # +1: no delivery receipts
    delivered = send_sms(api, sms_template, to="07781 123456", key=api.test_key)  # Jersey: `sent`, then a receipt
    api.world_clock.advance(days=6)
    assert [(a.id, a.status) for a in attempts(api)] == [(delivered, "delivered")]


def test_inbound_sms_calls_back(api: Api) -> None:
    found = Receiver()
    api.store.dispatcher.send = found
    api.store.dispatcher.set_callback(api.service.id, "inbound_sms", CallbackApi(URL + "/inbound", "inbound-token"))
    message = api.store.receive_sms(api.service.id, "Stop", "07700 912 345")
    (made,) = attempts(api)
    assert (made.kind, made.url, made.headers["Authorization"]) == (
        "inbound_sms",
        URL + "/inbound",
        "Bearer inbound-token",
    )
    assert made.body == (
        f'{{"id": "{message.id}", "source_number": "447700912345", "destination_number": "447700900999", '
        f'"message": "Stop", "date_received": "{ts(0)}"}}'
    )


def test_a_removed_service_drops_its_callbacks(api: Api, receiver: Receiver, sms_template: uuid.UUID) -> None:
    receiver.responses = [500]
    send_sms(api, sms_template)
    attempts(api)
    api.store.remove_service(api.service.id)
    api.world_clock.advance(300)
    api.store.run_due(api.service.id)
    assert api.store.dispatcher.attempts(api.service.id) == []
    assert len(receiver.requests) == 1


# -- the background ----------------------------------------------------------------------------


def wait(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    event = threading.Event()
    for _ in range(int(seconds / 0.01)):
        if condition():
            return True
        event.wait(0.01)
    return condition()


def test_the_background_sends_without_being_asked(api: Api, receiver: Receiver, sms_template: uuid.UUID) -> None:
    dispatcher = api.store.dispatcher
    dispatcher.start()
    try:
        dispatcher.start()  # a second start changes nothing
        nid = send_sms(api, sms_template)
        assert wait(lambda: len(receiver.requests) == 1)
        assert json.loads(receiver.requests[0][2])["id"] == nid
    finally:
        dispatcher.stop()
    assert not dispatcher.running
    dispatcher.stop()  # stopping twice is harmless


def test_stop_does_not_wait_for_a_receiver_that_hangs(api: Api, receiver: Receiver, sms_template: uuid.UUID) -> None:
    receiver.gate = threading.Event()
    dispatcher = api.store.dispatcher
    dispatcher.start()
    send_sms(api, sms_template)
    assert receiver.entered.wait(5)
    stopping = threading.Thread(target=dispatcher.stop)
    stopping.start()
    stopping.join(5)
    try:
        assert not stopping.is_alive()
    finally:
        receiver.gate.set()


def test_run_due_waits_for_a_try_the_background_started(api: Api, receiver: Receiver, sms_template: uuid.UUID) -> None:
    receiver.gate = threading.Event()
    dispatcher = api.store.dispatcher
    dispatcher.start()
    try:
        send_sms(api, sms_template)
        assert receiver.entered.wait(5)
        waiting = threading.Thread(target=api.store.run_due, args=(api.service.id,))
        waiting.start()
        waiting.join(0.2)
        assert waiting.is_alive()  # the try is still under way
        receiver.gate.set()
        waiting.join(5)
        assert not waiting.is_alive()
        assert [a.response_status for a in dispatcher.attempts(api.service.id)] == [200]
    finally:
        receiver.gate.set()
        dispatcher.stop()


def test_close_waits_for_the_try_under_way_and_stops_the_rest(
    api: Api, receiver: Receiver, sms_template: uuid.UUID
) -> None:
    receiver.gate = threading.Event()
    receiver.responses = [500]
    dispatcher = api.store.dispatcher
    dispatcher.start()
    try:
        send_sms(api, sms_template)
        assert receiver.entered.wait(5)
        closing = threading.Thread(target=dispatcher.close, args=(api.service.id,))
        closing.start()
        closing.join(0.2)
        assert closing.is_alive()  # waiting for the receiver
        receiver.gate.set()
        closing.join(5)
        assert not closing.is_alive()
        api.world_clock.advance(days=1)
        api.store.run_due(api.service.id)
        assert [(a.response_status, a.retry_at) for a in dispatcher.attempts(api.service.id)] == [(500, None)]
    finally:
        receiver.gate.set()
        dispatcher.stop()
