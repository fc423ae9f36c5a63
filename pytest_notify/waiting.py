"""One small wait helper for every ``notify.wait_for...``: poll until something appears, or fail saying
what was seen instead."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT = 5.0
POLL_INTERVAL = 0.02


class WaitTimeout(AssertionError):
    """Nothing matching appeared in time. An ``AssertionError``, so pytest reports it as a failed test."""


def wait_until(
    find: Callable[[], T | None],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    describe: Callable[[], str],
    interval: float = POLL_INTERVAL,
) -> T:
    """Call ``find`` until it returns something other than None, and return that.

    After ``timeout`` seconds of real time, raise :class:`WaitTimeout` with ``describe()``, which
    should say what was wanted and what was seen. ``find`` runs at least once, even with a zero timeout.
    """
    deadline = time.monotonic() + timeout
    while True:
        found = find()
        if found is not None:
            return found
        if time.monotonic() >= deadline:
            raise WaitTimeout(describe())
        time.sleep(interval)
