"""The templates API through the WSGI app: GET by id and version, the list and the preview (reference §3.9 to
§3.11, §13), with exact bodies and bytes where the reference or Notify's own tests give them."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from werkzeug.test import TestResponse

from pytest_notify.http import template_views, views
from tests.conftest import START, Api, errors_of

EMAIL_P = '<p style="Margin: 0 0 20px 0; font-size: 19px; line-height: 25px; color: #0B0C0C;">'
CREATOR = "test-user@digital.cabinet-office.gov.uk"
CREATED = "2026-05-17T15:58:38.342838Z"
NOT_FOUND = b'{"errors":[{"error":"NoResultFound","message":"No result found"}],"status_code":404}\n'


@pytest.fixture
def tapi(api: Api) -> Api:
    """The ``api`` fixture; the template views are wired into the app's routes."""
    assert views.VIEWS["get_template"] is template_views.get_template
    return api


def encoded(body: Any) -> bytes:
    """Notify's encoding of a body (§0)."""
    return (json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n").encode()


def preview(api: Api, template_id: uuid.UUID | str, body: Any = None, **kwargs: Any) -> TestResponse:
    data = b"" if body is None else body if isinstance(body, (str, bytes)) else json.dumps(body)
    return api.client.post(f"/v2/template/{template_id}/preview", data=data, headers=api.auth(api.live_key), **kwargs)


# ---------------------------------------------------------------------------------------------
# GET /v2/template/{id} and /version/{n}
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template_type", "subject", "postage"),
    [("sms", None, None), ("email", "Template subject", None), ("letter", "Template subject", "second")],
)
@pytest.mark.parametrize("path_suffix", ["", "/version/1"])
def test_get_template_body_and_bytes(
    tapi: Api, template_type: str, subject: str | None, postage: str | None, path_suffix: str
) -> None:
    template = tapi.store.add_template(
        tapi.service.id, template_type, "Dear Sir/Madam", subject, f"{template_type} Template Name"
    )
    response = tapi.get(f"/v2/template/{template.id}{path_suffix}")
    expected: dict[str, Any] = {
        "id": str(template.id),
        "type": template_type,
        "created_at": CREATED,
        "updated_at": None,
        "created_by": CREATOR,
        "version": 1,
        "body": "Dear Sir/Madam",
        "subject": subject,
        "name": f"{template_type} Template Name",
        "personalisation": {},
        "postage": postage,
        "letter_contact_block": None,
    }
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.get_json() == expected
    assert response.data == encoded(expected)


@pytest.mark.parametrize(
    ("template_type", "subject", "content", "expected"),
    [
        ("sms", None, "Hello ((placeholder)) ((conditional??yes))", ["placeholder", "conditional"]),
        ("email", "((subject))", "((content))", ["subject", "content"]),
        # first-occurrence spelling wins; the subject comes before the body
        ("email", "Hi ((Name))", "((name)) ((first_name)) ((FIRST NAME)) ((first-name??x))", ["Name", "first_name"]),
    ],
)
def test_personalisation_lists_every_placeholder(
    tapi: Api, template_type: str, subject: str | None, content: str, expected: list[str]
) -> None:
    template = tapi.store.add_template(tapi.service.id, template_type, content, subject)
    body = tapi.get(f"/v2/template/{template.id}").get_json()
    assert body["personalisation"] == {name: {"required": True} for name in expected}
    assert list(body["personalisation"]) == sorted(expected)  # Notify's encoding sorts keys


def test_letter_personalisation_includes_the_contact_block(tapi: Api) -> None:
    # §3.9's example, from Notify's test_get_letter_template_by_id_returns_placeholders.
    template = tapi.store.add_template(
        tapi.service.id,
        "letter",
        "((letter_content))",
        "((letterSubject))",
        letter_contact_block="((contact block))",
    )
    for path in (f"/v2/template/{template.id}", f"/v2/template/{template.id}/version/1"):
        body = tapi.get(path).get_json()
        assert body["personalisation"] == {
            "letterSubject": {"required": True},
            "letter_content": {"required": True},
            "contact block": {"required": True},
        }
        assert body["letter_contact_block"] == "((contact block))"
        assert body["postage"] == "second"


def test_version_history(tapi: Api) -> None:
    template = tapi.store.add_template(tapi.service.id, "email", "Old ((a))", "Old subject", "Old name")
    tapi.world_clock.advance(seconds=60)
    tapi.store.update_template(tapi.service.id, template.id, content="New ((b))", name="New name")
    tapi.world_clock.advance(seconds=60)
    tapi.store.update_template(tapi.service.id, template.id, subject="Newest ((c))")

    v1 = tapi.get(f"/v2/template/{template.id}/version/1").get_json()
    v2 = tapi.get(f"/v2/template/{template.id}/version/2").get_json()
    latest = tapi.get(f"/v2/template/{template.id}").get_json()
    assert (v1["version"], v1["name"], v1["body"], v1["subject"]) == (1, "Old name", "Old ((a))", "Old subject")
    assert v1["personalisation"] == {"a": {"required": True}}
    assert v1["updated_at"] is None
    assert (v2["version"], v2["name"], v2["body"], v2["subject"]) == (2, "New name", "New ((b))", "Old subject")
    assert v2["updated_at"] == "2026-05-17T15:59:38.342838Z"
    assert latest["version"] == 3
    assert latest["personalisation"] == {"c": {"required": True}, "b": {"required": True}}
    assert latest["updated_at"] == "2026-05-17T16:00:38.342838Z"
    # Every version keeps the template's creation time.
    assert {v1["created_at"], v2["created_at"], latest["created_at"]} == {CREATED}
    # Version 0 means "no version" (Notify's ``if version:``).
    assert tapi.get(f"/v2/template/{template.id}/version/0").get_json() == latest


@pytest.mark.parametrize("version", [2, 99999999999999999999])
def test_a_version_that_does_not_exist_is_404(tapi: Api, version: int) -> None:
    template = tapi.store.add_template(tapi.service.id, "sms", "Hi")
    response = tapi.get(f"/v2/template/{template.id}/version/{version}")
    assert response.status_code == 404
    assert response.data == NOT_FOUND


def test_a_negative_version_does_not_match_the_route(tapi: Api) -> None:
    template = tapi.store.add_template(tapi.service.id, "sms", "Hi")
    response = tapi.get(f"/v2/template/{template.id}/version/-1")
    assert response.status_code == 404
    assert response.get_json()["result"] == "error"


@pytest.mark.parametrize("bad_id", ["bad_uuid", "1234", "5"])
@pytest.mark.parametrize("path_suffix", ["", "/version/1"])
def test_a_bad_id_is_a_validation_error(tapi: Api, bad_id: str, path_suffix: str) -> None:
    response = tapi.get(f"/v2/template/{bad_id}{path_suffix}")
    assert response.status_code == 400
    assert (
        response.data
        == b'{"errors":[{"error":"ValidationError","message":"id is not a valid UUID"}],"status_code":400}\n'
    )


def test_unknown_other_service_and_hidden_templates_are_404(tapi: Api) -> None:
    other = tapi.store.create_service("Other service")
    theirs = tapi.store.add_template(other.id, "sms", "Theirs")
    hidden = tapi.store.add_template(tapi.service.id, "letter", "Precompiled", "Subject")
    hidden.hidden = True
    for template_id in (uuid.uuid4(), theirs.id, hidden.id, f"urn:uuid:{theirs.id}"):
        for suffix in ("", "/version/1"):
            response = tapi.get(f"/v2/template/{template_id}{suffix}")
            assert (response.status_code, response.data) == (404, NOT_FOUND)


def test_an_archived_template_is_still_returned(tapi: Api) -> None:
    template = tapi.store.add_template(tapi.service.id, "sms", "Gone")
    template.archived = True
    assert tapi.get(f"/v2/template/{template.id}").get_json()["body"] == "Gone"
    assert tapi.get(f"/v2/template/{template.id}/version/1").status_code == 200


def test_id_forms_postgres_accepts(tapi: Api) -> None:
    template = tapi.store.add_template(tapi.service.id, "sms", "Hi")
    for form in (str(template.id).upper(), template.id.hex, "{" + str(template.id) + "}"):
        assert tapi.get(f"/v2/template/{form}").get_json()["id"] == str(template.id)


def test_any_key_type_may_read_templates(tapi: Api) -> None:
    template = tapi.store.add_template(tapi.service.id, "sms", "Hi")
    for key in (tapi.test_key, tapi.team_key, tapi.live_key):
        assert tapi.get(f"/v2/template/{template.id}", key).status_code == 200


# ---------------------------------------------------------------------------------------------
# GET /v2/templates
# ---------------------------------------------------------------------------------------------


def test_no_templates(tapi: Api) -> None:
    response = tapi.get("/v2/templates")
    assert (response.status_code, response.data) == (200, b'{"templates":[]}\n')


def test_list_order_filter_and_exclusions(tapi: Api) -> None:
    sid = tapi.service.id
    b_sms = tapi.store.add_template(sid, "sms", "1", name="B")
    a_letter = tapi.store.add_template(sid, "letter", "2", "s", name="A")
    a_email = tapi.store.add_template(sid, "email", "3", "s", name="A")
    c_email = tapi.store.add_template(sid, "email", "4", "s", name="C")
    archived = tapi.store.add_template(sid, "sms", "5", name="0 archived")
    archived.archived = True
    hidden = tapi.store.add_template(sid, "letter", "6", "s", name="0 hidden")
    hidden.hidden = True
    tapi.store.add_template(tapi.store.create_service("Other").id, "sms", "7", name="0 other")
    tapi.store.update_template(sid, c_email.id, name="AA")  # the list shows the latest version

    body = tapi.get("/v2/templates").get_json()
    assert [t["id"] for t in body["templates"]] == [str(t.id) for t in (a_email, a_letter, c_email, b_sms)]
    assert body["templates"][2]["version"] == 2
    assert body["templates"][0] == tapi.get(f"/v2/template/{a_email.id}").get_json()

    emails = tapi.get("/v2/templates?type=email").get_json()["templates"]
    assert [t["id"] for t in emails] == [str(a_email.id), str(c_email.id)]
    assert tapi.get("/v2/templates?type=letter").get_json()["templates"][0]["id"] == str(a_letter.id)
    # Only the first value of a repeated parameter counts.
    assert len(tapi.get("/v2/templates?type=sms&type=email").get_json()["templates"]) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("type=foo", "type foo is not one of [sms, email, letter]"),
        ("foo=bar", "Additional properties are not allowed (foo was unexpected)"),
    ],
)
def test_list_bad_query(tapi: Api, query: str, message: str) -> None:
    response = tapi.get(f"/v2/templates?{query}")
    assert response.status_code == 400
    assert response.data == encoded({"errors": [{"error": "ValidationError", "message": message}], "status_code": 400})


# ---------------------------------------------------------------------------------------------
# POST /v2/template/{id}/preview
# ---------------------------------------------------------------------------------------------

# Notify's test_valid_post_template_returns_200 cases, for every template type.
VALID_POST = [
    ("Some subject", "Some content", None, "Some subject", "Some content"),
    (
        "Some subject",
        "Dear ((Name)), Hello. Yours Truly, The Government.",
        {"personalisation": {"Name": "Jo"}},
        "Some subject",
        "Dear Jo, Hello. Yours Truly, The Government.",
    ),
    (
        "Message for ((Name))",
        "Dear ((Name)), Hello. Yours Truly, The Government.",
        {"personalisation": {"Name": "Jo"}},
        "Message for Jo",
        "Dear Jo, Hello. Yours Truly, The Government.",
    ),
    ("Message for ((Name))", "Some content", {"personalisation": {"Name": "Jo"}}, "Message for Jo", "Some content"),
]


@pytest.mark.parametrize("template_type", ["sms", "email", "letter"])
@pytest.mark.parametrize(("subject", "content", "post_data", "expected_subject", "expected_body"), VALID_POST)
def test_notify_valid_preview_cases(
    tapi: Api,
    template_type: str,
    subject: str,
    content: str,
    post_data: dict[str, Any] | None,
    expected_subject: str,
    expected_body: str,
) -> None:
    subject_arg = None if template_type == "sms" else subject  # the personalisation for it is then extra
    template = tapi.store.add_template(tapi.service.id, template_type, content, subject_arg)
    response = preview(tapi, template.id, post_data)
    assert response.status_code == 200
    body = response.get_json()
    assert body == {
        "id": str(template.id),
        "type": template_type,
        "version": 1,
        "body": expected_body,
        "html": f"{EMAIL_P}{expected_body}</p>" if template_type == "email" else None,
        "subject": None if template_type == "sms" else expected_subject,
        "postage": "second" if template_type == "letter" else None,
    }
    assert response.data == encoded(body)


@pytest.mark.parametrize("template_type", ["email", "letter"])
def test_email_and_letter_bodies_are_not_rendered(tapi: Api, template_type: str) -> None:
    # Notify's test_email_and_letter_templates_not_rendered_into_content (CRLF kept).
    content = "Hello\n\r\n\r\n\n# This is a heading\n\nParagraph"
    template = tapi.store.add_template(tapi.service.id, template_type, content, "Test")
    assert preview(tapi, template.id, "null").get_json()["body"] == content


def test_preview_of_each_type_in_full(tapi: Api) -> None:
    sid = tapi.service.id
    values = {"name": "Jo & co", "items": ["tea", "cake"], "when": "today"}
    sms = tapi.store.add_template(sid, "sms", "Hi  ((name)), ((items))  ((when)) …")
    email = tapi.store.add_template(sid, "email", "Dear ((name)),\n\n((items))\n\nThanks - bye", 'Hi ((name)) - "x"')
    letter = tapi.store.add_template(sid, "letter", "Dear ((name))\n\n((items))", "Tea & ((when))", postage="first")

    assert preview(tapi, sms.id, {"personalisation": values}).get_json() == {
        "id": str(sms.id),
        "type": "sms",
        "version": 1,
        "body": "Hi Jo & co, tea and cake today ...",
        "html": None,
        "subject": None,
        "postage": None,
    }
    email_response = preview(tapi, email.id, {"personalisation": values})
    assert email_response.get_json() == {
        "id": str(email.id),
        "type": "email",
        "version": 1,
        "body": "Dear Jo & co,\n\n\n\n* tea\n* cake\n\nThanks - bye",
        "html": (
            f"{EMAIL_P}Dear Jo &amp; co,</p>"
            '<table role="presentation" style="padding: 0 0 20px 0;"><tr>'
            '<td style="font-family: Helvetica, Arial, sans-serif;">'
            '<ul style="Margin: 0 0 0 20px; padding: 0; list-style-type: disc;">'
            '<li style="Margin: 5px 0 5px; padding: 0 0 0 5px; font-size: 19px;line-height: 25px; color: #0B0C0C;">'
            "tea</li>"
            '<li style="Margin: 5px 0 5px; padding: 0 0 0 5px; font-size: 19px;line-height: 25px; color: #0B0C0C;">'
            "cake</li>"
            "</ul></td></tr></table>"
            f"{EMAIL_P}Thanks \u2013 bye</p>"
        ),
        "subject": "Hi Jo & co \u2013 \u201cx\u201d",
        "postage": None,
    }
    # ASCII-only encoding: the en dash and curly quotes are escaped in the bytes.
    assert b"\\u2013 \\u201cx\\u201d" in email_response.data
    assert preview(tapi, letter.id, {"personalisation": values}).get_json() == {
        "id": str(letter.id),
        "type": "letter",
        "version": 1,
        "body": "Dear Jo & co\n\n\n\n* tea\n* cake",
        "html": None,
        "subject": "Tea &amp; today",
        "postage": "first",
    }


def test_preview_uses_the_latest_version(tapi: Api) -> None:
    template = tapi.store.add_template(tapi.service.id, "email", "Old", "Old")
    tapi.store.update_template(tapi.service.id, template.id, content="New ((x))", subject="New")
    body = preview(tapi, template.id, {"personalisation": {"X": 1}}).get_json()
    assert (body["version"], body["body"], body["subject"], body["html"]) == (2, "New 1", "New", f"{EMAIL_P}New 1</p>")


@pytest.mark.parametrize("request_body", [None, "", "null", "{}", "[]", '""', "0", "false"])
def test_empty_and_falsy_bodies_mean_no_personalisation(tapi: Api, request_body: str | None) -> None:
    # The Python client without personalisation sends nothing useful; the Node client sends {}.
    template = tapi.store.add_template(tapi.service.id, "sms", "No placeholders")
    response = preview(tapi, template.id, request_body)
    assert response.status_code == 200
    assert response.get_json()["body"] == "No placeholders"


@pytest.mark.parametrize("request_body", [b"{", b"not json", b" ", b"\xff\xfe"])
def test_invalid_json(tapi: Api, request_body: bytes) -> None:
    template = tapi.store.add_template(tapi.service.id, "sms", "Hi")
    response = preview(tapi, template.id, request_body)
    assert response.status_code == 400
    assert response.data == (
        b'{"errors":[{"error":"BadRequestError","message":"Invalid JSON supplied in POST data"}],"status_code":400}\n'
    )


@pytest.mark.parametrize("request_body", ["[1]", '"text"', "5", "true"])
def test_json_that_is_not_an_object_is_notifys_500(tapi: Api, request_body: str) -> None:
    # Notify does ``_data["id"] = template_id`` on it: a TypeError, answered as a 500.
    template = tapi.store.add_template(tapi.service.id, "sms", "Hi")
    response = preview(tapi, template.id, request_body)
    assert response.status_code == 500
    assert response.data == b'{"errors":[{"error":"TypeError","message":"Internal server error"}],"status_code":500}\n'


@pytest.mark.parametrize(
    ("personalisation", "message"),
    [
        (None, "personalisation None is not of type object"),  # the Python client sends null
        ([], "personalisation [] is not of type object"),
        ("not_a_dict", "personalisation not_a_dict is not of type object"),
    ],
)
def test_personalisation_must_be_an_object(tapi: Api, personalisation: Any, message: str) -> None:
    template = tapi.store.add_template(tapi.service.id, "sms", "Hi")
    response = preview(tapi, template.id, {"personalisation": personalisation})
    assert response.status_code == 400
    assert errors_of(response) == [message]
    assert response.get_json()["errors"][0]["error"] == "ValidationError"


def test_extra_keys_and_extra_personalisation_are_ignored(tapi: Api) -> None:
    template = tapi.store.add_template(tapi.service.id, "sms", "Hi ((First Name))")
    other_id = str(uuid.uuid4())
    body = {"id": other_id, "foo": "bar", "personalisation": {"first_name": "Jo", "unused": "x"}}
    response = preview(tapi, template.id, body)
    assert response.get_json()["id"] == str(template.id)  # the URL's id wins
    assert response.get_json()["body"] == "Hi Jo"


@pytest.mark.parametrize(
    ("template_type", "subject", "content", "contact_block", "personalisation", "message"),
    [
        # Notify's test_invalid_post_template_returns_400
        ("sms", None, "Dear ((Name)), Hello ((Missing)).", None, {"Name": "Jo"}, "Missing personalisation: Missing"),
        ("email", "((subj))", "((body)) ((other))", None, {"body": "b"}, "Missing personalisation: subj, other"),
        ("email", "((a))", "((b))", None, {"a": None, "b": ""}, "Missing personalisation: a"),
        ("sms", None, "((shown??yes))", None, {}, "Missing personalisation: shown"),
        ("letter", "((s))", "((b))", "((contact block))", {"s": 1, "b": 2}, "Missing personalisation: contact block"),
        ("letter", "((s))", "((b))", "((c))", {}, "Missing personalisation: c, s, b"),
    ],
)
def test_missing_personalisation(
    tapi: Api,
    template_type: str,
    subject: str | None,
    content: str,
    contact_block: str | None,
    personalisation: dict[str, Any],
    message: str,
) -> None:
    template = tapi.store.add_template(
        tapi.service.id, template_type, content, subject, letter_contact_block=contact_block
    )
    response = preview(tapi, template.id, {"personalisation": personalisation})
    assert response.status_code == 400
    assert response.data == encoded({"errors": [{"error": "BadRequestError", "message": message}], "status_code": 400})


def test_preview_not_found_cases(tapi: Api) -> None:
    other = tapi.store.add_template(tapi.store.create_service("Other").id, "sms", "Theirs")
    hidden = tapi.store.add_template(tapi.service.id, "sms", "Hidden")
    hidden.hidden = True
    for template_id in (uuid.uuid4(), other.id, hidden.id):
        response = preview(tapi, template_id, {"personalisation": {"Name": "Jo"}})
        assert (response.status_code, response.data) == (404, NOT_FOUND)
        assert response.headers["Content-Type"] == "application/json"


def test_preview_bad_id(tapi: Api) -> None:
    response = preview(tapi, "bad_uuid", {})
    assert response.status_code == 400
    assert errors_of(response) == ["id is not a valid UUID"]


def test_preview_of_an_archived_template_works(tapi: Api) -> None:
    template = tapi.store.add_template(tapi.service.id, "sms", "Still here")
    template.archived = True
    assert preview(tapi, template.id).get_json()["body"] == "Still here"


def test_preview_ignores_permissions_trial_mode_and_key_type(tapi: Api) -> None:
    tapi.service.permissions = set()
    tapi.store.set_trial_mode(tapi.service.id, True)
    template = tapi.store.add_template(tapi.service.id, "email", "Body", "Subject")
    for key in (tapi.test_key, tapi.team_key, tapi.live_key):
        response = tapi.post(f"/v2/template/{template.id}/preview", {}, key)
        assert response.status_code == 200


def test_preview_needs_no_content_type(tapi: Api) -> None:
    template = tapi.store.add_template(tapi.service.id, "sms", "Hi ((Name))")
    response = preview(tapi, template.id, {"personalisation": {"Name": "Jo"}}, content_type="text/plain")
    assert response.get_json()["body"] == "Hi Jo"


def test_start_constant_matches_created_at() -> None:
    assert START.strftime("%Y-%m-%dT%H:%M:%S.%fZ") == CREATED
