"""Letter prices from Notify's ``letter_rates`` table, and sheets per page count (reference §12).

The reference gives the first-class example (from 7 April 2026: £1.56 for 1 sheet up to £1.76 for
5). The other prices are from the alphagov/notifications-api migrations named in
``pytest_notify/domain/data/letter_rates.json``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pytest_notify.domain.letter_rates import letter_cost, letter_rates, rate_in_force, sheets_for_pages


@pytest.mark.parametrize(
    ("sheets", "price"),
    [(1, 1.56), (2, 1.61), (3, 1.66), (4, 1.71), (5, 1.76)],
)
def test_reference_first_class_example(sheets: int, price: float) -> None:
    assert letter_cost(sheets, "first", dt.date(2026, 4, 7)) == price
    assert letter_cost(sheets, "first", dt.date(2026, 4, 7), crown=False) == price


@pytest.mark.parametrize(
    ("sheets", "postage", "on", "price"),
    [
        # The day before a change still has the old price (migration 0491 / 0546).
        (1, "first", dt.date(2026, 4, 6), 1.49),
        (5, "first", dt.date(2026, 4, 6), 1.67),
        # Second class: 0460 (July 2024), 0491 (April 2025), 0543 (5 January 2026).
        (1, "second", dt.date(2024, 7, 1), 0.61),
        (4, "second", dt.date(2025, 3, 31), 0.75),
        (4, "second", dt.date(2025, 4, 1), 0.82),
        (2, "second", dt.date(2026, 1, 4), 0.72),
        (2, "second", dt.date(2026, 1, 5), 0.77),
        # Economy: introduced April 2025 (0495), changed January 2026 (0543) and July 2026 (0552).
        (1, "economy", dt.date(2025, 4, 1), 0.59),
        (3, "economy", dt.date(2026, 1, 5), 0.73),
        (3, "economy", dt.date(2026, 6, 30), 0.73),
        (3, "economy", dt.date(2026, 7, 1), 0.724),
        # International: Europe and rest of the world are priced the same (0486, 0543, 0548).
        (1, "europe", dt.date(2025, 2, 6), 1.56),
        (1, "rest-of-world", dt.date(2025, 2, 5), 1.44),
        (4, "europe", dt.date(2026, 1, 5), 1.85),
        (5, "rest-of-world", dt.date(2026, 5, 2), 1.90),
        (5, "rest-of-world", dt.date(2026, 5, 3), 1.96),
        (5, "europe", dt.date(2026, 8, 20), 1.96),
        # November 2023 with the first-class errata (0427, 0428).
        (1, "first", dt.date(2023, 11, 1), 0.82),
    ],
)
def test_prices(sheets: int, postage: str, on: dt.date, price: float) -> None:
    assert letter_cost(sheets, postage, on) == price


def test_no_sheets_cost_nothing() -> None:
    assert letter_cost(0, "first", dt.date(2026, 4, 7)) == 0.0
    assert letter_cost(0, "europe", dt.date(2026, 4, 7)) == 0.0


@pytest.mark.parametrize("sheets", [-1, 6, 11])
def test_unpriced_sheet_counts(sheets: int) -> None:
    with pytest.raises(ValueError, match="sheets"):
        letter_cost(sheets, "second", dt.date(2026, 4, 7))


def test_unknown_postage() -> None:
    with pytest.raises(ValueError, match="postage"):
        letter_cost(1, "airmail", dt.date(2026, 4, 7))


def test_dates_before_the_table_use_its_first_row() -> None:
    # A choice of the fake: older prices are not recorded, so the earliest known row applies.
    assert rate_in_force("second", dt.date(2020, 1, 1)).valid_from == dt.date(2023, 11, 1)
    assert letter_cost(1, "economy", dt.date(2024, 1, 1)) == 0.59


def test_every_row_prices_one_to_five_sheets() -> None:
    for row in letter_rates():
        assert len(row.crown_prices) == len(row.non_crown_prices) == 5
        assert list(row.crown_prices) == sorted(row.crown_prices)


@pytest.mark.parametrize(("pages", "sheets"), [(0, 0), (1, 1), (2, 1), (3, 2), (9, 5), (10, 5), (11, 6)])
def test_sheets_for_pages(pages: int, sheets: int) -> None:
    assert sheets_for_pages(pages) == sheets
