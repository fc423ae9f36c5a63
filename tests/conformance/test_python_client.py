"""The official Python client (notifications-python-client 13.0.0) against the fake, over a real socket.

Written as an integrator writes them: ``NotificationsAPIClient(notify.live_key, base_url=notify.base_url)``.
This file: sending SMS and email with every option the client has, reading them back by id (every key of
reference §3.6, costs, the status lifecycle), the test-key simulator (§5.1) and smoke-test recipients (§5.2).

Restrictions, auth and validation errors are in ``test_python_client_errors.py``; listing and paging in
``test_python_client_listing.py``. Every expected value is taken from /work/shared/notify-reference.md.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from pytest_notify.domain.service import EmailReplyTo, SmsSender
from pytest_notify.fake import NotifyFake

ClientFactory = Callable[[str], NotificationsAPIClient]

pytestmark = pytest.mark.notify_service(
    name="Pigeon Affairs Bureau",
    team_members=[{"email": "jo@example.com", "mobile": "07700 900123"}],
)

KEY_TYPES = ("test", "team", "live")
# reference §1.2: the internal key_type of each docs name
INTERNAL_KEY_TYPE = {"test": "test", "team": "team", "live": "normal"}

# reference §3.6: every key of Notification.serialize_with_cost_data() for SMS and email (no line_7,
# no estimated_delivery, which is letters only).
GET_NOTIFICATION_KEYS = {
    "id",
    "reference",
    "email_address",
    "phone_number",
    "line_1",
    "line_2",
    "line_3",
    "line_4",
    "line_5",
    "line_6",
    "postcode",
    "type",
    "status",
    "template",
    "body",
    "subject",
    "created_at",
    "created_by_name",
    "sent_at",
    "completed_at",
    "scheduled_for",
    "postage",
    "one_click_unsubscribe_url",
    "is_cost_data_ready",
    "cost_in_pounds",
    "cost_details",
}
# reference §0: DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
NO_RESULT_FOUND = [{"error": "NoResultFound", "message": "No result found"}]
# reference §12: SMS price per fragment, from each date
SMS_RATES = ((dt.date(2024, 4, 1), 0.0227), (dt.date(2025, 4, 1), 0.0233), (dt.date(2026, 4, 1), 0.024))

SMS_BODY = "Hi ((name)), your code is ((code))"
EMAIL_SUBJECT = 'Hi ((name)) - "x"'
EMAIL_BODY = "Dear ((name)),\n\nThanks - bye"


def sms_rate_for(created_at: str) -> float:
    """The reference's rate for the date a notification was created."""
    day = dt.datetime.strptime(created_at, DATETIME_FORMAT).date()
    return [rate for valid_from, rate in SMS_RATES if day >= valid_from][-1]


def http_error(call: Callable[..., Any], *args: Any, **kwargs: Any) -> HTTPError:
    """Run a client call that must fail; return the client's ``HTTPError``."""
    with pytest.raises(HTTPError) as caught:
        call(*args, **kwargs)
    return caught.value


@pytest.fixture
def sms_template(notify: NotifyFake) -> str:
    return notify.add_template("sms", SMS_BODY).id


@pytest.fixture
def email_template(notify: NotifyFake) -> str:
    return notify.add_template("email", EMAIL_BODY, subject=EMAIL_SUBJECT).id


# -- sending with each key type (reference §3.1, §3.2, §4) -------------------------------------------


@pytest.mark.parametrize("kind", KEY_TYPES)
def test_send_sms_with_each_key_type(
    notify: NotifyFake, client_for: ClientFactory, key_of: Callable[[str], str], sms_template: str, kind: str
) -> None:
    client = client_for(key_of(kind))
    response = client.send_sms_notification(
        "07700 900123", sms_template, personalisation={"name": "Jo", "code": "1234"}, reference=f"ref-{kind}"
    )

    nid = response["id"]
    assert str(uuid.UUID(nid)) == nid
    assert response == {
        "content": {"body": "Hi Jo, your code is 1234", "from_number": response["content"]["from_number"]},
        "id": nid,
        "reference": f"ref-{kind}",
        "scheduled_for": None,
        "template": {
            "id": sms_template,
            "uri": f"{notify.base_url}/services/{notify.service_id}/templates/{sms_template}",
            "version": 1,
        },
        "uri": f"{notify.base_url}/v2/notifications/{nid}",
    }
    # The default sender's text is unverified (§3.1); the Node client needs it to be a string (clients §10).
    assert isinstance(response["content"]["from_number"], str)

    stored = notify.notifications.only(id=nid)
    assert stored.type == "sms"
    assert stored.key_type == INTERNAL_KEY_TYPE[kind]
    assert stored.key_name == key_of(kind)[:-74]  # the name part of the key (§1.1)
    assert stored.to == "07700 900123"
    assert stored.reference == f"ref-{kind}"
    assert stored.personalisation == {"name": "Jo", "code": "1234"}
    assert stored.template_id == sms_template
    assert stored.template_version == 1
    assert stored.body == "Hi Jo, your code is 1234"
    assert stored.subject is None

    fetched = client.get_notification_by_id(nid)
    assert fetched["id"] == nid
    assert fetched["type"] == "sms"
    assert fetched["phone_number"] == "07700 900123"
    assert fetched["email_address"] is None
    assert fetched["reference"] == f"ref-{kind}"
    assert fetched["body"] == "Hi Jo, your code is 1234"


@pytest.mark.parametrize("kind", KEY_TYPES)
def test_send_email_with_each_key_type(
    notify: NotifyFake, client_for: ClientFactory, key_of: Callable[[str], str], email_template: str, kind: str
) -> None:
    client = client_for(key_of(kind))
    response = client.send_email_notification(
        "jo@example.com", email_template, personalisation={"name": "Jo"}, reference=f"ref-{kind}"
    )

    nid = response["id"]
    assert response == {
        "content": {
            "body": "Dear Jo,\n\nThanks - bye",
            # §3.2: local part from the service name, lower-cased, spaces to dots (the docs' example)
            "from_email": "pigeon.affairs.bureau@notifications.service.gov.uk",
            "one_click_unsubscribe_url": None,
            # §9.4: nice typography in the subject only
            "subject": "Hi Jo \u2013 \u201cx\u201d",
        },
        "id": nid,
        "reference": f"ref-{kind}",
        "sanitised_content": {},
        "scheduled_for": None,
        "template": {
            "id": email_template,
            "uri": f"{notify.base_url}/services/{notify.service_id}/templates/{email_template}",
            "version": 1,
        },
        "uri": f"{notify.base_url}/v2/notifications/{nid}",
    }

    stored = notify.notifications.only(id=nid)
    assert stored.type == "email"
    assert stored.key_type == INTERNAL_KEY_TYPE[kind]
    assert stored.to == "jo@example.com"
    assert stored.subject == "Hi Jo \u2013 \u201cx\u201d"

    fetched = client.get_notification_by_id(nid)
    assert fetched["email_address"] == "jo@example.com"
    assert fetched["phone_number"] is None
    assert fetched["subject"] == "Hi Jo \u2013 \u201cx\u201d"
    assert fetched["body"] == "Dear Jo,\n\nThanks - bye"


def test_optional_arguments_left_out_are_null(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    template = notify.add_template("sms", "No placeholders here")
    response = client.send_sms_notification("07700900456", template.id)
    assert response["reference"] is None
    assert response["content"]["body"] == "No placeholders here"
    assert client.get_notification_by_id(response["id"])["reference"] is None


@pytest.mark.notify_service(email_sender_name="Pigeon Post Office")
def test_email_from_address_uses_the_custom_sender_name(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    template = notify.add_template("email", "Body", subject="Subject")
    response = client.send_email_notification("jo@example.com", template.id)
    assert response["content"]["from_email"] == "pigeon.post.office@notifications.service.gov.uk"


def test_no_idempotency_every_send_is_a_new_notification(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str
) -> None:
    values = {"name": "Jo", "code": "1"}
    first = client.send_sms_notification("07700900456", sms_template, personalisation=values, reference="same")
    second = client.send_sms_notification("07700900456", sms_template, personalisation=values, reference="same")
    assert first["id"] != second["id"]
    assert [n.id for n in notify.notifications] == [first["id"], second["id"]]
    assert notify.notifications.last.id == second["id"]


# -- rendering (reference §8.1, §9) -----------------------------------------------------------------


def test_sms_body_is_sanitised_for_gsm(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    template = notify.add_template("sms", "Hello ((name)) \U0001f600 \u2013 \u201cquotes\u201d \u2026")
    response = client.send_sms_notification("07700900456", template.id, personalisation={"name": "Jo"})
    assert response["content"]["body"] == 'Hello Jo ? - "quotes" ...'
    assert client.get_notification_by_id(response["id"])["body"] == 'Hello Jo ? - "quotes" ...'


@pytest.mark.parametrize("key", ["first_name", "FIRSTNAME", "first-name", "First Name"])
def test_personalisation_keys_match_ignoring_case_spaces_underscores_and_hyphens(
    notify: NotifyFake, client: NotificationsAPIClient, key: str
) -> None:
    template = notify.add_template("sms", "Hi ((First Name))")
    response = client.send_sms_notification("07700900456", template.id, personalisation={key: "Jo"})
    assert response["content"]["body"] == "Hi Jo"


def test_list_values_render_as_prose_in_sms_and_bullets_in_email(
    notify: NotifyFake, client: NotificationsAPIClient
) -> None:
    sms = notify.add_template("sms", "You need ((items))")
    email = notify.add_template("email", 'Dear ((name)),\n\n((items))\n\nThanks - bye "quoted"', subject="Items")

    sent_sms = client.send_sms_notification("07700900456", sms.id, personalisation={"items": ["a", "b", "c"]})
    assert sent_sms["content"]["body"] == "You need a, b and c"

    sent_email = client.send_email_notification(
        "jo@example.com", email.id, personalisation={"name": "Jo", "items": ["a", "b"]}
    )
    assert sent_email["content"]["body"] == 'Dear Jo,\n\n\n\n* a\n* b\n\nThanks - bye "quoted"'


def test_non_string_values_are_rendered_with_str(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    template = notify.add_template("sms", "((count)) items, paid: ((paid))")
    response = client.send_sms_notification("07700900456", template.id, personalisation={"count": 5, "paid": True})
    assert response["content"]["body"] == "5 items, paid: True"


# -- sms_sender_id (reference §3.1, §13) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("sender", "from_number"),
    [("07700 900456", "447700900456"), ("+447700900789", "447700900789"), ("PIGEONS", "PIGEONS")],
)
def test_sms_sender_id_sets_from_number(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str, sender: str, from_number: str
) -> None:
    sms_sender = SmsSender(id=uuid.uuid4(), sms_sender=sender)
    notify.service.sms_senders.append(sms_sender)

    response = client.send_sms_notification(
        "07700900999", sms_template, personalisation={"name": "Jo", "code": "1"}, sms_sender_id=str(sms_sender.id)
    )

    assert response["content"]["from_number"] == from_number
    assert len(notify.notifications) == 1


def test_default_sms_sender_is_the_from_number_without_sms_sender_id(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str
) -> None:
    notify.service.sms_senders.append(SmsSender(id=uuid.uuid4(), sms_sender="PIGEONS", is_default=True))
    response = client.send_sms_notification("07700900999", sms_template, personalisation={"name": "Jo", "code": "1"})
    assert response["content"]["from_number"] == "PIGEONS"


def test_unknown_sms_sender_id_is_refused(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str
) -> None:
    unknown = str(uuid.uuid4())
    error = http_error(
        client.send_sms_notification,
        "07700900999",
        sms_template,
        personalisation={"name": "Jo", "code": "1"},
        sms_sender_id=unknown,
    )
    assert error.status_code == 400
    assert error.message == [
        {
            "error": "BadRequestError",
            "message": f"sms_sender_id {unknown} does not exist in database for service id {notify.service_id}",
        }
    ]
    assert len(notify.notifications) == 0


def test_archived_sms_sender_is_refused(notify: NotifyFake, client: NotificationsAPIClient, sms_template: str) -> None:
    archived = SmsSender(id=uuid.uuid4(), sms_sender="OLDNAME", archived=True)
    notify.service.sms_senders.append(archived)
    error = http_error(
        client.send_sms_notification,
        "07700900999",
        sms_template,
        personalisation={"name": "Jo", "code": "1"},
        sms_sender_id=str(archived.id),
    )
    assert error.status_code == 400
    assert error.message == [
        {
            "error": "BadRequestError",
            "message": f"sms_sender_id {archived.id} does not exist in database for service id {notify.service_id}",
        }
    ]


def test_sms_sender_of_another_service_is_refused(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str
) -> None:
    other = notify.store.create_service("Another service")
    try:
        theirs = SmsSender(id=uuid.uuid4(), sms_sender="THEIRS")
        other.sms_senders.append(theirs)
        error = http_error(
            client.send_sms_notification,
            "07700900999",
            sms_template,
            personalisation={"name": "Jo", "code": "1"},
            sms_sender_id=str(theirs.id),
        )
    finally:
        notify.store.remove_service(other.id)
    assert error.message == [
        {
            "error": "BadRequestError",
            "message": f"sms_sender_id {theirs.id} does not exist in database for service id {notify.service_id}",
        }
    ]


# -- email options (reference §3.2, §13) ---------------------------------------------------------------


def test_email_reply_to_id_of_the_service_is_accepted(
    notify: NotifyFake, client: NotificationsAPIClient, email_template: str
) -> None:
    reply_to = EmailReplyTo(id=uuid.uuid4(), email_address="replies@example.com")
    notify.service.reply_to_addresses.append(reply_to)
    response = client.send_email_notification(
        "jo@example.com", email_template, personalisation={"name": "Jo"}, email_reply_to_id=str(reply_to.id)
    )
    assert notify.notifications.only(id=response["id"]).to == "jo@example.com"


@pytest.mark.parametrize("archived", [False, True], ids=["unknown", "archived"])
def test_unknown_or_archived_email_reply_to_id_is_refused(
    notify: NotifyFake, client: NotificationsAPIClient, email_template: str, archived: bool
) -> None:
    reply_to_id = uuid.uuid4()
    if archived:
        notify.service.reply_to_addresses.append(
            EmailReplyTo(id=reply_to_id, email_address="old@example.com", archived=True)
        )
    error = http_error(
        client.send_email_notification,
        "jo@example.com",
        email_template,
        personalisation={"name": "Jo"},
        email_reply_to_id=str(reply_to_id),
    )
    assert error.status_code == 400
    assert error.message == [
        {
            "error": "BadRequestError",
            "message": f"email_reply_to_id {reply_to_id} does not exist in database for service id {notify.service_id}",
        }
    ]
    assert len(notify.notifications) == 0


def test_one_click_unsubscribe_url_is_echoed_and_read_back(
    notify: NotifyFake, client: NotificationsAPIClient, email_template: str
) -> None:
    url = "https://example.com/unsubscribe?user=123&list=news"
    response = client.send_email_notification(
        "jo@example.com", email_template, personalisation={"name": "Jo"}, one_click_unsubscribe_url=url
    )
    assert response["content"]["one_click_unsubscribe_url"] == url
    assert client.get_notification_by_id(response["id"])["one_click_unsubscribe_url"] == url


def test_sanitise_content_for_removes_links_and_escapes_markdown(
    notify: NotifyFake, client: NotificationsAPIClient
) -> None:
    template = notify.add_template("email", "Dear ((name)), see ((site)). ((note))", subject="Hello ((name))")
    evil = "Anne Example, now [click this evil link](https://evil.link)"
    response = client.send_email_notification(
        "jo@example.com",
        template.id,
        personalisation={"name": evil, "site": "gov.uk", "note": "untouched (kept)"},
        # key matching is case- and space-insensitive (§3.2, InsensitiveSet); "note" is not listed
        sanitise_content_for=["NAME", "Site"],
    )

    sanitised_name = "Anne Example, now \\[click this evil link\\]\\(\\)"
    assert response["sanitised_content"] == {
        "name": {"unsanitised": evil, "sanitised": sanitised_name},
        "site": {"unsanitised": "gov.uk", "sanitised": "gov\\. uk"},
    }
    assert response["content"]["body"] == f"Dear {sanitised_name}, see gov\\. uk. untouched (kept)"


def test_sanitise_content_for_lists_only_values_that_changed(
    notify: NotifyFake, client: NotificationsAPIClient, email_template: str
) -> None:
    response = client.send_email_notification(
        "jo@example.com", email_template, personalisation={"name": "Jo"}, sanitise_content_for=["name"]
    )
    assert response["sanitised_content"] == {}
    assert response["content"]["body"] == "Dear Jo,\n\nThanks - bye"


# -- GET /v2/notifications/{id}: every key, costs, lifecycle (reference §3.6, §6, §12) -------------------


def test_get_sms_by_id_has_every_key_of_the_reference(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str
) -> None:
    client = client_for(notify.test_key)
    sent = client.send_sms_notification(
        "07700 900123", sms_template, personalisation={"name": "Jo", "code": "1234"}, reference="my-ref"
    )

    got = client.get_notification_by_id(sent["id"])

    assert set(got) == GET_NOTIFICATION_KEYS
    rate = sms_rate_for(got["created_at"])
    assert got == {
        "id": sent["id"],
        "reference": "my-ref",
        "email_address": None,
        "phone_number": "07700 900123",
        "line_1": None,
        "line_2": None,
        "line_3": None,
        "line_4": None,
        "line_5": None,
        "line_6": None,
        "postcode": None,
        "type": "sms",
        "status": "delivered",
        "template": {
            "id": sms_template,
            "version": 1,
            "uri": f"{notify.base_url}/v2/template/{sms_template}/version/1",
        },
        "body": "Hi Jo, your code is 1234",
        "subject": None,
        "created_at": got["created_at"],
        "created_by_name": None,
        "sent_at": got["sent_at"],
        "completed_at": got["completed_at"],
        "scheduled_for": None,
        "postage": None,
        "one_click_unsubscribe_url": None,
        "is_cost_data_ready": True,
        "cost_in_pounds": 1 * 1.0 * rate,
        "cost_details": {"billable_sms_fragments": 1, "international_rate_multiplier": 1.0, "sms_rate": rate},
    }
    for field in ("created_at", "sent_at", "completed_at"):
        assert DATETIME.match(got[field]), (field, got[field])


def test_get_email_by_id_has_every_key_of_the_reference(
    notify: NotifyFake, client_for: ClientFactory, email_template: str
) -> None:
    client = client_for(notify.test_key)
    sent = client.send_email_notification("jo@example.com", email_template, personalisation={"name": "Jo"})

    got = client.get_notification_by_id(sent["id"])

    assert set(got) == GET_NOTIFICATION_KEYS
    assert got == {
        "id": sent["id"],
        "reference": None,
        "email_address": "jo@example.com",
        "phone_number": None,
        "line_1": None,
        "line_2": None,
        "line_3": None,
        "line_4": None,
        "line_5": None,
        "line_6": None,
        "postcode": None,
        "type": "email",
        "status": "delivered",
        "template": {
            "id": email_template,
            "version": 1,
            "uri": f"{notify.base_url}/v2/template/{email_template}/version/1",
        },
        "body": "Dear Jo,\n\nThanks - bye",
        "subject": "Hi Jo \u2013 \u201cx\u201d",
        "created_at": got["created_at"],
        "created_by_name": None,
        "sent_at": got["sent_at"],
        "completed_at": got["completed_at"],
        "scheduled_for": None,
        "postage": None,
        "one_click_unsubscribe_url": None,
        "is_cost_data_ready": True,
        "cost_in_pounds": 0.0,
        "cost_details": {},
    }
    for field in ("created_at", "sent_at", "completed_at"):
        assert DATETIME.match(got[field]), (field, got[field])


@pytest.mark.parametrize(
    ("to", "echoed"),
    [
        ("+(44) 77009-00855", "+(44) 77009-00855"),
        ("07700 900 855", "07700 900 855"),
        ("  07700900855  ", "07700900855"),
    ],
)
def test_phone_number_is_echoed_as_sent_not_normalised(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str, to: str, echoed: str
) -> None:
    sent = client.send_sms_notification(to, sms_template, personalisation={"name": "Jo", "code": "1"})
    assert client.get_notification_by_id(sent["id"])["phone_number"] == echoed
    assert notify.notifications.only(id=sent["id"]).to == echoed


def test_email_address_keeps_its_case_and_loses_surrounding_whitespace(
    notify: NotifyFake, client: NotificationsAPIClient, email_template: str
) -> None:
    sent = client.send_email_notification(" Jo.Example@Example.COM ", email_template, personalisation={"name": "Jo"})
    assert client.get_notification_by_id(sent["id"])["email_address"] == "Jo.Example@Example.COM"


@pytest.mark.parametrize("reader", KEY_TYPES)
def test_get_by_id_reads_a_notification_sent_with_any_key_type(
    notify: NotifyFake, client_for: ClientFactory, key_of: Callable[[str], str], sms_template: str, reader: str
) -> None:
    values = {"name": "Jo", "code": "1"}
    sent = {
        kind: client_for(key_of(kind)).send_sms_notification("07700900123", sms_template, values) for kind in KEY_TYPES
    }
    for notification in sent.values():
        assert client_for(key_of(reader)).get_notification_by_id(notification["id"])["id"] == notification["id"]


def test_get_by_id_of_an_unknown_notification_is_404(client: NotificationsAPIClient) -> None:
    error = http_error(client.get_notification_by_id, str(uuid.uuid4()))
    assert error.status_code == 404
    assert error.message == NO_RESULT_FOUND


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "sms", "12345"])
def test_get_by_id_with_a_bad_id_is_a_validation_error(client: NotificationsAPIClient, bad_id: str) -> None:
    error = http_error(client.get_notification_by_id, bad_id)
    assert error.status_code == 400
    # the docs say "id is not a valid UUID"; the code says notification_id (§3.6, §14)
    assert error.message == [{"error": "ValidationError", "message": "notification_id is not a valid UUID"}]


def test_status_moves_from_created_to_sending_to_delivered(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str
) -> None:
    notify.set_timings(sending=10, final=60)
    clock = notify.freeze_time()
    sent = client.send_sms_notification("07700900456", sms_template, personalisation={"name": "Jo", "code": "1"})
    created_at = clock.now().strftime(DATETIME_FORMAT)

    got = client.get_notification_by_id(sent["id"])
    assert got["status"] == "created"
    assert got["created_at"] == created_at
    assert got["sent_at"] is None
    assert got["completed_at"] is None
    # §3.6: created with no billable units yet → cost data not ready
    assert (got["is_cost_data_ready"], got["cost_in_pounds"], got["cost_details"]) == (False, None, {})

    clock.advance(10)
    got = client.get_notification_by_id(sent["id"])
    assert got["status"] == "sending"
    assert DATETIME.match(got["sent_at"])
    assert got["completed_at"] is None
    assert got["is_cost_data_ready"] is True

    clock.advance(50)
    got = client.get_notification_by_id(sent["id"])
    assert got["status"] == "delivered"
    assert got["created_at"] == created_at
    assert got["completed_at"] == clock.now().strftime(DATETIME_FORMAT)
    assert notify.notifications.only(id=sent["id"]).status == "delivered"


def test_email_status_moves_from_created_to_sending_to_delivered(
    notify: NotifyFake, client: NotificationsAPIClient, email_template: str
) -> None:
    notify.set_timings(sending=5, final=30)
    clock = notify.freeze_time()
    sent = client.send_email_notification("jo@example.com", email_template, personalisation={"name": "Jo"})

    statuses = []
    for step in (0, 5, 25):
        clock.advance(step)
        got = client.get_notification_by_id(sent["id"])
        statuses.append(got["status"])
        # §3.6: email cost data is always ready and free
        assert (got["is_cost_data_ready"], got["cost_in_pounds"], got["cost_details"]) == (True, 0.0, {})
    assert statuses == ["created", "sending", "delivered"]


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("\u20ac" * 80, 1),
        ("\u0175" * 70, 1),
        ("\u0175" * 71, 2),
        ("\u00e9" * 200, 2),
    ],
    ids=["160", "161", "306", "307", "80-euro", "70-w-circumflex", "71-w-circumflex", "200-e-acute"],
)
def test_sms_cost_counts_fragments(notify: NotifyFake, client_for: ClientFactory, content: str, fragments: int) -> None:
    client = client_for(notify.test_key)
    template = notify.add_template("sms", content)
    got = client.get_notification_by_id(client.send_sms_notification("07700900456", template.id)["id"])
    rate = sms_rate_for(got["created_at"])
    assert got["cost_details"] == {
        "billable_sms_fragments": fragments,
        "international_rate_multiplier": 1.0,
        "sms_rate": rate,
    }
    assert got["cost_in_pounds"] == fragments * 1.0 * rate


@pytest.mark.parametrize(
    ("when", "rate"),
    [
        (dt.datetime(2024, 6, 1, 12, tzinfo=dt.timezone.utc), 0.0227),
        (dt.datetime(2025, 6, 1, 12, tzinfo=dt.timezone.utc), 0.0233),
        (dt.datetime(2026, 6, 1, 12, tzinfo=dt.timezone.utc), 0.024),
    ],
)
def test_sms_rate_is_the_one_for_the_creation_date(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str, when: dt.datetime, rate: float
) -> None:
    clock = notify.freeze_time()
    clock.freeze(at=when)
    client = client_for(notify.test_key)
    sent = client.send_sms_notification("07700900456", sms_template, personalisation={"name": "Jo", "code": "1"})
    got = client.get_notification_by_id(sent["id"])
    assert got["created_at"] == when.strftime(DATETIME_FORMAT)
    assert got["cost_details"]["sms_rate"] == rate
    assert got["cost_in_pounds"] == 1 * 1.0 * rate


@pytest.mark.notify_service(prefix_sms=True)
def test_prefix_is_billed_but_not_shown_in_the_body(notify: NotifyFake, client_for: ClientFactory) -> None:
    client = client_for(notify.test_key)
    # 150 characters fit one fragment; with "Pigeon Affairs Bureau: " (23) in front they need two (§8.1).
    template = notify.add_template("sms", "a" * 150)
    sent = client.send_sms_notification("07700900456", template.id)
    assert sent["content"]["body"] == "a" * 150
    got = client.get_notification_by_id(sent["id"])
    assert got["body"] == "a" * 150
    assert got["cost_details"]["billable_sms_fragments"] == 2


@pytest.mark.notify_service(prefix_sms=True)
def test_sms_length_limit_does_not_count_the_prefix(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    template = notify.add_template("sms", "a" * 918)
    assert client.send_sms_notification("07700900456", template.id)["content"]["body"] == "a" * 918


@pytest.mark.notify_service(permissions=["sms", "email", "international_sms"])
def test_international_sms_cost_uses_the_rate_multiplier(notify: NotifyFake, client_for: ClientFactory) -> None:
    client = client_for(notify.test_key)
    template = notify.add_template("sms", "Bonjour")
    got = client.get_notification_by_id(client.send_sms_notification("+33 6 12 34 56 78", template.id)["id"])
    rate = sms_rate_for(got["created_at"])
    assert got["status"] == "delivered"
    assert got["cost_details"] == {"billable_sms_fragments": 1, "international_rate_multiplier": 2.0, "sms_rate": rate}
    assert got["cost_in_pounds"] == 1 * 2.0 * rate


@pytest.mark.notify_service(permissions=["sms", "email", "international_sms"])
def test_test_key_sms_to_a_country_without_receipts_stays_sent(notify: NotifyFake, client_for: ClientFactory) -> None:
    # §5.1 item 5: +1 has dlr "Carrier DLR", so the text stays `sent` for good.
    client = client_for(notify.test_key)
    template = notify.add_template("sms", "Hello")
    clock = notify.freeze_time()
    sent = client.send_sms_notification("+1 202 555 0123", template.id)
    clock.advance(days=3)
    got = client.get_notification_by_id(sent["id"])
    assert got["status"] == "sent"
    assert got["cost_details"]["international_rate_multiplier"] == 1.0
    # `sent` is a completed status (§3.6)
    assert DATETIME.match(got["completed_at"])
    assert notify.notifications.only(id=sent["id"]).status == "sent"


# -- the test-key simulator (reference §5.1) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "status"),
    [
        ("07700900003", "temporary-failure"),
        ("+447700900003", "temporary-failure"),
        ("447700900003", "temporary-failure"),
        ("07700900002", "permanent-failure"),
        ("+447700900002", "permanent-failure"),
        ("447700900002", "permanent-failure"),
        # endswith on the unnormalised number: spaces defeat it
        ("07700 900 003", "delivered"),
        ("07700 900 002", "delivered"),
        ("07700900123", "delivered"),
        ("07700900456", "delivered"),
    ],
)
def test_test_key_sms_outcomes(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str, number: str, status: str
) -> None:
    client = client_for(notify.test_key)
    sent = client.send_sms_notification(number, sms_template, personalisation={"name": "Jo", "code": "1"})

    got = client.get_notification_by_id(sent["id"])
    assert got["status"] == status
    assert got["phone_number"] == number
    assert DATETIME.match(got["sent_at"])
    assert DATETIME.match(got["completed_at"])
    assert notify.notifications.only(id=sent["id"]).status == status
    assert [n["id"] for n in client.get_all_notifications(status=status)["notifications"]] == [sent["id"]]


@pytest.mark.parametrize(
    ("address", "status"),
    [
        ("temp-fail@simulator.notify", "temporary-failure"),
        ("perm-fail@simulator.notify", "permanent-failure"),
        # exact, case-sensitive comparisons
        ("Temp-Fail@simulator.notify", "delivered"),
        ("PERM-FAIL@SIMULATOR.NOTIFY", "delivered"),
        ("perm-fail@simulator.notify.example.com", "delivered"),
        # defined in the code but unused
        ("delivered@simulator.notify", "delivered"),
        ("jo@example.com", "delivered"),
    ],
)
def test_test_key_email_outcomes(
    notify: NotifyFake, client_for: ClientFactory, email_template: str, address: str, status: str
) -> None:
    client = client_for(notify.test_key)
    sent = client.send_email_notification(address, email_template, personalisation={"name": "Jo"})

    got = client.get_notification_by_id(sent["id"])
    assert got["status"] == status
    assert got["email_address"] == address
    assert DATETIME.match(got["completed_at"])
    assert notify.notifications.only(id=sent["id"]).status == status
    assert [n["id"] for n in client.get_all_notifications(status=status)["notifications"]] == [sent["id"]]


def test_test_key_outcomes_are_reached_through_sending(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str
) -> None:
    client = client_for(notify.test_key)
    notify.set_timings(sending=1, final=2)
    clock = notify.freeze_time()
    sent = client.send_sms_notification("07700900003", sms_template, personalisation={"name": "Jo", "code": "1"})
    seen = []
    for step in (0, 1, 1):
        clock.advance(step)
        seen.append(client.get_notification_by_id(sent["id"])["status"])
    assert seen == ["created", "sending", "temporary-failure"]


# -- smoke-test recipients (reference §5.2) ------------------------------------------------------------------

SMOKE_TEST_NUMBERS = ["+447700900000", "+447700900111", "+447700900222", "07700 900 000", "447700900111"]
SMOKE_TEST_EMAILS = [
    "simulate-delivered@notifications.service.gov.uk",
    "simulate-delivered-2@notifications.service.gov.uk",
    "simulate-delivered-3@notifications.service.gov.uk",
    "Simulate-Delivered@Notifications.Service.GOV.UK",
]


@pytest.mark.parametrize("kind", ["test", "live"])
@pytest.mark.parametrize("number", SMOKE_TEST_NUMBERS)
def test_smoke_test_numbers_get_201_but_are_not_stored(
    notify: NotifyFake,
    client_for: ClientFactory,
    key_of: Callable[[str], str],
    sms_template: str,
    number: str,
    kind: str,
) -> None:
    client = client_for(key_of(kind))
    sent = client.send_sms_notification(number, sms_template, personalisation={"name": "Jo", "code": "1"})

    assert str(uuid.UUID(sent["id"])) == sent["id"]
    assert sent["content"]["body"] == "Hi Jo, your code is 1"
    assert sent["uri"] == f"{notify.base_url}/v2/notifications/{sent['id']}"
    error = http_error(client.get_notification_by_id, sent["id"])
    assert error.status_code == 404
    assert error.message == NO_RESULT_FOUND
    assert list(notify.notifications) == []
    assert client.get_all_notifications()["notifications"] == []


@pytest.mark.parametrize("kind", ["test", "live"])
@pytest.mark.parametrize("address", SMOKE_TEST_EMAILS)
def test_smoke_test_emails_get_201_but_are_not_stored(
    notify: NotifyFake,
    client_for: ClientFactory,
    key_of: Callable[[str], str],
    email_template: str,
    address: str,
    kind: str,
) -> None:
    client = client_for(key_of(kind))
    sent = client.send_email_notification(address, email_template, personalisation={"name": "Jo"})

    assert sent["content"]["subject"] == "Hi Jo \u2013 \u201cx\u201d"
    assert sent["sanitised_content"] == {}
    error = http_error(client.get_notification_by_id, sent["id"])
    assert error.status_code == 404
    assert error.message == NO_RESULT_FOUND
    assert list(notify.notifications) == []
    assert client.get_all_notifications()["notifications"] == []


def test_smoke_test_sends_still_run_the_full_validation(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str
) -> None:
    error = http_error(client.send_sms_notification, "+447700900000", sms_template, personalisation={"name": "Jo"})
    assert error.status_code == 400
    assert error.message == [{"error": "BadRequestError", "message": "Missing personalisation: code"}]


def test_smoke_test_send_among_real_sends(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str
) -> None:
    values = {"name": "Jo", "code": "1"}
    real = client.send_sms_notification("07700900456", sms_template, values)
    client.send_sms_notification("07700900111", sms_template, values)
    assert [n.id for n in notify.notifications] == [real["id"]]
    assert [n["id"] for n in client.get_all_notifications()["notifications"]] == [real["id"]]


# -- billable units of test-key texts (reference §3.6 cost rules, §5.1 items 4 and 5) ----------------------------
#
# A live or team key's text gets its billable units when it is handed to the provider; a test key's text goes to
# the research-mode queue instead and "Billable units are filled in when the receipt is processed (if they were
# 0)" (§5.1 item 4). Until then the cost rule of §3.6 reads billable_units = 0 for a status other than `created`:
# cost data is "ready" with 0 fragments and a cost of 0.0.


def test_live_key_sms_is_billed_from_the_moment_it_is_sending(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str
) -> None:
    notify.set_timings(sending=10, final=60)
    clock = notify.freeze_time()
    sent = client.send_sms_notification("07700900456", sms_template, personalisation={"name": "Jo", "code": "1"})
    clock.advance(10)
    got = client.get_notification_by_id(sent["id"])
    rate = sms_rate_for(got["created_at"])
    assert got["status"] == "sending"
    assert got["is_cost_data_ready"] is True
    assert got["cost_details"] == {"billable_sms_fragments": 1, "international_rate_multiplier": 1.0, "sms_rate": rate}
    assert got["cost_in_pounds"] == 1 * 1.0 * rate


def test_test_key_sms_has_no_billable_units_before_its_receipt(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str
) -> None:
    client = client_for(notify.test_key)
    notify.set_timings(sending=10, final=60)
    clock = notify.freeze_time()
    sent = client.send_sms_notification("07700900456", sms_template, personalisation={"name": "Jo", "code": "1"})
    clock.advance(10)
    got = client.get_notification_by_id(sent["id"])
    rate = sms_rate_for(got["created_at"])
    assert got["status"] == "sending"
    assert got["is_cost_data_ready"] is True
    assert got["cost_details"] == {"billable_sms_fragments": 0, "international_rate_multiplier": 1.0, "sms_rate": rate}
    assert got["cost_in_pounds"] == 0.0

    clock.advance(50)  # the receipt fills the units in
    got = client.get_notification_by_id(sent["id"])
    assert got["status"] == "delivered"
    assert got["cost_details"]["billable_sms_fragments"] == 1


@pytest.mark.notify_service(permissions=["sms", "email", "international_sms"])
def test_test_key_sms_that_stays_sent_is_never_billed(notify: NotifyFake, client_for: ClientFactory) -> None:
    # §5.1 item 5: no receipt ever comes for +1, so the units a receipt would fill in stay 0.
    client = client_for(notify.test_key)
    template = notify.add_template("sms", "Hello")
    got = client.get_notification_by_id(client.send_sms_notification("+1 202 555 0123", template.id)["id"])
    rate = sms_rate_for(got["created_at"])
    assert got["status"] == "sent"
    assert got["is_cost_data_ready"] is True
    assert got["cost_details"] == {"billable_sms_fragments": 0, "international_rate_multiplier": 1.0, "sms_rate": rate}
    assert got["cost_in_pounds"] == 0.0


@pytest.mark.notify_service(permissions=["sms", "email", "international_sms"])
def test_live_key_sms_that_stays_sent_is_billed(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    template = notify.add_template("sms", "Hello")
    got = client.get_notification_by_id(client.send_sms_notification("+1 202 555 0123", template.id)["id"])
    rate = sms_rate_for(got["created_at"])
    assert got["status"] == "sent"
    assert got["cost_details"] == {"billable_sms_fragments": 1, "international_rate_multiplier": 1.0, "sms_rate": rate}


@pytest.mark.notify_service(permissions=["sms", "email", "international_sms"])
@pytest.mark.parametrize(("number", "multiplier"), [("+33 6 12 34 56 78", 2.0), ("07781 123456", 2.0)])
def test_international_and_crown_dependency_texts_go_through_sent(
    notify: NotifyFake, client: NotificationsAPIClient, number: str, multiplier: float
) -> None:
    # §6.2: international numbers, Jersey's included, are `sent` rather than `sending` once handed over.
    template = notify.add_template("sms", "Hello")
    notify.set_timings(sending=10, final=60)
    clock = notify.freeze_time()
    sent = client.send_sms_notification(number, template.id)
    clock.advance(10)
    got = client.get_notification_by_id(sent["id"])
    assert got["status"] == "sent"
    assert got["phone_number"] == number
    assert got["cost_details"]["international_rate_multiplier"] == multiplier


# -- more rendering and echo rules (reference §8.1, §9, §13) -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "body"), [("yes", "Hi yes show"), ("YES", "Hi yes show"), ("1", "Hi yes show"), ("no", "Hi")]
)
def test_conditional_placeholders(notify: NotifyFake, client: NotificationsAPIClient, value: str, body: str) -> None:
    template = notify.add_template("sms", "Hi ((name??yes show))")
    assert client.send_sms_notification("07700900456", template.id, {"name": value})["content"]["body"] == body


def test_missing_conditional_placeholder_is_missing(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    template = notify.add_template("sms", "Hi ((name??yes show))")
    error = http_error(client.send_sms_notification, "07700900456", template.id, {"other": "x"})
    assert error.message == [{"error": "BadRequestError", "message": "Missing personalisation: name"}]


def test_missing_personalisation_uses_the_first_spelling_once(
    notify: NotifyFake, client: NotificationsAPIClient
) -> None:
    template = notify.add_template("sms", "Hi ((First Name)) ((a)) ((first_name)) ((A))")
    error = http_error(client.send_sms_notification, "07700900456", template.id, {"unrelated": "x"})
    assert error.message == [{"error": "BadRequestError", "message": "Missing personalisation: First Name, a"}]


def test_sms_whitespace_is_tidied(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    template = notify.add_template("sms", "  Hi   ((name)) ,\r\n\r\n\r\n\r\nbye .  ")
    sent = client.send_sms_notification("07700900456", template.id, {"name": "Jo"})
    assert sent["content"]["body"] == "Hi Jo,\n\nbye."


def test_email_body_keeps_crlf_and_is_trimmed_and_subject_whitespace_is_normalised(
    notify: NotifyFake, client: NotificationsAPIClient
) -> None:
    template = notify.add_template("email", "\n  Dear ((name))\r\nBye  \n", subject="  Hi   ((name))  ")
    sent = client.send_email_notification("jo@example.com", template.id, {"name": "Jo"})
    assert sent["content"]["body"] == "Dear Jo\r\nBye"
    assert sent["content"]["subject"] == "Hi Jo"


def test_email_that_is_one_empty_placeholder_is_empty(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    whole = notify.add_template("email", "((body))", subject="Subject")
    error = http_error(client.send_email_notification, "jo@example.com", whole.id, {"body": ""})
    assert error.message == [{"error": "BadRequestError", "message": "Your message is empty."}]
    partial = notify.add_template("email", "Hello ((body))", subject="Subject")
    assert client.send_email_notification("jo@example.com", partial.id, {"body": ""})["content"]["body"] == "Hello"


def test_email_longer_than_2000000_bytes(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    template = notify.add_template("email", "((body))", subject="Subject")
    error = http_error(client.send_email_notification, "jo@example.com", template.id, {"body": "\u00e9" * 1_000_001})
    assert error.message == [
        {
            "error": "BadRequestError",
            "message": "Your message is too long. Emails cannot be longer than 2000000 bytes. "
            "Your message is 2000002 bytes.",
        }
    ]


def test_sms_length_is_counted_after_downgrading(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    template = notify.add_template("sms", "((message))")
    # "…" becomes "..." (§8.1): 307 of them are 921 characters
    error = http_error(client.send_sms_notification, "07700900456", template.id, {"message": "\u2026" * 307})
    assert error.message == [
        {
            "error": "BadRequestError",
            "message": "Your message is too long. Text messages cannot be longer than 918 characters. "
            "Your message is 921 characters long.",
        }
    ]
    # an emoji is 2 UTF-16 units but becomes "?": 918 of them fit
    sent = client.send_sms_notification("07700900456", template.id, {"message": "\U0001f600" * 918})
    assert sent["content"]["body"] == "?" * 918


def test_obscure_whitespace_is_removed_from_recipients(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str, email_template: str
) -> None:
    sms = client.send_sms_notification("\u00a007700900456\u200b", sms_template, {"name": "Jo", "code": "1"})
    email = client.send_email_notification("\u200bjo@example.com\u00a0", email_template, {"name": "Jo"})
    assert client.get_notification_by_id(sms["id"])["phone_number"] == "07700900456"
    assert client.get_notification_by_id(email["id"])["email_address"] == "jo@example.com"


@pytest.mark.parametrize(
    ("items", "body"),
    [(["a", None, "b"], "You need a and b."), ([], "You need."), ([None], "You need."), (["a"], "You need a.")],
)
def test_sms_list_values_drop_nulls_and_may_be_empty(
    notify: NotifyFake, client: NotificationsAPIClient, items: list[str | None], body: str
) -> None:
    # §9.4: None items dropped, an empty list renders as "", and an empty list is not missing (§9.3)
    template = notify.add_template("sms", "You need ((items)).")
    assert client.send_sms_notification("07700900456", template.id, {"items": items})["content"]["body"] == body


def test_extra_personalisation_is_stored_with_the_notification(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str
) -> None:
    values = {"name": "Jo", "code": "1", "not_in_template": "kept"}
    sent = client.send_sms_notification("07700900456", sms_template, values)
    assert sent["content"]["body"] == "Hi Jo, your code is 1"
    assert notify.notifications.only(id=sent["id"]).personalisation == values


@pytest.mark.parametrize(
    ("name", "key_name"),
    [("My Test Key!", "my_test_key"), ("Clé  Spéciale-2", "cle_speciale2"), ("  spaced   out  ", "spaced_out")],
)
def test_key_names_are_made_safe_and_the_key_works(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str, name: str, key_name: str
) -> None:
    # §1.1: make_string_safe(name, whitespace="_"); the client reads the key from the right
    key = notify.create_key("test", name)
    assert key == f"{key_name}-{notify.service_id}-{key[-36:]}"
    sent = client_for(key).send_sms_notification("07700900456", sms_template, {"name": "Jo", "code": "1"})
    assert notify.notifications.only(id=sent["id"]).key_name == key_name
