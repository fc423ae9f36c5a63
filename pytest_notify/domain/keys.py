"""API keys of the three types, in Notify's ``{name}-{service_id}-{secret}`` format (reference §1)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass


class KeyType(str, enum.Enum):
    """Notify's internal key types; ``normal`` is what the docs call a live key."""

    TEST = "test"
    TEAM = "team"
    LIVE = "normal"

    @property
    def label(self) -> str:
        """The admin site's label for the type (reference §1.2)."""
        return _LABELS[self]

    @property
    def rate_limit_name(self) -> str:
        """How ``RateLimitError`` names the type: ``LIVE``, ``TEAM`` or ``TEST``."""
        return "LIVE" if self is KeyType.LIVE else self.value.upper()

    @classmethod
    def parse(cls, value: str | KeyType) -> KeyType:
        """Accept ``test``, ``team``, ``live`` or ``normal`` (any case)."""
        if isinstance(value, KeyType):
            return value
        text = str(value).strip().lower()
        if text == "live":
            return cls.LIVE
        try:
            return cls(text)
        except ValueError:
            raise ValueError(f"unknown API key type {value!r}: use 'test', 'team' or 'live'") from None


_LABELS = {
    KeyType.LIVE: "Live – sends to anyone",
    KeyType.TEAM: "Team and guest list – limits who you can send to",
    KeyType.TEST: "Test – pretends to send messages",
}

# Revoked keys are still loaded (and answer "API key revoked") until 7 days after the
# date of revocation: Notify compares date(expiry_date) with now - 7 days (reference §1.5).
REVOKED_KEY_VISIBILITY = dt.timedelta(days=7)


@dataclass
class ApiKey:
    """One API key of a service."""

    id: uuid.UUID
    service_id: uuid.UUID
    name: str
    key_type: KeyType
    secret: str
    created_at: dt.datetime
    expiry_date: dt.datetime | None = None

    @property
    def key(self) -> str:
        """The full key string as the admin site shows it."""
        return f"{self.name}-{self.service_id}-{self.secret}"

    @property
    def revoked(self) -> bool:
        """Whether the key has been revoked."""
        return self.expiry_date is not None

    def loaded_at(self, now: dt.datetime) -> bool:
        """Whether Notify still loads this key at ``now`` (active, or revoked less than 7 days ago)."""
        if self.expiry_date is None:
            return True
        revoked_day = dt.datetime.combine(self.expiry_date.date(), dt.time(), tzinfo=dt.timezone.utc)
        return revoked_day > now - REVOKED_KEY_VISIBILITY

    def __repr__(self) -> str:
        return f"ApiKey({self.name!r}, {self.key_type.value}, service={self.service_id})"
