"""The dashboard and usage after sends through notifications-python-client, key type by key type.

Reference §5.3: test-key notifications are not on the dashboard and never count against allowances;
team and live keys do. §8.1: 161 characters are 2 fragments. §8.2: ``+33`` has multiplier 2. §12: the
free allowance by organisation type and year (central: 30,000 in FY2025, 20,000 from FY2026), the
statuses that count, the SMS rates (£0.024 from 1 April 2026) and first-class letters from 7 April
2026 at £1.56 for 1 sheet. Derived figures say how in a comment.
"""

from __future__ import annotations

import datetime as dt

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from pytest_notify.domain.clock import SwitchableClock
from pytest_notify.fake import NotifyFake
from tests.conformance.conftest import ClientFactory

ADDRESS = {"address_line_1": "Jo Bloggs", "address_line_2": "1 Example Street", "postcode": "SW1A 1AA"}
LONG_SMS = "a" * 161  # 2 fragments (§8.1)
MAY = dt.datetime(2026, 5, 18, 9, 0, tzinfo=dt.timezone.utc)  # FY2026, after the 7 April letter rates


@pytest.fixture
def clock(notify: NotifyFake) -> SwitchableClock:
    """The service's clock, frozen on a Monday morning in May 2026."""
    frozen = notify.freeze_time()
    frozen.freeze(MAY)
    return frozen


def figures(notify: NotifyFake) -> dict[str, int | float]:
    """Every dashboard and usage figure a test may look at, as plain numbers."""
    board, usage = notify.dashboard, notify.usage
    out: dict[str, int | float] = {}
    for period_name, period in (("today", board.today), ("week", board.last_7_days)):
        for channel_name, channel in (("sms", period.sms), ("email", period.email), ("letter", period.letter)):
            for field in ("sent", "delivered", "failed", "in_flight"):
                out[f"{period_name}.{channel_name}.{field}"] = getattr(channel, field)
    out.update(
        units=usage.sms.chargeable_units,
        free_used=usage.sms.free_allowance_used,
        remaining=usage.sms.free_allowance_remaining,
        sms_cost=usage.sms.cost,
        emails=usage.emails_sent,
        letters=usage.letters.sent,
        letter_cost=usage.letters.cost,
    )
    return out


def test_a_new_service_starts_at_zero_with_its_allowance(notify: NotifyFake, clock: SwitchableClock) -> None:
    assert set(figures(notify).values()) == {0, 20_000}
    assert notify.usage.financial_year == 2026
    assert notify.usage.sms.free_allowance == 20_000  # central, FY2026


def test_test_key_sends_change_nothing(notify: NotifyFake, client_for: ClientFactory, clock: SwitchableClock) -> None:
    before = figures(notify)
    client = client_for(notify.test_key)
    sms = notify.add_template("sms", LONG_SMS)
    email = notify.add_template("email", "Hello", subject="Hi")
    letter = notify.add_template("letter", "Hello", subject="Hi", postage="first")
    client.send_sms_notification("07700900123", sms.id)
    client.send_sms_notification("07700900003", sms.id)  # temporary-failure (§5.1)
    client.send_email_notification("jo@example.com", email.id)
    client.send_email_notification("perm-fail@simulator.notify", email.id)
    client.send_letter_notification(letter.id, ADDRESS)

    assert figures(notify) == before
    assert len(notify.notifications) == 5  # stored, just not counted
    assert notify.dashboard.test_key_sends == 5
    assert notify.usage.test_key_sends == 5


def test_team_key_sends_count(notify: NotifyFake, client_for: ClientFactory, clock: SwitchableClock) -> None:
    notify.add_team_member(email="jo@example.com", mobile="07700900123")
    client = client_for(notify.team_key)
    client.send_sms_notification("07700900123", notify.add_template("sms", LONG_SMS).id)
    client.send_email_notification("jo@example.com", notify.add_template("email", "Hello", subject="Hi").id)

    sms, email = notify.dashboard.sms, notify.dashboard.email
    assert (sms.sent, sms.delivered, sms.failed, sms.in_flight) == (1, 1, 0, 0)
    assert (email.sent, email.delivered) == (1, 1)
    assert notify.dashboard.last_7_days.sms.sent == 1
    usage = notify.usage
    assert usage.sms.chargeable_units == 2
    assert usage.sms.free_allowance_used == 2
    assert usage.sms.free_allowance_remaining == 19_998  # 20,000 − 2
    assert usage.sms.cost == 0
    assert usage.emails_sent == 1


def test_live_key_sends_count_fragments_multipliers_and_letters(
    notify: NotifyFake, client: NotificationsAPIClient, clock: SwitchableClock
) -> None:
    sms = notify.add_template("sms", "Bonjour")
    client.send_sms_notification("+33 6 12 34 56 78", sms.id)  # 1 fragment × 2
    client.send_sms_notification("07700900456", notify.add_template("sms", LONG_SMS).id)  # 2 fragments
    client.send_email_notification("jo@example.com", notify.add_template("email", "Hello", subject="Hi").id)
    letter = notify.add_template("letter", "Hello", subject="Hi", postage="first")
    client.send_letter_notification(letter.id, ADDRESS)  # one sheet

    board = notify.dashboard
    assert (board.sms.sent, board.sms.delivered) == (2, 2)
    assert (board.email.sent, board.letter.sent, board.letter.delivered) == (1, 1, 1)
    usage = notify.usage
    assert usage.sms.sent == 2
    assert usage.sms.chargeable_units == 4  # 1 × 2 + 2 × 1
    assert usage.sms.free_allowance_remaining == 19_996
    assert usage.emails_sent == 1
    assert (usage.letters.sent, usage.letters.cost) == (1, 1.56)


@pytest.mark.notify_service(organisation_type="nhs_gp")
def test_a_service_with_no_allowance_pays_for_every_unit(
    notify: NotifyFake, client: NotificationsAPIClient, clock: SwitchableClock
) -> None:
    client.send_sms_notification("07700900456", notify.add_template("sms", LONG_SMS).id)
    usage = notify.usage
    assert usage.sms.free_allowance == 0
    assert usage.sms.charged_units == 2
    assert usage.sms.cost == 0.048  # 2 units × £0.024


@pytest.mark.notify_service(name="Pigeon", prefix_sms=True)
def test_the_prefix_counts_in_the_units(
    notify: NotifyFake, client: NotificationsAPIClient, clock: SwitchableClock
) -> None:
    # "Pigeon: " and 153 characters make 161, 2 fragments; the body alone would be 1.
    client.send_sms_notification("07700900456", notify.add_template("sms", "a" * 153).id)
    assert notify.usage.sms.chargeable_units == 2


def test_statuses_move_on_a_frozen_clock(
    notify: NotifyFake, client: NotificationsAPIClient, client_for: ClientFactory, clock: SwitchableClock
) -> None:
    notify.set_timings(sending=10, final=60)
    template = notify.add_template("sms", "Hello")
    client.send_sms_notification("07700900456", template.id)
    client_for(notify.test_key).send_sms_notification("07700900002", template.id)  # permanent-failure, not counted

    sms = notify.dashboard.sms
    assert (sms.sent, sms.in_flight, sms.delivered) == (1, 1, 0)
    assert notify.usage.sms.chargeable_units == 0  # "created" is not billed

    clock.advance(10)
    assert (notify.dashboard.sms.in_flight, notify.usage.sms.chargeable_units) == (1, 1)  # "sending" is billed

    clock.advance(50)
    sms = notify.dashboard.sms
    assert (sms.in_flight, sms.delivered, sms.failed) == (0, 1, 0)
    assert notify.dashboard.test_key_sends == 1


def test_crossing_into_a_new_financial_year(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    clock = notify.freeze_time()
    clock.freeze(dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.timezone.utc))  # 23:30 on 31 March in London
    template = notify.add_template("sms", "Hello")
    client.send_sms_notification("07700900456", template.id)
    assert notify.usage.financial_year == 2025
    assert (notify.usage.sms.free_allowance, notify.usage.sms.chargeable_units) == (30_000, 1)

    clock.advance(hours=1)  # 00:30 on 1 April in London: FY2026
    assert notify.usage.financial_year == 2026
    assert (notify.usage.sms.free_allowance, notify.usage.sms.chargeable_units) == (20_000, 0)
    client.send_sms_notification("07700900456", template.id)
    assert notify.usage.sms.chargeable_units == 1
    assert notify.usage.for_year(2025).sms.chargeable_units == 1
    assert notify.usage.for_year(2025).sms.free_allowance_remaining == 29_999
    assert notify.dashboard.sms.sent == 1  # today is a new UK day
    assert notify.dashboard.last_7_days.sms.sent == 2
