"""Letters, PDFs and the templates API through notifications-python-client 13."""

from __future__ import annotations

import io

import pypdf
import pytest
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError

from pytest_notify.fake import NotifyFake

ADDRESS = {"address_line_1": "Jo Bloggs", "address_line_2": "1 Example Street", "postcode": "SW1A 1AA"}


def blank_pdf(pages: int = 1) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def client(notify: NotifyFake) -> NotificationsAPIClient:
    return NotificationsAPIClient(notify.live_key, base_url=notify.base_url)


def test_send_letter_and_get_its_pdf(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    template = notify.add_template("letter", "Dear ((name)),\n\nHello.", subject="About ((name))")
    sent = client.send_letter_notification(template.id, {**ADDRESS, "name": "Jo"}, reference="case-1")
    assert sent["content"] == {"body": "Dear Jo,\n\nHello.", "subject": "About Jo"}
    got = client.get_notification_by_id(sent["id"])
    assert (got["type"], got["line_1"], got["postcode"], got["postage"]) == (
        "letter",
        "Jo Bloggs",
        "SW1A 1AA",
        "second",
    )
    assert got["estimated_delivery"].endswith("Z")
    pdf = client.get_pdf_for_letter(sent["id"])
    text = pypdf.PdfReader(pdf).pages[0].extract_text()
    assert "1 EXAMPLE STREET" in text.upper()
    assert "Hello." in text
    assert notify.notifications.only().type == "letter"


def test_letter_errors_through_the_client(notify: NotifyFake) -> None:
    template = notify.add_template("letter", "Hi", subject="S")
    team = NotificationsAPIClient(notify.team_key, base_url=notify.base_url)
    with pytest.raises(HTTPError) as error:
        team.send_letter_notification(template.id, ADDRESS)
    assert error.value.status_code == 403
    assert error.value.message == [{"error": "BadRequestError", "message": "Cannot send letters with a team api key"}]
    live = NotificationsAPIClient(notify.live_key, base_url=notify.base_url)
    with pytest.raises(HTTPError) as error:
        live.send_letter_notification(template.id, {"address_line_1": "Jo", "address_line_2": "1 Street"})
    assert error.value.message == [{"error": "ValidationError", "message": "Address must be at least 3 lines"}]


def test_send_precompiled_letter(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    pdf = blank_pdf(2)
    sent = client.send_precompiled_letter_notification("my-letter", io.BytesIO(pdf), postage="first")
    assert sent == {"id": sent["id"], "reference": "my-letter", "postage": "first"}
    assert client.get_pdf_for_letter(sent["id"]).read() == pdf
    got = client.get_notification_by_id(sent["id"])
    assert got["line_1"] == "Provided as PDF"
    assert got["cost_details"] == {"billable_sheets_of_paper": 1, "postage": "first"}


def test_pdf_not_ready_while_scanning(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    clock = notify.freeze_time()
    notify.set_timings(sending=30, final=60)
    sent = client.send_precompiled_letter_notification("scan-me", io.BytesIO(blank_pdf()))
    with pytest.raises(HTTPError) as error:
        client.get_pdf_for_letter(sent["id"])
    assert error.value.status_code == 400
    assert error.value.message == [{"error": "PDFNotReadyError", "message": "PDF not available yet, try again later"}]
    clock.advance(30)
    assert client.get_pdf_for_letter(sent["id"]).read().startswith(b"%PDF-")


def test_templates_api(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    email = notify.add_template("email", "Hello ((name))", subject="Hi ((name))", name="B welcome")
    sms = notify.add_template("sms", "Code ((code))", name="A code")
    notify.update_template(sms.id, body="Your code is ((code))")

    got = client.get_template(sms.id)
    assert (got["version"], got["body"], got["subject"], got["type"]) == (2, "Your code is ((code))", None, "sms")
    assert got["personalisation"] == {"code": {"required": True}}
    first = client.get_template_version(sms.id, 1)
    assert (first["version"], first["body"]) == (1, "Code ((code))")

    assert [t["name"] for t in client.get_all_templates()["templates"]] == ["A code", "B welcome"]
    assert [t["id"] for t in client.get_all_templates(template_type="email")["templates"]] == [email.id]

    preview = client.post_template_preview(email.id, {"name": "Jo"})
    assert preview["body"] == "Hello Jo"
    assert preview["subject"] == "Hi Jo"
    assert preview["html"].startswith("<p style=")
    sms_preview = client.post_template_preview(sms.id, {"code": "1234"})
    assert sms_preview["html"] is None and sms_preview["subject"] is None

    with pytest.raises(HTTPError) as error:
        client.post_template_preview(email.id, {})
    assert error.value.message == [{"error": "BadRequestError", "message": "Missing personalisation: name"}]
