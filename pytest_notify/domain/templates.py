"""Templates and their version history (reference §3.9, §9)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

TEMPLATE_TYPES = ("sms", "email", "letter")
POSTAGE_TYPES = ("first", "second", "economy")


@dataclass(frozen=True)
class TemplateVersion:
    """One saved version of a template: what a send records and the version endpoint serves."""

    version: int
    name: str
    content: str
    subject: str | None
    created_at: dt.datetime
    updated_at: dt.datetime | None
    created_by: str
    postage: str | None = None
    letter_contact_block: str | None = None


@dataclass
class Template:
    """A template of one service. The last entry of ``versions`` is the current one."""

    id: uuid.UUID
    service_id: uuid.UUID
    type: str
    versions: list[TemplateVersion] = field(default_factory=list)
    archived: bool = False
    hidden: bool = False

    @property
    def current(self) -> TemplateVersion:
        """The latest version."""
        return self.versions[-1]

    @property
    def version(self) -> int:
        """The latest version number."""
        return self.current.version

    @property
    def name(self) -> str:
        """The latest name."""
        return self.current.name

    @property
    def content(self) -> str:
        """The latest body."""
        return self.current.content

    @property
    def subject(self) -> str | None:
        """The latest subject (None for text messages)."""
        return self.current.subject

    def get_version(self, version: int) -> TemplateVersion | None:
        """A past or current version, or None."""
        if 1 <= version <= len(self.versions):
            return self.versions[version - 1]
        return None

    def __repr__(self) -> str:
        return f"Template({self.type}, {self.name!r}, id={self.id}, version={self.version})"
