"""Callbacks made in the background are kept without any request, and a restart does not make them again."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.request
from pathlib import Path
from typing import Any

from notifications_python_client import NotificationsAPIClient
from pytest_httpserver import HTTPServer

from pytest_notify.persist.keeper import CALLBACK_SAVE_INTERVAL
from pytest_notify.waiting import wait_until
from tests.persistence.serving import live_key, serving, template_ids


def made(control_api: str, service_id: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{control_api}services/{service_id}/callbacks") as response:
        found: list[dict[str, Any]] = json.loads(response.read())["callbacks"]
        return found


def test_a_callback_made_before_a_kill_is_kept_and_not_made_again(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/status").respond_with_data("")
    flags = ("--timings", "instant", "--delivery-status-callback", httpserver.url_for("/status"), "token-1")
    with serving(tmp_path / "data", *flags) as (process, first):
        sid = first["service_id"]
        client = NotificationsAPIClient(live_key(first), base_url=first["base_url"])
        sent = client.send_sms_notification("07700 900123", template_ids(first)["sms"], {"name": "Jo", "code": "1"})
        wait_until(lambda: len(httpserver.log) == 1 or None, timeout=10, describe=lambda: str(httpserver.log))
        time.sleep(CALLBACK_SAVE_INTERVAL * 2.5)  # the keeper's background save, with no request to prompt it
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    with serving(tmp_path / "data", *flags) as (_, again):
        (kept,) = made(again["control_api"], sid)
        assert kept["attempt"] == 1 and json.loads(kept["body"])["id"] == sent["id"]
        time.sleep(0.5)  # the dispatcher looks every 25 ms: time enough to make it again, were it to
        assert len(httpserver.log) == 1
        # A status reached after the restart is called back as usual.
        more = NotificationsAPIClient(live_key(first), base_url=again["base_url"]).send_sms_notification(
            "07700 900123", template_ids(first)["sms"], {"name": "Al", "code": "2"}
        )
        wait_until(lambda: len(httpserver.log) == 2 or None, timeout=10, describe=lambda: str(httpserver.log))
        assert json.loads(httpserver.log[1][0].get_data())["id"] == more["id"]
