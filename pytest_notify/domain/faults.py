"""Fault rules: which of a service's requests fail on purpose, and how (no HTTP here).

A service holds a :class:`FaultPlan`: rules in the order they were added. For each authenticated
request the HTTP layer describes the request as a :class:`FaultRequest`; the first rule that matches
it (endpoint, recipient, template), has faults left (``times``) and wins its draw (``probability``,
from the rule's own seeded generator) decides the fault. The HTTP layer then answers with it.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from pytest_notify.domain.email_address import normalise_email_address
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.phone import normalise_phone_number

FAULT_KINDS = ("500", "503", "429", "latency", "drop", "hang")
"""``500`` Notify's internal error, ``503`` a load balancer's page, ``429`` Notify's rate-limit error,
``latency`` a normal response held back, ``drop`` the connection closed with no response, ``hang`` no
response until the client gives up (or the hold ends)."""

SENDS = ("send_sms", "send_email", "send_letter")
"""The endpoints that have a recipient and a template (``send_letter`` includes precompiled letters)."""

ENDPOINTS = (
    *SENDS,
    "get_notification",
    "get_notifications",
    "get_pdf",
    "get_template",
    "get_template_version",
    "get_templates",
    "preview_template",
    "get_received_texts",
)
"""Every endpoint a fault can be aimed at, by its friendly name."""

ENDPOINT_GROUPS: dict[str, tuple[str, ...]] = {"send": SENDS}

# The official Python client's method names, so a test can name the call it makes.
ENDPOINT_ALIASES = {
    "send_sms_notification": "send_sms",
    "send_email_notification": "send_email",
    "send_letter_notification": "send_letter",
    "send_precompiled_letter_notification": "send_letter",
    "get_notification_by_id": "get_notification",
    "get_all_notifications": "get_notifications",
    "get_all_notifications_iterator": "get_notifications",
    "get_pdf_for_letter": "get_pdf",
    "get_all_templates": "get_templates",
    "post_template_preview": "preview_template",
    "get_received_texts_iterator": "get_received_texts",
}

MAX_SECONDS = 600.0
"""The longest a ``latency`` or ``hang`` fault may hold a request: a forgotten rule cannot hold a
server thread (or a test run) for ever."""
DEFAULT_HANG_SECONDS = 60.0
"""How long ``hang`` holds a request when not told: longer than the Python client's 30 s default."""
DEFAULT_500_ERROR = "Exception"
"""The exception class name in a ``500`` body; Notify reports the class of whatever was raised."""


@dataclass(frozen=True)
class FaultRequest:
    """What a rule is matched against: one authenticated request, described by the HTTP layer."""

    endpoint: str
    method: str
    path: str
    notification_type: str | None = None
    """``sms``, ``email`` or ``letter`` for sends."""
    recipients: tuple[str, ...] = ()
    """The phone number, the email address, or a letter's address lines, as sent."""
    template_id: str | None = None


@dataclass(eq=False)
class FaultRule:
    """One fault rule of a service. Made by :func:`new_rule`; ``applied`` counts the faults so far."""

    kind: str
    endpoints: frozenset[str] | None
    """Friendly endpoint names; ``None`` for every endpoint."""
    recipient: str | None
    template_id: uuid.UUID | None
    times: int | None
    """Fault at most this many matching requests; ``None`` for no limit."""
    probability: float | None
    seed: int
    """The seed of the rule's generator (chosen at random when not given), to replay a run."""
    seconds: float | None
    """How long ``latency`` holds the response, or the longest ``hang`` holds the request."""
    error: str | None
    """The exception class name a ``500`` body reports."""
    applied: int = 0
    _random: random.Random = field(init=False, repr=False)
    _recipient_keys: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._recipient_keys = _recipient_keys(self.recipient) if self.recipient is not None else frozenset()

    @property
    def remaining(self) -> int | None:
        """Faults still to come (``None`` for no limit)."""
        return None if self.times is None else max(self.times - self.applied, 0)

    def matches(self, request: FaultRequest) -> bool:
        """Whether ``request`` is one this rule is aimed at (ignoring ``times`` and ``probability``)."""
        if self.endpoints is not None and request.endpoint not in self.endpoints:
            return False
        if self.template_id is not None and not _same_uuid(request.template_id, self.template_id):
            return False
        if self.recipient is not None:
            return bool(self._recipient_keys & _request_recipient_keys(request))
        return True

    def draw(self) -> bool:
        """Take the rule's chance (always true without ``probability``); advances its generator."""
        return self.probability is None or self._random.random() < self.probability

    def __str__(self) -> str:
        where = "every endpoint" if self.endpoints is None else ", ".join(sorted(self.endpoints))
        parts = [f"{self.kind} on {where}"]
        if self.recipient is not None:
            parts.append(f"to {self.recipient!r}")
        if self.template_id is not None:
            parts.append(f"template {self.template_id}")
        if self.times is not None:
            parts.append(f"{self.applied} of {self.times} applied")
        if self.probability is not None:
            parts.append(f"probability {self.probability} (seed {self.seed})")
        return ", ".join(parts)


@dataclass(frozen=True)
class FaultedRequest:
    """A request a rule faulted: when (service clock), which endpoint, and the rule."""

    at: dt.datetime
    kind: str
    endpoint: str
    method: str
    path: str
    rule: FaultRule


class FaultPlan:
    """A service's fault rules and the requests they faulted. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._faulted: list[FaultedRequest] = []
        self._generation = 0

    @property
    def active(self) -> bool:
        """Whether any rule can still fault (lets the HTTP layer skip describing requests)."""
        with self._lock:
            return any(rule.remaining != 0 for rule in self._rules)

    @property
    def rules(self) -> list[FaultRule]:
        """Every rule added since the last clear, spent ones included."""
        with self._lock:
            return list(self._rules)

    @property
    def faulted(self) -> list[FaultedRequest]:
        """Every request faulted since the service was made, oldest first (``clear`` keeps them)."""
        with self._lock:
            return list(self._faulted)

    @property
    def generation(self) -> int:
        """Moves on at each :meth:`clear`: a request held by a ``hang`` fault is let go when it does."""
        return self._generation

    def add(self, rule: FaultRule) -> FaultRule:
        """Add a rule after the others (earlier rules are tried first)."""
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule and let go of requests held by ``hang`` (the record stays)."""
        with self._lock:
            self._rules.clear()
            self._generation += 1

    def decide(self, request: FaultRequest, now: dt.datetime) -> FaultRule | None:
        """The rule that faults ``request``, counted and recorded; ``None`` to answer normally."""
        with self._lock:
            for rule in self._rules:
                if rule.remaining != 0 and rule.matches(request) and rule.draw():
                    rule.applied += 1
                    self._faulted.append(
                        FaultedRequest(now, rule.kind, request.endpoint, request.method, request.path, rule)
                    )
                    return rule
            return None


def new_rule(
    kind: str | int,
    *,
    endpoints: Iterable[str] | None = None,
    recipient: str | None = None,
    template_id: str | uuid.UUID | None = None,
    times: int | None = None,
    probability: float | None = None,
    seed: int | None = None,
    seconds: float | None = None,
    error: str | None = None,
) -> FaultRule:
    """Check a rule's arguments and make it; :class:`ConfigurationError` names any mistake."""
    name = str(kind).strip().lower()
    if isinstance(kind, bool) or name not in FAULT_KINDS:
        raise ConfigurationError(f"fault kind {kind!r} is not one of {', '.join(FAULT_KINDS)}")
    chosen = _endpoints(endpoints)
    if recipient is not None or template_id is not None:
        not_sends = sorted((chosen or frozenset()) - set(SENDS))
        if not_sends:
            raise ConfigurationError(
                f"recipient= and template_id= pick sends ({', '.join(SENDS)}); {', '.join(not_sends)} has neither"
            )
        chosen = chosen or frozenset(SENDS)
    if recipient is not None and (not isinstance(recipient, str) or not recipient.strip()):
        raise ConfigurationError(
            f"recipient must be a phone number, an email address or an address line, not {recipient!r}"
        )
    return FaultRule(
        kind=name,
        endpoints=chosen,
        recipient=recipient,
        template_id=_template_id(template_id),
        times=_times(times),
        probability=_probability(probability),
        seed=_seed(seed, probability),
        seconds=_seconds(name, seconds),
        error=_error(name, error),
    )


def canonical_endpoint(name: str) -> tuple[str, ...]:
    """The friendly endpoint names ``name`` stands for (a name, an alias or the group ``send``)."""
    key = name.strip().lower()
    key = ENDPOINT_ALIASES.get(key, key)
    if key in ENDPOINT_GROUPS:
        return ENDPOINT_GROUPS[key]
    if key in ENDPOINTS:
        return (key,)
    raise ConfigurationError(
        f"unknown endpoint {name!r}: use one of {', '.join(ENDPOINTS)}, 'send' (every send), a method of the "
        f"official Python client, or 'METHOD /path' such as 'POST /v2/notifications/sms'"
    )


def _endpoints(endpoints: Iterable[str] | None) -> frozenset[str] | None:
    if endpoints is None:
        return None
    names = [endpoints] if isinstance(endpoints, str) else list(endpoints)
    if not names:
        raise ConfigurationError("endpoint: give an endpoint (or a list of them), or leave it out for every endpoint")
    found: set[str] = set()
    for name in names:
        if not isinstance(name, str):
            raise ConfigurationError(f"endpoint: each is a name such as 'send_sms', not {name!r}")
        found.update(canonical_endpoint(name))
    return frozenset(found)


def _template_id(value: str | uuid.UUID | None) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ConfigurationError(f"template_id must be a template's id (a UUID), not {value!r}") from None


def _times(value: int | None) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ConfigurationError(f"times must be a whole number of requests, 1 or more, not {value!r}")
    return value


def _probability(value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise ConfigurationError(f"probability must be a number above 0 and at most 1, not {value!r}")
    return float(value)


def _seed(value: int | None, probability: float | None) -> int:
    if value is None:
        # Still a seeded generator: the rule shows the seed, so a run can be replayed with seed=.
        return random.SystemRandom().randrange(2**32)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError(f"seed must be a whole number, not {value!r}")
    if probability is None:
        raise ConfigurationError("seed= only makes sense with probability=")
    return value


def _seconds(kind: str, value: float | None) -> float | None:
    if kind not in ("latency", "hang"):
        if value is not None:
            raise ConfigurationError(f"seconds= is for 'latency' and 'hang' faults, not {kind!r}")
        return None
    if value is None:
        if kind == "latency":
            raise ConfigurationError("a 'latency' fault needs seconds= (how long to hold the response)")
        return DEFAULT_HANG_SECONDS
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_SECONDS:
        raise ConfigurationError(f"seconds must be a number above 0 and at most {MAX_SECONDS:g}, not {value!r}")
    return float(value)


def _error(kind: str, value: str | None) -> str | None:
    if kind != "500":
        if value is not None:
            raise ConfigurationError(f"error= names the exception in a '500' body, not for {kind!r}")
        return None
    if value is None:
        return DEFAULT_500_ERROR
    if not isinstance(value, str) or not value.isidentifier():
        raise ConfigurationError(f"error must be an exception class name such as 'KeyError', not {value!r}")
    return value


def _words(text: str) -> str:
    return " ".join(text.split()).lower()


def _recipient_keys(recipient: str) -> frozenset[str]:
    """The forms a rule's recipient may take: as written (tidied), and as a phone number."""
    keys = {_words(recipient)}
    phone = normalise_phone_number(recipient)
    if phone:
        keys.add(phone)
    return frozenset(keys)


def _request_recipient_keys(request: FaultRequest) -> frozenset[str]:
    if request.notification_type == "sms":
        return frozenset(normalise_phone_number(r) or _words(r) for r in request.recipients)
    if request.notification_type == "email":
        return frozenset(_words(normalise_email_address(r)) for r in request.recipients)
    return frozenset(_words(r) for r in request.recipients)


def _same_uuid(value: str | None, wanted: uuid.UUID) -> bool:
    try:
        return value is not None and uuid.UUID(value.strip()) == wanted
    except ValueError:
        return False
