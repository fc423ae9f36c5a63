"""Hand-built notifications for the dashboard and usage tests: any status, date, size or key."""

from __future__ import annotations

import datetime as dt
import uuid

from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.notifications import Notification, Step

UTC = dt.timezone.utc


def at(text: str) -> dt.datetime:
    """An aware UTC instant from ``YYYY-MM-DDTHH:MM[:SS]``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def made(
    kind: str = "sms",
    *,
    created: dt.datetime,
    status: str = "delivered",
    key: KeyType = KeyType.LIVE,
    steps: list[Step] | None = None,
    fragments: int = 1,
    multiplier: float | None = None,
    postage: str | None = None,
    sheets: int = 0,
    crown: bool = True,
) -> Notification:
    """A stored notification created at ``created`` that is in ``status`` from then on (or follows ``steps``)."""
    if kind == "sms" and multiplier is None:
        multiplier = 1.0
    return Notification(
        id=uuid.uuid4(),
        service_id=uuid.UUID(int=1),
        type=kind,
        key_type=key,
        api_key_id=uuid.UUID(int=2),
        key_name=key.value,
        template_id=uuid.UUID(int=3),
        template_version=1,
        to="07700900123" if kind == "sms" else "jo@example.com",
        normalised_to="447700900123",
        personalisation={},
        reference=None,
        body="Hello",
        subject=None,
        created_at=created,
        steps=steps if steps is not None else [Step("created", created), Step(status, created)],
        rate_multiplier=multiplier,
        fragments=fragments if kind == "sms" else 0,
        postage=postage if kind == "letter" else None,
        billable_sheets=sheets,
        crown=crown,
    )
