"""The multi-tenant store: every service, key, template and notification the fake holds.

One store serves many tests at once: each test gets its own service, so isolation comes from the
service id in the JWT, not from resetting shared state. All methods are thread-safe.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from pytest_notify.domain import limits
from pytest_notify.domain.callback_dispatch import CallbackDispatcher
from pytest_notify.domain.clock import Clock, IdFactory, SwitchableClock, SystemClock
from pytest_notify.domain.documents import Document
from pytest_notify.domain.errors import AuthError, ConfigurationError, NoResultFound
from pytest_notify.domain.extensions import BUILT_IN, Extensions
from pytest_notify.domain.faults import FaultPlan
from pytest_notify.domain.inbound import DEFAULT_INBOUND_NUMBER, InboundSms, format_user_number
from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.letters import PRECOMPILED_TEMPLATE_NAME, LetterRequest, prepare_letter, prepare_precompiled
from pytest_notify.domain.limits import ServiceLimits
from pytest_notify.domain.misuse import simulator_recipient_misuse
from pytest_notify.domain.notifications import Notification, NotificationFilter
from pytest_notify.domain.safe_string import make_key_name_safe
from pytest_notify.domain.sending import SendOutcome, SendRequest, prepare_send
from pytest_notify.domain.service import (
    KNOWN_PERMISSIONS,
    ORGANISATION_TYPES,
    EmailReplyTo,
    LetterContact,
    Service,
    SmsSender,
    TeamMember,
)
from pytest_notify.domain.simulator import Timings
from pytest_notify.domain.templates import Template, new_template
from pytest_notify.domain.tenant import API_PAGE_SIZE, DATA_RETENTION, Tenant

__all__ = ["API_PAGE_SIZE", "DATA_RETENTION", "Store"]


class Store:
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

    # -- services ---------------------------------------------------------------------------

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

    def set_trial_mode(self, service_id: uuid.UUID, trial_mode: bool) -> Service:
        """Move a service to trial mode or make it live. Its keys stay as they are: a live key
        made while live keeps working after a move back to trial, within trial rules.

        A change of mode also sets the daily limits as the admin's go-live / back-to-trial does
        (reference §7.2); "moving" to the mode the service is already in changes nothing."""
        with self._lock:
            service = self.get_service(service_id)
            if service.restricted != trial_mode:
                limits.change_of_mode(service, trial_mode=trial_mode)
            service.restricted = trial_mode
            return service

    # -- limits ------------------------------------------------------------------------------

    def check_rate_limits(self, service: Service, api_key: ApiKey, notification_type: str) -> None:
        """Notify's ``check_rate_limiting`` (step 2 of a POST send, before the body is read): take a
        token from the key type's bucket (``RateLimitError``), then check the channel's daily limit
        (``TooManyRequestsError``)."""
        with self._lock:
            tenant = self._tenant(service.id)
            limits.check_rate_limiting(tenant.limits, service, api_key.key_type, notification_type, tenant.now())

    def set_limits(
        self,
        service_id: uuid.UUID,
        *,
        rate_limit: int | None = None,
        sms_limit: int | None = None,
        email_limit: int | None = None,
        letter_limit: int | None = None,
        international_sms_limit: int | None = None,
    ) -> ServiceLimits:
        """Change some of a service's limits (the others stay); today's counts are kept."""
        with self._lock:
            service = self.get_service(service_id)
            limits.set_limits(
                service,
                rate_limit=rate_limit,
                sms_limit=sms_limit,
                email_limit=email_limit,
                letter_limit=letter_limit,
                international_sms_limit=international_sms_limit,
            )
            return self.limits_of(service_id)

    def limits_of(self, service_id: uuid.UUID) -> ServiceLimits:
        """A service's limits and today's (UTC, on its clock) counts."""
        with self._lock:
            tenant = self._tenants[service_id]
            return limits.describe(tenant.service, tenant.limits, tenant.now())

    def set_timings(self, service_id: uuid.UUID, timings: Timings) -> None:
        """How long this service's sends take to be handed over and to reach their outcome."""
        with self._lock:
            self._tenants[service_id].timings = timings

    # -- keys --------------------------------------------------------------------------------

    def create_api_key(
        self, service_id: uuid.UUID, key_type: KeyType | str, name: str | None = None, secret: str | None = None
    ) -> ApiKey:
        """Create a key as the admin site does; a live key needs a live service."""
        kind = KeyType.parse(key_type)
        with self._lock:
            service = self.get_service(service_id)
            if kind is KeyType.LIVE and service.restricted:
                raise ConfigurationError(
                    "a service in trial mode cannot have a live API key: Notify's admin site refuses it "
                    "(“Not available because your service is in trial mode”)"
                )
            key = ApiKey(
                id=self.ids(),
                service_id=service.id,
                name=make_key_name_safe(name if name is not None else f"{kind.name.lower()} key"),
                key_type=kind,
                secret=secret if secret is not None else str(uuid.uuid4()),
                created_at=self.clock_for(service.id).now(),
            )
            service.api_keys.append(key)
            return key

    def revoke_api_key(self, service_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey:
        """Revoke a key now; it answers ``API key revoked`` for 7 days, then is forgotten."""
        with self._lock:
            for key in self.get_service(service_id).api_keys:
                if key.id == key_id:
                    if key.expiry_date is None:
                        key.expiry_date = self.clock_for(service_id).now()
                    return key
        raise ConfigurationError(f"service {service_id} has no API key {key_id}")

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

    # -- templates ---------------------------------------------------------------------------

    def add_template(
        self,
        service_id: uuid.UUID,
        template_type: str,
        content: str,
        subject: str | None = None,
        name: str | None = None,
        *,
        template_id: uuid.UUID | str | None = None,
        **options: Any,
    ) -> Template:
        """Add a template at version 1 (``postage=``, ``letter_contact_block=``, ``created_by=``)."""
        with self._lock:
            service = self.get_service(service_id)
            tid = uuid.UUID(str(template_id)) if template_id is not None else self.ids()
            template = new_template(
                tid,
                service.id,
                template_type,
                content,
                subject,
                name or f"{template_type} template {len(service.templates) + 1}",
                self.clock_for(service.id).now(),
                **options,
            )
            service.templates[tid] = template
            return template

    def update_template(self, service_id: uuid.UUID, template_id: uuid.UUID, **changes: Any) -> Template:
        """Save a new version of a template: ``content=``, ``subject=``, ``name=``, ``postage=``..."""
        with self._lock:
            template = self.get_service(service_id).templates.get(template_id)
            if template is None:
                raise ConfigurationError(f"service {service_id} has no template {template_id}")
            template.new_version(self.clock_for(service_id).now(), **changes)
            return template

    def add_sms_sender(
        self, service_id: uuid.UUID, sms_sender: str, *, is_default: bool = False, sender_id: uuid.UUID | None = None
    ) -> SmsSender:
        """Add a text message sender; ``is_default`` makes it the one used when no id is given."""
        with self._lock:
            sender = SmsSender(id=sender_id or self.ids(), sms_sender=sms_sender, is_default=is_default)
            return self.get_service(service_id).add_sms_sender(sender)

    def add_reply_to_address(
        self,
        service_id: uuid.UUID,
        email_address: str,
        *,
        is_default: bool = False,
        reply_to_id: uuid.UUID | None = None,
    ) -> EmailReplyTo:
        """Add an email reply-to address."""
        with self._lock:
            reply_to = EmailReplyTo(id=reply_to_id or self.ids(), email_address=email_address, is_default=is_default)
            return self.get_service(service_id).add_reply_to_address(reply_to)

    def add_letter_contact(
        self,
        service_id: uuid.UUID,
        contact_block: str,
        *,
        is_default: bool = False,
        contact_id: uuid.UUID | None = None,
    ) -> LetterContact:
        """Add a letter contact block (a letter template shows the block its version was saved with)."""
        with self._lock:
            contact = LetterContact(id=contact_id or self.ids(), contact_block=contact_block, is_default=is_default)
            return self.get_service(service_id).add_letter_contact(contact)

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

    def record_key_misuse(self, service_id: uuid.UUID, message: str) -> None:
        """Remember a misuse of a key (see :mod:`.misuse`) for the test to be told about."""
        with self._lock:
            tenant = self._tenants.get(service_id)
            if tenant is not None:
                tenant.note_key_misuse(message)

    def take_key_misuse(self, service_id: uuid.UUID) -> list[str]:
        """The misuse recorded for a service so far, emptying the list."""
        with self._lock:
            tenant = self._tenants.get(service_id)
            if tenant is None:
                return []
            taken, tenant.key_misuse = tenant.key_misuse, []
            return taken

    def get_document(self, service_id: uuid.UUID, document_id: uuid.UUID, key: bytes) -> Document | None:
        """A file sent by email, if ``key`` is its key."""
        with self._lock:
            tenant = self._tenants.get(service_id)
            document = tenant.documents.get(document_id) if tenant is not None else None
        if document is None or not secrets.compare_digest(document.key, key):
            return None
        return document

    # -- received text messages ------------------------------------------------------------

    def receive_sms(
        self,
        service_id: uuid.UUID,
        content: str,
        user_number: str = "07700900123",
        *,
        notify_number: str | None = None,
        received_at: dt.datetime | None = None,
    ) -> InboundSms:
        """The service receives a text message from ``user_number``."""
        with self._lock:
            tenant = self._tenants[service_id]
            message = InboundSms(
                id=self.ids(),
                service_id=service_id,
                notify_number=notify_number or tenant.service.inbound_number or DEFAULT_INBOUND_NUMBER,
                user_number=format_user_number(user_number),
                content=content,
                created_at=received_at or tenant.now(),
                seq=self._next_seq(),
            )
            tenant.inbound.append(message)
            tenant.callbacks.queue_inbound(tenant.service.inbound_sms_callback, message, tenant.now())
            return message

    def received_texts(
        self, service_id: uuid.UUID, *, older_than: uuid.UUID | None = None, limit: int = API_PAGE_SIZE
    ) -> list[InboundSms]:
        """One page of ``GET /v2/received-text-messages``: newest first, inside retention."""
        with self._lock:
            tenant = self._tenants.get(service_id)
            return tenant.received_page(older_than=older_than, limit=limit) if tenant is not None else []

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
