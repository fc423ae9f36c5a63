"""A notification's steps over time: planned when it is sent, changed by outcomes, moved on by tests.

Every path follows reference §6.2. A path is a list of ``(status, milestone)``; the notification's
:class:`~pytest_notify.domain.timings.Timings` turns milestones into moments (``clock`` and
``instant``), or leaves all but the first step in ``Notification.planned`` (``manual``), where the
test stamps each with the clock's now as it moves it on.

Whatever changes a timeline only rewrites what has not happened yet, and always assigns a new
``steps`` list, so readers on other threads never see one half-changed.
"""

from __future__ import annotations

import datetime as dt

from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.letter_timings import letter_timings
from pytest_notify.domain.notifications import Notification, Step
from pytest_notify.domain.simulator import simulated_outcome
from pytest_notify.domain.timings import INSTANT, Timings

SENDING_TIMEOUT = dt.timedelta(seconds=259200)
"""SMS and email still ``sending`` or ``pending`` this long after creation become ``temporary-failure``."""

UPDATABLE = frozenset({"created", "sending", "pending", "sent", "pending-virus-check"})
"""Notify accepts status updates only from these (reference §6.2)."""

OUTCOMES: dict[str, tuple[str, ...]] = {
    "sms": ("delivered", "permanent-failure", "temporary-failure", "technical-failure"),
    "email": ("delivered", "permanent-failure", "temporary-failure", "technical-failure"),
    "letter": ("delivered", "returned-letter", "validation-failed", "technical-failure"),
    "precompiled": ("delivered", "returned-letter", "validation-failed", "virus-scan-failed", "technical-failure"),
}
"""The final statuses Notify's own flows give each kind of notification (reference §6.2)."""

CHANNEL_LABELS = {"sms": "text messages", "email": "emails", "letter": "letters", "precompiled": "precompiled letters"}


class OutcomeError(ConfigurationError):
    """The test asked for a status this notification cannot reach (any more)."""


def channel_of(notification: Notification) -> str:
    """``sms``, ``email``, ``letter`` or ``precompiled``."""
    return "precompiled" if notification.precompiled else notification.type


def check_outcome(status: str, channel: str) -> None:
    """Refuse a final status Notify never gives this kind of notification."""
    if status in OUTCOMES[channel]:
        return
    hint = ""
    if status == "cancelled" and channel in ("letter", "precompiled"):
        hint = " (a letter is cancelled by a person, before it is printed: notify.fail(id, 'cancelled'))"
    elif status == "permanent-failure" and channel in ("letter", "precompiled"):
        hint = " (Notify's docs list it, but none of its letter flows sets it)"
    raise OutcomeError(
        f"{status!r} is not an outcome Notify gives {CHANNEL_LABELS[channel]}{hint}; "
        f"choose one of {', '.join(OUTCOMES[channel])}"
    )


def natural_outcome(notification: Notification) -> str:
    """Where a send ends unless a test says otherwise: the simulator for test keys, else delivered."""
    if notification.fails_validation:
        return "validation-failed"
    if notification.type in ("sms", "email") and notification.key_type is KeyType.TEST:
        return simulated_outcome(notification.type, notification.to)
    return "delivered"


def path(notification: Notification, outcome: str) -> list[tuple[str, str]]:
    """The ``(status, milestone)`` steps from creation to ``outcome`` (reference §5.1, §6.2)."""
    n = notification
    if n.fails_validation and outcome not in ("validation-failed", "virus-scan-failed"):
        raise OutcomeError(
            f"{_name(n)} fails Notify's checks (more than 10 pages, or not a PDF): it can only end validation-failed"
        )
    if n.type in ("sms", "email"):
        in_flight = "sent" if n.type == "sms" and n.international else "sending"
        if outcome == "technical-failure":
            # Notify failed to hand it to a provider: it never went out (no sent_at, no callback).
            return [("created", "created"), ("technical-failure", "handover")]
        if in_flight == "sent" and not n.delivery_receipts:
            if outcome != "delivered":
                raise OutcomeError(f"{_name(n)} goes to a country without delivery receipts: it stays sent")
            return [("created", "created"), ("sent", "handover")]
        return [("created", "created"), (in_flight, "handover"), (outcome, "outcome")]
    returned = [("returned-letter", "returned")] if outcome == "returned-letter" else []
    if outcome == "returned-letter":
        outcome = "delivered"
    test_key = n.key_type is KeyType.TEST
    if n.precompiled:
        steps = [("pending-virus-check", "created")]
        if outcome in ("virus-scan-failed", "validation-failed"):
            return [*steps, (outcome, "scan")]
        if test_key:
            return [*steps, (outcome, "scan"), *returned]
        steps.append(("created", "scan"))
    elif test_key:
        # TEST_LETTERS_FAKE_DELIVERY: test letters start at sending; a fake despatch follows (§5.1).
        steps = [("sending", "created")]
        if outcome == "validation-failed":
            return [*steps, (outcome, "pdf")]
        return [*steps, (outcome, "delivery"), *returned]
    else:
        steps = [("created", "created")]
        if outcome == "validation-failed":
            return [*steps, (outcome, "pdf")]
    if outcome == "technical-failure":
        return [*steps, (outcome, "print")]
    return [*steps, ("sending", "print"), ("delivered", "delivery"), *returned]


def _later(moment: dt.datetime, seconds: float) -> dt.datetime:
    # No delay gives the same object: an instant send's steps share its created_at (a store keeps
    # three or four per send).
    return moment + dt.timedelta(seconds=seconds) if seconds else moment


def milestone_at(notification: Notification, milestone: str, timings: Timings, previous: dt.datetime) -> dt.datetime:
    """When a milestone comes on the clock (``previous``: when the step before it happened)."""
    t0 = notification.created_at
    if milestone == "created":
        return t0
    if notification.type in ("sms", "email"):
        delays = timings.delays(notification.type)
        return _later(t0, delays.sending if milestone == "handover" else delays.final)
    letter = timings.letter_delays
    if milestone == "pdf":
        return _later(t0, letter.pdf)
    if milestone == "scan":
        return _later(t0, letter.virus_check)
    if milestone == "returned":
        return _later(previous, letter.returned)
    if milestone == "delivery" and notification.key_type is KeyType.TEST:
        return _later(t0, letter.test_delivery)
    chosen = letter.sending if milestone == "print" else letter.final
    if chosen is not None:
        return _later(t0, chosen)
    calendar = letter_timings(t0, notification.postage or "second")
    return calendar.printed_by if milestone == "print" else calendar.latest_delivery


def schedule(notification: Notification, timings: Timings) -> None:
    """Plan a new notification's steps (its natural outcome) with the service's timings."""
    notification.timings = timings
    letter = timings.letter_delays
    pdf_delay = letter.pdf if timings.mode == "clock" and not notification.precompiled else 0
    notification.pdf_ready_at = _later(notification.created_at, pdf_delay)
    _plan(notification, natural_outcome(notification), None)


def replan(notification: Notification, outcome: str) -> None:
    """Plan a new notification again, for an outcome the test chose (validated for its channel)."""
    check_outcome(outcome, channel_of(notification))
    _plan(notification, outcome, None)


def set_outcome(notification: Notification, outcome: str, now: dt.datetime) -> None:
    """Make an existing notification end ``outcome``; what already happened by ``now`` stays."""
    if outcome == "cancelled":
        cancel(notification, now)
        return
    check_outcome(outcome, channel_of(notification))
    _plan(notification, outcome, now)


def _plan(notification: Notification, outcome: str, now: dt.datetime | None) -> None:
    n = notification
    timings = n.timings or INSTANT
    wanted = path(n, outcome)
    reached = [s for s in n.steps if s.at <= now] if now is not None else []
    done = [s.status for s in reached]
    if done != [status for status, _ in wanted[: len(done)]] or len(done) > len(wanted):
        raise OutcomeError(f"too late to make {_name(n)} {outcome}: it is already {_since(reached[-1])}")
    remaining = wanted[len(reached) :]
    if timings.mode == "manual":
        if not reached:
            reached, remaining = [Step(remaining[0][0], n.created_at)], remaining[1:]
        steps, planned = reached, [status for status, _ in remaining]
    else:
        steps, planned = list(reached), []
        last = reached[-1].at if reached else n.created_at
        for status, milestone in remaining:
            # Never before the step before it, nor in the past of a change made now.
            last = max(milestone_at(n, milestone, timings, last), last, now or n.created_at)
            steps.append(Step(status, last))
    n.steps, n.planned = steps, planned
    _time_out(n)


def _time_out(notification: Notification) -> None:
    """Notify's nightly ``timeout_notifications``: SMS and email still sending or pending 72 hours
    after creation become ``temporary-failure`` (reference §6.2)."""
    n = notification
    if n.type not in ("sms", "email") or (n.timings or INSTANT).mode == "instant":
        return
    entered = next((s for s in n.steps if s.status in ("sending", "pending")), None)
    if entered is None:
        return
    deadline = max(n.created_at + SENDING_TIMEOUT, entered.at)
    before = [s for s in n.steps if s.at <= deadline]
    if before[-1].status in ("sending", "pending"):
        n.steps = [*before, Step("temporary-failure", deadline)]


def status_now(notification: Notification, now: dt.datetime) -> str:
    """The raw status at ``now``."""
    return notification.status_at(now).status


def can_move_from(notification: Notification, status: str) -> bool:
    """Whether Notify still accepts an update: only from the in-flight statuses, and a delivered
    letter can still come back (``returned-letter``)."""
    return status in UPDATABLE or (notification.type == "letter" and status == "delivered")


def still_to_come(notification: Notification, now: dt.datetime) -> list[str]:
    """The statuses that have not happened yet, in order (nothing once it is final)."""
    if not can_move_from(notification, status_now(notification, now)):
        return []
    if notification.planned:
        # Manual timings: a future step can only be the 72-hour timeout, which happens if the test
        # does not move the notification on first.
        return list(notification.planned)
    return [s.status for s in notification.steps if s.at > now]


def advance(notification: Notification, now: dt.datetime, to: str | None = None) -> None:
    """Make the next step happen at ``now`` (or every step up to the status ``to``)."""
    n = notification
    coming = still_to_come(n, now)
    if not coming:
        raise OutcomeError(f"{_name(n)} is already {status_now(n, now)}: nothing more will happen to it")
    if to is not None and to not in coming:
        raise OutcomeError(f"{_name(n)} will not reach {to}; still to come: {', '.join(coming)}")
    while True:
        reached = [s for s in n.steps if s.at <= now]
        future = [s for s in n.steps if s.at > now]
        if n.planned:
            # In manual mode the only future steps are a timeout, which moving on replaces.
            status, n.planned = n.planned[0], n.planned[1:]
            n.steps = [*reached, Step(status, now)]
        else:
            status = future[0].status
            n.steps = [*reached, Step(status, now), *future[1:]]
        _time_out(n)
        if to is None or status == to or not still_to_come(n, now):
            return


def cancel(notification: Notification, now: dt.datetime) -> None:
    """A person cancels a letter in Notify's web app: only before it is printed."""
    n = notification
    if n.type != "letter":
        raise OutcomeError(f"only letters can be cancelled, and {_name(n)} is not one")
    current = status_now(n, now)
    if current not in ("created", "pending-virus-check"):
        raise OutcomeError(f"{_name(n)} is already {current}: Notify cancels letters only before they are printed")
    n.steps = [*(s for s in n.steps if s.at <= now), Step("cancelled", now)]
    n.planned = []


def _name(notification: Notification) -> str:
    return f"{notification.type} {notification.id}"


def _since(step: Step) -> str:
    return f"{step.status} (since {step.at.isoformat()})"
