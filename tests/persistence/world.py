"""A server with a bit of everything, made through its two HTTP APIs with ``--data-dir``'s keeper listening,
and the list of GETs whose answers must be the same, byte for byte, after a restart."""

from __future__ import annotations

import base64
import io
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdf
from werkzeug.test import Client

from pytest_notify.control_backend import FakeControlBackend
from pytest_notify.domain.store import Store
from pytest_notify.http.app import NotifyApp, create_app
from pytest_notify.persist import DataDir
from tests.http.control_helpers import Control

FROZEN_AT = "2026-03-03T10:00:00Z"
"""Every service's clock is frozen (at this time, then moved on a little), so statuses read the same."""
ADDRESS = {"address_line_1": "A. Person", "address_line_2": "1 Example Street", "address_line_3": "SW1A 1AA"}
REFUSED_CALLBACKS = "http://127.0.0.1:9/callbacks"
"""Nothing listens on port 9 (discard): callback tries fail at once and are retried, so jobs stay queued."""


def pdf_bytes(pages: int = 1) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class Server:
    """One store and app, as ``pytest-notify serve --data-dir`` makes them (without the socket)."""

    store: Store
    app: NotifyApp
    data: DataDir
    control: Control

    @classmethod
    def start(cls, directory: Path, *, seed: Any = None) -> Server:
        store = Store()
        data = DataDir(directory, store)
        data.start(seed or (lambda s: {"services": []}))
        app = create_app(store, control=FakeControlBackend(timings="clock"))
        app.journal = data.keeper
        return cls(store, app, data, Control(store, app, Client(app)))

    def stop(self) -> None:
        assert self.app.take_errors() == []
        self.data.close()


@dataclass
class World:
    """The ids and keys of what was made."""

    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Service id -> its keys (by type), and the notification ids each key sent."""
    removed: list[str] = field(default_factory=list)


def build(server: Server) -> World:
    """Make a bit of everything; every call goes through the HTTP app, so the keeper hears of it."""
    control = server.control
    world = World()
    rich = control.new_service(
        name="Pigeon Affairs Bureau",
        team_members=["07700 900 456", {"email": "jo@example.com", "name": "Jo"}],
        guest_list=["guest@example.com", "07700 900 789"],
        permissions=["sms", "email", "letter", "inbound_sms", "international_sms", "upload_letters"],
        email_sender_name="Pigeon Post",
        prefix_sms=True,
        contact_link="https://example.com/contact",
        inbound_number="07700 900 999",
        organisation_type="local",
        sms_senders=["PIGEONS", {"sms_sender": "07700900111", "is_default": True}],
        reply_to_addresses=["reply@example.com", {"email_address": "other@example.com", "is_default": True}],
        rate_limit=1200,
        sms_limit=700,
        sent_today={"email": 3},
        outcomes={"07700 900 789": "permanent-failure", "letter": "returned-letter"},
        delivery_status_callback=[REFUSED_CALLBACKS, "status-token"],
        inbound_sms_callback=[REFUSED_CALLBACKS, "inbound-token"],
    )
    sid = rich["id"]
    control.ok("POST", f"services/{sid}/clock/set", {"at": FROZEN_AT})
    keys = rich["keys"]
    # Letter contact blocks have no control endpoint: made in the store, kept with the next change.
    server.store.add_letter_contact(uuid.UUID(sid), "Pigeon Affairs\nPO Box 1", is_default=True)
    keys["ci"] = control.ok("POST", f"services/{sid}/keys", {"key_type": "live", "name": "CI key"}, 201)["key"]
    old = control.ok("POST", f"services/{sid}/keys", {"key_type": "team", "name": "old key"}, 201)
    control.ok("DELETE", f"services/{sid}/keys/{old['id']}")

    def template(**body: Any) -> str:
        return str(control.ok("POST", f"services/{sid}/templates", body, 201)["id"])

    sms = template(type="sms", body="Hi ((name)), version one", name="Reminder")
    control.ok("POST", f"services/{sid}/templates/{sms}/versions", {"body": "Hi ((name)), your code is ((code))"}, 201)
    email = template(
        type="email", body="Dear ((name)),\n\n* one\n* two\n\nDownload: ((file))", subject="About ((name))"
    )
    letter = template(type="letter", body="Dear ((name))", subject="Your case", postage="first")
    gone = template(type="sms", body="Not any more")
    control.ok("DELETE", f"services/{sid}/templates/{gone}")

    sent: dict[str, list[str]] = {"live": [], "team": [], "test": []}

    def send(kind: str, key_type: str, body: dict[str, Any]) -> str:
        response = control.v2("POST", f"/v2/notifications/{kind}", keys[key_type], body)
        assert response.status_code == 201, response.get_data(as_text=True)
        nid = str(response.get_json()["id"])
        sent["live" if key_type == "ci" else key_type].append(nid)
        return nid

    personalisation = {"name": "Jo", "code": "1234"}
    first = send(
        "sms", "live", {"phone_number": "07700 900 123", "template_id": sms, "personalisation": personalisation}
    )
    send("sms", "ci", {"phone_number": "07700 900 789", "template_id": sms, "personalisation": personalisation})
    send("sms", "live", {"phone_number": "+33 6 12 34 56 78", "template_id": sms, "personalisation": personalisation})
    file = {"file": base64.b64encode(b"a,b\n1,2\n").decode(), "filename": "data.csv"}
    send(
        "email",
        "live",
        {
            "email_address": "someone@example.com",
            "template_id": email,
            "personalisation": {"name": "Jo", "file": file},
            "reference": "ref-1",
            "email_reply_to_id": control.ok("GET", f"services/{sid}")["reply_to_addresses"][0]["id"],
        },
    )
    send("sms", "team", {"phone_number": "07700 900 456", "template_id": sms, "personalisation": personalisation})
    simulated = {"email_address": "temp-fail@simulator.notify", "template_id": email}
    send("email", "test", {**simulated, "personalisation": {"name": "T", "file": "x"}})
    send("letter", "live", {"template_id": letter, "personalisation": {**ADDRESS, "name": "Jo"}, "reference": "L1"})
    send("letter", "live", {"reference": "pre-1", "content": base64.b64encode(pdf_bytes(2)).decode()})
    control.ok("POST", f"services/{sid}/clock/advance", {"seconds": 1})  # handed over, not yet delivered
    control.ok("POST", f"services/{sid}/outcomes", {"status": "temporary-failure", "notification": first}, 201)
    control.ok("POST", f"services/{sid}/clock/advance", {"seconds": 5})  # receipts: callbacks tried and refused
    control.ok("POST", f"services/{sid}/received-texts", {"content": "STOP", "from_number": "07700 900 321"}, 201)
    control.ok(
        "POST", f"services/{sid}/received-texts", {"content": "Yes please", "received_at": "2026-03-02T09:00:00Z"}, 201
    )
    control.ok("PUT", f"services/{sid}/timings", {"timings": {"sms": {"final": 60}}})
    control.ok("PUT", f"services/{sid}/callbacks/inbound_sms", {"url": REFUSED_CALLBACKS, "bearer_token": "new-token"})
    world.services[sid] = {"keys": keys, "sent": sent, "templates": [sms, email, letter, gone]}

    manual = control.new_service(
        name="Trial Ducks",
        trial_mode=True,
        team_members=["07700 900 456"],
        timings="manual",
        outcomes={"email": "permanent-failure"},
    )
    mid = manual["id"]
    control.ok("POST", f"services/{mid}/clock/set", {"at": FROZEN_AT})
    duck = str(control.ok("POST", f"services/{mid}/templates", {"type": "sms", "body": "Quack ((n))"}, 201)["id"])
    msent: dict[str, list[str]] = {"live": [], "team": [], "test": []}
    for n in range(4):
        response = control.v2(
            "POST",
            "/v2/notifications/sms",
            manual["keys"]["team"],
            {"phone_number": "07700 900 456", "template_id": duck, "personalisation": {"n": n}, "reference": f"d{n}"},
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        msent["team"].append(str(response.get_json()["id"]))
    control.ok("POST", f"services/{mid}/notifications/{msent['team'][0]}/advance", {})
    control.ok("POST", f"services/{mid}/notifications/{msent['team'][1]}/advance", {"to": "delivered"})
    control.ok("PATCH", f"services/{mid}", {"email_limit": 5})
    control.ok("DELETE", f"services/{mid}/outcomes")
    manual["keys"]["live"] = control.ok("PATCH", f"services/{mid}", {"trial_mode": False})["api_keys"][-1]["key"]
    world.services[mid] = {"keys": manual["keys"], "sent": msent, "templates": [duck]}

    doomed = control.new_service(name="Short-lived")
    control.ok("DELETE", f"services/{doomed['id']}")
    world.removed.append(doomed["id"])
    return world


CONTROL_READS = (
    "",
    "/keys",
    "/templates",
    "/notifications",
    "/dashboard",
    "/usage",
    "/callbacks",
    "/clock",
    "/timings",
)


def answers(server: Server, world: World) -> dict[str, tuple[int, str, bytes]]:
    """Every GET that shows the state: ``"METHOD path (key)" -> (status, content type, body)``."""
    control = server.control
    found: dict[str, tuple[int, str, bytes]] = {}

    def take(label: str, response: Any) -> None:
        found[label] = (response.status_code, response.content_type, response.get_data())

    for path in ("", "services"):
        take(f"control {path}", control.call("GET", path))
    for sid, made in world.services.items():
        for path in CONTROL_READS:
            take(f"control {sid}{path}", control.call("GET", f"services/{sid}{path}"))
        for tid in made["templates"]:
            take(f"control template {tid}", control.call("GET", f"services/{sid}/templates/{tid}"))
        keys = made["keys"]
        for key_type, ids in made["sent"].items():
            key = keys.get(key_type)
            if not key:
                continue
            for query in ("", "?template_type=sms", "?status=delivered", "?reference=L1", "?status=failed"):
                take(f"list {key_type} {query}", control.v2("GET", f"/v2/notifications{query}", key))
            for nid in ids:
                take(f"get {nid}", control.v2("GET", f"/v2/notifications/{nid}", key))
                take(f"pdf {nid}", control.v2("GET", f"/v2/notifications/{nid}/pdf", key))
                take(f"older than {nid}", control.v2("GET", f"/v2/notifications?older_than={nid}", key))
        key = keys.get("live") or keys["team"]
        take(f"templates {sid}", control.v2("GET", "/v2/templates", key))
        take(f"texts {sid}", control.v2("GET", "/v2/received-text-messages", key))
        for tid in made["templates"]:
            for version in ("", "/version/1", "/version/2"):
                take(f"template {tid}{version}", control.v2("GET", f"/v2/template/{tid}{version}", key))
    for document in (d for t in server.store.services() for d in _documents(server.store, str(t.id))):
        take(f"document {document}", server.control.client.get(f"/{document}"))
    for sid in world.removed:
        take(f"removed {sid}", control.call("GET", f"services/{sid}"))
    return found


def _documents(store: Store, service_id: str) -> list[str]:
    with store.tenants_locked(uuid.UUID(service_id)) as tenants:
        return [d.path for t in tenants for d in t.documents.values()]


def dump(found: dict[str, tuple[int, str, bytes]]) -> str:
    """For a readable assertion failure."""
    return json.dumps({k: [s, c, b.decode("utf-8", "replace")[:200]] for k, (s, c, b) in found.items()}, indent=1)
