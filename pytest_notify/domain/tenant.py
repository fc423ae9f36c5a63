"""What one service holds besides its settings: its clock, timings, sends, texts, files and limits.

The store keeps one :class:`Tenant` per service, so removing a service forgets all of it at once.
Tenants are not thread-safe on their own: the store holds its lock around every use.
"""

from __future__ import annotations

import bisect
import datetime as dt
import uuid
from dataclasses import dataclass, field

from pytest_notify.domain.callbacks import CallbackBook
from pytest_notify.domain.clock import Clock
from pytest_notify.domain.documents import Document
from pytest_notify.domain.faults import FaultPlan
from pytest_notify.domain.inbound import InboundSms
from pytest_notify.domain.limits import LimitState
from pytest_notify.domain.notifications import Notification, NotificationFilter, listing_order
from pytest_notify.domain.outcomes import OutcomeRules
from pytest_notify.domain.service import Service
from pytest_notify.domain.simulator import Timings

DATA_RETENTION = dt.timedelta(days=7)
"""Notify's default data retention: older notifications and texts are not served (§13)."""
API_PAGE_SIZE = 250
MAX_KEY_MISUSE = 100


@dataclass
class Tenant:
    """One service and everything that happened to it."""

    service: Service
    clock: Clock
    timings: Timings = field(default_factory=Timings)
    """How its sends move on: the domain default is instant (see :mod:`.timings`)."""
    outcomes: OutcomeRules = field(default_factory=OutcomeRules)
    """Outcomes the test chose for future sends (see :mod:`.outcomes`)."""
    limits: LimitState = field(default_factory=LimitState)
    notifications: list[Notification] = field(default_factory=list)
    """In listing order: ``created_at``, then the order of storing."""
    by_id: dict[uuid.UUID, Notification] = field(default_factory=dict)
    inbound: list[InboundSms] = field(default_factory=list)
    documents: dict[uuid.UUID, Document] = field(default_factory=dict)
    key_misuse: list[str] = field(default_factory=list)
    callbacks: CallbackBook = field(default_factory=CallbackBook)
    """Callbacks queued and made (reference §11)."""
    faults: FaultPlan = field(default_factory=FaultPlan)
    """Fault rules for this service's requests (thread-safe on its own)."""

    def note_key_misuse(self, message: str) -> None:
        """Keep a misuse message for the test; only the latest hundred, as a standalone server never
        hands them to a test."""
        self.key_misuse.append(message)
        del self.key_misuse[:-MAX_KEY_MISUSE]

    def now(self) -> dt.datetime:
        """The service's time."""
        return self.clock.now()

    def retained(self, created_at: dt.datetime) -> bool:
        """Whether something created then is still inside data retention."""
        return created_at > self.now() - DATA_RETENTION

    def add(self, notification: Notification) -> None:
        """Store a notification (inserted in order if the clock was moved back)."""
        bisect.insort(self.notifications, notification, key=listing_order)
        self.by_id[notification.id] = notification

    def find(self, notification_id: uuid.UUID) -> Notification | None:
        """A retained notification of this service."""
        found = self.by_id.get(notification_id)
        return found if found is not None and self.retained(found.created_at) else None

    def page(
        self, wanted: NotificationFilter, *, older_than: uuid.UUID | None, limit: int = API_PAGE_SIZE
    ) -> list[Notification]:
        """Newest first, matching ``wanted``, strictly older than ``older_than`` if given."""
        end = len(self.notifications)
        if older_than is not None:
            pivot = self.find(older_than)
            if pivot is None:
                return []  # an unknown or expired id gives an empty page, not an error (§3.7)
            # Notify compares created_at strictly; ties (a frozen clock) fall back to the order
            # of storing, so paging never loses or repeats a notification.
            end = bisect.bisect_left(self.notifications, listing_order(pivot), key=listing_order)
        now = self.now()
        page: list[Notification] = []
        for index in range(end - 1, -1, -1):
            notification = self.notifications[index]
            if notification.created_at <= wanted.since:
                break  # everything older is past retention
            if wanted.matches(notification, now):
                page.append(notification)
                if len(page) >= limit:
                    break
        return page

    def received_page(self, *, older_than: uuid.UUID | None, limit: int = API_PAGE_SIZE) -> list[InboundSms]:
        """Received texts newest first, strictly older than ``older_than`` if given."""
        messages = sorted(
            (m for m in self.inbound if self.retained(m.created_at)),
            key=lambda m: (m.created_at, m.seq),
            reverse=True,
        )
        if older_than is not None:
            pivot = next((m for m in messages if m.id == older_than), None)
            if pivot is None:
                return []
            messages = [m for m in messages if (m.created_at, m.seq) < (pivot.created_at, pivot.seq)]
        return messages[:limit]
