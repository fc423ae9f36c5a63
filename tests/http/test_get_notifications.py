"""GET /v2/notifications/{id} and GET /v2/notifications through the WSGI app (reference §3.6, §3.7, §12, §13).

Expected values come from the reference; where a value is derived rather than quoted, the comment
next to it says how. The world clock starts at 2026-05-17T15:58:38.342838Z (tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from werkzeug.test import TestResponse

from pytest_notify.domain.service import TeamMember
from pytest_notify.domain.simulator import Timings
from tests.conftest import Api, errors_of

HOST = "http://localhost"
CREATED = "2026-05-17T15:58:38.342838Z"
NO_RESULT_FOUND = b'{"errors":[{"error":"NoResultFound","message":"No result found"}],"status_code":404}\n'
STATUS_ENUM = (
    "cancelled, created, sending, sent, delivered, pending, failed, technical-failure, temporary-failure, "
    "permanent-failure, pending-virus-check, validation-failed, virus-scan-failed, returned-letter, accepted, received"
)

# Every key of Notification.serialize_with_cost_data() for SMS and email (§3.6); `estimated_delivery`
# is for letters only, and there is no `line_7`.
KEYS = {
    "id",
    "reference",
    "email_address",
    "phone_number",
    "line_1",
    "line_2",
    "line_3",
    "line_4",
    "line_5",
    "line_6",
    "postcode",
    "type",
    "status",
    "template",
    "body",
    "subject",
    "created_at",
    "created_by_name",
    "sent_at",
    "completed_at",
    "scheduled_for",
    "postage",
    "one_click_unsubscribe_url",
    "is_cost_data_ready",
    "cost_in_pounds",
    "cost_details",
}


@pytest.fixture
def sms_template(api: Api) -> uuid.UUID:
    return api.store.add_template(api.service.id, "sms", "Hi ((name))").id


@pytest.fixture
def email_template(api: Api) -> uuid.UUID:
    return api.store.add_template(api.service.id, "email", "Dear ((name)),\n\nBye", "Hello ((name))").id


def send_sms(api: Api, template: uuid.UUID, to: str = "07700 900 855", key: Any = None, **extra: Any) -> str:
    body = {"phone_number": to, "template_id": str(template), "personalisation": {"name": "Jo"}, **extra}
    response = api.post("/v2/notifications/sms", body, key)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def send_email(api: Api, template: uuid.UUID, to: str = "jo@example.com", key: Any = None, **extra: Any) -> str:
    body = {"email_address": to, "template_id": str(template), "personalisation": {"name": "Jo"}, **extra}
    response = api.post("/v2/notifications/email", body, key)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def get_one(api: Api, nid: str, key: Any = None) -> dict[str, Any]:
    response = api.get(f"/v2/notifications/{nid}", key)
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def listing(api: Api, query: str = "", key: Any = None) -> TestResponse:
    return api.get(f"/v2/notifications{query}", key)


def template_uri(template: uuid.UUID, version: int = 1) -> str:
    return f"{HOST}/v2/template/{template}/version/{version}"


def ts(seconds: float) -> str:
    """The world clock's start plus ``seconds``, in Notify's datetime format."""
    when = dt.datetime(2026, 5, 17, 15, 58, 38, 342838) + dt.timedelta(seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# -- GET /v2/notifications/{id}: the body (§3.6) ---------------------------------------------


def test_sms_body_exactly(api: Api, sms_template: uuid.UUID) -> None:
    nid = send_sms(api, sms_template, reference="ref-1")
    response = api.get(f"/v2/notifications/{nid}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = response.get_json()
    assert set(body) == KEYS
    assert body == {
        "id": nid,
        "reference": "ref-1",
        "email_address": None,
        "phone_number": "07700 900 855",
        "line_1": None,
        "line_2": None,
        "line_3": None,
        "line_4": None,
        "line_5": None,
        "line_6": None,
        "postcode": None,
        "type": "sms",
        # A live key's send with the fake's default (zero) timings is final as soon as it is read.
        "status": "delivered",
        "template": {"id": str(sms_template), "version": 1, "uri": template_uri(sms_template)},
        "body": "Hi Jo",
        "subject": None,
        "created_at": CREATED,
        "created_by_name": None,
        "sent_at": CREATED,
        "completed_at": CREATED,
        "scheduled_for": None,
        "postage": None,
        "one_click_unsubscribe_url": None,
        "is_cost_data_ready": True,
        # §12: £0.024 per fragment from 1 April 2026, so a text created on 17 May 2026 costs
        # 1 fragment × 1.0 × 0.024.
        "cost_in_pounds": 0.024,
        "cost_details": {"billable_sms_fragments": 1, "international_rate_multiplier": 1.0, "sms_rate": 0.024},
    }


def test_sms_cost_bytes_on_the_wire(api: Api, sms_template: uuid.UUID) -> None:
    # rate_multiplier comes from a float column: it serialises as 1.0, not 1 (§3.6).
    nid = send_sms(api, sms_template)
    data = api.get(f"/v2/notifications/{nid}").data
    assert b'"cost_details":{"billable_sms_fragments":1,"international_rate_multiplier":1.0,"sms_rate":0.024}' in data
    assert b'"cost_in_pounds":0.024,' in data
    assert data.endswith(b"}\n")


def test_email_body_exactly(api: Api, email_template: uuid.UUID) -> None:
    nid = send_email(api, email_template, reference="e-1")
    body = get_one(api, nid)
    assert set(body) == KEYS
    assert body == {
        "id": nid,
        "reference": "e-1",
        "email_address": "jo@example.com",
        "phone_number": None,
        "line_1": None,
        "line_2": None,
        "line_3": None,
        "line_4": None,
        "line_5": None,
        "line_6": None,
        "postcode": None,
        "type": "email",
        "status": "delivered",
        "template": {"id": str(email_template), "version": 1, "uri": template_uri(email_template)},
        "body": "Dear Jo,\n\nBye",
        "subject": "Hello Jo",
        "created_at": CREATED,
        "created_by_name": None,
        "sent_at": CREATED,
        "completed_at": CREATED,
        "scheduled_for": None,
        "postage": None,
        "one_click_unsubscribe_url": None,
        # Email: true / 0.0 / {} (§3.6).
        "is_cost_data_ready": True,
        "cost_in_pounds": 0.0,
        "cost_details": {},
    }
    assert b'"cost_in_pounds":0.0,' in api.get(f"/v2/notifications/{nid}").data


def test_email_one_click_unsubscribe_url_is_echoed(api: Api, email_template: uuid.UUID) -> None:
    url = "https://example.com/unsubscribe?u=1"
    nid = send_email(api, email_template, one_click_unsubscribe_url=url)
    assert get_one(api, nid)["one_click_unsubscribe_url"] == url


def test_no_estimated_delivery_for_sms_or_email(api: Api, sms_template: uuid.UUID, email_template: uuid.UUID) -> None:
    for nid in (send_sms(api, sms_template), send_email(api, email_template)):
        assert "estimated_delivery" not in get_one(api, nid)
        assert "line_7" not in get_one(api, nid)


def test_template_uri_uses_the_version(api: Api, sms_template: uuid.UUID) -> None:
    nid = send_sms(api, sms_template)
    template = get_one(api, nid)["template"]
    assert template == {"id": str(sms_template), "version": 1, "uri": template_uri(sms_template, 1)}


def test_datetimes_use_notifys_format(api: Api, sms_template: uuid.UUID) -> None:
    api.world_clock.set(dt.datetime(2026, 5, 17, 9, 5, 7, 12))
    nid = send_sms(api, sms_template)
    body = get_one(api, nid)
    # %Y-%m-%dT%H:%M:%S.%fZ: zero-padded, six-digit microseconds, a literal Z.
    assert body["created_at"] == "2026-05-17T09:05:07.000012Z"


@pytest.mark.parametrize(
    "to",
    [
        "07700 900 855",
        "+(44) 77009-00855",  # the reference's example of a number echoed as sent
        "07700900855",
        "+447700900855",
    ],
)
def test_phone_number_is_echoed_as_sent(api: Api, sms_template: uuid.UUID, to: str) -> None:
    nid = send_sms(api, sms_template, to=to)
    assert get_one(api, nid)["phone_number"] == to


def test_phone_number_surrounding_whitespace_is_removed(api: Api, sms_template: uuid.UUID) -> None:
    # §13: stored as supplied, with surrounding whitespace removed.
    nid = send_sms(api, sms_template, to="  07700 900 855\n")
    assert get_one(api, nid)["phone_number"] == "07700 900 855"


@pytest.mark.parametrize(
    ("to", "echoed"),
    [
        ("Jo.Bloggs@Example.COM", "Jo.Bloggs@Example.COM"),  # case kept
        ("  jo@example.com  ", "jo@example.com"),  # surrounding whitespace removed
    ],
)
def test_email_address_is_echoed_as_sent(api: Api, email_template: uuid.UUID, to: str, echoed: str) -> None:
    nid = send_email(api, email_template, to=to)
    assert get_one(api, nid)["email_address"] == echoed


# -- SMS cost data (§3.6, §12) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("created", "rate"),
    [
        # Rates from the first of April each year (§12).
        (dt.datetime(2024, 7, 1, 12, 0), 0.0227),
        (dt.datetime(2025, 3, 31, 12, 0), 0.0227),
        (dt.datetime(2025, 4, 2, 12, 0), 0.0233),
        (dt.datetime(2026, 3, 15, 12, 0), 0.0233),
        (dt.datetime(2026, 4, 2, 12, 0), 0.024),
        (dt.datetime(2026, 5, 17, 15, 58, 38, 342838), 0.024),
    ],
)
def test_sms_rate_by_creation_date(api: Api, sms_template: uuid.UUID, created: dt.datetime, rate: float) -> None:
    api.world_clock.set(created)
    nid = send_sms(api, sms_template)
    body = get_one(api, nid)
    assert body["cost_details"]["sms_rate"] == rate
    assert body["cost_in_pounds"] == 1 * 1.0 * rate


def test_two_fragment_sms_cost(api: Api) -> None:
    # 161 GSM characters are two fragments (153 per part): 2 × 1.0 × 0.024.
    template = api.store.add_template(api.service.id, "sms", "a" * 161).id
    nid = send_sms(api, template)
    body = get_one(api, nid)
    assert body["cost_details"] == {
        "billable_sms_fragments": 2,
        "international_rate_multiplier": 1.0,
        "sms_rate": 0.024,
    }
    assert body["cost_in_pounds"] == 2 * 1.0 * 0.024


def test_international_sms_cost_uses_the_multiplier(api: Api, sms_template: uuid.UUID) -> None:
    # France: rate_multiplier 2 in the international billing table, receipts "YES".
    nid = send_sms(api, sms_template, to="+33 6 12 34 56 78")
    body = get_one(api, nid)
    assert body["status"] == "delivered"
    assert body["cost_details"] == {
        "billable_sms_fragments": 1,
        "international_rate_multiplier": 2.0,
        "sms_rate": 0.024,
    }
    assert body["cost_in_pounds"] == 1 * 2.0 * 0.024


def test_crown_dependency_sms_is_sent_then_delivered_at_double_rate(api: Api, sms_template: uuid.UUID) -> None:
    # §6.2: Jersey 07781… is flagged international with rate_multiplier 2, so it goes to `sent`.
    api.store.set_timings(api.service.id, Timings(sending=1, final=5))
    nid = send_sms(api, sms_template, to="07781 123456")
    api.world_clock.advance(1)
    body = get_one(api, nid)
    assert (body["status"], body["phone_number"]) == ("sent", "07781 123456")
    assert body["cost_details"] == {
        "billable_sms_fragments": 1,
        "international_rate_multiplier": 2.0,
        "sms_rate": 0.024,
    }
    assert body["cost_in_pounds"] == 1 * 2.0 * 0.024
    api.world_clock.advance(4)
    assert get_one(api, nid)["status"] == "delivered"


def test_test_key_sms_has_no_billable_units_until_its_receipt(api: Api, sms_template: uuid.UUID) -> None:
    # §5.1 point 4: for test keys "billable units are filled in when the receipt is processed (if
    # they were 0)". A test-key text is handed to the research-mode queue, not a provider, so
    # while it is `sending` its billable units are still 0. §3.6: only `created` with 0 units is
    # "not ready"; any other status reports the units, here 0, at a cost of 0.0.
    api.store.set_timings(api.service.id, Timings(sending=1, final=5))
    nid = send_sms(api, sms_template, key=api.test_key)
    api.world_clock.advance(1)
    body = get_one(api, nid)
    assert body["status"] == "sending"
    assert body["is_cost_data_ready"] is True
    assert body["cost_details"] == {
        "billable_sms_fragments": 0,
        "international_rate_multiplier": 1.0,
        "sms_rate": 0.024,
    }
    assert body["cost_in_pounds"] == 0.0
    api.world_clock.advance(4)
    body = get_one(api, nid)
    assert body["status"] == "delivered"
    assert body["cost_details"]["billable_sms_fragments"] == 1
    assert body["cost_in_pounds"] == 0.024


def test_test_key_sms_without_receipts_never_gets_billable_units(api: Api, sms_template: uuid.UUID) -> None:
    # §5.1 points 4 and 5: +1 numbers never get a receipt, and the receipt is what fills in a
    # test-key text's billable units, so they stay 0.
    nid = send_sms(api, sms_template, to="+1 202 555 0123", key=api.test_key)
    api.world_clock.advance(days=1)
    body = get_one(api, nid)
    assert body["status"] == "sent"
    assert body["cost_details"] == {
        "billable_sms_fragments": 0,
        "international_rate_multiplier": 1.0,
        "sms_rate": 0.024,
    }
    assert body["cost_in_pounds"] == 0.0


def test_live_key_sms_is_billed_when_handed_over(api: Api, sms_template: uuid.UUID) -> None:
    # A live key's text gets its billable units when it is sent to the provider ([api]
    # send_to_providers), so `sending` and `sent` already show the fragments.
    nid = send_sms(api, sms_template, to="+1 202 555 0123")
    body = get_one(api, nid)
    assert body["status"] == "sent"
    assert body["cost_details"]["billable_sms_fragments"] == 1
    assert body["cost_in_pounds"] == 0.024


def test_sms_cost_not_ready_while_created(api: Api, sms_template: uuid.UUID) -> None:
    # §3.6: status `created` with 0 billable units → false / null / {}.
    api.store.set_timings(api.service.id, Timings(sending=1, final=5))
    nid = send_sms(api, sms_template)
    body = get_one(api, nid)
    assert body["status"] == "created"
    assert (body["is_cost_data_ready"], body["cost_in_pounds"], body["cost_details"]) == (False, None, {})
    assert b'"cost_in_pounds":null,' in api.get(f"/v2/notifications/{nid}").data
    api.world_clock.advance(1)
    body = get_one(api, nid)
    assert body["status"] == "sending"
    assert body["is_cost_data_ready"] is True
    assert body["cost_in_pounds"] == 0.024


def test_email_cost_is_ready_even_while_created(api: Api, email_template: uuid.UUID) -> None:
    api.store.set_timings(api.service.id, Timings(sending=1, final=5))
    nid = send_email(api, email_template)
    body = get_one(api, nid)
    assert body["status"] == "created"
    assert (body["is_cost_data_ready"], body["cost_in_pounds"], body["cost_details"]) == (True, 0.0, {})


# -- statuses move with the world clock ------------------------------------------------------


def test_sms_status_moves_with_the_world_clock(api: Api, sms_template: uuid.UUID) -> None:
    api.store.set_timings(api.service.id, Timings(sending=1, final=5))
    nid = send_sms(api, sms_template)

    body = get_one(api, nid)
    assert (body["status"], body["sent_at"], body["completed_at"]) == ("created", None, None)

    api.world_clock.advance(0.5)
    assert get_one(api, nid)["status"] == "created"

    api.world_clock.advance(0.5)
    body = get_one(api, nid)
    # `sending` is not a completed status: no completed_at yet.
    assert (body["status"], body["sent_at"], body["completed_at"]) == ("sending", ts(1), None)

    api.world_clock.advance(3.999999)
    assert get_one(api, nid)["status"] == "sending"

    api.world_clock.advance(0.000001)
    body = get_one(api, nid)
    # completed_at is updated_at once the status is completed.
    assert (body["status"], body["sent_at"], body["completed_at"]) == ("delivered", ts(1), ts(5))
    assert body["created_at"] == CREATED

    api.world_clock.advance(days=3)
    assert get_one(api, nid)["completed_at"] == ts(5)


def test_email_status_moves_with_the_world_clock(api: Api, email_template: uuid.UUID) -> None:
    api.store.set_timings(api.service.id, Timings(sending=1, final=5))
    nid = send_email(api, email_template, to="temp-fail@simulator.notify", key=api.test_key)
    seen = []
    for step in (0, 1, 4):
        api.world_clock.advance(step)
        body = get_one(api, nid)
        seen.append((body["status"], body["sent_at"], body["completed_at"]))
    assert seen == [
        ("created", None, None),
        ("sending", ts(1), None),
        ("temporary-failure", ts(1), ts(5)),
    ]


@pytest.mark.parametrize(
    ("to", "status"),
    [("07700900003", "temporary-failure"), ("+447700900002", "permanent-failure"), ("07700 900 003", "delivered")],
)
def test_test_key_sms_outcome_over_http(api: Api, sms_template: uuid.UUID, to: str, status: str) -> None:
    nid = send_sms(api, sms_template, to=to, key=api.test_key)
    body = get_one(api, nid, api.test_key)
    assert body["status"] == status
    assert body["completed_at"] == CREATED
    # §5.1 point 4: billable units are filled in, so test SMS show cost data.
    assert body["is_cost_data_ready"] is True


def test_international_sms_without_receipts_stays_sent(api: Api, sms_template: uuid.UUID) -> None:
    # +1 has `dlr: Carrier DLR`: the text stays `sent` for good (§5.1 point 5). `sent` is a
    # completed status, so completed_at is set from the hand-over.
    api.store.set_timings(api.service.id, Timings(sending=1, final=5))
    nid = send_sms(api, sms_template, to="+1 202 555 0123", key=api.test_key)
    api.world_clock.advance(1)
    body = get_one(api, nid)
    assert (body["status"], body["sent_at"], body["completed_at"]) == ("sent", ts(1), ts(1))
    api.world_clock.advance(days=6)
    body = get_one(api, nid)
    assert (body["status"], body["completed_at"]) == ("sent", ts(1))


# -- lookup rules (§3.6) ---------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["test_key", "team_key", "live_key"])
def test_any_key_of_the_service_reads_a_live_key_notification(api: Api, sms_template: uuid.UUID, reader: str) -> None:
    nid = send_sms(api, sms_template, key=api.live_key)
    assert get_one(api, nid, getattr(api, reader))["id"] == nid


def test_live_key_reads_a_test_key_notification(api: Api, sms_template: uuid.UUID) -> None:
    nid = send_sms(api, sms_template, key=api.test_key)
    assert get_one(api, nid, api.live_key)["id"] == nid


def test_another_services_notification_is_404_exactly(api: Api) -> None:
    other = api.store.create_service("Ministry of Silly Walks")
    other_key = api.store.create_api_key(other.id, "live", "other")
    template = api.store.add_template(other.id, "sms", "Hello").id
    nid = send_sms(api, template, key=other_key)
    assert api.get(f"/v2/notifications/{nid}", other_key).status_code == 200

    response = api.get(f"/v2/notifications/{nid}")
    assert response.status_code == 404
    assert response.data == NO_RESULT_FOUND
    assert response.headers["Content-Type"] == "application/json"


def test_unknown_id_is_404(api: Api) -> None:
    response = api.get(f"/v2/notifications/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.data == NO_RESULT_FOUND


def test_smoke_test_send_is_404(api: Api, sms_template: uuid.UUID) -> None:
    # §5.2: a fresh id in the 201, but nothing persisted.
    nid = send_sms(api, sms_template, to="07700 900 000")
    response = api.get(f"/v2/notifications/{nid}")
    assert response.status_code == 404
    assert response.data == NO_RESULT_FOUND


@pytest.mark.parametrize(
    "bad",
    [
        "not-a-uuid",
        "12345",
        "0000000-0000-0000-0000-000000000000",  # one digit short
        "00000000-0000-0000-0000-0000000000000",  # one digit too many
        "00000000-0000-0000-0000-00000000000g",
        "00000000-0000-0000-0000-000000000000%20",  # trailing space
    ],
)
def test_bad_id_is_a_validation_error(api: Api, bad: str) -> None:
    response = api.get(f"/v2/notifications/{bad}")
    assert response.status_code == 400
    assert response.get_json() == {
        "errors": [{"error": "ValidationError", "message": "notification_id is not a valid UUID"}],
        "status_code": 400,
    }


def test_retention_seven_days_over_http(api: Api, sms_template: uuid.UUID) -> None:
    # §13: after 7 days GET by id gives 404 and the list omits the notification.
    nid = send_sms(api, sms_template)
    api.world_clock.advance(days=6, hours=23, minutes=59)
    assert api.get(f"/v2/notifications/{nid}").status_code == 200
    assert [n["id"] for n in listing(api).get_json()["notifications"]] == [nid]
    api.world_clock.advance(minutes=1, seconds=1)
    response = api.get(f"/v2/notifications/{nid}")
    assert response.status_code == 404
    assert response.data == NO_RESULT_FOUND
    assert listing(api).get_json() == {"links": {"current": f"{HOST}/v2/notifications"}, "notifications": []}
    # older_than an expired id: an empty list, not an error.
    response = listing(api, f"?older_than={nid}")
    assert response.status_code == 200
    assert response.get_json()["notifications"] == []


# -- GET /v2/notifications: contents (§3.7) --------------------------------------------------


def test_list_items_are_the_get_by_id_bodies(api: Api, sms_template: uuid.UUID, email_template: uuid.UUID) -> None:
    sms_id = send_sms(api, sms_template)
    api.world_clock.advance(1)
    email_id = send_email(api, email_template)
    body = listing(api).get_json()
    assert set(body) == {"links", "notifications"}
    assert body["notifications"] == [get_one(api, email_id), get_one(api, sms_id)]


def test_list_is_scoped_to_the_callers_key_type(api: Api, sms_template: uuid.UUID) -> None:
    api.service.team_members.append(TeamMember(mobile_number="07700 900 855"))
    sent = {}
    for name in ("test_key", "team_key", "live_key"):
        sent[name] = send_sms(api, sms_template, key=getattr(api, name))
    for name, nid in sent.items():
        assert [n["id"] for n in listing(api, key=getattr(api, name)).get_json()["notifications"]] == [nid]


def test_list_filters(api: Api, sms_template: uuid.UUID, email_template: uuid.UUID) -> None:
    a = send_sms(api, sms_template, reference="r")
    api.world_clock.advance(1)
    b = send_email(api, email_template, reference="r")
    api.world_clock.advance(1)
    send_sms(api, sms_template, reference="R")

    def found(query: str) -> list[str]:
        response = listing(api, query)
        assert response.status_code == 200, response.get_json()
        return [n["id"] for n in response.get_json()["notifications"]]

    assert found("?reference=r") == [b, a]
    assert found("?reference=r&template_type=sms") == [a]
    assert found("?template_type=sms&template_type=email&reference=r") == [b, a]
    assert found("?status=delivered&reference=r") == [b, a]
    assert found("?status=received&reference=r") == [b, a]
    assert found("?status=failed") == []
    assert found("?status=accepted") == []


def test_list_status_filter_follows_the_world_clock(api: Api, sms_template: uuid.UUID) -> None:
    api.store.set_timings(api.service.id, Timings(sending=1, final=5))
    nid = send_sms(api, sms_template)

    def statuses(query: str) -> list[tuple[str, str]]:
        return [(n["id"], n["status"]) for n in listing(api, query).get_json()["notifications"]]

    assert statuses("?status=created") == [(nid, "created")]
    assert statuses("?status=accepted") == [(nid, "created")]
    assert statuses("?status=sending") == []
    api.world_clock.advance(1)
    assert statuses("?status=created") == []
    assert statuses("?status=sending") == [(nid, "sending")]
    assert statuses("?status=accepted") == [(nid, "sending")]
    api.world_clock.advance(4)
    assert statuses("?status=accepted") == []
    assert statuses("?status=delivered") == [(nid, "delivered")]
    assert statuses("?status=received") == [(nid, "delivered")]


def test_list_of_test_key_failures(api: Api, sms_template: uuid.UUID) -> None:
    temp = send_sms(api, sms_template, to="07700900003", key=api.test_key)
    api.world_clock.advance(1)
    perm = send_sms(api, sms_template, to="07700900002", key=api.test_key)
    api.world_clock.advance(1)
    send_sms(api, sms_template, to="07700900001", key=api.test_key)
    body = listing(api, "?status=failed", api.test_key).get_json()
    assert [(n["id"], n["status"]) for n in body["notifications"]] == [
        (perm, "permanent-failure"),
        (temp, "temporary-failure"),
    ]


def test_list_order_is_created_at_desc_after_the_clock_is_set_back(api: Api, sms_template: uuid.UUID) -> None:
    # §3.7: "Order is created_at DESC", whatever order the sends were made in.
    first = send_sms(api, sms_template)
    api.world_clock.set(dt.datetime(2026, 5, 17, 14, 0, tzinfo=dt.timezone.utc))
    backdated = send_sms(api, sms_template)
    body = listing(api).get_json()
    assert [n["id"] for n in body["notifications"]] == [first, backdated]
    assert body["links"]["next"] == f"{HOST}/v2/notifications?older_than={backdated}"


def test_list_pages_of_250(api: Api, sms_template: uuid.UUID) -> None:
    sent = []
    for _ in range(251):
        sent.append(send_sms(api, sms_template))
        api.world_clock.advance(0.001)
    first = listing(api).get_json()
    assert [n["id"] for n in first["notifications"]] == sent[::-1][:250]
    assert first["links"]["next"] == f"{HOST}/v2/notifications?older_than={sent[1]}"
    second = api.client.get(first["links"]["next"], headers=api.auth(api.live_key)).get_json()
    assert [n["id"] for n in second["notifications"]] == [sent[0]]
    assert second["links"] == {
        "current": f"{HOST}/v2/notifications?older_than={sent[1]}",
        "next": f"{HOST}/v2/notifications?older_than={sent[0]}",
    }
    third = api.client.get(second["links"]["next"], headers=api.auth(api.live_key)).get_json()
    assert third == {"links": {"current": f"{HOST}/v2/notifications?older_than={sent[0]}"}, "notifications": []}


def test_older_than_unknown_id_is_an_empty_list(api: Api, sms_template: uuid.UUID) -> None:
    send_sms(api, sms_template)
    unknown = uuid.uuid4()
    response = listing(api, f"?older_than={unknown}")
    assert response.status_code == 200
    assert response.get_json() == {
        "links": {"current": f"{HOST}/v2/notifications?older_than={unknown}"},
        "notifications": [],
    }


# -- GET /v2/notifications: links (§3.7) -----------------------------------------------------


def test_current_without_filters_is_exactly_the_path(api: Api, sms_template: uuid.UUID) -> None:
    nid = send_sms(api, sms_template)
    assert listing(api).get_json()["links"] == {
        "current": f"{HOST}/v2/notifications",
        "next": f"{HOST}/v2/notifications?older_than={nid}",
    }


def test_empty_page_has_no_next(api: Api) -> None:
    response = listing(api)
    assert response.status_code == 200
    assert response.data == b'{"links":{"current":"http://localhost/v2/notifications"},"notifications":[]}\n'


def test_next_present_on_a_short_page(api: Api, sms_template: uuid.UUID) -> None:
    # "next is present whenever the page is non-empty, even if it has fewer than 250 items".
    first = send_sms(api, sms_template)
    api.world_clock.advance(1)
    send_sms(api, sms_template)
    assert listing(api).get_json()["links"]["next"] == f"{HOST}/v2/notifications?older_than={first}"


def test_run_verified_example_of_current(api: Api) -> None:
    query = "?status=created&status=sending&template_type=sms&reference=my+ref%26x"
    response = listing(api, query)
    assert response.status_code == 200
    assert response.get_json() == {"links": {"current": f"{HOST}/v2/notifications{query}"}, "notifications": []}


def test_run_verified_example_with_a_match_appends_older_than(api: Api, sms_template: uuid.UUID) -> None:
    api.store.set_timings(api.service.id, Timings(sending=1, final=5))
    nid = send_sms(api, sms_template, reference="my ref&x")
    query = "?status=created&status=sending&template_type=sms&reference=my+ref%26x"
    body = listing(api, query).get_json()
    assert [n["id"] for n in body["notifications"]] == [nid]
    assert body["links"] == {
        "current": f"{HOST}/v2/notifications{query}",
        "next": f"{HOST}/v2/notifications{query}&older_than={nid}",
    }


def test_space_in_the_query_string_becomes_plus(api: Api) -> None:
    # The client sent %20; Notify re-encodes the value with `+` for the space.
    response = listing(api, "?reference=my%20ref")
    assert response.get_json()["links"]["current"] == f"{HOST}/v2/notifications?reference=my+ref"


def test_parameters_keep_the_order_received(api: Api) -> None:
    query = "?template_type=email&template_type=sms&status=delivered&reference=x&include_jobs=true"
    assert listing(api, query).get_json()["links"]["current"] == f"{HOST}/v2/notifications{query}"
    query = "?reference=x&status=delivered&template_type=sms"
    assert listing(api, query).get_json()["links"]["current"] == f"{HOST}/v2/notifications{query}"


def test_next_replaces_older_than_in_place(api: Api, sms_template: uuid.UUID) -> None:
    oldest = send_sms(api, sms_template)
    api.world_clock.advance(1)
    middle = send_sms(api, sms_template)
    api.world_clock.advance(1)
    newest = send_sms(api, sms_template)
    body = listing(api, f"?older_than={newest}&template_type=sms").get_json()
    assert [n["id"] for n in body["notifications"]] == [middle, oldest]
    assert body["links"] == {
        "current": f"{HOST}/v2/notifications?older_than={newest}&template_type=sms",
        "next": f"{HOST}/v2/notifications?older_than={oldest}&template_type=sms",
    }


def test_next_appends_older_than_at_the_end(api: Api, sms_template: uuid.UUID) -> None:
    nid = send_sms(api, sms_template)
    body = listing(api, "?template_type=sms&status=delivered").get_json()
    assert body["links"] == {
        "current": f"{HOST}/v2/notifications?template_type=sms&status=delivered",
        "next": f"{HOST}/v2/notifications?template_type=sms&status=delivered&older_than={nid}",
    }


def test_following_next_visits_every_notification_once(api: Api, sms_template: uuid.UUID) -> None:
    sent = []
    for _ in range(3):
        sent.append(send_sms(api, sms_template, reference="walk"))
        api.world_clock.advance(1)
    seen: list[str] = []
    url = f"{HOST}/v2/notifications?reference=walk"
    while True:
        body = api.client.get(url, headers=api.auth(api.live_key)).get_json()
        seen.extend(n["id"] for n in body["notifications"])
        if "next" not in body["links"]:
            break
        assert body["links"]["next"].startswith(f"{HOST}/v2/notifications?reference=walk&older_than=")
        url = body["links"]["next"]
    assert seen == sent[::-1]


# -- GET /v2/notifications: query validation (§3.7, §3.13) -----------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?page=2", "Additional properties are not allowed (page was unexpected)"),
        ("?status=elephant", f"status elephant is not one of [{STATUS_ENUM}]"),
        ("?template_type=foo", "template_type foo is not one of [sms, email, letter]"),
        ("?older_than=xyz", "older_than is not a valid UUID"),
        ("?include_jobs=false", "include_jobs false is not one of [true, True]"),
    ],
)
def test_query_validation_messages(api: Api, query: str, message: str) -> None:
    response = listing(api, query)
    assert response.status_code == 400
    assert response.get_json() == {"errors": [{"error": "ValidationError", "message": message}], "status_code": 400}


def test_several_unknown_parameters(api: Api) -> None:
    # §3.13: sorted, plural "were".
    response = listing(api, "?foo=1&bar=2")
    assert response.status_code == 400
    assert errors_of(response) == ["Additional properties are not allowed (bar, foo were unexpected)"]


def test_a_bad_value_among_good_ones(api: Api) -> None:
    response = listing(api, "?status=delivered&status=elephant")
    assert response.status_code == 400
    assert errors_of(response) == [f"status elephant is not one of [{STATUS_ENUM}]"]


@pytest.mark.parametrize("value", ["true", "True"])
def test_include_jobs_true_is_accepted(api: Api, value: str) -> None:
    response = listing(api, f"?include_jobs={value}")
    assert response.status_code == 200
    assert response.get_json()["links"]["current"] == f"{HOST}/v2/notifications?include_jobs={value}"


@pytest.mark.parametrize(
    "status",
    [
        "cancelled",
        "created",
        "sending",
        "sent",
        "delivered",
        "pending",
        "failed",
        "technical-failure",
        "temporary-failure",
        "permanent-failure",
        "pending-virus-check",
        "validation-failed",
        "virus-scan-failed",
        "returned-letter",
        "accepted",
        "received",
    ],
)
def test_every_filter_status_is_accepted(api: Api, status: str) -> None:
    assert listing(api, f"?status={status}").status_code == 200
