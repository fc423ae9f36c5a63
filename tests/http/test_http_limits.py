"""429s over HTTP: exact bodies, where the checks sit in the order of §3.5, and which endpoints are limited.

Reference §0 ("Rate limiting applies to POST only"), §3.5 step 2 (before the body is parsed; two tokens
for a templated letter), §7.1 and §7.2 (messages and bodies).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from werkzeug.test import TestResponse

from pytest_notify.domain.keys import ApiKey
from pytest_notify.domain.service import TeamMember
from tests.conftest import Api, errors_of, make_token

ADDRESS = {"address_line_1": "A. Person", "address_line_2": "1 Example Street", "postcode": "sw1a1aa"}
# Any bytes will do: the precompiled path stores first and fails validation later (§3.4).
PDF = base64.b64encode(b"%PDF-1.4 not much of a pdf").decode()

# reference §7.1, byte for byte (§0: sorted keys, compact, trailing newline)
DEFAULT_RATE_LIMIT_BODY = (
    b'{"errors":[{"error":"RateLimitError","message":"Exceeded rate limit for key type LIVE of 3000 requests '
    b'per 60 seconds"}],"status_code":429}\n'
)
# reference §7.2, byte for byte
TRIAL_SMS_LIMIT_BODY = (
    b'{"errors":[{"error":"TooManyRequestsError","message":"Exceeded send limits (sms: 50) for today"}],'
    b'"status_code":429}\n'
)


def rate_limited(label: str, rate_limit: int) -> dict[str, Any]:
    message = f"Exceeded rate limit for key type {label} of {rate_limit} requests per 60 seconds"
    return {"errors": [{"error": "RateLimitError", "message": message}], "status_code": 429}


def over_daily_limit(channel: str, limit: int) -> dict[str, Any]:
    message = f"Exceeded send limits ({channel}: {limit}) for today"
    return {"errors": [{"error": "TooManyRequestsError", "message": message}], "status_code": 429}


@pytest.fixture
def templates(api: Api) -> dict[str, str]:
    store, sid = api.store, api.service.id
    return {
        "sms": str(store.add_template(sid, "sms", "Hello").id),
        "email": str(store.add_template(sid, "email", "Hello", "Hi").id),
        "letter": str(store.add_template(sid, "letter", "Hello", "Hi").id),
    }


def sms(api: Api, templates: dict[str, str], to: str = "07700900123", key: ApiKey | None = None) -> TestResponse:
    return api.post("/v2/notifications/sms", {"phone_number": to, "template_id": templates["sms"]}, key)


def email(api: Api, templates: dict[str, str], key: ApiKey | None = None) -> TestResponse:
    return api.post(
        "/v2/notifications/email", {"email_address": "jo@example.com", "template_id": templates["email"]}, key
    )


def letter(api: Api, templates: dict[str, str], key: ApiKey | None = None) -> TestResponse:
    return api.post("/v2/notifications/letter", {"template_id": templates["letter"], "personalisation": ADDRESS}, key)


def precompiled(api: Api, key: ApiKey | None = None) -> TestResponse:
    return api.post("/v2/notifications/letter", {"reference": "ref", "content": PDF}, key)


def set_rate_limit(api: Api, rate_limit: int) -> None:
    api.store.set_limits(api.service.id, rate_limit=rate_limit)


def test_default_rate_limit_body_byte_for_byte(api: Api) -> None:
    # A burst of 999 (§7.1). Invalid JSON keeps each request cheap: the bucket is checked first anyway.
    statuses = [api.post("/v2/notifications/sms", "not json").status_code for _ in range(999)]
    assert set(statuses) == {400}
    response = api.post("/v2/notifications/sms", "not json")
    assert response.status_code == 429
    assert response.content_type == "application/json"
    assert response.get_data() == DEFAULT_RATE_LIMIT_BODY


@pytest.mark.parametrize(("key_name", "label"), [("live_key", "LIVE"), ("team_key", "TEAM"), ("test_key", "TEST")])
def test_each_key_type_has_its_own_bucket(api: Api, templates: dict[str, str], key_name: str, label: str) -> None:
    set_rate_limit(api, 30)  # 11 tokens: a burst of 10
    api.service.team_members.append(TeamMember(mobile_number="07700900123"))
    key: ApiKey = getattr(api, key_name)
    for _ in range(10):
        assert sms(api, templates, key=key).status_code == 201
    response = sms(api, templates, key=key)
    assert (response.status_code, response.get_json()) == (429, rate_limited(label, 30))
    others = [k for k in (api.live_key, api.team_key, api.test_key) if k is not key]
    assert [sms(api, templates, key=k).status_code for k in others] == [201, 201]


def test_the_bucket_is_shared_by_every_channel_of_a_key_type(api: Api, templates: dict[str, str]) -> None:
    set_rate_limit(api, 30)
    for send in (sms, email) * 5:
        assert send(api, templates).status_code == 201
    assert precompiled(api).status_code == 429


def test_429_even_for_an_invalid_body(api: Api) -> None:
    set_rate_limit(api, 30)
    for _ in range(10):
        assert api.post("/v2/notifications/email", {}).status_code == 400
    for body in ("not json", "", {}, {"email_address": "nope"}):
        response = api.post("/v2/notifications/email", body)
        assert (response.status_code, response.get_json()) == (429, rate_limited("LIVE", 30))


def test_the_bucket_refills_on_the_service_clock(api: Api, templates: dict[str, str]) -> None:
    set_rate_limit(api, 30)
    for _ in range(11):
        sms(api, templates)
    assert sms(api, templates).status_code == 429
    api.world_clock.advance(4)  # two tokens at 0.5 a second: one request (derived, §7.1)
    assert sms(api, templates).status_code == 201
    assert sms(api, templates).status_code == 429


def test_authentication_comes_first(api: Api) -> None:
    set_rate_limit(api, 0)
    response = api.client.post("/v2/notifications/sms", data="{}")
    assert response.status_code == 401


def test_a_templated_letter_takes_two_tokens(api: Api, templates: dict[str, str]) -> None:
    set_rate_limit(api, 30)
    # 11 tokens: five letters take 10 and leave 1; the sixth is refused at its first check.
    assert [letter(api, templates).status_code for _ in range(6)] == [201] * 5 + [429]


def test_a_precompiled_letter_takes_one(api: Api) -> None:
    set_rate_limit(api, 30)
    assert [precompiled(api).status_code for _ in range(11)] == [201] * 10 + [429]


def test_the_second_letter_check_comes_before_the_schema(api: Api, templates: dict[str, str]) -> None:
    set_rate_limit(api, 30)
    for _ in range(9):
        sms(api, templates)  # 2 tokens left
    # No "content": the templated path, whose second check finds the bucket empty.
    response = api.post("/v2/notifications/letter", {})
    assert (response.status_code, response.get_json()) == (429, rate_limited("LIVE", 30))


def test_unparseable_letter_bodies_take_one_token(api: Api, templates: dict[str, str]) -> None:
    set_rate_limit(api, 30)
    # The JSON is read between the two checks, so a body that cannot be parsed stops after the first.
    assert [api.post("/v2/notifications/letter", "not json").status_code for _ in range(10)] == [400] * 10
    assert letter(api, templates).status_code == 429


def test_get_endpoints_and_preview_are_never_limited(api: Api, templates: dict[str, str]) -> None:
    set_rate_limit(api, 0)
    api.store.set_limits(api.service.id, sms_limit=0, email_limit=0, letter_limit=0)
    assert sms(api, templates).status_code == 429
    for path in (
        "/v2/notifications",
        "/v2/templates",
        f"/v2/template/{templates['sms']}",
        "/v2/received-text-messages",
    ):
        assert api.get(path).status_code == 200, path
    preview = api.post(f"/v2/template/{templates['sms']}/preview", {})
    assert preview.status_code == 200


def test_an_unknown_notification_type_is_still_the_routing_404(api: Api) -> None:
    set_rate_limit(api, 0)
    response = api.post("/v2/notifications/pigeon", {})
    assert response.status_code == 404
    # reference §2.3 (the fake keeps the 404 that Notify gives with Redis off; see the reference's note)
    assert response.get_json() == {
        "message": "The requested URL was not found on the server. If you entered the URL manually please check "
        "your spelling and try again.",
        "result": "error",
    }


# -- daily limits -------------------------------------------------------------------------------


def test_trial_sms_limit_body_byte_for_byte(api: Api) -> None:
    service = api.store.create_service("Trial", trial_mode=True, team_members=[TeamMember(mobile_number="07700900123")])
    key = api.store.create_api_key(service.id, "team")
    template = str(api.store.add_template(service.id, "sms", "Hello").id)
    body = {"phone_number": "07700900123", "template_id": template}
    statuses = [api.post("/v2/notifications/sms", body, key).status_code for _ in range(50)]
    assert set(statuses) == {201}
    response = api.post("/v2/notifications/sms", body, key)
    assert response.status_code == 429
    assert response.get_data() == TRIAL_SMS_LIMIT_BODY
    # The same 429 before the body is even read.
    assert api.post("/v2/notifications/sms", "not json", key).get_data() == TRIAL_SMS_LIMIT_BODY


@pytest.mark.parametrize("channel", ["sms", "email", "letter"])
def test_each_channel_has_its_limit(api: Api, templates: dict[str, str], channel: str) -> None:
    api.store.set_limits(api.service.id, **{f"{channel}_limit": 2})
    send = {"sms": sms, "email": email, "letter": letter}[channel]
    assert [send(api, templates).status_code for _ in range(2)] == [201, 201]
    response = send(api, templates)
    assert (response.status_code, response.get_json()) == (429, over_daily_limit(channel, 2))
    others = {"sms": sms, "email": email, "letter": letter}
    assert [other(api, templates).status_code for name, other in others.items() if name != channel] == [201, 201]


def test_precompiled_letters_count_as_letters(api: Api, templates: dict[str, str]) -> None:
    api.store.set_limits(api.service.id, letter_limit=2)
    assert precompiled(api).status_code == 201
    assert letter(api, templates).status_code == 201
    assert precompiled(api).get_json() == over_daily_limit("letter", 2)


def test_the_rate_limit_is_checked_before_the_daily_limit(api: Api, templates: dict[str, str]) -> None:
    api.store.set_limits(api.service.id, rate_limit=0, sms_limit=0)
    assert sms(api, templates).get_json() == rate_limited("LIVE", 0)


def test_international_limit(api: Api, templates: dict[str, str]) -> None:
    api.store.set_limits(api.service.id, international_sms_limit=1)
    assert sms(api, templates, "+33 6 12 34 56 78").status_code == 201
    response = sms(api, templates, "+1 202 555 0123")
    assert (response.status_code, response.get_json()) == (429, over_daily_limit("international_sms", 1))
    assert sms(api, templates, "07700900123").status_code == 201
    assert sms(api, templates, "+44 7624 123456").status_code == 201  # Isle of Man: +44
    # After the schema and the template checks (steps 4 and 7), not before.
    bad = api.post("/v2/notifications/sms", {"phone_number": "+33 6 12 34 56 78", "template_id": "nope"})
    assert errors_of(bad) == ["template_id is not a valid UUID"]


def test_test_keys_are_not_counted(api: Api, templates: dict[str, str]) -> None:
    api.store.set_limits(api.service.id, sms_limit=1)
    for _ in range(3):
        assert sms(api, templates, key=api.test_key).status_code == 201
    assert sms(api, templates).status_code == 201
    assert sms(api, templates).get_json() == over_daily_limit("sms", 1)
    assert sms(api, templates, key=api.test_key).status_code == 201


def test_smoke_test_recipients_are_checked_but_not_counted(api: Api, templates: dict[str, str]) -> None:
    api.store.set_limits(api.service.id, sms_limit=1)
    for _ in range(3):
        assert sms(api, templates, "07700900000").status_code == 201
    assert sms(api, templates).status_code == 201
    assert sms(api, templates, "07700900000").get_json() == over_daily_limit("sms", 1)


def test_the_daily_limit_lifts_at_midnight_utc(api: Api, templates: dict[str, str]) -> None:
    api.world_clock.set(dt.datetime(2026, 5, 17, 23, 59, tzinfo=dt.timezone.utc))
    api.store.set_limits(api.service.id, sms_limit=1)
    assert sms(api, templates).status_code == 201
    assert sms(api, templates).status_code == 429
    api.world_clock.advance(60)
    assert sms(api, templates).status_code == 201


def test_the_bucket_counts_requests_not_tokens(api: Api) -> None:
    # One JWT used twice: the bucket is per service and key type, whatever the token.
    set_rate_limit(api, 3)  # a burst of 1
    token = make_token(api.live_key.secret, str(api.service.id))
    headers = {"Authorization": f"Bearer {token}"}
    first = api.client.post("/v2/notifications/sms", data=json.dumps({}), headers=headers)
    second = api.client.post("/v2/notifications/sms", data=json.dumps({}), headers=headers)
    assert (first.status_code, second.status_code) == (400, 429)
