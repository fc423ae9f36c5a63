"""Concurrent sends over a real socket: 16 threads, mixed key types and channels.

Every 201 is stored exactly once, ids are unique, and the dashboard and usage totals are exact.
The sends per thread are ``NOTIFY_STRESS_PER_THREAD`` (40 in the normal suite; 500 in the
``adversarial`` tox env, the issue's figure).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from pytest_notify.domain.store import Store
from pytest_notify.fake import NotifyFake
from pytest_notify.server import NotifyServer
from tests.adversarial.support import STRESS_PER_THREAD, STRESS_THREADS, craft_token

GUEST_NUMBER = "07700900456"
GUEST_EMAIL = "guest@example.com"


@pytest.fixture
def served() -> Iterator[tuple[NotifyServer, NotifyFake]]:
    store = Store()
    service = store.create_service(
        "Concurrency", rate_limit=10**9, sms_limit=10**9, email_limit=10**9, guest_list=[GUEST_NUMBER, GUEST_EMAIL]
    )
    try:  # every send final at once, so the usage page counts them all
        from pytest_notify.domain.timings import INSTANT

        store.set_timings(service.id, INSTANT)
    except ImportError:
        pass
    server = NotifyServer(store=store)
    server.start()
    try:
        yield server, NotifyFake(store, service, server.url)
    finally:
        server.stop()


class Sender(threading.Thread):
    """Sends ``count`` notifications, cycling through key types and channels; keeps every answer."""

    def __init__(
        self,
        index: int,
        port: int,
        keys: dict[str, str],
        templates: dict[str, str],
        count: int,
        start: threading.Barrier,
    ) -> None:
        super().__init__(name=f"sender-{index}")
        self.index, self.port, self.keys, self.templates, self.count, self.start_line = (
            index,
            port,
            keys,
            templates,
            count,
            start,
        )
        self.answers: list[tuple[int, str, str, dict[str, object]]] = []
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            self.start_line.wait(timeout=30)
            key_types = list(self.keys)
            for j in range(self.count):
                key_type = key_types[(self.index + j) % len(key_types)]
                channel = "sms" if (self.index + j) % 2 else "email"
                key = self.keys[key_type]
                jwt = craft_token(
                    {"typ": "JWT", "alg": "HS256"}, {"iss": key[-73:-37], "iat": int(time.time())}, key[-36:]
                )
                if channel == "sms":
                    body = {
                        "phone_number": GUEST_NUMBER,
                        "template_id": self.templates["sms"],
                        "personalisation": {"n": f"{self.index}-{j}"},
                    }
                else:
                    body = {
                        "email_address": GUEST_EMAIL,
                        "template_id": self.templates["email"],
                        "personalisation": {"n": f"{self.index}-{j}"},
                    }
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                try:
                    conn.request(
                        "POST", f"/v2/notifications/{channel}", json.dumps(body), {"Authorization": f"Bearer {jwt}"}
                    )
                    response = conn.getresponse()
                    answer = json.loads(response.read())
                finally:
                    conn.close()
                self.answers.append((response.status, key_type, channel, answer))
        except BaseException as error:  # reported by the test
            self.failure = error


def test_concurrent_sends_are_each_stored_once_and_counted_exactly(served: tuple[NotifyServer, NotifyFake]) -> None:
    server, fake = served
    assert fake.live_key is not None
    keys = {"live": fake.live_key, "team": fake.team_key, "test": fake.test_key}
    templates = {
        "sms": fake.add_template("sms", "Your code is ((n))").id,
        "email": fake.add_template("email", "Your code is ((n))", subject="Code").id,
    }
    start = threading.Barrier(STRESS_THREADS)
    senders = [Sender(i, server.port, keys, templates, STRESS_PER_THREAD, start) for i in range(STRESS_THREADS)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=600)
        assert not sender.is_alive(), f"{sender.name} did not finish"
        assert sender.failure is None, f"{sender.name}: {sender.failure!r}"

    answers = [a for s in senders for a in s.answers]
    assert len(answers) == STRESS_THREADS * STRESS_PER_THREAD
    bad = [(status, body) for status, _, _, body in answers if status != 201]
    assert bad == [], bad[:5]
    assert server.take_errors() == []

    ids = [body["id"] for _, _, _, body in answers]
    assert len(set(ids)) == len(ids), "two sends were given the same id"
    stored = fake.store.notifications(fake.service.id)
    stored_ids = [str(n.id) for n in stored]
    assert len(stored_ids) == len(set(stored_ids)), "a notification was stored twice"
    assert sorted(stored_ids) == sorted(ids), "stored notifications differ from the 201s"

    # Each stored notification is the one its answer describes: key type, channel and body.
    by_id = {str(n.id): n for n in stored}
    for _, key_type, channel, body in answers:
        notification = by_id[body["id"]]
        assert notification.type == channel
        assert notification.key_type.value == {"live": "normal"}.get(key_type, key_type)
        assert notification.body == body["content"]["body"]

    sent = Counter((key_type, channel) for _, key_type, channel, _ in answers)
    counted_sms = sent["live", "sms"] + sent["team", "sms"]
    counted_email = sent["live", "email"] + sent["team", "email"]
    test_key_sends = sent["test", "sms"] + sent["test", "email"]
    assert counted_sms and counted_email and test_key_sends  # the mix really was mixed

    dashboard = fake.dashboard
    assert dashboard.sms.sent == counted_sms
    assert dashboard.email.sent == counted_email
    assert dashboard.letter.sent == 0
    assert dashboard.test_key_sends == test_key_sends
    assert dashboard.sms.delivered + dashboard.sms.failed + dashboard.sms.in_flight == counted_sms

    usage = fake.usage
    assert usage.sms.sent == counted_sms
    assert usage.sms.chargeable_units == counted_sms  # one fragment each
    assert usage.emails_sent == counted_email
    assert usage.test_key_sends == test_key_sends
