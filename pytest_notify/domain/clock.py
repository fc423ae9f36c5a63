"""Injected time and ids, so tests can freeze, advance and predict them."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from typing import Protocol


def utc(value: dt.datetime) -> dt.datetime:
    """Return ``value`` as an aware UTC datetime (naive values are taken to be UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


class Clock(Protocol):
    """Anything that tells the time as an aware UTC datetime."""

    def now(self) -> dt.datetime:
        """The current time, aware, in UTC."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> dt.datetime:
        """The current time, aware, in UTC."""
        return dt.datetime.now(dt.timezone.utc)


class FrozenClock:
    """A clock that only moves when told to. Thread-safe."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = utc(start) if start is not None else dt.datetime.now(dt.timezone.utc)
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        """The frozen time."""
        with self._lock:
            return self._now

    def set(self, when: dt.datetime) -> None:
        """Jump to ``when`` (naive values are UTC)."""
        with self._lock:
            self._now = utc(when)

    def advance(self, seconds: float = 0, **delta: float) -> dt.datetime:
        """Move forward by ``seconds`` (and any ``timedelta`` keyword: minutes=, days=...)."""
        with self._lock:
            self._now += dt.timedelta(seconds=seconds, **delta)
            return self._now


class SwitchableClock:
    """Follows real time until frozen; once frozen it moves only when told.

    This is the clock a service store holds by default, so a test can freeze time at any point
    without the store being rebuilt.
    """

    def __init__(self) -> None:
        self._frozen: FrozenClock | None = None
        self._system = SystemClock()

    @property
    def frozen(self) -> bool:
        """Whether the clock is frozen."""
        return self._frozen is not None

    def now(self) -> dt.datetime:
        """Frozen time if frozen, otherwise the real time."""
        frozen = self._frozen
        return frozen.now() if frozen is not None else self._system.now()

    def freeze(self, at: dt.datetime | None = None) -> None:
        """Stop the clock, at ``at`` or at the current time."""
        self._frozen = FrozenClock(at if at is not None else self.now())

    def unfreeze(self) -> None:
        """Follow real time again."""
        self._frozen = None

    def advance(self, seconds: float = 0, **delta: float) -> dt.datetime:
        """Move a frozen clock forward (freezing it first if it follows real time)."""
        if self._frozen is None:
            self.freeze()
        assert self._frozen is not None
        return self._frozen.advance(seconds, **delta)


IdFactory = Callable[[], uuid.UUID]
"""Makes new ids; :func:`uuid.uuid4` by default."""


def sequential_ids(prefix: str = "00000000-0000-4000-8000-") -> IdFactory:
    """An id factory giving predictable UUIDs (``...-000000000001``, ``...-000000000002``, ...)."""
    counter = 0
    lock = threading.Lock()

    def make() -> uuid.UUID:
        nonlocal counter
        with lock:
            counter += 1
            return uuid.UUID(f"{prefix}{counter:012x}")

    return make
