"""How a send moves on: the test-key simulator and the default timeline (reference §5.1, §6.2)."""

from __future__ import annotations

import datetime as dt
import uuid

from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.notifications import Notification, Step
from pytest_notify.domain.timings import Timings as Timings  # re-exported: it used to live here

TEMPORARY_FAILURE_SMS_SUFFIX = "7700900003"
PERMANENT_FAILURE_SMS_SUFFIX = "7700900002"
TEMPORARY_FAILURE_EMAIL = "temp-fail@simulator.notify"
PERMANENT_FAILURE_EMAIL = "perm-fail@simulator.notify"

# Smoke-test recipients: validated, answered with a 201, never stored (reference §5.2).
SMOKE_TEST_EMAILS = frozenset(
    {
        "simulate-delivered@notifications.service.gov.uk",
        "simulate-delivered-2@notifications.service.gov.uk",
        "simulate-delivered-3@notifications.service.gov.uk",
    }
)
SMOKE_TEST_NUMBERS = frozenset({"447700900000", "447700900111", "447700900222"})


def is_smoke_test_recipient(notification_type: str, normalised_to: str) -> bool:
    """Whether Notify would accept this send without storing it."""
    if notification_type == "email":
        return normalised_to in SMOKE_TEST_EMAILS
    if notification_type == "sms":
        return normalised_to in SMOKE_TEST_NUMBERS
    return False


def simulated_outcome(notification_type: str, to: str) -> str:
    """The final status the research-mode receipts give a test-key send.

    SMS look at the end of the raw number (so ``07700 900 003`` with spaces is delivered);
    email compares the raw address exactly and case-sensitively.
    """
    raw = to.strip()
    if notification_type == "sms":
        if raw.endswith(TEMPORARY_FAILURE_SMS_SUFFIX):
            return "temporary-failure"
        if raw.endswith(PERMANENT_FAILURE_SMS_SUFFIX):
            return "permanent-failure"
        return "delivered"
    if notification_type == "email":
        if raw == PERMANENT_FAILURE_EMAIL:
            return "permanent-failure"
        if raw == TEMPORARY_FAILURE_EMAIL:
            return "temporary-failure"
    return "delivered"


def plan_steps(
    notification_type: str,
    key_type: KeyType,
    to: str,
    created_at: dt.datetime,
    timings: Timings,
    *,
    international: bool = False,
    delivery_receipts: bool = True,
) -> list[Step]:
    """The timeline of an SMS or email from ``created`` to its natural outcome.

    Test keys end where the simulator says; team and live keys end ``delivered`` (a later
    outcome can be forced by the test). International texts are ``sent``, and stay there when
    the country's networks give no delivery receipts. Sends themselves are planned by
    :func:`.lifecycle.schedule`; this is the same plan, for one SMS or email on its own.
    """
    # lifecycle needs simulated_outcome from here, so it is imported when used.
    from pytest_notify.domain.lifecycle import schedule

    draft = Notification(
        id=uuid.UUID(int=0),
        service_id=uuid.UUID(int=0),
        type=notification_type,
        key_type=key_type,
        api_key_id=uuid.UUID(int=0),
        key_name="",
        template_id=uuid.UUID(int=0),
        template_version=1,
        to=to,
        normalised_to=to,
        personalisation={},
        reference=None,
        body="",
        subject=None,
        created_at=created_at,
        international=international,
        delivery_receipts=delivery_receipts,
    )
    schedule(draft, timings)
    return draft.steps
