"""Timings: the three modes, the realistic delays and how markers and ``set_timings`` describe them."""

from __future__ import annotations

import pytest

from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.timings import (
    DEFAULT_WAIT,
    INSTANT,
    MANUAL,
    REALISTIC,
    Delays,
    LetterDelays,
    Timings,
    parse_timings,
)


def test_the_two_number_timings_still_mean_the_clock() -> None:
    assert Timings().mode == "instant"
    assert Timings() == INSTANT
    timings = Timings(sending=1, final=5)
    assert timings.mode == "clock"
    assert timings.delays("sms") == timings.delays("email") == Delays(1, 5)
    # Letters print at `sending` and arrive at `final`, as before modes existed.
    assert (timings.letter_delays.sending, timings.letter_delays.final) == (1, 5)


def test_instant_is_zero_whatever_the_delays() -> None:
    timings = Timings(mode="instant", sms=Delays(1, 2))
    assert timings.delays("sms") == Delays(0, 0)
    assert timings.letter_delays.pdf == 0 and timings.letter_delays.final == 0


def test_realistic_delays_fit_in_the_default_wait() -> None:
    # A real-time test waiting with the default timeout sees every outcome but the letter calendar.
    assert REALISTIC.mode == "clock"
    assert REALISTIC.delays("sms") == Delays(0.5, 3)
    assert REALISTIC.delays("email") == Delays(0.5, 2)
    letter = REALISTIC.letter_delays
    assert (letter.pdf, letter.virus_check, letter.test_delivery) == (3, 2, 3)
    assert letter.sending is None and letter.final is None  # DVLA's print run, estimated_delivery
    assert max(3, 2, letter.pdf, letter.virus_check, letter.test_delivery) < DEFAULT_WAIT


@pytest.mark.parametrize(("name", "expected"), [("instant", INSTANT), ("clock", REALISTIC), ("manual", MANUAL)])
def test_presets(name: str, expected: Timings) -> None:
    assert parse_timings(name) == expected


def test_a_mapping_changes_some_realistic_delays() -> None:
    timings = parse_timings({"sms": {"final": 60}, "letter": {"pdf": 10}})
    assert timings.mode == "clock"
    assert timings.delays("sms") == Delays(0.5, 60)
    assert timings.delays("email") == REALISTIC.delays("email")
    assert timings.letter_delays == LetterDelays(pdf=10)


def test_shared_delays_in_a_mapping_or_keywords() -> None:
    assert parse_timings({"sending": 1, "final": 5}).delays("email") == Delays(1, 5)
    assert parse_timings(sending=1, final=5).delays("sms") == Delays(1, 5)
    assert parse_timings("clock", sms={"sending": 0, "final": 1}).delays("sms") == Delays(0, 1)
    assert parse_timings(sending=2).delays("sms") == Delays(2, 2)


def test_a_timings_object_is_taken_as_it_is() -> None:
    timings = Timings(sending=1, final=2)
    assert parse_timings(timings) is timings


@pytest.mark.parametrize(
    ("spec", "delays", "message"),
    [
        ("slow", {}, "timings: must be one of instant, clock, manual or a mapping of delays, not 'slow'"),
        (42, {}, "timings: must be one of instant, clock, manual or a mapping of delays, not 42"),
        ({"fax": 1}, {}, "timings: unknown fax; known: sending, final, sms, email, letter"),
        ({"sms": {"outcome": 1}}, {}, "timings: sms has no outcome; known: sending, final"),
        ({"sms": 5}, {}, "timings: sms takes a mapping of delays, not 5"),
        ({"sms": {"sending": 5, "final": 1}}, {}, "timings: final (1) must not come before sending (5)"),
        ({"email": {"final": -1}}, {}, "timings: final must be a number of seconds >= 0, not -1"),
        ({"letter": {"pdf": "soon"}}, {}, "timings: letter pdf must be a number of seconds >= 0, not 'soon'"),
        ("manual", {"sending": 1}, "timings: delays only apply on the clock, not in manual mode"),
    ],
)
def test_mistakes_are_clear(spec: object, delays: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError) as error:
        parse_timings(spec, **delays)  # type: ignore[arg-type]
    assert str(error.value) == message


def test_unknown_mode() -> None:
    with pytest.raises(ConfigurationError, match="mode must be one of instant, clock, manual"):
        Timings(mode="later")


def test_describe() -> None:
    assert INSTANT.describe() == "instant"
    assert MANUAL.describe() == "manual"
    assert REALISTIC.describe() == "clock (sms 0.5s/3s, email 0.5s/2s, letter pdf 3s, virus check 2s)"
