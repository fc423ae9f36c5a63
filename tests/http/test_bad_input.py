"""Bad input of any shape gets Notify's own error, never a traceback or a bare 500."""

from __future__ import annotations

import json
import random
import sys
import uuid
from typing import Any

import pytest

from tests.conftest import Api, errors_of


@pytest.fixture
def template(api: Api) -> str:
    return str(api.store.add_template(api.service.id, "sms", "Hello ((name))").id)


def assert_notify_error(response: Any, status: int = 400) -> None:
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"errors", "status_code"}
    assert body["status_code"] == status
    assert body["errors"] and all(set(e) == {"error", "message"} for e in body["errors"])


@pytest.mark.parametrize(
    "body",
    [
        {"phone_number": ["07700900123"], "template_id": {"a": 1}},
        {"phone_number": 7700900123, "template_id": 5, "personalisation": "x", "reference": 5},
        {"phone_number": "0" * 5_000_000, "template_id": "x"},
        {"phone_number": "07700900123", "template_id": "x" * 3_000_000},
        {"phone_number": "07700900123", "template_id": str(uuid.uuid4()), "reference": "r" * 1001},
        {"phone_number": "07700900123", "foo": 1, "bar": [], "template_id": None},
        {"phone_number": "\x00\ud800", "template_id": "\u2028"},
        [1, 2, 3],
        "a string",
        12,
        True,
    ],
    ids=[
        "wrong-types",
        "more-types",
        "huge-number",
        "huge-template-id",
        "long-ref",
        "unknown",
        "odd-chars",
        "list",
        "string",
        "int",
        "true",
    ],
)
def test_schema_errors_for_any_shape(api: Api, body: Any) -> None:
    assert_notify_error(api.post("/v2/notifications/sms", json.dumps(body)))


def test_unknown_fields_are_named(api: Api, template: str) -> None:
    body = {"phone_number": "07700900123", "template_id": template, "bar": 1, "foo": 2}
    assert errors_of(api.post("/v2/notifications/sms", body)) == [
        "Additional properties are not allowed (bar, foo were unexpected)"
    ]


@pytest.mark.parametrize(
    "raw",
    [b"\xff\xfe\xfd", b"{" * 100_000, b"{'single': 'quotes'}", b"\x00", b'{"a": NaNx}'],
    ids=["invalid-utf8", "unclosed", "single-quotes", "nul", "bad-literal"],
)
def test_unparseable_bodies(api: Api, raw: bytes) -> None:
    response = api.post("/v2/notifications/sms", raw)
    assert_notify_error(response)
    assert response.get_json()["errors"] == [
        {"error": "BadRequestError", "message": "Invalid JSON supplied in POST data"}
    ]


def test_deeply_nested_body(api: Api) -> None:
    # Python's json module (as Notify's Flask uses it) refuses this depth before 3.13 and parses it
    # from 3.13 on; either way Notify answers 400 in its envelope: the JSON error, or the schema's.
    response = api.post("/v2/notifications/sms", b"[" * 5000 + b"]" * 5000)
    assert_notify_error(response)
    error = response.get_json()["errors"][0]
    if sys.version_info < (3, 13):
        assert error == {"error": "BadRequestError", "message": "Invalid JSON supplied in POST data"}
    else:
        assert error["error"] == "ValidationError"
        assert error["message"].endswith("is not of type object")


def test_deeply_nested_personalisation(api: Api, template: str) -> None:
    nested: Any = "x"
    for _ in range(200):
        nested = {"a": nested}
    body = {"phone_number": "07700900123", "template_id": template, "personalisation": {"name": nested}}
    response = api.post("/v2/notifications/sms", body)
    assert response.status_code in (201, 400)


@pytest.mark.parametrize(
    "path",
    [
        "/v2/notifications?older_than=" + "x" * 100_000,
        "/v2/notifications?status=%ff%fe",
        "/v2/notifications?template_type=",
        "/v2/notifications?%00=1",
    ],
)
def test_odd_query_strings(api: Api, path: str) -> None:
    assert_notify_error(api.get(path))


@pytest.mark.parametrize(
    "path", ["/", "/v2", "/v2/", "/v2/notifications/", "/v3/notifications", "/v2/notifications/x/y/z"]
)
def test_unknown_routes(api: Api, path: str) -> None:
    response = api.client.post(path)
    assert response.status_code in (404, 405)
    assert json.loads(response.data)["result"] == "error"


def test_random_json_never_breaks_the_server(api: Api, template: str) -> None:
    # A bounded, seeded fuzz: random JSON values in every field of a send.
    rng = random.Random(20261126)

    def value(depth: int = 0) -> Any:
        kinds = ["str", "int", "float", "bool", "none", "list", "dict"] if depth < 3 else ["str", "int", "none"]
        kind = rng.choice(kinds)
        if kind == "str":
            return "".join(
                chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0x2FFF)]))
                for _ in range(rng.randrange(0, 30))
            )
        if kind == "int":
            return rng.randrange(-(10**20), 10**20)
        if kind == "float":
            return rng.random() * 10 ** rng.randrange(-5, 300)
        if kind == "bool":
            return rng.random() < 0.5
        if kind == "none":
            return None
        if kind == "list":
            return [value(depth + 1) for _ in range(rng.randrange(0, 4))]
        return {str(value(depth + 1)): value(depth + 1) for _ in range(rng.randrange(0, 4))}

    fields = [
        "phone_number",
        "email_address",
        "template_id",
        "personalisation",
        "reference",
        "sms_sender_id",
        "email_reply_to_id",
        "scheduled_for",
        "one_click_unsubscribe_url",
        "sanitise_content_for",
    ]
    for _ in range(300):
        kind = rng.choice(["sms", "email"])
        body = {f: value() for f in fields if rng.random() < 0.5}
        if rng.random() < 0.5:
            body["template_id"] = template
        response = api.post(f"/v2/notifications/{kind}", body)
        assert response.status_code in (201, 400), (body, response.data)
        assert response.get_json() is not None
    assert api.app.take_errors() == []
