"""``NotifyFake``: what a test holds as the ``notify`` fixture — one fake service and its keys."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from pytest_notify.callback_helpers import CallbackHelpers
from pytest_notify.domain.callbacks import CallbackApi
from pytest_notify.domain.clock import Clock, SwitchableClock
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.limits import ServiceLimits
from pytest_notify.domain.notifications import Notification, public_status
from pytest_notify.domain.service import Service, TeamMember
from pytest_notify.domain.store import Store
from pytest_notify.domain.templates import Template
from pytest_notify.faults import FaultControls
from pytest_notify.preloaded import PreloadedViews
from pytest_notify.reports import DashboardReport, UsageReport, dashboard_report, usage_report
from pytest_notify.timeline import TimelineControls


@dataclass(frozen=True)
class SentNotification:
    """A stored notification as a test sees it now (status read from the clock)."""

    id: str
    type: str
    status: str
    key_type: str
    key_name: str
    to: str
    body: str
    subject: str | None
    personalisation: dict[str, Any]
    reference: str | None
    template_id: str
    template_version: int
    created_at: Any

    @classmethod
    def of(cls, notification: Notification, clock: Clock) -> SentNotification:
        """Read ``notification`` at the clock's current time."""
        state = notification.status_at(clock.now())
        return cls(
            id=str(notification.id),
            type=notification.type,
            status=public_status(notification.type, state.status),
            key_type=notification.key_type.value,
            key_name=notification.key_name,
            to=notification.to,
            body=notification.body,
            subject=notification.subject,
            personalisation=dict(notification.personalisation),
            reference=notification.reference,
            template_id=str(notification.template_id),
            template_version=notification.template_version,
            created_at=notification.created_at,
        )

    def __str__(self) -> str:
        key = {"normal": "live"}.get(self.key_type, self.key_type)
        return f"{self.type} to {self.to!r} ({self.status}, {key} key {self.key_name!r}): {self.body[:60]!r}"


@dataclass(frozen=True)
class TemplateInfo:
    """A template as a test uses it: ``id`` is a string, ready for the official clients."""

    id: str
    version: int
    type: str
    name: str
    body: str
    subject: str | None

    @classmethod
    def of(cls, template: Template) -> TemplateInfo:
        """Describe ``template``'s current version."""
        return cls(
            id=str(template.id),
            version=template.version,
            type=template.type,
            name=template.name,
            body=template.content,
            subject=template.subject,
        )


class NotificationList(Sequence[SentNotification]):
    """The service's notifications, oldest first, with assertion helpers that explain failures."""

    def __init__(self, items: list[SentNotification]) -> None:
        self._items = items

    @overload
    def __getitem__(self, index: int) -> SentNotification: ...
    @overload
    def __getitem__(self, index: slice) -> NotificationList: ...
    def __getitem__(self, index: int | slice) -> SentNotification | NotificationList:
        if isinstance(index, slice):
            return NotificationList(self._items[index])
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[SentNotification]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, NotificationList):
            return self._items == other._items
        if isinstance(other, list):
            return self._items == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(n.id for n in self._items))

    def __repr__(self) -> str:
        return f"NotificationList({self._items!r})"

    def filter(self, predicate: Callable[[SentNotification], bool] | None = None, **fields: Any) -> NotificationList:
        """Those matching every ``field=value`` (and ``predicate``, if given)."""
        return NotificationList(
            [
                n
                for n in self._items
                if all(getattr(n, k) == v for k, v in fields.items()) and (predicate is None or predicate(n))
            ]
        )

    def only(self, **fields: Any) -> SentNotification:
        """The one notification matching ``fields``; an AssertionError listing what was sent otherwise."""
        matches = self.filter(**fields)
        if len(matches) != 1:
            wanted = ", ".join(f"{k}={v!r}" for k, v in fields.items()) or "any"
            seen = "\n".join(f"  - {n}" for n in self._items) or "  (nothing was sent)"
            raise AssertionError(f"expected exactly 1 notification matching {wanted}, found {len(matches)}:\n{seen}")
        return matches[0]

    @property
    def last(self) -> SentNotification:
        """The newest notification; AssertionError if there is none."""
        if not self._items:
            raise AssertionError("no notification was sent")
        return self._items[-1]


class NotifyFake(FaultControls, CallbackHelpers, TimelineControls, PreloadedViews):
    """One fake Notify service with a test, a team and (when live) a live key.

    ``base_url`` is what the official clients take; the keys are full key strings.
    """

    def __init__(
        self, store: Store, service: Service, base_url: str, *, new_keys: bool = True, live_key: bool = True
    ) -> None:
        self.store = store
        self.service = service
        self.base_url = base_url.rstrip("/")
        if not new_keys:
            # The control API's view of a service that has its keys already: the first active key
            # of each type ("" or None when there is none); no key is made.
            first = {k.key_type: k.key for k in reversed(service.api_keys) if not k.revoked}
            self.test_key = first.get(KeyType.TEST, "")
            self.team_key = first.get(KeyType.TEAM, "")
            self.live_key: str | None = first.get(KeyType.LIVE)
            return
        self.test_key = self.create_key("test", "test key")
        self.team_key = self.create_key("team", "team key")
        # live_key=False: a live service whose code holds only a team key (the team_key_only scenario).
        self.live_key = None if service.restricted or not live_key else self.create_key("live", "live key")

    @property
    def service_id(self) -> str:
        """The service id (the JWT ``iss``)."""
        return str(self.service.id)

    @property
    def clock(self) -> Clock:
        """This service's clock; by default a :class:`SwitchableClock` that can be frozen and advanced."""
        return self.store.clock_for(self.service.id)

    def freeze_time(self) -> SwitchableClock:
        """Stop this service's clock now (statuses then move only with ``advance``)."""
        clock = self.clock
        if not isinstance(clock, SwitchableClock):
            raise TypeError("this service's clock cannot be frozen")
        clock.freeze()
        return clock

    def go_live(self) -> str:
        """Make the service live (as Notify's go-live request does) and return its live key,
        creating one if it has none; ``live_key`` is set to it."""
        self.store.set_trial_mode(self.service.id, False)
        if self.live_key is None:
            self.live_key = self.create_key("live", "live key")
        return self.live_key

    def back_to_trial(self) -> None:
        """Put the service back in trial mode. A live key it already has keeps authenticating, but
        sends only to the team and guest list (Notify's trial-mode error otherwise)."""
        self.store.set_trial_mode(self.service.id, True)

    @property
    def trial_mode(self) -> bool:
        """Whether the service is in trial mode."""
        return self.service.restricted

    @property
    def limits(self) -> ServiceLimits:
        """The service's rate limit and daily limits, and what live and team keys sent today (UTC).

        ``rate_limit``, ``bucket_size``, ``sms``, ``email``, ``letter``, ``international_sms`` and
        ``sent_today`` (a dict by channel). A snapshot: read it again after sending.
        """
        return self.store.limits_of(self.service.id)

    def set_limits(
        self,
        *,
        rate_limit: int | None = None,
        sms_limit: int | None = None,
        email_limit: int | None = None,
        letter_limit: int | None = None,
        international_sms_limit: int | None = None,
    ) -> ServiceLimits:
        """Change some of the service's limits (the others stay), as a Notify admin can.

        ``rate_limit`` is requests per 60 seconds for each key type; the others are per UTC day.
        What was sent today still counts, and going live or back to trial resets email, sms and
        letter as Notify's admin does.
        """
        return self.store.set_limits(
            self.service.id,
            rate_limit=rate_limit,
            sms_limit=sms_limit,
            email_limit=email_limit,
            letter_limit=letter_limit,
            international_sms_limit=international_sms_limit,
        )

    def create_key(self, key_type: str | KeyType, name: str | None = None) -> str:
        """Create another API key (``"test"``, ``"team"`` or ``"live"``) and return the full key string.

        The name is made safe as Notify's admin makes it (``"My Key!"`` becomes ``my_key``); a service
        may have any number of active keys of each type. A live key on a trial service is refused.
        """
        return self.store.create_api_key(self.service.id, key_type, name).key

    def revoke_key(self, key: str) -> None:
        """Revoke a key, given as its full key string or its name (which must then be unique).

        From now on it is refused with ``Invalid token: API key revoked``; 7 days later (on this
        service's clock) with ``Invalid token: API key not found``. Other keys keep working.
        """
        self.store.revoke_api_key(self.service.id, self._find_key(key).id)

    def _find_key(self, key: str) -> ApiKey:
        by_string = [k for k in self.service.api_keys if k.key == key]
        by_name = [k for k in self.service.api_keys if k.name == key and k.expiry_date is None]
        found = by_string or by_name
        if len(found) != 1:
            names = ", ".join(f"{k.name} ({k.key_type.label})" for k in self.service.api_keys)
            problem = "no" if not found else "more than one"
            raise ValueError(f"{problem} key of this service matches {key!r}; its keys: {names}")
        return found[0]

    @property
    def api_keys(self) -> list[ApiKey]:
        """Every key of the service, revoked ones included (``name``, ``key_type``, ``key``, ``revoked``)."""
        return list(self.service.api_keys)

    def add_template(
        self,
        type: str,
        body: str,
        subject: str | None = None,
        name: str | None = None,
        **options: Any,
    ) -> TemplateInfo:
        """Add a template (``type`` is ``sms``, ``email`` or ``letter``); it has ``id`` and ``version``."""
        return TemplateInfo.of(self.store.add_template(self.service.id, type, body, subject, name, **options))

    def update_template(self, template_id: str, **changes: Any) -> TemplateInfo:
        """Save a new version of a template: ``body=``, ``subject=``, ``name=`` (others kept)."""
        if "body" in changes:
            changes["content"] = changes.pop("body")
        template = self.store.update_template(self.service.id, uuid.UUID(str(template_id)), **changes)
        return TemplateInfo.of(template)

    def remove_template(self, template_id: str) -> None:
        """Delete a template as Notify's admin does, by archiving it: sends with it then fail with
        ``Template has been deleted`` and ``GET /v2/templates`` leaves it out, while reading it by
        id (any version) still works."""
        tid = uuid.UUID(str(template_id))
        with self.store.tenants_locked(self.service.id):
            template = self.service.templates.get(tid)
            if template is None or template.hidden:
                raise ConfigurationError(f"this service has no template {tid}")
            template.archived = True

    def add_sms_sender(self, sender: str, *, default: bool = False) -> str:
        """Add a text message sender (a number or up to 11 letters); returns its ``sms_sender_id``."""
        return str(self.store.add_sms_sender(self.service.id, sender, is_default=default).id)

    def add_reply_to_address(self, email_address: str, *, default: bool = False) -> str:
        """Add an email reply-to address; returns its ``email_reply_to_id``."""
        return str(self.store.add_reply_to_address(self.service.id, email_address, is_default=default).id)

    def receive_sms(self, content: str, from_number: str = "07700900123", *, received_at: Any = None) -> str:
        """The service receives a text message (listed by ``GET /v2/received-text-messages``); returns its id."""
        return str(self.store.receive_sms(self.service.id, content, from_number, received_at=received_at).id)

    @property
    def notifications(self) -> NotificationList:
        """This service's stored notifications, oldest first, as they are now."""
        clock = self.clock
        return NotificationList([SentNotification.of(n, clock) for n in self.store.notifications(self.service.id)])

    @property
    def dashboard(self) -> DashboardReport:
        """What the service's dashboard shows now: ``dashboard.sms.sent``, ``.delivered``, ``.failed``...
        for today, and ``dashboard.last_7_days``. Test-key notifications never count."""
        return dashboard_report(self.store, self.service)

    @property
    def usage(self) -> UsageReport:
        """The service's Usage page for the current financial year (``usage.for_year(2025)`` for another):
        ``usage.sms.free_allowance``, ``.chargeable_units``, ``.cost``, ``usage.emails_sent``, ``usage.letters``."""
        return usage_report(self.store, self.service)

    def add_team_member(self, email: str | None = None, mobile: str | None = None, name: str = "Test User") -> None:
        """Add a user to the team: their address and number may then be sent to."""
        if email is None and mobile is None:
            raise ValueError("add_team_member needs an email, a mobile number or both")
        self.service.team_members.append(TeamMember(email_address=email, mobile_number=mobile, name=name))

    def add_to_guest_list(self, *recipients: str) -> None:
        """Add email addresses or phone numbers to the guest list."""
        self.service.guest_list.extend(recipients)

    def __repr__(self) -> str:
        return f"<NotifyFake {self.service!r} at {self.base_url}>"


def service_settings(
    *,
    name: str | None = None,
    trial_mode: bool = False,
    team_members: Iterable[str | dict[str, str] | TeamMember] = (),
    guest_list: Iterable[str] = (),
    permissions: Iterable[str] | None = None,
    delivery_status_callback: CallbackApi | tuple[str, str] | None = None,
    inbound_sms_callback: CallbackApi | tuple[str, str] | None = None,
    **settings: Any,
) -> dict[str, Any]:
    """Turn friendly ``notify_service`` marker arguments into :meth:`Store.create_service` keywords."""
    for argument, value in (("team_members", team_members), ("guest_list", guest_list), ("permissions", permissions)):
        if isinstance(value, str):
            raise ConfigurationError(f"{argument} takes a list, not the string {value!r}")
    return {
        "name": name,
        "trial_mode": trial_mode,
        "team_members": [_team_member(m) for m in team_members],
        "guest_list": list(guest_list),
        "permissions": permissions,
        # (url, bearer_token) pairs from a marker; validated here so a typo fails the test at set-up.
        "delivery_status_callback": CallbackApi.of(delivery_status_callback),
        "inbound_sms_callback": CallbackApi.of(inbound_sms_callback),
        **settings,
    }


_TEAM_MEMBER_KEYS = frozenset({"email", "mobile", "name"})


def _team_member(value: str | dict[str, str] | TeamMember) -> TeamMember:
    if isinstance(value, TeamMember):
        return value
    if isinstance(value, dict):
        unknown = sorted(set(value) - _TEAM_MEMBER_KEYS)
        if unknown or not (value.get("email") or value.get("mobile")):
            raise ConfigurationError(
                f"team_members: each is an email address, a mobile number, or a dict with 'email' and/or "
                f"'mobile' (and 'name'); got {value!r}"
            )
        return TeamMember(
            email_address=value.get("email"), mobile_number=value.get("mobile"), name=value.get("name", "Test User")
        )
    if not isinstance(value, str):
        raise ConfigurationError(f"team_members: each is an email address, a mobile number or a dict; got {value!r}")
    if "@" in value:
        return TeamMember(email_address=value)
    return TeamMember(mobile_number=value)


__all__ = ["NotificationList", "NotifyFake", "SentNotification", "TemplateInfo", "service_settings"]
