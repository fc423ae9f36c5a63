"""The store's setup of a service: what Notify's admin site does before anything is sent.

Trial mode, daily limits, timings, API keys, templates, text message senders, reply-to addresses
and letter contact blocks. :class:`ServiceSetup` is mixed into
:class:`~pytest_notify.domain.store.Store`; its methods take the store's lock as every other does.
"""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager
from typing import Any, Protocol

from pytest_notify.domain import limits
from pytest_notify.domain.clock import Clock, IdFactory
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.limits import ServiceLimits
from pytest_notify.domain.safe_string import make_key_name_safe
from pytest_notify.domain.service import EmailReplyTo, LetterContact, Service, SmsSender
from pytest_notify.domain.simulator import Timings
from pytest_notify.domain.templates import Template, new_template
from pytest_notify.domain.tenant import Tenant

__all__ = ["ServiceSetup", "SetupHost"]


class SetupHost(Protocol):
    """What :class:`ServiceSetup` needs of the store it is mixed into."""

    @property
    def _lock(self) -> AbstractContextManager[object]: ...  # re-entrant: a method may call another

    @property
    def _tenants(self) -> dict[uuid.UUID, Tenant]: ...

    @property
    def ids(self) -> IdFactory: ...

    def get_service(self, service_id: uuid.UUID) -> Service: ...

    def clock_for(self, service_id: uuid.UUID) -> Clock: ...

    def limits_of(self, service_id: uuid.UUID) -> ServiceLimits: ...


class ServiceSetup:
    """Setting a service up as the admin site does: mode, limits, timings, keys, templates, senders."""

    # -- mode, limits and timings ------------------------------------------------------------

    def set_trial_mode(self: SetupHost, service_id: uuid.UUID, trial_mode: bool) -> Service:
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

    def set_limits(
        self: SetupHost,
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

    def limits_of(self: SetupHost, service_id: uuid.UUID) -> ServiceLimits:
        """A service's limits and today's (UTC, on its clock) counts."""
        with self._lock:
            tenant = self._tenants[service_id]
            return limits.describe(tenant.service, tenant.limits, tenant.now())

    def set_timings(self: SetupHost, service_id: uuid.UUID, timings: Timings) -> None:
        """How long this service's sends take to be handed over and to reach their outcome."""
        with self._lock:
            self._tenants[service_id].timings = timings

    # -- keys --------------------------------------------------------------------------------

    def create_api_key(
        self: SetupHost,
        service_id: uuid.UUID,
        key_type: KeyType | str,
        name: str | None = None,
        secret: str | None = None,
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

    def revoke_api_key(self: SetupHost, service_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey:
        """Revoke a key now; it answers ``API key revoked`` for 7 days, then is forgotten."""
        with self._lock:
            for key in self.get_service(service_id).api_keys:
                if key.id == key_id:
                    if key.expiry_date is None:
                        key.expiry_date = self.clock_for(service_id).now()
                    return key
        raise ConfigurationError(f"service {service_id} has no API key {key_id}")

    # -- templates ---------------------------------------------------------------------------

    def add_template(
        self: SetupHost,
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

    def update_template(self: SetupHost, service_id: uuid.UUID, template_id: uuid.UUID, **changes: Any) -> Template:
        """Save a new version of a template: ``content=``, ``subject=``, ``name=``, ``postage=``..."""
        with self._lock:
            template = self.get_service(service_id).templates.get(template_id)
            if template is None:
                raise ConfigurationError(f"service {service_id} has no template {template_id}")
            template.new_version(self.clock_for(service_id).now(), **changes)
            return template

    # -- senders, reply-to addresses and letter contacts -------------------------------------

    def add_sms_sender(
        self: SetupHost,
        service_id: uuid.UUID,
        sms_sender: str,
        *,
        is_default: bool = False,
        sender_id: uuid.UUID | None = None,
    ) -> SmsSender:
        """Add a text message sender; ``is_default`` makes it the one used when no id is given."""
        with self._lock:
            sender = SmsSender(id=sender_id or self.ids(), sms_sender=sms_sender, is_default=is_default)
            return self.get_service(service_id).add_sms_sender(sender)

    def add_reply_to_address(
        self: SetupHost,
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
        self: SetupHost,
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
