"""Key misuse that real Notify would not catch, told to the test as a warning (beyond Notify).

Notify's guidance: never send test messages to invalid numbers or addresses with a live key, and
use a test key for the simulator's numbers and addresses. With a live key, real Notify would try a
real delivery to them, or refuse an invalid recipient after counting the request.
"""

from __future__ import annotations

from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.simulator import simulated_outcome

_SHOWN = 80


def _cut(text: str) -> str:
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}… ({len(text)} characters)"


def _shown(value: object) -> str:
    """A recipient as quoted in a warning: cut short, since a bad request can carry megabytes."""
    return _cut(repr(value))


def simulator_recipient_misuse(api_key: ApiKey, notification_type: str, to: str) -> str | None:
    """A message when a live key sends to a test-key simulator number or address."""
    if api_key.key_type is not KeyType.LIVE or notification_type not in ("sms", "email"):
        return None
    outcome = simulated_outcome(notification_type, to)
    if outcome == "delivered":
        return None
    return (
        f"live API key {api_key.name!r} sent to {_shown(to)}, a test-key simulator "
        f"{'number' if notification_type == 'sms' else 'address'} (it simulates {outcome} only for "
        "test keys): real Notify would try a real delivery. Use the test key for simulated outcomes."
    )


def invalid_recipient_misuse(api_key: ApiKey, notification_type: str, to: object, problem: str) -> str | None:
    """A message when a live key is used to send to a recipient that fails validation."""
    if api_key.key_type is not KeyType.LIVE:
        return None
    kind = "phone number" if notification_type == "sms" else "email address"
    return (
        f"live API key {api_key.name!r} was used to send to an invalid {kind} {_shown(to)} "
        f"({_cut(problem)}): "
        "never send test messages to invalid numbers or addresses with a live key; use the test key."
    )
