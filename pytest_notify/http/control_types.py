"""What the control API needs from the layers above HTTP, as protocols.

The control API (``/_notify/``) has the powers of the ``notify`` object a test holds. Rather than
copy them, it drives that object: for each request the :class:`ControlBackend` hands over the
service's :class:`ServiceControls`, which :class:`pytest_notify.fake.NotifyFake` is. The HTTP layer
never imports ``fake`` (imports go one way, see ``tests/test_layers.py``), so the shape it relies
on is written down here and mypy checks ``NotifyFake`` against it where the backend is built
(:mod:`pytest_notify.control_backend`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from pytest_notify.domain.callbacks import CallbackAttempt
from pytest_notify.domain.clock import Clock, SwitchableClock
from pytest_notify.domain.faults import FaultedRequest, FaultRule
from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.limits import ServiceLimits
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.domain.timings import Timings
from pytest_notify.reports import DashboardReport, UsageReport


class Identified(Protocol):
    """Anything with a string ``id`` (a template as the ``notify`` object returns it)."""

    @property
    def id(self) -> str:
        """The id, as a string."""
        ...


class ServiceControls(Protocol):
    """The ``notify`` object of one service: the part of ``NotifyFake``'s API the control API calls.

    Each member behaves as documented on :class:`pytest_notify.fake.NotifyFake`.
    """

    store: Store
    service: Service
    base_url: str
    test_key: str
    team_key: str
    live_key: str | None

    # -- keys and templates ---------------------------------------------------------------------

    def create_key(self, key_type: str | KeyType, name: str | None = None) -> str:
        """Create a key; the full key string."""
        ...

    def revoke_key(self, key: str) -> None:
        """Revoke a key given as its full string or its name."""
        ...

    @property
    def api_keys(self) -> list[ApiKey]:
        """Every key, revoked ones included."""
        ...

    def add_template(
        self, type: str, body: str, subject: str | None = None, name: str | None = None, **options: Any
    ) -> Identified:
        """Add a template at version 1."""
        ...

    def update_template(self, template_id: str, **changes: Any) -> Identified:
        """Save a new version of a template."""
        ...

    def remove_template(self, template_id: str) -> None:
        """Delete (archive) a template."""
        ...

    # -- the service ------------------------------------------------------------------------------

    def go_live(self) -> str:
        """Make the service live; its live key."""
        ...

    def back_to_trial(self) -> None:
        """Put the service back in trial mode."""
        ...

    @property
    def limits(self) -> ServiceLimits:
        """The limits and today's counts."""
        ...

    def set_limits(
        self,
        *,
        rate_limit: int | None = None,
        sms_limit: int | None = None,
        email_limit: int | None = None,
        letter_limit: int | None = None,
        international_sms_limit: int | None = None,
    ) -> ServiceLimits:
        """Change some limits."""
        ...

    # -- what happened ----------------------------------------------------------------------------

    @property
    def notifications(self) -> Sequence[Any]:
        """The stored notifications, oldest first (``SentNotification`` dataclasses)."""
        ...

    @property
    def dashboard(self) -> DashboardReport:
        """The dashboard now."""
        ...

    @property
    def usage(self) -> UsageReport:
        """The usage of the current financial year."""
        ...

    @property
    def callbacks(self) -> Sequence[CallbackAttempt]:
        """Every callback request made, oldest first."""
        ...

    def set_delivery_status_callback(self, url: str | None, bearer_token: str | None = None) -> None:
        """Set up or remove the delivery-status callback."""
        ...

    def set_inbound_sms_callback(self, url: str | None, bearer_token: str | None = None) -> None:
        """Set up or remove the received-text callback."""
        ...

    def receive_sms(self, content: str, from_number: str = "07700900123", *, received_at: Any = None) -> str:
        """The service receives a text; its id."""
        ...

    # -- time and outcomes ------------------------------------------------------------------------

    @property
    def clock(self) -> Clock:
        """The service's clock."""
        ...

    def freeze_time(self) -> SwitchableClock:
        """Stop the service's clock now."""
        ...

    def advance(self, seconds: float = 0, **delta: float) -> dt.datetime:
        """Move the clock forward; the new now."""
        ...

    @property
    def timings(self) -> Timings:
        """How sends move on."""
        ...

    def set_timings(self, timings: str | Mapping[str, Any] | Timings | None = None, /, **delays: Any) -> Timings:
        """Choose how later sends move on."""
        ...

    def set_outcome(
        self,
        status: str,
        *,
        notification: Any = None,
        recipient: str | None = None,
        template: Any = None,
        type: str | None = None,
    ) -> None:
        """Choose how sends end."""
        ...

    def clear_outcomes(self) -> None:
        """Forget the outcomes chosen for later sends."""
        ...

    def advance_status(self, notification: Any, *, to: str | None = None) -> Any:
        """Move one notification on; it as it is now."""
        ...

    def advance_all(self, *, to: str | None = None) -> Sequence[Any]:
        """Move every notification that can still move; those moved."""
        ...

    # -- faults -----------------------------------------------------------------------------------

    def inject_fault(
        self,
        kind: str | int,
        *,
        endpoint: str | Iterable[str] | None = None,
        recipient: str | None = None,
        template_id: str | uuid.UUID | None = None,
        times: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
        seconds: float | None = None,
        error: str | None = None,
    ) -> FaultRule:
        """Make matching requests fail."""
        ...

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        ...

    @property
    def fault_rules(self) -> list[FaultRule]:
        """The rules in the order tried."""
        ...

    @property
    def faulted_requests(self) -> list[FaultedRequest]:
        """The requests faults hit."""
        ...


class ControlBackend(Protocol):
    """How the control API makes and finds services' :class:`ServiceControls`."""

    def create(self, store: Store, base_url: str, settings: Mapping[str, Any]) -> ServiceControls:
        """A new service from ``notify_service`` marker settings, with its keys, as the fixture makes it."""
        ...

    def attach(self, store: Store, service: Service, base_url: str) -> ServiceControls:
        """The controls of a service that exists already (no keys are made)."""
        ...

    def reseed(self, store: Store) -> Any:
        """Seed the store as the server was at start (JSON-able details), or None if it has no seed."""
        ...
