"""Which status steps make a callback, Notify's exact bodies and the retry rules (reference §11)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from pytest_notify.domain.callbacks import (
    DELIVERY_STATUS,
    MAX_RETRIES,
    CallbackApi,
    CallbackBook,
    delivery_status_data,
    encode_body,
    format_datetime,
    should_retry,
)
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.inbound import InboundSms
from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.notifications import Notification, Step
from pytest_notify.http import serialization

START = dt.datetime(2026, 5, 17, 15, 58, 38, 342838, tzinfo=dt.timezone.utc)
NOTIFICATION_ID = uuid.UUID("6f1e2a3b-0000-4000-8000-000000000001")
TEMPLATE_ID = uuid.UUID("f33517ff-2a88-4f6e-b855-c550268ce08a")
API = CallbackApi("https://service.example/callbacks", "a-long-bearer-token")


def at(seconds: float) -> dt.datetime:
    return START + dt.timedelta(seconds=seconds)


def notification(
    kind: str = "sms", *statuses: str, persisted: bool = True, reference: str | None = None
) -> Notification:
    """A notification whose steps are ``statuses`` one second apart after ``created``."""
    return Notification(
        id=NOTIFICATION_ID,
        service_id=uuid.uuid4(),
        type=kind,
        key_type=KeyType.TEST,
        api_key_id=uuid.uuid4(),
        key_name="test key",
        template_id=TEMPLATE_ID,
        template_version=3,
        to="07700 900 855" if kind == "sms" else "Jo@Example.com",
        normalised_to="447700900855",
        personalisation={},
        reference=reference,
        body="Hi",
        subject=None,
        created_at=START,
        steps=[Step("created", START)] + [Step(s, at(n)) for n, s in enumerate(statuses, start=1)],
        persisted=persisted,
    )


def called_back(item: Notification, now: dt.datetime | None = None) -> list[str]:
    book = CallbackBook()
    book.collect(API, [item], now or at(3600 * 72))
    return [job.body.split('"status": "')[1].split('"')[0] for job in book.jobs]


# -- which statuses call back (§11.2) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "statuses", "expected"),
    [
        ("sms", ("sending", "delivered"), ["delivered"]),
        ("sms", ("sending", "permanent-failure"), ["permanent-failure"]),
        ("sms", ("sending", "temporary-failure"), ["temporary-failure"]),
        ("email", ("sending", "delivered"), ["delivered"]),
        ("email", ("sending", "permanent-failure"), ["permanent-failure"]),
        ("email", ("sending", "temporary-failure"), ["temporary-failure"]),
        # firetext's temporary failure goes through `pending`, which never calls back
        ("sms", ("sending", "pending", "temporary-failure"), ["temporary-failure"]),
        ("sms", ("sending", "pending"), []),
        # international texts with receipts call back on the receipt; without, they stay `sent`
        ("sms", ("sent", "delivered"), ["delivered"]),
        ("sms", ("sent",), []),
        # a failed hand-over to the provider queues no callback
        ("sms", ("technical-failure",), []),
        ("email", ("sending", "technical-failure"), []),
        # still in flight: nothing yet (the 72-hour timeout is tested below)
        ("email", ("sending",), []),
        # a repeated receipt changes nothing
        ("sms", ("sending", "delivered", "delivered"), ["delivered"]),
        # no delivery-status callbacks for letters
        ("letter", ("sending", "delivered"), []),
        ("letter", ("sending", "technical-failure"), []),
    ],
)
def test_statuses_that_call_back(kind: str, statuses: tuple[str, ...], expected: list[str]) -> None:
    assert called_back(notification(kind, *statuses)) == expected


def test_timed_out_notification_calls_back_temporary_failure() -> None:
    item = notification("sms", "sending")
    item.steps.append(Step("temporary-failure", at(259200)))  # SENDING_NOTIFICATIONS_TIMEOUT_PERIOD
    assert called_back(item, at(259199)) == []
    assert called_back(item, at(259200)) == ["temporary-failure"]


def test_smoke_test_sends_never_call_back() -> None:
    assert called_back(notification("sms", "sending", "delivered", persisted=False)) == []


def test_no_callback_api_no_callback() -> None:
    book = CallbackBook()
    book.collect(None, [notification("sms", "sending", "delivered")], at(10))
    assert book.jobs == []


def test_a_step_calls_back_once_when_the_clock_reaches_it() -> None:
    item = notification("sms", "sending", "delivered")
    book = CallbackBook()
    book.collect(API, [item], at(1))
    assert book.jobs == []
    book.collect(API, [item], at(2))
    book.collect(API, [item], at(3))
    assert [(job.kind, job.due) for job in book.jobs] == [(DELIVERY_STATUS, at(2))]


def test_a_step_added_later_calls_back() -> None:
    # manual mode: the test moves a `sending` notification on; the step is stamped with the clock's now
    item = notification("email", "sending")
    book = CallbackBook()
    book.collect(API, [item], at(5))
    item.steps.append(Step("permanent-failure", at(5)))
    book.collect(API, [item], at(5))
    assert len(book.jobs) == 1 and '"status": "permanent-failure"' in book.jobs[0].body


def test_a_replanned_timeline_calls_back() -> None:
    # a forced outcome replaces the steps still to come with a new list
    item = notification("sms", "sending")
    book = CallbackBook()
    book.collect(API, [item], at(5))
    item.steps = [*item.steps, Step("temporary-failure", at(6))]
    book.collect(API, [item], at(6))
    assert len(book.jobs) == 1 and '"status": "temporary-failure"' in book.jobs[0].body


def test_a_callback_set_up_later_hears_only_of_later_steps() -> None:
    delivered = notification("sms", "sending", "delivered")
    book = CallbackBook()
    book.skip_reached([delivered], at(10))
    book.collect(API, [delivered], at(10))
    assert book.jobs == []
    later = notification("sms", "sending", "permanent-failure")
    later.id = uuid.uuid4()
    book.skip_reached([later], at(1))  # reached `sending` only
    book.collect(API, [later], at(10))
    assert [job.subject_id for job in book.jobs] == [later.id]


# -- the bodies, byte for byte (§11.1 to §11.3) ------------------------------------------------


def test_delivery_status_body_bytes() -> None:
    item = notification("sms", "sending", "delivered", reference="café ✓")
    book = CallbackBook()
    book.collect(API, [item], at(2))
    (job,) = book.jobs
    # Keys in Notify's insertion order, json's default ", " and ": ", non-ASCII escaped, and the
    # template version the only number.
    assert job.body == (
        '{"id": "6f1e2a3b-0000-4000-8000-000000000001", "reference": "caf\\u00e9 \\u2713", '
        '"to": "07700 900 855", "status": "delivered", "created_at": "2026-05-17T15:58:38.342838Z", '
        '"completed_at": "2026-05-17T15:58:40.342838Z", "sent_at": "2026-05-17T15:58:39.342838Z", '
        '"notification_type": "sms", "template_id": "f33517ff-2a88-4f6e-b855-c550268ce08a", "template_version": 3}'
    )
    assert job.headers == {"Content-Type": "application/json", "Authorization": "Bearer a-long-bearer-token"}
    assert job.url == "https://service.example/callbacks"


def test_delivery_status_body_with_nulls() -> None:
    # No hand-over step before the outcome: sent_at is null, as is a missing reference.
    item = notification("email", "permanent-failure")
    data = delivery_status_data(item, item.steps[-1])
    assert encode_body(data) == (
        '{"id": "6f1e2a3b-0000-4000-8000-000000000001", "reference": null, "to": "Jo@Example.com", '
        '"status": "permanent-failure", "created_at": "2026-05-17T15:58:38.342838Z", '
        '"completed_at": "2026-05-17T15:58:39.342838Z", "sent_at": null, "notification_type": "email", '
        '"template_id": "f33517ff-2a88-4f6e-b855-c550268ce08a", "template_version": 3}'
    )


def test_inbound_sms_body_bytes() -> None:
    message = InboundSms(
        id=uuid.UUID("7c8f4c0a-0000-4000-8000-000000000002"),
        service_id=uuid.uuid4(),
        notify_number="447700900999",
        user_number="447700912345",
        content="Yes please — 2 tickets",
        created_at=START,
    )
    book = CallbackBook()
    book.queue_inbound(API, message, at(0))
    (job,) = book.jobs
    assert job.body == (
        '{"id": "7c8f4c0a-0000-4000-8000-000000000002", "source_number": "447700912345", '
        '"destination_number": "447700900999", "message": "Yes please \\u2014 2 tickets", '
        '"date_received": "2026-05-17T15:58:38.342838Z"}'
    )
    assert job.due == START


def test_no_inbound_callback_api_no_callback() -> None:
    book = CallbackBook()
    message = InboundSms(uuid.uuid4(), uuid.uuid4(), "447700900999", "447700912345", "Hi", START)
    book.queue_inbound(None, message, START)
    assert book.jobs == []


@pytest.mark.parametrize(
    "when",
    [START, dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=1))), START.replace(microsecond=0)],
)
def test_datetimes_match_the_api_serializer(when: dt.datetime) -> None:
    assert format_datetime(when) == serialization.format_datetime(when)
    assert format_datetime(None) is None


# -- retries (§11.1) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error", "retried"),
    [
        (None, "ConnectionRefusedError: [Errno 111] Connection refused", True),
        (None, "TimeoutError: timed out", True),
        (500, None, True),
        (502, None, True),
        (503, None, True),
        (429, None, True),
        (400, None, False),
        (401, None, False),
        (403, None, False),
        (404, None, False),
        (410, None, False),
        (200, None, False),
        (204, None, False),
    ],
)
def test_what_is_retried(status: int | None, error: str | None, retried: bool) -> None:
    assert should_retry(status, error) is retried


def test_retries_every_300_seconds_then_gives_up() -> None:
    book = CallbackBook()
    book.collect(API, [notification("sms", "sending", "delivered")], at(2))
    (job,) = book.jobs
    for n in range(MAX_RETRIES + 1):
        assert book.claim_due(job.due) == [job]
        book.finish(job, 500, None)
        assert book.attempts[-1].at == at(2 + 300 * n)
    assert [a.attempt for a in book.attempts] == [1, 2, 3, 4, 5, 6]
    assert [a.retry_at for a in book.attempts] == [at(2 + 300 * n) for n in range(1, 6)] + [None]
    assert book.jobs == [] and not book.busy


def test_claimed_jobs_are_not_claimed_twice() -> None:
    book = CallbackBook()
    book.collect(API, [notification("sms", "sending", "delivered")], at(2))
    assert len(book.claim_due(at(2))) == 1
    assert book.claim_due(at(2)) == []
    book.release(book.jobs[0])
    assert len(book.claim_due(at(2))) == 1


def test_a_success_ends_the_job() -> None:
    book = CallbackBook()
    book.collect(API, [notification("sms", "sending", "delivered")], at(2))
    (job,) = book.claim_due(at(2))
    attempt = book.finish(job, 200, None)
    assert (attempt.ok, attempt.retry_at, attempt.status, attempt.id) == (True, None, "delivered", str(NOTIFICATION_ID))
    assert book.jobs == []


# -- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        ("https://x.example/cb", "token-1234"),
        ["https://x.example/cb", "token-1234"],
        {"url": "https://x.example/cb", "bearer_token": "token-1234"},
    ],
)
def test_callback_api_from_marker_values(value: object) -> None:
    assert CallbackApi.of(value) == CallbackApi("https://x.example/cb", "token-1234")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (("ftp://x.example/cb", "token-1234"), "must start with https://"),
        (("https://x.example/cb", ""), "needs a bearer token"),
        ("https://x.example/cb", r"is \(url, bearer_token\)"),
        (("https://x.example/cb",), r"is \(url, bearer_token\)"),
    ],
)
def test_bad_callback_settings(value: object, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        CallbackApi.of(value)  # type: ignore[arg-type]


def test_a_closed_book_makes_no_more_callbacks() -> None:
    # the test owning the service has ended: the try under way is recorded, nothing else happens
    book = CallbackBook()
    first = notification("sms", "sending", "delivered")
    book.collect(API, [first], at(2))
    (under_way,) = book.claim_due(at(2))
    second = notification("email", "sending", "delivered")
    second.id = uuid.uuid4()
    book.collect(API, [second], at(2))
    book.close()
    assert book.jobs == [under_way]
    attempt = book.finish(under_way, 500, None)
    assert (attempt.response_status, attempt.retry_at, book.jobs) == (500, None, [])
    third = notification("sms", "sending", "permanent-failure")
    third.id = uuid.uuid4()
    book.collect(API, [third], at(10))
    book.queue_inbound(API, InboundSms(uuid.uuid4(), uuid.uuid4(), "447700900999", "447700912345", "Hi", START), START)
    assert (book.jobs, book.claim_due(at(100)), len(book.attempts)) == ([], [], 1)
