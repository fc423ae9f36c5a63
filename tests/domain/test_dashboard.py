"""The dashboard's counts: test keys left out, status groups, UK days, statuses read at a time.

Reference §5.3 (test keys never on the dashboard) and §6 (statuses). The status groups are the
admin site's ([admin] ``app/utils`` ``DELIVERED_STATUSES``, ``FAILURE_STATUSES``, cancelled filtered
out) and the period is the API's "today and 7 previous days" ([api]
``fetch_notification_status_for_service_for_today_and_7_previous_days``, whose test at
2018-10-31 counts a row of 2018-10-24).
"""

from __future__ import annotations

import datetime as dt

import pytest

from pytest_notify.domain.dashboard import dashboard
from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.notifications import Step
from tests.domain.billing_helpers import at, made

NOW = at("2026-05-17T10:00")  # 11:00 in London (BST)


def test_an_empty_service_shows_zeros_everywhere() -> None:
    board = dashboard([], NOW)
    for period in (board.today, board.last_7_days):
        for channel in ("sms", "email", "letter"):
            counts = period[channel]
            assert (counts.requested, counts.delivered, counts.failed, counts.in_flight) == (0, 0, 0, 0)
        assert period.test_key_total == 0


def test_test_key_notifications_are_left_out_and_counted_aside() -> None:
    sends = [
        made("sms", created=NOW, key=KeyType.TEST),
        made("sms", created=NOW, key=KeyType.TEST, status="permanent-failure"),
        made("email", created=NOW, key=KeyType.TEST),
        made("sms", created=NOW, key=KeyType.TEAM),
        made("sms", created=NOW, key=KeyType.LIVE),
    ]
    today = dashboard(sends, NOW).today
    assert today["sms"].requested == 2  # the team and live sends only (§5.3)
    assert today["sms"].failed == 0
    assert today["email"].requested == 0
    assert dict(today.test_key_sends) == {"sms": 2, "email": 1}
    assert today.test_key_total == 3


@pytest.mark.parametrize(
    ("status", "group"),
    [
        ("created", "in_flight"),
        ("sending", "in_flight"),
        ("pending", "in_flight"),
        ("pending-virus-check", "in_flight"),
        ("delivered", "delivered"),
        ("sent", "delivered"),  # international, no receipt: the admin counts it delivered
        ("returned-letter", "delivered"),
        ("temporary-failure", "failed"),
        ("permanent-failure", "failed"),
        ("technical-failure", "failed"),
        ("validation-failed", "failed"),
        ("virus-scan-failed", "failed"),
        ("failed", "failed"),
    ],
)
def test_each_status_falls_in_one_group(status: str, group: str) -> None:
    counts = dashboard([made("letter", created=NOW, status=status)], NOW).today["letter"]
    assert counts.requested == 1
    assert {"delivered": counts.delivered, "failed": counts.failed, "in_flight": counts.in_flight} == {
        "delivered": int(group == "delivered"),
        "failed": int(group == "failed"),
        "in_flight": int(group == "in_flight"),
    }


def test_cancelled_letters_are_not_requested() -> None:
    counts = dashboard([made("letter", created=NOW, status="cancelled")], NOW).today["letter"]
    assert counts.statuses == {"cancelled": 1}
    assert (counts.requested, counts.delivered, counts.failed, counts.in_flight) == (0, 0, 0, 0)


def test_failures_are_counted_by_status() -> None:
    sends = [
        made("sms", created=NOW, status="temporary-failure"),
        made("sms", created=NOW, status="temporary-failure"),
        made("sms", created=NOW, status="permanent-failure"),
        made("sms", created=NOW, status="technical-failure"),
        made("sms", created=NOW, status="delivered"),
    ]
    counts = dashboard(sends, NOW).today["sms"]
    assert counts.failed == 4
    assert counts.failures["temporary-failure"] == 2
    assert counts.failures["permanent-failure"] == 1
    assert counts.failures["technical-failure"] == 1
    assert counts.requested == 5


def test_today_starts_at_midnight_in_london() -> None:
    # 17 May is in British Summer Time: the UK day starts at 23:00 UTC the day before.
    just_today = made("sms", created=at("2026-05-16T23:00"))
    just_yesterday = made("sms", created=at("2026-05-16T22:59:59"))
    board = dashboard([just_today, just_yesterday], NOW)
    assert board.today["sms"].requested == 1
    assert board.today.first_day == board.today.last_day == dt.date(2026, 5, 17)
    assert board.last_7_days["sms"].requested == 2


def test_today_in_winter_starts_at_midnight_utc() -> None:
    now = at("2026-01-15T12:00")
    board = dashboard(
        [made("email", created=at("2026-01-15T00:00")), made("email", created=at("2026-01-14T23:59"))], now
    )
    assert board.today["email"].requested == 1


def test_the_last_7_days_are_today_and_the_7_uk_days_before() -> None:
    # Today is 17 May: the period runs from 10 May, whose UK midnight is 23:00 UTC on 9 May.
    first = made("sms", created=at("2026-05-09T23:00"))
    too_old = made("sms", created=at("2026-05-09T22:59:59"))
    board = dashboard([first, too_old], NOW)
    assert board.last_7_days.first_day == dt.date(2026, 5, 10)
    assert board.last_7_days.last_day == dt.date(2026, 5, 17)
    assert board.last_7_days["sms"].requested == 1
    assert board.today["sms"].requested == 0


def test_test_key_sends_of_last_week_are_counted_aside_for_that_period_only() -> None:
    board = dashboard([made("sms", created=at("2026-05-12T09:00"), key=KeyType.TEST)], NOW)
    assert board.today.test_key_total == 0
    assert board.last_7_days.test_key_total == 1


def test_statuses_are_read_at_now() -> None:
    created = at("2026-05-17T09:00")
    steps = [
        Step("created", created),
        Step("sending", created + dt.timedelta(seconds=10)),
        Step("permanent-failure", created + dt.timedelta(seconds=60)),
    ]
    sms = made("sms", created=created, steps=steps)
    assert dashboard([sms], created + dt.timedelta(seconds=5)).today["sms"].statuses == {"created": 1}
    moving = dashboard([sms], created + dt.timedelta(seconds=10)).today["sms"]
    assert (moving.in_flight, moving.failed) == (1, 0)
    done = dashboard([sms], created + dt.timedelta(seconds=60)).today["sms"]
    assert (done.in_flight, done.failed, done.failures["permanent-failure"]) == (0, 1, 1)


def test_notifications_created_after_now_are_not_counted() -> None:
    # A clock moved back: what is "created later" does not exist yet.
    later = made("sms", created=NOW + dt.timedelta(minutes=1))
    assert dashboard([later], NOW).today["sms"].requested == 0


def test_channels_are_counted_apart() -> None:
    sends = [
        made("sms", created=NOW),
        made("email", created=NOW),
        made("email", created=NOW, status="sending"),
        made("letter", created=NOW, status="sending"),
    ]
    today = dashboard(sends, NOW).today
    assert [today[c].requested for c in ("sms", "email", "letter")] == [1, 2, 1]
    assert today["email"].in_flight == 1
    assert today["letter"].in_flight == 1
