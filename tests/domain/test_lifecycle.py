"""Lifecycles per channel and key type in the three timings modes (reference §5.1, §6.2, §3.8).

The statuses and their order come from the reference; the delays are the fake's own (see
``pytest_notify/domain/timings.py``), and the letter calendar is ``letter_timings`` (§13).
"""

from __future__ import annotations

import pytest

from pytest_notify.domain import lifecycle
from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.letter_timings import letter_timings
from pytest_notify.domain.notifications import Step
from pytest_notify.domain.timings import INSTANT, MANUAL, REALISTIC, Timings
from tests.domain.lifecycle_world import MONDAY, World, at, make_world


@pytest.fixture
def world() -> World:
    return make_world()


def steps(*pairs: tuple[str, object]) -> list[Step]:
    return [Step(status, when) for status, when in pairs]  # type: ignore[arg-type]


# -- instant ---------------------------------------------------------------------------------


def test_the_domain_default_is_instant(world: World) -> None:
    n = world.send()
    assert n.timings == INSTANT
    assert n.steps == steps(("created", MONDAY), ("sending", MONDAY), ("delivered", MONDAY))
    assert world.status(world.letter()) == "delivered"
    assert world.status(world.precompiled()) == "delivered"


# -- on the clock ----------------------------------------------------------------------------


def test_sms_and_email_on_the_realistic_clock(world: World) -> None:
    world.time(REALISTIC)
    assert world.send().steps == steps(("created", MONDAY), ("sending", at(0.5)), ("delivered", at(3)))
    email = world.send("jo@example.com", kind="email")
    assert email.steps == steps(("created", MONDAY), ("sending", at(0.5)), ("delivered", at(2)))


def test_test_keys_end_where_the_simulator_says(world: World) -> None:
    world.time(REALISTIC)
    assert world.send("07700900003", key=KeyType.TEST).steps[-1] == Step("temporary-failure", at(3))
    assert world.send("perm-fail@simulator.notify", key=KeyType.TEST, kind="email").final_status == "permanent-failure"


def test_international_texts_are_sent_and_stay_sent_without_receipts(world: World) -> None:
    world.time(REALISTIC)
    assert [s.status for s in world.send("+33 6 12 34 56 78").steps] == ["created", "sent", "delivered"]
    assert world.send("+1 202 555 0123").steps == steps(("created", MONDAY), ("sent", at(0.5)))


def test_templated_letter_goes_to_print_then_arrives_on_notifys_calendar(world: World) -> None:
    world.time(REALISTIC)
    letter = world.letter()
    calendar = letter_timings(MONDAY, "second")
    assert letter.steps == steps(
        ("created", MONDAY), ("sending", calendar.printed_by), ("delivered", calendar.latest_delivery)
    )
    # The PDF is made a few seconds after the letter is created (§3.8 PDFNotReadyError before).
    assert letter.pdf_ready_at == at(3)
    assert not letter.pdf_ready(at(2.999))
    assert letter.pdf_ready(at(3))


def test_test_key_letters_are_sending_then_delivered_shortly_after(world: World) -> None:
    world.time(REALISTIC)
    assert world.letter(key=KeyType.TEST).steps == steps(("sending", MONDAY), ("delivered", at(3)))


def test_precompiled_letters_pass_the_virus_check_after_a_couple_of_seconds(world: World) -> None:
    world.time(REALISTIC)
    live = world.precompiled()
    calendar = letter_timings(MONDAY, "second")
    assert live.steps == steps(
        ("pending-virus-check", MONDAY),
        ("created", at(2)),
        ("sending", calendar.printed_by),
        ("delivered", calendar.latest_delivery),
    )
    assert live.pdf_ready_at == MONDAY  # the PDF endpoint waits for the virus check instead
    assert world.precompiled(key=KeyType.TEST).steps == steps(("pending-virus-check", MONDAY), ("delivered", at(2)))
    assert world.precompiled(b"not a pdf").steps == steps(("pending-virus-check", MONDAY), ("validation-failed", at(2)))


def test_a_letter_after_the_deadline_is_printed_a_day_later(world: World) -> None:
    world.time(REALISTIC)
    world.clock.set(at(hours=7))  # 17:00 UTC, 18:00 in London: after 17:30, processed on Tuesday
    letter = world.letter()
    assert letter.steps[1] == Step("sending", letter_timings(at(hours=7), "second").printed_by)
    assert letter.steps[1].at.date().isoformat() == "2026-05-20"


def test_sending_that_outlasts_72_hours_times_out(world: World) -> None:
    # Notify's nightly timeout_notifications (§6.2): a receipt after 72 h never comes.
    world.time(Timings(sending=1, final=4 * 86400))
    n = world.send()
    assert n.steps == steps(("created", MONDAY), ("sending", at(1)), ("temporary-failure", at(days=3)))


# -- manual ----------------------------------------------------------------------------------


def test_manual_sends_stay_at_their_first_status(world: World) -> None:
    world.time(MANUAL)
    n = world.send()
    assert n.steps == steps(("created", MONDAY))
    assert n.planned == ["sending", "delivered"]
    assert n.final_status == "delivered"
    world.clock.advance(days=6)
    assert world.status(n) == "created"  # created is not timed out (only sending and pending are)


def test_each_move_is_stamped_with_the_clocks_now(world: World) -> None:
    world.time(MANUAL)
    n = world.send()
    world.clock.advance(10)
    lifecycle.advance(n, world.clock.now())
    assert n.status_at(at(10)).status == "sending"
    assert n.status_at(at(10)).sent_at == at(10)
    world.clock.advance(5)
    lifecycle.advance(n, world.clock.now())
    assert n.steps[:3] == steps(("created", MONDAY), ("sending", at(10)), ("delivered", at(15)))
    assert n.planned == []
    with pytest.raises(lifecycle.OutcomeError, match="is already delivered: nothing more will happen to it"):
        lifecycle.advance(n, world.clock.now())


def test_moving_on_through_to_a_status(world: World) -> None:
    world.time(MANUAL)
    letter = world.precompiled()
    lifecycle.advance(letter, MONDAY, to="sending")
    assert [s.status for s in letter.steps] == ["pending-virus-check", "created", "sending"]
    with pytest.raises(lifecycle.OutcomeError, match="will not reach virus-scan-failed; still to come: delivered"):
        lifecycle.advance(letter, MONDAY, to="virus-scan-failed")


def test_a_manual_send_left_sending_times_out_after_72_hours(world: World) -> None:
    world.time(MANUAL)
    n = world.send()
    lifecycle.advance(n, MONDAY)
    world.clock.advance(days=3)
    assert world.status(n) == "temporary-failure"
    with pytest.raises(lifecycle.OutcomeError, match="is already temporary-failure"):
        lifecycle.advance(n, world.clock.now())


def test_moving_on_before_the_timeout_replaces_it(world: World) -> None:
    world.time(MANUAL)
    n = world.send()
    lifecycle.advance(n, MONDAY)
    lifecycle.advance(n, at(60))
    assert n.steps == steps(("created", MONDAY), ("sending", MONDAY), ("delivered", at(60)))


def test_on_the_clock_moving_on_brings_the_next_step_forward(world: World) -> None:
    world.time(REALISTIC)
    letter = world.letter()
    lifecycle.advance(letter, at(60))
    assert letter.status_at(at(60)).status == "sending"
    assert letter.steps[-1].status == "delivered"  # still on the calendar
