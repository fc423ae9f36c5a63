"""POST /v2/notifications/sms and /email through the WSGI app: bodies, bytes and every refusal."""

from __future__ import annotations

import json
import uuid

import pytest

from pytest_notify.domain.service import EmailReplyTo, SmsSender, TeamMember
from tests.conftest import Api, errors_of

TEAM = "Can’t send to this recipient using a team-only API key"
TRIAL = "Can’t send to this recipient when service is in trial mode – see https://www.notifications.service.gov.uk/trial-mode"


@pytest.fixture
def sms_template(api: Api) -> uuid.UUID:
    return api.store.add_template(api.service.id, "sms", "Hi ((name)), your code is ((code))").id


@pytest.fixture
def email_template(api: Api) -> uuid.UUID:
    return api.store.add_template(api.service.id, "email", "Dear ((name)),\n\nThanks - bye", 'Hi ((name)) - "x"').id


def sms(api: Api, template: uuid.UUID, to: str = "07700 900123", key=None, **extra):  # type: ignore[no-untyped-def]
    body = {
        "phone_number": to,
        "template_id": str(template),
        "personalisation": {"name": "Jo", "code": "1234"},
        **extra,
    }
    return api.post("/v2/notifications/sms", body, key)


def email(api: Api, template: uuid.UUID, to: str = "jo@example.com", key=None, **extra):  # type: ignore[no-untyped-def]
    body = {"email_address": to, "template_id": str(template), "personalisation": {"name": "Jo"}, **extra}
    return api.post("/v2/notifications/email", body, key)


def test_sms_201_body_exactly(api: Api, sms_template: uuid.UUID) -> None:
    response = sms(api, sms_template, reference="ref-1")
    assert response.status_code == 201
    body = response.get_json()
    nid = body["id"]
    uuid.UUID(nid)
    assert body == {
        "content": {"body": "Hi Jo, your code is 1234", "from_number": "GOVUK"},
        "id": nid,
        "reference": "ref-1",
        "scheduled_for": None,
        "template": {
            "id": str(sms_template),
            "uri": f"http://localhost/services/{api.service.id}/templates/{sms_template}",
            "version": 1,
        },
        "uri": f"http://localhost/v2/notifications/{nid}",
    }
    # Notify's encoding: sorted keys, compact, trailing newline.
    assert response.data == (json.dumps(body, sort_keys=True, separators=(",", ":")) + "\n").encode()
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store, no-cache, private, must-revalidate"
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_email_201_body_exactly(api: Api, email_template: uuid.UUID) -> None:
    response = email(api, email_template)
    assert response.status_code == 201
    body = response.get_json()
    assert body["content"] == {
        "body": "Dear Jo,\n\nThanks - bye",
        "from_email": "pigeon.affairs.bureau@notifications.service.gov.uk",
        "one_click_unsubscribe_url": None,
        "subject": "Hi Jo – “x”",
    }
    assert body["sanitised_content"] == {}
    assert body["reference"] is None
    assert body["scheduled_for"] is None
    assert b"\\u2013" in response.data and b"\\u201c" in response.data  # ASCII escapes on the wire


def test_email_sender_name_and_unsubscribe_url(api: Api, email_template: uuid.UUID) -> None:
    api.service.email_sender_name = "Department of Pigeons"
    body = email(api, email_template, one_click_unsubscribe_url="https://example.com/unsub").get_json()
    assert body["content"]["from_email"] == "department.of.pigeons@notifications.service.gov.uk"
    assert body["content"]["one_click_unsubscribe_url"] == "https://example.com/unsub"


def test_sanitise_content_for(api: Api) -> None:
    template = api.store.add_template(api.service.id, "email", "Hello ((name))", "Hi").id
    body = {
        "email_address": "jo@example.com",
        "template_id": str(template),
        "personalisation": {"name": "Anne Example, now [click this evil link](https://evil.link)"},
        "sanitise_content_for": ["NAME"],
    }
    result = api.post("/v2/notifications/email", body).get_json()
    sanitised = "Anne Example, now \\[click this evil link\\]\\(\\)"
    assert result["content"]["body"] == f"Hello {sanitised}"
    assert result["sanitised_content"] == {
        "name": {"unsanitised": "Anne Example, now [click this evil link](https://evil.link)", "sanitised": sanitised}
    }


# -- order of checks and messages (§3.5) ------------------------------------------------------


def test_invalid_json(api: Api) -> None:
    for data in ("not json", "", "{", b"\xff\xfe"):
        response = api.post("/v2/notifications/sms", data)
        assert response.status_code == 400
        assert response.get_json() == {
            "errors": [{"error": "BadRequestError", "message": "Invalid JSON supplied in POST data"}],
            "status_code": 400,
        }


@pytest.mark.parametrize("falsy", ["null", "{}", "[]", '""', "0", "false"])
def test_falsy_json_is_an_empty_object(api: Api, falsy: str) -> None:
    response = api.post("/v2/notifications/sms", falsy)
    assert response.status_code == 400
    assert errors_of(response) == ["phone_number is a required property", "template_id is a required property"]
    assert {e["error"] for e in response.get_json()["errors"]} == {"ValidationError"}


def test_content_type_is_ignored(api: Api, sms_template: uuid.UUID) -> None:
    body = json.dumps(
        {"phone_number": "07700900123", "template_id": str(sms_template), "personalisation": {"name": "a", "code": "b"}}
    )
    response = api.client.post(
        "/v2/notifications/sms", data=body, headers={**api.auth(api.live_key), "Content-Type": "text/plain"}
    )
    assert response.status_code == 201


def test_permission(api: Api, sms_template: uuid.UUID, email_template: uuid.UUID) -> None:
    api.service.permissions -= {"sms", "email"}
    assert errors_of(sms(api, sms_template)) == ["Service is not allowed to send text messages"]
    assert errors_of(email(api, email_template)) == ["Service is not allowed to send emails"]


def test_template_not_found(api: Api) -> None:
    response = sms(api, uuid.uuid4())
    assert response.status_code == 400
    assert response.get_json()["errors"] == [{"error": "BadRequestError", "message": "Template not found"}]


def test_template_of_another_service_is_not_found(api: Api) -> None:
    other = api.store.create_service("Other")
    template = api.store.add_template(other.id, "sms", "Hello")
    assert errors_of(sms(api, template.id)) == ["Template not found"]


def test_template_type_mismatch(api: Api, email_template: uuid.UUID, sms_template: uuid.UUID) -> None:
    assert errors_of(sms(api, email_template)) == ["email template is not suitable for sms notification"]
    assert errors_of(email(api, sms_template)) == ["sms template is not suitable for email notification"]


def test_template_deleted(api: Api, sms_template: uuid.UUID) -> None:
    api.service.templates[sms_template].archived = True
    assert errors_of(sms(api, sms_template)) == ["Template has been deleted"]


def test_missing_personalisation_insensitive(api: Api) -> None:
    template = api.store.add_template(api.service.id, "email", "((First Name)) ((other)) ((subj))", "((subj))").id
    body = {"email_address": "a@example.com", "template_id": str(template), "personalisation": {"first_name": "x"}}
    assert errors_of(api.post("/v2/notifications/email", body)) == ["Missing personalisation: subj, other"]
    body["personalisation"] = {"FIRST-NAME": "x", "OTHER": None, "s u b j": ""}
    assert errors_of(api.post("/v2/notifications/email", body)) == ["Missing personalisation: other"]


def test_empty_sms(api: Api) -> None:
    template = api.store.add_template(api.service.id, "sms", "((x))").id
    body = {"phone_number": "07700900123", "template_id": str(template), "personalisation": {"x": "   "}}
    assert errors_of(api.post("/v2/notifications/sms", body)) == ["Your message is empty."]


def test_file_on_sms(api: Api, sms_template: uuid.UUID) -> None:
    body = {
        "phone_number": "07700900123",
        "template_id": str(sms_template),
        "personalisation": {"name": "a", "code": "b", "doc": {"file": "aGVsbG8="}},
    }
    assert errors_of(api.post("/v2/notifications/sms", body)) == ["Can only send a file by email"]


def test_sms_sender_id(api: Api, sms_template: uuid.UUID) -> None:
    numeric = SmsSender(id=uuid.uuid4(), sms_sender="07700 900456")
    alpha = SmsSender(id=uuid.uuid4(), sms_sender="PIGEONS")
    archived = SmsSender(id=uuid.uuid4(), sms_sender="OLD", archived=True)
    api.service.sms_senders += [numeric, alpha, archived]
    assert sms(api, sms_template, sms_sender_id=str(numeric.id)).get_json()["content"]["from_number"] == "447700900456"
    assert sms(api, sms_template, sms_sender_id=str(alpha.id)).get_json()["content"]["from_number"] == "PIGEONS"
    for missing in (archived.id, uuid.uuid4()):
        assert errors_of(sms(api, sms_template, sms_sender_id=str(missing))) == [
            f"sms_sender_id {missing} does not exist in database for service id {api.service.id}"
        ]


def test_email_reply_to_id(api: Api, email_template: uuid.UUID) -> None:
    reply_to = EmailReplyTo(id=uuid.uuid4(), email_address="replies@example.com")
    api.service.reply_to_addresses.append(reply_to)
    assert email(api, email_template, email_reply_to_id=str(reply_to.id)).status_code == 201
    missing = uuid.uuid4()
    response = email(api, email_template, email_reply_to_id=str(missing))
    assert response.get_json()["errors"] == [
        {
            "error": "BadRequestError",
            "message": f"email_reply_to_id {missing} does not exist in database for service id {api.service.id}",
        }
    ]


def test_wrong_sender_field_for_channel(api: Api, email_template: uuid.UUID) -> None:
    response = email(api, email_template, sms_sender_id=str(uuid.uuid4()))
    assert errors_of(response) == ["Additional properties are not allowed (sms_sender_id was unexpected)"]


# -- trial mode, team keys and the guest list (§4) ----------------------------------------------


def test_team_key_refuses_strangers_with_exact_bytes(api: Api, sms_template: uuid.UUID) -> None:
    response = sms(api, sms_template, key=api.team_key)
    assert response.status_code == 400
    assert response.data == (
        b'{"errors":[{"error":"BadRequestError","message":"Can\\u2019t send to this recipient using a team-only API key"}],'
        b'"status_code":400}\n'
    )


def test_trial_live_key_refuses_strangers_with_exact_bytes(api: Api, email_template: uuid.UUID) -> None:
    api.service.restricted = True
    response = email(api, email_template, key=api.live_key)
    assert response.status_code == 400
    assert b"Can\\u2019t send to this recipient when service is in trial mode \\u2013 see " in response.data
    assert errors_of(response) == [TRIAL]


def test_team_members_and_guest_list_match_normalised(
    api: Api, sms_template: uuid.UUID, email_template: uuid.UUID
) -> None:
    api.service.team_members.append(TeamMember(email_address="jo@EXAMPLE.com", mobile_number="07700900123"))
    api.service.guest_list += ["+44 7700 900999", " Guest@Example.com "]
    for key in (api.team_key,):
        assert sms(api, sms_template, "+44 7700 900123", key=key).status_code == 201
        assert sms(api, sms_template, "07700900999", key=key).status_code == 201
        assert email(api, email_template, "JO@example.com", key=key).status_code == 201
        assert email(api, email_template, "guest@example.com", key=key).status_code == 201
        assert errors_of(email(api, email_template, "stranger@example.com", key=key)) == [TEAM]
    api.service.restricted = True
    assert sms(api, sms_template, "447700900999", key=api.live_key).status_code == 201
    assert errors_of(sms(api, sms_template, "07700900888", key=api.live_key)) == [TRIAL]


def test_test_key_ignores_trial_mode(api: Api, sms_template: uuid.UUID) -> None:
    api.service.restricted = True
    assert sms(api, sms_template, key=api.test_key).status_code == 201


def test_team_check_comes_before_international_permission(api: Api, sms_template: uuid.UUID) -> None:
    api.service.permissions.discard("international_sms")
    assert errors_of(sms(api, sms_template, "+33 6 12 34 56 78", key=api.team_key)) == [TEAM]
    assert errors_of(sms(api, sms_template, "+33 6 12 34 56 78")) == ["Cannot send to international mobile numbers"]


def test_landline_needs_permission(api: Api, sms_template: uuid.UUID) -> None:
    response = sms(api, sms_template, "020 7946 0000")
    assert response.get_json()["errors"] == [{"error": "InvalidPhoneError", "message": "Not a UK mobile number"}]
    api.service.permissions.add("sms_to_uk_landlines")
    assert sms(api, sms_template, "020 7946 0000").status_code == 201


def test_smoke_test_recipients_subject_to_team_rules(api: Api, sms_template: uuid.UUID) -> None:
    assert errors_of(sms(api, sms_template, "07700900000", key=api.team_key)) == [TEAM]


# -- message size (§8.1) ----------------------------------------------------------------------


def test_sms_too_long(api: Api) -> None:
    template = api.store.add_template(api.service.id, "sms", "((x))").id
    ok = api.post(
        "/v2/notifications/sms",
        {"phone_number": "07700900123", "template_id": str(template), "personalisation": {"x": "a" * 918}},
    )
    assert ok.status_code == 201
    too_long = api.post(
        "/v2/notifications/sms",
        {"phone_number": "07700900123", "template_id": str(template), "personalisation": {"x": "a" * 919}},
    )
    assert errors_of(too_long) == [
        "Your message is too long. Text messages cannot be longer than 918 characters. Your message is 919 characters long."
    ]


def test_email_too_long(api: Api) -> None:
    template = api.store.add_template(api.service.id, "email", "((x))", "s").id
    body = {"email_address": "a@example.com", "template_id": str(template), "personalisation": {"x": "é" * 1_000_001}}
    assert errors_of(api.post("/v2/notifications/email", body)) == [
        "Your message is too long. Emails cannot be longer than 2000000 bytes. Your message is 2000002 bytes."
    ]


# -- routing (§2.3) ---------------------------------------------------------------------------


def test_post_to_unknown_type_is_routing_404(api: Api) -> None:
    response = api.post("/v2/notifications/fax", {})
    assert response.status_code == 404
    assert response.data == (
        b'{"message":"The requested URL was not found on the server. If you entered the URL manually please '
        b'check your spelling and try again.","result":"error"}\n'
    )


def test_unknown_path_is_404_without_auth(api: Api) -> None:
    response = api.client.get("/v2/foo")
    assert response.status_code == 404
    assert response.get_json()["result"] == "error"


def test_wrong_method_is_405_with_html_content_type(api: Api) -> None:
    response = api.client.delete("/v2/notifications")
    assert response.status_code == 405
    assert response.data == b'{"message":"The method is not allowed for the requested URL.","result":"error"}\n'
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "GET" in response.headers["Allow"]


def test_get_on_sms_path_is_a_uuid_error(api: Api) -> None:
    response = api.get("/v2/notifications/sms")
    assert response.status_code == 400
    assert response.get_json() == {
        "errors": [{"error": "ValidationError", "message": "notification_id is not a valid UUID"}],
        "status_code": 400,
    }


def test_double_slash_from_node_client_is_merged(api: Api, sms_template: uuid.UUID) -> None:
    body = {
        "phone_number": "07700900123",
        "template_id": str(sms_template),
        "personalisation": {"name": "a", "code": "b"},
    }
    # The test client would read "//v2" as a host, so set the raw path the server would see.
    response = api.post("/", body, environ_overrides={"PATH_INFO": "//v2/notifications/sms"})
    assert response.status_code == 201
