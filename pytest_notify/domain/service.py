"""A fake Notify service: its settings, team, guest list, senders, templates and keys (reference §4, §13)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from pytest_notify.domain.callbacks import CallbackApi
from pytest_notify.domain.choices import ORGANISATION_TYPES as ORGANISATION_TYPES  # re-exported
from pytest_notify.domain.keys import ApiKey
from pytest_notify.domain.limits import DEFAULT_RATE_LIMIT, LIVE_LIMITS
from pytest_notify.domain.safe_string import make_email_local_part_safe
from pytest_notify.domain.templates import Template

CHANNEL_PERMISSIONS = ("sms", "email", "letter")
EXTRA_PERMISSIONS = (
    "international_sms",
    "sms_to_uk_landlines",
    "international_letters",
    "inbound_sms",
    "upload_letters",
    "email_auth",
)
KNOWN_PERMISSIONS = CHANNEL_PERMISSIONS + EXTRA_PERMISSIONS
# What Notify gives a new service ([api] services_dao DEFAULT_SERVICE_PERMISSIONS).
DEFAULT_PERMISSIONS = ("sms", "email", "letter", "international_sms", "upload_letters", "international_letters")


# Notify's FROM_NUMBER in production is unverified; the docs' example shows GOVUK.
DEFAULT_SMS_SENDER = "GOVUK"
NOTIFY_EMAIL_DOMAIN = "notifications.service.gov.uk"


@dataclass
class TeamMember:
    """A user of the service; their email and mobile may always be sent to."""

    email_address: str | None = None
    mobile_number: str | None = None
    name: str = "Test User"


@dataclass
class SmsSender:
    """A text message sender of the service (``sms_sender_id``)."""

    id: uuid.UUID
    sms_sender: str
    is_default: bool = False
    archived: bool = False
    inbound_number: bool = False


@dataclass
class EmailReplyTo:
    """An email reply-to address of the service (``email_reply_to_id``)."""

    id: uuid.UUID
    email_address: str
    is_default: bool = False
    archived: bool = False


@dataclass
class LetterContact:
    """A letter contact block of the service: the sender's address and details a letter shows."""

    id: uuid.UUID
    contact_block: str
    is_default: bool = False
    archived: bool = False


@dataclass
class Service:
    """One fake Notify service. ``restricted`` is Notify's name for trial mode."""

    id: uuid.UUID
    name: str
    created_at: dt.datetime
    restricted: bool = False
    organisation_type: str | None = "central"
    permissions: set[str] = field(default_factory=lambda: set(DEFAULT_PERMISSIONS))
    team_members: list[TeamMember] = field(default_factory=list)
    guest_list: list[str] = field(default_factory=list)
    email_sender_name: str | None = None
    prefix_sms: bool = False
    contact_link: str | None = None
    inbound_number: str | None = None
    crown: bool = True
    """Crown bodies pay Notify's crown letter rates."""
    active: bool = True
    sms_senders: list[SmsSender] = field(default_factory=list)
    reply_to_addresses: list[EmailReplyTo] = field(default_factory=list)
    letter_contacts: list[LetterContact] = field(default_factory=list)
    templates: dict[uuid.UUID, Template] = field(default_factory=dict)
    api_keys: list[ApiKey] = field(default_factory=list)
    rate_limit: int = DEFAULT_RATE_LIMIT
    """Requests per 60 seconds for each key type (reference §7.1)."""
    # Daily limits (reference §7.2). These defaults are a live service's; Store.create_service
    # gives a trial service the admin's trial values (see limits.default_limits).
    sms_message_limit: int = LIVE_LIMITS.sms
    email_message_limit: int = LIVE_LIMITS.email
    letter_message_limit: int = LIVE_LIMITS.letter
    international_sms_message_limit: int = LIVE_LIMITS.international_sms
    # Callbacks (reference §11); set them through Store.dispatcher.set_callback, which knows that a
    # delivery-status callback set up later hears only of what happens from then on.
    delivery_status_callback: CallbackApi | None = None
    inbound_sms_callback: CallbackApi | None = None

    @property
    def trial_mode(self) -> bool:
        """Whether the service is in trial mode."""
        return self.restricted

    def has_permission(self, permission: str) -> bool:
        """Whether the service has ``permission``."""
        return permission in self.permissions

    @property
    def default_sms_sender(self) -> str:
        """The sender text messages come from when no ``sms_sender_id`` is given."""
        for sender in self.sms_senders:
            if sender.is_default and not sender.archived:
                return sender.sms_sender
        return DEFAULT_SMS_SENDER

    @property
    def from_email(self) -> str:
        """``{sender name made safe}@notifications.service.gov.uk`` (reference §3.2)."""
        local = make_email_local_part_safe(self.email_sender_name or self.name)
        return f"{local}@{NOTIFY_EMAIL_DOMAIN}"

    def add_sms_sender(self, sender: SmsSender) -> SmsSender:
        """Add a sender; a default one takes over from the previous default."""
        if sender.is_default:
            for other in self.sms_senders:
                other.is_default = False
        self.sms_senders.append(sender)
        return sender

    def add_reply_to_address(self, reply_to: EmailReplyTo) -> EmailReplyTo:
        """Add a reply-to address; a default one takes over from the previous default."""
        if reply_to.is_default:
            for other in self.reply_to_addresses:
                other.is_default = False
        self.reply_to_addresses.append(reply_to)
        return reply_to

    def add_letter_contact(self, contact: LetterContact) -> LetterContact:
        """Add a letter contact block; a default one takes over from the previous default."""
        if contact.is_default:
            for other in self.letter_contacts:
                other.is_default = False
        self.letter_contacts.append(contact)
        return contact

    def allowed_recipients(self) -> list[str]:
        """Team members' numbers and addresses, then the guest list, as entered."""
        allowed: list[str] = []
        for member in self.team_members:
            allowed.extend(x for x in (member.mobile_number, member.email_address) if x)
        allowed.extend(self.guest_list)
        return allowed

    def __repr__(self) -> str:
        mode = "trial" if self.restricted else "live"
        return f"Service({self.name!r}, {mode}, id={self.id})"
