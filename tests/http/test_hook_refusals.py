"""The ``notify_*`` hooks over HTTP: every refusal of a POST send after authentication is reported,
accepted sends are, and the responses stay Notify's bytes unless an extension renders otherwise.

Messages are Notify's (reference §0, §3.5, §4, §7); the HTTP tests of each check pin them byte for byte.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest
from werkzeug.test import Client

from pytest_notify.domain.errors import NotifyError
from pytest_notify.domain.keys import ApiKey
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.service import Service
from pytest_notify.hooks import HookError, NotifyPluginManager, hookimpl, make_plugin_manager
from pytest_notify.http.app import create_app
from tests.conftest import Api, make_token

ADDRESS = {"address_line_1": "A. Person", "address_line_2": "1 Example Street", "postcode": "sw1a1aa"}


class Counter:
    """Counts sends as a team's extension would."""

    def __init__(self) -> None:
        self.accepted: list[str] = []
        self.refused: list[tuple[str, str, int, str]] = []

    @hookimpl
    def notify_send_accepted(self, api_key: ApiKey, notification: Notification) -> None:
        self.accepted.append(f"{notification.type} by {api_key.name}")

    @hookimpl
    def notify_send_refused(
        self, service: Service, api_key: ApiKey, notification_type: str, error: NotifyError
    ) -> None:
        assert api_key.service_id == service.id
        self.refused.append((notification_type, error.error, error.status_code, error.message))


@pytest.fixture
def hooks(api: Api) -> NotifyPluginManager:
    manager = make_plugin_manager(entry_points=False)
    # create_app(store, hooks=...) points the store's extensions at the manager.
    api.client = Client(create_app(api.store, hooks=manager))
    return manager


@pytest.fixture
def counter(hooks: NotifyPluginManager) -> Counter:
    counter = Counter()
    hooks.register(counter)
    return counter


@pytest.fixture
def template(api: Api) -> dict[str, str]:
    sid = api.service.id
    return {
        "sms": str(api.store.add_template(sid, "sms", "Hello ((name))").id),
        "letter": str(api.store.add_template(sid, "letter", "Hello", "Hi").id),
    }


def test_accepted_sends_are_reported(api: Api, counter: Counter, template: dict[str, str]) -> None:
    assert api.post("/v2/notifications/sms", sms_body(template)).status_code == 201
    # A smoke-test number: answered 201, never stored (reference §5.2), still an accepted send.
    assert api.post("/v2/notifications/sms", sms_body(template, "07700900000"), api.test_key).status_code == 201
    body = {"template_id": template["letter"], "personalisation": ADDRESS}
    assert api.post("/v2/notifications/letter", body).status_code == 201
    precompiled = {"reference": "r", "content": base64.b64encode(b"%PDF-1.4").decode()}
    assert api.post("/v2/notifications/letter", precompiled).status_code == 201
    assert counter.accepted == [
        "sms by my_live_key",
        "sms by my_test_key",
        "letter by my_live_key",
        "letter by my_live_key",
    ]
    assert counter.refused == []


@pytest.mark.parametrize(
    ("path", "body", "key", "expected"),
    [
        ("sms", "{not json", "live", ("sms", "BadRequestError", 400, "Invalid JSON supplied in POST data")),
        (
            "sms",
            {"phone_number": "07700900123"},
            "live",
            ("sms", "ValidationError", 400, "template_id is a required property"),
        ),
        (
            "sms",
            "SMS",
            "team",
            ("sms", "BadRequestError", 400, "Can’t send to this recipient using a team-only API key"),
        ),
        ("sms", "SMS", "live:no-sms", ("sms", "BadRequestError", 400, "Service is not allowed to send text messages")),
        ("sms", "SMS", "live:limit", ("sms", "TooManyRequestsError", 429, "Exceeded send limits (sms: 0) for today")),
        (
            "sms",
            "SMS",
            "live:rate",
            ("sms", "RateLimitError", 429, "Exceeded rate limit for key type LIVE of 0 requests per 60 seconds"),
        ),
        ("letter", "LETTER", "team", ("letter", "BadRequestError", 403, "Cannot send letters with a team api key")),
        (
            "letter",
            {"reference": "r", "content": "abc"},
            "live",
            ("letter", "BadRequestError", 400, "Cannot decode letter content (invalid base64 encoding)"),
        ),
    ],
    ids=[
        "invalid-json",
        "schema",
        "team-key",
        "permission",
        "daily-limit",
        "rate-limit",
        "letter-team-key",
        "precompiled",
    ],
)
def test_every_refusal_after_authentication_is_reported(
    api: Api, counter: Counter, template: dict[str, str], path: str, body: Any, key: str, expected: tuple[Any, ...]
) -> None:
    key_name, _, setting = key.partition(":")
    if setting == "no-sms":
        api.service.permissions.discard("sms")
    elif setting == "limit":
        api.store.set_limits(api.service.id, sms_limit=0)
    elif setting == "rate":
        api.store.set_limits(api.service.id, rate_limit=0)
    if body == "SMS":
        body = sms_body(template)
    elif body == "LETTER":
        body = {"template_id": template["letter"], "personalisation": ADDRESS}
    response = api.post(f"/v2/notifications/{path}", body, api.team_key if key_name == "team" else api.live_key)
    assert (response.status_code, response.get_json()["errors"][0]["message"]) == (expected[2], expected[3])
    assert counter.refused == [expected]
    assert counter.accepted == []


def test_authentication_errors_and_unknown_routes_are_not_send_refusals(
    api: Api, counter: Counter, template: dict[str, str]
) -> None:
    bad = {"Authorization": f"Bearer {make_token('a wrong secret, long enough for HS256!', str(api.service.id))}"}
    assert api.client.post("/v2/notifications/sms", json=sms_body(template), headers=bad).status_code == 403
    assert api.post("/v2/notifications/fax", sms_body(template)).status_code == 404
    assert counter.refused == []


def test_a_hook_that_raises_is_a_500_kept_for_the_test(
    api: Api, hooks: NotifyPluginManager, template: dict[str, str]
) -> None:
    class Broken:
        @hookimpl
        def notify_send_accepted(self) -> None:
            raise RuntimeError("the extension is broken")

    hooks.register(Broken())
    app = create_app(api.store, hooks=hooks)
    response = Client(app).post("/v2/notifications/sms", json=sms_body(template), headers=api.auth(api.live_key))
    assert response.status_code == 500
    [(where, error)] = app.take_errors()
    assert where == "POST /v2/notifications/sms"
    assert str(error) == "notify_send_accepted raised RuntimeError('the extension is broken')"
    assert isinstance(error, HookError) and isinstance(error.__cause__, RuntimeError)


def test_the_response_is_notifys_unless_an_extension_renders(
    api: Api, hooks: NotifyPluginManager, template: dict[str, str]
) -> None:
    plain = api.post("/v2/notifications/sms", sms_body(template)).get_json()
    assert plain["content"]["body"] == "Hello Jo"

    class Shouting:
        @hookimpl
        def notify_render(self, notification_type: str, default: Any) -> str:
            return default.body.upper()

    hooks.register(Shouting())
    sent = api.post("/v2/notifications/sms", sms_body(template)).get_json()
    assert sent["content"]["body"] == "HELLO JO"
    fetched = api.get(f"/v2/notifications/{sent['id']}").get_json()
    assert fetched["body"] == "HELLO JO"
    assert uuid.UUID(sent["id"]) != uuid.UUID(plain["id"])


def sms_body(template: dict[str, str], to: str = "07700900123") -> dict[str, Any]:
    return {"phone_number": to, "template_id": template["sms"], "personalisation": {"name": "Jo"}}
