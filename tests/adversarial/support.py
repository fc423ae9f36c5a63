"""What the adversarial tests share: how many examples to run, Notify's error shapes, token crafting,
a world to attack (a store with one service of each kind of thing) and a socket server.

The number of hypothesis examples per test is ``NOTIFY_FUZZ_EXAMPLES`` (50 by default; the
``adversarial`` tox env raises it), and the concurrency test's sends per thread is
``NOTIFY_STRESS_PER_THREAD`` (small by default, 500 in that env).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, settings

from pytest_notify.domain.keys import ApiKey
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.http.app import NotifyApp, create_app

EXAMPLES = int(os.environ.get("NOTIFY_FUZZ_EXAMPLES", "50"))
STRESS_THREADS = 16
STRESS_PER_THREAD = int(os.environ.get("NOTIFY_STRESS_PER_THREAD", "40"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # timing is bench/'s business; this machine drifts
    database=None,  # nothing written into the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# reference §2.3: the two non-v2 bodies (routing errors).
ROUTING_404 = {
    "message": "The requested URL was not found on the server. If you entered the URL manually please check "
    "your spelling and try again.",
    "result": "error",
}
ROUTING_405 = {"message": "The method is not allowed for the requested URL.", "result": "error"}
# official-clients.md §2.4: the admin-only endpoint's old error format.
ADMIN_ONLY_401 = {"message": {"token": ["Unauthorized: not allowed to perform this action"]}, "result": "error"}
V2_ERROR_NAMES = {
    "AuthError",
    "ValidationError",
    "BadRequestError",
    "RateLimitError",
    "TooManyRequestsError",
    "PDFNotReadyError",
    "InvalidPhoneError",
    "InvalidEmailError",
    "InvalidRecipientError",
    "NoResultFound",
    "DataError",
}


# Where Notify's own code fails with a 500 on input its schema lets through, and the fake may copy it
# on purpose (docs/fidelity.md): a template preview whose body is JSON but not an object
# (``TypeError``), and an email whose ``sanitise_content_for`` lists items that are not strings
# (notifications-utils' ``InsensitiveDict.make_key``: ``AttributeError``, or ``TypeError`` for an
# unhashable item). The fake must not record these as its own bugs: callers check that separately.
NOTIFY_OWN_500 = re.compile(r"^/v2/(template/[^/]*/preview|notifications/email)/?$")


CONTROL_PREFIX = "/_notify"


def check_control_answer(status: int, headers: Any, raw: bytes) -> Any:
    """The fake's own control API (docs/control-api.md): never a 5xx (its 500 ``internal_error`` is a
    bug of the fake), JSON answers, and every error ``{"error": ..., "message": ...}``."""
    assert status < 500, f"{status}: {raw[:500]!r}"
    if not raw:
        assert status in (200, 204) or status >= 300, status
        return None
    body = json.loads(raw)
    if status >= 400:
        assert isinstance(body, dict) and set(body) == {"error", "message"}, body
        assert isinstance(body["error"], str) and body["error"] and body["error"] != "internal_error", body
        assert isinstance(body["message"], str) and body["message"], body
    return body


def check_notify_answer(status: int, headers: Any, raw: bytes, method: str = "GET", path: str = "") -> Any:
    """Assert an answer is one Notify could give: no 5xx (but Notify's own, above), Notify's JSON
    encoding, and every error in the v2 envelope (reference §2.1) or one of the routing shapes (§2.3).
    Under ``/_notify/``, the fake's own control API answers in its own shapes instead.
    Returns the parsed body."""
    if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
        return None if method == "HEAD" else check_control_answer(status, headers, raw)
    if status == 500 and method == "POST" and NOTIFY_OWN_500.match(path):
        body = json.loads(raw)
        assert body in (
            {"errors": [{"error": name, "message": "Internal server error"}], "status_code": 500}
            for name in ("TypeError", "AttributeError")
        ), raw
        return body
    assert status < 500, f"{status}: {raw[:500]!r}"
    if method == "HEAD":
        return None
    content_type = headers.get("Content-Type", "")
    if status == 200 and not content_type.startswith("application/json"):
        return raw  # a PDF, or a file sent by email
    # reference §0: sorted keys, compact, ASCII only, a trailing newline.
    assert raw.endswith(b"\n") and raw.isascii(), raw[:300]
    body = json.loads(raw)
    assert raw.decode() == json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
    if status < 400:
        return body
    if status == 404 and body == ROUTING_404:
        return body
    if status == 405 and body == ROUTING_405:
        assert content_type == "text/html; charset=utf-8"
        return body
    if status == 401 and body == ADMIN_ONLY_401:
        return body
    assert content_type == "application/json", content_type
    assert set(body) == {"errors", "status_code"}, body
    assert body["status_code"] == status, body
    assert isinstance(body["errors"], list) and body["errors"], body
    for error in body["errors"]:
        assert {"error", "message"} <= set(error), error
        assert error["error"] in V2_ERROR_NAMES, error
        assert isinstance(error["message"], str) and error["message"], error
        # Only the QR-code error carries more keys (§2.2).
        assert set(error) == {"error", "message"} or set(error) == {
            "error",
            "message",
            "data",
            "num_bytes",
            "max_bytes",
        }
    return body


# -- tokens ---------------------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def craft_token(header: dict[str, Any], claims: Any, key: bytes | str | None, alg: str = "HS256") -> str:
    """A JWT built by hand (PyJWT refuses to make some of the attacks): ``key`` None gives an empty signature."""
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    if key is None:
        return signing_input + "."
    secret = key.encode() if isinstance(key, str) else key
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    return f"{signing_input}.{b64url(hmac.new(secret, signing_input.encode(), digest).digest())}"


def token(key: ApiKey, **claims: Any) -> str:
    """A token as the official clients make it."""
    payload: dict[str, Any] = {"iss": str(key.service_id), "iat": int(time.time()), **claims}
    return craft_token({"typ": "JWT", "alg": "HS256"}, payload, key.secret)


def bearer(key: ApiKey) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(key)}"}


# -- a world to attack ----------------------------------------------------------------------------


@dataclass
class World:
    """A store on the real clock with one live service that has one of everything."""

    store: Store
    app: NotifyApp
    service: Service
    live: ApiKey
    team: ApiKey
    test: ApiKey
    sms_template: str
    email_template: str
    letter_template: str
    notification_id: str
    letter_id: str
    received_id: str

    def api_keys(self) -> list[ApiKey]:
        return [self.live, self.team, self.test]


def make_world(control: Any = None) -> World:
    """``control``: a control API backend (``FakeControlBackend()``) to serve ``/_notify/`` too."""
    store = Store()
    service = store.create_service(
        "Adversarial",
        rate_limit=10**9,
        sms_limit=10**9,
        email_limit=10**9,
        letter_limit=10**9,
        international_sms_limit=10**9,
        permissions=["sms", "email", "letter", "international_sms", "international_letters", "inbound_sms"],
        guest_list=["07700900123", "someone@example.com"],
    )
    live = store.create_api_key(service.id, "live", "live")
    team = store.create_api_key(service.id, "team", "team")
    test = store.create_api_key(service.id, "test", "test")
    sms = store.add_template(service.id, "sms", "Hello ((name)), ((code?? has a code))")
    email = store.add_template(service.id, "email", "Dear ((name)),\n\n^ ((body))", subject="About ((thing))")
    letter = store.add_template(service.id, "letter", "Dear ((name))", subject="Letter")
    app = create_app(store) if control is None else create_app(store, control=control)
    from werkzeug.test import Client

    client = Client(app)
    sent = client.post(
        "/v2/notifications/sms",
        data=json.dumps(
            {"phone_number": "07700900123", "template_id": str(sms.id), "personalisation": {"name": "x", "code": "yes"}}
        ),
        headers=bearer(live),
    )
    assert sent.status_code == 201, sent.get_data()
    letter_sent = client.post(
        "/v2/notifications/letter",
        data=json.dumps(
            {
                "template_id": str(letter.id),
                "personalisation": {
                    "name": "A",
                    "address_line_1": "A Person",
                    "address_line_2": "1 Street",
                    "address_line_3": "SW1A 1AA",
                },
            }
        ),
        headers=bearer(live),
    )
    assert letter_sent.status_code == 201, letter_sent.get_data()
    received = store.receive_sms(service.id, "hello")
    return World(
        store=store,
        app=app,
        service=service,
        live=live,
        team=team,
        test=test,
        sms_template=str(sms.id),
        email_template=str(email.id),
        letter_template=str(letter.id),
        notification_id=sent.get_json()["id"],
        letter_id=letter_sent.get_json()["id"],
        received_id=str(received.id),
    )


def random_uuid() -> str:
    return str(uuid.uuid4())
