"""Outcomes a test chooses: for one notification, a recipient, a template or every send (§6.2).

Only what Notify's flows can produce is allowed, and only what has not happened yet changes:
Notify accepts status updates only from created, sending, pending, sent and pending-virus-check.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pytest_notify.domain import lifecycle
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.letter_timings import letter_timings
from pytest_notify.domain.notifications import Step
from pytest_notify.domain.outcomes import OutcomeRules
from pytest_notify.domain.timings import MANUAL, REALISTIC
from tests.domain.lifecycle_world import MONDAY, World, at, make_world


@pytest.fixture
def world() -> World:
    made = make_world()
    made.time(REALISTIC)
    return made


def rules(world: World) -> OutcomeRules:
    with world.store.tenants_locked(world.service.id) as tenants:
        return tenants[0].outcomes


# -- one notification ------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["permanent-failure", "temporary-failure", "delivered"])
def test_a_planned_outcome_is_rewritten_at_its_time(world: World, outcome: str) -> None:
    n = world.send()
    lifecycle.set_outcome(n, outcome, at(1))  # already sending, not yet delivered
    assert n.steps == [Step("created", MONDAY), Step("sending", at(0.5)), Step(outcome, at(3))]


def test_technical_failure_replaces_the_hand_over(world: World) -> None:
    n = world.send()
    lifecycle.set_outcome(n, "technical-failure", MONDAY)
    assert n.steps == [Step("created", MONDAY), Step("technical-failure", at(0.5))]
    assert n.status_at(at(1)).sent_at is None  # it never went out


def test_technical_failure_after_hand_over_is_refused(world: World) -> None:
    n = world.send()
    with pytest.raises(lifecycle.OutcomeError) as error:
        lifecycle.set_outcome(n, "technical-failure", at(1))
    assert f"too late to make sms {n.id} technical-failure: it is already sending (since " in str(error.value)


def test_an_outcome_that_happened_stays(world: World) -> None:
    n = world.send()
    with pytest.raises(lifecycle.OutcomeError, match="it is already delivered"):
        lifecycle.set_outcome(n, "permanent-failure", at(3))
    assert n.final_status == "delivered"


def test_a_text_without_receipts_stays_sent(world: World) -> None:
    n = world.send("+1 202 555 0123")
    with pytest.raises(lifecycle.OutcomeError, match="country without delivery receipts: it stays sent"):
        lifecycle.set_outcome(n, "permanent-failure", MONDAY)
    lifecycle.set_outcome(n, "technical-failure", MONDAY)
    assert n.final_status == "technical-failure"


@pytest.mark.parametrize(
    ("kind", "status", "message"),
    [
        ("sms", "returned-letter", "'returned-letter' is not an outcome Notify gives text messages"),
        ("email", "virus-scan-failed", "'virus-scan-failed' is not an outcome Notify gives emails"),
        ("sms", "sent", "'sent' is not an outcome Notify gives text messages"),
        ("sms", "bounced", "choose one of delivered, permanent-failure, temporary-failure, technical-failure"),
    ],
)
def test_a_status_the_channel_never_reaches_is_refused(world: World, kind: str, status: str, message: str) -> None:
    n = world.send("jo@example.com" if kind == "email" else "07700900123", kind=kind)
    with pytest.raises(ConfigurationError, match=message):
        lifecycle.set_outcome(n, status, MONDAY)


def test_letter_outcomes(world: World) -> None:
    calendar = letter_timings(MONDAY, "second")
    returned = world.letter()
    lifecycle.set_outcome(returned, "returned-letter", MONDAY)
    assert [s.status for s in returned.steps] == ["created", "sending", "delivered", "returned-letter"]
    assert returned.steps[-1].at == calendar.latest_delivery + dt.timedelta(days=1)  # the fake's choice
    failed = world.letter()
    lifecycle.set_outcome(failed, "technical-failure", MONDAY)  # DVLA rejected it at print
    assert failed.steps == [Step("created", MONDAY), Step("technical-failure", calendar.printed_by)]
    invalid = world.letter()
    lifecycle.set_outcome(invalid, "validation-failed", MONDAY)
    assert invalid.steps == [Step("created", MONDAY), Step("validation-failed", at(3))]  # when its PDF is made


def test_a_delivered_letter_can_still_come_back(world: World) -> None:
    letter = world.letter(key=KeyType.TEST)
    lifecycle.set_outcome(letter, "returned-letter", at(10))  # delivered at 3 s
    assert letter.steps[-1] == Step("returned-letter", at(3, days=1))


def test_virus_scan_failed_is_for_precompiled_letters_only(world: World) -> None:
    with pytest.raises(ConfigurationError, match="'virus-scan-failed' is not an outcome Notify gives letters"):
        lifecycle.set_outcome(world.letter(), "virus-scan-failed", MONDAY)
    precompiled = world.precompiled()
    lifecycle.set_outcome(precompiled, "virus-scan-failed", MONDAY)
    assert precompiled.steps == [Step("pending-virus-check", MONDAY), Step("virus-scan-failed", at(2))]


def test_permanent_failure_is_not_a_letter_outcome(world: World) -> None:
    with pytest.raises(ConfigurationError, match="Notify's docs list it, but none of its letter flows sets it"):
        lifecycle.set_outcome(world.letter(), "permanent-failure", MONDAY)


def test_a_letter_that_fails_notifys_checks_cannot_be_delivered(world: World) -> None:
    letter = world.precompiled(b"not a pdf")
    with pytest.raises(lifecycle.OutcomeError, match="it can only end validation-failed"):
        lifecycle.set_outcome(letter, "delivered", MONDAY)


def test_cancelling_a_letter_before_print(world: World) -> None:
    letter = world.letter()
    lifecycle.set_outcome(letter, "cancelled", at(60))
    assert letter.steps == [Step("created", MONDAY), Step("cancelled", at(60))]
    printed = world.letter()
    with pytest.raises(lifecycle.OutcomeError, match="is already sending: Notify cancels letters only before"):
        lifecycle.set_outcome(printed, "cancelled", letter_timings(MONDAY, "second").printed_by)
    with pytest.raises(lifecycle.OutcomeError, match="only letters can be cancelled"):
        lifecycle.set_outcome(world.send(), "cancelled", MONDAY)


def test_manual_outcomes_are_planned_not_made(world: World) -> None:
    world.time(MANUAL)
    n = world.send()
    lifecycle.set_outcome(n, "permanent-failure", MONDAY)
    assert n.planned == ["sending", "permanent-failure"]
    lifecycle.set_outcome(n, "technical-failure", MONDAY)
    assert n.planned == ["technical-failure"]


# -- rules for later sends ---------------------------------------------------------------------


def test_a_recipient_rule_matches_every_form_of_the_number(world: World) -> None:
    rules(world).for_recipient("07700 900123", "permanent-failure")
    assert world.send("+447700900123").final_status == "permanent-failure"
    assert world.send("07700900456").final_status == "delivered"
    rules(world).for_recipient("Jo@Example.com", "temporary-failure")
    assert world.send("jo@example.com", kind="email").final_status == "temporary-failure"


def test_rules_win_over_the_simulator(world: World) -> None:
    rules(world).for_recipient("07700900003", "delivered")
    assert world.send("07700900003", key=KeyType.TEST).final_status == "delivered"


def test_a_template_rule(world: World) -> None:
    rules(world).for_template(world.templates["email"], "email", "technical-failure")
    assert world.send("jo@example.com", kind="email").final_status == "technical-failure"
    assert world.send().final_status == "delivered"


def test_the_most_specific_rule_wins(world: World) -> None:
    rules(world).for_every_send("temporary-failure")
    rules(world).for_template(world.templates["sms"], "sms", "permanent-failure")
    rules(world).for_recipient("07700900123", "delivered")
    assert world.send("07700900123").final_status == "delivered"
    assert world.send("07700900456").final_status == "permanent-failure"
    assert world.send("jo@example.com", kind="email").final_status == "temporary-failure"


def test_a_rule_for_every_send_applies_where_the_status_can_happen(world: World) -> None:
    assert rules(world).for_every_send("temporary-failure") == ["sms", "email"]
    assert rules(world).for_every_send("returned-letter") == ["letter", "precompiled"]
    assert rules(world).for_every_send("virus-scan-failed") == ["precompiled"]
    assert rules(world).for_every_send("technical-failure", "email") == ["email"]
    assert world.letter().final_status == "returned-letter"
    assert world.precompiled().final_status == "virus-scan-failed"
    assert world.send("07700900123").final_status == "temporary-failure"
    with pytest.raises(ConfigurationError, match="'returned-letter' is not an outcome Notify gives emails"):
        rules(world).for_every_send("returned-letter", "email")
    with pytest.raises(ConfigurationError, match="type must be sms, email, letter or precompiled"):
        rules(world).for_every_send("delivered", "fax")


def test_a_letter_rule_by_address_line(world: World) -> None:
    rules(world).for_recipient("sw1a  1aa", "returned-letter")
    assert world.letter().final_status == "returned-letter"
    assert world.letter(postcode="SW1A 2AA").final_status == "delivered"


def test_rules_a_send_cannot_follow_are_passed_over(world: World) -> None:
    rules(world).for_every_send("permanent-failure")
    assert world.send("+1 202 555 0123").final_status == "sent"  # no receipts
    rules(world).for_every_send("technical-failure", "precompiled")
    assert world.precompiled(b"not a pdf").final_status == "validation-failed"


def test_a_recipient_rule_must_suit_the_recipient(world: World) -> None:
    with pytest.raises(ConfigurationError, match="'returned-letter' is not an outcome Notify gives text messages"):
        rules(world).for_recipient("07700900123", "returned-letter")


def test_clearing_the_rules(world: World) -> None:
    rules(world).for_every_send("permanent-failure")
    rules(world).clear()
    assert world.send().final_status == "delivered"
