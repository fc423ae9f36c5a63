"""A store on a frozen clock with one live service, for the lifecycle and outcome tests."""

from __future__ import annotations

import base64
import datetime as dt
import io
import uuid
from dataclasses import dataclass

import pypdf

from pytest_notify.domain.clock import FrozenClock
from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.letters import LetterRequest
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.sending import SendRequest
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.domain.timings import Timings

# Monday 18 May 2026, 10:00 UTC (11:00 in London): a working day, before the 17:30 deadline.
MONDAY = dt.datetime(2026, 5, 18, 10, 0, tzinfo=dt.timezone.utc)
ADDRESS = {"address_line_1": "A. Person", "address_line_2": "1 Test Street", "postcode": "SW1A 1AA"}


def at(seconds: float = 0, **delta: float) -> dt.datetime:
    """``MONDAY`` plus a time."""
    return MONDAY + dt.timedelta(seconds=seconds, **delta)


def pdf_bytes(pages: int = 1) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class World:
    store: Store
    clock: FrozenClock
    service: Service
    keys: dict[KeyType, ApiKey]
    templates: dict[str, uuid.UUID]

    def time(self, timings: Timings) -> None:
        self.store.set_timings(self.service.id, timings)

    def send(self, to: str = "07700900123", *, key: KeyType = KeyType.LIVE, kind: str = "sms") -> Notification:
        request = SendRequest(notification_type=kind, to=to, template_id=self.templates[kind], personalisation={})
        return self.store.send(self.service, self.keys[key], request).notification

    def letter(self, *, key: KeyType = KeyType.LIVE, **address: str) -> Notification:
        request = LetterRequest(template_id=self.templates["letter"], personalisation={**ADDRESS, **address})
        return self.store.send_letter(self.service, self.keys[key], request).notification

    def precompiled(self, content: bytes | None = None, *, key: KeyType = KeyType.LIVE) -> Notification:
        encoded = base64.b64encode(pdf_bytes() if content is None else content).decode()
        return self.store.send_precompiled_letter(
            self.service, self.keys[key], reference="ref", content=encoded, postage=None
        )

    def status(self, notification: Notification) -> str:
        return notification.status_at(self.clock.now()).status


def make_world() -> World:
    clock = FrozenClock(MONDAY)
    store = Store(clock=clock)
    service = store.create_service("Pigeon Affairs Bureau")
    keys = {kind: store.create_api_key(service.id, kind, kind.name) for kind in (KeyType.TEST, KeyType.LIVE)}
    templates = {
        "sms": store.add_template(service.id, "sms", "Hello").id,
        "email": store.add_template(service.id, "email", "Hello", "Subject").id,
        "letter": store.add_template(service.id, "letter", "Hello", "Subject", postage="second").id,
    }
    return World(store, clock, service, keys, templates)
