"""When Notify says a letter will be printed and delivered (reference §13 "Letter timings").

The GET API reports ``estimated_delivery`` for letters: the latest delivery day Notify expects,
at 16:00 UK time. Notify works it out like this:

* a letter is processed on the UK day it was created, or the next day if created at or after 17:30;
* DVLA prints it on the next DVLA working day after that (Monday to Friday, not an England and
  Wales bank holiday);
* Royal Mail then takes a number of its working days that depends on the postage. Royal Mail works
  Monday to Saturday for first class and Monday to Friday otherwise, never on a bank holiday.

The arithmetic is done on the UK wall clock, and the answer keeps the seconds and microseconds of
``created_at``, because Notify only replaces the hour and minute.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

PROCESSING_DEADLINE = dt.time(17, 30)
"""Letters created at or after this UK time are processed the next day."""

# Notify applies the deadline by adding 6h30 to the UK time: from 17:30 on, that is the next day.
_DEADLINE_SHIFT = dt.timedelta(hours=6, minutes=30)

PRINT_DEADLINE_HOUR = 15
"""DVLA's print deadline on the print day, UK time."""

DELIVERY_HOUR = 16
"""The UK hour Notify gives for expected delivery."""

DAYS_IN_TRANSIT: dict[str, tuple[int, int]] = {
    # First class goes out on the print day itself, so it spends no whole day in transit.
    "first": (0, 0),
    "second": (3, 4),
    "economy": (3, 6),
    "europe": (3, 5),
    "rest-of-world": (5, 7),
}
"""Fewest and most Royal Mail working days in transit, by postage."""


@cache
def bank_holidays() -> frozenset[dt.date]:
    """England and Wales bank holidays; read from package data on first use."""
    raw = resources.files(__package__).joinpath("data/bank_holidays_england_and_wales.json").read_text("utf-8")
    return frozenset(dt.date.fromisoformat(day) for day in json.loads(raw)["dates"])


def is_dvla_working_day(day: dt.date) -> bool:
    """DVLA prints Monday to Friday, except on England and Wales bank holidays."""
    return day.weekday() < 5 and day not in bank_holidays()


def is_royal_mail_working_day(day: dt.date, postage: str) -> bool:
    """Royal Mail delivers first class Monday to Saturday, everything else Monday to Friday, never on bank holidays."""
    last_working_weekday = 5 if postage == "first" else 4
    return day.weekday() <= last_working_weekday and day not in bank_holidays()


def _working_days_after(day: dt.date, count: int, is_working_day: Callable[[dt.date], bool]) -> dt.date:
    """The ``count``-th working day strictly after ``day``."""
    while count:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _uk_time(created_at: dt.datetime) -> dt.datetime:
    # Notify stores naive UTC datetimes, so a naive value is taken to be UTC.
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=dt.timezone.utc)
    return created_at.astimezone(LONDON)


def processing_day(created_at: dt.datetime) -> dt.date:
    """The UK day the letter is processed: the day it was created, or the next day from 17:30."""
    wall_clock = _uk_time(created_at).replace(tzinfo=None)
    return (wall_clock + _DEADLINE_SHIFT).date()


def printed_on(created_at: dt.datetime) -> dt.date:
    """The UK day DVLA prints the letter: the first DVLA working day after the processing day."""
    return _working_days_after(processing_day(created_at), 1, is_dvla_working_day)


def _uk_hour_on(day: dt.date, hour: int, like: dt.datetime) -> dt.datetime:
    """``hour``:00 UK time on ``day``, keeping the seconds of ``like``, as an aware UTC datetime."""
    local = dt.datetime.combine(day, dt.time(hour, 0, like.second, like.microsecond), tzinfo=LONDON)
    return local.astimezone(dt.timezone.utc)


@dataclass(frozen=True)
class LetterTimings:
    """Notify's timings for one letter; every datetime is aware and in UTC."""

    printed_by: dt.datetime
    earliest_delivery: dt.datetime
    latest_delivery: dt.datetime

    def is_printed(self, now: dt.datetime) -> bool:
        """Whether the print deadline has passed at ``now`` (an aware datetime)."""
        return now > self.printed_by


def letter_timings(created_at: dt.datetime, postage: str) -> LetterTimings:
    """Print deadline and delivery window for a letter created at ``created_at`` (aware, or naive UTC).

    ``postage`` is one of ``first``, ``second``, ``economy``, ``europe`` or ``rest-of-world``.
    """
    if postage not in DAYS_IN_TRANSIT:
        raise ValueError(f"postage must be one of {', '.join(DAYS_IN_TRANSIT)}, not {postage!r}")
    created_uk = _uk_time(created_at)
    print_day = printed_on(created_at)

    def delivered_on(days_in_transit: int) -> dt.date:
        # Delivery is the day after the last day in transit, so one more Royal Mail working day.
        return _working_days_after(print_day, days_in_transit + 1, lambda day: is_royal_mail_working_day(day, postage))

    fewest, most = DAYS_IN_TRANSIT[postage]
    return LetterTimings(
        printed_by=_uk_hour_on(print_day, PRINT_DEADLINE_HOUR, created_uk),
        earliest_delivery=_uk_hour_on(delivered_on(fewest), DELIVERY_HOUR, created_uk),
        latest_delivery=_uk_hour_on(delivered_on(most), DELIVERY_HOUR, created_uk),
    )


def estimated_delivery(created_at: dt.datetime, postage: str) -> dt.datetime:
    """The ``estimated_delivery`` of a GET letter response: the latest expected delivery, aware UTC.

    >>> estimated_delivery(dt.datetime(2026, 7, 6, 9, 0, tzinfo=dt.timezone.utc), "first")
    datetime.datetime(2026, 7, 8, 15, 0, tzinfo=datetime.timezone.utc)
    """
    return letter_timings(created_at, postage).latest_delivery
