"""Fixtures for the dashboard's browser tests: Playwright driving the machine's Chromium.

Playwright downloads no browser here: it launches Debian's ``/usr/bin/chromium`` (or
``$NOTIFY_CHROMIUM``). Without Playwright or Chromium these tests are skipped with the reason,
unless ``NOTIFY_REQUIRE_BROWSER=1`` (CI sets it): then they fail, so a skip never passes for a run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

import pytest
from notifications_python_client import NotificationsAPIClient

from pytest_notify.cli import seed_default_service
from pytest_notify.control_backend import FakeControlBackend
from pytest_notify.domain.timings import parse_timings
from pytest_notify.server import NotifyServer

CHROMIUM = os.environ.get("NOTIFY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REQUIRE_BROWSER = os.environ.get("NOTIFY_REQUIRE_BROWSER") == "1"
WAIT_MS = 10_000
"""How long a test waits for the page to change (the script polls once a second)."""


def unavailable(reason: str) -> NoReturn:
    """Skip with ``reason``, or fail when the run requires the browser tests."""
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (NOTIFY_REQUIRE_BROWSER=1: the browser tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed: python -m pip install -e '.[test]'")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) or set NOTIFY_CHROMIUM"
        )
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as error:  # a browser that does not start is no better than none
            unavailable(f"{CHROMIUM} did not start: {error}")
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (its own context: no cookies or cache from another test), JavaScript on."""
    context = browser.new_context()
    context.set_default_timeout(WAIT_MS)
    tab = context.new_page()
    errors: list[str] = []

    def console(message: Any) -> None:
        # The browser reports a page that is a 404 as an error; a test that opens one means to.
        if message.type == "error" and not (message.location.get("url") == tab.url and "404" in message.text):
            errors.append(message.text)

    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", console)
    yield tab
    context.close()
    # A CSP violation or a script error shows up here: the dashboard must cause none.
    assert errors == []


@pytest.fixture
def page_without_js(browser: Any) -> Iterator[Any]:
    """A page with JavaScript turned off."""
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


@dataclass
class Served:
    """A dashboard server (as ``pytest-notify serve`` runs it) with the default service."""

    server: NotifyServer
    service_id: str
    keys: dict[str, str]
    templates: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, kind: str = "live") -> NotificationsAPIClient:
        return NotificationsAPIClient(self.keys[kind], base_url=self.url)

    def service_url(self) -> str:
        return f"{self.url}/dashboard/services/{self.service_id}"

    def notification_url(self, notification: dict[str, Any]) -> str:
        return f"{self.service_url()}/notifications/{notification['id']}"


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    server = NotifyServer(control=FakeControlBackend(), dashboard=True)
    details = seed_default_service(server.store)
    # Quick but real status over time: handed over after 0.3 s, final after 1.2 s.
    server.store.set_timings(uuid.UUID(details["service_id"]), parse_timings(sending=0.3, final=1.2))
    server.start()
    try:
        yield Served(server, details["service_id"], details["keys"], details["templates"])
    finally:
        server.stop()
    assert server.take_errors() == []
