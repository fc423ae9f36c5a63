"""Outcomes a test chooses for a service's future sends: by recipient, by template or for every send.

The most specific rule wins: a recipient's, then a template's, then one for the whole channel.
Without a rule the test-key simulator decides test-key sends and everything else is delivered
(:func:`.lifecycle.natural_outcome`).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from pytest_notify.domain.email_address import normalise_email_address
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.extensions import Extensions
from pytest_notify.domain.lifecycle import (
    OUTCOMES,
    OutcomeError,
    channel_of,
    check_outcome,
    natural_outcome,
    path,
    replan,
)
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.phone import normalise_phone_number

CHANNELS = tuple(OUTCOMES)
"""``sms``, ``email``, ``letter`` (from a template) and ``precompiled``."""


def recipient_channel(recipient: str) -> str:
    """What a recipient names: an email address, a phone number, or a letter's address line."""
    if "@" in recipient:
        return "email"
    return "sms" if normalise_phone_number(recipient) is not None else "letter"


def recipient_key(channel: str, recipient: str) -> str:
    """How a recipient is compared: as Notify normalises it (numbers, addresses); letter lines
    without case or repeated spaces."""
    if channel == "sms":
        return normalise_phone_number(recipient) or recipient.strip()
    if channel == "email":
        return normalise_email_address(recipient)
    return " ".join(recipient.split()).casefold()


def channels_for(status: str, notification_type: str | None) -> list[str]:
    """The channels a rule for every send applies to; a clear error if there are none."""
    if notification_type is not None and notification_type not in ("sms", "email", "letter", "precompiled"):
        raise ConfigurationError(f"type must be sms, email, letter or precompiled, not {notification_type!r}")
    wanted = [notification_type] if notification_type else list(CHANNELS)
    if notification_type == "letter":
        wanted = ["letter", "precompiled"]
    chosen = [c for c in wanted if status in OUTCOMES[c]]
    if not chosen:
        check_outcome(status, wanted[-1])  # raises, naming what that channel can have
    return chosen


@dataclass
class OutcomeRules:
    """One service's chosen outcomes for future sends."""

    recipients: dict[tuple[str, str], str] = field(default_factory=dict)
    templates: dict[uuid.UUID, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)

    def for_recipient(self, recipient: str, status: str) -> None:
        """Sends to ``recipient`` (number, email address, or a letter address line) end ``status``."""
        channel = recipient_channel(recipient)
        kinds = ["letter", "precompiled"] if channel == "letter" else [channel]
        if not any(status in OUTCOMES[k] for k in kinds):
            check_outcome(status, channel)
        self.recipients[(channel, recipient_key(channel, recipient))] = status

    def for_template(self, template_id: uuid.UUID, channel: str, status: str) -> None:
        """Sends from this template end ``status``."""
        check_outcome(status, channel)
        self.templates[template_id] = status

    def for_every_send(self, status: str, notification_type: str | None = None) -> list[str]:
        """Every send (of one type) ends ``status``; returns the channels it applies to."""
        chosen = channels_for(status, notification_type)
        for channel in chosen:
            self.channels[channel] = status
        return chosen

    def clear(self) -> None:
        """Forget every rule: the simulator and ``delivered`` decide again."""
        self.recipients.clear()
        self.templates.clear()
        self.channels.clear()

    def outcome_for(self, notification: Notification) -> str | None:
        """The chosen outcome for a new send, if any rule matches it."""
        channel = channel_of(notification)
        for key in _recipient_keys(notification):
            if key in self.recipients:
                return self.recipients[key]
        status = self.templates.get(notification.template_id)
        if status is not None:
            return status
        return self.channels.get(channel)

    def apply(self, notification: Notification) -> None:
        """Plan a new send again for the chosen outcome, if any.

        A rule that this send cannot follow is passed over: a text to a country without delivery
        receipts stays ``sent``, and a letter that fails Notify's checks is still
        ``validation-failed`` (unless a virus is found first).
        """
        status = self.outcome_for(notification)
        if status is None or status not in OUTCOMES[channel_of(notification)]:
            return
        with contextlib.suppress(OutcomeError):
            replan(notification, status)

    def default_outcome(self, notification: Notification) -> str:
        """Where a new send ends with no extension: the test's rule for it if the send can follow
        it (see :meth:`apply`), else its natural outcome."""
        status = self.outcome_for(notification)
        if status is not None and status in OUTCOMES[channel_of(notification)]:
            try:
                path(notification, status)
            except OutcomeError:
                pass
            else:
                return status
        return natural_outcome(notification)

    def settle(self, notification: Notification, extensions: Extensions) -> None:
        """Plan a new send for its final status: an extension's choice, else :meth:`default_outcome`.

        An extension's status is validated as a test's rule is: one Notify never gives this kind
        of notification is an error; one this send cannot follow is passed over.
        """
        default = self.default_outcome(notification)
        chosen = extensions.final_status(notification, default)
        status = default if chosen is None else chosen
        if status != default:
            try:
                check_outcome(status, channel_of(notification))
            except OutcomeError as error:
                raise OutcomeError(
                    f"final status chosen by an extension for {notification.type} {notification.id}: {error}"
                ) from None
        if status != natural_outcome(notification):
            with contextlib.suppress(OutcomeError):
                replan(notification, status)


def _recipient_keys(notification: Notification) -> Iterable[tuple[str, str]]:
    if notification.type in ("sms", "email"):
        yield (notification.type, notification.normalised_to)
        return
    for line in notification.letter_address:
        yield ("letter", recipient_key("letter", line))
