"""Sending the callbacks that are due: in the background with real time, on demand with frozen clocks.

Two ways in, one rule: a callback is tried when its service's clock reaches its due time.

- :meth:`CallbackDispatcher.start` runs a thread that looks for due work every ``interval`` seconds
  and hands it to a few sender threads, so a slow or dead receiver never holds up an API request or
  another service's callbacks. The server starts and stops it.
- :meth:`CallbackDispatcher.run_due` does the due work of one service now, in the caller's thread,
  and waits for tries the background already started: after a test moves a frozen clock, reading
  the callbacks this way is deterministic.

Requests go out with :mod:`http.client` (the standard library), never while the store's lock is held.
"""

from __future__ import annotations

import http.client
import logging
import queue
import threading
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pytest_notify.domain.callbacks import TIMEOUT_SECONDS, CallbackApi, CallbackAttempt, CallbackJob, CallbackOutage

if TYPE_CHECKING:
    from pytest_notify.domain.store import Store

logger = logging.getLogger(__name__)

Sender = Callable[[str, Mapping[str, str], bytes, float], int]
"""``send(url, headers, body, timeout) -> HTTP status``; raises (``OSError``...) when no response comes."""


def post(url: str, headers: Mapping[str, str], body: bytes, timeout: float) -> int:
    """POST ``body`` and return the response status. Redirects are not followed."""
    parts = urllib.parse.urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname or "", parts.port, timeout=timeout)
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", target, body=body, headers=dict(headers))
        response = connection.getresponse()
        response.read()  # drain, so the receiver sees the exchange through
        return response.status
    finally:
        connection.close()


_Work = tuple[uuid.UUID, CallbackJob]


class CallbackDispatcher:
    """Sends a store's callbacks. ``timeout`` is Notify's 5 s; tests of timeouts may lower it."""

    def __init__(
        self,
        store: Store,
        *,
        send: Sender = post,
        interval: float = 0.025,
        timeout: float = TIMEOUT_SECONDS,
        senders: int = 4,
    ) -> None:
        self.store = store
        self.send = send
        self.interval = interval
        self.timeout = timeout
        self.senders = senders
        self._queue: queue.SimpleQueue[_Work | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        # Tries claimed but not finished, per service: run_due waits for them. Lock order: the
        # store's lock may be held when taking this one, never the other way round.
        self._in_flight: Counter[uuid.UUID] = Counter()
        self._done = threading.Condition()

    # -- settings ---------------------------------------------------------------------------

    def set_callback(self, service_id: uuid.UUID, kind: str, api: CallbackApi | None) -> None:
        """Set up (or with None, remove) a service's ``delivery_status`` or ``inbound_sms`` callback.

        A delivery-status callback set up now hears only of statuses reached from now on.
        """
        with self.store.tenants_locked(service_id) as tenants:
            if not tenants:
                raise KeyError(service_id)
            tenant = tenants[0]
            service = tenant.service
            if kind == "delivery_status":
                if api is not None and service.delivery_status_callback is None:
                    tenant.callbacks.skip_reached(tenant.notifications, tenant.now())
                service.delivery_status_callback = api
            elif kind == "inbound_sms":
                service.inbound_sms_callback = api
            else:
                raise ValueError(f"unknown callback kind {kind!r}")

    def attempts(self, service_id: uuid.UUID) -> list[CallbackAttempt]:
        """Every callback request made for a service so far, in the order made."""
        with self.store.tenants_locked(service_id) as tenants:
            return [a for tenant in tenants for a in tenant.callbacks.attempts]

    def set_outage(self, service_id: uuid.UUID, outage: CallbackOutage | None) -> None:
        """Make a service's callback tries fail without reaching its receivers (None: end it)."""
        with self.store.tenants_locked(service_id) as tenants:
            if not tenants:
                raise KeyError(service_id)
            tenants[0].callbacks.outage = outage

    def _outage_failure(self, service_id: uuid.UUID) -> tuple[int | None, str | None] | None:
        with self.store.tenants_locked(service_id) as tenants:
            outage = tenants[0].callbacks.outage if tenants else None
            return outage.take() if outage is not None else None

    # -- doing the work ---------------------------------------------------------------------

    def _claim(self, service_id: uuid.UUID | None) -> list[_Work]:
        """Queue callbacks for statuses reached by now and take the due ones (one service, or all)."""
        claimed: list[_Work] = []
        with self.store.tenants_locked(service_id) as tenants:
            for tenant in tenants:
                book = tenant.callbacks
                api = tenant.service.delivery_status_callback
                if book.closed or (api is None and not book.busy):
                    continue
                now = tenant.now()
                book.collect(api, tenant.notifications, now)
                claimed.extend((tenant.service.id, job) for job in book.claim_due(now))
            if claimed:
                with self._done:
                    self._in_flight.update(sid for sid, _ in claimed)
        return claimed

    def _try(self, service_id: uuid.UUID, job: CallbackJob) -> None:
        """Make one request and record it. Whatever the receiver does, nothing is raised."""
        try:
            try:
                simulated = self._outage_failure(service_id)
                if simulated is not None:  # a test's outage: the receiver is never contacted
                    status, error = simulated
                else:
                    status = self.send(job.url, job.headers, job.body.encode("ascii"), self.timeout)
                    error = None
            except Exception as failure:  # a dead, slow or odd receiver is the receiver's problem
                status, error = None, f"{type(failure).__name__}: {failure}"
            with self.store.tenants_locked(service_id) as tenants:
                for tenant in tenants:  # none if the service was removed meanwhile
                    tenant.callbacks.finish(job, status, error)
        except Exception:  # pragma: no cover - a bug here must not kill a sender thread
            logger.exception("pytest-govuk-notify: recording a callback failed")
        finally:
            self._finished(service_id)

    def _finished(self, service_id: uuid.UUID) -> None:
        with self._done:
            self._in_flight[service_id] -= 1
            if self._in_flight[service_id] <= 0:
                del self._in_flight[service_id]
            self._done.notify_all()

    def run_due(self, service_id: uuid.UUID) -> None:
        """Make every callback of this service due by its clock's now, here and now; return when
        none is due and none is still being tried (by this call or the background)."""
        while True:
            work = self._claim(service_id)
            for sid, job in work:
                self._try(sid, job)
            with self._done:
                busy = self._in_flight[service_id] > 0  # a Counter reads 0 for a missing key
                # A try cannot outlast the send timeout; the margin only guards against a bug here.
                idle = self._done.wait_for(lambda: self._in_flight[service_id] <= 0, self.timeout + 1)
            if not idle or (not work and not busy):
                return

    def close(self, service_id: uuid.UUID, timeout: float | None = None) -> None:
        """Make no more callbacks for this service, and wait (``timeout``: the send timeout and a
        second) for tries under way to finish, so none reaches a receiver after its test has ended."""
        with self.store.tenants_locked(service_id) as tenants:
            for tenant in tenants:
                tenant.callbacks.close()
        with self._done:
            limit = self.timeout + 1 if timeout is None else timeout
            self._done.wait_for(lambda: self._in_flight[service_id] <= 0, limit)

    def _tick(self) -> int:
        """One look at every service: hand the due callbacks to the sender threads (which must run)."""
        work = self._claim(None)
        for item in work:
            self._queue.put(item)
        return len(work)

    # -- the background ---------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the background threads run."""
        return bool(self._threads)

    def start(self) -> None:
        """Start looking for due callbacks every ``interval`` seconds (no-op if already running)."""
        if self._threads:
            return
        self._stopping.clear()
        self._threads = [threading.Thread(target=self._watch, name="notify-callbacks", daemon=True)]
        self._threads += [
            threading.Thread(target=self._send_loop, name=f"notify-callback-sender-{n}", daemon=True)
            for n in range(self.senders)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop the background. Work not started is given back (``run_due`` can still do it); a try
        under way finishes on its own daemon thread, within the 5 s timeout at most."""
        if not self._threads:
            return
        self._stopping.set()
        for _ in range(self.senders):
            self._queue.put(None)
        watcher, *senders = self._threads
        watcher.join(timeout)
        for thread in senders:
            thread.join(0.05)
        self._threads = []
        self._give_back()

    def _give_back(self) -> None:
        """Release the jobs claimed for the senders but never tried."""
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                self._release(*item)

    def _release(self, service_id: uuid.UUID, job: CallbackJob) -> None:
        with self.store.tenants_locked(service_id) as tenants:
            for tenant in tenants:
                tenant.callbacks.release(job)
        self._finished(service_id)

    def _watch(self) -> None:
        while not self._stopping.wait(self.interval):
            try:
                self._tick()
            except Exception:  # pragma: no cover - keep watching whatever one look ran into
                logger.exception("pytest-govuk-notify: looking for due callbacks failed")

    def _send_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                item = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            if item is None:
                return
            if self._stopping.is_set():
                self._release(*item)  # stopping: leave it for run_due or the next start
                return
            self._try(*item)
