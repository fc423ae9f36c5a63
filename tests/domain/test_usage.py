"""Usage and billing per financial year (reference §5.3, §8.1, §8.2, §12).

Expected values come from the reference: the allowance table and its FY2026 change, the SMS rates
(£0.0227 from 1 April 2024, £0.0233 from 1 April 2025, £0.024 from 1 April 2026), first-class letters
from 7 April 2026 at £1.56 (1 sheet) to £1.76 (5 sheets), the statuses that count. Where a figure is
derived (a product or a sum of those), the comment next to it says how. Earlier allowances (2016 to
2023) are those of [api] migration 0409, which §12 cites.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pytest_notify.domain.clock import FrozenClock
from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.sending import SendRequest
from pytest_notify.domain.store import Store
from pytest_notify.domain.uk_time import financial_year_months, financial_year_of, financial_year_start
from pytest_notify.domain.usage import AnnualUsage, annual_usage, default_free_sms_allowance
from tests.domain.billing_helpers import at, made

# -- the allowance table ------------------------------------------------------------------------

# §12's table: from FY2024 (and FY2025, which has no row of its own), and from FY2026.
ALLOWANCES = {
    "central": (30_000, 20_000),
    "nhs_central": (30_000, 20_000),
    "local": (10_000, 10_000),
    "nhs_local": (10_000, 10_000),
    "emergency_service": (10_000, 10_000),
    "school_or_college": (5_000, 5_000),
    "other": (5_000, 5_000),
    "nhs_gp": (0, 0),
    "nhs_notify": (0, 0),
}


@pytest.mark.parametrize("organisation_type", sorted(ALLOWANCES))
def test_allowance_by_organisation_type_and_year(organisation_type: str) -> None:
    before, after = ALLOWANCES[organisation_type]
    assert default_free_sms_allowance(organisation_type, 2024) == before
    assert default_free_sms_allowance(organisation_type, 2025) == before  # no 2025 row: 2024's applies
    assert default_free_sms_allowance(organisation_type, 2026) == after
    assert default_free_sms_allowance(organisation_type, 2030) == after  # the latest row still applies


def test_no_organisation_type_means_other() -> None:
    assert default_free_sms_allowance(None, 2025) == 5_000
    assert default_free_sms_allowance(None, 2026) == 5_000


@pytest.mark.parametrize(
    ("organisation_type", "year", "allowance"),
    [("central", 2016, 250_000), ("central", 2020, 250_000), ("central", 2022, 40_000), ("local", 2023, 20_000)],
)
def test_earlier_years_come_from_the_first_allowance_migration(
    organisation_type: str, year: int, allowance: int
) -> None:
    assert default_free_sms_allowance(organisation_type, year) == allowance


def test_years_before_notify_and_unknown_types_are_refused() -> None:
    with pytest.raises(ValueError, match="2016"):
        default_free_sms_allowance("central", 2015)
    with pytest.raises(ValueError, match="unknown organisation type 'parish'"):
        default_free_sms_allowance("parish", 2025)


# -- financial years in UK time ---------------------------------------------------------------


def test_the_financial_year_starts_at_midnight_on_1_april_uk_time() -> None:
    # 1 April is always in British Summer Time: midnight there is 23:00 UTC on 31 March.
    assert financial_year_of(at("2026-03-31T22:59:59")) == 2025
    assert financial_year_of(at("2026-03-31T23:00")) == 2026
    assert financial_year_start(2026) == at("2026-03-31T23:00")
    assert financial_year_of(dt.date(2027, 3, 31)) == 2026
    assert financial_year_of(at("2027-01-01T00:00")) == 2026


def test_a_financial_year_runs_april_to_march() -> None:
    months = financial_year_months(2025)
    assert months[0] == dt.date(2025, 4, 1)
    assert months[-1] == dt.date(2026, 3, 1)
    assert len(months) == 12


def test_a_text_at_00_30_on_1_april_uk_time_counts_in_the_new_year() -> None:
    late = made("sms", created=at("2026-03-31T22:30"))  # 23:30 on 31 March in London
    early = made("sms", created=at("2026-03-31T23:30"))  # 00:30 on 1 April in London
    now = at("2026-04-02T12:00")
    assert annual_usage([late, early], year=2025, organisation_type="central", now=now).sms_chargeable_units == 1
    assert annual_usage([late, early], year=2026, organisation_type="central", now=now).sms_chargeable_units == 1


# -- what counts ---------------------------------------------------------------------------------

NOW = at("2026-06-15T12:00")


def usage_of(*notifications: Notification) -> AnnualUsage:
    """FY2026 usage of a central government service, read at ``NOW``."""
    return annual_usage(notifications, year=2026, organisation_type="central", now=NOW)


@pytest.mark.parametrize(
    ("status", "counts"),
    [
        ("created", False),
        ("sending", True),
        ("sent", True),
        ("delivered", True),
        ("pending", True),
        ("temporary-failure", True),
        ("permanent-failure", True),
        ("technical-failure", False),
    ],
)
def test_sms_statuses_that_count(status: str, counts: bool) -> None:
    usage = usage_of(made("sms", created=NOW, status=status, fragments=3))
    assert usage.sms_chargeable_units == (3 if counts else 0)


@pytest.mark.parametrize(
    ("status", "counts"),
    [
        ("created", False),
        ("sending", True),
        ("delivered", True),
        ("temporary-failure", True),
        ("permanent-failure", True),
        ("technical-failure", False),
    ],
)
def test_email_statuses_that_count(status: str, counts: bool) -> None:
    assert usage_of(made("email", created=NOW, status=status)).emails_sent == int(counts)


@pytest.mark.parametrize(
    ("status", "counts"),
    [
        ("pending-virus-check", False),
        ("created", False),
        ("sending", True),
        ("delivered", True),
        ("returned-letter", True),
        ("cancelled", False),
        ("technical-failure", False),
        ("validation-failed", False),
        ("virus-scan-failed", False),
    ],
)
def test_letter_statuses_that_count(status: str, counts: bool) -> None:
    letter = made("letter", created=at("2026-06-15T09:00"), status=status, postage="first", sheets=1)
    usage = usage_of(letter)
    assert usage.letters_sent == int(counts)
    assert usage.letter_cost == (Decimal("1.56") if counts else 0)


@pytest.mark.parametrize("key", [KeyType.LIVE, KeyType.TEAM])
def test_live_and_team_keys_count(key: KeyType) -> None:
    usage = usage_of(made("sms", created=NOW, key=key), made("email", created=NOW, key=key))
    assert (usage.sms_chargeable_units, usage.emails_sent) == (1, 1)


def test_test_keys_never_count() -> None:
    sends = [
        made("sms", created=NOW, key=KeyType.TEST, fragments=2),
        made("email", created=NOW, key=KeyType.TEST),
        made("letter", created=NOW, key=KeyType.TEST, postage="first"),
    ]
    usage = usage_of(*sends)
    assert (usage.sms_chargeable_units, usage.emails_sent, usage.letters_sent) == (0, 0, 0)
    assert usage.sms_free_allowance_used == 0
    assert dict(usage.test_key_sends) == {"sms": 1, "email": 1, "letter": 1}


def test_notifications_created_after_now_do_not_count_yet() -> None:
    assert usage_of(made("sms", created=NOW + dt.timedelta(seconds=1))).sms_chargeable_units == 0


# -- units, the allowance and the cost -----------------------------------------------------------


def test_international_multiplier_multiplies_fragments() -> None:
    # +33 (France) has multiplier 2 (§8.2): 2 fragments count 4 units.
    usage = usage_of(made("sms", created=NOW, fragments=2, multiplier=2.0))
    assert usage.sms_chargeable_units == 4
    assert usage.sms_messages == 1


def test_prefix_counts_in_the_fragments() -> None:
    # §8.1: billable fragments include "{service name}: " when prefix_sms is on. 153 characters fit
    # one fragment; with the 8-character prefix "Pigeon: " they make 161, which is 2.
    clock = FrozenClock(NOW)
    store = Store(clock=clock)
    for prefix in (False, True):
        service = store.create_service("Pigeon", prefix_sms=prefix)
        key = store.create_api_key(service.id, "live")
        template = store.add_template(service.id, "sms", "a" * 153)
        store.send(service, key, SendRequest("sms", "07700900123", template.id, {}))
        usage = annual_usage(store.notifications(service.id), year=2026, organisation_type="central", now=NOW)
        assert usage.sms_chargeable_units == (2 if prefix else 1)


def test_allowance_used_and_remaining() -> None:
    usage = usage_of(made("sms", created=NOW, fragments=3), made("sms", created=NOW, fragments=2, multiplier=2.0))
    # 3 + 2 × 2 = 7 units, all inside central's 20,000 for FY2026.
    assert usage.sms_free_allowance == 20_000
    assert usage.sms_chargeable_units == 7
    assert usage.sms_free_allowance_used == 7
    assert usage.sms_allowance_remaining == 19_993
    assert usage.sms_charged_units == 0
    assert usage.sms_cost == 0


def test_units_beyond_the_allowance_are_charged_at_the_rate() -> None:
    # "other" has 5,000 in FY2025; 5,003 units leave 3 charged at £0.0233 = £0.0699.
    sms = made("sms", created=at("2025-06-01T10:00"), fragments=5_003)
    usage = annual_usage([sms], year=2025, organisation_type="other", now=NOW)
    assert usage.sms_free_allowance_used == 5_000
    assert usage.sms_allowance_remaining == 0
    assert usage.sms_charged_units == 3
    assert usage.sms_cost == Decimal("0.0699")


def test_each_year_has_its_own_allowance_and_rate_across_1_april() -> None:
    # nhs_gp has no free allowance, so every unit is charged at its own day's rate.
    march = made("sms", created=at("2026-03-31T12:00"))
    april = made("sms", created=at("2026-04-01T12:00"))
    old = annual_usage([march, april], year=2025, organisation_type="nhs_gp", now=NOW)
    new = annual_usage([march, april], year=2026, organisation_type="nhs_gp", now=NOW)
    assert (old.sms_chargeable_units, old.sms_cost) == (1, Decimal("0.0233"))
    assert (new.sms_chargeable_units, new.sms_cost) == (1, Decimal("0.024"))


def test_the_allowance_is_used_up_in_date_order() -> None:
    # A rate change within the year (not in Notify's table today, so the table is given): the
    # allowance goes to the earliest days, and what is left over is charged at the later, higher
    # rate. 4,000 units in September use 4,000 of "other"'s 5,000; October's 2,000 use the last
    # 1,000 and 1,000 are charged at £0.03 = £30. Sent in the other order, £20 would be charged.
    rates = ((dt.date(2025, 4, 1), 0.02), (dt.date(2025, 10, 1), 0.03))
    october = made("sms", created=at("2025-10-02T09:00"), fragments=2_000)
    september = made("sms", created=at("2025-09-02T09:00"), fragments=4_000)
    usage = annual_usage([october, september], year=2025, organisation_type="other", now=NOW, sms_rates=rates)
    assert usage.sms_free_allowance_used == 5_000
    assert usage.sms_charged_units == 1_000
    assert usage.sms_cost == Decimal(30)
    by_month = {m.month: m for m in usage.months}
    assert by_month[dt.date(2025, 9, 1)].sms_free_allowance_used == 4_000
    assert by_month[dt.date(2025, 9, 1)].sms_cost == 0
    assert by_month[dt.date(2025, 10, 1)].sms_free_allowance_used == 1_000
    assert by_month[dt.date(2025, 10, 1)].sms_charged_units == 1_000


def test_a_high_volume_service_last_year_gets_no_allowance() -> None:
    # §12: at least 300,000 (units: fragments × multiplier) last year gives 0 this year.
    last_year = made("sms", created=at("2025-05-01T09:00"), fragments=150_000, multiplier=2.0)
    this_year = made("sms", created=at("2026-05-01T09:00"))
    usage = usage_of(last_year, this_year)
    assert usage.high_volume_last_year
    assert usage.sms_free_allowance == 0
    assert usage.sms_cost == Decimal("0.024")
    just_under = made("sms", created=at("2025-05-01T09:00"), fragments=299_999)
    assert usage_of(just_under, this_year).sms_free_allowance == 20_000


# -- letters ---------------------------------------------------------------------------------------


def test_letters_cost_by_sheets_postage_and_date() -> None:
    day = at("2026-04-07T09:00")
    letters = [
        made("letter", created=day, postage="first", sheets=1),
        made("letter", created=day, postage="first", sheets=5),
        made("letter", created=day, postage="first", sheets=1, crown=False),
    ]
    usage = annual_usage(letters, year=2026, organisation_type="central", now=NOW)
    assert usage.letters_sent == 3
    assert usage.letter_cost == Decimal("1.56") + Decimal("1.76") + Decimal("1.56")  # crown or not, same since 2023
    april = usage.months[0]
    assert april.month == dt.date(2026, 4, 1)
    assert [(line.postage_description, line.rate, line.sent) for line in april.letter_breakdown] == [
        ("first class", Decimal("1.56"), 2),
        ("first class", Decimal("1.76"), 1),
    ]


def test_emails_are_counted_and_free() -> None:
    usage = usage_of(made("email", created=NOW), made("email", created=NOW, status="permanent-failure"))
    assert usage.emails_sent == 2
    assert usage.sms_cost == 0
    assert usage.months[2].emails_sent == 2  # June is the third month of the financial year
