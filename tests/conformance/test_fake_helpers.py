"""The ``notify`` helpers for senders, reply-to addresses and template versions, through the client."""

from __future__ import annotations

import pytest
from notifications_python_client import NotificationsAPIClient

from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.fake import NotifyFake


def test_sms_sender_helper(notify: NotifyFake) -> None:
    client = NotificationsAPIClient(notify.live_key, base_url=notify.base_url)
    template = notify.add_template("sms", "Hi")
    sender_id = notify.add_sms_sender("07700 900456")
    sent = client.send_sms_notification("07700900123", template.id, sms_sender_id=sender_id)
    assert sent["content"]["from_number"] == "447700900456"  # E.164 without + (§3.1)


def test_default_sms_sender(notify: NotifyFake) -> None:
    client = NotificationsAPIClient(notify.live_key, base_url=notify.base_url)
    template = notify.add_template("sms", "Hi")
    notify.add_sms_sender("PIGEONS", default=True)
    assert client.send_sms_notification("07700900123", template.id)["content"]["from_number"] == "PIGEONS"


def test_reply_to_helper(notify: NotifyFake) -> None:
    client = NotificationsAPIClient(notify.live_key, base_url=notify.base_url)
    template = notify.add_template("email", "Hi", subject="S")
    reply_to = notify.add_reply_to_address("replies@example.com")
    assert client.send_email_notification("jo@example.com", template.id, email_reply_to_id=reply_to)["id"]


def test_new_template_version_is_used_and_recorded(notify: NotifyFake) -> None:
    client = NotificationsAPIClient(notify.live_key, base_url=notify.base_url)
    template = notify.add_template("sms", "Version one")
    updated = notify.update_template(template.id, body="Version two ((name))")
    assert (template.version, updated.version) == (1, 2)
    sent = client.send_sms_notification("07700900123", template.id, {"name": "Jo"})
    assert sent["content"]["body"] == "Version two Jo"
    assert sent["template"]["version"] == 2
    got = client.get_notification_by_id(sent["id"])
    assert got["template"]["uri"].endswith(f"/v2/template/{template.id}/version/2")
    assert notify.notifications.only().template_version == 2


def test_sms_templates_take_no_subject(notify: NotifyFake) -> None:
    template = notify.add_template("sms", "Hi")
    with pytest.raises(ConfigurationError, match="no subject"):
        notify.update_template(template.id, subject="S")
