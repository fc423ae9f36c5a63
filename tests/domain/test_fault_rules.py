"""Fault rules on their own: checking arguments, matching requests, ``times``, seeded probability, clearing."""

from __future__ import annotations

import random
import uuid

import pytest

from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.faults import (
    DEFAULT_HANG_SECONDS,
    SENDS,
    FaultPlan,
    FaultRequest,
    canonical_endpoint,
    new_rule,
)
from tests.conftest import START

TEMPLATE = uuid.UUID("f33517ff-2a88-4f6e-b855-c550268ce08a")


def sms(to: str = "07700 900123", template: str | None = str(TEMPLATE)) -> FaultRequest:
    return FaultRequest("send_sms", "POST", "/v2/notifications/sms", "sms", (to,), template)


def email(to: str) -> FaultRequest:
    return FaultRequest("send_email", "POST", "/v2/notifications/email", "email", (to,), str(TEMPLATE))


def letter(*lines: str) -> FaultRequest:
    return FaultRequest("send_letter", "POST", "/v2/notifications/letter", "letter", lines, str(TEMPLATE))


GET = FaultRequest("get_notification", "GET", "/v2/notifications/x")


# -- bad arguments name the problem ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "options", "problem"),
    [
        ("502", {}, "fault kind '502' is not one of 500, 503, 429, latency, drop, hang"),
        (True, {}, "fault kind True is not one of"),
        ("500", {"endpoints": ["send_text"]}, "unknown endpoint 'send_text': use one of send_sms"),
        ("500", {"endpoints": []}, "endpoint: give an endpoint"),
        ("500", {"endpoints": [3]}, "endpoint: each is a name such as 'send_sms', not 3"),
        ("500", {"times": 0}, "times must be a whole number of requests, 1 or more, not 0"),
        ("500", {"times": 1.5}, "times must be a whole number"),
        ("500", {"times": True}, "times must be a whole number"),
        ("500", {"probability": 0}, "probability must be a number above 0 and at most 1, not 0"),
        ("500", {"probability": 1.5}, "probability must be a number above 0 and at most 1, not 1.5"),
        ("500", {"probability": "half"}, "probability must be a number"),
        ("500", {"probability": 0.5, "seed": "one"}, "seed must be a whole number, not 'one'"),
        ("500", {"seed": 1}, "seed= only makes sense with probability="),
        ("500", {"seconds": 1}, "seconds= is for 'latency' and 'hang' faults, not '500'"),
        ("latency", {}, "a 'latency' fault needs seconds="),
        ("latency", {"seconds": 0}, "seconds must be a number above 0 and at most 600, not 0"),
        ("hang", {"seconds": 601}, "seconds must be a number above 0 and at most 600, not 601"),
        ("hang", {"seconds": float("nan")}, "seconds must be a number above 0"),
        ("503", {"error": "KeyError"}, "error= names the exception in a '500' body, not for '503'"),
        ("500", {"error": "not a name"}, "error must be an exception class name such as 'KeyError'"),
        ("500", {"template_id": "nope"}, "template_id must be a template's id (a UUID), not 'nope'"),
        ("500", {"recipient": ""}, "recipient must be a phone number, an email address or an address line"),
        (
            "500",
            {"recipient": "07700900123", "endpoints": ["get_notification"]},
            "recipient= and template_id= pick sends (send_sms, send_email, send_letter); get_notification has neither",
        ),
    ],
)
def test_bad_arguments_are_named(kind: object, options: dict[str, object], problem: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        new_rule(kind, **options)  # type: ignore[arg-type]
    assert problem in str(caught.value)


def test_defaults() -> None:
    assert new_rule(500).kind == "500"
    assert new_rule("500").error == "Exception"
    assert new_rule("500", error="OperationalError").error == "OperationalError"
    assert new_rule("hang").seconds == DEFAULT_HANG_SECONDS == 60
    assert new_rule("latency", seconds=1).seconds == 1.0
    rule = new_rule("drop")
    assert (rule.endpoints, rule.times, rule.probability, rule.remaining) == (None, None, None, None)


def test_endpoint_names_aliases_and_the_send_group() -> None:
    assert canonical_endpoint("send") == SENDS
    assert canonical_endpoint("Send_SMS") == ("send_sms",)
    assert canonical_endpoint("send_precompiled_letter_notification") == ("send_letter",)
    assert canonical_endpoint("get_notification_by_id") == ("get_notification",)
    assert new_rule("500", endpoints=["send", "get_pdf"]).endpoints == {*SENDS, "get_pdf"}


def test_recipient_or_template_alone_means_every_send() -> None:
    assert new_rule("500", recipient="07700900123").endpoints == set(SENDS)
    assert new_rule("500", template_id=TEMPLATE).endpoints == set(SENDS)


# -- matching --------------------------------------------------------------------------------------


def test_endpoint_matching() -> None:
    rule = new_rule("500", endpoints=["send_sms"])
    assert rule.matches(sms())
    assert not rule.matches(email("jo@example.com"))
    assert not rule.matches(GET)
    assert new_rule("500").matches(GET)


@pytest.mark.parametrize("written", ["07700900123", "07700 900 123", "+447700900123", "447700900123"])
def test_a_phone_number_matches_however_it_is_written(written: str) -> None:
    rule = new_rule("500", recipient=written)
    assert rule.matches(sms("+44 7700 900123"))
    assert rule.matches(sms("07700900123"))
    assert not rule.matches(sms("07700900124"))


def test_email_addresses_match_without_case_or_stray_spaces() -> None:
    rule = new_rule("500", recipient="Jo@Example.com")
    assert rule.matches(email(" jo@example.COM "))
    assert not rule.matches(email("jo2@example.com"))


def test_a_letter_matches_any_of_its_address_lines() -> None:
    rule = new_rule("500", recipient="sw1a 1aa")
    assert rule.matches(letter("A. Person", "1 Example Street", "SW1A 1AA"))
    assert new_rule("500", recipient="a.  person").matches(letter("A. Person", "SW1A 1AA"))
    assert not rule.matches(letter("A. Person", "SW1A 2AA"))
    # a precompiled letter's address is inside its PDF: no recipient to match
    assert not rule.matches(letter())


def test_template_matching() -> None:
    rule = new_rule("500", template_id=str(TEMPLATE).upper())
    assert rule.matches(sms())
    assert not rule.matches(sms(template=str(uuid.uuid4())))
    assert not rule.matches(sms(template="not a uuid"))
    assert not rule.matches(sms(template=None))


# -- times, probability and order -------------------------------------------------------------------


def decide_all(plan: FaultPlan, requests: list[FaultRequest]) -> list[str | None]:
    decisions = [plan.decide(r, START) for r in requests]
    return [d.kind if d else None for d in decisions]


def test_times_counts_matching_requests_only() -> None:
    plan = FaultPlan()
    rule = plan.add(new_rule("500", endpoints=["send_sms"], times=2))
    assert decide_all(plan, [GET, sms(), GET, sms(), sms()]) == [None, "500", None, "500", None]
    assert (rule.applied, rule.remaining) == (2, 0)
    assert not plan.active


def test_rules_are_tried_in_the_order_added() -> None:
    plan = FaultPlan()
    plan.add(new_rule("429", endpoints=["send_sms"], times=1))
    plan.add(new_rule("500"))
    assert decide_all(plan, [sms(), sms(), GET]) == ["429", "500", "500"]


def test_seeded_probability_is_one_draw_of_random_random_seed_per_matching_request() -> None:
    expected_generator = random.Random(1)
    expected = ["drop" if expected_generator.random() < 0.5 else None for _ in range(20)]
    assert "drop" in expected and None in expected  # the seed gives a mixed pattern worth testing
    plan = FaultPlan()
    plan.add(new_rule("drop", endpoints=["send_sms"], probability=0.5, seed=1))
    # requests the rule does not match take no draw
    decisions = decide_all(plan, [r for _ in range(20) for r in (GET, sms())])
    assert decisions[0::2] == [None] * 20
    assert decisions[1::2] == expected


def test_the_same_seed_gives_the_same_faults_and_times_caps_them() -> None:
    def run(seed: int) -> list[str | None]:
        plan = FaultPlan()
        plan.add(new_rule("500", probability=0.3, seed=seed, times=3))
        return decide_all(plan, [GET] * 40)

    assert run(7) == run(7)
    assert run(7).count("500") == 3
    assert run(7) != run(8)


def test_without_a_seed_one_is_chosen_and_shown() -> None:
    rule = new_rule("500", probability=0.5)
    assert isinstance(rule.seed, int)
    assert f"seed {rule.seed}" in str(rule)


def test_faulted_requests_are_recorded_and_clear_keeps_them() -> None:
    plan = FaultPlan()
    rule = plan.add(new_rule("503", endpoints=["send_sms"]))
    plan.decide(GET, START)
    plan.decide(sms(), START)
    [faulted] = plan.faulted
    assert (faulted.at, faulted.kind, faulted.endpoint, faulted.method, faulted.path, faulted.rule) == (
        START,
        "503",
        "send_sms",
        "POST",
        "/v2/notifications/sms",
        rule,
    )
    generation = plan.generation
    plan.clear()
    assert plan.rules == [] and not plan.active
    assert plan.generation == generation + 1
    assert plan.decide(sms(), START) is None
    assert len(plan.faulted) == 1


def test_a_rule_describes_itself() -> None:
    rule = new_rule("500", endpoints=["send_sms"], recipient="07700900123", times=2)
    assert str(rule) == "500 on send_sms, to '07700900123', 0 of 2 applied"
