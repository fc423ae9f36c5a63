"""What a test does with callbacks through the ``notify`` object: set them up, read every attempt,
wait for one (reference §11)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from pytest_notify.domain.callbacks import (
    DELIVERY_STATUS,
    INBOUND_SMS,
    CallbackApi,
    CallbackAttempt,
    CallbackOutage,
)
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.waiting import DEFAULT_TIMEOUT, wait_until


def _matches(
    attempt: CallbackAttempt, predicate: Callable[[CallbackAttempt], bool] | None, fields: dict[str, Any]
) -> bool:
    return all(getattr(attempt, k) == v for k, v in fields.items()) and (predicate is None or predicate(attempt))


def _wanted(fields: dict[str, Any], predicate: Callable[[CallbackAttempt], bool] | None) -> str:
    described = [f"{k}={v!r}" for k, v in fields.items()] + (["predicate"] if predicate is not None else [])
    return ", ".join(described) or "any"


class CallbackList(Sequence[CallbackAttempt]):
    """Callback requests the fake Notify made, in the order made, with assertion helpers.

    Each is a :class:`CallbackAttempt`: ``kind``, ``at``, ``url``, ``headers``, ``body`` (exact),
    ``json``, ``id``, ``status``, ``attempt``, ``response_status``, ``error``, ``retry_at``, ``ok``.
    """

    def __init__(self, items: list[CallbackAttempt]) -> None:
        self._items = items

    @overload
    def __getitem__(self, index: int) -> CallbackAttempt: ...
    @overload
    def __getitem__(self, index: slice) -> CallbackList: ...
    def __getitem__(self, index: int | slice) -> CallbackAttempt | CallbackList:
        if isinstance(index, slice):
            return CallbackList(self._items[index])
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[CallbackAttempt]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CallbackList):
            return self._items == other._items
        if isinstance(other, list):
            return self._items == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking sequence compared by value

    def __repr__(self) -> str:
        return f"CallbackList({self._items!r})"

    def filter(self, predicate: Callable[[CallbackAttempt], bool] | None = None, **fields: Any) -> CallbackList:
        """Those matching every ``field=value`` (``status="delivered"``, ``response_status=500``...)."""
        return CallbackList([a for a in self._items if _matches(a, predicate, fields)])

    def only(self, predicate: Callable[[CallbackAttempt], bool] | None = None, **fields: Any) -> CallbackAttempt:
        """The one attempt matching; an AssertionError listing every attempt otherwise."""
        found = self.filter(predicate, **fields)
        if len(found) != 1:
            raise AssertionError(
                f"expected exactly 1 callback matching {_wanted(fields, predicate)}, found {len(found)}:\n"
                + self.describe()
            )
        return found[0]

    @property
    def delivery_status(self) -> CallbackList:
        """Only the delivery-status callbacks."""
        return self.filter(kind=DELIVERY_STATUS)

    @property
    def inbound_sms(self) -> CallbackList:
        """Only the received-text callbacks."""
        return self.filter(kind=INBOUND_SMS)

    @property
    def last(self) -> CallbackAttempt:
        """The latest attempt; AssertionError if there is none."""
        if not self._items:
            raise AssertionError("no callback was made")
        return self._items[-1]

    def describe(self) -> str:
        """One line per attempt, for failure messages."""
        return "\n".join(f"  - {a}" for a in self._items) or "  (no callback was made)"


class CallbackHelpers:
    """The callback part of ``NotifyFake`` (it provides ``store`` and ``service``)."""

    store: Store
    service: Service

    def set_delivery_status_callback(self, url: str | None, bearer_token: str | None = None) -> None:
        """Notify POSTs each SMS and email status receipt to ``url`` with ``Authorization: Bearer
        <bearer_token>``, from now on; ``None`` removes the callback."""
        api = CallbackApi(url, bearer_token or "") if url is not None else None
        self.store.dispatcher.set_callback(self.service.id, DELIVERY_STATUS, api)

    def set_inbound_sms_callback(self, url: str | None, bearer_token: str | None = None) -> None:
        """Notify POSTs each text the service receives to ``url``; ``None`` removes the callback."""
        api = CallbackApi(url, bearer_token or "") if url is not None else None
        self.store.dispatcher.set_callback(self.service.id, INBOUND_SMS, api)

    def fail_callbacks(self, status: int | None = None, *, times: int | None = None) -> None:
        """From now on, callback tries fail without reaching the receiver, as if it were down: the
        connection refused, or with ``status`` (400 to 599) that answer. Notify retries them on its
        rules (``notify.callbacks`` shows each try); ``times`` ends the outage after that many failed
        tries, so a later retry gets through. The ``callbacks_failing`` scenario does this."""
        self.store.dispatcher.set_outage(self.service.id, CallbackOutage(status, times))

    def restore_callbacks(self) -> None:
        """End :meth:`fail_callbacks`: the next try (a retry included) reaches the receiver."""
        self.store.dispatcher.set_outage(self.service.id, None)

    @property
    def callbacks(self) -> CallbackList:
        """Every callback request made so far (retries included), oldest first.

        Reading it first makes the callbacks due by the service clock's now, so after moving a
        frozen clock the retries it made due are already here.
        """
        self.store.run_due(self.service.id)
        return CallbackList(self.store.dispatcher.attempts(self.service.id))

    def wait_for_callback(
        self,
        predicate: Callable[[CallbackAttempt], bool] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        **fields: Any,
    ) -> CallbackAttempt:
        """Block until a callback attempt matching ``fields`` (and ``predicate``) has been made; return
        the first such. After ``timeout`` seconds (real time) fail, listing the attempts made."""
        service_id: uuid.UUID = self.service.id

        def find() -> CallbackAttempt | None:
            matching = self.callbacks.filter(predicate, **fields)
            return matching[0] if matching else None

        def describe() -> str:
            seen = CallbackList(self.store.dispatcher.attempts(service_id))
            return (
                f"no callback matching {_wanted(fields, predicate)} within {timeout} s; "
                f"{len(seen)} made:\n{seen.describe()}"
            )

        return wait_until(find, timeout=timeout, describe=describe)
