"""What is kept of one service (a :class:`~pytest_notify.domain.tenant.Tenant`), as the rows of the data file.

- the service's *state*: its settings, team, guest list, keys, templates with their versions,
  senders, callbacks (:class:`~pytest_notify.domain.service.Service`), and the tenant's timings,
  chosen outcomes and frozen clock;
- today's and past days' *counts* against the daily limits (a scenario may set them, so they are not
  only a sum of the notifications);
- each notification, received text and file sent by email, one row each;
- the *callbacks*: jobs still to do, and the time up to which every status reached was dealt with;
  and each callback request made, one row each.

Not kept, by design: the rate limit's token buckets (a restart gives every key type a full bucket,
as an expired Redis key does in Notify), injected faults and failing-callback outages (a test's
setting for a moment, not the service's), and key-misuse notes.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pytest_notify.domain.callbacks import CallbackAttempt, CallbackJob
from pytest_notify.domain.clock import SwitchableClock
from pytest_notify.domain.documents import Document
from pytest_notify.domain.inbound import InboundSms
from pytest_notify.domain.limits import LimitState
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.outcomes import OutcomeRules
from pytest_notify.domain.service import Service
from pytest_notify.domain.tenant import Tenant
from pytest_notify.domain.timings import Timings
from pytest_notify.persist.codec import CodecError, decode, decode_as, encode, encode_as, field_type
from pytest_notify.persist.database import ServiceRows

_COUNTS_TYPE = field_type(LimitState, "counts")


def dumps(data: Any) -> str:
    """Compact JSON, as stored."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def loads(text: str, where: str) -> Any:
    """Stored JSON, or :class:`CodecError` naming what it was."""
    try:
        return json.loads(text)
    except (TypeError, ValueError) as error:
        raise CodecError(f"{where}: not JSON: {error}") from None


# -- writing ----------------------------------------------------------------------------------------


def service_state(tenant: Tenant) -> str:
    """The service and the tenant's settings, as one JSON text."""
    clock = tenant.clock
    frozen_at = clock.now() if isinstance(clock, SwitchableClock) and clock.frozen else None
    return dumps(
        {
            "service": encode(tenant.service),
            "timings": encode(tenant.timings),
            "outcomes": encode(tenant.outcomes),
            "frozen_at": frozen_at.isoformat() if frozen_at is not None else None,
        }
    )


def counts(tenant: Tenant) -> str:
    """The daily-limit counters (``(UTC day, channel) -> sends``)."""
    return dumps(encode_as(_COUNTS_TYPE, tenant.limits.counts, "counts"))


def callbacks(tenant: Tenant) -> tuple[str | None, str]:
    """The callback jobs still to do, and the watermark: every status reached by then was dealt with
    (None when there is nothing to keep); and the jobs alone, to tell whether anything was queued or
    made since a save.

    Queues the callbacks due by now first, as the dispatcher's next look would, so that the
    watermark is true."""
    book = tenant.callbacks
    api = tenant.service.delivery_status_callback
    watermark = None
    if api is not None and not book.closed:
        watermark = tenant.now()
        book.collect(api, tenant.notifications, watermark)
    jobs = _jobs(book.jobs)
    if watermark is None and not jobs:
        return None, dumps(jobs)
    text = dumps({"watermark": watermark.isoformat() if watermark is not None else None, "jobs": jobs})
    return text, dumps(jobs)


def callback_jobs(jobs: list[CallbackJob]) -> str:
    """The jobs still to do, as :func:`callbacks` gives them for comparing."""
    return dumps(_jobs(jobs))


def _jobs(jobs: list[CallbackJob]) -> list[dict[str, Any]]:
    # A job being tried is kept as not yet tried: after a restart it is tried again.
    return [encode(job, exclude=("claimed",)) for job in jobs]


def notification_row(notification: Notification) -> tuple[int, str, str, str, bytes | None]:
    """``(seq, service_id, id, data, pdf)``."""
    return (
        notification.seq,
        str(notification.service_id),
        str(notification.id),
        dumps(encode(notification, exclude=("pdf",))),
        notification.pdf,
    )


def document_row(document: Document, position: int) -> tuple[str, str, int, str, bytes]:
    """``(id, service_id, position, data, content)``."""
    return (
        str(document.id),
        str(document.service_id),
        position,
        dumps(encode(document, exclude=("content",))),
        document.content,
    )


def received_text_row(message: InboundSms) -> tuple[str, str, int, str]:
    """``(id, service_id, seq, data)``."""
    return (str(message.id), str(message.service_id), message.seq, dumps(encode(message)))


def attempt_data(attempt: CallbackAttempt) -> str:
    """One callback request made."""
    return dumps(encode(attempt))


# -- reading ----------------------------------------------------------------------------------------


def read_service(state: str) -> tuple[Service, dict[str, Any]]:
    """The service of a state row, and the rest of the row for :func:`fill_tenant`."""
    data = loads(state, "service state")
    if not isinstance(data, dict) or "service" not in data:
        raise CodecError("service state: not a service")
    return decode(Service, data["service"]), data


def fill_tenant(tenant: Tenant, state: dict[str, Any], rows: ServiceRows) -> int:
    """Put back everything a new tenant held; returns the highest ``seq`` it holds."""
    tenant.timings = decode(Timings, state["timings"])
    tenant.outcomes = decode(OutcomeRules, state["outcomes"])
    frozen_at = state.get("frozen_at")
    if frozen_at is not None and isinstance(tenant.clock, SwitchableClock):
        tenant.clock.freeze(decode_as(dt.datetime, frozen_at, "frozen_at"))
    tenant.limits.counts = decode_as(_COUNTS_TYPE, loads(rows.counts, "counts"), "counts")
    seq = 0
    for data, pdf in rows.notifications:
        notification = decode(Notification, loads(data, "notification"), pdf=pdf)
        tenant.add(notification)
        seq = max(seq, notification.seq)
    for data, content in rows.documents:
        document = decode(Document, loads(data, "document"), content=content)
        tenant.documents[document.id] = document
    for data in rows.received_texts:
        message = decode(InboundSms, loads(data, "received text"))
        tenant.inbound.append(message)
        seq = max(seq, message.seq)
    book = tenant.callbacks
    book.attempts = [decode(CallbackAttempt, loads(data, "callback attempt")) for data in rows.attempts]
    if rows.callbacks is not None:
        kept = loads(rows.callbacks, "callbacks")
        book.jobs = [decode(CallbackJob, job) for job in kept["jobs"]]
        if kept["watermark"] is not None:
            # Everything reached by then was called back (or queued, and the jobs are above).
            book.skip_reached(tenant.notifications, decode_as(dt.datetime, kept["watermark"], "watermark"))
    return seq


__all__ = [
    "attempt_data",
    "callback_jobs",
    "callbacks",
    "counts",
    "document_row",
    "dumps",
    "fill_tenant",
    "notification_row",
    "read_service",
    "received_text_row",
    "service_state",
]
