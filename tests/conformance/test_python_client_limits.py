"""The official Python client meeting Notify's limits: the per-key-type rate limit and the daily limits.

Reference §7.1 (token bucket, ``RateLimitError``), §7.2 (daily limits per channel, reset at midnight UTC,
``TooManyRequestsError``), §5.1 (test keys never count). Small limits come from the ``notify_service``
marker so the tests stay fast; each message is copied from the reference with the number changed.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from pytest_notify.domain.clock import SwitchableClock
from pytest_notify.fake import NotifyFake

ClientFactory = Callable[[str], NotificationsAPIClient]

ADDRESS = {"address_line_1": "A. Person", "address_line_2": "1 Example Street", "postcode": "SW1A 1AA"}
TEAM = [{"email": "jo@example.com", "mobile": "07700 900123"}]
# Just before midnight UTC (00:59 in London, BST): the counters follow UTC.
BEFORE_MIDNIGHT_UTC = dt.datetime(2026, 5, 17, 23, 59, 0, tzinfo=dt.timezone.utc)


def rate_limit_error(key_type: str, rate_limit: int) -> list[dict[str, str]]:
    # reference §7.1
    message = f"Exceeded rate limit for key type {key_type} of {rate_limit} requests per 60 seconds"
    return [{"error": "RateLimitError", "message": message}]


def daily_limit_error(channel: str, limit: int) -> list[dict[str, str]]:
    # reference §7.2
    return [{"error": "TooManyRequestsError", "message": f"Exceeded send limits ({channel}: {limit}) for today"}]


def http_error(call: Callable[..., Any], *args: Any, **kwargs: Any) -> HTTPError:
    with pytest.raises(HTTPError) as caught:
        call(*args, **kwargs)
    return caught.value


def frozen_at(notify: NotifyFake, when: dt.datetime) -> SwitchableClock:
    clock = notify.freeze_time()
    clock.freeze(when)
    return clock


# -- rate limit (reference §7.1) -----------------------------------------------------------------


@pytest.mark.notify_service(rate_limit=30, team_members=TEAM)
@pytest.mark.parametrize(("kind", "label"), [("live", "LIVE"), ("team", "TEAM"), ("test", "TEST")])
def test_rate_limit_is_reached_and_lifted_by_time(
    notify: NotifyFake, client_for: ClientFactory, key_of: Callable[[str], str], kind: str, label: str
) -> None:
    clock = notify.freeze_time()
    template = notify.add_template("sms", "Your code is ((code))").id
    client = client_for(key_of(kind))
    assert notify.limits.bucket_size == 11  # min(ceil(30 / 3) + 1, 1000)
    for _ in range(10):
        client.send_sms_notification("07700900123", template, {"code": "1"})
    error = http_error(client.send_sms_notification, "07700900123", template, {"code": "1"})
    assert error.status_code == 429
    assert error.message == rate_limit_error(label, 30)
    clock.advance(60)
    client.send_sms_notification("07700900123", template, {"code": "1"})
    assert len(notify.notifications) == 11


@pytest.mark.notify_service(rate_limit=30, team_members=TEAM)
def test_each_key_type_has_its_own_rate_limit(
    notify: NotifyFake, client_for: ClientFactory, key_of: Callable[[str], str]
) -> None:
    notify.freeze_time()
    template = notify.add_template("sms", "Hello").id
    live = client_for(key_of("live"))
    for _ in range(10):
        live.send_sms_notification("07700900123", template)
    assert http_error(live.send_sms_notification, "07700900123", template).status_code == 429
    client_for(key_of("team")).send_sms_notification("07700900123", template)
    client_for(key_of("test")).send_sms_notification("07700900123", template)


@pytest.mark.notify_service(rate_limit=30)
def test_a_templated_letter_uses_two_requests_worth(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    notify.freeze_time()
    template = notify.add_template("letter", "Hello", subject="Hi").id
    for _ in range(5):
        client.send_letter_notification(template, ADDRESS)
    assert http_error(client.send_letter_notification, template, ADDRESS).message == rate_limit_error("LIVE", 30)


@pytest.mark.notify_service(rate_limit=30)
def test_reading_is_never_rate_limited(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    notify.freeze_time()
    template = notify.add_template("sms", "Hello").id
    sent = [client.send_sms_notification("07700900123", template)["id"] for _ in range(10)]
    assert http_error(client.send_sms_notification, "07700900123", template).status_code == 429
    for _ in range(20):
        client.get_notification_by_id(sent[0])
    assert len(client.get_all_notifications()["notifications"]) == 10
    client.get_template(template)


def test_set_limits_during_a_test(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    notify.freeze_time()
    template = notify.add_template("sms", "Hello").id
    notify.set_limits(rate_limit=3)  # a bucket of 2: one request
    client.send_sms_notification("07700900123", template)
    assert http_error(client.send_sms_notification, "07700900123", template).message == rate_limit_error("LIVE", 3)


# -- daily limits (reference §7.2) ---------------------------------------------------------------


@pytest.mark.notify_service(sms_limit=2)
def test_sms_daily_limit_lifts_at_midnight_utc(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    clock = frozen_at(notify, BEFORE_MIDNIGHT_UTC)
    template = notify.add_template("sms", "Hello").id
    client.send_sms_notification("07700900123", template)
    client.send_sms_notification("07700900456", template)
    error = http_error(client.send_sms_notification, "07700900789", template)
    assert (error.status_code, error.message) == (429, daily_limit_error("sms", 2))
    clock.advance(59)
    assert http_error(client.send_sms_notification, "07700900789", template).status_code == 429
    clock.advance(1)  # 00:00:00 UTC
    client.send_sms_notification("07700900789", template)
    assert notify.limits.sent_today["sms"] == 1


@pytest.mark.notify_service(email_limit=2)
def test_email_daily_limit(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    clock = frozen_at(notify, BEFORE_MIDNIGHT_UTC)
    template = notify.add_template("email", "Hello", subject="Hi").id
    for _ in range(2):
        client.send_email_notification("jo@example.com", template)
    error = http_error(client.send_email_notification, "jo@example.com", template)
    assert (error.status_code, error.message) == (429, daily_limit_error("email", 2))
    client.send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)  # other channels go on
    clock.advance(minutes=1)
    client.send_email_notification("jo@example.com", template)


@pytest.mark.notify_service(letter_limit=2)
def test_letter_daily_limit_counts_templated_and_precompiled(
    notify: NotifyFake, client: NotificationsAPIClient
) -> None:
    clock = frozen_at(notify, BEFORE_MIDNIGHT_UTC)
    template = notify.add_template("letter", "Hello", subject="Hi").id
    client.send_letter_notification(template, ADDRESS)
    client.send_precompiled_letter_notification("ref", io.BytesIO(b"%PDF-1.4"))
    error = http_error(client.send_letter_notification, template, ADDRESS)
    assert (error.status_code, error.message) == (429, daily_limit_error("letter", 2))
    error = http_error(client.send_precompiled_letter_notification, "ref", io.BytesIO(b"%PDF-1.4"))
    assert error.message == daily_limit_error("letter", 2)
    clock.advance(minutes=1)
    client.send_letter_notification(template, ADDRESS)


@pytest.mark.notify_service(international_sms_limit=1)
def test_international_sms_daily_limit(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    clock = frozen_at(notify, BEFORE_MIDNIGHT_UTC)
    template = notify.add_template("sms", "Bonjour").id
    client.send_sms_notification("+33 6 12 34 56 78", template)
    error = http_error(client.send_sms_notification, "+33 6 12 34 56 79", template)
    assert (error.status_code, error.message) == (429, daily_limit_error("international_sms", 1))
    client.send_sms_notification("07700900123", template)  # UK numbers are not international
    assert notify.limits.sent_today == {"sms": 2, "email": 0, "letter": 0, "international_sms": 1}
    clock.advance(minutes=1)
    client.send_sms_notification("+33 6 12 34 56 79", template)


@pytest.mark.notify_service(trial_mode=True, team_members=TEAM)
def test_a_trial_service_sends_50_texts_a_day(notify: NotifyFake, client_for: ClientFactory) -> None:
    notify.freeze_time()
    assert (notify.limits.sms, notify.limits.email, notify.limits.letter, notify.limits.international_sms) == (
        50,
        50,
        50,
        100,
    )
    template = notify.add_template("sms", "Hello").id
    team = client_for(notify.team_key)
    for _ in range(50):
        team.send_sms_notification("07700900123", template)
    error = http_error(team.send_sms_notification, "07700900123", template)
    # reference §7.2, the example message exactly
    assert (error.status_code, error.message) == (429, daily_limit_error("sms", 50))
    notify.go_live()
    assert notify.limits.sms == 250_000
    team.send_sms_notification("07700900123", template)


@pytest.mark.notify_service(sms_limit=1)
def test_a_test_key_is_not_counted(notify: NotifyFake, client_for: ClientFactory) -> None:
    template = notify.add_template("sms", "Hello").id
    test = client_for(notify.test_key)
    for _ in range(3):
        test.send_sms_notification("07700900123", template)
    assert notify.limits.sent_today["sms"] == 0
    live = client_for(notify.live_key or "")
    live.send_sms_notification("07700900123", template)
    assert http_error(live.send_sms_notification, "07700900123", template).message == daily_limit_error("sms", 1)
    test.send_sms_notification("07700900123", template)  # still not refused


@pytest.mark.notify_service(organisation_type="nhs_gp", trial_mode=True, team_members=TEAM)
def test_a_gp_surgery_in_trial_cannot_send_texts(notify: NotifyFake, client_for: ClientFactory) -> None:
    template = notify.add_template("sms", "Hello").id
    error = http_error(client_for(notify.team_key).send_sms_notification, "07700900123", template)
    assert (error.status_code, error.message) == (429, daily_limit_error("sms", 0))
    client_for(notify.test_key).send_sms_notification("07700900123", template)  # the live defaults
