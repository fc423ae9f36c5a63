"""The checked form of a seed file: plain frozen descriptions of the services to create.

:func:`pytest_notify.seed_schema.check_seed` makes a :class:`Seed`; :func:`pytest_notify.seed.apply_seed`
creates it in a store.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_notify.domain.callbacks import CallbackApi
from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.service import TeamMember
from pytest_notify.domain.timings import Timings


@dataclass(frozen=True)
class KeySeed:
    """An API key with a fixed name and, unless ``secret`` is None (a new random one), a fixed secret."""

    name: str
    type: KeyType
    secret: str | None
    secret_env: str | None = None
    """The environment variable the secret came from: the key is then not printed in full."""
    revoked: bool = False


@dataclass(frozen=True)
class VersionSeed:
    """One version of a template; None means "as the version before" (the first needs a body)."""

    name: str | None = None
    subject: str | None = None
    body: str | None = None
    postage: str | None = None
    letter_contact_block: str | None = None


@dataclass(frozen=True)
class TemplateSeed:
    """A template with a fixed id and its version history, oldest first."""

    id: uuid.UUID
    type: str
    versions: tuple[VersionSeed, ...]
    created_by: str | None = None


@dataclass(frozen=True)
class ChoiceSeed:
    """An SMS sender, email reply-to address or letter contact block with a fixed id."""

    id: uuid.UUID
    value: str
    is_default: bool


@dataclass(frozen=True)
class ReceivedTextSeed:
    """A text message the service has received; with neither time given, when the file is loaded."""

    content: str
    user_number: str
    received_at: dt.datetime | None = None
    minutes_ago: int | None = None
    """Received this long before the file is loaded: texts older than 7 days are not listed, so a
    fixed ``received_at`` would drop out of ``GET /v2/received-text-messages`` a week later."""


@dataclass(frozen=True)
class ServiceSeed:
    """One service, described completely."""

    id: uuid.UUID
    name: str
    trial_mode: bool = False
    organisation_type: str = "central"
    permissions: tuple[str, ...] | None = None
    team_members: tuple[TeamMember, ...] = ()
    guest_list: tuple[str, ...] = ()
    settings: Mapping[str, Any] | None = None
    """Other :meth:`Store.create_service` settings: sender name, prefix, contact link, inbound number, crown."""
    limits: Mapping[str, int] | None = None
    """:meth:`Store.create_service` limit arguments (``sms_limit=``...)."""
    timings: Timings | None = None
    keys: tuple[KeySeed, ...] = ()
    templates: tuple[TemplateSeed, ...] = ()
    sms_senders: tuple[ChoiceSeed, ...] = ()
    reply_to_addresses: tuple[ChoiceSeed, ...] = ()
    letter_contacts: tuple[ChoiceSeed, ...] = ()
    received_texts: tuple[ReceivedTextSeed, ...] = ()
    callbacks: Mapping[str, CallbackApi] | None = None


@dataclass(frozen=True)
class Seed:
    """A checked seed file: the services to create, in file order."""

    services: tuple[ServiceSeed, ...]
    source: str | None = None


__all__ = [
    "ChoiceSeed",
    "KeySeed",
    "ReceivedTextSeed",
    "Seed",
    "ServiceSeed",
    "TemplateSeed",
    "VersionSeed",
]
