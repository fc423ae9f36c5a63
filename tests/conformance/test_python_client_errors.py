"""The official Python client against the fake: every refusal an integrator meets, as ``HTTPError``.

Trial mode, team keys and the guest list (reference §4), authentication (§1.4, §1.5), schema and business-rule
validation (§3.5, §3.13, §8, §9), and the order those checks run in (§3.5). Each message is copied from the
reference, with U+2019 and U+2013 written as escapes so they cannot be mistaken for ASCII.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from pytest_notify.domain.keys import ApiKey
from pytest_notify.domain.service import Service, SmsSender
from pytest_notify.fake import NotifyFake

ClientFactory = Callable[[str], NotificationsAPIClient]

pytestmark = pytest.mark.notify_service(
    name="Pigeon Affairs Bureau",
    team_members=[{"email": "jo@example.com", "mobile": "07700 900123"}],
)

# reference §4 (the code's strings, not the docs')
TEAM_KEY_ERROR = "Can\u2019t send to this recipient using a team-only API key"
TRIAL_MODE_ERROR = (
    "Can\u2019t send to this recipient when service is in trial mode \u2013 see "
    "https://www.notifications.service.gov.uk/trial-mode"
)
# reference §1.4
GENERIC_TOKEN_ERROR = (
    "Invalid token: make sure your API token matches the example at "
    "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header"
)
NO_RESULT_FOUND = [{"error": "NoResultFound", "message": "No result found"}]
# reference §3.7
STATUS_NOT_ONE_OF = (
    "status elephant is not one of [cancelled, created, sending, sent, delivered, pending, failed, "
    "technical-failure, temporary-failure, permanent-failure, pending-virus-check, validation-failed, "
    "virus-scan-failed, returned-letter, accepted, received]"
)

VALUES = {"name": "Jo", "code": "1234"}


def http_error(call: Callable[..., Any], *args: Any, **kwargs: Any) -> HTTPError:
    """Run a client call that must fail; return the client's ``HTTPError``."""
    with pytest.raises(HTTPError) as caught:
        call(*args, **kwargs)
    return caught.value


def bad_request(message: str) -> list[dict[str, str]]:
    return [{"error": "BadRequestError", "message": message}]


def validation(*messages: str) -> list[dict[str, str]]:
    return [{"error": "ValidationError", "message": m} for m in messages]


def auth_error(message: str) -> list[dict[str, str]]:
    return [{"error": "AuthError", "message": message}]


def api_key(notify: NotifyFake, key: str) -> ApiKey:
    """The stored key behind a key string."""
    return next(k for k in notify.api_keys if k.key == key)


@pytest.fixture
def sms_template(notify: NotifyFake) -> str:
    return notify.add_template("sms", "Hi ((name)), your code is ((code))").id


@pytest.fixture
def email_template(notify: NotifyFake) -> str:
    return notify.add_template("email", "Dear ((name))", subject="Hello ((name))").id


@pytest.fixture
def other_service(notify: NotifyFake) -> Iterator[tuple[Service, str]]:
    """A second, live service on the same fake server, with a live key."""
    service = notify.store.create_service("Another Service")
    key = notify.store.create_api_key(service.id, "live", "their key").key
    yield service, key
    notify.store.remove_service(service.id)


# -- team keys (reference §4) ------------------------------------------------------------------------------


@pytest.mark.parametrize("to", ["07700900999", "+447700900999", "07700 900 124"])
def test_team_key_refuses_sms_to_anyone_else(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str, to: str
) -> None:
    error = http_error(client_for(notify.team_key).send_sms_notification, to, sms_template, VALUES)
    assert error.status_code == 400
    assert error.message == bad_request(TEAM_KEY_ERROR)
    assert list(notify.notifications) == []


@pytest.mark.parametrize("to", ["someone@example.com", "jo@example.org", "jo.smith@example.com"])
def test_team_key_refuses_email_to_anyone_else(
    notify: NotifyFake, client_for: ClientFactory, email_template: str, to: str
) -> None:
    error = http_error(client_for(notify.team_key).send_email_notification, to, email_template, {"name": "Jo"})
    assert error.status_code == 400
    assert error.message == bad_request(TEAM_KEY_ERROR)
    assert list(notify.notifications) == []


@pytest.mark.parametrize("to", ["07700900123", "+447700900123", "447700900123", "+44 7700 900123", "0044 7700 900 123"])
def test_team_key_matches_team_member_numbers_after_normalising(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str, to: str
) -> None:
    sent = client_for(notify.team_key).send_sms_notification(to, sms_template, VALUES)
    stored = notify.notifications.only(id=sent["id"])
    assert stored.key_type == "team"
    assert stored.to == to  # stored as supplied (§13)


@pytest.mark.parametrize("to", ["jo@example.com", "JO@example.com", "Jo@EXAMPLE.COM", "  jo@example.com "])
def test_team_key_matches_team_member_addresses_ignoring_case_and_whitespace(
    notify: NotifyFake, client_for: ClientFactory, email_template: str, to: str
) -> None:
    sent = client_for(notify.team_key).send_email_notification(to, email_template, {"name": "Jo"})
    assert notify.notifications.only(id=sent["id"]).to == to.strip()


def test_team_member_added_during_the_test_can_be_sent_to(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str, email_template: str
) -> None:
    notify.add_team_member(email="NEW.Member@Example.com", mobile="+44 7700 900 777")
    client = client_for(notify.team_key)
    client.send_sms_notification("07700900777", sms_template, VALUES)
    client.send_email_notification("new.member@example.com", email_template, {"name": "Jo"})
    assert [n.to for n in notify.notifications] == ["07700900777", "new.member@example.com"]


@pytest.mark.notify_service(guest_list=["guest@EXAMPLE.com", "+44 7700 900 456"])
def test_team_key_may_send_to_the_guest_list_after_normalising(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str, email_template: str
) -> None:
    client = client_for(notify.team_key)
    client.send_sms_notification("07700900456", sms_template, VALUES)
    client.send_email_notification("Guest@example.COM", email_template, {"name": "Jo"})
    assert [n.to for n in notify.notifications] == ["07700900456", "Guest@example.COM"]

    error = http_error(client.send_sms_notification, "07700900457", sms_template, VALUES)
    assert error.message == bad_request(TEAM_KEY_ERROR)


def test_guest_list_entries_added_during_the_test_count(
    notify: NotifyFake, client_for: ClientFactory, email_template: str
) -> None:
    client = client_for(notify.team_key)
    assert http_error(client.send_email_notification, "late@example.com", email_template, {"name": "Jo"}).message == (
        bad_request(TEAM_KEY_ERROR)
    )
    notify.add_to_guest_list("LATE@example.com")
    client.send_email_notification("late@example.com", email_template, {"name": "Jo"})
    assert len(notify.notifications) == 1


@pytest.mark.notify_service(permissions=["sms", "email"])
def test_team_key_error_comes_before_the_international_permission_check(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str
) -> None:
    # §4: the allow-list check runs before the phone permission checks
    error = http_error(client_for(notify.team_key).send_sms_notification, "+33 6 12 34 56 78", sms_template, VALUES)
    assert error.message == bad_request(TEAM_KEY_ERROR)


@pytest.mark.parametrize("to", ["+447700900000", "07700 900 111", "simulate-delivered@notifications.service.gov.uk"])
def test_team_key_refuses_smoke_test_recipients_not_on_the_list(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str, email_template: str, to: str
) -> None:
    client = client_for(notify.team_key)
    if "@" in to:
        error = http_error(client.send_email_notification, to, email_template, {"name": "Jo"})
    else:
        error = http_error(client.send_sms_notification, to, sms_template, VALUES)
    assert error.status_code == 400
    assert error.message == bad_request(TEAM_KEY_ERROR)


@pytest.mark.notify_service(guest_list=["+447700900222", "simulate-delivered-2@notifications.service.gov.uk"])
def test_team_key_smoke_test_recipients_on_the_guest_list_are_accepted_but_not_stored(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str, email_template: str
) -> None:
    client = client_for(notify.team_key)
    sms = client.send_sms_notification("07700 900 222", sms_template, VALUES)
    email = client.send_email_notification(
        "simulate-delivered-2@notifications.service.gov.uk", email_template, {"name": "Jo"}
    )
    for sent in (sms, email):
        error = http_error(client.get_notification_by_id, sent["id"])
        assert error.status_code == 404
        assert error.message == NO_RESULT_FOUND
    assert list(notify.notifications) == []


# -- trial mode (reference §4) -------------------------------------------------------------------------------


@pytest.mark.notify_service(trial_mode=True)
def test_trial_service_has_no_live_key_and_its_test_key_sends_to_anyone(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str, email_template: str
) -> None:
    assert notify.live_key is None
    client = client_for(notify.test_key)
    client.send_sms_notification("07700900999", sms_template, VALUES)
    client.send_email_notification("anyone@example.com", email_template, {"name": "Jo"})
    assert [n.to for n in notify.notifications] == ["07700900999", "anyone@example.com"]


@pytest.mark.notify_service(trial_mode=True)
def test_trial_service_team_key_gets_the_team_key_error(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str, email_template: str
) -> None:
    client = client_for(notify.team_key)
    assert http_error(client.send_sms_notification, "07700900999", sms_template, VALUES).message == bad_request(
        TEAM_KEY_ERROR
    )
    assert http_error(
        client.send_email_notification, "anyone@example.com", email_template, {"name": "Jo"}
    ).message == bad_request(TEAM_KEY_ERROR)
    client.send_sms_notification("+447700900123", sms_template, VALUES)
    assert len(notify.notifications) == 1


@pytest.fixture
def trial_client(notify: NotifyFake, client: NotificationsAPIClient) -> NotificationsAPIClient:
    """The live key of a service put back into trial mode: Notify's ``restricted`` service with a normal key."""
    notify.back_to_trial()
    assert notify.trial_mode
    return client


@pytest.mark.parametrize("to", ["07700900999", "+33 6 12 34 56 78", "+447700900000"])
def test_live_key_in_trial_mode_refuses_sms_to_anyone_else(
    notify: NotifyFake, trial_client: NotificationsAPIClient, sms_template: str, to: str
) -> None:
    error = http_error(trial_client.send_sms_notification, to, sms_template, VALUES)
    assert error.status_code == 400
    assert error.message == bad_request(TRIAL_MODE_ERROR)
    assert list(notify.notifications) == []


@pytest.mark.parametrize("to", ["anyone@example.com", "simulate-delivered@notifications.service.gov.uk"])
def test_live_key_in_trial_mode_refuses_email_to_anyone_else(
    notify: NotifyFake, trial_client: NotificationsAPIClient, email_template: str, to: str
) -> None:
    error = http_error(trial_client.send_email_notification, to, email_template, {"name": "Jo"})
    assert error.status_code == 400
    assert error.message == bad_request(TRIAL_MODE_ERROR)


def test_live_key_in_trial_mode_sends_to_the_team_and_guest_list(
    notify: NotifyFake, trial_client: NotificationsAPIClient, sms_template: str, email_template: str
) -> None:
    notify.add_to_guest_list("Guest@Example.com", "07700 900 888")
    trial_client.send_sms_notification("+44 7700 900 123", sms_template, VALUES)
    trial_client.send_sms_notification("447700900888", sms_template, VALUES)
    trial_client.send_email_notification("JO@EXAMPLE.COM", email_template, {"name": "Jo"})
    trial_client.send_email_notification("guest@example.com", email_template, {"name": "Jo"})
    assert [(n.to, n.key_type) for n in notify.notifications] == [
        ("+44 7700 900 123", "normal"),
        ("447700900888", "normal"),
        ("JO@EXAMPLE.COM", "normal"),
        ("guest@example.com", "normal"),
    ]


# -- authentication (reference §1.4, §1.5) ----------------------------------------------------------------------


def test_key_of_an_unknown_service(client_for: ClientFactory) -> None:
    key = f"my_key-{uuid.uuid4()}-{uuid.uuid4()}"
    error = http_error(client_for(key).get_all_notifications)
    assert error.status_code == 403
    assert error.message == auth_error("Invalid token: service not found")


def test_key_with_the_right_service_but_a_wrong_secret(notify: NotifyFake, client_for: ClientFactory) -> None:
    key = f"my_key-{notify.service_id}-{uuid.uuid4()}"
    error = http_error(client_for(key).send_sms_notification, "07700900123", str(uuid.uuid4()))
    assert error.status_code == 403
    assert error.message == auth_error("Invalid token: API key not found")


def test_service_id_that_is_not_a_uuid(client_for: ClientFactory) -> None:
    key = f"my_key-{'x' * 36}-{uuid.uuid4()}"
    error = http_error(client_for(key).get_all_notifications)
    assert error.status_code == 403
    assert error.message == auth_error("Invalid token: service id is not the right data type")


def test_key_of_another_service_works_only_for_that_service(
    notify: NotifyFake,
    client: NotificationsAPIClient,
    client_for: ClientFactory,
    other_service: tuple[Service, str],
    sms_template: str,
) -> None:
    service, their_key = other_service
    theirs = client_for(their_key)
    # Our template is not theirs (§3.5: 400 Template not found, also for other services' templates)
    assert http_error(theirs.send_sms_notification, "07700900123", sms_template, VALUES).message == bad_request(
        "Template not found"
    )
    their_template = notify.store.add_template(service.id, "sms", "Theirs").id
    their_sent = theirs.send_sms_notification("07700900123", str(their_template))
    ours = client.send_sms_notification("07700900123", sms_template, VALUES)

    # Neither can read or list the other's notifications (§3.6: another service's id is 404)
    for reader, other_id in ((client, their_sent["id"]), (theirs, ours["id"])):
        error = http_error(reader.get_notification_by_id, other_id)
        assert error.status_code == 404
        assert error.message == NO_RESULT_FOUND
    assert [n["id"] for n in client.get_all_notifications()["notifications"]] == [ours["id"]]
    assert [n["id"] for n in theirs.get_all_notifications()["notifications"]] == [their_sent["id"]]
    assert [n.id for n in notify.notifications] == [ours["id"]]


def test_other_services_secret_with_our_service_id(
    notify: NotifyFake, client_for: ClientFactory, other_service: tuple[Service, str]
) -> None:
    _, their_key = other_service
    mixed = f"mixed-{notify.service_id}-{their_key[-36:]}"
    error = http_error(client_for(mixed).get_all_notifications)
    assert error.status_code == 403
    assert error.message == auth_error("Invalid token: API key not found")


def test_revoked_key_is_refused_then_forgotten_after_7_days(
    notify: NotifyFake, client: NotificationsAPIClient, client_for: ClientFactory
) -> None:
    assert notify.live_key is not None
    notify.store.revoke_api_key(notify.service.id, api_key(notify, notify.live_key).id)

    error = http_error(client.get_all_notifications)
    assert error.status_code == 403
    assert error.message == auth_error("Invalid token: API key revoked")
    # the other keys still work
    assert client_for(notify.test_key).get_all_notifications()["notifications"] == []

    notify.freeze_time().advance(days=8)
    error = http_error(client.get_all_notifications)
    assert error.status_code == 403
    assert error.message == auth_error("Invalid token: API key not found")


def test_revoked_key_cannot_send(notify: NotifyFake, client_for: ClientFactory, sms_template: str) -> None:
    notify.store.revoke_api_key(notify.service.id, api_key(notify, notify.team_key).id)
    error = http_error(client_for(notify.team_key).send_sms_notification, "07700900123", sms_template, VALUES)
    assert error.status_code == 403
    assert error.message == auth_error("Invalid token: API key revoked")
    assert list(notify.notifications) == []


def test_service_whose_keys_were_all_revoked_over_7_days_ago_has_no_api_keys(
    notify: NotifyFake, client: NotificationsAPIClient
) -> None:
    for key in notify.api_keys:
        notify.store.revoke_api_key(notify.service.id, key.id)
    assert http_error(client.get_all_notifications).message == auth_error("Invalid token: API key revoked")
    notify.freeze_time().advance(days=8)
    error = http_error(client.get_all_notifications)
    assert error.status_code == 403
    assert error.message == auth_error("Invalid token: service has no API keys")


def test_archived_service(notify: NotifyFake, client: NotificationsAPIClient, sms_template: str) -> None:
    notify.service.active = False
    error = http_error(client.send_sms_notification, "07700900123", sms_template, VALUES)
    assert error.status_code == 403
    assert error.message == auth_error("Invalid token: service is archived")


def test_a_new_key_works_and_sees_its_own_key_type(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str
) -> None:
    second_live = notify.create_key("live", "Second Live Key!")
    assert second_live.startswith(f"second_live_key-{notify.service_id}-")  # §1.1 make_string_safe
    sent = client_for(second_live).send_sms_notification("07700900999", sms_template, VALUES)
    assert notify.notifications.only(id=sent["id"]).key_type == "normal"


def test_client_clock_out_by_more_than_30_seconds(
    notify: NotifyFake, client: NotificationsAPIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_gmtime = time.gmtime
    # the client signs iat with calendar.timegm(time.gmtime()) (official-clients §2.3)
    monkeypatch.setattr(time, "gmtime", lambda *args: real_gmtime(*args) if args else real_gmtime(time.time() - 120))
    error = http_error(client.get_all_notifications)
    assert error.status_code == 403
    assert error.message == auth_error("Error: Your system clock must be accurate to within 30 seconds")


def test_auth_runs_before_validation(client_for: ClientFactory, notify: NotifyFake) -> None:
    key = f"my_key-{notify.service_id}-{uuid.uuid4()}"
    error = http_error(client_for(key).send_sms_notification, "not a number", "not a uuid")
    assert error.status_code == 403
    assert error.message == auth_error("Invalid token: API key not found")


# -- schema validation (reference §3.13) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("07515111*11", "phone_number Must not contain letters or symbols"),
        ("notaphoneumber", "phone_number Must not contain letters or symbols"),
        ("", "phone_number Not enough digits"),
        ("+44", "phone_number Not enough digits"),
        ("999", "phone_number Not enough digits"),
        ("+99912345678", "phone_number Too many digits"),
        ("08515111111", "phone_number Number is not valid \u2013 double check the phone number you entered"),
        ("0800 123 4567", "phone_number Number is not valid \u2013 double check the phone number you entered"),
        ("09061234567", "phone_number Number is not valid \u2013 double check the phone number you entered"),
    ],
)
def test_bad_phone_numbers(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str, number: str, message: str
) -> None:
    error = http_error(client.send_sms_notification, number, sms_template, VALUES)
    assert error.status_code == 400
    assert error.message == validation(message)
    assert list(notify.notifications) == []


@pytest.mark.parametrize(
    "address",
    [
        "example",
        "a@b",
        "a@b.c",
        "a..b@example.com",
        "x@localhost",
        "x@-ex.com",
        "x@ex_ample.com",
        "a b@example.com",
        "ex@mple@x.com",
    ],
)
def test_bad_email_addresses(
    notify: NotifyFake, client: NotificationsAPIClient, email_template: str, address: str
) -> None:
    error = http_error(client.send_email_notification, address, email_template, {"name": "Jo"})
    assert error.status_code == 400
    assert error.message == validation("email_address Not a valid email address")


def test_empty_email_address(client: NotificationsAPIClient, email_template: str) -> None:
    error = http_error(client.send_email_notification, "", email_template, {"name": "Jo"})
    assert error.message == validation("email_address Not a valid email address")


@pytest.mark.parametrize(
    "template_id",
    ["not-a-uuid", "5", "26785a09-ab16-4eb0-8407-a37497a57506 ", "26785a09-ab16-4eb0-8407-a37497a57506\n"],
)
def test_template_id_that_is_not_a_uuid(client: NotificationsAPIClient, template_id: str) -> None:
    error = http_error(client.send_sms_notification, "07700900123", template_id)
    assert error.status_code == 400
    assert error.message == validation("template_id is not a valid UUID")


def test_several_schema_errors_are_reported_together(client: NotificationsAPIClient) -> None:
    error = http_error(client.send_sms_notification, "", "bad_uuid")
    assert error.status_code == 400
    assert sorted(error.message, key=lambda e: e["message"]) == validation(
        "phone_number Not enough digits", "template_id is not a valid UUID"
    )


def test_reference_longer_than_1000_characters(client: NotificationsAPIClient, sms_template: str) -> None:
    error = http_error(client.send_sms_notification, "07700900123", sms_template, VALUES, reference="a" * 1001)
    assert error.message == validation(f"reference {'a' * 1001} is too long")


def test_reference_of_1000_characters_is_fine(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str
) -> None:
    sent = client.send_sms_notification("07700900123", sms_template, VALUES, reference="a" * 1000)
    assert sent["reference"] == "a" * 1000


@pytest.mark.parametrize("url", ["http://example.com/unsubscribe", "not a url"])
def test_one_click_unsubscribe_url_must_be_https(client: NotificationsAPIClient, email_template: str, url: str) -> None:
    error = http_error(
        client.send_email_notification, "jo@example.com", email_template, {"name": "Jo"}, one_click_unsubscribe_url=url
    )
    assert error.message == validation("one_click_unsubscribe_url is not a valid https url")


def test_sanitise_content_for_must_be_a_list(client: NotificationsAPIClient, email_template: str) -> None:
    error = http_error(
        client.send_email_notification, "jo@example.com", email_template, {"name": "Jo"}, sanitise_content_for="name"
    )
    assert error.message == validation("sanitise_content_for name is not of type array, null")


def test_sms_sender_id_that_is_not_a_uuid(client: NotificationsAPIClient, sms_template: str) -> None:
    error = http_error(client.send_sms_notification, "07700900123", sms_template, VALUES, sms_sender_id="bad")
    assert error.message == validation("sms_sender_id is not a valid UUID")


def test_email_reply_to_id_that_is_not_a_uuid(client: NotificationsAPIClient, email_template: str) -> None:
    error = http_error(
        client.send_email_notification, "jo@example.com", email_template, {"name": "Jo"}, email_reply_to_id="bad"
    )
    assert error.message == validation("email_reply_to_id is not a valid UUID")


def test_personalisation_must_be_an_object(client: NotificationsAPIClient, sms_template: str) -> None:
    error = http_error(client.send_sms_notification, "07700900123", sms_template, personalisation="not_a_dict")
    assert error.message == validation("personalisation not_a_dict is not of type object")


# -- templates and personalisation (reference §3.5 step 7, §9) -------------------------------------------------------


def test_missing_personalisation(notify: NotifyFake, client: NotificationsAPIClient, sms_template: str) -> None:
    error = http_error(client.send_sms_notification, "07700900123", sms_template, {"name": "Jo"})
    assert error.status_code == 400
    assert error.message == bad_request("Missing personalisation: code")
    assert list(notify.notifications) == []


def test_all_personalisation_missing(client: NotificationsAPIClient, sms_template: str) -> None:
    error = http_error(client.send_sms_notification, "07700900123", sms_template)
    assert error.message == bad_request("Missing personalisation: name, code")


def test_missing_email_personalisation_lists_subject_placeholders_first(
    notify: NotifyFake, client: NotificationsAPIClient
) -> None:
    template = notify.add_template("email", "((name)) ((other))", subject="Hi ((subj))")
    error = http_error(client.send_email_notification, "jo@example.com", template.id, {"name": "Jo"})
    assert error.message == bad_request("Missing personalisation: subj, other")


def test_null_personalisation_values_are_missing_but_empty_strings_are_not(
    notify: NotifyFake, client: NotificationsAPIClient
) -> None:
    template = notify.add_template("sms", "Hi ((name))((suffix))")
    error = http_error(client.send_sms_notification, "07700900123", template.id, {"name": "Jo", "suffix": None})
    assert error.message == bad_request("Missing personalisation: suffix")
    sent = client.send_sms_notification("07700900123", template.id, {"name": "Jo", "suffix": ""})
    assert sent["content"]["body"] == "Hi Jo"


def test_extra_personalisation_is_ignored(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str
) -> None:
    sent = client.send_sms_notification("07700900123", sms_template, {**VALUES, "unused": "x"})
    assert sent["content"]["body"] == "Hi Jo, your code is 1234"


def test_unknown_template(client: NotificationsAPIClient) -> None:
    error = http_error(client.send_sms_notification, "07700900123", str(uuid.uuid4()))
    # 400 on send, not 404 (§3.5, §13)
    assert error.status_code == 400
    assert error.message == bad_request("Template not found")


def test_template_of_the_wrong_type(client: NotificationsAPIClient, sms_template: str, email_template: str) -> None:
    error = http_error(client.send_sms_notification, "07700900123", email_template, {"name": "Jo"})
    assert error.message == bad_request("email template is not suitable for sms notification")
    error = http_error(client.send_email_notification, "jo@example.com", sms_template, VALUES)
    assert error.message == bad_request("sms template is not suitable for email notification")


def test_archived_template(notify: NotifyFake, client: NotificationsAPIClient, sms_template: str) -> None:
    notify.service.templates[uuid.UUID(sms_template)].archived = True
    error = http_error(client.send_sms_notification, "07700900123", sms_template, VALUES)
    assert error.message == bad_request("Template has been deleted")


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_sms(notify: NotifyFake, client: NotificationsAPIClient, value: str) -> None:
    template = notify.add_template("sms", "((message))")
    error = http_error(client.send_sms_notification, "07700900123", template.id, {"message": value})
    assert error.message == bad_request("Your message is empty.")


def test_sms_longer_than_918_characters(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    template = notify.add_template("sms", "((message))")
    sent = client.send_sms_notification("07700900123", template.id, {"message": "a" * 918})
    assert sent["content"]["body"] == "a" * 918
    error = http_error(client.send_sms_notification, "07700900123", template.id, {"message": "a" * 919})
    assert error.message == bad_request(
        "Your message is too long. Text messages cannot be longer than 918 characters. "
        "Your message is 919 characters long."
    )


# -- permissions (reference §8.2, §13) ------------------------------------------------------------------------------


@pytest.mark.notify_service(permissions=["email"])
def test_service_without_sms_permission(client: NotificationsAPIClient, sms_template: str) -> None:
    error = http_error(client.send_sms_notification, "07700900123", sms_template, VALUES)
    assert error.message == bad_request("Service is not allowed to send text messages")


@pytest.mark.notify_service(permissions=["sms"])
def test_service_without_email_permission(client: NotificationsAPIClient, email_template: str) -> None:
    error = http_error(client.send_email_notification, "jo@example.com", email_template, {"name": "Jo"})
    assert error.message == bad_request("Service is not allowed to send emails")


@pytest.mark.notify_service(permissions=["sms", "email"])
def test_international_number_without_permission(client: NotificationsAPIClient, sms_template: str) -> None:
    error = http_error(client.send_sms_notification, "+33 6 12 34 56 78", sms_template, VALUES)
    assert error.status_code == 400
    assert error.message == bad_request("Cannot send to international mobile numbers")


@pytest.mark.notify_service(permissions=["sms", "email", "international_sms"])
def test_international_number_with_permission(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str
) -> None:
    sent = client.send_sms_notification("+33 6 12 34 56 78", sms_template, VALUES)
    assert notify.notifications.only(id=sent["id"]).to == "+33 6 12 34 56 78"


@pytest.mark.notify_service(permissions=["sms", "email"])
def test_uk_landline_without_permission(client: NotificationsAPIClient, sms_template: str) -> None:
    error = http_error(client.send_sms_notification, "020 7946 0000", sms_template, VALUES)
    assert error.status_code == 400
    assert error.message == [{"error": "InvalidPhoneError", "message": "Not a UK mobile number"}]


@pytest.mark.notify_service(permissions=["sms", "email", "sms_to_uk_landlines"])
def test_uk_landline_with_permission(notify: NotifyFake, client: NotificationsAPIClient, sms_template: str) -> None:
    sent = client.send_sms_notification("020 7946 0000", sms_template, VALUES)
    assert notify.notifications.only(id=sent["id"]).to == "020 7946 0000"


# -- the order of the checks (reference §3.5) ---------------------------------------------------------------------


def test_schema_errors_come_before_team_key_and_template_checks(client_for: ClientFactory, notify: NotifyFake) -> None:
    error = http_error(client_for(notify.team_key).send_sms_notification, "07700900999", "bad")
    assert error.message == validation("template_id is not a valid UUID")


@pytest.mark.notify_service(permissions=["email"])
def test_permission_comes_before_the_template(client: NotificationsAPIClient) -> None:
    error = http_error(client.send_sms_notification, "07700900123", str(uuid.uuid4()))
    assert error.message == bad_request("Service is not allowed to send text messages")


def test_template_checks_come_before_the_team_key_check(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str
) -> None:
    client = client_for(notify.team_key)
    assert http_error(client.send_sms_notification, "07700900999", str(uuid.uuid4())).message == bad_request(
        "Template not found"
    )
    assert http_error(client.send_sms_notification, "07700900999", sms_template, {"name": "Jo"}).message == (
        bad_request("Missing personalisation: code")
    )


def test_sms_sender_check_comes_before_the_team_key_check(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str
) -> None:
    unknown = uuid.uuid4()
    error = http_error(
        client_for(notify.team_key).send_sms_notification,
        "07700900999",
        sms_template,
        VALUES,
        sms_sender_id=str(unknown),
    )
    assert error.message == bad_request(
        f"sms_sender_id {unknown} does not exist in database for service id {notify.service_id}"
    )


def test_team_key_check_comes_before_the_length_check(notify: NotifyFake, client_for: ClientFactory) -> None:
    template = notify.add_template("sms", "((message))")
    error = http_error(
        client_for(notify.team_key).send_sms_notification, "07700900999", template.id, {"message": "a" * 919}
    )
    assert error.message == bad_request(TEAM_KEY_ERROR)


def test_archived_sender_is_checked_after_missing_personalisation(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str
) -> None:
    sender = SmsSender(id=uuid.uuid4(), sms_sender="OLD", archived=True)
    notify.service.sms_senders.append(sender)
    error = http_error(
        client.send_sms_notification, "07700900123", sms_template, {"name": "Jo"}, sms_sender_id=str(sender.id)
    )
    assert error.message == bad_request("Missing personalisation: code")


# -- GET /v2/notifications query validation (reference §3.7) ------------------------------------------------------


def test_list_with_an_unknown_status(client: NotificationsAPIClient) -> None:
    error = http_error(client.get_all_notifications, status="elephant")
    assert error.status_code == 400
    assert error.message == validation(STATUS_NOT_ONE_OF)


def test_list_with_an_unknown_template_type(client: NotificationsAPIClient) -> None:
    error = http_error(client.get_all_notifications, template_type="foo")
    assert error.message == validation("template_type foo is not one of [sms, email, letter]")


def test_list_with_older_than_that_is_not_a_uuid(client: NotificationsAPIClient) -> None:
    error = http_error(client.get_all_notifications, older_than="bad")
    assert error.message == validation("older_than is not a valid UUID")


def test_list_include_jobs(client: NotificationsAPIClient) -> None:
    # the client sends include_jobs=True literally; Notify accepts true/True (clients §2.4)
    assert client.get_all_notifications(include_jobs=True)["notifications"] == []
    error = http_error(client.get_all_notifications, include_jobs="false")
    assert error.message == validation("include_jobs false is not one of [true, True]")


def test_list_with_an_unknown_parameter(client: NotificationsAPIClient) -> None:
    error = http_error(client.get, "/v2/notifications", params={"page": 2})
    assert error.message == validation("Additional properties are not allowed (page was unexpected)")


# -- more schema type errors (reference §3.13: quotes removed, field name first) ---------------------------------


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (7700900001, "phone_number 7700900001 is not of type string"),
        (None, "phone_number None is not of type string"),
    ],
)
def test_phone_number_of_the_wrong_type(
    client: NotificationsAPIClient, sms_template: str, number: Any, message: str
) -> None:
    error = http_error(client.send_sms_notification, number, sms_template, VALUES)
    assert error.message == validation(message)


def test_reference_of_the_wrong_type(client: NotificationsAPIClient, sms_template: str) -> None:
    error = http_error(client.send_sms_notification, "07700900123", sms_template, VALUES, reference=5)
    assert error.message == validation("reference 5 is not of type string")


def test_personalisation_list_is_not_an_object(client: NotificationsAPIClient, sms_template: str) -> None:
    error = http_error(client.send_sms_notification, "07700900123", sms_template, personalisation=["a"])
    assert error.message == validation("personalisation [a] is not of type object")


def test_template_id_of_the_wrong_type(client: NotificationsAPIClient) -> None:
    error = http_error(client.send_email_notification, "jo@example.com", 5)
    assert error.message == validation("template_id is not a valid UUID")


def test_client_clock_ahead_by_more_than_30_seconds(
    notify: NotifyFake, client: NotificationsAPIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_gmtime = time.gmtime
    monkeypatch.setattr(time, "gmtime", lambda *args: real_gmtime(*args) if args else real_gmtime(time.time() + 120))
    error = http_error(client.get_all_notifications)
    assert error.status_code == 403
    assert error.message == auth_error("Error: Your system clock must be accurate to within 30 seconds")


def test_client_clock_within_30_seconds_is_fine(
    client: NotificationsAPIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_gmtime = time.gmtime
    monkeypatch.setattr(time, "gmtime", lambda *args: real_gmtime(*args) if args else real_gmtime(time.time() - 20))
    assert client.get_all_notifications()["notifications"] == []


def test_archived_service_with_keys_revoked_over_7_days_ago_has_no_api_keys(
    notify: NotifyFake, client: NotificationsAPIClient
) -> None:
    # §1.5: archiving revokes every key; a week later the keys check (no keys) comes before the archived check
    notify.service.active = False
    for key in notify.api_keys:
        notify.store.revoke_api_key(notify.service.id, key.id)
    assert http_error(client.get_all_notifications).message == auth_error("Invalid token: service is archived")
    notify.freeze_time().advance(days=8)
    assert http_error(client.get_all_notifications).message == auth_error("Invalid token: service has no API keys")


def test_notifications_of_a_revoked_key_are_still_listed_for_its_key_type(
    notify: NotifyFake, client: NotificationsAPIClient, client_for: ClientFactory, sms_template: str
) -> None:
    sent = client.send_sms_notification("07700900123", sms_template, VALUES)
    assert notify.live_key is not None
    notify.store.revoke_api_key(notify.service.id, api_key(notify, notify.live_key).id)
    other_live = client_for(notify.create_key("live", "replacement"))
    assert [n["id"] for n in other_live.get_all_notifications()["notifications"]] == [sent["id"]]
    assert other_live.get_notification_by_id(sent["id"])["id"] == sent["id"]
