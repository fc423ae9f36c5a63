"""Status over time through the official Python client: the clock, manual moves, chosen outcomes,
letters and their PDF, and waiting for a send made on another thread (reference §3.6, §3.8, §6).

This suite runs with ``notify_timings = "instant"`` (pyproject.toml), so each test here says which
timings it uses; tests/plugin/test_status_over_time.py shows the realistic default itself.
"""

from __future__ import annotations

import datetime as dt
import io
import threading

import pypdf
import pytest
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.letter_timings import letter_timings
from pytest_notify.fake import NotifyFake

# Monday 18 May 2026, 10:00 UTC: before the 17:30 letter deadline on a working day.
MONDAY = dt.datetime(2026, 5, 18, 10, 0, tzinfo=dt.timezone.utc)
ADDRESS = {"address_line_1": "Jo Bloggs", "address_line_2": "1 Example Street", "postcode": "SW1A 1AA"}
PDF_NOT_READY = [{"error": "PDFNotReadyError", "message": "PDF not available yet, try again later"}]  # §3.8


def status(client: NotificationsAPIClient, sent: dict[str, str]) -> str:
    return str(client.get_notification_by_id(sent["id"])["status"])


def blank_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.notify_service(timings="clock")
def test_a_live_sms_moves_on_as_the_test_moves_the_clock(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    notify.freeze_time()
    template = notify.add_template("sms", "Your code is ((code))")
    sent = client.send_sms_notification("07700900123", template.id, {"code": "1234"})
    got = client.get_notification_by_id(sent["id"])
    assert (got["status"], got["sent_at"], got["completed_at"]) == ("created", None, None)
    assert got["is_cost_data_ready"] is False  # created with no billable units yet (§3.6)

    notify.advance(0.5)
    got = client.get_notification_by_id(sent["id"])
    assert (got["status"], got["completed_at"]) == ("sending", None)
    assert got["sent_at"] is not None

    notify.advance(2.5)
    got = client.get_notification_by_id(sent["id"])
    assert got["status"] == "delivered"
    assert got["completed_at"] is not None  # delivered is a completed status (§3.6)
    assert [n["id"] for n in client.get_all_notifications(status="delivered")["notifications"]] == [sent["id"]]


@pytest.mark.notify_service(timings="clock")
def test_a_forced_permanent_failure(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    notify.freeze_time()
    template = notify.add_template("sms", "Hello")
    sent = client.send_sms_notification("07700900123", template.id)
    notify.fail(sent, "permanent-failure")  # the response dict, an id or a notification all do
    assert status(client, sent) == "created"
    notify.advance(3)
    assert status(client, sent) == "permanent-failure"
    assert notify.notifications.only().status == "permanent-failure"
    with pytest.raises(ConfigurationError, match="it is already permanent-failure"):
        notify.fail(sent, "delivered")


@pytest.mark.notify_service(timings="clock")
def test_failing_now(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    notify.freeze_time()
    template = notify.add_template("email", "Hello", subject="Hi")
    sent = client.send_email_notification("jo@example.com", template.id)
    assert notify.fail(sent["id"], "temporary-failure", now=True).status == "temporary-failure"
    assert status(client, sent) == "temporary-failure"


@pytest.mark.notify_service(timings="clock")
def test_outcomes_by_recipient_and_by_template(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    notify.freeze_time()
    sms = notify.add_template("sms", "Hello")
    email = notify.add_template("email", "Hello", subject="Hi")
    notify.set_outcome("permanent-failure", recipient="07700900123")
    notify.set_outcome("technical-failure", template=email.id)
    to_jo = client.send_sms_notification("+44 7700 900123", sms.id)
    to_sam = client.send_sms_notification("07700900456", sms.id)
    mail = client.send_email_notification("jo@example.com", email.id)
    notify.advance(5)
    assert status(client, to_jo) == "permanent-failure"
    assert status(client, to_sam) == "delivered"
    got = client.get_notification_by_id(mail["id"])
    assert (got["status"], got["sent_at"]) == ("technical-failure", None)  # never handed over

    notify.clear_outcomes()
    again = client.send_sms_notification("07700900123", sms.id)
    notify.advance(5)
    assert status(client, again) == "delivered"


@pytest.mark.notify_service(timings="instant")
def test_outcomes_for_test_keys_and_for_every_send(notify: NotifyFake, client_for: object) -> None:
    test_client = NotificationsAPIClient(notify.test_key, base_url=notify.base_url)
    template = notify.add_template("sms", "Hello")
    notify.set_outcome("temporary-failure", type="sms")
    sent = test_client.send_sms_notification("07700900002", template.id)  # the simulator would say permanent
    assert status(test_client, sent) == "temporary-failure"


def test_a_bad_status_for_the_channel_is_a_clear_error(notify: NotifyFake) -> None:
    with pytest.raises(ConfigurationError) as error:
        notify.set_outcome("returned-letter", recipient="07700900123")
    assert str(error.value) == (
        "'returned-letter' is not an outcome Notify gives text messages; "
        "choose one of delivered, permanent-failure, temporary-failure, technical-failure"
    )
    with pytest.raises(ConfigurationError, match="one of notification=, recipient=, template= or type="):
        notify.set_outcome("delivered", recipient="07700900123", type="sms")


@pytest.mark.notify_service(timings="manual")
def test_manual_mode(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    template = notify.add_template("sms", "Hello")
    first = client.send_sms_notification("07700900123", template.id)
    second = client.send_sms_notification("07700900456", template.id)
    assert status(client, first) == status(client, second) == "created"
    assert notify.advance_status(first).status == "sending"
    assert [n.status for n in notify.notifications] == ["sending", "created"]
    moved = notify.advance_all()
    assert [(n.id, n.status) for n in moved] == [(first["id"], "delivered"), (second["id"], "sending")]
    notify.fail(second, "temporary-failure")
    notify.advance_status(second)
    assert status(client, second) == "temporary-failure"
    with pytest.raises(ConfigurationError, match="is already delivered: nothing more will happen to it"):
        notify.advance_status(first)


@pytest.mark.notify_service(timings="clock")
def test_a_templated_letter_over_time(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    clock = notify.freeze_time()
    clock.freeze(MONDAY)
    # First class: delivered two days later (second class can take longer than the 7 days retained).
    template = notify.add_template("letter", "Dear ((name))", subject="Your case", postage="first")
    sent = client.send_letter_notification(template.id, {**ADDRESS, "name": "Jo"})
    with pytest.raises(HTTPError) as error:
        client.get_pdf_for_letter(sent["id"])
    assert (error.value.status_code, error.value.message) == (400, PDF_NOT_READY)

    notify.advance(3)  # the PDF is made a few seconds after the letter
    assert client.get_pdf_for_letter(sent["id"]).read().startswith(b"%PDF-")
    assert status(client, sent) == "accepted"  # created

    calendar = letter_timings(MONDAY, "first")
    clock.freeze(calendar.printed_by)  # DVLA's print run
    got = client.get_notification_by_id(sent["id"])
    assert got["status"] == "accepted"  # sending: at DVLA
    assert got["sent_at"] is not None
    clock.freeze(calendar.latest_delivery)
    got = client.get_notification_by_id(sent["id"])
    assert got["status"] == "received"
    assert got["estimated_delivery"] == calendar.latest_delivery.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.mark.notify_service(timings="clock")
def test_a_returned_letter(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    notify.freeze_time()
    notify.set_outcome("returned-letter", recipient="SW1A 1AA")  # any line of the address
    template = notify.add_template("letter", "Hello", subject="Hi")
    test_client = NotificationsAPIClient(notify.test_key, base_url=notify.base_url)
    sent = test_client.send_letter_notification(template.id, ADDRESS)
    assert status(test_client, sent) == "accepted"  # test letters start at sending (§5.1)
    notify.advance(3)
    assert status(test_client, sent) == "received"
    assert test_client.get_all_notifications(status="returned-letter")["notifications"] == []
    notify.advance(days=1)
    assert status(test_client, sent) == "received"  # returned-letter shows as received (§6.3)
    returned = test_client.get_all_notifications(status="returned-letter")["notifications"]
    assert [n["id"] for n in returned] == [sent["id"]]


@pytest.mark.notify_service(timings="clock")
def test_a_precompiled_letter_passes_the_virus_check_after_a_short_while(
    notify: NotifyFake, client: NotificationsAPIClient
) -> None:
    notify.freeze_time()
    pdf = blank_pdf()
    sent = client.send_precompiled_letter_notification("scan-me", io.BytesIO(pdf))
    assert status(client, sent) == "pending-virus-check"
    with pytest.raises(HTTPError) as error:
        client.get_pdf_for_letter(sent["id"])
    assert error.value.message == PDF_NOT_READY
    notify.advance(2)
    assert status(client, sent) == "accepted"
    assert client.get_pdf_for_letter(sent["id"]).read() == pdf


@pytest.mark.notify_service(timings="clock")
def test_a_virus_in_a_precompiled_letter(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    notify.freeze_time()
    notify.set_outcome("virus-scan-failed")
    sent = client.send_precompiled_letter_notification("scan-me", io.BytesIO(blank_pdf()))
    notify.advance(2)
    assert status(client, sent) == "virus-scan-failed"
    with pytest.raises(HTTPError) as error:
        client.get_pdf_for_letter(sent["id"])
    assert error.value.message == [{"error": "BadRequestError", "message": "File did not pass the virus scan"}]


@pytest.mark.notify_service(timings={"sms": {"sending": 0.05, "final": 0.2}})
def test_wait_for_a_send_made_on_another_thread(notify: NotifyFake) -> None:
    template = notify.add_template("sms", "Your code is ((code))")

    def code_under_test() -> None:  # e.g. a background job in the application
        client = NotificationsAPIClient(notify.live_key or "", base_url=notify.base_url)
        client.send_sms_notification("07700900123", template.id, {"code": "4321"})

    worker = threading.Thread(target=code_under_test)
    worker.start()
    try:
        sms = notify.wait_for(status="delivered", to="07700900123")
    finally:
        worker.join()
    assert sms.body == "Your code is 4321"


@pytest.mark.notify_service(timings="clock")
def test_wait_for_takes_a_predicate_and_returns_the_oldest_match(notify: NotifyFake) -> None:
    notify.freeze_time()
    template = notify.add_template("email", "Hello", subject="Hi")
    client = NotificationsAPIClient(notify.live_key or "", base_url=notify.base_url)
    first = client.send_email_notification("a@example.com", template.id)
    client.send_email_notification("b@example.com", template.id)
    found = notify.wait_for(lambda n: n.to.endswith("@example.com"), status="created", timeout=0)
    assert found.id == first["id"]


def test_set_timings_at_run_time(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    notify.freeze_time()
    assert notify.timings.mode == "instant"  # this suite's ini option
    notify.set_timings(sending=1, final=5)  # the two-number form still works
    template = notify.add_template("sms", "Hello")
    sent = client.send_sms_notification("07700900123", template.id)
    notify.advance(1)
    assert status(client, sent) == "sending"
    assert notify.set_timings("manual").mode == "manual"
    later = client.send_sms_notification("07700900123", template.id)
    notify.advance(60)
    assert (status(client, sent), status(client, later)) == ("delivered", "created")
