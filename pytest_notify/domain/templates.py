"""Templates and their version history (reference §3.9, §9)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from pytest_notify.domain.errors import ConfigurationError

TEMPLATE_TYPES = ("sms", "email", "letter")
POSTAGE_TYPES = ("first", "second", "economy")
DEFAULT_CREATED_BY = "test-user@digital.cabinet-office.gov.uk"


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

    def new_version(
        self,
        now: dt.datetime,
        *,
        content: str | None = None,
        subject: str | None = None,
        name: str | None = None,
        postage: str | None = None,
        letter_contact_block: str | None = None,
    ) -> TemplateVersion:
        """Save a new version (what is not given is kept) and return it."""
        if subject is not None and self.type == "sms":
            raise ConfigurationError("text message templates have no subject")
        _check_postage(postage)
        current = self.current
        version = TemplateVersion(
            version=current.version + 1,
            name=name if name is not None else current.name,
            content=content if content is not None else current.content,
            subject=subject if subject is not None else current.subject,
            created_at=current.created_at,
            updated_at=now,
            created_by=current.created_by,
            postage=postage if postage is not None else current.postage,
            letter_contact_block=letter_contact_block
            if letter_contact_block is not None
            else current.letter_contact_block,
        )
        self.versions.append(version)
        return version


def new_template(
    template_id: uuid.UUID,
    service_id: uuid.UUID,
    template_type: str,
    content: str,
    subject: str | None,
    name: str,
    now: dt.datetime,
    *,
    postage: str | None = None,
    letter_contact_block: str | None = None,
    created_by: str = DEFAULT_CREATED_BY,
) -> Template:
    """A template at version 1, refusing what Notify's admin would not let a user make."""
    if template_type not in TEMPLATE_TYPES:
        raise ConfigurationError(f"unknown template type {template_type!r}; use sms, email or letter")
    if template_type == "sms" and subject is not None:
        raise ConfigurationError("text message templates have no subject")
    if template_type != "sms" and subject is None:
        raise ConfigurationError(f"{template_type} templates need a subject")
    if template_type == "letter":
        postage = postage or "second"
        _check_postage(postage)
    elif postage is not None:
        raise ConfigurationError("only letter templates have postage")
    first = TemplateVersion(
        version=1,
        name=name,
        content=content,
        subject=subject,
        created_at=now,
        updated_at=None,
        created_by=created_by,
        postage=postage,
        letter_contact_block=letter_contact_block,
    )
    return Template(id=template_id, service_id=service_id, type=template_type, versions=[first])


def _check_postage(postage: str | None) -> None:
    if postage is not None and postage not in POSTAGE_TYPES:
        raise ConfigurationError(f"unknown postage {postage!r}; use first, second or economy")
