"""The ``notify_service`` and ``notify_scenario`` markers, without pytest: their arguments, checks and stacking.

:func:`notify_service` is a real function whose keyword-only parameters *are* the marker's arguments:
its signature checks a marker (unknown names, positional arguments, wrong types), writes the
``pytest --markers`` line, and is what ``docs/markers-and-scenarios.md`` documents (a test keeps the
two in step). The plugin turns a test's markers into layers (:class:`MarkerCall`) and
:func:`plan_from_markers` stacks them into the settings of the test's service.

Stacking, the one rule: layers go from the outermost (a conftest's or module's ``pytestmark``) to
the test itself; within a layer, the scenarios apply first (in reading order), then the
``notify_service`` arguments. A later step wins key by key, so the closest marker wins; list and
dict arguments are replaced whole, never merged. A scenario acts on the settings so far
(``letters_not_allowed`` takes ``letter`` out of the permissions it finds), so a scenario and the
markers around it compose.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pytest_notify.argument_types import Described, describe, matches, parameter_types, shown
from pytest_notify.domain.errors import ConfigurationError

if TYPE_CHECKING:
    # Named by notify_service's annotations, which are only read to check a marker: imported then
    # (_import_annotation_types), as they bring in the domain and the HTTP layer, and the plugin
    # imports this module at start-up for the markers' --markers lines.
    from pytest_notify.domain.callbacks import CallbackApi
    from pytest_notify.domain.service import TeamMember
    from pytest_notify.domain.timings import Timings
    from pytest_notify.faults import FaultSpec

USED_UP = "limit"
"""A ``sent_today`` count meaning "all of the channel's daily limit"."""
SERVICE_MARKER = "notify_service"
SCENARIO_MARKER = "notify_scenario"

Limit = Annotated[int | None, Described("a whole number of 0 or more (None: Notify's default)")]
Callback = Annotated[
    "tuple[str, str] | Mapping[str, str] | CallbackApi | None", Described("a (url, bearer_token) pair or None")
]
Choice = Annotated[str | Mapping[str, Any], Described("a string or a dict")]


def notify_service(
    *,
    name: str | None = None,
    trial_mode: bool = False,
    organisation_type: str = "central",
    permissions: Annotated[Sequence[str] | None, Described("a list of permissions (None: Notify's defaults)")] = None,
    team_members: Annotated[
        Sequence[str | Mapping[str, str] | TeamMember], Described("a list of email addresses, mobile numbers or dicts")
    ] = (),
    guest_list: Annotated[Sequence[str], Described("a list of email addresses and phone numbers")] = (),
    email_sender_name: str | None = None,
    prefix_sms: bool = False,
    contact_link: str | None = None,
    inbound_number: str | None = None,
    sms_senders: Annotated[Sequence[Choice], Described("a list of senders (strings or dicts)")] = (),
    reply_to_addresses: Annotated[Sequence[Choice], Described("a list of email addresses (strings or dicts)")] = (),
    templates: Annotated[
        Mapping[str, Sequence[str | None] | Mapping[str, Any]] | Sequence[Mapping[str, Any]],
        Described("a dict of name to (type, body[, subject]) or to a dict, or a list of dicts"),
    ] = (),
    live_key: bool = True,
    rate_limit: Limit = None,
    sms_limit: Limit = None,
    email_limit: Limit = None,
    letter_limit: Limit = None,
    international_sms_limit: Limit = None,
    sent_today: Annotated[
        Mapping[str, int | Literal["limit"]] | None, Described("a dict of channel to a count or 'limit'")
    ] = None,
    timings: Annotated[
        str | Mapping[str, Any] | Timings | None, Described("'instant', 'clock', 'manual' or a dict of delays")
    ] = None,
    outcomes: Annotated[Mapping[str, str] | None, Described("a dict of channel or recipient to a final status")] = None,
    faults: Annotated[
        Sequence[FaultSpec | str | int | Mapping[str, Any]], Described("a list of fault(...), kinds or dicts")
    ] = (),
    delivery_status_callback: Callback = None,
    inbound_sms_callback: Callback = None,
    failing_callbacks: Annotated[
        bool | Mapping[str, int | None], Described("True, or a dict with status and times")
    ] = False,
    key_misuse: Literal["warn", "error", "ignore"] | None = None,
) -> dict[str, Any]:
    """``@pytest.mark.notify_service(...)``: the settings of the service the ``notify`` fixture gives a test.

    Every argument is documented, with an example, in ``docs/markers-and-scenarios.md``. Called
    directly it returns every argument, defaults filled in; the plugin only reads its signature.
    """
    return dict(locals())


SERVICE_PARAMETERS: Mapping[str, inspect.Parameter] = inspect.signature(notify_service).parameters
SERVICE_ARGUMENTS = frozenset(SERVICE_PARAMETERS)
"""Every ``notify_service`` argument name."""


class MarkerError(ConfigurationError):
    """A marker that cannot be used; ``where`` is the node id of what it marks."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.where = where

    def located(self) -> str:
        """The message, after the node id of what the marker is on."""
        return f"{self.where}: {self}" if self.where else str(self)


@dataclass(frozen=True)
class MarkerCall:
    """One ``notify_service`` or ``notify_scenario`` marker as written, and the node id it is on."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    where: str = ""


@dataclass
class MarkerPlan:
    """What a test's markers ask for: the settings given (defaults are the consumer's) and the
    scenarios applied, in order, each with its parameters (defaults filled in)."""

    settings: dict[str, Any]
    scenarios: dict[str, dict[str, Any]]


def checked_arguments(
    marker: str, function: Callable[..., Any], kwargs: Mapping[str, Any], *, what: str | None = None
) -> dict[str, Any]:
    """``kwargs`` checked against ``function``'s keyword-only parameters; a :class:`MarkerError`
    names the marker (``what``, e.g. ``notify_scenario('rate_limited')``) and the argument."""
    label = f"@pytest.mark.{what or marker}"
    parameters = {name: p for name, p in inspect.signature(function).parameters.items() if p.kind is p.KEYWORD_ONLY}
    for argument in kwargs:
        if argument not in parameters:
            raise MarkerError(f"{label}: unknown argument {argument!r}{_suggest(argument, parameters)}")
    _import_annotation_types()
    types = parameter_types(function)
    for argument, value in kwargs.items():
        if not matches(value, types[argument]):
            raise MarkerError(f"{label}: {argument} must be {describe(types[argument])}, got {shown(value)}")
    return dict(kwargs)


def _import_annotation_types() -> None:
    """Put the types :func:`notify_service`'s annotations name into this module, where
    ``typing.get_type_hints`` looks for them (see the imports at the top)."""
    if "FaultSpec" in globals():
        return
    from pytest_notify.domain.callbacks import CallbackApi
    from pytest_notify.domain.service import TeamMember
    from pytest_notify.domain.timings import Timings
    from pytest_notify.faults import FaultSpec

    globals().update(CallbackApi=CallbackApi, TeamMember=TeamMember, Timings=Timings, FaultSpec=FaultSpec)


def _suggest(argument: str, parameters: Iterable[str]) -> str:
    import difflib

    known = list(parameters)  # in the signature's order, as the docs list them
    close = difflib.get_close_matches(argument, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{hint}; it takes {', '.join(known)}" if known else f"{hint}; it takes no arguments"


def check_service_marker(call: MarkerCall) -> dict[str, Any]:
    """The arguments of one ``notify_service`` marker, checked."""
    if call.args:
        raise MarkerError(
            f"@pytest.mark.{SERVICE_MARKER}: takes keyword arguments only, got positional {call.args!r}", call.where
        )
    try:
        return checked_arguments(SERVICE_MARKER, notify_service, call.kwargs)
    except MarkerError as error:
        raise MarkerError(str(error), call.where) from None


def plan_from_markers(layers: Iterable[Sequence[MarkerCall]], base: Mapping[str, Any] | None = None) -> MarkerPlan:
    """Stack a test's markers (outermost layer first; see the module docstring) over ``base``."""
    from pytest_notify.scenarios import apply_scenario  # scenarios.py builds on this module

    settings = dict(base or {})
    scenarios: dict[str, dict[str, Any]] = {}
    for layer in layers:
        for call in layer:
            if call.name == SCENARIO_MARKER:
                name, params = apply_scenario(call, settings)
                scenarios.pop(name, None)  # applied again: it moves to where it last applied
                scenarios[name] = params
        for call in layer:
            if call.name == SERVICE_MARKER:
                settings.update(check_service_marker(call))
    return MarkerPlan(settings, scenarios)


def signature_text(function: Callable[..., Any], *, skip: int = 0) -> str:
    """``*, name=None, trial_mode=False, ...``: the parameters and defaults, for ``--markers``."""
    parts = []
    for parameter in list(inspect.signature(function).parameters.values())[skip:]:
        if parameter.kind is parameter.KEYWORD_ONLY:
            parts.append(f"{parameter.name}={parameter.default!r}")
        else:
            parts.append(parameter.name)
    return ", ".join(["*", *parts]) if parts else ""


__all__ = [
    "SCENARIO_MARKER",
    "SERVICE_ARGUMENTS",
    "SERVICE_MARKER",
    "MarkerCall",
    "MarkerError",
    "MarkerPlan",
    "check_service_marker",
    "checked_arguments",
    "notify_service",
    "plan_from_markers",
    "signature_text",
]
