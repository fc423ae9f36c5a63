"""Status over time through the ``notify`` object: timings, outcomes, moving the clock and waiting.

``TimelineControls`` is the part of ``NotifyFake`` that decides how its notifications move on
(see :mod:`pytest_notify.domain.lifecycle` and :mod:`pytest_notify.domain.timings`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pytest_notify.domain import lifecycle
from pytest_notify.domain.clock import Clock, SwitchableClock
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.domain.tenant import Tenant
from pytest_notify.domain.timings import Timings, parse_timings
from pytest_notify.waiting import DEFAULT_TIMEOUT, wait_until

if TYPE_CHECKING:
    from pytest_notify.fake import NotificationList, SentNotification

NotificationRef = Any
"""A notification id (``str`` or UUID), a send's response dict, or anything with an ``id``."""


def notification_id(ref: NotificationRef, what: str = "notification") -> uuid.UUID:
    """The id of what a test holds: an id, the official client's response dict, or an object with ``id``."""
    raw = ref.get("id") if isinstance(ref, Mapping) else getattr(ref, "id", ref)
    try:
        return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
    except ValueError:
        raise ConfigurationError(f"not a {what} id: {ref!r}") from None


class TimelineControls:
    """The status-over-time part of ``NotifyFake`` (which provides ``store``, ``service``,
    ``clock`` and ``notifications``)."""

    store: Store
    service: Service

    if TYPE_CHECKING:

        @property
        def clock(self) -> Clock: ...

        @property
        def notifications(self) -> NotificationList: ...

    # -- timings -----------------------------------------------------------------------------

    @property
    def timings(self) -> Timings:
        """How this service's sends move on: ``timings.mode`` is ``instant``, ``clock`` or ``manual``."""
        timings: Timings = self._with_tenant(lambda tenant: tenant.timings)
        return timings

    def set_timings(self, timings: str | Mapping[str, Any] | Timings | None = None, /, **delays: Any) -> Timings:
        """Choose how later sends move on: ``"instant"``, ``"clock"`` (realistic delays), ``"manual"``,
        or delays on the clock: ``set_timings(sending=1, final=5)`` for every channel,
        ``set_timings(sms={"final": 60}, letter={"pdf": 10})`` per channel. Returns the timings."""
        if timings is None and not delays:
            raise ConfigurationError("set_timings needs 'instant', 'clock', 'manual', a mapping or delays")
        chosen = parse_timings(timings, **delays)
        self.store.set_timings(self.service.id, chosen)
        return chosen

    def advance(self, seconds: float = 0, **delta: float) -> dt.datetime:
        """Move this service's clock forward (freezing it first if it follows real time), so time-based
        tests need no sleeping: ``notify.advance(3)``, ``notify.advance(days=2)``. Returns the new now."""
        clock = self.clock
        move: Callable[..., dt.datetime] | None = getattr(clock, "advance", None)
        if move is None:
            raise TypeError(f"this service's clock ({type(clock).__name__}) cannot be moved")
        moved = move(seconds, **delta)
        # The callbacks (and retries) this made due reach their receivers before advance returns.
        self.store.run_due(self.service.id)
        return moved

    # -- outcomes ----------------------------------------------------------------------------

    def set_outcome(
        self,
        status: str,
        *,
        notification: NotificationRef = None,
        recipient: str | None = None,
        template: Any = None,
        type: str | None = None,
    ) -> None:
        """Choose how sends end, for any key type (the simulator decides test keys otherwise).

        With ``notification=``, that one (see :meth:`fail`); with ``recipient=`` (a number, an
        email address or a letter's address line) or ``template=`` (an id), later sends to it or
        from it; with neither, every later send (of ``type``, if given) that can end so. SMS and
        email: ``delivered``, ``permanent-failure``, ``temporary-failure``, ``technical-failure``;
        letters: ``delivered``, ``returned-letter``, ``validation-failed``, ``technical-failure``,
        and ``virus-scan-failed`` for precompiled ones.
        """
        given = (("notification", notification), ("recipient", recipient), ("template", template))
        scopes = [name for name, value in given if value is not None]
        if len(scopes) > 1 or (scopes and type is not None):
            raise ConfigurationError(
                f"set_outcome takes one of notification=, recipient=, template= or type=; got {', '.join(scopes)}"
            )
        if notification is not None:
            self.fail(notification, status)
        elif recipient is not None:
            self._with_tenant(lambda tenant: tenant.outcomes.for_recipient(recipient, status))
        elif template is not None:
            self._with_tenant(lambda tenant: self._template_rule(tenant, template, status))
        else:
            self._with_tenant(lambda tenant: tenant.outcomes.for_every_send(status, type))

    def clear_outcomes(self) -> None:
        """Forget every outcome chosen for later sends (already planned notifications keep theirs)."""
        self._with_tenant(lambda tenant: tenant.outcomes.clear())

    def fail(self, notification: NotificationRef, status: str, *, now: bool = False) -> SentNotification:
        """Make a notification already sent end ``status`` instead of its planned outcome.

        Only what has not happened yet changes: a text already delivered cannot fail, and
        ``technical-failure`` (Notify could not hand it to a provider) only comes before
        ``sending``. ``now=True`` also moves it there at once. ``"cancelled"`` cancels a letter
        not yet printed, as a person can in Notify's web app.
        """

        def change(n: Notification, at: dt.datetime) -> None:
            lifecycle.set_outcome(n, status, at)
            if now and lifecycle.still_to_come(n, at):
                lifecycle.advance(n, at, to=n.final_status)

        return self._change(notification, change)

    def advance_status(self, notification: NotificationRef, *, to: str | None = None) -> SentNotification:
        """Move a notification to its next status now (or through each step up to the raw status
        ``to``): how a test moves sends on in ``manual`` timings; on the clock it brings the next
        step forward. An error if nothing more will happen to it."""
        return self._change(notification, lambda n, at: lifecycle.advance(n, at, to))

    def advance_all(self, *, to: str | None = None) -> NotificationList:
        """:meth:`advance_status` for every notification that can still move (with ``to``, those
        that will reach it); returns them as they are now."""
        moved: list[str] = []

        def move_all(tenant: Tenant) -> None:
            at = tenant.now()
            for n in tenant.notifications:
                coming = lifecycle.still_to_come(n, at)
                if coming and (to is None or to in coming):
                    lifecycle.advance(n, at, to)
                    moved.append(str(n.id))

        self._with_tenant(move_all)
        return self.notifications.filter(lambda sent: sent.id in moved)

    # -- waiting -----------------------------------------------------------------------------

    def wait_for(
        self,
        predicate: Callable[[SentNotification], bool] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        **fields: Any,
    ) -> SentNotification:
        """Block until a notification matching ``fields`` (``status="delivered", to="07700900123"``)
        and ``predicate`` exists, and return it (the oldest such). After ``timeout`` seconds of real
        time, an ``AssertionError`` lists what the service holds instead.

        For code under test that sends from another thread or process; with a frozen clock or
        manual timings, statuses only move when the test moves them.
        """
        from pytest_notify.fake import SentNotification  # fake.py imports this module

        fields_known = {f.name for f in dataclasses.fields(SentNotification)}
        unknown = sorted(set(fields) - fields_known)
        if unknown:
            raise TypeError(
                f"wait_for: notifications have no {', '.join(unknown)}; they have {', '.join(sorted(fields_known))}"
            )

        def find() -> SentNotification | None:
            matches = self.notifications.filter(predicate, **fields)
            return matches[0] if matches else None

        def describe() -> str:
            wanted = [f"{k}={v!r}" for k, v in fields.items()] + (["predicate"] if predicate else [])
            seen = self.notifications
            lines = [
                f"no notification matching {', '.join(wanted) or 'anything'} within {timeout:g} s; "
                f"the service holds {len(seen)}:",
                *(f"  - {n}" for n in seen),
            ]
            if not seen:
                lines.append("  (nothing was sent)")
            lines.extend(self._why_nothing_moves())
            return "\n".join(lines)

        return wait_until(find, timeout=timeout, describe=describe)

    def _why_nothing_moves(self) -> list[str]:
        notes = []
        clock = self.clock
        if isinstance(clock, SwitchableClock) and clock.frozen:
            notes.append(
                f"the service clock is frozen at {clock.now().isoformat()}: statuses move only with notify.advance(...)"
            )
        timings = self.timings
        if timings.mode == "manual":
            notes.append("timings are manual: move sends on with notify.advance_status(id) or notify.advance_all()")
        elif timings.mode == "clock":
            notes.append(f"timings: {timings.describe()}")
        return notes

    # -- plumbing ----------------------------------------------------------------------------

    def _with_tenant(self, action: Callable[[Tenant], Any]) -> Any:
        with self.store.tenants_locked(self.service.id) as tenants:
            if not tenants:
                raise ConfigurationError(f"service {self.service.id} has been removed")
            return action(tenants[0])

    def _change(self, ref: NotificationRef, action: Callable[[Notification, dt.datetime], None]) -> SentNotification:
        nid = notification_id(ref)

        def change(tenant: Tenant) -> None:
            found = tenant.by_id.get(nid)
            if found is None:
                raise ConfigurationError(f"this service has no notification {nid} (smoke-test sends are never stored)")
            action(found, tenant.now())

        self._with_tenant(change)
        return self.notifications.filter(id=str(nid))[0]

    @staticmethod
    def _template_rule(tenant: Tenant, template: Any, status: str) -> None:
        template_id = notification_id(template, "template")
        found = tenant.service.templates.get(template_id)
        if found is None:
            raise ConfigurationError(f"this service has no template {template_id}")
        tenant.outcomes.for_template(template_id, "precompiled" if found.hidden else found.type, status)
