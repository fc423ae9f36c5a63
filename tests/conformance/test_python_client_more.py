"""Received texts, files by email and the admin-only template versions call, through the Python client."""

from __future__ import annotations

import io
import urllib.request

import pytest
from notifications_python_client import NotificationsAPIClient, prepare_upload
from notifications_python_client.errors import HTTPError

from pytest_notify.fake import NotifyFake


def test_received_texts_and_iterator(notify: NotifyFake) -> None:
    client = NotificationsAPIClient(notify.test_key, base_url=notify.base_url)
    notify.freeze_time()
    ids = [notify.receive_sms(f"message {i}", "07700 900123") for i in range(255)]
    page = client.get_received_texts()
    assert len(page["received_text_messages"]) == 250
    assert page["received_text_messages"][0]["user_number"] == "447700900123"
    seen = [m["id"] for m in client.get_received_texts_iterator()]
    assert seen == list(reversed(ids))


@pytest.mark.notify_service(contact_link="https://example.gov.uk/help")
def test_prepare_upload_and_follow_the_link(notify: NotifyFake) -> None:
    client = NotificationsAPIClient(notify.live_key, base_url=notify.base_url)
    template = notify.add_template("email", "Your file: ((link))", subject="A file")
    upload = prepare_upload(io.BytesIO(b"%PDF-1.4 fake"), filename="letter.pdf")
    sent = client.send_email_notification("jo@example.com", template.id, {"link": upload})
    link = sent["content"]["body"].removeprefix("Your file: ")
    assert link.startswith(f"{notify.base_url}/d/")
    with urllib.request.urlopen(link) as response:
        assert response.read() == b"%PDF-1.4 fake"
        assert response.headers["Content-Type"] == "application/pdf"


def test_get_all_template_versions_is_refused_as_notify_does(notify: NotifyFake) -> None:
    client = NotificationsAPIClient(notify.live_key, base_url=notify.base_url)
    template = notify.add_template("sms", "Hi")
    with pytest.raises(HTTPError) as error:
        client.get_all_template_versions(template.id)
    # official-clients.md §2.4: 401 in the old error format.
    assert error.value.status_code == 401
    assert error.value.message == {"token": ["Unauthorized: not allowed to perform this action"]}
