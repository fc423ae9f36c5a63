"""Figures that remember the report they came from, and the words that explain a failed comparison.

A :class:`Count` is an ``int`` and an :class:`Amount` a ``float``: they compare and compute as
plain numbers, but each also carries its ``label`` (``notify.dashboard.sms.sent``) and its
``report``, so :func:`explain_comparison` (called by the plugin's ``pytest_assertrepr_compare``)
can print the whole report under a failed assertion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol

CHANNEL_NAMES = {"sms": "text messages", "email": "emails", "letter": "letters"}
TEST_KEY_RULE = (
    "test-key notifications never appear on the dashboard or count against allowances "
    "(reference §5.3; Notify's docs: they “do not appear on your dashboard”)"
)


class Explains(Protocol):
    """A report that can describe itself, line by line, for a failed assertion."""

    def explain(self) -> list[str]:
        """The report, ready to print under the failed comparison."""
        ...


class Count(int):
    """A whole-number figure of a report; compares and computes as a plain ``int``."""

    label: str
    report: Explains

    def __new__(cls, value: int, label: str, report: Explains) -> Count:
        """A count ``value`` read as ``label`` (e.g. ``notify.dashboard.sms.sent``) from ``report``."""
        count = super().__new__(cls, value)
        count.label = label
        count.report = report
        return count

    def __reduce__(self) -> tuple[type[int], tuple[int]]:
        return (int, (int(self),))


class Amount(float):
    """A money figure in pounds; compares and computes as a plain ``float``."""

    label: str
    report: Explains

    def __new__(cls, value: float | Decimal, label: str, report: Explains) -> Amount:
        """An amount ``value`` read as ``label`` from ``report``."""
        amount = super().__new__(cls, float(value))
        amount.label = label
        amount.report = report
        return amount

    def __reduce__(self) -> tuple[type[float], tuple[float]]:
        return (float, (float(self),))


ReportNumber = Count | Amount


def explain_comparison(op: str, left: object, right: object) -> list[str] | None:
    """Lines explaining a failed comparison with a report figure, or None if neither side is one."""
    number = left if isinstance(left, (Count, Amount)) else right
    if not isinstance(number, (Count, Amount)):
        return None
    return [
        f"{left!r} {op} {right!r}",
        f"where {number!r} is {number.label}",
        *number.report.explain(),
    ]


def excluded_test_key_lines(sends: Mapping[str, int], period: str) -> list[str]:
    """The line saying how many test-key notifications a report left out (none if there were none)."""
    total = sum(sends.values())
    if not total:
        return []
    by_channel = ", ".join(plural(n, CHANNEL_NAMES[channel]) for channel, n in sends.items())
    return [
        f"Not counted: {plural(total, 'notifications')} sent with a test key {period} ({by_channel}); {TEST_KEY_RULE}."
    ]


def plural(n: int, noun: str) -> str:
    """``1 text message``, ``2 text messages`` (``noun`` is the plural)."""
    return f"{n} {noun.removesuffix('s') if n == 1 else noun}"


def pounds(value: Decimal) -> str:
    """Money as the reports print it: pence at least, every digit Notify keeps (``£0.0699``, ``£1.56``)."""
    pence = value.quantize(Decimal("0.01"))
    return f"£{pence if pence == value else value.normalize()}"


def when(now: dt.datetime) -> str:
    """An instant as the reports print it, in UTC."""
    return now.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
