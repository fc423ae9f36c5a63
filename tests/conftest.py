"""Shared helpers for the plugin's own tests."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from werkzeug.test import Client, TestResponse

from pytest_notify.domain.clock import FrozenClock
from pytest_notify.domain.keys import ApiKey
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.http.app import NotifyApp, create_app

START = dt.datetime(2026, 5, 17, 15, 58, 38, 342838, tzinfo=dt.timezone.utc)


def make_token(secret: str, iss: Any, iat: Any = None, *, headers: dict[str, Any] | None = None, **claims: Any) -> str:
    """A token as the official clients make it (``iat`` defaults to now)."""
    payload: dict[str, Any] = {"iss": iss, "iat": int(time.time()) if iat is None else iat, **claims}
    return jwt.encode(payload, secret, algorithm="HS256", headers=headers)


@dataclass
class Api:
    """A werkzeug test client on a fresh store, with one live service and its three keys."""

    store: Store
    app: NotifyApp
    client: Client
    service: Service
    test_key: ApiKey
    team_key: ApiKey
    live_key: ApiKey
    world_clock: FrozenClock

    def auth(self, key: ApiKey) -> dict[str, str]:
        return {"Authorization": f"Bearer {make_token(key.secret, str(key.service_id))}"}

    def post(self, path: str, body: Any, key: ApiKey | None = None, **kwargs: Any) -> TestResponse:
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.client.post(path, data=data, headers=self.auth(key or self.live_key), **kwargs)

    def get(self, path: str, key: ApiKey | None = None, **kwargs: Any) -> TestResponse:
        return self.client.get(path, headers=self.auth(key or self.live_key), **kwargs)


@pytest.fixture
def api() -> Iterator[Api]:
    clock = FrozenClock(START)
    store = Store(clock=clock)
    app = create_app(store)
    service = store.create_service("Pigeon Affairs Bureau")
    test_key = store.create_api_key(service.id, "test", "my test key")
    team_key = store.create_api_key(service.id, "team", "my team key")
    live_key = store.create_api_key(service.id, "live", "my live key")
    yield Api(store, app, Client(app), service, test_key, team_key, live_key, clock)
    assert app.take_errors() == []


def errors_of(response: TestResponse) -> list[str]:
    """The messages of a v2 error body."""
    return [e["message"] for e in response.get_json()["errors"]]
