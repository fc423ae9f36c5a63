"""What one letter costs, from Notify's ``letter_rates`` table (reference §12).

A letter is priced as a whole, not per sheet: the table holds one price for each number of sheets
(1 to 5), postage and crown status, valid from a date until the next price for the same postage
replaces it. The rows live in ``data/letter_rates.json``; see that file for the migrations they
come from.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

POSTAGES: tuple[str, ...] = ("first", "second", "economy", "europe", "rest-of-world")
"""Every postage Notify prices; ``europe`` and ``rest-of-world`` are its international classes."""

MAX_SHEETS = 5
"""The most sheets Notify has a price for (a templated letter may have at most 10 pages)."""


@dataclass(frozen=True)
class LetterRate:
    """One row of the table: prices for 1..5 sheets of one postage from ``valid_from`` (a UK date)."""

    valid_from: dt.date
    postage: str
    crown_prices: tuple[float, ...]
    non_crown_prices: tuple[float, ...]

    def price(self, sheets: int, *, crown: bool) -> float:
        """The price of a letter of ``sheets`` sheets (1..5)."""
        prices = self.crown_prices if crown else self.non_crown_prices
        return prices[sheets - 1]


@cache
def letter_rates() -> tuple[LetterRate, ...]:
    """Every row, oldest first; read from package data on first use."""
    raw = json.loads(resources.files(__package__).joinpath("data/letter_rates.json").read_text("utf-8"))
    rows = []
    for entry in raw["rates"]:
        crown_prices = tuple(float(price) for price in entry["prices"])
        non_crown_prices = tuple(float(price) for price in entry.get("non_crown_prices", entry["prices"]))
        rows.append(LetterRate(dt.date.fromisoformat(entry["from"]), entry["postage"], crown_prices, non_crown_prices))
    return tuple(sorted(rows, key=lambda row: row.valid_from))


def rate_in_force(postage: str, on: dt.date) -> LetterRate:
    """The row for ``postage`` that applies on the UK date ``on``.

    Dates before the first recorded row use that first row: Notify's older prices are outside
    what this package records, and a fake is better off quoting a price than failing.
    """
    rows = [row for row in letter_rates() if row.postage == postage]
    if not rows:
        raise ValueError(f"unknown postage {postage!r}; expected one of {', '.join(POSTAGES)}")
    chosen = rows[0]
    for row in rows:
        if row.valid_from <= on:
            chosen = row
    return chosen


def letter_cost(sheets: int, postage: str, on: dt.date, *, crown: bool = True) -> float:
    """The price in pounds of one letter of ``sheets`` sheets sent with ``postage`` on the UK date ``on``.

    A letter with no billable sheets (a test-key letter, or one that was never sent) costs ``0.0``.

    >>> letter_cost(1, "first", dt.date(2026, 4, 7))
    1.56
    >>> letter_cost(0, "second", dt.date(2026, 4, 7))
    0.0
    """
    if sheets == 0:
        return 0.0
    if not 1 <= sheets <= MAX_SHEETS:
        # Notify has no row for these, and such letters fail validation before they are billed.
        raise ValueError(f"Notify has no letter rate for {sheets} sheets (1 to {MAX_SHEETS} are priced)")
    return rate_in_force(postage, on).price(sheets, crown=crown)


def sheets_for_pages(pages: int) -> int:
    """Sheets of paper for ``pages`` printed pages: letters are printed double-sided.

    >>> sheets_for_pages(3)
    2
    """
    return math.ceil(pages / 2)
