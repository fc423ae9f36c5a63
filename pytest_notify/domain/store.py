"""The multi-tenant store: every service, key, template and notification the fake holds.

One store serves many tests at once: each test gets its own service, so isolation comes from the
service id in the JWT, not from resetting shared state. All methods are thread-safe.

:class:`Store` holds the services, the lock and the sends; setting a service up lives in
:mod:`.store_setup` and what a service keeps beside its notifications in :mod:`.store_inbox`,
mixed in, so ``from pytest_notify.domain.store import Store`` is still all a caller needs.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pytest_notify.domain import limits
from pytest_notify.domain.callback_dispatch import CallbackDispatcher
from pytest_notify.domain.clock import Clock, IdFactory, SwitchableClock, SystemClock
from pytest_notify.domain.errors import AuthError, ConfigurationError, NoResultFound
from pytest_notify.domain.extensions import BUILT_IN, Extensions
from pytest_notify.domain.faults import FaultPlan
from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.letters import PRECOMPILED_TEMPLATE_NAME, LetterRequest, prepare_letter, prepare_precompiled
from pytest_notify.domain.misuse import simulator_recipient_misuse
from pytest_notify.domain.notifications import Notification, NotificationFilter
from pytest_notify.domain.sending import SendOutcome, SendRequest, prepare_send
from pytest_notify.domain.service import KNOWN_PERMISSIONS, ORGANISATION_TYPES, Service, TeamMember
from pytest_notify.domain.store_inbox import InboxHost, ServiceInbox
from pytest_notify.domain.store_setup import ServiceSetup, SetupHost
from pytest_notify.domain.templates import Template
from pytest_notify.domain.tenant import API_PAGE_SIZE, DATA_RETENTION, Tenant

__all__ = ["API_PAGE_SIZE", "DATA_RETENTION", "Store"]


class Store(ServiceSetup, ServiceInbox):
    """Services and what they sent.

    Time is per service: with no ``clock`` given, each service gets its own
    :class:`SwitchableClock`, so one test freezing or advancing time never moves another's.
    With a ``clock`` given, every service shares it.
    """

    def __init__(
        self, clock: Clock | None = None, ids: IdFactory = uuid.uuid4, *, extensions: Extensions | None = None
    ) -> None:
        self.extensions: Extensions = extensions if extensions is not None else BUILT_IN
        """What observes and may decide sends (:mod:`.extensions`); the pluggy hooks in pytest and serve."""
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._shared_clock = clock
        self.ids = ids
        self._lock = threading.RLock()
        self._tenants: dict[uuid.UUID, Tenant] = {}
        self._seq = 0
        self.dispatcher = CallbackDispatcher(self)
        """Sends the services' callbacks (reference §11); the server starts and stops its thread."""

    def _tenant(self, service_id: uuid.UUID) -> Tenant:
        """The tenant of a service; a service removed mid-request (test teardown) is "not found"."""
        tenant = self._tenants.get(service_id)
        if tenant is None:
            raise AuthError("Invalid token: service not found")
        return tenant

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    # -- services ----------------------------------------------------------------------------

    def create_service(
        self,
        name: str | None = None,
        *,
        service_id: uuid.UUID | str | None = None,
        trial_mode: bool = False,
        organisation_type: str | None = "central",
        permissions: Iterable[str] | None = None,
        team_members: Iterable[TeamMember] = (),
        guest_list: Iterable[str] = (),
        clock: Clock | None = None,
        rate_limit: int | None = None,
        sms_limit: int | None = None,
        email_limit: int | None = None,
        letter_limit: int | None = None,
        international_sms_limit: int | None = None,
        **settings: Any,
    ) -> Service:
        """Create a service (live unless ``trial_mode``) with no keys or templates yet.

        Limits not given get Notify's defaults for the mode and organisation type (reference §7).
        """
        if organisation_type is not None and organisation_type not in ORGANISATION_TYPES:
            raise ConfigurationError(
                f"organisation_type: unknown {organisation_type!r}; choose one of {', '.join(ORGANISATION_TYPES)}"
            )
        settings = {
            **limits.limit_fields(
                trial_mode=trial_mode,
                organisation_type=organisation_type,
                rate_limit=rate_limit,
                sms_limit=sms_limit,
                email_limit=email_limit,
                letter_limit=letter_limit,
                international_sms_limit=international_sms_limit,
            ),
            **settings,
        }
        with self._lock:
            sid = uuid.UUID(str(service_id)) if service_id is not None else self.ids()
            if sid in self._tenants:
                raise ConfigurationError(f"a service with id {sid} already exists")
            service_clock = clock or self._shared_clock or SwitchableClock()
            service = Service(
                id=sid,
                name=name or f"Test service {str(sid)[:8]}",
                created_at=service_clock.now(),
                restricted=trial_mode,
                organisation_type=organisation_type,
                team_members=list(team_members),
                guest_list=list(guest_list),
                **settings,
            )
            if permissions is not None:
                unknown = sorted(set(permissions) - set(KNOWN_PERMISSIONS))
                if unknown:
                    raise ConfigurationError(
                        f"permissions: unknown {', '.join(map(repr, unknown))}; "
                        f"Notify's are {', '.join(KNOWN_PERMISSIONS)}"
                    )
                service.permissions = set(permissions)
            self._tenants[sid] = Tenant(service, service_clock)
        self.extensions.service_created(self, service)  # outside the lock: it may call the store
        return service

    def restore(self, service: Service, fill: Callable[[Tenant], int]) -> Tenant:
        """Put back a service saved earlier (``pytest-notify serve --data-dir``), ids and keys as they were.

        Its tenant gets the clock a new service would; ``fill`` puts back what it held, under the
        store's lock, and returns the highest ``seq`` among it, so what is stored next comes after.
        No extension hears of it: it was created before the restart.
        """
        with self._lock:
            if service.id in self._tenants:
                raise ConfigurationError(f"a service with id {service.id} already exists")
            tenant = Tenant(service, self._shared_clock or SwitchableClock())
            self._seq = max(self._seq, fill(tenant))
            self._tenants[service.id] = tenant
            return tenant

    def clock_for(self, service_id: uuid.UUID) -> Clock:
        """The clock of one service (the store's own for an unknown id)."""
        with self._lock:
            tenant = self._tenants.get(service_id)
            return tenant.clock if tenant is not None else self.clock

    @contextmanager
    def tenants_locked(self, service_id: uuid.UUID | None = None) -> Iterator[list[Tenant]]:
        """Hold the store's lock and give every tenant, or the one of ``service_id`` (none if unknown)."""
        with self._lock:
            if service_id is None:
                yield list(self._tenants.values())
            else:
                tenant = self._tenants.get(service_id)
                yield [tenant] if tenant is not None else []

    def run_due(self, service_id: uuid.UUID) -> None:
        """Make the callbacks due by this service's clock now, in this thread (see the dispatcher)."""
        self.dispatcher.run_due(service_id)

    def get_service(self, service_id: uuid.UUID) -> Service:
        """The service with this id; :class:`KeyError` if there is none."""
        with self._lock:
            return self._tenants[service_id].service

    def find_service(self, service_id: uuid.UUID) -> Service | None:
        """The service with this id, or None."""
        with self._lock:
            tenant = self._tenants.get(service_id)
            return tenant.service if tenant is not None else None

    def services(self) -> list[Service]:
        """Every service, oldest first."""
        with self._lock:
            return [t.service for t in self._tenants.values()]

    def remove_service(self, service_id: uuid.UUID) -> None:
        """Forget a service and everything it sent (the only "reset")."""
        with self._lock:
            tenant = self._tenants.pop(service_id, None)
        if tenant is not None:
            tenant.faults.clear()  # lets go of requests a "hang" fault is holding

    def faults_for(self, service_id: uuid.UUID) -> FaultPlan:
        """A service's fault rules and the requests they faulted."""
        with self._lock:
            return self._tenant(service_id).faults

    # -- before a send: authentication and rate limits ---------------------------------------

    def keys_for_authentication(self, service_id: uuid.UUID) -> tuple[Service, list[ApiKey]]:
        """Steps 6 to 8 of Notify's authentication: the service and the keys it still loads."""
        with self._lock:
            tenant = self._tenant(service_id)
            service = tenant.service
            now = tenant.now()
            keys = [k for k in service.api_keys if k.loaded_at(now)]
            if not keys:
                raise AuthError("Invalid token: service has no API keys")
            if not service.active:
                raise AuthError("Invalid token: service is archived")
            return service, keys

    def check_rate_limits(self, service: Service, api_key: ApiKey, notification_type: str) -> None:
        """Notify's ``check_rate_limiting`` (step 2 of a POST send, before the body is read): take a
        token from the key type's bucket (``RateLimitError``), then check the channel's daily limit
        (``TooManyRequestsError``)."""
        with self._lock:
            tenant = self._tenant(service.id)
            limits.check_rate_limiting(tenant.limits, service, api_key.key_type, notification_type, tenant.now())

    # -- notifications -----------------------------------------------------------------------

    def send(self, service: Service, api_key: ApiKey, request: SendRequest) -> SendOutcome:
        """Run the send checks and store the notification unless it went to a smoke-test recipient."""
        with self._lock:
            tenant = self._tenant(service.id)
            outcome = prepare_send(
                service,
                api_key,
                request,
                now=tenant.now(),
                new_id=self.ids(),
                timings=tenant.timings,
                limits=tenant.limits,
                extensions=self.extensions,
            )
            notification = outcome.notification
            if notification.persisted:
                self._keep(tenant, notification)
                for document in outcome.documents:
                    tenant.documents[document.id] = document
            misuse = simulator_recipient_misuse(api_key, notification.type, notification.to)
            if misuse:
                tenant.note_key_misuse(misuse)
        self._announce(service, api_key, notification)
        return outcome

    def send_letter(self, service: Service, api_key: ApiKey, request: LetterRequest) -> SendOutcome:
        """A templated letter: the send checks, its PDF, and storing it."""
        with self._lock:
            tenant = self._tenant(service.id)
            outcome = prepare_letter(
                service,
                api_key,
                request,
                now=tenant.now(),
                new_id=self.ids(),
                timings=tenant.timings,
                extensions=self.extensions,
            )
            self._keep(tenant, outcome.notification)
        self._announce(service, api_key, outcome.notification)
        return outcome

    def send_precompiled_letter(
        self, service: Service, api_key: ApiKey, *, reference: str, content: str, postage: str | None
    ) -> Notification:
        """A precompiled PDF letter, stored as ``pending-virus-check``."""
        with self._lock:
            tenant = self._tenant(service.id)
            notification = prepare_precompiled(
                service,
                api_key,
                self._precompiled_template(service),
                reference=reference,
                content=content,
                postage=postage,
                now=tenant.now(),
                new_id=self.ids(),
                timings=tenant.timings,
            )
            self._keep(tenant, notification)
        self._announce(service, api_key, notification)
        return notification

    def _keep(self, tenant: Tenant, notification: Notification) -> None:
        notification.seq = self._next_seq()
        # An extension's final status, else an outcome the test chose for this recipient or template.
        tenant.outcomes.settle(notification, self.extensions)
        tenant.add(notification)
        # After storing, as Notify increments its counters after persisting (test keys never count).
        limits.record_send(tenant.limits, notification)

    def _announce(self, service: Service, api_key: ApiKey, notification: Notification) -> None:
        # Outside the lock, so an observer that reads the store (or is slow) holds up no other test.
        if notification.persisted:
            self.extensions.notification_stored(notification)
        self.extensions.send_accepted(service, api_key, notification)

    def _precompiled_template(self, service: Service) -> Template:
        """Notify's hidden "Pre-compiled PDF" letter template, made on first use."""
        for template in service.templates.values():
            if template.hidden and template.type == "letter":
                return template
        template = self.add_template(
            service.id, "letter", "", PRECOMPILED_TEMPLATE_NAME, PRECOMPILED_TEMPLATE_NAME, postage="second"
        )
        template.hidden = True
        return template

    # -- reading notifications ---------------------------------------------------------------

    def notifications(self, service_id: uuid.UUID) -> list[Notification]:
        """Every stored notification of a service, oldest first (whatever the key or retention)."""
        with self._lock:
            tenant = self._tenants.get(service_id)
            return list(tenant.notifications) if tenant is not None else []

    def get_notification(self, service_id: uuid.UUID, notification_id: uuid.UUID) -> Notification:
        """A notification of this service still inside data retention, any key type."""
        with self._lock:
            tenant = self._tenants.get(service_id)
            found = tenant.find(notification_id) if tenant is not None else None
        if found is None:
            raise NoResultFound()
        return found

    def list_notifications(
        self,
        service_id: uuid.UUID,
        key_type: KeyType,
        *,
        template_types: list[str] | None = None,
        statuses: list[str] | None = None,
        reference: str | None = None,
        older_than: uuid.UUID | None = None,
        limit: int = API_PAGE_SIZE,
    ) -> list[Notification]:
        """One page of ``GET /v2/notifications``: the caller's key type only, newest first."""
        with self._lock:
            tenant = self._tenants.get(service_id)
            if tenant is None:
                return []
            since = tenant.now() - DATA_RETENTION
            wanted = NotificationFilter.of(key_type, template_types, statuses, reference, since=since)
            return tenant.page(wanted, older_than=older_than, limit=limit)


if TYPE_CHECKING:

    def _hosts_its_mixins(store: Store) -> tuple[SetupHost, InboxHost]:
        """Never called: mypy checks here that a Store is what its mixins' self-types ask for."""
        return store, store
