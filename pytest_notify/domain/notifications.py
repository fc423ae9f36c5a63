"""Notifications and their status over time (reference §3.6, §6).

A notification's status is not stored as one value: it is a timeline of steps, each at a moment.
The status read at a given time is the last step reached by then, so the same record answers
"what is it now" under a real, frozen or advanced clock.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.timings import Timings

# reference §6.1
STATUSES = (
    "cancelled",
    "created",
    "sending",
    "sent",
    "delivered",
    "pending",
    "failed",
    "technical-failure",
    "temporary-failure",
    "permanent-failure",
    "pending-virus-check",
    "validation-failed",
    "virus-scan-failed",
    "returned-letter",
)
# The statuses the GET filter accepts, in Notify's order (reference §3.7).
FILTER_STATUSES = (
    "cancelled",
    "created",
    "sending",
    "sent",
    "delivered",
    "pending",
    "failed",
    "technical-failure",
    "temporary-failure",
    "permanent-failure",
    "pending-virus-check",
    "validation-failed",
    "virus-scan-failed",
    "returned-letter",
    "accepted",
    "received",
)
COMPLETED_STATUSES = frozenset(
    {
        "sent",
        "delivered",
        "failed",
        "technical-failure",
        "temporary-failure",
        "permanent-failure",
        "returned-letter",
        "cancelled",
        "validation-failed",
    }
)
FAILURE_STATUSES = frozenset({"technical-failure", "temporary-failure", "permanent-failure"})
# Filter aliases (Notification.substitute_status, reference §3.7).
STATUS_SUBSTITUTES = {
    "failed": (
        "technical-failure",
        "temporary-failure",
        "permanent-failure",
        "validation-failed",
        "virus-scan-failed",
        "returned-letter",
    ),
    "accepted": ("created", "sending"),
    "received": ("delivered",),
}


def public_status(notification_type: str, status: str) -> str:
    """The status the v2 API shows: letters say ``accepted`` and ``received`` (reference §6.3)."""
    if notification_type == "letter":
        if status in ("created", "sending"):
            return "accepted"
        if status in ("delivered", "returned-letter"):
            return "received"
    return status


def substitute_statuses(requested: list[str]) -> set[str]:
    """The raw statuses a ``status`` filter matches."""
    raw: set[str] = set()
    for status in requested:
        raw.update(STATUS_SUBSTITUTES.get(status, (status,)))
    return raw


# slots: a store keeps one Notification and about three Steps per send; without slots each
# carries an instance dict (a Notification's alone is about 1.6 KB). See docs/performance.md.
@dataclass(frozen=True, slots=True)
class Step:
    """The notification moves to ``status`` at ``at``."""

    status: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class StatusAt:
    """What a notification looks like at one moment."""

    status: str
    updated_at: dt.datetime | None
    sent_at: dt.datetime | None


@dataclass(slots=True)
class Notification:
    """One accepted send, as Notify stores it."""

    id: uuid.UUID
    service_id: uuid.UUID
    type: str
    key_type: KeyType
    api_key_id: uuid.UUID
    key_name: str
    template_id: uuid.UUID
    template_version: int
    to: str
    normalised_to: str
    personalisation: dict[str, Any]
    reference: str | None
    body: str
    subject: str | None
    created_at: dt.datetime
    steps: list[Step] = field(default_factory=list)
    international: bool = False
    phone_prefix: str | None = None
    rate_multiplier: float | None = None
    fragments: int = 0
    postage: str | None = None
    one_click_unsubscribe_url: str | None = None
    reply_to_text: str | None = None
    persisted: bool = True
    letter_address: tuple[str, ...] = ()
    """Letters: the address as printed."""
    pdf: bytes | None = field(default=None, repr=False)
    """Letters: the PDF (the one sent, for precompiled letters)."""
    billable_sheets: int = 0
    """Letters: sheets of paper billed (0 for test keys, as Notify never sets them)."""
    precompiled: bool = False
    crown: bool = True
    """Whether the sending service is a crown body (letter rates differ)."""
    seq: int = 0
    """Order of storing, to break created_at ties."""
    delivery_receipts: bool = True
    """SMS: whether the country's networks send delivery receipts (without them it stays ``sent``)."""
    fails_validation: bool = False
    """Letters: Notify will fail it asynchronously (more than 10 pages, or not a PDF)."""
    planned: list[str] = field(default_factory=list)
    """Manual timings: the statuses still to come, stamped with the clock's now as the test moves it on."""
    timings: Timings | None = field(default=None, repr=False)
    """The timings it was planned with (see :mod:`.lifecycle`)."""
    pdf_ready_at: dt.datetime | None = None
    """Letters: before this, the PDF endpoint says ``PDFNotReadyError``."""

    def status_at(self, now: dt.datetime) -> StatusAt:
        """The status, last update and hand-over time as seen at ``now``."""
        status = "created"
        updated_at: dt.datetime | None = None
        sent_at: dt.datetime | None = None
        for step in self.steps:
            if step.at > now:
                break
            status = step.status
            if step.status != "created":
                updated_at = step.at
            if sent_at is None and step.status in ("sending", "sent", "pending"):
                sent_at = step.at
        return StatusAt(status, updated_at, sent_at)

    def pdf_ready(self, now: dt.datetime) -> bool:
        """Whether the letter's PDF has been made by ``now``."""
        return self.pdf is not None and (self.pdf_ready_at is None or now >= self.pdf_ready_at)

    @property
    def final_status(self) -> str:
        """Where the timeline ends (including statuses still planned in manual mode)."""
        if self.planned:
            return self.planned[-1]
        return self.steps[-1].status if self.steps else "created"

    def __repr__(self) -> str:
        return (
            f"Notification({self.type} to {self.to!r}, {self.key_type.value} key, "
            f"final={self.final_status}, id={self.id})"
        )


def listing_order(notification: Notification) -> tuple[dt.datetime, int]:
    """The order of listing: created_at, then the order of storing."""
    return (notification.created_at, notification.seq)


@dataclass(frozen=True, slots=True)
class NotificationFilter:
    """What ``GET /v2/notifications`` asks for."""

    key_type: KeyType
    template_types: frozenset[str] | None
    raw_statuses: frozenset[str] | None
    reference: str | None
    since: dt.datetime
    """Only notifications created after this are still retained."""

    @classmethod
    def of(
        cls,
        key_type: KeyType,
        template_types: list[str] | None,
        statuses: list[str] | None,
        reference: str | None,
        *,
        since: dt.datetime,
    ) -> NotificationFilter:
        """Build a filter from the validated query (statuses substituted as Notify does)."""
        return cls(
            key_type,
            frozenset(template_types) if template_types else None,
            frozenset(substitute_statuses(statuses)) if statuses else None,
            reference,
            since,
        )

    def matches(self, notification: Notification, now: dt.datetime) -> bool:
        """Whether ``notification`` is listed (its status read at ``now``)."""
        return (
            notification.key_type is self.key_type
            and notification.created_at > self.since
            and (self.template_types is None or notification.type in self.template_types)
            and (self.reference is None or notification.reference == self.reference)
            and (self.raw_statuses is None or notification.status_at(now).status in self.raw_statuses)
        )
