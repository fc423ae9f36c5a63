"""A small valid seed (as parsed data) for the seed tests to break one field at a time."""

from __future__ import annotations

import copy
from typing import Any

SERVICE_ID = "11111111-1111-4111-8111-111111111111"
TRIAL_ID = "22222222-2222-4222-8222-222222222222"
SECRET = "33333333-3333-4333-8333-333333333333"
CONTACT_ID = "44444444-4444-4444-8444-444444444444"

BASE: dict[str, Any] = {
    "services": [
        {
            "id": SERVICE_ID,
            "name": "Seeded service",
            "team_members": ["jo@example.com", {"name": "Sam", "mobile": "07700900111"}],
            "guest_list": ["guest@example.com"],
            "contact_link": "https://example.com/contact",
            "inbound_number": "07700900999",
            "limits": {"sms": 10},
            "timings": "instant",
            "api_keys": [
                {"name": "live key", "type": "live", "secret": SECRET},
                {"name": "team key", "type": "team", "secret": "55555555-5555-4555-8555-555555555555"},
            ],
            "templates": [
                {"id": "66666666-6666-4666-8666-666666666666", "type": "sms", "body": "Hi ((name))"},
                {
                    "id": "77777777-7777-4777-8777-777777777777",
                    "type": "email",
                    "versions": [{"name": "Mail", "subject": "S", "body": "B"}, {"body": "B2"}],
                },
                {
                    "id": "88888888-8888-4888-8888-888888888888",
                    "type": "letter",
                    "subject": "Letter",
                    "body": "Dear ((name))",
                    "letter_contact": CONTACT_ID,
                },
            ],
            "sms_senders": [{"id": "99999999-9999-4999-8999-999999999999", "sms_sender": "Seeded", "is_default": True}],
            "reply_to_addresses": [
                {"id": "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "email_address": "r@example.com", "is_default": True}
            ],
            "letter_contacts": [{"id": CONTACT_ID, "contact_block": "1 High Street"}],
            "received_texts": [{"content": "Hello", "user_number": "07700900123", "minutes_ago": 5}],
            "callbacks": {"delivery_status": {"url": "https://example.com/status", "bearer_token": "token-1"}},
        },
        {"id": TRIAL_ID, "name": "Trial", "trial_mode": True, "api_keys": [{"type": "team"}]},
    ]
}


def base() -> dict[str, Any]:
    """A fresh copy of :data:`BASE`."""
    return copy.deepcopy(BASE)


def changed(path: str, value: Any) -> dict[str, Any]:
    """:data:`BASE` with the value at ``path`` (``services.0.templates.2.type``) set, or removed if ``...``."""
    data = base()
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key: Any = int(last) if isinstance(node, list) else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return data
