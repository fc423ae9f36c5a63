"""Fixtures for the conformance suite: the official Python client pointed at the fake, as an integrator would.

Every expected string in this folder is copied from /work/shared/notify-reference.md (the real Notify's
behaviour), never from the fake's output.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from pytest_notify.fake import NotifyFake

ClientFactory = Callable[[str], NotificationsAPIClient]


@pytest.fixture
def client_for(notify: NotifyFake) -> ClientFactory:
    """``client_for(key)``: an official client using ``key`` against this test's fake service."""

    def make(key: str) -> NotificationsAPIClient:
        return NotificationsAPIClient(key, base_url=notify.base_url)

    return make


@pytest.fixture
def client(notify: NotifyFake, client_for: ClientFactory) -> NotificationsAPIClient:
    """The client an integrator would build: ``NotificationsAPIClient(notify.live_key, base_url=...)``."""
    assert notify.live_key is not None, "this test needs a live service"
    return client_for(notify.live_key)


@pytest.fixture
def key_of(notify: NotifyFake) -> Callable[[str], str]:
    """``key_of("test" | "team" | "live")``: the fixture service's key of that type."""

    def pick(kind: str) -> str:
        key = {"test": notify.test_key, "team": notify.team_key, "live": notify.live_key}[kind]
        assert key is not None, f"the service has no {kind} key"
        return key

    return pick
