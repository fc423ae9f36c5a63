"""Every mistake a seed file can hold is reported with its path, and several at once."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_notify.seed import SeedError, parse_seed
from pytest_notify.seed_schema import check_seed
from tests.seed.seed_helpers import CONTACT_ID, SERVICE_ID, TRIAL_ID, base, changed

S0 = "services[0]"
ORG_TYPES = "central, local, nhs_central, nhs_local, nhs_gp, nhs_notify, emergency_service, school_or_college, other"
PERMISSIONS = (
    "sms, email, letter, international_sms, sms_to_uk_landlines, international_letters, inbound_sms, upload_letters, "
    "email_auth"
)
UUID_HINT = "must be a UUID such as '3d1ce8a6-1f6e-4c8a-9f3e-7b2d5c4a1e90'"
SECRET_HINT = (
    "must be a UUID such as '5b1e3c4d-7a8f-4e2b-9c0d-1e2f3a4b5c6d', as Notify's secrets are (the official clients "
    "read a key's last 36 characters)"
)
OTHER_KEY = f"live_key-{TRIAL_ID}-33333333-3333-4333-8333-333333333333"

# (what is changed, the value (... removes it), the one message expected)
CASES: list[tuple[str, Any, str]] = [
    # the file as a whole
    ("services", ..., "services: is required: a list of one or more services ([[services]] in TOML)"),
    ("services", [], "services: must list at least one service"),
    ("services", "all", "services: must be a list, got 'all'"),
    ("services.1", 5, "services[1]: must be a table (an object in JSON), got 5"),
    ("servces", 1, "servces: unknown field; did you mean 'services'?"),
    # a service
    ("services.0.id", ..., f"{S0}.id: is required"),
    ("services.0.id", "service-1", f"{S0}.id: {UUID_HINT}, got 'service-1'"),
    ("services.1.id", SERVICE_ID, f"services[1].id: {SERVICE_ID} is already the id of {S0}"),
    ("services.0.name", 3, f"{S0}.name: must be text, got 3"),
    ("services.0.name", " ", f"{S0}.name: must not be empty"),
    ("services.0.trial_mode", "yes", f"{S0}.trial_mode: must be true or false, got 'yes'"),
    ("services.0.organisation_type", "council", f"{S0}.organisation_type: must be one of {ORG_TYPES}, got 'council'"),
    ("services.0.permissions", ["sms", "fax"], f"{S0}.permissions[1]: must be one of {PERMISSIONS}, got 'fax'"),
    ("services.0.permissions", "sms", f"{S0}.permissions: must be a list, got 'sms'"),
    (
        "services.0.colour",
        "blue",
        f"{S0}.colour: unknown field; known fields: api_keys, callbacks, contact_link, crown, email_sender_name, "
        "guest_list, id, inbound_number, letter_contacts, limits, name, organisation_type, permissions, prefix_sms, "
        "received_texts, reply_to_addresses, sms_senders, team_members, templates, timings, trial_mode",
    ),
    ("services.0.trail_mode", True, f"{S0}.trail_mode: unknown field; did you mean 'trial_mode'?"),
    (
        "services.0.team_members.0",
        "Jo",
        f"{S0}.team_members[0]: must be an email address, a mobile number or a table, got 'Jo'",
    ),
    ("services.0.team_members.1", {"name": "Sam"}, f"{S0}.team_members[1]: needs an email, a mobile or both"),
    (
        "services.0.team_members.1",
        {"email": "sam@"},
        f"{S0}.team_members[1].email: must be a valid email address, got 'sam@'",
    ),
    ("services.0.team_members.1", {"mobile": "12"}, f"{S0}.team_members[1].mobile: must be a phone number, got '12'"),
    (
        "services.0.team_members.1",
        {"email": "s@example.com", "phone": "1"},
        f"{S0}.team_members[1].phone: unknown field; known fields: email, mobile, name",
    ),
    (
        "services.0.team_members.1",
        7,
        f"{S0}.team_members[1]: must be an email address, a mobile number or a table, got 7",
    ),
    (
        "services.0.guest_list",
        ["nobody"],
        f"{S0}.guest_list[0]: must be an email address or a phone number, got 'nobody'",
    ),
    ("services.0.guest_list", [""], f"{S0}.guest_list[0]: must be non-empty text, got ''"),
    (
        "services.0.contact_link",
        "ring us",
        f"{S0}.contact_link: must be a URL (https://...), an email address or a phone number, got 'ring us'",
    ),
    ("services.0.inbound_number", "inbound", f"{S0}.inbound_number: must be a phone number, got 'inbound'"),
    ("services.0.email_sender_name", False, f"{S0}.email_sender_name: must be text, got false"),
    ("services.0.prefix_sms", 1, f"{S0}.prefix_sms: must be true or false, got 1"),
    ("services.0.crown", "no", f"{S0}.crown: must be true or false, got 'no'"),
    # limits and timings
    ("services.0.limits", {"sms": -1}, f"{S0}.limits.sms: must be a whole number of 0 or more, got -1"),
    ("services.0.limits", {"rate_limit": 1.5}, f"{S0}.limits.rate_limit: must be a whole number of 0 or more, got 1.5"),
    ("services.0.limits", {"emails": 5}, f"{S0}.limits.emails: unknown field; did you mean 'email'?"),
    ("services.0.limits", 5, f"{S0}.limits: must be a table (an object in JSON), got 5"),
    (
        "services.0.timings",
        "slow",
        f"{S0}.timings: must be one of instant, clock, manual or a mapping of delays, not 'slow'",
    ),
    ("services.0.timings", 5, f"{S0}.timings: must be instant, clock or manual, or a table of delays, got 5"),
    ("services.0.timings", {"sms": {"final": -1}}, f"{S0}.timings: final must be a number of seconds >= 0, not -1"),
    ("services.0.timings", {"fax": {}}, f"{S0}.timings: unknown fax; known: sending, final, sms, email, letter"),
    # API keys
    ("services.0.api_keys.0.type", "admin", f"{S0}.api_keys[0].type: must be one of test, team, live, got 'admin'"),
    ("services.0.api_keys.0.type", ..., f"{S0}.api_keys[0].type: is required: one of test, team, live"),
    (
        "services.1.api_keys.0.type",
        "live",
        "services[1].api_keys[0].type: a service in trial mode cannot have a live key, as in Notify; use a team key",
    ),
    (
        "services.0.api_keys.1.name",
        "Live Key",
        f"{S0}.api_keys[1].name: 'live_key' is already the name of {S0}.api_keys[0]; active key names are unique",
    ),
    ("services.0.api_keys.0.secret", "hunter2", f"{S0}.api_keys[0].secret: {SECRET_HINT}, got 'hunter2'"),
    ("services.0.api_keys.0.secret", 42, f"{S0}.api_keys[0].secret: must be text, got 42"),
    (
        "services.0.api_keys.1.secret",
        "33333333-3333-4333-8333-333333333333",
        f"{S0}.api_keys[1].secret: is already the secret of {S0}.api_keys[0]",
    ),
    (
        "services.0.api_keys.0.secret",
        OTHER_KEY,
        f"{S0}.api_keys[0].secret: must be a secret or a whole API key of this service ({SERVICE_ID})",
    ),
    (
        "services.0.api_keys.0.secret_env",
        "SEED_SECRET",
        f"{S0}.api_keys[0].secret_env: give secret or secret_env, not both",
    ),
    ("services.0.api_keys.0.revoked", "no", f"{S0}.api_keys[0].revoked: must be true or false, got 'no'"),
    (
        "services.0.api_keys.0.expires",
        "never",
        f"{S0}.api_keys[0].expires: unknown field; known fields: name, revoked, secret, secret_env, type",
    ),
    ("services.0.api_keys", {"type": "live"}, f"{S0}.api_keys: must be a list, got a table"),
    # templates
    ("services.0.templates.2.type", "fax", f"{S0}.templates[2].type: must be one of sms, email, letter, got 'fax'"),
    ("services.0.templates.0.type", ..., f"{S0}.templates[0].type: is required: one of sms, email, letter"),
    ("services.0.templates.0.id", ..., f"{S0}.templates[0].id: is required"),
    ("services.0.templates.0.id", SERVICE_ID, f"{S0}.templates[0].id: {SERVICE_ID} is already the id of {S0}"),
    ("services.0.templates.0.subject", "Hi", f"{S0}.templates[0].subject: text message templates have no subject"),
    ("services.0.templates.0.body", ..., f"{S0}.templates[0].body: is required"),
    ("services.0.templates.0.body", "", f"{S0}.templates[0].body: must not be empty"),
    ("services.0.templates.0.postage", "first", f"{S0}.templates[0].postage: only letter templates have a postage"),
    ("services.0.templates.2.subject", ..., f"{S0}.templates[2].subject: is required: letter templates have a subject"),
    (
        "services.0.templates.2.postage",
        "third",
        f"{S0}.templates[2].postage: must be one of first, second, economy, got 'third'",
    ),
    (
        "services.0.templates.2.letter_contact",
        "12121212-1212-4212-8212-121212121212",
        f"{S0}.templates[2].letter_contact: 12121212-1212-4212-8212-121212121212 is not one of this service's letter_contacts",
    ),
    (
        "services.0.templates.2.letter_contact_block",
        "2 Low Street",
        f"{S0}.templates[2].letter_contact: give letter_contact or letter_contact_block, not both",
    ),
    ("services.0.templates.2.subjet", "x", f"{S0}.templates[2].subjet: unknown field; did you mean 'subject'?"),
    (
        "services.0.templates.1.body",
        "x",
        f"{S0}.templates[1].body: give the template's fields here or in versions, not both",
    ),
    ("services.0.templates.1.versions", [], f"{S0}.templates[1].versions: must have at least one version"),
    (
        "services.0.templates.1.versions.0.subject",
        ...,
        f"{S0}.templates[1].versions[0].subject: is required: email templates have a subject",
    ),
    (
        "services.0.templates.1.versions.1",
        {"postage": "first"},
        f"{S0}.templates[1].versions[1].postage: only letter templates have a postage",
    ),
    (
        "services.0.templates.1.versions.1",
        "v2",
        f"{S0}.templates[1].versions[1]: must be a table (an object in JSON), got 'v2'",
    ),
    (
        "services.0.templates.1.created_by",
        "me",
        f"{S0}.templates[1].created_by: must be a valid email address, got 'me'",
    ),
    # senders, reply-to addresses, letter contacts
    (
        "services.0.sms_senders.0.sms_sender",
        "Seeded Service",
        f"{S0}.sms_senders[0].sms_sender: must be a phone number or at most 11 characters, got 'Seeded Service'",
    ),
    ("services.0.sms_senders.0.id", ..., f"{S0}.sms_senders[0].id: is required"),
    (
        "services.0.sms_senders",
        [
            {"id": "13131313-1313-4313-8313-131313131313", "sms_sender": "A", "is_default": True},
            {"id": "14141414-1414-4414-8414-141414141414", "sms_sender": "B", "is_default": True},
        ],
        f"{S0}.sms_senders: only one may be the default; {S0}.sms_senders[0], {S0}.sms_senders[1] all say is_default = true",
    ),
    (
        "services.0.reply_to_addresses.0.email_address",
        "replies",
        f"{S0}.reply_to_addresses[0].email_address: must be a valid email address, got 'replies'",
    ),
    (
        "services.0.reply_to_addresses.0.is_default",
        False,
        f"{S0}.reply_to_addresses: one of them must be the default (is_default = true), as Notify requires",
    ),
    ("services.0.letter_contacts.0.contact_block", ..., f"{S0}.letter_contacts[0].contact_block: is required"),
    (
        "services.0.sms_senders.0.id",
        CONTACT_ID,
        f"{S0}.sms_senders[0].id: {CONTACT_ID} is already the id of {S0}.letter_contacts[0]",
    ),
    # received texts
    ("services.0.received_texts.0.content", ..., f"{S0}.received_texts[0].content: is required"),
    (
        "services.0.received_texts.0.user_number",
        "me",
        f"{S0}.received_texts[0].user_number: must be a phone number, got 'me'",
    ),
    (
        "services.0.received_texts.0.minutes_ago",
        -5,
        f"{S0}.received_texts[0].minutes_ago: must be a whole number of 0 or more, got -5",
    ),
    (
        "services.0.received_texts.0.received_at",
        "2025-01-06T09:30:00Z",
        f"{S0}.received_texts[0].minutes_ago: give received_at or minutes_ago, not both",
    ),
    (
        "services.0.received_texts.0",
        {"content": "Hi", "received_at": "yesterday"},
        f"{S0}.received_texts[0].received_at: must be a date and time such as '2025-01-06T09:30:00Z', got 'yesterday'",
    ),
    (
        "services.0.received_texts.0",
        {"content": "Hi", "received_at": 20250106},
        f"{S0}.received_texts[0].received_at: must be a date and time such as 2025-01-06T09:30:00Z, got 20250106",
    ),
    # callbacks
    (
        "services.0.callbacks.delivery_status.url",
        "ftp://example.com",
        f"{S0}.callbacks.delivery_status.url: a callback URL must start with https:// (or http:// here); got 'ftp://example.com'",
    ),
    ("services.0.callbacks.delivery_status.url", ..., f"{S0}.callbacks.delivery_status.url: is required"),
    (
        "services.0.callbacks.delivery_status.bearer_token",
        ...,
        f"{S0}.callbacks.delivery_status.bearer_token: is required: Notify sends it in the Authorization header",
    ),
    (
        "services.0.callbacks.status",
        {},
        f"{S0}.callbacks.status: unknown field; known fields: delivery_status, inbound_sms",
    ),
    (
        "services.0.callbacks.inbound_sms",
        {"url": "https://example.com/in", "bearer_token_env": "SEED_UNSET_TOKEN"},
        f"{S0}.callbacks.inbound_sms.bearer_token_env: the environment variable SEED_UNSET_TOKEN is not set",
    ),
]


@pytest.mark.parametrize(("where", "value", "message"), CASES, ids=[f"{w}={v!r}"[:60] for w, v, _ in CASES])
def test_each_mistake_is_named_with_its_path(where: str, value: Any, message: str) -> None:
    with pytest.raises(SeedError) as error:
        check_seed(changed(where, value), environ={})
    assert [str(p) for p in error.value.problems] == [message]
    assert str(error.value) == message


def test_the_base_seed_is_valid() -> None:
    seed = check_seed(base(), environ={})
    assert [s.name for s in seed.services] == ["Seeded service", "Trial"]


def test_several_mistakes_are_reported_at_once() -> None:
    data = base()
    data["services"][0]["templates"][2]["type"] = "fax"
    data["services"][0]["trial_mode"] = "no"
    data["services"][1]["api_keys"][0]["type"] = "live"
    with pytest.raises(SeedError) as error:
        parse_seed(json.dumps(data), source="seed.json", environ={})
    assert str(error.value) == "\n".join(
        [
            "seed.json: 3 mistakes, nothing was set up:",
            f"  {S0}.trial_mode: must be true or false, got 'no'",
            f"  {S0}.templates[2].type: must be one of sms, email, letter, got 'fax'",
            "  services[1].api_keys[0].type: a service in trial mode cannot have a live key, as in Notify; use a team key",
        ]
    )


def test_a_file_wrong_everywhere_is_told_in_a_readable_number_of_lines() -> None:
    data = base()
    data["services"][0]["guest_list"] = ["nobody"] * 60
    with pytest.raises(SeedError) as error:
        check_seed(data, environ={})
    lines = str(error.value).splitlines()
    assert lines[0] == "60 mistakes, nothing was set up:"
    assert len(lines) == 52
    assert lines[-1] == "  ... and 10 more"


def test_a_missing_environment_variable_is_named() -> None:
    data = changed("services.0.api_keys.0.secret", ...)
    data["services"][0]["api_keys"][0]["secret_env"] = "SEED_LIVE_KEY"
    with pytest.raises(SeedError) as error:
        check_seed(data, environ={"OTHER": "x"})
    assert [str(p) for p in error.value.problems] == [
        f"{S0}.api_keys[0].secret_env: the environment variable SEED_LIVE_KEY is not set"
    ]


def test_a_bad_secret_from_the_environment_is_not_echoed() -> None:
    data = changed("services.0.api_keys.0.secret", ...)
    data["services"][0]["api_keys"][0]["secret_env"] = "SEED_LIVE_KEY"
    with pytest.raises(SeedError) as error:
        check_seed(data, environ={"SEED_LIVE_KEY": "do-not-print-me"})
    assert str(error.value) == f"{S0}.api_keys[0].secret_env: {SECRET_HINT}, got (hidden)"


def test_the_top_level_must_be_a_table() -> None:
    with pytest.raises(SeedError) as error:
        parse_seed("[1, 2]", format="json", source="seed.json", environ={})
    assert str(error.value) == "seed.json: a seed file is a table with a services list, got a list"


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        # tomllib's wording may change between Python versions; where it points must not.
        ('services = [\n{id = "x" name = 3}]\n', "toml", "invalid TOML: ", "(at line 2, column 11)"),
        ("[[services]]\nid = \n", "toml", "invalid TOML: ", "(at line 2, column 6)"),
        (
            '{"services": [\n{"id": "x",, }]}\n',
            "json",
            "invalid JSON: Expecting property name enclosed in double quotes",
            " (at line 2, column 12)",
        ),
        ('{"services": []', "json", "invalid JSON: Expecting ',' delimiter", " (at line 1, column 16)"),
    ],
    ids=["toml-inline-table", "toml-no-value", "json-double-comma", "json-unclosed"],
)
def test_invalid_syntax_gives_the_parsers_line_and_column(text: str, kind: str, start: str, end: str) -> None:
    with pytest.raises(SeedError) as error:
        parse_seed(text, format=kind, source=f"seed.{kind}", environ={})
    message = str(error.value)
    assert message.startswith(f"seed.{kind}: {start}")
    assert message.endswith(end)
    assert "\n" not in message
