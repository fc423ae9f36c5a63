"""Attacks on the JWT: each refused with Notify's exact status and message (reference §1.3 to §1.6).

Every attack is tried on every endpoint that authenticates, over the same werkzeug test client the
HTTP tests use, and the body must be exactly ``{"errors":[{"error":"AuthError","message":...}],
"status_code":...}``.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from werkzeug.test import Client

from tests.adversarial.support import World, b64url, craft_token, make_world, token

TOKEN_MISSING = "Unauthorized: authentication token must be provided"
NOT_BEARER = "Unauthorized: authentication bearer scheme must be used"
GENERIC = (
    "Invalid token: make sure your API token matches the example at "
    "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header"
)
NO_ISS = "Invalid token: iss field not provided"
BAD_ISS = "Invalid token: service id is not the right data type"
NO_SERVICE = "Invalid token: service not found"
NO_KEYS = "Invalid token: service has no API keys"
ARCHIVED = "Invalid token: service is archived"
CLOCK = "Error: Your system clock must be accurate to within 30 seconds"
NOT_HS256 = "Invalid token: algorithm used is not HS256"
REVOKED = "Invalid token: API key revoked"
NOT_FOUND = "Invalid token: API key not found"

# A 2048-bit RSA public key (generated once with `cryptography`): the "RS256 public key used as an
# HMAC secret" attack signs with these bytes. Fresh keys are generated too when cryptography is installed.
RSA_PUBLIC_PEM = b"""-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo
4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u
+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyeh
kd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ
0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdg
cKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbc
mwIDAQAB
-----END PUBLIC KEY-----
"""


@dataclass
class Target:
    world: World
    other: World  # another service, in the same store

    def request(self, method: str, path: str, authorization: str | None) -> tuple[int, object]:
        headers = {} if authorization is None else {"Authorization": authorization}
        body = None
        if method == "POST":
            body = json.dumps(
                {
                    "phone_number": "07700900123",
                    "template_id": self.world.sms_template,
                    "personalisation": {"name": "x", "code": "y"},
                }
            )
        response = Client(self.world.app).open(path, method=method, headers=headers, data=body)
        assert self.world.app.take_errors() == []
        return response.status_code, response.get_json()


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    world = make_world()
    # A second service in the same store, with its own live key.
    other_service = world.store.create_service("Other")
    other_key = world.store.create_api_key(other_service.id, "live", "other live")
    other = World(
        store=world.store,
        app=world.app,
        service=other_service,
        live=other_key,
        team=other_key,
        test=other_key,
        sms_template="",
        email_template="",
        letter_template="",
        notification_id="",
        letter_id="",
        received_id="",
    )
    yield Target(world, other)


def _rsa_public_pems() -> list[bytes]:
    pems = [RSA_PUBLIC_PEM]
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError:
        return pems
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pems.append(
        private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return pems


def _now() -> int:
    return int(time.time())


# Each attack: (name, how to build the Authorization header from the target, status, message).
Attack = tuple[str, Callable[[Target], str | None], int, str]


def _bearer(raw: str) -> str:
    return f"Bearer {raw}"


def _service(t: Target) -> str:
    return str(t.world.service.id)


def _secret(t: Target) -> str:
    return t.world.live.secret


HS256 = {"typ": "JWT", "alg": "HS256"}

ATTACKS: list[Attack] = [
    # §1.4 rows 1 and 2: the header itself.
    ("no-header", lambda t: None, 401, TOKEN_MISSING),
    ("empty-header", lambda t: "", 401, TOKEN_MISSING),
    ("basic-scheme", lambda t: "Basic " + base64.b64encode(b"user:pass").decode(), 401, NOT_BEARER),
    ("token-without-scheme", lambda t: token(t.world.live), 401, NOT_BEARER),
    ("bearer-no-space", lambda t: "Bearer" + token(t.world.live), 401, NOT_BEARER),
    # Row 3: not a JWT at all.
    ("garbage", lambda t: _bearer("garbage"), 403, GENERIC),
    ("empty-token", lambda t: _bearer(""), 403, GENERIC),
    ("three-dots", lambda t: _bearer("a.b.c"), 403, GENERIC),
    ("two-segments", lambda t: _bearer(b64url(b'{"alg":"HS256"}') + "." + b64url(b'{"iss":"x"}')), 403, GENERIC),
    ("header-not-json", lambda t: _bearer(b64url(b"not json") + "." + b64url(b"{}") + ".sig"), 403, GENERIC),
    ("two-spaces", lambda t: "Bearer  " + token(t.world.live), 403, GENERIC),
    ("non-ascii", lambda t: _bearer("\u00e9\u00e8.\u00e0.\u00fc"), 403, GENERIC),
    ("claims-a-list", lambda t: _bearer(craft_token(HS256, ["iss"], _secret(t))), 403, GENERIC),
    # Rows 4 to 6: the issuer.
    ("missing-iss", lambda t: _bearer(craft_token(HS256, {"iat": _now()}, _secret(t))), 403, NO_ISS),
    ("empty-claims", lambda t: _bearer(craft_token(HS256, {}, _secret(t))), 403, NO_ISS),
    ("iss-not-uuid", lambda t: _bearer(craft_token(HS256, {"iss": "me", "iat": _now()}, _secret(t))), 403, BAD_ISS),
    ("iss-a-number", lambda t: _bearer(craft_token(HS256, {"iss": 12, "iat": _now()}, _secret(t))), 403, BAD_ISS),
    ("iss-null", lambda t: _bearer(craft_token(HS256, {"iss": None, "iat": _now()}, _secret(t))), 403, BAD_ISS),
    (
        "unknown-service",
        lambda t: _bearer(craft_token(HS256, {"iss": str(uuid.uuid4()), "iat": _now()}, _secret(t))),
        403,
        NO_SERVICE,
    ),
    # Step 9: the key loop. Algorithms other than HS256, alg none in every spelling.
    ("alg-none", lambda t: _bearer(craft_token({"typ": "JWT", "alg": "none"}, _claims(t), None)), 403, NOT_HS256),
    ("alg-None", lambda t: _bearer(craft_token({"typ": "JWT", "alg": "None"}, _claims(t), None)), 403, NOT_HS256),
    ("alg-NONE-signed", lambda t: _bearer(_resigned({"alg": "NONE"}, t)), 403, NOT_HS256),
    ("alg-missing", lambda t: _bearer(_resigned({"typ": "JWT"}, t)), 403, NOT_HS256),
    (
        "hs512",
        lambda t: _bearer(craft_token({"typ": "JWT", "alg": "HS512"}, _claims(t), _secret(t), "HS512")),
        403,
        NOT_HS256,
    ),
    (
        "hs384",
        lambda t: _bearer(craft_token({"typ": "JWT", "alg": "HS384"}, _claims(t), _secret(t), "HS384")),
        403,
        NOT_HS256,
    ),
    ("rs256-header", lambda t: _bearer(_resigned({"alg": "RS256", "typ": "JWT"}, t)), 403, NOT_HS256),
    # Wrong secrets: the loop finds no key.
    ("wrong-secret", lambda t: _bearer(craft_token(HS256, _claims(t), str(uuid.uuid4()))), 403, NOT_FOUND),
    ("empty-secret", lambda t: _bearer(craft_token(HS256, _claims(t), "")), 403, NOT_FOUND),
    (
        "another-services-key",
        lambda t: _bearer(craft_token(HS256, _claims(t), t.other.live.secret)),
        403,
        NOT_FOUND,
    ),
    (
        "tampered-claims",
        lambda t: _bearer(_swap_claims(token(t.world.live), {"iss": _service(t), "iat": _now(), "admin": True})),
        403,
        NOT_FOUND,
    ),
    ("signature-stripped", lambda t: _bearer(token(t.world.live).rsplit(".", 1)[0] + "."), 403, NOT_FOUND),
    ("valid-signature-no-iat", lambda t: _bearer(craft_token(HS256, {"iss": _service(t)}, _secret(t))), 403, NOT_FOUND),
    # The clock: expired, from the future (iat), nbf in the future, a non-numeric iat.
    ("expired-iat", lambda t: _bearer(craft_token(HS256, _claims(t, iat=_now() - 31), _secret(t))), 403, CLOCK),
    ("ancient-iat", lambda t: _bearer(craft_token(HS256, _claims(t, iat=0), _secret(t))), 403, CLOCK),
    ("future-iat", lambda t: _bearer(craft_token(HS256, _claims(t, iat=_now() + 31), _secret(t))), 403, CLOCK),
    ("far-future-iat", lambda t: _bearer(craft_token(HS256, _claims(t, iat=2**62), _secret(t))), 403, CLOCK),
    ("iat-text", lambda t: _bearer(craft_token(HS256, _claims(t, iat="yesterday"), _secret(t))), 403, CLOCK),
    ("iat-huge-float", lambda t: _bearer(craft_token(HS256, _claims(t, iat=1e308), _secret(t))), 403, CLOCK),
    ("future-nbf", lambda t: _bearer(craft_token(HS256, _claims(t, nbf=_now() + 3600), _secret(t))), 403, CLOCK),
    ("expired-exp", lambda t: _bearer(craft_token(HS256, _claims(t, exp=_now() - 3600), _secret(t))), 403, GENERIC),
    ("aud-present", lambda t: _bearer(craft_token(HS256, _claims(t, aud="notify"), _secret(t))), 403, GENERIC),
]


def _claims(t: Target, **extra: object) -> dict[str, object]:
    return {"iss": _service(t), "iat": _now(), **extra}


def _resigned(header: dict[str, object], t: Target) -> str:
    """A token with this header, HMAC-SHA256-signed with the right secret (so only the header is wrong)."""
    return craft_token(header, _claims(t), _secret(t), "HS256")


def _swap_claims(jwt_token: str, claims: dict[str, object]) -> str:
    head, _, signature = jwt_token.split(".")
    return f"{head}.{b64url(json.dumps(claims).encode())}.{signature}"


ENDPOINTS = [
    ("POST", "/v2/notifications/sms"),
    ("GET", "/v2/notifications"),
    ("GET", f"/v2/notifications/{uuid.uuid4()}"),
    ("GET", "/v2/templates"),
    ("GET", "/v2/received-text-messages"),
]


@pytest.mark.parametrize(("name", "make", "status", "message"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_attack_is_refused_with_notifys_message(
    target: Target, name: str, make: Callable[[Target], str | None], status: int, message: str
) -> None:
    authorization = make(target)
    for method, path in ENDPOINTS:
        got_status, body = target.request(method, path, authorization)
        assert (got_status, body) == (
            status,
            {"errors": [{"error": "AuthError", "message": message}], "status_code": status},
        ), f"{name} on {method} {path}"


@pytest.mark.parametrize("pem", _rsa_public_pems(), ids=lambda pem: "fixed" if pem == RSA_PUBLIC_PEM else "generated")
@pytest.mark.parametrize("alg", ["HS256", "RS256"])
def test_rsa_public_key_used_as_the_hmac_secret(target: Target, pem: bytes, alg: str) -> None:
    """The classic key-confusion attack: sign with the public key as an HMAC secret. With ``alg: HS256``
    the signature matches no key of the service; with ``alg: RS256`` the algorithm is refused first."""
    header = {"typ": "JWT", "alg": alg}
    forged = craft_token(header, _claims(target), pem, "HS256")
    expected = NOT_FOUND if alg == "HS256" else NOT_HS256
    status, body = target.request("GET", "/v2/notifications", f"Bearer {forged}")
    assert (status, body) == (403, {"errors": [{"error": "AuthError", "message": expected}], "status_code": 403})


def test_revoked_key_is_refused_and_the_others_still_work() -> None:
    world = make_world()
    target = Target(world, world)
    world.store.revoke_api_key(world.service.id, world.team.id)
    status, body = target.request("GET", "/v2/notifications", f"Bearer {token(world.team)}")
    assert (status, body) == (403, {"errors": [{"error": "AuthError", "message": REVOKED}], "status_code": 403})
    # A revoked key's old tokens too; and the service's other keys are untouched.
    status, _ = target.request("GET", "/v2/notifications", f"Bearer {token(world.live)}")
    assert status == 200


def test_archived_service_and_service_without_keys() -> None:
    world = make_world()
    target = Target(world, world)
    world.service.active = False
    status, body = target.request("GET", "/v2/notifications", f"Bearer {token(world.live)}")
    assert (status, body) == (403, {"errors": [{"error": "AuthError", "message": ARCHIVED}], "status_code": 403})
    world.service.active = True
    world.service.api_keys.clear()
    status, body = target.request("GET", "/v2/notifications", f"Bearer {token(world.live)}")
    assert (status, body) == (403, {"errors": [{"error": "AuthError", "message": NO_KEYS}], "status_code": 403})


def test_a_genuine_token_still_works_after_the_attacks(target: Target) -> None:
    for method, path in ENDPOINTS[:2]:
        status, _ = target.request(method, path, f"Bearer {token(target.world.live)}")
        assert status in (200, 201)
