"""Notify's callbacks to a service: which events make one, Notify's exact bodies, and the retry rules
(reference §11).

This module decides and records; it never touches the network. :mod:`.callback_dispatch` sends what
is due. A callback is a *job* (one request body to one URL) that is tried, then retried on Notify's
rules; every try is an *attempt*, kept for the test to read.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.inbound import InboundSms
from pytest_notify.domain.notifications import Notification, Step

DELIVERY_STATUS = "delivery_status"
INBOUND_SMS = "inbound_sms"
CALLBACK_KINDS = (DELIVERY_STATUS, INBOUND_SMS)

# §11.2: provider receipts (never `pending`) and the 72-hour timeout give these. `technical-failure`
# only comes from a failed hand-over to the provider, a path that queues no callback, although the
# docs list it; `sent` is the hand-over itself, so international texts that stay `sent` get none.
CALLBACK_STATUSES = frozenset({"delivered", "permanent-failure", "temporary-failure"})
CALLBACK_CHANNELS = frozenset({"sms", "email"})

TIMEOUT_SECONDS = 5.0
MAX_RETRIES = 5
RETRY_DELAY = dt.timedelta(seconds=300)
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def format_datetime(value: dt.datetime | None) -> str | None:
    """Notify's ``DATETIME_FORMAT`` (reference §0): naive UTC with a literal ``Z``."""
    if value is None:
        return None
    return value.astimezone(dt.timezone.utc).strftime(DATETIME_FORMAT)


def encode_body(data: Mapping[str, Any]) -> str:
    """``RelaxedContainerJSONEncoder().encode(data)``: keys as inserted, ``", "`` and ``": "``, ASCII escapes."""
    return json.dumps(data, ensure_ascii=True, separators=(", ", ": "))


@dataclass(frozen=True)
class CallbackApi:
    """A callback a service has set up: where Notify posts, and the bearer token it sends."""

    url: str
    bearer_token: str

    def __post_init__(self) -> None:
        if not isinstance(self.url, str) or not self.url.startswith(("http://", "https://")):
            raise ConfigurationError(f"a callback URL must start with https:// (or http:// here); got {self.url!r}")
        if not isinstance(self.bearer_token, str) or not self.bearer_token:
            raise ConfigurationError("a callback needs a bearer token: Notify sends it in the Authorization header")

    @classmethod
    def of(cls, value: CallbackApi | tuple[str, str] | list[str] | Mapping[str, str] | None) -> CallbackApi | None:
        """From ``(url, bearer_token)``, ``{"url": ..., "bearer_token": ...}``, an instance, or None."""
        if value is None or isinstance(value, CallbackApi):
            return value
        if isinstance(value, Mapping) and set(value) == {"url", "bearer_token"}:
            return cls(value["url"], value["bearer_token"])
        if isinstance(value, (tuple, list)) and len(value) == 2:
            return cls(value[0], value[1])
        raise ConfigurationError(f"a callback is (url, bearer_token); got {value!r}")

    def headers(self) -> dict[str, str]:
        """The request headers Notify sets (reference §11.1)."""
        return {"Content-Type": "application/json", "Authorization": f"Bearer {self.bearer_token}"}


def delivery_status_data(notification: Notification, step: Step) -> dict[str, Any]:
    """The delivery-status body when ``notification`` reaches ``step`` (reference §11.2, key order kept)."""
    state = notification.status_at(step.at)
    return {
        "id": str(notification.id),
        "reference": notification.reference,
        "to": notification.to,
        "status": step.status,
        "created_at": format_datetime(notification.created_at),
        # updated_at at the time of the receipt, which is this step's time.
        "completed_at": format_datetime(step.at),
        "sent_at": format_datetime(state.sent_at),
        "notification_type": notification.type,
        "template_id": str(notification.template_id),
        "template_version": notification.template_version,
    }


def inbound_sms_data(message: InboundSms) -> dict[str, Any]:
    """The received-text body (reference §11.3, key order kept)."""
    return {
        "id": str(message.id),
        "source_number": message.user_number,
        "destination_number": message.notify_number,
        "message": message.content,
        "date_received": format_datetime(message.created_at),
    }


def makes_callback(notification: Notification, step: Step, previous_status: str) -> bool:
    """Whether Notify calls back when ``notification`` moves from ``previous_status`` to ``step``."""
    return (
        notification.type in CALLBACK_CHANNELS
        and notification.persisted  # smoke-test sends are never stored, so never called back
        and step.status in CALLBACK_STATUSES
        and step.status != previous_status  # a repeated receipt changes nothing
    )


def should_retry(response_status: int | None, error: str | None) -> bool:
    """Notify retries connection errors, timeouts, 5xx and 429; it gives up on any other 4xx."""
    if error is not None:
        return True
    assert response_status is not None
    return response_status >= 500 or response_status == 429


@dataclass
class CallbackJob:
    """One callback request, from its first try until it succeeds or Notify gives up."""

    kind: str
    subject_id: uuid.UUID
    """The notification (delivery status) or received text (inbound SMS) it is about."""
    url: str
    headers: dict[str, str]
    body: str
    due: dt.datetime
    """When the next try happens, on the service clock."""
    seq: int
    tries: int = 0
    claimed: bool = False
    """Taken by a sender and not finished yet."""


@dataclass(frozen=True)
class CallbackAttempt:
    """One request Notify made to a callback URL, and what came of it."""

    kind: str
    """``delivery_status`` or ``inbound_sms``."""
    at: dt.datetime
    """When Notify made it, on the service clock (retries are 300 s apart)."""
    url: str
    headers: dict[str, str]
    body: str
    """The exact request body."""
    attempt: int
    """1 for the first try, 2 to 6 for the retries."""
    response_status: int | None
    """The receiver's HTTP status, or None when no response came (see ``error``)."""
    error: str | None
    """Why no response came: a connection error or a timeout."""
    retry_at: dt.datetime | None
    """When Notify tries again, or None if it will not."""

    @property
    def json(self) -> dict[str, Any]:
        """The body, parsed."""
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    @property
    def id(self) -> str:
        """The ``id`` in the body: the notification's or the received text's."""
        return str(self.json["id"])

    @property
    def status(self) -> str | None:
        """The notification status reported (delivery-status callbacks), else None."""
        value = self.json.get("status")
        return str(value) if value is not None else None

    @property
    def ok(self) -> bool:
        """Whether the receiver accepted it (a response below 400)."""
        return self.response_status is not None and self.response_status < 400

    def __str__(self) -> str:
        outcome = self.error if self.error is not None else f"HTTP {self.response_status}"
        then = f", retry at {format_datetime(self.retry_at)}" if self.retry_at is not None else ""
        what = f"status={self.status}" if self.kind == DELIVERY_STATUS else f"message={self.json.get('message')!r}"
        return f"{self.kind} #{self.attempt} to {self.url} at {format_datetime(self.at)} ({what}): {outcome}{then}"


@dataclass
class CallbackOutage:
    """A test's choice that the service's callback tries fail without reaching the receiver, as if it
    were down: the connection refused, or (with ``status``) an HTTP error answer. Notify retries them
    on its rules; ``times`` ends the outage after that many failed tries."""

    status: int | None = None
    times: int | None = None

    def __post_init__(self) -> None:
        if self.status is not None and (isinstance(self.status, bool) or not 400 <= self.status <= 599):
            raise ConfigurationError(f"a failing callback's status must be from 400 to 599; got {self.status!r}")
        if self.times is not None and (isinstance(self.times, bool) or self.times < 1):
            raise ConfigurationError(f"a callback outage's times must be a whole number from 1; got {self.times!r}")

    def take(self) -> tuple[int | None, str | None] | None:
        """How the next try fails (``(status, error)``, as a real try's outcome), or None once over."""
        if self.times is not None:
            if self.times <= 0:
                return None
            self.times -= 1
        if self.status is None:
            return None, "ConnectionRefusedError: [Errno 111] Connection refused (failing callbacks)"
        return self.status, None


_job_numbers = itertools.count(1)


@dataclass
class CallbackBook:
    """One service's callbacks: which status steps were already dealt with, jobs to do, attempts made.

    Not thread-safe on its own: the store's lock is held around every use.
    """

    jobs: list[CallbackJob] = field(default_factory=list)
    attempts: list[CallbackAttempt] = field(default_factory=list)
    closed: bool = False
    """Set when the test that owns the service ends: nothing more is queued or tried."""
    outage: CallbackOutage | None = None
    """Set by a test: tries fail without reaching the receiver until it is over."""
    _handled: dict[uuid.UUID, set[Step]] = field(default_factory=dict)
    # Notifications whose every step was dealt with (by ``id()``: the tenant keeps them alive), with
    # their steps list and its length then. The lifecycle replaces the list (or appends to it) when a
    # status moves, so the same list at the same length means nothing new. This keeps a look at a
    # service with many final notifications cheap: it runs every few milliseconds under the store's lock.
    _settled: dict[int, tuple[list[Step], int]] = field(default_factory=dict)

    def skip_reached(self, notifications: Iterable[Notification], now: dt.datetime) -> None:
        """Mark every step reached by ``now`` as dealt with: a callback set up now only hears of what
        happens from now on, as in Notify."""
        for notification in notifications:
            handled = self._handled.setdefault(notification.id, set())
            handled.update(step for step in notification.steps if step.at <= now)

    def collect(self, api: CallbackApi | None, notifications: Iterable[Notification], now: dt.datetime) -> None:
        """Queue a delivery-status callback for each step reached since the last look."""
        if api is None or self.closed:
            return
        for notification in notifications:
            if notification.type not in CALLBACK_CHANNELS:
                continue
            steps = notification.steps
            settled = self._settled.get(id(notification))
            if settled is not None and settled[0] is steps and settled[1] == len(steps):
                continue
            handled = self._handled.setdefault(notification.id, set())
            previous = "created"
            for step in steps:
                if step.at > now:
                    break
                if step not in handled:
                    handled.add(step)
                    if makes_callback(notification, step, previous):
                        self._queue(
                            DELIVERY_STATUS, notification.id, api, delivery_status_data(notification, step), step.at
                        )
                previous = step.status
            if not steps or steps[-1].at <= now:
                self._settled[id(notification)] = (steps, len(steps))

    def queue_inbound(self, api: CallbackApi | None, message: InboundSms, now: dt.datetime) -> None:
        """Queue the received-text callback, due now (Notify forwards texts as they arrive)."""
        if api is not None and not self.closed:
            self._queue(INBOUND_SMS, message.id, api, inbound_sms_data(message), now)

    def _queue(
        self, kind: str, subject_id: uuid.UUID, api: CallbackApi, data: dict[str, Any], due: dt.datetime
    ) -> None:
        # The body and target are fixed when queued, as Notify puts them in the task: a retry resends
        # the same bytes to the same URL even if the service's callback changes meanwhile.
        self.jobs.append(
            CallbackJob(kind, subject_id, api.url, api.headers(), encode_body(data), due, next(_job_numbers))
        )

    def claim_due(self, now: dt.datetime) -> list[CallbackJob]:
        """Take the jobs due by ``now``, oldest first, so no other sender tries them meanwhile."""
        if self.closed:
            return []
        due = sorted((job for job in self.jobs if not job.claimed and job.due <= now), key=lambda j: (j.due, j.seq))
        for job in due:
            job.claimed = True
        return due

    def release(self, job: CallbackJob) -> None:
        """Give back a claimed job that was not tried (the dispatcher stopped first)."""
        job.claimed = False

    def finish(self, job: CallbackJob, response_status: int | None, error: str | None) -> CallbackAttempt:
        """Record a try of ``job`` and schedule its retry, or drop it when done or given up."""
        job.tries += 1
        retry = should_retry(response_status, error) and job.tries <= MAX_RETRIES and not self.closed
        attempt = CallbackAttempt(
            kind=job.kind,
            at=job.due,
            url=job.url,
            headers=dict(job.headers),
            body=job.body,
            attempt=job.tries,
            response_status=response_status,
            error=error,
            retry_at=job.due + RETRY_DELAY if retry else None,
        )
        self.attempts.append(attempt)
        job.claimed = False
        if retry:
            # Retries count from when the try was due, so a clock moved on by an hour at once makes
            # every retry Notify would have made in that hour.
            job.due += RETRY_DELAY
        else:
            self.jobs.remove(job)
        return attempt

    def close(self) -> None:
        """Make no more callbacks: drop the jobs not under way (their tries finish and are recorded)."""
        self.closed = True
        self.jobs = [job for job in self.jobs if job.claimed]

    @property
    def busy(self) -> bool:
        """Whether any job is waiting or being tried."""
        return bool(self.jobs)
