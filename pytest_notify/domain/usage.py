"""A service's usage and bill for a financial year, as Notify's "Usage" page shows it (reference §12).

What counts ([api] ``fact_billing_dao._query_for_billing_data``):

- only notifications sent with ``normal`` (live) and ``team`` keys: test keys never count (§5.3);
- text messages in ``sending``, ``sent``, ``delivered``, ``pending``, ``temporary-failure`` or
  ``permanent-failure``; each counts ``billable fragments × international rate multiplier``
  *chargeable units* (fragments include the service-name prefix, §8.1);
- emails in ``sending``, ``delivered``, ``temporary-failure`` or ``permanent-failure``, free;
- letters in ``sending``, ``delivered`` or ``returned-letter``, each priced by sheets, postage and
  date from the letter-rates table.

The year's free text-message allowance depends on the organisation type (``data/free_sms_allowance.json``)
and is used up in date order: each UK day takes what is left of it, and only the units beyond it
are charged, at the rate of their own day. Money is computed in :class:`~decimal.Decimal`, as
Notify's database does, so totals have no float noise.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from pytest_notify.domain.costs import SMS_RATES
from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.letter_rates import letter_cost
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.uk_time import financial_year_months, financial_year_of, uk_date

__all__ = [
    "AnnualUsage",
    "LetterLine",
    "MonthlyUsage",
    "annual_usage",
    "default_free_sms_allowance",
    "financial_year_of",
    "sms_chargeable_units",
]

BILLED_KEY_TYPES = frozenset({KeyType.LIVE, KeyType.TEAM})
BILLABLE_SMS_STATUSES = frozenset({"sending", "sent", "delivered", "pending", "temporary-failure", "permanent-failure"})
BILLABLE_EMAIL_STATUSES = frozenset({"sending", "delivered", "temporary-failure", "permanent-failure"})
BILLABLE_LETTER_STATUSES = frozenset({"sending", "delivered", "returned-letter"})

HIGH_VOLUME_SERVICE_THRESHOLD = 300_000
"""A service that sent this many chargeable units last year gets no free allowance
([api] ``annual_billing_dao._is_high_volume_service``)."""

FIRST_FINANCIAL_YEAR = 2016
"""Notify has no allowances before 2016 and refuses earlier years (``set_default_free_allowance_for_service``)."""

DEFAULT_ORGANISATION_TYPE = "other"
"""Used when a service has no organisation type ([api] ``dao_get_default_annual_allowance_for_service``)."""

# How the Usage page names postage ([admin] ``get_monthly_usage_postage_description``), in its order.
_POSTAGE_DESCRIPTIONS = {"first": "first class", "second": "second class", "economy": "economy mail"}
_POSTAGE_ORDER = ("first class", "second class", "economy mail", "international")


@cache
def _allowance_rows() -> dict[str, tuple[tuple[int, int], ...]]:
    raw = json.loads(resources.files(__package__).joinpath("data/free_sms_allowance.json").read_text("utf-8"))
    return {
        organisation_type: tuple(sorted((int(year), int(allowance)) for year, allowance in rows.items()))
        for organisation_type, rows in raw["sms"].items()
    }


def default_free_sms_allowance(organisation_type: str | None, year: int) -> int:
    """The free text-message fragments an organisation type gets in financial year ``year``.

    The row with the most recent start year not after ``year`` applies; no organisation type
    means ``other``.

    >>> default_free_sms_allowance("central", 2025), default_free_sms_allowance("central", 2026)
    (30000, 20000)
    """
    if year < FIRST_FINANCIAL_YEAR:
        raise ValueError(f"Notify has no free allowance before the {FIRST_FINANCIAL_YEAR} financial year (got {year})")
    rows = _allowance_rows()
    kind = organisation_type or DEFAULT_ORGANISATION_TYPE
    if kind not in rows:
        raise ValueError(f"unknown organisation type {kind!r}; Notify's are {', '.join(rows)}")
    return next(allowance for start, allowance in reversed(rows[kind]) if start <= year)


def sms_chargeable_units(notification: Notification) -> int:
    """Billable fragments × the international rate multiplier (multipliers are whole numbers)."""
    return round(notification.fragments * (notification.rate_multiplier or 1.0))


def sms_rate(day: dt.date, rates: Sequence[tuple[dt.date, float]] = SMS_RATES) -> Decimal:
    """The price of one chargeable unit on the UK date ``day`` (the first rate before any)."""
    rate = rates[0][1]
    for valid_from, value in rates:
        if day >= valid_from:
            rate = value
    return Decimal(str(rate))


@dataclass(frozen=True)
class LetterLine:
    """Letters of one postage class at one price, as the monthly breakdown groups them."""

    postage_description: str
    rate: Decimal
    sent: int

    @property
    def cost(self) -> Decimal:
        """``sent × rate``."""
        return self.rate * self.sent


@dataclass(frozen=True)
class MonthlyUsage:
    """One month of the financial year (``month`` is its first day)."""

    month: dt.date
    emails_sent: int = 0
    sms_chargeable_units: int = 0
    sms_free_allowance_used: int = 0
    sms_charged_units: int = 0
    sms_cost: Decimal = Decimal(0)
    letter_breakdown: tuple[LetterLine, ...] = ()

    @property
    def letters_sent(self) -> int:
        """Letters billed this month."""
        return sum(line.sent for line in self.letter_breakdown)

    @property
    def letter_cost(self) -> Decimal:
        """What this month's letters cost."""
        return sum((line.cost for line in self.letter_breakdown), Decimal(0))


@dataclass(frozen=True)
class AnnualUsage:
    """A service's usage in one financial year, statuses read at ``now``."""

    financial_year: int
    organisation_type: str
    now: dt.datetime
    emails_sent: int
    sms_free_allowance: int
    sms_chargeable_units: int
    sms_free_allowance_used: int
    sms_cost: Decimal
    sms_messages: int
    """Text messages billed (each may be several units)."""
    months: tuple[MonthlyUsage, ...]
    test_key_sends: Mapping[str, int]
    """Test-key notifications created in the year, by channel: never counted (§5.3)."""
    high_volume_last_year: bool = False

    @property
    def sms_allowance_remaining(self) -> int:
        """``max(0, allowance − chargeable units)``, as the Usage page shows it."""
        return max(0, self.sms_free_allowance - self.sms_chargeable_units)

    @property
    def sms_charged_units(self) -> int:
        """Units beyond the free allowance."""
        return self.sms_chargeable_units - self.sms_free_allowance_used

    @property
    def letters_sent(self) -> int:
        """Letters billed in the year."""
        return sum(month.letters_sent for month in self.months)

    @property
    def letter_cost(self) -> Decimal:
        """What the year's letters cost."""
        return sum((month.letter_cost for month in self.months), Decimal(0))

    @property
    def test_key_total(self) -> int:
        """How many test-key notifications the year left out."""
        return sum(self.test_key_sends.values())


def annual_usage(
    notifications: Iterable[Notification],
    *,
    year: int,
    organisation_type: str | None,
    now: dt.datetime,
    sms_rates: Sequence[tuple[dt.date, float]] = SMS_RATES,
) -> AnnualUsage:
    """The usage of financial year ``year`` from a service's notifications, read at ``now``.

    The allowance is the organisation type's default, or 0 when the service sent at least
    300,000 chargeable units the year before. Notifications created after ``now`` do not exist yet.
    """
    existing = [n for n in notifications if n.created_at <= now]
    units_last_year = sum(
        sms_chargeable_units(n)
        for n in existing
        if n.type == "sms" and financial_year_of(n.created_at) == year - 1 and _billed(n, now, BILLABLE_SMS_STATUSES)
    )
    high_volume = units_last_year >= HIGH_VOLUME_SERVICE_THRESHOLD
    allowance = 0 if high_volume else default_free_sms_allowance(organisation_type, year)
    in_year = [n for n in existing if financial_year_of(n.created_at) == year]

    sms_days: dict[dt.date, int] = defaultdict(int)
    emails: Counter[dt.date] = Counter()
    letters: dict[dt.date, Counter[tuple[str, Decimal]]] = defaultdict(Counter)
    test_key: Counter[str] = Counter()
    sms_messages = 0
    for n in in_year:
        if n.key_type is KeyType.TEST:
            test_key[n.type] += 1
            continue
        day = uk_date(n.created_at)
        if n.type == "sms" and _billed(n, now, BILLABLE_SMS_STATUSES):
            sms_days[day] += sms_chargeable_units(n)
            sms_messages += 1
        elif n.type == "email" and _billed(n, now, BILLABLE_EMAIL_STATUSES):
            emails[_month(day)] += 1
        elif n.type == "letter" and _billed(n, now, BILLABLE_LETTER_STATUSES):
            postage = n.postage or "second"
            price = Decimal(str(letter_cost(n.billable_sheets, postage, day, crown=n.crown)))
            letters[_month(day)][(_POSTAGE_DESCRIPTIONS.get(postage, "international"), price)] += 1

    months = _months(year, sms_days, allowance, sms_rates, emails, letters)
    return AnnualUsage(
        financial_year=year,
        organisation_type=organisation_type or DEFAULT_ORGANISATION_TYPE,
        now=now,
        emails_sent=sum(emails.values()),
        sms_free_allowance=allowance,
        sms_chargeable_units=sum(sms_days.values()),
        sms_free_allowance_used=sum(m.sms_free_allowance_used for m in months),
        sms_cost=sum((m.sms_cost for m in months), Decimal(0)),
        sms_messages=sms_messages,
        months=months,
        test_key_sends=dict(test_key),
        high_volume_last_year=high_volume,
    )


def _billed(notification: Notification, now: dt.datetime, statuses: frozenset[str]) -> bool:
    return notification.key_type in BILLED_KEY_TYPES and notification.status_at(now).status in statuses


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _months(
    year: int,
    sms_days: Mapping[dt.date, int],
    allowance: int,
    sms_rates: Sequence[tuple[dt.date, float]],
    emails: Mapping[dt.date, int],
    letters: Mapping[dt.date, Counter[tuple[str, Decimal]]],
) -> tuple[MonthlyUsage, ...]:
    # The allowance is used up in date order: least(remaining, units) free, the rest charged at
    # the day's own rate ([api] fact_billing_dao, lines ~118-160 and ~459-494).
    remaining = allowance
    sms: dict[dt.date, tuple[int, int, int, Decimal]] = {}
    for day in sorted(sms_days):
        units = sms_days[day]
        free = min(remaining, units)
        remaining -= free
        month_units, month_free, month_charged, month_cost = sms.get(_month(day), (0, 0, 0, Decimal(0)))
        sms[_month(day)] = (
            month_units + units,
            month_free + free,
            month_charged + units - free,
            month_cost + (units - free) * sms_rate(day, sms_rates),
        )
    return tuple(
        MonthlyUsage(
            month,
            emails.get(month, 0),
            *sms.get(month, (0, 0, 0, Decimal(0))),
            letter_breakdown=_letter_lines(letters.get(month, Counter())),
        )
        for month in financial_year_months(year)
    )


def _letter_lines(letters: Counter[tuple[str, Decimal]]) -> tuple[LetterLine, ...]:
    return tuple(
        LetterLine(description, rate, sent)
        for (description, rate), sent in sorted(letters.items(), key=lambda i: (_POSTAGE_ORDER.index(i[0][0]), i[0][1]))
    )
