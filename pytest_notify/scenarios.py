"""The scenario catalogue: ``@pytest.mark.notify_scenario(name, **params)`` and what each name does.

A scenario is a small named bundle of ``notify_service`` settings for a situation integrators need
to test: a trial service, a key that can only reach the team, a rate limit hit, Notify being down.
Each is a function here: its keyword-only parameters are the scenario's parameters (checked like
the markers' arguments), and it changes the settings stacked so far (see :mod:`.markers` for the
order), so scenarios combine with each other and with ``notify_service``.

``docs/markers-and-scenarios.md`` documents each one with an example; a test keeps the two in step.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pytest_notify.argument_types import Described
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.markers import (
    SCENARIO_MARKER,
    USED_UP,
    MarkerCall,
    MarkerError,
    checked_arguments,
    signature_text,
)

# The plugin imports this module at start-up (the catalogue names its markers): what a scenario needs
# of the domain and the HTTP layer is imported when it is applied.

Settings = dict[str, Any]
"""The ``notify_service`` arguments stacked so far (only those given: defaults are the service's)."""

Channel = Literal["sms", "email", "letter", "international_sms"]
Count = Annotated[int, Described("a whole number of 0 or more")]

CALLBACKS_FAILING_URL = "http://127.0.0.1:9/callbacks-failing"
"""The delivery-status callback ``callbacks_failing`` sets when the service has none, so its failed
tries show in ``notify.callbacks``. Port 9 (discard) refuses connections, should a try get through."""
CALLBACKS_FAILING_TOKEN = "callbacks-failing-token"


@dataclass(frozen=True)
class Scenario:
    """One entry of the catalogue."""

    name: str
    function: Callable[..., None]

    @property
    def summary(self) -> str:
        """The first paragraph of the scenario's docstring, on one line."""
        paragraph = (inspect.getdoc(self.function) or "").split("\n\n")[0]
        return " ".join(paragraph.split())

    @property
    def defaults(self) -> dict[str, Any]:
        """Every parameter with its default."""
        parameters = inspect.signature(self.function).parameters.values()
        return {p.name: p.default for p in parameters if p.kind is p.KEYWORD_ONLY}

    def usage(self) -> str:
        """``rate_limited(*, limit=1)``: how the marker is written, defaults shown."""
        return f"{self.name}({signature_text(self.function, skip=1)})"


SCENARIOS: dict[str, Scenario] = {}
"""The catalogue, by name, in the order the docs present it."""


def _scenario(function: Callable[..., None]) -> Callable[..., None]:
    SCENARIOS[function.__name__] = Scenario(function.__name__, function)
    return function


def scenario_marker_name(name: str) -> str:
    """The marker the plugin adds to a test with ``notify_scenario(name)``, so ``-m`` selects by scenario."""
    return f"{SCENARIO_MARKER}_{name}"


# -- the catalogue ----------------------------------------------------------------------------------


@_scenario
def trial_service(settings: Settings) -> None:
    """The service is in trial mode: no live key, sends reach only its team and guest list, 50 a day."""
    settings["trial_mode"] = True


@_scenario
def team_key_only(settings: Settings) -> None:
    """The code under test holds a team key, not a live one: ``notify.live_key`` is None, so sends reach only the team
    and guest list."""
    settings["live_key"] = False


@_scenario
def rate_limited(settings: Settings, *, limit: Count = 1) -> None:
    """A rate limit of ``limit`` requests a minute: each key type's ``ceil(limit / 3)`` first sends go, then Notify's
    429 RateLimitError."""
    from pytest_notify.domain.limits import validated_limit

    settings["rate_limit"] = validated_limit("limit", limit)


@_scenario
def daily_limit_reached(settings: Settings, *, channel: Channel = "sms", limit: Count | None = None) -> None:
    """Live and team keys have used up today's ``channel`` limit (``limit``, or the service's): the next send is
    Notify's 429 TooManyRequestsError."""
    from pytest_notify.domain.limits import validated_limit

    if limit is not None:
        settings[f"{channel}_limit"] = validated_limit("limit", limit)
    # "limit": the count is the service's limit once it is made, whatever the markers after this one
    # say about the limit, the trial mode or the organisation type.
    settings["sent_today"] = {**_mapping(settings.get("sent_today")), channel: USED_UP}


@_scenario
def letters_not_allowed(settings: Settings) -> None:
    """The service lacks the ``letter`` permission: letters get Notify's 400 "Service is not allowed to send
    letters"."""
    _without_permission(settings, "letter")


@_scenario
def international_sms_not_allowed(settings: Settings) -> None:
    """The service lacks ``international_sms``: texts to numbers outside the UK get Notify's 400 "Cannot send to
    international mobile numbers"."""
    _without_permission(settings, "international_sms")


@_scenario
def every_sms_fails(
    settings: Settings,
    *,
    status: Literal["permanent-failure", "temporary-failure", "technical-failure"] = "permanent-failure",
) -> None:
    """Every text message, whatever the key, ends ``status`` instead of ``delivered`` (on the service's timings)."""
    settings["outcomes"] = {**_mapping(settings.get("outcomes")), "sms": status}


@_scenario
def provider_outage(settings: Settings, *, status: Literal[500, 503] = 500, times: int | None = None) -> None:
    """GOV.UK Notify is down: every send gets a 500 "Internal server error" (or a load balancer's 503 page), the first
    ``times`` only if given."""
    from pytest_notify.faults import fault

    settings["faults"] = [*_sequence(settings.get("faults")), fault(str(status), endpoint="send", times=times)]


@_scenario
def slow_api(settings: Settings, *, seconds: float = 1.0, endpoint: str | None = None) -> None:
    """Every request (or every one to ``endpoint``) is answered ``seconds`` late, in real time."""
    from pytest_notify.faults import fault

    settings["faults"] = [*_sequence(settings.get("faults")), fault("latency", seconds=seconds, endpoint=endpoint)]


@_scenario
def callbacks_failing(settings: Settings, *, status: int | None = None, times: int | None = None) -> None:
    """Notify cannot reach the service's callback receivers: each try fails (refused, or answered ``status``) and
    Notify retries; ``times`` ends it."""
    from pytest_notify.domain.callbacks import CallbackOutage

    CallbackOutage(status, times)  # checked here, so a mistake names this scenario
    settings["failing_callbacks"] = {"status": status, "times": times}
    if settings.get("delivery_status_callback") is None:
        settings["delivery_status_callback"] = (CALLBACKS_FAILING_URL, CALLBACKS_FAILING_TOKEN)


# -- applying ---------------------------------------------------------------------------------------


def apply_scenario(call: MarkerCall, settings: Settings) -> tuple[str, dict[str, Any]]:
    """Check one ``notify_scenario`` marker and apply it to ``settings``; its name and parameters
    (defaults filled in). A :class:`MarkerError` names the marker, the scenario and the problem."""
    label = f"@pytest.mark.{SCENARIO_MARKER}"
    if not call.args:
        raise MarkerError(f"{label}: needs a scenario name first, e.g. {SCENARIO_MARKER}('trial_service')", call.where)
    if len(call.args) > 1:
        raise MarkerError(
            f"{label}: takes one scenario name, then keyword parameters; got positional {call.args!r}", call.where
        )
    name = call.args[0]
    if not isinstance(name, str) or name not in SCENARIOS:
        raise MarkerError(f"{label}: unknown scenario {name!r}; known: {', '.join(SCENARIOS)}", call.where)
    scenario = SCENARIOS[name]
    what = f"{SCENARIO_MARKER}({name!r})"
    try:
        params = checked_arguments(SCENARIO_MARKER, scenario.function, call.kwargs, what=what)
        scenario.function(settings, **params)
    except MarkerError as error:
        raise MarkerError(str(error), call.where) from None
    except ConfigurationError as error:  # a value the scenario passes on was refused (fault seconds...)
        raise MarkerError(f"@pytest.mark.{what}: {error}", call.where) from None
    return name, {**scenario.defaults, **params}


def _without_permission(settings: Settings, permission: str) -> None:
    from pytest_notify.domain.service import DEFAULT_PERMISSIONS

    current = settings.get("permissions")
    permissions = DEFAULT_PERMISSIONS if current is None else _sequence(current)
    settings["permissions"] = [p for p in permissions if p != permission]


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: object) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


__all__ = ["SCENARIOS", "Scenario", "apply_scenario", "scenario_marker_name"]
