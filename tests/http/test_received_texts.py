"""GET /v2/received-text-messages (reference §3.12)."""

from __future__ import annotations

import datetime as dt
import uuid

from tests.conftest import START, Api, errors_of


def test_empty(api: Api) -> None:
    response = api.get("/v2/received-text-messages")
    assert response.status_code == 200
    assert (
        response.data
        == b'{"links":{"current":"http://localhost/v2/received-text-messages"},"received_text_messages":[]}\n'
    )


def test_newest_first_with_every_key(api: Api) -> None:
    api.service.inbound_number = "07700900500"
    first = api.store.receive_sms(api.service.id, "first", "07700 900123")
    api.world_clock.advance(1)
    second = api.store.receive_sms(api.service.id, "second", "+44 7700 900456")
    body = api.get("/v2/received-text-messages", key=api.test_key).get_json()  # any key type sees them
    assert [m["id"] for m in body["received_text_messages"]] == [str(second.id), str(first.id)]
    assert body["received_text_messages"][1] == {
        "content": "first",
        "created_at": "2026-05-17T15:58:38.342838Z",
        "id": str(first.id),
        "notify_number": "07700900500",
        "service_id": str(api.service.id),
        "user_number": "447700900123",
    }
    assert body["links"] == {
        "current": "http://localhost/v2/received-text-messages",
        "next": f"http://localhost/v2/received-text-messages?older_than={first.id}",
    }


def test_paging_with_older_than(api: Api) -> None:
    ids = [api.store.receive_sms(api.service.id, f"m{i}").id for i in range(260)]
    page = api.get("/v2/received-text-messages").get_json()
    assert len(page["received_text_messages"]) == 250
    assert page["received_text_messages"][0]["id"] == str(ids[-1])
    last = page["received_text_messages"][-1]["id"]
    page2 = api.get(f"/v2/received-text-messages?older_than={last}").get_json()
    assert [m["id"] for m in page2["received_text_messages"]] == [str(i) for i in reversed(ids[:10])]
    # current never includes older_than (§3.12)
    assert page2["links"]["current"] == "http://localhost/v2/received-text-messages"
    page3 = api.get(f"/v2/received-text-messages?older_than={ids[0]}").get_json()
    assert page3 == {"links": {"current": "http://localhost/v2/received-text-messages"}, "received_text_messages": []}


def test_unknown_older_than_is_empty(api: Api) -> None:
    api.store.receive_sms(api.service.id, "hello")
    body = api.get(f"/v2/received-text-messages?older_than={uuid.uuid4()}").get_json()
    assert body["received_text_messages"] == []


def test_query_validation(api: Api) -> None:
    assert errors_of(api.get("/v2/received-text-messages?user_number=1")) == [
        "Additional properties are not allowed (user_number was unexpected)"
    ]
    assert errors_of(api.get("/v2/received-text-messages?older_than=nope")) == ["older_than is not a valid UUID"]


def test_other_services_texts_are_not_listed(api: Api) -> None:
    other = api.store.create_service("Other")
    api.store.receive_sms(other.id, "not yours")
    assert api.get("/v2/received-text-messages").get_json()["received_text_messages"] == []


def test_retention_is_seven_days(api: Api) -> None:
    api.store.receive_sms(api.service.id, "old", received_at=START - dt.timedelta(days=7, seconds=1))
    api.store.receive_sms(api.service.id, "recent", received_at=START - dt.timedelta(days=6))
    body = api.get("/v2/received-text-messages").get_json()
    assert [m["content"] for m in body["received_text_messages"]] == ["recent"]
