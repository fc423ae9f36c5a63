"""The ``notify`` object's status-over-time controls: their arguments and their mistakes."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from pytest_notify.domain.clock import SystemClock
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.store import Store
from pytest_notify.domain.timings import INSTANT, MANUAL
from pytest_notify.fake import NotifyFake


def send(notify: NotifyFake, to: str = "07700900123") -> dict[str, str]:
    client = NotificationsAPIClient(notify.live_key or "", base_url=notify.base_url)
    return client.send_sms_notification(to, notify.add_template("sms", "Hello").id)  # type: ignore[no-any-return]


def test_this_suite_runs_instant(notify: NotifyFake) -> None:
    assert notify.timings == INSTANT  # pyproject.toml: notify_timings = "instant"


def test_advance_freezes_and_moves_the_clock(notify: NotifyFake) -> None:
    before = notify.clock.now()
    moved = notify.advance(days=2)
    assert moved - before >= dt.timedelta(days=2)
    assert notify.clock.now() == moved  # frozen there


def test_advance_needs_a_clock_that_moves() -> None:
    store = Store(clock=SystemClock())
    fake = NotifyFake(store, store.create_service("S"), "http://127.0.0.1:1")
    with pytest.raises(TypeError, match=r"this service's clock \(SystemClock\) cannot be moved"):
        fake.advance(1)


@pytest.mark.notify_service(timings="manual")
def test_ids_in_every_form(notify: NotifyFake) -> None:
    sent = send(notify)
    assert notify.advance_status(uuid.UUID(sent["id"])).status == "sending"
    assert notify.advance_status(notify.notifications.only()).status == "delivered"


@pytest.mark.notify_service(timings="manual")
def test_advance_all_to_a_status(notify: NotifyFake) -> None:
    first, second = send(notify), send(notify, "07700900456")
    notify.advance_status(first)
    moved = notify.advance_all(to="sending")
    assert [n.id for n in moved] == [second["id"]]
    assert [n.status for n in notify.advance_all(to="delivered")] == ["delivered", "delivered"]
    assert len(notify.advance_all()) == 0


def test_mistakes(notify: NotifyFake) -> None:
    with pytest.raises(ConfigurationError, match="this service has no notification"):
        notify.fail(str(uuid.uuid4()), "permanent-failure")
    with pytest.raises(ConfigurationError, match="not a notification id: 'nope'"):
        notify.advance_status("nope")
    with pytest.raises(ConfigurationError, match="this service has no template"):
        notify.set_outcome("delivered", template=str(uuid.uuid4()))
    with pytest.raises(ConfigurationError, match="set_timings needs"):
        notify.set_timings()
    with pytest.raises(ConfigurationError, match="set_outcome takes one of"):
        notify.set_outcome("delivered", recipient="07700900123", template=str(uuid.uuid4()))


def test_a_smoke_test_send_cannot_be_failed(notify: NotifyFake) -> None:
    sent = send(notify, "07700900000")  # answered, never stored (§5.2)
    with pytest.raises(ConfigurationError, match="smoke-test sends are never stored"):
        notify.fail(sent, "permanent-failure")


def test_set_timings_returns_what_is_in_force(notify: NotifyFake) -> None:
    assert notify.set_timings("manual") == MANUAL == notify.timings
    assert notify.set_timings(email={"final": 30}).delays("email").final == 30


@pytest.mark.notify_service(timings="manual")
def test_a_template_rule_for_letters(notify: NotifyFake) -> None:
    template = notify.add_template("letter", "Hello", subject="Hi")
    notify.set_outcome("validation-failed", template=template)  # the template object itself does too
    client = NotificationsAPIClient(notify.live_key or "", base_url=notify.base_url)
    sent = client.send_letter_notification(
        template.id, {"address_line_1": "Jo", "address_line_2": "1 Street", "postcode": "SW1A 1AA"}
    )
    assert notify.advance_status(sent).status == "validation-failed"
