"""The test-key simulator, timelines and smoke-test recipients (reference §5.1, §5.2, §6.2, §3.6).

Expected values come from the reference; where a value is derived rather than quoted, the comment
next to it says how.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.notifications import COMPLETED_STATUSES, Notification, StatusAt, Step
from pytest_notify.domain.simulator import (
    SMOKE_TEST_EMAILS,
    SMOKE_TEST_NUMBERS,
    Timings,
    is_smoke_test_recipient,
    plan_steps,
)
from pytest_notify.domain.simulator import simulated_outcome as key_outcome
from tests.conftest import START

T0 = START


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


# -- simulated_outcome: SMS (§5.1: `to.strip().endswith(...)` on the unnormalised recipient) -------


@pytest.mark.parametrize(
    ("to", "outcome"),
    [
        # The reference's own examples.
        ("07700900003", "temporary-failure"),
        ("+447700900003", "temporary-failure"),
        ("447700900003", "temporary-failure"),
        ("07700 900 003", "delivered"),
        ("07700900002", "permanent-failure"),
        # Derived: the same endswith on the other forms of ...002.
        ("+447700900002", "permanent-failure"),
        ("447700900002", "permanent-failure"),
        ("07700 900 002", "delivered"),
        # Derived: the raw string is stripped before the endswith.
        ("  07700900003  ", "temporary-failure"),
        ("\t+447700900002\n", "permanent-failure"),
        # Derived: punctuation inside the last ten digits breaks the suffix.
        ("07700-900003", "delivered"),
        ("+44 (0)7700 900003", "delivered"),
        # Anything else is delivered.
        ("07700900001", "delivered"),
        ("07700900123", "delivered"),
        ("07700900004", "delivered"),
    ],
)
def test_sms_outcome(to: str, outcome: str) -> None:
    assert key_outcome("sms", to) == outcome


# -- test_key_outcome: email (§5.1: exact, case-sensitive comparisons on the raw `to`) -----------


@pytest.mark.parametrize(
    ("to", "outcome"),
    [
        ("temp-fail@simulator.notify", "temporary-failure"),
        ("perm-fail@simulator.notify", "permanent-failure"),
        # Case-sensitive: any other case is just another address, delivered.
        ("Temp-Fail@simulator.notify", "delivered"),
        ("PERM-FAIL@SIMULATOR.NOTIFY", "delivered"),
        ("temp-fail@Simulator.Notify", "delivered"),
        # Exact: not a suffix or prefix match.
        ("xtemp-fail@simulator.notify", "delivered"),
        ("perm-fail@simulator.notify.uk", "delivered"),
        # Defined in Notify's code but unused: delivered like any other address.
        ("delivered@simulator.notify", "delivered"),
        ("jo@example.com", "delivered"),
        # Derived: the stored `to` has surrounding whitespace removed (§13), so padding does not
        # stop the match.
        ("  temp-fail@simulator.notify ", "temporary-failure"),
    ],
)
def test_email_outcome(to: str, outcome: str) -> None:
    assert key_outcome("email", to) == outcome


# -- plan_steps ------------------------------------------------------------------------------

TIMINGS = Timings(sending=1, final=5)


def test_uk_sms_created_sending_delivered() -> None:
    assert plan_steps("sms", KeyType.TEST, "07700900123", T0, TIMINGS) == [
        Step("created", T0),
        Step("sending", at(1)),
        Step("delivered", at(5)),
    ]


@pytest.mark.parametrize(
    ("to", "outcome"),
    [("07700900003", "temporary-failure"), ("+447700900002", "permanent-failure"), ("07700 900 003", "delivered")],
)
def test_test_key_sms_ends_where_the_simulator_says(to: str, outcome: str) -> None:
    assert plan_steps("sms", KeyType.TEST, to, T0, TIMINGS) == [
        Step("created", T0),
        Step("sending", at(1)),
        Step(outcome, at(5)),
    ]


@pytest.mark.parametrize(
    ("to", "outcome"),
    [
        ("temp-fail@simulator.notify", "temporary-failure"),
        ("perm-fail@simulator.notify", "permanent-failure"),
        ("Temp-Fail@simulator.notify", "delivered"),
    ],
)
def test_test_key_email_ends_where_the_simulator_says(to: str, outcome: str) -> None:
    assert plan_steps("email", KeyType.TEST, to, T0, TIMINGS) == [
        Step("created", T0),
        Step("sending", at(1)),
        Step(outcome, at(5)),
    ]


@pytest.mark.parametrize("key_type", [KeyType.TEAM, KeyType.LIVE])
@pytest.mark.parametrize(("kind", "to"), [("sms", "07700900003"), ("email", "perm-fail@simulator.notify")])
def test_simulator_only_applies_to_test_keys(key_type: KeyType, kind: str, to: str) -> None:
    # Only test-key sends go to the research-mode queue (§5.1); the fake's other sends end delivered.
    assert plan_steps(kind, key_type, to, T0, TIMINGS)[-1] == Step("delivered", at(5))


def test_international_sms_is_sent_then_its_outcome() -> None:
    # §6.2: `created` → `sent` for international numbers, then the receipt's outcome.
    steps = plan_steps("sms", KeyType.TEST, "+33612345678", T0, TIMINGS, international=True)
    assert steps == [Step("created", T0), Step("sent", at(1)), Step("delivered", at(5))]


def test_international_sms_without_delivery_receipts_stays_sent() -> None:
    # §5.1 point 5: no receipt ever arrives, so `sent` is where the timeline ends.
    steps = plan_steps("sms", KeyType.TEST, "+12025550123", T0, TIMINGS, international=True, delivery_receipts=False)
    assert steps == [Step("created", T0), Step("sent", at(1))]


def test_international_test_key_failure_number_still_fails_with_receipts() -> None:
    # Derived: the endswith applies to the raw string whatever the country.
    steps = plan_steps("sms", KeyType.TEST, "+337700900003", T0, TIMINGS, international=True)
    assert steps[-1] == Step("temporary-failure", at(5))


def test_international_flag_means_nothing_for_email() -> None:
    steps = plan_steps("email", KeyType.LIVE, "jo@example.com", T0, TIMINGS, international=True)
    assert [s.status for s in steps] == ["created", "sending", "delivered"]


def test_default_timings_put_every_step_at_creation() -> None:
    steps = plan_steps("sms", KeyType.LIVE, "07700900123", T0, Timings())
    assert steps == [Step("created", T0), Step("sending", T0), Step("delivered", T0)]


# -- Notification.status_at ------------------------------------------------------------------


def make_notification(steps: list[Step], *, kind: str = "sms") -> Notification:
    return Notification(
        id=uuid.uuid4(),
        service_id=uuid.uuid4(),
        type=kind,
        key_type=KeyType.TEST,
        api_key_id=uuid.uuid4(),
        key_name="k",
        template_id=uuid.uuid4(),
        template_version=1,
        to="07700900123",
        normalised_to="447700900123",
        personalisation={},
        reference=None,
        body="hi",
        subject=None,
        created_at=T0,
        steps=steps,
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Before creation (a clock set back): nothing has happened yet.
        (at(-10), StatusAt("created", None, None)),
        (at(0), StatusAt("created", None, None)),
        (at(0.999999), StatusAt("created", None, None)),
        (at(1), StatusAt("sending", at(1), at(1))),
        (at(3), StatusAt("sending", at(1), at(1))),
        (at(4.999999), StatusAt("sending", at(1), at(1))),
        # sent_at stays at the hand-over; updated_at moves to the outcome.
        (at(5), StatusAt("delivered", at(5), at(1))),
        (at(86400 * 30), StatusAt("delivered", at(5), at(1))),
    ],
)
def test_status_at_before_between_and_after_steps(now: dt.datetime, expected: StatusAt) -> None:
    n = make_notification(plan_steps("sms", KeyType.TEST, "07700900123", T0, TIMINGS))
    assert n.status_at(now) == expected


def test_status_at_international_without_receipts() -> None:
    n = make_notification(
        plan_steps("sms", KeyType.TEST, "+12025550123", T0, TIMINGS, international=True, delivery_receipts=False)
    )
    assert n.status_at(at(0.5)) == StatusAt("created", None, None)
    assert n.status_at(at(1)) == StatusAt("sent", at(1), at(1))
    assert n.status_at(at(86400 * 6)) == StatusAt("sent", at(1), at(1))
    assert n.final_status == "sent"
    # `sent` is a completed status, so completed_at (= updated_at) is shown from then on (§3.6).
    assert "sent" in COMPLETED_STATUSES


def test_status_at_with_default_timings_is_final_at_creation() -> None:
    n = make_notification(plan_steps("sms", KeyType.TEST, "07700900002", T0, Timings()))
    assert n.status_at(T0) == StatusAt("permanent-failure", T0, T0)


def test_status_at_email_temporary_failure() -> None:
    n = make_notification(plan_steps("email", KeyType.TEST, "temp-fail@simulator.notify", T0, TIMINGS), kind="email")
    assert n.status_at(at(2)) == StatusAt("sending", at(1), at(1))
    assert n.status_at(at(5)) == StatusAt("temporary-failure", at(5), at(1))
    assert n.final_status == "temporary-failure"


def test_final_status_without_steps_is_created() -> None:
    n = make_notification([])
    assert n.final_status == "created"
    assert n.status_at(at(100)) == StatusAt("created", None, None)


def test_completed_statuses_match_the_reference() -> None:
    # §3.6: NOTIFICATION_STATUS_TYPES_COMPLETED; virus-scan-failed is *not* completed.
    assert (
        frozenset(
            {
                "sent",
                "delivered",
                "failed",
                "technical-failure",
                "temporary-failure",
                "permanent-failure",
                "returned-letter",
                "cancelled",
                "validation-failed",
            }
        )
        == COMPLETED_STATUSES
    )


# -- Timings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("sending", "final"), [(0, 0), (0, 5), (2, 2), (1, 5), (0.5, 0.75)])
def test_valid_timings(sending: float, final: float) -> None:
    timings = Timings(sending=sending, final=final)
    assert (timings.sending, timings.final) == (sending, final)


@pytest.mark.parametrize(("sending", "final"), [(-1, 0), (-0.1, 5), (5, 1), (0, -1), (2, 1.999)])
def test_invalid_timings(sending: float, final: float) -> None:
    with pytest.raises(ValueError):
        Timings(sending=sending, final=final)


def test_default_timings_are_zero() -> None:
    assert Timings() == Timings(sending=0, final=0)


# -- smoke-test recipients (§5.2) ------------------------------------------------------------


def test_smoke_test_lists_are_exactly_the_references() -> None:
    assert {
        "simulate-delivered@notifications.service.gov.uk",
        "simulate-delivered-2@notifications.service.gov.uk",
        "simulate-delivered-3@notifications.service.gov.uk",
    } == SMOKE_TEST_EMAILS
    # +447700900000, +447700900111, +447700900222, compared in normalised form.
    assert {"447700900000", "447700900111", "447700900222"} == SMOKE_TEST_NUMBERS


@pytest.mark.parametrize(
    ("kind", "normalised", "expected"),
    [
        ("email", "simulate-delivered@notifications.service.gov.uk", True),
        ("email", "simulate-delivered-2@notifications.service.gov.uk", True),
        ("email", "simulate-delivered-3@notifications.service.gov.uk", True),
        ("email", "simulate-delivered-4@notifications.service.gov.uk", False),
        ("email", "delivered@simulator.notify", False),
        ("sms", "447700900000", True),
        ("sms", "447700900111", True),
        ("sms", "447700900222", True),
        ("sms", "447700900333", False),
        ("sms", "447700900003", False),
        # An email address is not an SMS recipient and vice versa.
        ("sms", "simulate-delivered@notifications.service.gov.uk", False),
        ("email", "447700900000", False),
        ("letter", "447700900000", False),
    ],
)
def test_is_smoke_test_recipient(kind: str, normalised: str, expected: bool) -> None:
    assert is_smoke_test_recipient(kind, normalised) is expected
