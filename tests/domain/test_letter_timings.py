"""Letter print and delivery days, as reported in ``estimated_delivery`` (reference §13 "Letter timings").

Rules from the reference: 17:30 UK cut-off, printing on the next DVLA working day (Monday to
Friday, not an England and Wales bank holiday), days in transit per postage, Royal Mail working
days (Monday to Saturday for first class, Monday to Friday otherwise) and the result at 16:00 UK
time in UTC. The expected days below were worked out by hand from those rules; the worked example
table in alphagov/notifications-utils ``tests/test_letter_timings.py`` (2017 dates) has the same
shape. That the answer keeps the seconds of ``created_at`` is derived from the upstream code, which
only replaces the hour and minute.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from pytest_notify.domain.letter_timings import (
    bank_holidays,
    estimated_delivery,
    is_dvla_working_day,
    is_royal_mail_working_day,
    letter_timings,
    printed_on,
)

LONDON = ZoneInfo("Europe/London")
UTC = dt.timezone.utc


def uk(text: str) -> dt.datetime:
    """A UK wall-clock time, e.g. ``"2026-07-06 17:29:59"`` (BST in summer, GMT in winter)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def uk_day(moment: dt.datetime) -> str:
    return moment.astimezone(LONDON).strftime("%a %Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("created", "postage", "printed", "earliest", "latest"),
    [
        # Monday 6 July 2026 (BST), just before the cut-off: processed Monday, printed Tuesday.
        ("2026-07-06 17:29:59", "first", "2026-07-07", "Wed 2026-07-08 16:00", "Wed 2026-07-08 16:00"),
        ("2026-07-06 17:29:59", "second", "2026-07-07", "Mon 2026-07-13 16:00", "Tue 2026-07-14 16:00"),
        ("2026-07-06 17:29:59", "economy", "2026-07-07", "Mon 2026-07-13 16:00", "Thu 2026-07-16 16:00"),
        ("2026-07-06 17:29:59", "europe", "2026-07-07", "Mon 2026-07-13 16:00", "Wed 2026-07-15 16:00"),
        ("2026-07-06 17:29:59", "rest-of-world", "2026-07-07", "Wed 2026-07-15 16:00", "Fri 2026-07-17 16:00"),
        # At 17:30 exactly it is processed on Tuesday and printed on Wednesday.
        ("2026-07-06 17:30:00", "first", "2026-07-08", "Thu 2026-07-09 16:00", "Thu 2026-07-09 16:00"),
        ("2026-07-06 17:30:00", "second", "2026-07-08", "Tue 2026-07-14 16:00", "Wed 2026-07-15 16:00"),
        ("2026-07-06 00:00:01", "first", "2026-07-07", "Wed 2026-07-08 16:00", "Wed 2026-07-08 16:00"),
        # Printed on a Friday: first class arrives on Saturday, second class skips the weekend.
        ("2026-07-09 12:00:00", "first", "2026-07-10", "Sat 2026-07-11 16:00", "Sat 2026-07-11 16:00"),
        ("2026-07-09 12:00:00", "second", "2026-07-10", "Thu 2026-07-16 16:00", "Fri 2026-07-17 16:00"),
        # Weekends: nothing is printed until Monday.
        ("2026-07-10 12:00:00", "first", "2026-07-13", "Tue 2026-07-14 16:00", "Tue 2026-07-14 16:00"),
        ("2026-07-11 12:00:00", "first", "2026-07-13", "Tue 2026-07-14 16:00", "Tue 2026-07-14 16:00"),
        ("2026-07-12 17:29:59", "first", "2026-07-13", "Tue 2026-07-14 16:00", "Tue 2026-07-14 16:00"),
        ("2026-07-12 17:30:00", "first", "2026-07-14", "Wed 2026-07-15 16:00", "Wed 2026-07-15 16:00"),
        # Easter 2026: Good Friday 3 April and Easter Monday 6 April are not DVLA working days.
        ("2026-04-02 12:00:00", "second", "2026-04-07", "Mon 2026-04-13 16:00", "Tue 2026-04-14 16:00"),
        ("2026-04-04 12:00:00", "first", "2026-04-07", "Wed 2026-04-08 16:00", "Wed 2026-04-08 16:00"),
        # ...nor Royal Mail ones: first class skips Good Friday but works Saturday.
        ("2026-04-01 12:00:00", "first", "2026-04-02", "Sat 2026-04-04 16:00", "Sat 2026-04-04 16:00"),
        ("2026-04-01 12:00:00", "second", "2026-04-02", "Fri 2026-04-10 16:00", "Mon 2026-04-13 16:00"),
        # Christmas 2026 (GMT): 25 December and the Boxing Day substitute, Monday 28 December.
        ("2026-12-23 12:00:00", "first", "2026-12-24", "Sat 2026-12-26 16:00", "Sat 2026-12-26 16:00"),
        ("2026-12-23 12:00:00", "second", "2026-12-24", "Mon 2027-01-04 16:00", "Tue 2027-01-05 16:00"),
        ("2026-12-24 12:00:00", "first", "2026-12-29", "Wed 2026-12-30 16:00", "Wed 2026-12-30 16:00"),
        # GMT cut-off.
        ("2026-01-05 17:29:59", "first", "2026-01-06", "Wed 2026-01-07 16:00", "Wed 2026-01-07 16:00"),
        ("2026-01-05 17:30:00", "first", "2026-01-07", "Thu 2026-01-08 16:00", "Thu 2026-01-08 16:00"),
        # Created in BST, delivered in GMT, and the other way round.
        ("2026-10-23 14:00:00", "second", "2026-10-26", "Fri 2026-10-30 16:00", "Mon 2026-11-02 16:00"),
        ("2026-03-26 12:00:00", "second", "2026-03-27", "Thu 2026-04-02 16:00", "Tue 2026-04-07 16:00"),
    ],
)
def test_timings(created: str, postage: str, printed: str, earliest: str, latest: str) -> None:
    created_at = uk(created)
    timings = letter_timings(created_at, postage)
    assert printed_on(created_at).isoformat() == printed
    assert uk_day(timings.printed_by) == f"{dt.date.fromisoformat(printed):%a %Y-%m-%d} 15:00"
    assert uk_day(timings.earliest_delivery) == earliest
    assert uk_day(timings.latest_delivery) == latest
    assert estimated_delivery(created_at, postage) == timings.latest_delivery


@pytest.mark.parametrize(
    ("created_at", "postage", "expected"),
    [
        # 16:00 BST is 15:00 UTC...
        (dt.datetime(2026, 7, 6, 9, 0, tzinfo=UTC), "first", dt.datetime(2026, 7, 8, 15, 0, tzinfo=UTC)),
        # ...and 16:00 GMT is 16:00 UTC.
        (dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC), "first", dt.datetime(2026, 1, 7, 16, 0, tzinfo=UTC)),
        # Created in BST (Friday 14:00 BST), delivered in GMT.
        (dt.datetime(2026, 10, 23, 13, 0, tzinfo=UTC), "second", dt.datetime(2026, 11, 2, 16, 0, tzinfo=UTC)),
        # Created in GMT, delivered in BST.
        (dt.datetime(2026, 3, 26, 12, 0, tzinfo=UTC), "second", dt.datetime(2026, 4, 7, 15, 0, tzinfo=UTC)),
        # 16:45 UTC is 17:45 BST: after the cut-off, though before 17:30 UTC.
        (dt.datetime(2026, 7, 6, 16, 45, tzinfo=UTC), "first", dt.datetime(2026, 7, 9, 15, 0, tzinfo=UTC)),
        # 23:30 UTC on Sunday is 00:30 BST on Monday: processed Monday, printed Tuesday.
        (dt.datetime(2026, 7, 12, 23, 30, tzinfo=UTC), "first", dt.datetime(2026, 7, 15, 15, 0, tzinfo=UTC)),
        # Naive datetimes are UTC, as Notify stores them; seconds and microseconds are kept.
        (dt.datetime(2026, 7, 6, 9, 15, 42, 123456), "first", dt.datetime(2026, 7, 8, 15, 0, 42, 123456, tzinfo=UTC)),
        # Other time zones are converted first.
        (
            dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
            "first",
            dt.datetime(2026, 1, 7, 16, 0, tzinfo=UTC),
        ),
    ],
)
def test_estimated_delivery_is_aware_utc(created_at: dt.datetime, postage: str, expected: dt.datetime) -> None:
    result = estimated_delivery(created_at, postage)
    assert result == expected
    assert result.tzinfo == UTC


def test_the_minutes_are_replaced_but_the_seconds_kept() -> None:
    # Upstream replaces only hour and minute: 12:34:56.789 gives 16:00:56.789 UK time.
    result = estimated_delivery(uk("2026-07-06 12:34:56.789000"), "first")
    assert result == dt.datetime(2026, 7, 8, 15, 0, 56, 789000, tzinfo=UTC)


def test_is_printed() -> None:
    timings = letter_timings(uk("2026-07-06 12:00:00"), "second")
    assert not timings.is_printed(uk("2026-07-07 14:59:59"))
    assert timings.is_printed(uk("2026-07-07 15:00:01"))


def test_unknown_postage() -> None:
    with pytest.raises(ValueError, match="postage"):
        estimated_delivery(uk("2026-07-06 12:00:00"), "airmail")


@pytest.mark.parametrize(
    ("day", "dvla", "first_class", "other_classes"),
    [
        ("2026-07-06", True, True, True),  # Monday
        ("2026-07-11", False, True, False),  # Saturday
        ("2026-07-12", False, False, False),  # Sunday
        ("2026-04-03", False, False, False),  # Good Friday
        ("2026-04-06", False, False, False),  # Easter Monday
        ("2026-12-25", False, False, False),  # Christmas Day
        ("2026-12-26", False, True, False),  # Saturday; Boxing Day is moved to Monday 28th
        ("2026-12-28", False, False, False),
        ("2028-04-17", False, False, False),  # Easter Monday 2028
    ],
)
def test_working_days(day: str, dvla: bool, first_class: bool, other_classes: bool) -> None:
    date = dt.date.fromisoformat(day)
    assert is_dvla_working_day(date) is dvla
    assert is_royal_mail_working_day(date, "first") is first_class
    assert is_royal_mail_working_day(date, "second") is other_classes
    assert is_royal_mail_working_day(date, "europe") is other_classes


def test_bank_holiday_data_covers_2024_to_2028() -> None:
    holidays = bank_holidays()
    for year in range(2024, 2029):
        assert sum(1 for day in holidays if day.year == year) == 8
    # England and Wales only: 2 January and St Andrew's Day are Scottish holidays.
    assert dt.date(2026, 1, 2) not in holidays
    assert dt.date(2026, 11, 30) not in holidays
