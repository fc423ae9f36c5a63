"""UK days and financial years: how Notify cuts time for the dashboard and for billing (reference §12).

Notify stores instants in UTC but counts by the UK calendar: "today" on the dashboard starts at
midnight in London, and a financial year runs from 1 April to 31 March, UK time
([api] ``app/dao/date_util.py``). In summer the UK is an hour ahead of UTC, so 23:30 UTC on
31 March is already 00:30 on 1 April, in the next financial year.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from pytest_notify.domain.clock import utc

LONDON = ZoneInfo("Europe/London")

FINANCIAL_YEAR_START_MONTH = 4
"""Financial years start on 1 April."""


def uk_date(when: dt.datetime) -> dt.date:
    """The UK calendar date of an instant (naive values are UTC).

    >>> uk_date(dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.timezone.utc))
    datetime.date(2026, 4, 1)
    """
    return utc(when).astimezone(LONDON).date()


def uk_midnight(day: dt.date) -> dt.datetime:
    """The UTC instant at which the UK date ``day`` starts."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON).astimezone(dt.timezone.utc)


def financial_year_of(when: dt.datetime | dt.date) -> int:
    """The financial year (named by the calendar year it starts in) of an instant or UK date.

    >>> financial_year_of(dt.datetime(2026, 3, 31, 22, 59, tzinfo=dt.timezone.utc))
    2025
    >>> financial_year_of(dt.datetime(2026, 3, 31, 23, 0, tzinfo=dt.timezone.utc))
    2026
    """
    day = when if not isinstance(when, dt.datetime) else uk_date(when)
    return day.year if day.month >= FINANCIAL_YEAR_START_MONTH else day.year - 1


def financial_year_start(year: int) -> dt.datetime:
    """The UTC instant financial year ``year`` starts: midnight in London on 1 April."""
    return uk_midnight(dt.date(year, FINANCIAL_YEAR_START_MONTH, 1))


def financial_year_months(year: int) -> tuple[dt.date, ...]:
    """The first day of each month of financial year ``year``, April to March."""
    return tuple(
        dt.date(year + (month < FINANCIAL_YEAR_START_MONTH), month, 1)
        for month in (*range(FINANCIAL_YEAR_START_MONTH, 13), *range(1, FINANCIAL_YEAR_START_MONTH))
    )
