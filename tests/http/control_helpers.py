"""Shared set-up for the control API's HTTP tests: a werkzeug client on an app with the control API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from pytest_notify.control_backend import FakeControlBackend
from pytest_notify.domain.store import Store
from pytest_notify.http.app import NotifyApp, create_app
from tests.conftest import make_token

BODY_METHODS = ("POST", "PUT", "PATCH")


def key_parts(key: str) -> tuple[str, str]:
    """(service id, secret) of a full key string ``{name}-{service_id}-{secret}``."""
    return key[-73:-37], key[-36:]


@dataclass
class Control:
    """A werkzeug client for one app with the control API, and helpers to call both of its APIs."""

    store: Store
    app: NotifyApp
    client: Client

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> TestResponse:
        """A control request; bodies of POST, PUT and PATCH go as JSON (``{}`` when not given)."""
        kwargs: dict[str, Any] = {}
        if method in BODY_METHODS:
            kwargs = {"data": json.dumps({} if body is None else body), "content_type": "application/json"}
        return self.client.open(f"/_notify/{path}", method=method, headers=headers or {}, **kwargs)

    def ok(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        """The JSON answer of a control request that must succeed with ``status``."""
        response = self.call(method, path, body)
        assert response.status_code == status, response.get_data(as_text=True)
        assert response.mimetype == "application/json"
        return response.get_json()

    def refused(self, method: str, path: str, body: Any = None, status: int = 400) -> dict[str, str]:
        """The ``{"error", "message"}`` of a control request that must be refused with ``status``."""
        response = self.call(method, path, body)
        assert response.status_code == status, response.get_data(as_text=True)
        found = response.get_json()
        assert set(found) == {"error", "message"}, found
        return dict(found)

    def new_service(self, **settings: Any) -> dict[str, Any]:
        """``POST /_notify/services``: the created service's JSON (with ``keys``)."""
        created: dict[str, Any] = self.ok("POST", "services", settings, 201)
        return created

    def v2(self, method: str, path: str, key: str, body: Any = None) -> TestResponse:
        """A Notify API request authenticated with ``key`` (a full key string)."""
        service_id, secret = key_parts(key)
        headers = {"Authorization": f"Bearer {make_token(secret, service_id)}"}
        data = json.dumps(body) if body is not None else None
        return self.client.open(path, method=method, headers=headers, data=data, content_type="application/json")

    def send_sms(self, key: str, template_id: str, to: str = "07700 900 855", **extra: Any) -> TestResponse:
        """``POST /v2/notifications/sms`` with ``{"name": "Jo"}`` personalisation."""
        body = {"phone_number": to, "template_id": template_id, "personalisation": {"name": "Jo"}, **extra}
        return self.v2("POST", "/v2/notifications/sms", key, body)


@pytest.fixture
def control() -> Iterator[Control]:
    """An app with the control API (instant timings) on a fresh store; no unexpected errors allowed."""
    store = Store()
    app = create_app(store, control=FakeControlBackend(timings="instant"))
    yield Control(store, app, Client(app))
    assert app.take_errors() == []


@pytest.fixture
def service(control: Control) -> dict[str, Any]:
    """A live service made through the control API, with an SMS template ``Hi ((name))``."""
    created = control.new_service(name="Pigeon Affairs Bureau", team_members=["07700 900 456"])
    template = control.ok("POST", f"services/{created['id']}/templates", {"type": "sms", "body": "Hi ((name))"}, 201)
    return {**created, "template_id": template["id"]}
