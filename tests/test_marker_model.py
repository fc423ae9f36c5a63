"""The markers without pytest: argument types, stacking of layers, scenario order (pytest_notify.markers,
.argument_types and .scenarios); the pytester tests in tests/plugin/ show the same through pytest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

import pytest

from pytest_notify.argument_types import Described, describe, matches, shown
from pytest_notify.domain.callbacks import CallbackOutage
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.service import DEFAULT_PERMISSIONS
from pytest_notify.faults import FaultSpec
from pytest_notify.markers import MarkerCall, MarkerError, notify_service, plan_from_markers, signature_text
from pytest_notify.scenarios import SCENARIOS
from pytest_notify.service_setup import ServiceExtras, check_settings


@pytest.mark.parametrize(
    ("value", "hint", "expected"),
    [
        (True, bool, True),
        (1, bool, False),
        (1, int, True),
        (True, int, False),  # a flag is not a number, although bool subclasses int
        (1, float, True),
        (1.5, int, False),
        ("a", str | None, True),
        (None, str | None, True),
        (["a", "b"], Sequence[str], True),
        (("a",), Sequence[str], True),
        ("ab", Sequence[str], False),  # a string is never a list here
        ({"a"}, Sequence[str], False),
        ([1], Sequence[str], False),
        ({"sms": 1}, Mapping[str, int], True),
        ({"sms": "1"}, Mapping[str, int], False),
        (["u", "t"], tuple[str, str], True),
        (("u",), tuple[str, str], False),
        ("warn", Literal["warn", "error"], True),
        ("loud", Literal["warn", "error"], False),
        (500, Literal[500, 503], True),
        (500.0, Literal[500, 503], False),
        (3, Annotated[int, Described("x")], True),
        (FaultSpec("500"), FaultSpec | str, True),
        (object(), Any, True),
    ],
)
def test_matches(value: object, hint: Any, expected: bool) -> None:
    assert matches(value, hint) is expected


def test_describe() -> None:
    assert describe(str | None) == "a string or None"
    assert describe(None | int) == "a whole number or None"  # None last, whatever the order written
    assert describe(Sequence[str]) == "a list (each a string)"
    assert describe(Mapping[str, int]) == "a dict of a string to a whole number"
    assert describe(tuple[str, int]) == "a pair (a string, a whole number)"
    assert describe(Literal["a", 1]) == "one of 'a', 1"
    assert describe(Annotated[int, Described("a count")]) == "a count"
    assert describe(FaultSpec) == "a FaultSpec"
    assert shown("x" * 100).endswith("... (str)")


def test_the_marker_line_is_the_signature() -> None:
    text = signature_text(notify_service)
    assert text.startswith("*, name=None, trial_mode=False, organisation_type='central', ")
    assert text.endswith("failing_callbacks=False, key_misuse=None")
    assert SCENARIOS["rate_limited"].usage() == "rate_limited(*, limit=1)"
    assert SCENARIOS["trial_service"].usage() == "trial_service()"


def service(where: str = "", **kwargs: Any) -> MarkerCall:
    return MarkerCall("notify_service", (), kwargs, where)


def scenario(name: str, where: str = "", **params: Any) -> MarkerCall:
    return MarkerCall("notify_scenario", (name,), params, where)


def test_layers_stack_closest_last_key_by_key() -> None:
    plan = plan_from_markers(
        [
            [service(name="Module", guest_list=["a@example.com"], trial_mode=True)],
            [service(name="Test", guest_list=[])],
        ],
        base={"organisation_type": "local", "name": "Session"},
    )
    assert plan.settings == {"organisation_type": "local", "name": "Test", "guest_list": [], "trial_mode": True}
    assert plan.scenarios == {}


def test_at_one_layer_scenarios_come_first() -> None:
    plan = plan_from_markers([[service(rate_limit=20), scenario("rate_limited", limit=5)]])
    assert plan.settings["rate_limit"] == 20
    assert plan.scenarios == {"rate_limited": {"limit": 5}}


def test_a_closer_scenario_beats_a_farther_notify_service() -> None:
    plan = plan_from_markers([[service(permissions=["sms", "letter"])], [scenario("letters_not_allowed")]])
    assert plan.settings["permissions"] == ["sms"]


def test_scenarios_act_on_notify_defaults_when_nothing_was_given() -> None:
    plan = plan_from_markers([[scenario("letters_not_allowed"), scenario("international_sms_not_allowed")]])
    assert plan.settings["permissions"] == [p for p in DEFAULT_PERMISSIONS if p not in ("letter", "international_sms")]


def test_scenario_faults_add_to_the_faults_so_far() -> None:
    plan = plan_from_markers(
        [[service(faults=["429"])], [scenario("provider_outage", status=503), scenario("slow_api", seconds=0.5)]]
    )
    faults = plan.settings["faults"]
    assert faults[0] == "429"
    assert [(f.kind, dict(f.options)) for f in faults[1:]] == [
        ("503", {"endpoint": "send", "times": None}),
        ("latency", {"seconds": 0.5, "endpoint": None}),
    ]


def test_a_scenario_given_twice_keeps_its_last_parameters_and_place() -> None:
    plan = plan_from_markers(
        [[scenario("rate_limited", limit=3), scenario("trial_service")], [scenario("rate_limited")]]
    )
    assert list(plan.scenarios.items()) == [("trial_service", {}), ("rate_limited", {"limit": 1})]
    assert plan.settings["rate_limit"] == 1


def test_errors_name_the_marker_and_where_it_is() -> None:
    with pytest.raises(MarkerError) as error:
        plan_from_markers([[service("mod.py", trial_mod=True)]])
    assert error.value.located().startswith("mod.py: @pytest.mark.notify_service: unknown argument 'trial_mod'")
    with pytest.raises(MarkerError, match=r"^@pytest.mark.notify_scenario\('slow_api'\): seconds must be a number"):
        plan_from_markers([[scenario("slow_api", seconds="1")]])


def test_every_scenario_applies_and_builds_a_service() -> None:
    for name in SCENARIOS:
        plan = plan_from_markers([[scenario(name)]])
        check_settings(plan.settings)  # raises if the bundle is not a valid service


def test_daily_limit_reached_counts_the_limit_the_service_ends_with() -> None:
    plan = plan_from_markers([[scenario("daily_limit_reached", channel="email")], [service(email_limit=9)]])
    assert plan.settings["sent_today"] == {"email": "limit"}
    extras = ServiceExtras.take(dict(plan.settings))
    assert extras.sent_today == {"email": "limit"}


def test_callback_outage_takes_its_tries() -> None:
    outage = CallbackOutage(status=None, times=2)
    assert outage.take() == (None, "ConnectionRefusedError: [Errno 111] Connection refused (failing callbacks)")
    assert outage.take() is not None
    assert outage.take() is None  # over
    assert CallbackOutage(status=503).take() == (503, None)
    with pytest.raises(ConfigurationError, match="from 400 to 599"):
        CallbackOutage(status=302)
    with pytest.raises(ConfigurationError, match="times must be a whole number from 1"):
        CallbackOutage(times=0)
