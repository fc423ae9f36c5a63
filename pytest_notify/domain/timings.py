"""How fast a service's notifications move on: instantly, on the clock, or only when a test says.

A :class:`Timings` is chosen per service and read when a notification is sent; the notification
keeps the one it was planned with, so changing a service's timings never rewrites past sends.

* ``instant``: every step happens at the moment of sending, so a send is final when first read.
* ``clock``: each step happens a number of seconds after creation (per channel), and letters go to
  print and arrive on Notify's own letter calendar.
* ``manual``: a send stays at its first status until the test moves it on.

The delays of :data:`REALISTIC` are the fake's own choice (the reference gives no figures): short
enough that a real-time test sees the outcome within :data:`DEFAULT_WAIT` seconds, long enough that
``created`` and ``sending`` can be seen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_notify.domain.choices import TIMINGS_MODES
from pytest_notify.domain.errors import ConfigurationError

MODES = TIMINGS_MODES

DEFAULT_WAIT = 5.0
"""Seconds ``wait_for`` waits by default: every realistic delay but the letter calendar fits in it."""


MAX_DELAY = 366 * 86400.0
"""The longest delay a timing may have (a year): longer ones would put statuses past the end of time."""


def _check_seconds(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigurationError(f"timings: {name} must be a number of seconds >= 0, not {value!r}")
    # NaN passes "< 0"; it and huge delays (from JSON, say) would fail later, at a send.
    if not value <= MAX_DELAY:
        raise ConfigurationError(f"timings: {name} must be at most {MAX_DELAY:.0f} seconds (366 days), not {value!r}")
    return float(value)


@dataclass(frozen=True)
class Delays:
    """Seconds after creation at which an SMS or email is handed to a provider, and gets its receipt."""

    sending: float
    final: float

    def __post_init__(self) -> None:
        _check_seconds("sending", self.sending)
        _check_seconds("final", self.final)
        if self.final < self.sending:
            raise ConfigurationError(f"timings: final ({self.final}) must not come before sending ({self.sending})")


@dataclass(frozen=True)
class LetterDelays:
    """The steps of a letter, in seconds.

    ``sending`` and ``final`` are seconds after creation at which a live letter is printed and
    delivered; ``None`` means Notify's calendar (the DVLA print run and ``estimated_delivery``).
    """

    pdf: float = 3.0
    """A templated letter's PDF is made this long after creation (``PDFNotReadyError`` before)."""
    virus_check: float = 2.0
    """A precompiled letter stays ``pending-virus-check`` this long."""
    test_delivery: float = 3.0
    """A test-key letter's fake DVLA despatch (``sending`` → ``delivered``) comes this long after creation."""
    sending: float | None = None
    final: float | None = None
    returned: float = 86400.0
    """A letter made to be returned becomes ``returned-letter`` this long after its delivery."""

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is not None:
                _check_seconds(f"letter {field.name}", value)
        if self.sending is not None and self.final is not None and self.final < self.sending:
            raise ConfigurationError("timings: letter final must not come before letter sending")


ZERO_LETTER = LetterDelays(pdf=0, virus_check=0, test_delivery=0, sending=0, final=0, returned=0)


@dataclass(frozen=True)
class Timings:
    """A service's timings. ``Timings(sending=s, final=f)`` gives every channel the same delays.

    ``mode`` is ``instant``, ``clock`` or ``manual``; left out, it is ``instant`` when every delay
    is zero and ``clock`` otherwise. ``sms``, ``email`` and ``letter`` override the shared delays
    per channel.
    """

    sending: float = 0.0
    final: float = 0.0
    mode: str = ""
    sms: Delays | None = None
    email: Delays | None = None
    letter: LetterDelays | None = None

    def __post_init__(self) -> None:
        # ValueError (ConfigurationError is one) for impossible delays, as before modes existed.
        Delays(self.sending, self.final)
        if not self.mode:
            delayed = self.sending or self.final or self.sms or self.email or self.letter
            object.__setattr__(self, "mode", "clock" if delayed else "instant")
        if self.mode not in MODES:
            raise ConfigurationError(f"timings: mode must be one of {', '.join(MODES)}, not {self.mode!r}")

    def delays(self, channel: str) -> Delays:
        """The SMS or email delays (zero when instant)."""
        if self.mode == "instant":
            return Delays(0, 0)
        chosen = self.sms if channel == "sms" else self.email
        return chosen if chosen is not None else Delays(self.sending, self.final)

    @property
    def letter_delays(self) -> LetterDelays:
        """The letter delays (zero when instant); shared delays mean print at ``sending``, deliver at ``final``."""
        if self.mode == "instant":
            return ZERO_LETTER
        if self.letter is not None:
            return self.letter
        return LetterDelays(
            pdf=0,
            virus_check=self.sending,
            test_delivery=self.final,
            sending=self.sending,
            final=self.final,
            returned=0,
        )

    def describe(self) -> str:
        """One line for messages: the mode and, on the clock, the delays."""
        if self.mode != "clock":
            return self.mode
        sms, email, letter = self.delays("sms"), self.delays("email"), self.letter_delays
        return (
            f"clock (sms {sms.sending:g}s/{sms.final:g}s, email {email.sending:g}s/{email.final:g}s, "
            f"letter pdf {letter.pdf:g}s, virus check {letter.virus_check:g}s)"
        )


INSTANT = Timings(mode="instant")
MANUAL = Timings(mode="manual")
REALISTIC = Timings(mode="clock", sms=Delays(0.5, 3.0), email=Delays(0.5, 2.0), letter=LetterDelays())
"""The plugin's default: handed over after half a second, receipts a couple of seconds later."""

PRESETS = {"instant": INSTANT, "clock": REALISTIC, "manual": MANUAL}
_TOP_KEYS = ("sending", "final", "sms", "email", "letter")


def parse_timings(spec: str | Mapping[str, Any] | Timings | None = None, **delays: Any) -> Timings:
    """Timings from what a marker, an ini option or ``notify.set_timings`` was given.

    ``spec`` is ``"instant"``, ``"clock"`` (the realistic delays) or ``"manual"``, a
    :class:`Timings`, or a mapping (merged with ``delays``) meaning the clock with some delays
    changed: ``sending``/``final`` for every channel at once, and ``sms``/``email``/``letter``
    mappings for one channel, e.g. ``{"sms": {"final": 60}, "letter": {"pdf": 10}}``.
    """
    if isinstance(spec, Timings):
        if delays:
            raise ConfigurationError("timings: give a Timings or delays, not both")
        return spec
    if isinstance(spec, str):
        if spec not in PRESETS:
            raise ConfigurationError(f"timings: must be one of {', '.join(MODES)} or a mapping of delays, not {spec!r}")
        if not delays:
            return PRESETS[spec]
        if spec != "clock":
            raise ConfigurationError(f"timings: delays only apply on the clock, not in {spec} mode")
        spec = None
    if spec is not None and not isinstance(spec, Mapping):
        raise ConfigurationError(f"timings: must be one of {', '.join(MODES)} or a mapping of delays, not {spec!r}")
    merged = {**(spec or {}), **delays}
    unknown = sorted(set(merged) - set(_TOP_KEYS))
    if unknown:
        raise ConfigurationError(f"timings: unknown {', '.join(unknown)}; known: {', '.join(_TOP_KEYS)}")
    if not merged:
        return REALISTIC
    # Shared delays start from the old two-number timings; otherwise from the realistic ones.
    sending = merged.get("sending", 0)
    base = Timings(sending=sending, final=merged.get("final", sending))
    if "sending" not in merged and "final" not in merged:
        base = REALISTIC
    return Timings(
        mode="clock",
        sending=base.sending,
        final=base.final,
        sms=_override(Delays, base.delays("sms"), merged.get("sms"), "sms"),
        email=_override(Delays, base.delays("email"), merged.get("email"), "email"),
        letter=_override(LetterDelays, base.letter_delays, merged.get("letter"), "letter"),
    )


def _override(kind: Any, current: Any, changes: Any, name: str) -> Any:
    if changes is None:
        return current
    if isinstance(changes, kind):
        return changes
    if not isinstance(changes, Mapping):
        raise ConfigurationError(f"timings: {name} takes a mapping of delays, not {changes!r}")
    known = [f.name for f in dataclasses.fields(kind)]
    unknown = sorted(set(changes) - set(known))
    if unknown:
        raise ConfigurationError(f"timings: {name} has no {', '.join(unknown)}; known: {', '.join(known)}")
    return dataclasses.replace(current, **changes)
