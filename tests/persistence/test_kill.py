"""The durability rule: a server killed with SIGKILL loses no notification it answered 201 for.

Several official-client threads send as fast as they can; the server is killed while they do; a new
server on the same data directory must answer every acknowledged id, with the same content, to the
same key.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from notifications_python_client import NotificationsAPIClient

from tests.persistence.serving import live_key, serving, template_ids

SENDERS = 6
SENDING_FOR = 2.0
# The default service's rate limit (3,000 a minute, bursts of 1,000) would refuse a fast machine's sends.
UNLIMITED = """
[[services]]
id = "0b7b3c1e-4d4a-4f57-9c1a-5e0000000001"
name = "As fast as it goes"
limits = { rate_limit = 6000000 }

[[services.api_keys]]
type = "live"

[[services.templates]]
id = "0b7b3c1e-4d4a-4f57-9c1a-5e0000000002"
type = "sms"
body = "Hello ((name)), your code is ((code))"

[[services.templates]]
id = "0b7b3c1e-4d4a-4f57-9c1a-5e0000000003"
type = "email"
subject = "Your reference"
body = "Dear ((name)), your reference is ((reference))."
"""


def test_a_kill_loses_no_acknowledged_notification(tmp_path: Path) -> None:
    acknowledged: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()
    data = tmp_path / "data"
    config = tmp_path / "unlimited.toml"
    config.write_text(UNLIMITED, encoding="utf-8")
    with serving(data, "--timings", "instant", "--config", str(config)) as (process, details):
        key, templates, base_url = live_key(details), template_ids(details), str(details["base_url"])
        killed = threading.Event()

        def send(number: int) -> None:
            client = NotificationsAPIClient(key, base_url=base_url, timeout=5)
            n = 0
            while not killed.is_set():
                n += 1
                try:
                    if n % 2:
                        sent = client.send_sms_notification(
                            "07700 900123",
                            templates["sms"],
                            {"name": f"S{number}", "code": str(n)},
                            reference=f"{number}-{n}",
                        )
                    else:
                        values = {"name": f"E{number}", "reference": str(n)}
                        sent = client.send_email_notification(
                            "jo@example.com", templates["email"], values, reference=f"{number}-{n}"
                        )
                except Exception:  # the server died under this request: it was never acknowledged
                    if killed.is_set():
                        return
                    raise
                with lock:
                    acknowledged[sent["id"]] = sent

        threads = [threading.Thread(target=send, args=(n,)) for n in range(SENDERS)]
        for thread in threads:
            thread.start()
        time.sleep(SENDING_FOR)
        seen, deadline = len(acknowledged), time.monotonic() + 10
        while len(acknowledged) == seen and time.monotonic() < deadline:  # just after a 201: others in flight
            time.sleep(0.0005)
        killed.set()  # no new sends; those in flight meet the kill
        os.kill(process.pid, signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=30)
        assert process.wait(timeout=10) == -signal.SIGKILL
    assert len(acknowledged) > 50, "too few sends to mean anything"
    print(f"{len(acknowledged)} sends acknowledged before the kill")

    with serving(data) as (_, restored):
        assert restored["restored"] is True
        client = NotificationsAPIClient(key, base_url=str(restored["base_url"]))
        for nid, sent in acknowledged.items():
            found = client.get_notification_by_id(nid)
            assert found["id"] == nid
            assert found["reference"] == sent["reference"]
            assert found["body"] == sent["content"]["body"]
            assert found["subject"] == sent["content"].get("subject")
            assert found["template"]["id"] == sent["template"]["id"]
            assert found["template"]["version"] == sent["template"]["version"]
            assert found["status"] == "delivered"
        listed = list(client.get_all_notifications_iterator())
        assert len(listed) >= len(acknowledged)
        assert {n["id"] for n in listed} >= set(acknowledged)
        assert len({n["id"] for n in listed}) == len(listed)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_keys_keep_working_after_a_restart(tmp_path: Path, stop: signal.Signals) -> None:
    data = tmp_path / "data"
    with serving(data) as (process, first):
        key, templates = live_key(first), template_ids(first)
        client = NotificationsAPIClient(key, base_url=str(first["base_url"]))
        sent = client.send_sms_notification("07700 900123", templates["sms"], {"name": "Jo", "code": "1"})
        letter = client.send_letter_notification(
            templates["letter"],
            {"address_line_1": "A. Person", "address_line_2": "1 Street", "address_line_3": "SW1A 1AA", "name": "Jo"},
        )
        process.send_signal(stop)
        process.wait(timeout=15)
    with serving(data) as (_, again):
        assert [k["key"] for k in again["services"][0]["keys"]] == list(first["keys"].values())
        assert template_ids(again) == templates
        client = NotificationsAPIClient(key, base_url=str(again["base_url"]))
        assert client.get_notification_by_id(sent["id"])["body"] == "Hello Jo, your code is 1"
        more = client.send_sms_notification("07700 900123", templates["sms"], {"name": "Al", "code": "2"})
        assert [n["id"] for n in client.get_all_notifications()["notifications"]][:3] == [
            more["id"],
            letter["id"],
            sent["id"],
        ]
        deadline = time.monotonic() + 15
        while True:  # the letter's PDF is made on the clock, which went on while the server was down
            try:
                assert client.get_pdf_for_letter(letter["id"]).read().startswith(b"%PDF-")
                break
            except Exception:
                assert time.monotonic() < deadline
                time.sleep(0.2)
