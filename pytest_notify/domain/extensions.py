"""What the domain tells, and asks, the extensions a team installs.

The domain knows nothing of pluggy: it talks to an :class:`Extensions` object, which observes
what happens (a service created, a send accepted or refused, a notification stored) and may decide
two things (a stored send's final status, the rendered text of a send). :data:`BUILT_IN` is the
fake with no extension at all; :class:`pytest_notify.hooks.HookExtensions` is the pluggy-backed
one that the pytest plugin and ``pytest-notify serve`` inject.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pytest_notify.domain.errors import NotifyError
from pytest_notify.domain.keys import ApiKey
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.service import Service
from pytest_notify.domain.templates import Template

if TYPE_CHECKING:
    from pytest_notify.domain.store import Store


@dataclass(frozen=True)
class Rendered:
    """The text of a send as Notify renders it: ``body`` always, ``subject`` for emails and letters."""

    body: str
    subject: str | None = None


class Extensions(Protocol):
    """Things that may observe or decide what the fake does.

    Observers (``service_created``, ``send_accepted``, ``send_refused``, ``notification_stored``)
    are called outside the store's lock; deciders (``final_status``, ``render``) inside it, as
    their answer is needed to build the notification.
    """

    def service_created(self, store: Store, service: Service) -> None:
        """A service was created (it has no keys or templates yet)."""

    def send_accepted(self, service: Service, api_key: ApiKey, notification: Notification) -> None:
        """A send passed every check and was answered 201 (smoke-test recipients included)."""

    def send_refused(self, service: Service, api_key: ApiKey, notification_type: str, error: NotifyError) -> None:
        """A send by an authenticated caller was refused with one of Notify's errors."""

    def notification_stored(self, notification: Notification) -> None:
        """A notification was stored (every accepted send but those to smoke-test recipients)."""

    def final_status(self, notification: Notification, default: str) -> str | None:
        """The status a new notification should end at; None (or ``default``) keeps ``default``."""

    def render(
        self, notification_type: str, template: Template, personalisation: Mapping[str, Any], default: Rendered
    ) -> Rendered:
        """The text to store for a send; ``default`` is Notify's rendering."""


class BuiltIn:
    """The fake with no extensions: nothing observes, and Notify's own behaviour decides."""

    def service_created(self, store: Store, service: Service) -> None:
        """Nothing to do."""

    def send_accepted(self, service: Service, api_key: ApiKey, notification: Notification) -> None:
        """Nothing to do."""

    def send_refused(self, service: Service, api_key: ApiKey, notification_type: str, error: NotifyError) -> None:
        """Nothing to do."""

    def notification_stored(self, notification: Notification) -> None:
        """Nothing to do."""

    def final_status(self, notification: Notification, default: str) -> str | None:
        """Keep the default."""
        return default

    def render(
        self, notification_type: str, template: Template, personalisation: Mapping[str, Any], default: Rendered
    ) -> Rendered:
        """Keep Notify's rendering."""
        return default


BUILT_IN: Extensions = BuiltIn()
"""The default of :class:`~pytest_notify.domain.store.Store`: no extension."""

__all__ = ["BUILT_IN", "BuiltIn", "Extensions", "Rendered"]
