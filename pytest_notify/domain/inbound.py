"""Text messages a service receives on its inbound number (reference §3.12, §11.3)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from pytest_notify.domain.phone import normalise_phone_number

# A made-up inbound number in Ofcom's drama range, for services given none.
DEFAULT_INBOUND_NUMBER = "447700900999"


@dataclass(frozen=True)
class InboundSms:
    """One received text message."""

    id: uuid.UUID
    service_id: uuid.UUID
    notify_number: str
    user_number: str
    content: str
    created_at: dt.datetime
    seq: int = 0


def format_user_number(number: str) -> str:
    """Senders' numbers are stored E.164 without ``+`` (``447700900123``) when they parse."""
    return normalise_phone_number(number) or number.strip()
