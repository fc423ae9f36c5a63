"""End to end in the browser: ``pytest-notify serve`` as the README starts it, the dashboard open in
Chromium, and what the official Python and Node clients send appearing at the top without a reload.

Node is required as in tests/conformance/test_node_client.py (these fail without it); the browser as
in the other browser tests (skipped without it, unless NOTIFY_REQUIRE_BROWSER=1).
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import WAIT_MS
from tests.test_cli_dashboard import send_from_both_clients, started_serve


def test_dashboard_follows_both_official_clients(page: Any) -> None:
    from playwright.sync_api import expect

    with started_serve() as serve:
        page.goto(serve.dashboard)
        assert page.locator("h1").inner_text() == "Dashboard"
        page.evaluate("window.notReloaded = true")
        email, sms, python_name, node_name = send_from_both_clients(serve)

        rows = page.locator("tbody[data-live-rows] tr")
        expect(rows).to_have_count(2, timeout=WAIT_MS)
        assert rows.nth(0).get_attribute("data-id") == sms["id"]  # the Node client's, sent last
        assert rows.nth(1).get_attribute("data-id") == email["id"]
        assert f"Hello {node_name}, your code is 1234" in rows.nth(0).inner_text()
        assert page.evaluate("window.notReloaded") is True

        rows.nth(1).get_by_role("link", name="Email to jo@example.com").click()
        expect(page.frame_locator("iframe.email-frame").locator("p").first).to_contain_text(
            f"Dear {python_name},", timeout=WAIT_MS
        )
        page.goto("about:blank")  # the page stops polling before the server goes
        assert serve.stop() == 0
