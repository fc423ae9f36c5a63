"""JWT authentication with every rule and message of Notify's, in its order (reference §1.3 to §1.5)."""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

import jwt

from pytest_notify.domain.clock import Clock
from pytest_notify.domain.errors import AuthError
from pytest_notify.domain.keys import ApiKey
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store

CLOCK_BOUND = 30
GENERIC_TOKEN_ERROR = (
    "Invalid token: make sure your API token matches the example at "
    "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header"
)
CLOCK_ERROR = "Error: Your system clock must be accurate to within 30 seconds"


@dataclass(frozen=True)
class Caller:
    """Who made an authenticated request."""

    service: Service
    api_key: ApiKey


class _NotThisKey(Exception):
    """The token was not signed with the key tried (or lacks ``iat``): try the next key."""


def authenticate(header: str | None, store: Store, jwt_clock: Clock) -> Caller:
    """Check an ``Authorization`` header; raise :class:`AuthError` with Notify's message.

    ``jwt_clock`` is the time ``iat`` is checked against: real time by default, because the
    official clients sign with the machine's clock.
    """
    if not header:
        raise AuthError("Unauthorized: authentication token must be provided", status_code=401)
    if header[:7].title() != "Bearer ":
        raise AuthError("Unauthorized: authentication bearer scheme must be used", status_code=401)
    token = header[7:]
    issuer = _issuer(token)
    try:
        service_id = uuid.UUID(issuer)
    except Exception:
        raise AuthError("Invalid token: service id is not the right data type") from None
    service, keys = store.keys_for_authentication(service_id)
    for key in keys:
        try:
            _verify(token, key.secret, jwt_clock)
        except _NotThisKey:
            continue
        if key.expiry_date is not None:
            raise AuthError("Invalid token: API key revoked")
        return Caller(service, key)
    raise AuthError("Invalid token: API key not found")


def _issuer(token: str) -> Any:
    claims = _unverified_claims(token)
    if not isinstance(claims, dict) or "iss" not in claims:
        raise AuthError("Invalid token: iss field not provided")
    return claims["iss"]


# The official clients sign a new token per request with a whole-second iat, so bursts repeat the
# same token: decoding (60-120 us per call in PyJWT) is cached, the time checks never are.
@functools.lru_cache(maxsize=2048)
def _unverified_claims(token: str) -> Any:
    try:
        return jwt.decode(token, options={"verify_signature": False})
    except Exception:
        raise AuthError(GENERIC_TOKEN_ERROR) from None


@functools.lru_cache(maxsize=2048)
def _verified_claims(token: str, secret: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(
        token,
        key=secret,
        algorithms=["HS256"],
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    return claims


_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


@functools.lru_cache(maxsize=2048)
def _plain_hs256(token: str) -> tuple[bytes, bytes] | None:
    """The signed part and the signature of a compact token whose header says only ``alg: HS256``
    (and maybe ``typ``); None for anything else, which PyJWT then judges with its own errors."""
    parts = token.split(".")
    if len(parts) != 3 or not all(_BASE64URL.fullmatch(part) and len(part) % 4 != 1 for part in parts):
        return None
    try:
        header = json.loads(_base64url(parts[0]))
        signature = _base64url(parts[2])
    except (ValueError, binascii.Error):
        return None
    if not isinstance(header, dict) or header.get("alg") != "HS256" or not set(header) <= {"alg", "typ"}:
        return None
    return f"{parts[0]}.{parts[1]}".encode(), signature


def _base64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _verify(token: str, secret: str, jwt_clock: Clock) -> None:
    """Decode with one key's secret; the time claims are checked against ``jwt_clock``."""
    # A service has several keys, tried in turn, and the official clients sign a new token per
    # request: a signature that is not this key's is told by HMAC alone (microseconds), rather than
    # by PyJWT (60-120 us a call), which would raise DecodeError for it (see below).
    plain = _plain_hs256(token)
    if plain is not None:
        signed, signature = plain
        if not hmac.compare_digest(hmac.new(secret.encode(), signed, hashlib.sha256).digest(), signature):
            raise _NotThisKey
    try:
        claims = _verified_claims(token, secret)
    except jwt.InvalidAlgorithmError:
        raise AuthError("Invalid token: algorithm used is not HS256") from None
    except jwt.DecodeError:
        # A wrong signature is a DecodeError: Notify moves on to the service's next key.
        raise _NotThisKey from None
    except jwt.InvalidTokenError:
        raise AuthError(GENERIC_TOKEN_ERROR) from None
    now = jwt_clock.now().timestamp()
    # PyJWT's own checks, redone on the injected clock with Notify's 30-second leeway. A claim
    # that is not a number is a DecodeError in PyJWT, so it too means "not this key".
    if "nbf" in claims and _number(claims["nbf"]) > now + CLOCK_BOUND:
        raise AuthError(CLOCK_ERROR)
    if "exp" in claims and _number(claims["exp"]) <= now - CLOCK_BOUND:
        raise AuthError(GENERIC_TOKEN_ERROR)
    if "iat" not in claims:
        raise _NotThisKey
    try:
        iat = int(float(claims["iat"]))
    except (TypeError, ValueError, OverflowError):
        raise AuthError(CLOCK_ERROR) from None
    if now > iat + CLOCK_BOUND or iat > now + CLOCK_BOUND:
        raise AuthError(CLOCK_ERROR)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _NotThisKey
    return float(value)
