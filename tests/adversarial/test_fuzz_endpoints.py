"""Property-based fuzzing of every endpoint's body, path, query string and headers (no socket).

Whatever comes in, the fake answers as Notify could: never a 5xx, every error in Notify's v2 envelope
or one of the routing shapes (reference §2), Notify's JSON encoding (§0), nothing recorded as a bug
of the fake, and it still sends afterwards. Routes are read from the route table, so an endpoint
added later is fuzzed too.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.test import Client, TestResponse

from pytest_notify.http.routes import URL_MAP
from tests.adversarial.support import FUZZ, World, bearer, check_notify_answer, make_world, random_uuid


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    world = make_world()
    yield world
    # Still answering normally after everything the module threw at it.
    client = Client(world.app)
    response = client.post(
        "/v2/notifications/sms",
        data=json.dumps(
            {
                "phone_number": "07700900123",
                "template_id": world.sms_template,
                "personalisation": {"name": "x", "code": "yes"},
            }
        ),
        headers=bearer(world.live),
    )
    assert response.status_code == 201, response.get_data()
    assert world.app.take_errors() == []


def check(world: World, response: TestResponse) -> Any:
    errors = world.app.take_errors()
    assert errors == [], errors  # an unexpected exception is a 500 and a bug of the fake
    request = response.request
    return check_notify_answer(
        response.status_code, response.headers, response.get_data(), request.method, request.path
    )


# -- strategies -----------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=10), children, max_size=4),
    ),
    max_leaves=12,
)
any_text = st.text(max_size=40)
kinds = st.sampled_from(["sms", "email", "letter"])
phones = st.one_of(
    st.sampled_from(
        [
            "07700900123",
            "07700 900 123",
            "+447700900123",
            "+33 6 12 34 56 78",
            "+1 202 555 0143",
            "01632 960 001",
            "07700900000",
            "447700900111",
            "0+447700900100",
            "+07700900100",
            "020 7946 0000",
            "(+44) 7700-900-123",
        ]
    ),
    st.text(alphabet="0123456789+ ()-.", max_size=20),
    any_text,
)
emails = st.one_of(
    st.sampled_from(
        ["someone@example.com", "SomeOne@Example.COM", "simulate-delivered@notifications.service.gov.uk", "a@b", "@"]
    ),
    st.emails(),
    any_text,
)
file_uploads = st.fixed_dictionaries(
    {"file": st.one_of(st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode()), any_text)},
    optional={
        "filename": st.one_of(st.none(), any_text),
        "confirm_email_before_download": st.one_of(st.none(), st.booleans(), any_text),
        "retention_period": st.one_of(st.none(), any_text, st.integers()),
    },
)
personalisations = st.one_of(
    st.dictionaries(
        st.one_of(st.sampled_from(["name", "code", "body", "thing", "address_line_1", "postcode"]), any_text),
        st.one_of(json_values, file_uploads),
        max_size=6,
    ),
    json_values,
)


def template_ids(world: World) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from([world.sms_template, world.email_template, world.letter_template]),
        st.uuids().map(str),
        any_text,
        json_values,
    )


def shaped_send(world: World, kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """Bodies shaped like a real send, with every field fuzzed."""
    common = {
        "personalisation": personalisations,
        "reference": st.one_of(st.none(), any_text, json_values),
    }
    if kind == "sms":
        required = {"phone_number": phones, "template_id": template_ids(world)}
        optional = {**common, "sms_sender_id": st.one_of(st.uuids().map(str), any_text)}
    elif kind == "email":
        required = {"email_address": emails, "template_id": template_ids(world)}
        optional = {
            **common,
            "email_reply_to_id": st.one_of(st.uuids().map(str), any_text),
            "one_click_unsubscribe_url": st.one_of(any_text, st.just("https://example.com/unsubscribe")),
            "sanitise_content_for": st.one_of(st.lists(any_text, max_size=3), json_values),
        }
    else:
        letter_personalisation = st.dictionaries(
            st.sampled_from(
                ["address_line_1", "address_line_2", "address_line_3", "address_line_7", "postcode", "name"]
            ),
            st.one_of(any_text, st.sampled_from(["SW1A 1AA", "France", "A Person", "1 Street"])),
            max_size=6,
        )
        required = {
            "template_id": template_ids(world),
            "personalisation": st.one_of(letter_personalisation, json_values),
        }
        optional = {
            "reference": common["reference"],
            "postage": st.one_of(any_text, st.sampled_from(["first", "second", "economy", "europe", "rest-of-world"])),
        }
        precompiled = st.fixed_dictionaries(
            {
                "reference": st.one_of(any_text, json_values),
                "content": st.one_of(
                    st.binary(max_size=300).map(lambda b: base64.b64encode(b).decode()),
                    st.just(base64.b64encode(b"%PDF-1.4\n%%EOF").decode()),
                    any_text,
                ),
            },
            optional={"postage": st.one_of(any_text, st.sampled_from(["first", "second", "economy"]))},
        )
        return st.one_of(st.fixed_dictionaries(required, optional=optional), precompiled)
    return st.fixed_dictionaries(required, optional=optional)


header_text = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=60
)
header_names = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", min_size=1, max_size=20
)


# -- bodies ---------------------------------------------------------------------------------------


@FUZZ
@given(data=st.data(), kind=kinds, body=json_values)
def test_send_any_json_body(world: World, data: st.DataObject, kind: str, body: Any) -> None:
    key = data.draw(st.sampled_from(world.api_keys()))
    response = Client(world.app).post(f"/v2/notifications/{kind}", data=json.dumps(body), headers=bearer(key))
    answer = check(world, response)
    assert response.status_code in (400, 403, 429), answer  # no JSON value on its own is a valid send


@FUZZ
@given(data=st.data(), kind=kinds)
def test_send_bodies_shaped_like_sends(world: World, data: st.DataObject, kind: str) -> None:
    body = data.draw(shaped_send(world, kind))
    key = data.draw(st.sampled_from(world.api_keys()))
    response = Client(world.app).post(f"/v2/notifications/{kind}", data=json.dumps(body), headers=bearer(key))
    answer = check(world, response)
    if response.status_code == 201:
        assert answer["id"] and (answer.get("uri") or kind == "letter"), answer


@FUZZ
@given(data=st.data(), kind=kinds, raw=st.binary(max_size=400), content_type=st.one_of(st.none(), header_text))
def test_send_raw_bytes(world: World, data: st.DataObject, kind: str, raw: bytes, content_type: str | None) -> None:
    headers = bearer(data.draw(st.sampled_from(world.api_keys())))
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = Client(world.app).post(f"/v2/notifications/{kind}", data=raw, headers=headers)
    check(world, response)


@FUZZ
@given(data=st.data(), body=st.one_of(json_values, st.fixed_dictionaries({"personalisation": personalisations})))
def test_template_preview_bodies(world: World, data: st.DataObject, body: Any) -> None:
    template = data.draw(
        st.one_of(
            st.sampled_from([world.sms_template, world.email_template, world.letter_template]), st.uuids().map(str)
        )
    )
    key = data.draw(st.sampled_from(world.api_keys()))
    response = Client(world.app).post(f"/v2/template/{template}/preview", data=json.dumps(body), headers=bearer(key))
    check(world, response)


# -- paths, query strings, methods ------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
RULES = sorted({(rule.rule, tuple(sorted(rule.methods or ()))) for rule in URL_MAP.iter_rules()})


def segments(world: World) -> st.SearchStrategy[str]:
    ids = [world.notification_id, world.letter_id, world.received_id, world.sms_template, str(world.service.id)]
    return st.one_of(
        st.sampled_from(ids),
        st.uuids().map(str),
        st.integers(min_value=-3, max_value=10**12).map(str),
        st.text(max_size=30).map(lambda t: quote(t, safe="")),
        st.binary(max_size=20).map(lambda b: quote(b, safe="")),  # invalid UTF-8 too
        st.sampled_from(["", "..", "%2e%2e", "%00", "sms", "email", " ", "%20" + random_uuid()]),
    )


@FUZZ
@given(data=st.data(), rule=st.sampled_from(RULES))
def test_every_route_with_fuzzed_path_segments(
    world: World, data: st.DataObject, rule: tuple[str, tuple[str, ...]]
) -> None:
    template, methods = rule
    path = _PLACEHOLDER.sub(lambda _: data.draw(segments(world)), template)
    method = data.draw(st.sampled_from(sorted({*methods, "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})))
    key = data.draw(st.sampled_from(world.api_keys()))
    body = json.dumps(data.draw(json_values)) if method in ("POST", "PUT", "PATCH") else None
    response = Client(world.app).open(path, method=method, headers=bearer(key), data=body)
    check(world, response)


QUERY_NAMES = ["status", "template_type", "reference", "older_than", "include_jobs", "type", "key", "page"]
QUERY_VALUES = [
    "sms",
    "email",
    "letter",
    "delivered",
    "failed",
    "sending",
    "created",
    "pending",
    "temporary-failure",
    "true",
    "True",
    "false",
    "",
]


@FUZZ
@given(
    data=st.data(),
    path=st.sampled_from(["/v2/notifications", "/v2/templates", "/v2/received-text-messages"]),
    pairs=st.lists(
        st.tuples(
            st.one_of(st.sampled_from(QUERY_NAMES), st.text(max_size=10)),
            st.one_of(st.sampled_from(QUERY_VALUES), st.uuids().map(str), st.text(max_size=40)),
        ),
        max_size=6,
    ),
    raw=st.one_of(st.none(), st.binary(max_size=60).map(lambda b: quote(b, safe="=&%+;"))),
)
def test_list_endpoints_with_fuzzed_query_strings(
    world: World, data: st.DataObject, path: str, pairs: list[tuple[str, str]], raw: str | None
) -> None:
    key = data.draw(st.sampled_from(world.api_keys()))
    query = raw if raw is not None else urlencode(pairs)
    response = Client(world.app).get(path, query_string=query, headers=bearer(key))
    body = check(world, response)
    if response.status_code == 200 and path == "/v2/notifications":
        assert set(body) == {"links", "notifications"}


@FUZZ
@given(
    data=st.data(),
    authorization=st.one_of(
        st.none(),
        header_text,
        header_text.map(lambda t: "Bearer " + t),
        st.sampled_from(["Bearer", "Bearer ", "bearer x", "Basic dXNlcjpwYXNz", "Bearer a.b.c", "Bearer ..."]),
    ),
    extra=st.dictionaries(header_names, header_text, max_size=5),
)
def test_fuzzed_headers(world: World, data: st.DataObject, authorization: str | None, extra: dict[str, str]) -> None:
    headers = dict(extra)
    headers.pop("Authorization", None)
    headers.pop("authorization", None)
    # A genuine token now and then, so the headers around it are fuzzed on requests that get past auth.
    if data.draw(st.booleans()):
        headers.update(bearer(data.draw(st.sampled_from(world.api_keys()))))
    elif authorization is not None:
        headers["Authorization"] = authorization
    for name in list(headers):
        if name.lower() in ("content-length", "transfer-encoding", "host"):
            del headers[name]
    method, path, body = data.draw(
        st.sampled_from(
            [
                (
                    "POST",
                    "/v2/notifications/sms",
                    {
                        "phone_number": "07700900123",
                        "template_id": world.sms_template,
                        "personalisation": {"name": "x", "code": "yes"},
                    },
                ),
                ("GET", "/v2/notifications", None),
                ("GET", f"/v2/notifications/{world.notification_id}", None),
                ("GET", "/v2/templates", None),
                ("GET", "/v2/received-text-messages", None),
            ]
        )
    )
    response = Client(world.app).open(path, method=method, headers=headers, data=json.dumps(body) if body else None)
    answer = check(world, response)
    if response.status_code in (401, 403):
        assert answer["errors"][0]["error"] == "AuthError"


def _path(parts: list[str]) -> str:
    # A leading "//" would be read as a host by the test client itself, not sent as a path.
    return "/" + "/".join(parts).lstrip("/")


PATH_WORDS = [
    "v2",
    "notifications",
    "template",
    "templates",
    "sms",
    "version",
    "1",
    "pdf",
    "preview",
    "_notify",
    "d",
    "service",
    "..",
    "",
]


@FUZZ
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND"]),
    path=st.one_of(
        st.lists(st.text(max_size=12).map(lambda t: quote(t, safe="")), max_size=5).map(_path),
        st.lists(st.sampled_from(PATH_WORDS), max_size=6).map(_path),
    ),
)
def test_any_method_on_any_path(world: World, method: str, path: str) -> None:
    response = Client(world.app).open(path, method=method, headers=bearer(world.live))
    check(world, response)


# -- the fake's own control API ---------------------------------------------------------------------

try:
    from pytest_notify.http.routes import CONTROL_MAP
except ImportError:  # a version without the control API
    CONTROL_MAP = None

CONTROL_RULES = (
    sorted({(rule.rule, tuple(sorted(rule.methods or ()))) for rule in CONTROL_MAP.iter_rules()}) if CONTROL_MAP else []
)
CONTROL_FIELDS = [
    "name",
    "trial_mode",
    "type",
    "body",
    "subject",
    "content",
    "key_type",
    "seconds",
    "minutes",
    "days",
    "status",
    "outcome",
    "to",
    "from_number",
    "url",
    "bearer_token",
    "kind",
    "reseed",
    "timings",
    "sms",
    "email",
    "letter",
    "endpoint",
    "times",
    "probability",
    "seed",
    "scenarios",
    "service_id",
    "permissions",
    "guest_list",
    "rate_limit",
]


@pytest.fixture(scope="module")
def control_world() -> Iterator[World]:
    try:
        from pytest_notify.control_backend import FakeControlBackend
    except ImportError:
        pytest.skip("this version has no control API")
    world = make_world(control=FakeControlBackend())
    yield world


def control_segments(world: World) -> st.SearchStrategy[str]:
    words = ["advance", "freeze", "unfreeze", "set", "delivery_status", "inbound_sms", "live", "test", "team"]
    key_names = [key.name for key in world.api_keys()]
    return st.one_of(segments(world), st.sampled_from(words + key_names))


control_bodies = st.one_of(
    st.dictionaries(st.one_of(st.sampled_from(CONTROL_FIELDS), st.text(max_size=10)), json_values, max_size=5),
    json_values,
)


@FUZZ
@given(data=st.data(), rule=st.sampled_from(CONTROL_RULES or [("/_notify/", ("GET",))]))
def test_control_api_routes_with_fuzzed_segments_and_bodies(
    control_world: World, data: st.DataObject, rule: tuple[str, tuple[str, ...]]
) -> None:
    """Every route of the control API (docs/control-api.md), with fuzzed path segments, methods, JSON
    bodies and content types: never a 5xx, every error in the control API's own shape. It may remove
    or reset this module's second world: that is fine, the answers are checked all the same."""
    template, methods = rule
    path = _PLACEHOLDER.sub(lambda _: data.draw(control_segments(control_world)), template)
    method = data.draw(st.sampled_from(sorted({*methods, "GET", "POST", "PUT", "DELETE", "PATCH"})))
    headers = {}
    body = None
    if method in ("POST", "PUT", "PATCH"):
        body = data.draw(st.one_of(control_bodies.map(json.dumps), st.binary(max_size=100)))
        headers["Content-Type"] = data.draw(st.sampled_from(["application/json", "application/json", "text/plain"]))
    response = Client(control_world.app).open(path, method=method, headers=headers, data=body)
    check(control_world, response)


# -- what the fuzzing found, pinned -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "notify_answers"),
    [([None], 201), (["name", None], 201), ([5], "201 or its own 500"), ([{"name": 1}], "201 or its own 500")],
    ids=["null", "name-and-null", "int", "object"],
)
def test_sanitise_content_for_with_items_that_are_not_strings(
    world: World, keys: list[Any], notify_answers: int | str
) -> None:
    """``sanitise_content_for`` is ``array or null`` with no item type (reference §3.2), so these pass the
    schema. Notify turns the items into an ``InsensitiveSet``, whose ``make_key`` maps ``None`` to
    ``None`` (it matches nothing) and fails on anything else that is not a string (a 500).

    Found by the fuzzing above: the fake raises ``AttributeError`` in ``rendering.placeholder_key``
    for every one of these, answers a 500 and records it as a bug of the fake, so the test that sent
    it fails at teardown, blamed on pytest-govuk-notify."""
    body = {
        "email_address": "someone@example.com",
        "template_id": world.email_template,
        "personalisation": {"name": "Jo", "body": "b", "thing": "t"},
        "sanitise_content_for": keys,
    }
    response = Client(world.app).post("/v2/notifications/email", data=json.dumps(body), headers=bearer(world.live))
    check(world, response)  # nothing recorded as a bug of the fake; Notify's shapes
    if notify_answers == 201:
        assert response.status_code == 201, response.get_data()
    else:
        assert response.status_code in (201, 500), response.get_data()
