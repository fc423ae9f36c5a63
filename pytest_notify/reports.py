"""The dashboard and usage reports a test reads from ``notify.dashboard`` and ``notify.usage``.

Every number is a :class:`Count` (an ``int``) or an :class:`Amount` (a ``float``) that remembers
which report it came from, so a failed ``assert notify.dashboard.sms.sent == 2`` can show the
whole report and say how many test-key notifications were left out of it (see
:func:`explain_comparison`, called by the plugin's ``pytest_assertrepr_compare``). The figures
themselves come from :mod:`pytest_notify.domain.dashboard` and :mod:`pytest_notify.domain.usage`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from pytest_notify.domain.dashboard import ChannelCounts, Dashboard, DashboardPeriod, dashboard
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.domain.usage import AnnualUsage, LetterLine, MonthlyUsage, annual_usage, financial_year_of
from pytest_notify.report_numbers import (
    CHANNEL_NAMES,
    Amount,
    Count,
    ReportNumber,
    excluded_test_key_lines,
    explain_comparison,
    pounds,
    when,
)

# -- the dashboard ----------------------------------------------------------------------------


class DashboardChannel:
    """One channel of a dashboard period: ``sent``, ``delivered``, ``failed``, ``in_flight``..."""

    def __init__(self, counts: ChannelCounts, label: str, period: DashboardPeriodReport) -> None:
        self._counts = counts
        self._label = label
        self._period = period

    def _count(self, value: int, name: str) -> Count:
        return Count(value, f"{self._label}.{name}", self._period)

    @property
    def sent(self) -> Count:
        """Everything sent in the period (every status but cancelled): the dashboard's "N sent"."""
        return self._count(self._counts.requested, "sent")

    @property
    def requested(self) -> Count:
        """The same figure as ``sent``, under the name Notify's API gives it."""
        return self._count(self._counts.requested, "requested")

    @property
    def delivered(self) -> Count:
        """Delivered, plus international texts ``sent`` with no receipt to come, plus returned letters."""
        return self._count(self._counts.delivered, "delivered")

    @property
    def failed(self) -> Count:
        """Every failure: temporary, permanent and technical, and letters that failed validation or a virus scan."""
        return self._count(self._counts.failed, "failed")

    @property
    def in_flight(self) -> Count:
        """Not yet delivered or failed: ``created``, ``sending``, ``pending``, ``pending-virus-check``."""
        return self._count(self._counts.in_flight, "in_flight")

    @property
    def temporary_failure(self) -> Count:
        """Failed with ``temporary-failure``."""
        return self._count(self._counts.count("temporary-failure"), "temporary_failure")

    @property
    def permanent_failure(self) -> Count:
        """Failed with ``permanent-failure``."""
        return self._count(self._counts.count("permanent-failure"), "permanent_failure")

    @property
    def technical_failure(self) -> Count:
        """Failed with ``technical-failure``."""
        return self._count(self._counts.count("technical-failure"), "technical_failure")

    @property
    def validation_failed(self) -> Count:
        """Letters that failed validation."""
        return self._count(self._counts.count("validation-failed"), "validation_failed")

    @property
    def virus_scan_failed(self) -> Count:
        """Precompiled letters that failed the virus scan."""
        return self._count(self._counts.count("virus-scan-failed"), "virus_scan_failed")

    @property
    def statuses(self) -> dict[str, Count]:
        """How many are in each raw status (only statuses with any)."""
        return {s: self._count(n, f"statuses[{s!r}]") for s, n in sorted(self._counts.statuses.items()) if n}

    def __repr__(self) -> str:
        c = self._counts
        return f"<{self._label}: sent={c.requested} delivered={c.delivered} failed={c.failed} in_flight={c.in_flight}>"


class DashboardPeriodReport:
    """The dashboard for one period (``today`` or ``last_7_days``): ``.sms``, ``.email``, ``.letter``."""

    def __init__(self, period: DashboardPeriod, label: str, service_name: str, now: dt.datetime) -> None:
        self._period = period
        self._label = label
        self._service_name = service_name
        self._now = now

    def _channel(self, channel: str, attribute: str) -> DashboardChannel:
        return DashboardChannel(self._period[channel], f"{self._label}.{attribute}", self)

    @property
    def sms(self) -> DashboardChannel:
        """Text messages."""
        return self._channel("sms", "sms")

    @property
    def email(self) -> DashboardChannel:
        """Emails (``emails`` is the same)."""
        return self._channel("email", "email")

    @property
    def letter(self) -> DashboardChannel:
        """Letters (``letters`` is the same)."""
        return self._channel("letter", "letter")

    @property
    def emails(self) -> DashboardChannel:
        """Emails."""
        return self._channel("email", "emails")

    @property
    def letters(self) -> DashboardChannel:
        """Letters."""
        return self._channel("letter", "letters")

    @property
    def first_day(self) -> dt.date:
        """The first UK date of the period."""
        return self._period.first_day

    @property
    def last_day(self) -> dt.date:
        """The last UK date of the period (today)."""
        return self._period.last_day

    @property
    def test_key_sends(self) -> Count:
        """Test-key notifications of the period: counted nowhere on the dashboard."""
        return Count(self._period.test_key_total, f"{self._label}.test_key_sends", self)

    def explain(self) -> list[str]:
        """The period's figures, failures and what was left out."""
        days = (
            f"today (UK date {self.last_day})"
            if self.first_day == self.last_day
            else f"the last 7 days (UK dates {self.first_day} to {self.last_day})"
        )
        lines = [
            f"Dashboard of service {self._service_name!r} for {days}, statuses read at {when(self._now)}:",
            f"  {'':<14}{'sent':>6}{'delivered':>11}{'failed':>8}{'in flight':>11}",
        ]
        for channel, name in CHANNEL_NAMES.items():
            c = self._period[channel]
            lines.append(f"  {name:<14}{c.requested:>6}{c.delivered:>11}{c.failed:>8}{c.in_flight:>11}")
        failures = [
            f"{CHANNEL_NAMES[channel]} {status} {n}"
            for channel in CHANNEL_NAMES
            for status, n in self._period[channel].failures.items()
            if n
        ]
        if failures:
            lines.append("  failures: " + ", ".join(failures))
        lines.extend(excluded_test_key_lines(self._period.test_key_sends, days))
        return lines

    def __repr__(self) -> str:
        return f"<{self._label} ({self.first_day} to {self.last_day})>"


class DashboardReport(DashboardPeriodReport):
    """What a service's dashboard shows: today's figures, and ``last_7_days``.

    ``notify.dashboard.sms.sent`` is today's; ``notify.dashboard.last_7_days.sms.sent`` covers
    today and the 7 UK days before, as Notify's dashboard does.
    """

    def __init__(self, dashboard: Dashboard, service_name: str) -> None:
        super().__init__(dashboard.today, "notify.dashboard", service_name, dashboard.now)
        self._dashboard = dashboard

    @property
    def today(self) -> DashboardPeriodReport:
        """Today (the UK day) only."""
        return DashboardPeriodReport(self._dashboard.today, "notify.dashboard.today", self._service_name, self._now)

    @property
    def last_7_days(self) -> DashboardPeriodReport:
        """Today and the 7 UK days before it."""
        period = self._dashboard.last_7_days
        return DashboardPeriodReport(period, "notify.dashboard.last_7_days", self._service_name, self._now)


# -- usage ------------------------------------------------------------------------------------


class SmsUsage:
    """Text messages in a financial year: the free allowance and what is charged beyond it."""

    def __init__(self, report: UsageReport) -> None:
        self._report = report
        self._usage = report.annual

    def _count(self, value: int, name: str) -> Count:
        return Count(value, f"{self._report.label}.sms.{name}", self._report)

    @property
    def free_allowance(self) -> Count:
        """The year's free chargeable units for the service's organisation type."""
        return self._count(self._usage.sms_free_allowance, "free_allowance")

    @property
    def chargeable_units(self) -> Count:
        """Billable fragments × international multiplier, summed (the Usage page's "sms_sent")."""
        return self._count(self._usage.sms_chargeable_units, "chargeable_units")

    @property
    def free_allowance_used(self) -> Count:
        """Units taken from the free allowance."""
        return self._count(self._usage.sms_free_allowance_used, "free_allowance_used")

    @property
    def free_allowance_remaining(self) -> Count:
        """``max(0, free allowance − chargeable units)``."""
        return self._count(self._usage.sms_allowance_remaining, "free_allowance_remaining")

    @property
    def charged_units(self) -> Count:
        """Units beyond the free allowance, which are paid for."""
        return self._count(self._usage.sms_charged_units, "charged_units")

    @property
    def sent(self) -> Count:
        """Text messages billed (each counts one or more units)."""
        return self._count(self._usage.sms_messages, "sent")

    @property
    def cost(self) -> Amount:
        """Pounds: each charged unit at the rate of its own day."""
        return Amount(self._usage.sms_cost, f"{self._report.label}.sms.cost", self._report)


class EmailUsage:
    """Emails in a financial year: counted, never charged."""

    def __init__(self, report: UsageReport, attribute: str) -> None:
        self._report = report
        self._label = f"{report.label}.{attribute}"

    @property
    def sent(self) -> Count:
        """Emails sent (``sending``, ``delivered``, ``temporary-failure`` or ``permanent-failure``)."""
        return Count(self._report.annual.emails_sent, f"{self._label}.sent", self._report)


class LetterUsage:
    """Letters in a financial year and what they cost."""

    def __init__(self, report: UsageReport, attribute: str) -> None:
        self._report = report
        self._label = f"{report.label}.{attribute}"

    @property
    def sent(self) -> Count:
        """Letters billed (``sending``, ``delivered`` or ``returned-letter``)."""
        return Count(self._report.annual.letters_sent, f"{self._label}.sent", self._report)

    @property
    def cost(self) -> Amount:
        """Pounds, by sheets, postage and date."""
        return Amount(self._report.annual.letter_cost, f"{self._label}.cost", self._report)

    @property
    def breakdown(self) -> list[LetterLine]:
        """The year's letters grouped by postage description and price."""
        merged: Counter[tuple[str, Decimal]] = Counter()
        for month in self._report.annual.months:
            for line in month.letter_breakdown:
                merged[(line.postage_description, line.rate)] += line.sent
        return [LetterLine(description, rate, sent) for (description, rate), sent in merged.items()]


class UsageReport:
    """A service's Usage page for one financial year (``notify.usage`` is the current one)."""

    def __init__(
        self, annual: AnnualUsage, service_name: str, for_year: Callable[[int], UsageReport], label: str
    ) -> None:
        self.annual = annual
        """The underlying figures (:class:`pytest_notify.domain.usage.AnnualUsage`)."""
        self.label = label
        self._service_name = service_name
        self._for_year = for_year

    def for_year(self, year: int) -> UsageReport:
        """The usage of the financial year starting 1 April ``year``."""
        return self._for_year(year)

    @property
    def financial_year(self) -> int:
        """The year the financial year starts in."""
        return self.annual.financial_year

    @property
    def sms(self) -> SmsUsage:
        """Text messages: ``free_allowance``, ``chargeable_units``, ``free_allowance_used``..."""
        return SmsUsage(self)

    @property
    def email(self) -> EmailUsage:
        """Emails: ``sent`` (``emails`` is the same)."""
        return EmailUsage(self, "email")

    @property
    def emails(self) -> EmailUsage:
        """Emails."""
        return EmailUsage(self, "emails")

    @property
    def letters(self) -> LetterUsage:
        """Letters: ``sent``, ``cost`` (``letter`` is the same)."""
        return LetterUsage(self, "letters")

    @property
    def letter(self) -> LetterUsage:
        """Letters."""
        return LetterUsage(self, "letter")

    @property
    def emails_sent(self) -> Count:
        """Emails sent in the year (the Usage page's ``emails_sent``)."""
        return Count(self.annual.emails_sent, f"{self.label}.emails_sent", self)

    @property
    def months(self) -> tuple[MonthlyUsage, ...]:
        """April to March, one :class:`~pytest_notify.domain.usage.MonthlyUsage` each."""
        return self.annual.months

    @property
    def test_key_sends(self) -> Count:
        """Test-key notifications of the year: never counted."""
        return Count(self.annual.test_key_total, f"{self.label}.test_key_sends", self)

    def explain(self) -> list[str]:
        """The year's usage and what was left out."""
        u = self.annual
        year = f"financial year {u.financial_year} to {u.financial_year + 1}"
        high_volume = " (0: a high-volume service last year)" if u.high_volume_last_year else ""
        lines = [
            f"Usage of service {self._service_name!r} in {year} (organisation type {u.organisation_type}), "
            f"statuses read at {when(u.now)}:",
            f"  emails sent: {u.emails_sent}",
            f"  text messages: {u.sms_messages} sent, {u.sms_chargeable_units} chargeable units; "
            f"free allowance {u.sms_free_allowance}{high_volume}, used {u.sms_free_allowance_used}, "
            f"remaining {u.sms_allowance_remaining}; {u.sms_charged_units} charged units cost {pounds(u.sms_cost)}",
            f"  letters: {u.letters_sent} sent, cost {pounds(u.letter_cost)}",
        ]
        lines.extend(excluded_test_key_lines(u.test_key_sends, f"in {year}"))
        return lines

    def __repr__(self) -> str:
        return f"<{self.label}: financial year {self.financial_year}>"


def dashboard_report(store: Store, service: Service) -> DashboardReport:
    """The dashboard of ``service`` now, on its own clock."""
    now = store.clock_for(service.id).now()
    return DashboardReport(dashboard(store.notifications(service.id), now), service.name)


def usage_report(store: Store, service: Service, year: int | None = None) -> UsageReport:
    """The usage of ``service`` in financial year ``year`` (the current one on its clock by default)."""
    now = store.clock_for(service.id).now()
    chosen = financial_year_of(now) if year is None else year
    annual = annual_usage(
        store.notifications(service.id), year=chosen, organisation_type=service.organisation_type, now=now
    )
    label = "notify.usage" if year is None else f"notify.usage.for_year({year})"
    return UsageReport(annual, service.name, lambda other: usage_report(store, service, other), label)


__all__ = [
    "Amount",
    "Count",
    "DashboardChannel",
    "DashboardPeriodReport",
    "DashboardReport",
    "ReportNumber",
    "UsageReport",
    "dashboard_report",
    "explain_comparison",
    "usage_report",
]
