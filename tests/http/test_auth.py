"""Every authentication rule and message of reference §1.4 and §1.5, in Notify's order."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
import uuid

import jwt
import pytest

from pytest_notify.domain.clock import FrozenClock
from pytest_notify.http.app import create_app
from tests.conftest import Api, make_token

GENERIC = (
    "Invalid token: make sure your API token matches the example at "
    "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header"
)
CLOCK = "Error: Your system clock must be accurate to within 30 seconds"


def auth_error(api: Api, header: str | None, path: str = "/v2/notifications") -> tuple[int, dict[str, object]]:
    headers = {} if header is None else {"Authorization": header}
    response = api.client.get(path, headers=headers)
    return response.status_code, response.get_json()


def expect(api: Api, header: str | None, status: int, message: str) -> None:
    code, body = auth_error(api, header)
    assert code == status
    assert body == {"errors": [{"error": "AuthError", "message": message}], "status_code": status}


def test_missing_header(api: Api) -> None:
    expect(api, None, 401, "Unauthorized: authentication token must be provided")


def test_empty_header(api: Api) -> None:
    expect(api, "", 401, "Unauthorized: authentication token must be provided")


@pytest.mark.parametrize("header", ["Basic abc", "Token xyz", "Bearer", "Bearerx token", "Bearer\ttoken"])
def test_scheme_must_be_bearer(api: Api, header: str) -> None:
    expect(api, header, 401, "Unauthorized: authentication bearer scheme must be used")


@pytest.mark.parametrize("scheme", ["bearer ", "BEARER ", "bEaReR "])
def test_scheme_is_case_insensitive(api: Api, scheme: str) -> None:
    token = make_token(api.live_key.secret, str(api.service.id))
    assert api.client.get("/v2/notifications", headers={"Authorization": scheme + token}).status_code == 200


@pytest.mark.parametrize("token", ["garbage", "", "a.b.c", "Bearer x", " " + "x" * 10])
def test_undecodable_token(api: Api, token: str) -> None:
    expect(api, "Bearer " + token, 403, GENERIC)


def test_two_spaces_after_bearer_is_a_bad_token(api: Api) -> None:
    token = make_token(api.live_key.secret, str(api.service.id))
    expect(api, "Bearer  " + token, 403, GENERIC)


def test_no_iss(api: Api) -> None:
    token = jwt.encode({"iat": int(time.time())}, api.live_key.secret, algorithm="HS256")
    expect(api, "Bearer " + token, 403, "Invalid token: iss field not provided")


@pytest.mark.parametrize("iss", ["not-a-uuid", "123", 123, ""])
def test_iss_not_a_uuid(api: Api, iss: object) -> None:
    token = _unsigned_token({"iss": iss, "iat": int(time.time())})
    expect(api, "Bearer " + token, 403, "Invalid token: service id is not the right data type")


def test_unknown_service(api: Api) -> None:
    token = make_token(api.live_key.secret, str(uuid.uuid4()))
    expect(api, "Bearer " + token, 403, "Invalid token: service not found")


def test_service_without_keys(api: Api) -> None:
    other = api.store.create_service("Keyless")
    expect(api, "Bearer " + make_token(str(uuid.uuid4()), str(other.id)), 403, "Invalid token: service has no API keys")


def test_archived_service(api: Api) -> None:
    api.service.active = False
    expect(
        api, "Bearer " + make_token(api.live_key.secret, str(api.service.id)), 403, "Invalid token: service is archived"
    )


def test_wrong_secret(api: Api) -> None:
    expect(api, "Bearer " + make_token(str(uuid.uuid4()), str(api.service.id)), 403, "Invalid token: API key not found")


def test_another_services_key(api: Api) -> None:
    other = api.store.create_service("Other")
    other_key = api.store.create_api_key(other.id, "live")
    expect(api, "Bearer " + make_token(other_key.secret, str(api.service.id)), 403, "Invalid token: API key not found")


def test_valid_signature_without_iat_is_not_found(api: Api) -> None:
    # Notify's quirk: a missing iat is a TokenDecodeError, so the key loop moves on (§1.4).
    token = jwt.encode({"iss": str(api.service.id)}, api.live_key.secret, algorithm="HS256")
    expect(api, "Bearer " + token, 403, "Invalid token: API key not found")


@pytest.mark.parametrize("offset, ok", [(-30, True), (-31, False), (30, True), (31, False)])
def test_clock_window(offset: int, ok: bool) -> None:
    now = dt.datetime(2026, 1, 1, 12, tzinfo=dt.timezone.utc)
    from werkzeug.test import Client

    from pytest_notify.domain.store import Store

    store = Store()
    service = store.create_service("Clocked")
    key = store.create_api_key(service.id, "live")
    client = Client(create_app(store, jwt_clock=FrozenClock(now)))
    token = make_token(key.secret, str(service.id), int(now.timestamp()) + offset)
    response = client.get("/v2/notifications", headers={"Authorization": f"Bearer {token}"})
    if ok:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert response.get_json()["errors"][0]["message"] == CLOCK


@pytest.mark.parametrize("iat", ["abc", "12x", [1]])
def test_non_numeric_iat_is_a_clock_error(api: Api, iat: object) -> None:
    expect(api, "Bearer " + make_token(api.live_key.secret, str(api.service.id), iat), 403, CLOCK)


@pytest.mark.parametrize("iat_of", [lambda now: str(now), lambda now: float(now)])
def test_numeric_string_or_float_iat_is_accepted(api: Api, iat_of: object) -> None:
    token = make_token(api.live_key.secret, str(api.service.id), iat_of(int(time.time())))  # type: ignore[operator]
    assert api.client.get("/v2/notifications", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_future_nbf_is_a_clock_error(api: Api) -> None:
    token = make_token(api.live_key.secret, str(api.service.id), nbf=int(time.time()) + 120)
    expect(api, "Bearer " + token, 403, CLOCK)


def test_expired_exp_is_the_generic_error(api: Api) -> None:
    token = make_token(api.live_key.secret, str(api.service.id), exp=int(time.time()) - 120)
    expect(api, "Bearer " + token, 403, GENERIC)


def test_aud_is_the_generic_error(api: Api) -> None:
    token = make_token(api.live_key.secret, str(api.service.id), aud="someone")
    expect(api, "Bearer " + token, 403, GENERIC)


def test_extra_claims_are_ignored(api: Api) -> None:
    token = make_token(api.live_key.secret, str(api.service.id), jti="abc", foo=[1])
    assert api.client.get("/v2/notifications", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.filterwarnings("ignore:The HMAC key is")
@pytest.mark.parametrize("alg", ["HS512", "HS384"])
def test_other_algorithms(api: Api, alg: str) -> None:
    token = jwt.encode({"iss": str(api.service.id), "iat": int(time.time())}, api.live_key.secret, algorithm=alg)
    expect(api, "Bearer " + token, 403, "Invalid token: algorithm used is not HS256")


def test_alg_none(api: Api) -> None:
    token = _unsigned_token({"iss": str(api.service.id), "iat": int(time.time())})
    expect(api, "Bearer " + token, 403, "Invalid token: algorithm used is not HS256")


def test_revoked_key_for_seven_days_then_not_found(api: Api) -> None:
    api.world_clock.set(dt.datetime(2026, 5, 17, 15, 0, tzinfo=dt.timezone.utc))
    api.store.revoke_api_key(api.service.id, api.live_key.id)
    header = "Bearer " + make_token(api.live_key.secret, str(api.service.id))
    expect(api, header, 403, "Invalid token: API key revoked")
    # date(expiry) > now - 7 days: visible until midnight starting the 7th day after revocation.
    api.world_clock.set(dt.datetime(2026, 5, 23, 23, 59, tzinfo=dt.timezone.utc))
    expect(api, header, 403, "Invalid token: API key revoked")
    api.world_clock.set(dt.datetime(2026, 5, 24, 0, 0, tzinfo=dt.timezone.utc))
    expect(api, header, 403, "Invalid token: API key not found")
    # The other keys still work.
    assert api.get("/v2/notifications", key=api.team_key).status_code == 200


def test_last_key_revoked_long_ago_means_no_keys(api: Api) -> None:
    for key in (api.test_key, api.team_key, api.live_key):
        api.store.revoke_api_key(api.service.id, key.id)
    api.world_clock.advance(days=8)
    expect(
        api,
        "Bearer " + make_token(api.live_key.secret, str(api.service.id)),
        403,
        "Invalid token: service has no API keys",
    )


def test_golden_vector_from_the_official_clients() -> None:
    # official-clients.md §3.3: both clients produce this token for these inputs.
    token = make_token("8b3aa916-ec82-434e-b0c5-d5d9b371d6a3", "c745a8d8-b48a-4b0d-96e5-dbea0165ebd1", 1234567890)
    assert token == (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJjNzQ1YThkOC1iNDhhLTRiMGQtOTZlNS1kYmVhMDE2NWViZDEiLCJpYXQiOjEyMzQ1Njc4OTB9."
        "h_7oxttIaMbA8L9plRDmUkCZN_Svn412ku-XI7bcKOo"
    )


def test_golden_vector_is_accepted_at_its_time() -> None:
    from werkzeug.test import Client

    from pytest_notify.domain.store import Store

    store = Store()
    service = store.create_service("Golden", service_id="c745a8d8-b48a-4b0d-96e5-dbea0165ebd1")
    store.create_api_key(service.id, "live", "key_name", secret="8b3aa916-ec82-434e-b0c5-d5d9b371d6a3")
    at = dt.datetime.fromtimestamp(1234567890, dt.timezone.utc)
    client = Client(create_app(store, jwt_clock=FrozenClock(at)))
    token = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJjNzQ1YThkOC1iNDhhLTRiMGQtOTZlNS1kYmVhMDE2NWViZDEiLCJpYXQiOjEyMzQ1Njc4OTB9."
        "h_7oxttIaMbA8L9plRDmUkCZN_Svn412ku-XI7bcKOo"
    )
    assert client.get("/v2/notifications", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_auth_runs_before_body_validation(api: Api) -> None:
    response = api.client.post("/v2/notifications/sms", data="not json")
    assert response.status_code == 401


def _unsigned_token(claims: dict[str, object]) -> str:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."
