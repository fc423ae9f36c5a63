"""``StateKeeper``: writes what changed in a store to the data file, before the change is acknowledged.

The domain knows nothing of this. The HTTP app tells the keeper, after answering each request that
may have changed something and before the answer is sent, what it may have changed
(:mod:`pytest_notify.http.journal`): a send of one service, anything of one service (the control
API), which services exist, or anything at all. The keeper then finds what is new or different
since its last write, and writes it in one transaction:

- new notifications, received texts, files and callback requests are the tails of the tenant's
  insertion-ordered collections (which only ever grow), so a send costs the same however many
  notifications a service holds;
- a notification's status changes by its ``steps`` and ``planned`` lists being *replaced*
  (:mod:`pytest_notify.domain.lifecycle`), so a changed one is found by identity, looked for only
  after a control request;
- the service's settings, keys and templates, and the daily counts, are compared with the JSON last
  written.

Locking: the keeper's lock, then the store's (never the other way round). What to write is read
under the store's lock, so it is consistent; it is written and committed under the keeper's lock
alone, so sends go on meanwhile. Two threads that sent at once both wait for one commit holding
both notifications (the second finds nothing left to write): each notification is written once,
and committed before its 201 leaves.
"""

from __future__ import annotations

import functools
import itertools
import logging
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.domain.tenant import Tenant
from pytest_notify.persist import snapshot
from pytest_notify.persist.codec import CodecError
from pytest_notify.persist.database import Batch, Database, DataDirError

logger = logging.getLogger(__name__)

CALLBACK_SAVE_INTERVAL = 1.0
"""Seconds between saves of the callbacks the dispatcher made in the background."""


@dataclass
class _Kept:
    """What was last written of one tenant."""

    tenant: Tenant
    state: str
    counts: str
    callbacks: tuple[str | None, str]
    notifications: int
    marks: dict[uuid.UUID, tuple[object, object]] = field(default_factory=dict)
    """Notification id -> its ``steps`` and ``planned`` lists when written (compared by identity)."""
    templates: int = 0
    documents: int = 0
    received_texts: int = 0
    attempts: int = 0


class StateKeeper:
    """Keeps ``store`` in ``database``: :meth:`load` at start, then a save after every change.

    It is the :class:`pytest_notify.http.journal.ChangeJournal` the app reports to.
    """

    def __init__(self, store: Store, database: Database, *, interval: float = CALLBACK_SAVE_INTERVAL) -> None:
        self.store = store
        self.database = database
        self.interval = interval
        self._lock = threading.Lock()
        self._kept: dict[uuid.UUID, _Kept] = {}
        self._positions: dict[uuid.UUID, int] = {}
        self._orphans: set[uuid.UUID] = set()
        """Services removed whose rows a failed write left in the file."""
        self._next_position = itertools.count(database.last_position() + 1)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False

    # -- start and stop ----------------------------------------------------------------------

    def load(self) -> list[Service]:
        """Put every service of the file back into the store, oldest first; returns them."""
        loaded: list[Service] = []
        with self._lock:
            for rows in self.database.services():
                try:
                    service, state = snapshot.read_service(rows.state)
                    tenant = self.store.restore(
                        service, functools.partial(snapshot.fill_tenant, state=state, rows=rows)
                    )
                except (CodecError, KeyError, TypeError, ValueError) as error:
                    raise DataDirError(
                        f"{self.database.path}: service {rows.id} cannot be read back ({error}); "
                        f"it was written by another version, or changed by hand"
                    ) from None
                self._positions[service.id] = rows.position
                with self.store.tenants_locked(service.id):
                    self._kept[service.id] = self._as_written(tenant, rows.callbacks)
                loaded.append(service)
        return loaded

    def start(self) -> None:
        """Save the callbacks the dispatcher makes in the background every ``interval`` seconds."""
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(target=self._watch, name="notify-state-keeper", daemon=True)
            self._thread.start()

    def close(self) -> None:
        """Stop the background saves, save everything once more, and close the file (once)."""
        if self._thread is not None:
            self._stopping.set()
            self._thread.join()
            self._thread = None
        if self._closed:
            return
        try:
            self.anything_changed()
        finally:
            with self._lock:
                self._closed = True
                self.database.close()

    def _watch(self) -> None:
        while not self._stopping.wait(self.interval):
            try:
                self._save(None, callbacks_only=True)
            except Exception:  # pragma: no cover - the next request's save meets it too, and reports it
                logger.exception("pytest-govuk-notify: saving the callbacks to the data file failed")

    # -- what the app tells (ChangeJournal) ----------------------------------------------------

    def sent(self, service_id: uuid.UUID) -> None:
        """A request by this service's key succeeded: a send, maybe (new notifications and files)."""
        self._save([service_id])

    def changed(self, service_id: uuid.UUID) -> None:
        """Anything of this service may have changed (a control request); it may be gone."""
        self._save([service_id], deep=True)

    def services_changed(self) -> None:
        """Services may have been created or removed (new ones are written whole)."""
        self._save(None, members_only=True)

    def anything_changed(self, *, meta: Iterable[tuple[str, str]] = ()) -> None:
        """Compare everything with what was written, and write the differences (and ``meta``)."""
        self._save(None, deep=True, meta=list(meta))

    # -- saving ------------------------------------------------------------------------------

    def _save(
        self,
        service_ids: list[uuid.UUID] | None,
        *,
        deep: bool = False,
        members_only: bool = False,
        callbacks_only: bool = False,
        meta: list[tuple[str, str]] | None = None,
    ) -> None:
        with self._lock:
            batch = Batch(meta=meta or [])
            touched: list[uuid.UUID] = []
            with self.store.tenants_locked(service_ids[0] if service_ids else None) as tenants:
                present = {t.service.id for t in tenants}
                gone = [sid for sid in (service_ids or list(self._kept)) if sid in self._kept and sid not in present]
                for sid in gone:
                    del self._kept[sid]
                    self._positions.pop(sid, None)
                    self._orphans.add(sid)
                for tenant in tenants:
                    sid = tenant.service.id
                    kept = self._kept.get(sid)
                    if kept is None or kept.tenant is not tenant:
                        self._kept[sid] = self._write_new(tenant, batch)
                    elif callbacks_only:
                        self._write_callbacks(tenant, kept, batch, deep=False)
                    elif not members_only:
                        self._write_changes(tenant, kept, batch, deep=deep)
                    touched.append(sid)
            # Deleted first in the transaction; a service made again since was rewritten whole anyway.
            batch.deleted_services.extend(str(sid) for sid in self._orphans if sid not in self._kept)
            if not batch:
                return
            try:
                self.database.write(batch)
                self._orphans.clear()
            except BaseException:
                # What was noted as written was not: forget it, so the next save writes these whole.
                for sid in touched:
                    self._kept.pop(sid, None)
                raise

    def _as_written(self, tenant: Tenant, callbacks: str | None) -> _Kept:
        """What is in the file for a tenant just loaded from it."""
        book = tenant.callbacks
        return _Kept(
            tenant=tenant,
            state=snapshot.service_state(tenant),
            counts=snapshot.counts(tenant),
            callbacks=(callbacks, snapshot.callback_jobs(book.jobs)),
            notifications=len(tenant.by_id),
            marks={n.id: (n.steps, n.planned) for n in tenant.by_id.values()},
            templates=len(tenant.service.templates),
            documents=len(tenant.documents),
            received_texts=len(tenant.inbound),
            attempts=len(book.attempts),
        )

    def _write_new(self, tenant: Tenant, batch: Batch) -> _Kept:
        sid = tenant.service.id
        position = self._positions.setdefault(sid, next(self._next_position))
        kept = _Kept(
            tenant=tenant,
            state=snapshot.service_state(tenant),
            counts=snapshot.counts(tenant),
            callbacks=snapshot.callbacks(tenant),
            notifications=len(tenant.by_id),
            templates=len(tenant.service.templates),
        )
        # A service replaced by one with the same id (a reset that seeds again) starts afresh.
        batch.deleted_services.append(str(sid))
        batch.new_services.append((str(sid), position, kept.state, kept.counts, kept.callbacks[0]))
        for notification in tenant.by_id.values():
            batch.notifications.append(snapshot.notification_row(notification))
            kept.marks[notification.id] = (notification.steps, notification.planned)
        self._write_tails(tenant, kept, batch)
        return kept

    def _write_changes(self, tenant: Tenant, kept: _Kept, batch: Batch, *, deep: bool) -> None:
        sid = str(tenant.service.id)
        service = tenant.service
        # A send changes the service only by making the hidden precompiled-letter template.
        if deep or len(service.templates) != kept.templates:
            state = snapshot.service_state(tenant)
            if state != kept.state:
                batch.states.append((state, sid))
                kept.state = state
            kept.templates = len(service.templates)
        counts = snapshot.counts(tenant)
        if counts != kept.counts:
            batch.counts.append((counts, sid))
            kept.counts = counts
        by_id = tenant.by_id
        new = len(by_id) - kept.notifications
        if new > 0:
            fresh = list(itertools.islice(reversed(by_id.values()), new))
            for notification in reversed(fresh):
                batch.notifications.append(snapshot.notification_row(notification))
                kept.marks[notification.id] = (notification.steps, notification.planned)
            kept.notifications = len(by_id)
        if deep:
            marks = kept.marks
            for notification in by_id.values():
                mark = marks.get(notification.id)
                if mark is None or mark[0] is not notification.steps or mark[1] is not notification.planned:
                    batch.changed_notifications.append(snapshot.notification_row(notification))
                    marks[notification.id] = (notification.steps, notification.planned)
            self._write_callbacks(tenant, kept, batch, deep=True)
        self._write_tails(tenant, kept, batch)

    def _write_callbacks(self, tenant: Tenant, kept: _Kept, batch: Batch, *, deep: bool) -> None:
        book = tenant.callbacks
        idle = tenant.service.delivery_status_callback is None and not book.jobs and kept.callbacks[0] is None
        if not deep and idle and len(book.attempts) == kept.attempts:
            return
        callbacks = snapshot.callbacks(tenant)
        # In the background, a watermark that moved with nothing queued or made is not worth a write.
        made = len(book.attempts) != kept.attempts
        if callbacks[0] != kept.callbacks[0] and (deep or made or callbacks[1] != kept.callbacks[1]):
            batch.callbacks.append((callbacks[0], str(tenant.service.id)))
            kept.callbacks = callbacks
        self._write_attempts(tenant, kept, batch)

    def _write_tails(self, tenant: Tenant, kept: _Kept, batch: Batch) -> None:
        documents = tenant.documents
        new = len(documents) - kept.documents
        if new > 0:
            fresh = list(itertools.islice(reversed(documents.values()), new))
            for position, document in enumerate(reversed(fresh), start=kept.documents):
                batch.documents.append(snapshot.document_row(document, position))
            kept.documents = len(documents)
        for message in tenant.inbound[kept.received_texts :]:
            batch.received_texts.append(snapshot.received_text_row(message))
        kept.received_texts = len(tenant.inbound)
        self._write_attempts(tenant, kept, batch)

    def _write_attempts(self, tenant: Tenant, kept: _Kept, batch: Batch) -> None:
        attempts = tenant.callbacks.attempts
        sid = str(tenant.service.id)
        for position, attempt in enumerate(attempts[kept.attempts :], start=kept.attempts):
            batch.attempts.append((sid, position, snapshot.attempt_data(attempt)))
        kept.attempts = len(attempts)


__all__ = ["CALLBACK_SAVE_INTERVAL", "StateKeeper"]
