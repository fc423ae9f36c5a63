"""docs/seed-example.toml loads, and makes exactly the objects its comments describe, one by one."""

from __future__ import annotations

import datetime as dt
import re
import sys
import uuid
from pathlib import Path

import pytest

from pytest_notify.domain.callbacks import CallbackApi
from pytest_notify.domain.clock import FrozenClock
from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.service import Service, TeamMember
from pytest_notify.domain.store import Store
from pytest_notify.domain.timings import INSTANT, Delays
from pytest_notify.seed import SeededService, apply_seed, load_seed
from pytest_notify.seed_schema import (
    CALLBACK_FIELDS,
    KEY_FIELDS,
    LIMIT_FIELDS,
    RECEIVED_FIELDS,
    SERVICE_FIELDS,
    TEMPLATE_FIELDS,
)

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE = DOCS / "seed-example.toml"
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone.utc)
LIVE = uuid.UUID("89dd7e51-c845-47e4-8923-94a7f840c7b1")
TRIAL = uuid.UUID("ccb6ccec-00fc-46bb-857d-5107603e7a5c")
HOME = uuid.UUID("e6b1f162-4556-4e29-b5ba-dc3cb6cddc87")
WALES = uuid.UUID("a9360c29-4cee-46c2-8f75-a17bff3453f1")
HOME_BLOCK = "Example Appointments\n1 High Street\nExampletown\nEX1 1AA"
WALES_BLOCK = "Example Appointments (Wales)\n2 Heol Fawr\nCardiff\nCF10 1AA"


@pytest.fixture(scope="module")
def loaded() -> tuple[Store, list[SeededService]]:
    store = Store(clock=FrozenClock(NOW))
    return store, apply_seed(store, load_seed(EXAMPLE))


@pytest.fixture
def store(loaded: tuple[Store, list[SeededService]]) -> Store:
    return loaded[0]


@pytest.fixture
def live(store: Store) -> Service:
    return store.get_service(LIVE)


def test_two_services_in_file_order(loaded: tuple[Store, list[SeededService]]) -> None:
    store, seeded = loaded
    assert [(s.id, s.name, s.trial_mode) for s in store.services()] == [
        (LIVE, "Example Appointments", False),
        (TRIAL, "Example Trial Service", True),
    ]
    assert [s.service.id for s in seeded] == [LIVE, TRIAL]


def test_service_settings(live: Service) -> None:
    assert live.organisation_type == "local"
    assert live.permissions == {
        "sms",
        "email",
        "letter",
        "international_sms",
        "inbound_sms",
        "upload_letters",
        "international_letters",
    }
    assert live.email_sender_name == "Example Appointments Team"
    assert live.from_email == "example.appointments.team@notifications.service.gov.uk"
    assert live.prefix_sms is True
    assert live.crown is False
    assert live.contact_link == "https://appointments.example.com/contact"
    assert live.inbound_number == "447700900456"


def test_team_and_guest_list(live: Service) -> None:
    assert live.team_members == [
        TeamMember(email_address="ops@appointments.example.com"),
        TeamMember("jo.bloggs@appointments.example.com", "07700 900 111", "Jo Bloggs"),
    ]
    assert live.guest_list == ["tester@example.com", "07700 900 222"]


def test_timings_and_limits(store: Store) -> None:
    with store.tenants_locked(LIVE) as (tenant,):
        assert tenant.timings.mode == "clock"
        assert tenant.timings.delays("sms") == Delays(0.5, 2)
        assert tenant.timings.delays("email") == Delays(0.5, 1)
    limits = store.limits_of(LIVE)
    assert (limits.rate_limit, limits.sms, limits.email, limits.letter, limits.international_sms) == (
        3000,
        1000,
        5000,
        200,
        50,
    )


def test_api_keys(live: Service) -> None:
    assert [(k.name, k.key_type, k.secret, k.revoked) for k in live.api_keys] == [
        ("live_key", KeyType.LIVE, "6d6ad3d5-0dc5-4d25-8c0c-2d4fd7d3b1f1", False),
        ("team_key", KeyType.TEAM, "0b9e1c77-51c3-4b53-9a3e-6f3ea1c2d8a4", False),
        ("test_key", KeyType.TEST, "f7d0f5a8-2c5b-4b8f-a0f4-4c1f3a8e9b62", False),
        ("old_live_key", KeyType.LIVE, "3c0c9b1e-7a0e-4f0f-8d1e-9c2b5a6f7e80", True),
    ]
    # The key string the file's comment shows.
    assert live.api_keys[0].key == (
        "live_key-89dd7e51-c845-47e4-8923-94a7f840c7b1-6d6ad3d5-0dc5-4d25-8c0c-2d4fd7d3b1f1"
    )


def test_senders_reply_to_addresses_and_letter_contacts(live: Service) -> None:
    assert [(s.id, s.sms_sender, s.is_default) for s in live.sms_senders] == [
        (uuid.UUID("a30d70ed-51b4-4622-ac09-fd491f259261"), "ExampleAppt", True),
        (uuid.UUID("5c240d61-42db-4b01-80ff-d3c444514f38"), "07700900456", False),
    ]
    assert live.default_sms_sender == "ExampleAppt"
    assert [(r.id, r.email_address, r.is_default) for r in live.reply_to_addresses] == [
        (uuid.UUID("609fa21c-3e93-4513-a577-cae9e99d26f5"), "replies@appointments.example.com", True),
        (uuid.UUID("eb4bc4d2-66bb-4c95-af65-31242359937b"), "complaints@appointments.example.com", False),
    ]
    assert [(c.id, c.contact_block, c.is_default) for c in live.letter_contacts] == [
        (HOME, HOME_BLOCK, True),
        (WALES, WALES_BLOCK, False),
    ]


def test_templates_and_their_version_history(live: Service) -> None:
    sms, email, letter = live.templates.values()
    assert (sms.id, sms.type, sms.version) == (uuid.UUID("3aed2f61-9b8f-48b0-879d-1eb402c6e92d"), "sms", 2)
    assert [(v.name, v.content, v.subject) for v in sms.versions] == [
        ("Appointment reminder", "Your appointment is on ((date)).", None),
        ("Appointment reminder", "Hello ((name)), your appointment is on ((date)) at ((time)).", None),
    ]
    assert (email.id, email.type, email.version) == (uuid.UUID("b0163b8c-a227-4e92-9999-d0ff3badad76"), "email", 1)
    assert (email.name, email.subject, email.current.created_by) == (
        "Appointment confirmation",
        "Your appointment on ((date))",
        "jo.bloggs@appointments.example.com",
    )
    assert email.content == "Dear ((name)),\n\nYour appointment is confirmed for ((date)).\n\n((link_to_file))"
    assert (letter.id, letter.type, letter.version) == (uuid.UUID("539c33ac-47d6-487c-bcad-aa97a8743d26"), "letter", 2)
    assert [(v.name, v.subject, v.postage, v.letter_contact_block) for v in letter.versions] == [
        ("Appointment letter", "Your appointment", "second", HOME_BLOCK),
        ("Appointment letter", "Your hospital appointment", "first", WALES_BLOCK),
    ]
    assert letter.versions[0].content == letter.versions[1].content


def test_received_texts_newest_first(store: Store) -> None:
    assert [(m.content, m.user_number, m.notify_number, m.created_at) for m in store.received_texts(LIVE)] == [
        ("Can I change the time?", "447700900321", "447700900456", NOW - dt.timedelta(minutes=5)),
        ("Yes, I will come", "447700900123", "447700900456", NOW - dt.timedelta(minutes=30)),
    ]


def test_callbacks(live: Service) -> None:
    assert live.delivery_status_callback == CallbackApi(
        "https://appointments.example.com/notify/delivery-status", "delivery-status-token-0123456789"
    )
    assert live.inbound_sms_callback == CallbackApi(
        "https://appointments.example.com/notify/received-text", "received-text-token-0123456789"
    )


def test_the_trial_service(store: Store) -> None:
    trial = store.get_service(TRIAL)
    assert (trial.restricted, trial.organisation_type) == (True, "central")
    assert trial.team_members == [TeamMember(email_address="trial.owner@example.gov.uk")]
    assert trial.guest_list == ["guest@example.com"]
    assert [(k.name, k.key_type) for k in trial.api_keys] == [("team_key", KeyType.TEAM), ("test_key", KeyType.TEST)]
    ((template),) = trial.templates.values()
    assert (template.id, template.type, template.name, template.subject) == (
        uuid.UUID("e9b18459-a239-4ddf-b33c-52162bb88d36"),
        "email",
        "Trial welcome",
        "Welcome",
    )
    with store.tenants_locked(TRIAL) as (tenant,):
        assert tenant.timings == INSTANT
    limits = store.limits_of(TRIAL)
    assert (limits.sms, limits.email, limits.letter) == (50, 50, 50)  # Notify's trial limits (reference §7.2)
    assert trial.delivery_status_callback is None


def test_the_example_uses_every_field() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    first = tomllib.loads(text)["services"][0]
    assert set(first) == set(SERVICE_FIELDS)
    used = {f for t in first["templates"] for f in t} | {
        f for t in first["templates"] for v in t.get("versions", ()) for f in v
    }
    # letter_contact_block is the alternative to letter_contact, which the example uses (and mentions the other).
    assert used == set(TEMPLATE_FIELDS) - {"letter_contact_block"}
    assert "letter_contact_block" in text
    assert {f for k in first["api_keys"] for f in k} == set(KEY_FIELDS) - {"secret_env"}
    assert re.search(r'^# secret_env = "', text, re.M), "secret_env is shown, commented out (it needs the variable)"
    assert set(first["limits"]) == set(LIMIT_FIELDS)
    assert {f for r in first["received_texts"] for f in r} == set(RECEIVED_FIELDS) - {"received_at"}
    assert {f for c in first["callbacks"].values() for f in c} == set(CALLBACK_FIELDS) - {"bearer_token_env"}


def test_the_server_page_documents_every_field() -> None:
    page = (DOCS / "server.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(\w+)` \|", page, re.M))
    fields = {*SERVICE_FIELDS, *TEMPLATE_FIELDS, *KEY_FIELDS, *RECEIVED_FIELDS}
    assert fields - documented == set()
    assert documented - fields == set()
