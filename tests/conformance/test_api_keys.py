"""Notify's rules for API keys (the "API keys" page), through the official Python client."""

from __future__ import annotations

import uuid

import pytest
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError

from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.fake import NotifyFake


def auth_error(client: NotificationsAPIClient, template_id: str) -> object:
    with pytest.raises(HTTPError) as error:
        client.send_sms_notification("07700900123", template_id)
    assert error.value.status_code == 403
    return error.value.message


@pytest.mark.parametrize("key_type", ["test", "team", "live"])
def test_many_active_keys_of_each_type(notify: NotifyFake, key_type: str) -> None:
    notify.add_team_member(mobile="07700900123")
    template = notify.add_template("sms", "Hi")
    keys = [notify.create_key(key_type, f"Key number {i}") for i in range(3)]
    for i, key in enumerate(keys):
        assert key.startswith(f"key_number_{i}-{notify.service_id}-")
        NotificationsAPIClient(key, base_url=notify.base_url).send_sms_notification("07700900123", template.id)
    assert [n.key_name for n in notify.notifications] == ["key_number_0", "key_number_1", "key_number_2"]
    assert {n.key_type for n in notify.notifications} == {"normal" if key_type == "live" else key_type}


@pytest.mark.parametrize(
    ("name", "safe"),
    [("My Test Key!", "my_test_key"), ("  Spaced   out  ", "spaced_out"), ("Café-Key 2", "cafekey_2"), ("a.b", "ab")],
)
def test_key_names_made_safe(notify: NotifyFake, name: str, safe: str) -> None:
    # reference §1.1: diacritics stripped, lower case, whitespace runs to "_", other punctuation dropped.
    key = notify.create_key("test", name)
    assert key == f"{safe}-{notify.service_id}-{key[-36:]}"
    uuid.UUID(key[-36:])


@pytest.mark.notify_service(trial_mode=True)
def test_trial_service_cannot_have_a_live_key(notify: NotifyFake) -> None:
    with pytest.raises(ConfigurationError, match="trial mode"):
        notify.create_key("live", "nope")
    assert {k.key_type.value for k in notify.api_keys} == {"test", "team"}


def test_revoking_one_key_leaves_the_others(notify: NotifyFake) -> None:
    template = notify.add_template("sms", "Hi")
    spare = notify.create_key("live", "spare")
    notify.revoke_key("live_key")  # by name
    revoked = NotificationsAPIClient(notify.live_key, base_url=notify.base_url)  # type: ignore[arg-type]
    assert auth_error(revoked, template.id) == [{"error": "AuthError", "message": "Invalid token: API key revoked"}]
    NotificationsAPIClient(spare, base_url=notify.base_url).send_sms_notification("07700900123", template.id)
    NotificationsAPIClient(notify.test_key, base_url=notify.base_url).send_sms_notification("07700900123", template.id)
    assert [k.revoked for k in notify.api_keys] == [False, False, True, False]


def test_revoked_key_is_forgotten_after_seven_days(notify: NotifyFake) -> None:
    template = notify.add_template("sms", "Hi")
    clock = notify.freeze_time()
    notify.revoke_key(notify.team_key)
    client = NotificationsAPIClient(notify.team_key, base_url=notify.base_url)
    clock.advance(days=6)
    assert auth_error(client, template.id) == [{"error": "AuthError", "message": "Invalid token: API key revoked"}]
    clock.advance(days=2)
    assert auth_error(client, template.id) == [{"error": "AuthError", "message": "Invalid token: API key not found"}]


def test_last_key_revoked(notify: NotifyFake) -> None:
    template = notify.add_template("sms", "Hi")
    clock = notify.freeze_time()
    for key in (notify.test_key, notify.team_key, notify.live_key):
        notify.revoke_key(key)  # type: ignore[arg-type]
    clock.advance(days=8)
    client = NotificationsAPIClient(notify.test_key, base_url=notify.base_url)
    assert auth_error(client, template.id) == [
        {"error": "AuthError", "message": "Invalid token: service has no API keys"}
    ]


def test_revoke_key_names_what_it_could_not_find(notify: NotifyFake) -> None:
    with pytest.raises(ValueError, match="no key of this service matches 'nope'"):
        notify.revoke_key("nope")
    notify.create_key("test", "twin")
    notify.create_key("test", "twin")
    with pytest.raises(ValueError, match="more than one key"):
        notify.revoke_key("twin")


def test_back_to_trial_keeps_the_live_key_with_trial_rules(notify: NotifyFake) -> None:
    template = notify.add_template("sms", "Hi")
    notify.back_to_trial()
    client = NotificationsAPIClient(notify.live_key, base_url=notify.base_url)  # type: ignore[arg-type]
    with pytest.raises(HTTPError) as error:
        client.send_sms_notification("07700900123", template.id)
    assert error.value.message == [
        {
            "error": "BadRequestError",
            "message": "Can’t send to this recipient when service is in trial mode – see "
            "https://www.notifications.service.gov.uk/trial-mode",
        }
    ]
    notify.go_live()
    assert client.send_sms_notification("07700900123", template.id)["id"]
