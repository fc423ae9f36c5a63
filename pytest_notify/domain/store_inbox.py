"""What the store keeps for a service beside its notifications.

The text messages it received, the files it sent by email (fetched later by their link), and the
misuse of its keys that the test is to be told about. :class:`ServiceInbox` is mixed into
:class:`~pytest_notify.domain.store.Store`; its methods take the store's lock as every other does.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from contextlib import AbstractContextManager
from typing import Protocol

from pytest_notify.domain.clock import IdFactory
from pytest_notify.domain.documents import Document
from pytest_notify.domain.inbound import DEFAULT_INBOUND_NUMBER, InboundSms, format_user_number
from pytest_notify.domain.tenant import API_PAGE_SIZE, Tenant

__all__ = ["InboxHost", "ServiceInbox"]


class InboxHost(Protocol):
    """What :class:`ServiceInbox` needs of the store it is mixed into."""

    @property
    def _lock(self) -> AbstractContextManager[object]: ...

    @property
    def _tenants(self) -> dict[uuid.UUID, Tenant]: ...

    @property
    def ids(self) -> IdFactory: ...

    def _next_seq(self) -> int: ...  # the store's one counter: orders texts received in the same instant


class ServiceInbox:
    """Received text messages, files sent by email and key misuse, per service."""

    # -- received text messages --------------------------------------------------------------

    def receive_sms(
        self: InboxHost,
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
        self: InboxHost, service_id: uuid.UUID, *, older_than: uuid.UUID | None = None, limit: int = API_PAGE_SIZE
    ) -> list[InboundSms]:
        """One page of ``GET /v2/received-text-messages``: newest first, inside retention."""
        with self._lock:
            tenant = self._tenants.get(service_id)
            return tenant.received_page(older_than=older_than, limit=limit) if tenant is not None else []

    # -- files sent by email -----------------------------------------------------------------

    def get_document(self: InboxHost, service_id: uuid.UUID, document_id: uuid.UUID, key: bytes) -> Document | None:
        """A file sent by email, if ``key`` is its key."""
        with self._lock:
            tenant = self._tenants.get(service_id)
            document = tenant.documents.get(document_id) if tenant is not None else None
        if document is None or not secrets.compare_digest(document.key, key):
            return None
        return document

    # -- key misuse --------------------------------------------------------------------------

    def record_key_misuse(self: InboxHost, service_id: uuid.UUID, message: str) -> None:
        """Remember a misuse of a key (see :mod:`.misuse`) for the test to be told about."""
        with self._lock:
            tenant = self._tenants.get(service_id)
            if tenant is not None:
                tenant.note_key_misuse(message)

    def take_key_misuse(self: InboxHost, service_id: uuid.UUID) -> list[str]:
        """The misuse recorded for a service so far, emptying the list."""
        with self._lock:
            tenant = self._tenants.get(service_id)
            if tenant is None:
                return []
            taken, tenant.key_misuse = tenant.key_misuse, []
            return taken
