"""POST /v2/notifications/letter (templated and precompiled), GET of letters and their PDF (§3.3, §3.4, §3.8)."""

from __future__ import annotations

import base64
import io
import uuid
from typing import Any

import pypdf
import pytest

from pytest_notify.domain.simulator import Timings
from tests.conftest import Api, errors_of

ADDRESS = {"address_line_1": "A. Person", "address_line_2": "1 Example Street", "postcode": "sw1a1aa"}


@pytest.fixture
def template(api: Api) -> str:
    return str(
        api.store.add_template(
            api.service.id,
            "letter",
            "Dear ((name)),\n\nYour case ((ref)) is closed.",
            "Re: ((ref)) & co - x",
            letter_contact_block="Pigeon Affairs\n((phone))",
            postage="first",
        ).id
    )


def letter(api: Api, template: str, key: Any = None, reference: str | None = None, **personalisation: Any) -> Any:
    values = {**ADDRESS, "name": "Jo", "ref": "AB1", "phone": "0800 000 000", **personalisation}
    body = {"template_id": template, "personalisation": values}
    if reference is not None:
        body["reference"] = reference
    return api.post("/v2/notifications/letter", body, key)


def pdf_bytes(pages: int = 1) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def precompiled(api: Api, content: bytes | str, key: Any = None, **extra: Any) -> Any:
    encoded = content if isinstance(content, str) else base64.b64encode(content).decode()
    return api.post("/v2/notifications/letter", {"reference": "my-ref", "content": encoded, **extra}, key)


def test_templated_letter_201(api: Api, template: str) -> None:
    response = letter(api, template, reference="ref-9")
    assert response.status_code == 201
    body = response.get_json()
    nid = body["id"]
    assert body == {
        "content": {"body": "Dear Jo,\n\nYour case AB1 is closed.", "subject": "Re: AB1 &amp; co – x"},
        "id": nid,
        "reference": "ref-9",
        "scheduled_for": None,
        "template": {
            "id": template,
            "uri": f"http://localhost/services/{api.service.id}/templates/{template}",
            "version": 1,
        },
        "uri": f"http://localhost/v2/notifications/{nid}",
    }


def test_get_letter(api: Api, template: str) -> None:
    nid = letter(api, template).get_json()["id"]
    got = api.get(f"/v2/notifications/{nid}").get_json()
    assert (got["line_1"], got["line_2"], got["line_3"], got["postcode"]) == (
        "A. Person",
        "1 Example Street",
        None,
        "sw1a1aa",
    )
    assert got["type"] == "letter"
    assert got["postage"] == "first"
    assert got["status"] == "received"  # delivered, shown as received (§6.3)
    assert got["subject"] == "Re: AB1 &amp; co – x"
    assert got["phone_number"] is None and got["email_address"] is None
    # Sunday 17 May 2026 16:58 BST (before 17:30): printed on the next DVLA working day, Monday 18th;
    # first class arrives the next Royal Mail working day, Tuesday 19th, at 16:00 BST. Notify replaces only the hour and minute of created_at, so the seconds stay (38.342838).
    assert got["estimated_delivery"] == "2026-05-19T15:00:38.342838Z"
    assert got["is_cost_data_ready"] is True
    assert got["cost_details"]["postage"] == "first"
    assert got["cost_details"]["billable_sheets_of_paper"] == 1
    assert got["cost_in_pounds"] > 0
    assert "line_7" not in got


def test_letter_statuses_on_the_clock(api: Api, template: str) -> None:
    api.store.set_timings(api.service.id, Timings(sending=60, final=3600))
    nid = letter(api, template).get_json()["id"]
    assert api.get(f"/v2/notifications/{nid}").get_json()["status"] == "accepted"
    api.world_clock.advance(60)
    assert api.get(f"/v2/notifications/{nid}").get_json()["status"] == "accepted"
    api.world_clock.advance(3600)
    assert api.get(f"/v2/notifications/{nid}").get_json()["status"] == "received"
    # The public aliases filter too (§3.7).
    assert [n["id"] for n in api.get("/v2/notifications?status=received").get_json()["notifications"]] == [nid]


def test_test_key_letters_are_free(api: Api, template: str) -> None:
    nid = letter(api, template, key=api.test_key).get_json()["id"]
    got = api.get(f"/v2/notifications/{nid}").get_json()
    assert got["cost_details"] == {"billable_sheets_of_paper": 0, "postage": "first"}
    assert got["cost_in_pounds"] == 0.0


def test_team_key_and_trial_mode_are_403(api: Api, template: str) -> None:
    response = letter(api, template, key=api.team_key)
    assert response.status_code == 403
    assert response.get_json() == {
        "errors": [{"error": "BadRequestError", "message": "Cannot send letters with a team api key"}],
        "status_code": 403,
    }
    api.service.restricted = True
    response = letter(api, template)
    assert response.status_code == 403
    assert errors_of(response) == ["Cannot send letters when service is in trial mode"]
    assert letter(api, template, key=api.test_key).status_code == 201


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ({"address_line_1": "A", "address_line_2": "B"}, "Address must be at least 3 lines"),
        (
            {f"address_line_{i}": f"line {i}" for i in range(1, 7)}
            | {"postcode": "SW1A 1AA", "address_line_7": "x", "address_line_8": "y"},
            "Must be a real UK postcode",
        ),
        (
            {"address_line_1": "!!", "address_line_2": "1 Street", "postcode": "SW1A 1AA"},
            "The first 2 lines of the address must both include at least one alphanumeric character",
        ),
        (
            {"address_line_1": "A Person", "address_line_2": "1 Street", "postcode": "ZZ1 1ZZ"},
            "Must be a real UK postcode",
        ),
        (
            {"address_line_1": "A Person", "address_line_2": "1 Street", "address_line_3": "France"},
            "Must be a real UK postcode",
        ),
        (
            {"address_line_1": "A Person", "address_line_2": "(1 Street", "postcode": "SW1A 1AA"},
            "Address lines must not start with any of the following characters: @ ( ) = [ ] ” \\ / , < >",
        ),
        (
            {"address_line_1": "A Person", "address_line_2": "No fixed abode", "postcode": "SW1A 1AA"},
            "Must be a real address",
        ),
    ],
    ids=["too-few", "line-7-wins", "alphanumeric", "fake-postcode", "country-without-permission", "bad-start", "nfa"],
)
def test_address_errors(api: Api, template: str, address: dict[str, str], message: str) -> None:
    api.service.permissions.discard("international_letters")
    values = {"name": "Jo", "ref": "AB1", "phone": "1", **address}
    response = api.post("/v2/notifications/letter", {"template_id": template, "personalisation": values})
    assert response.status_code == 400
    assert response.get_json()["errors"] == [{"error": "ValidationError", "message": message}]


def test_last_line_message_with_international_permission(api: Api, template: str) -> None:
    assert errors_of(letter(api, template, postcode="ZZ1 1ZZ")) == [
        "Last line of address must be a real UK postcode or another country"
    ]


def test_international_letters(api: Api, template: str) -> None:
    values = {"address_line_1": "A Person", "address_line_2": "1 Rue", "address_line_3": "France"}
    api.service.permissions.discard("international_letters")
    assert errors_of(letter(api, template, postcode=None, **values)) == ["Must be a real UK postcode"]
    api.service.permissions.add("international_letters")
    nid = letter(api, template, postcode=None, **values).get_json()["id"]
    assert api.get(f"/v2/notifications/{nid}").get_json()["postage"] == "europe"


def test_letter_schema(api: Api, template: str) -> None:
    assert errors_of(api.post("/v2/notifications/letter", {"template_id": template})) == [
        "personalisation is a required property"
    ]
    body = {"template_id": template, "personalisation": ADDRESS, "letter_contact_id": str(uuid.uuid4())}
    assert errors_of(api.post("/v2/notifications/letter", body)) == [
        "Additional properties are not allowed (letter_contact_id was unexpected)"
    ]


def test_letter_permission_and_template_checks(api: Api, template: str) -> None:
    assert errors_of(letter(api, template, phone=None)) == ["Missing personalisation: phone"]
    sms = str(api.store.add_template(api.service.id, "sms", "hi").id)
    assert errors_of(letter(api, sms)) == ["sms template is not suitable for letter notification"]
    assert errors_of(letter(api, template, doc={"file": "aGk="})) == ["Can only send a file by email"]
    api.service.permissions.discard("letter")
    assert errors_of(letter(api, template)) == ["Service is not allowed to send letters"]


def test_pdf_of_a_templated_letter(api: Api, template: str) -> None:
    nid = letter(api, template).get_json()["id"]
    response = api.get(f"/v2/notifications/{nid}/pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "A. PERSON" in text.upper() and "SW1A 1AA" in text
    assert "Your case AB1 is closed." in text


def test_precompiled_letter(api: Api) -> None:
    response = precompiled(api, pdf_bytes(3), postage="first")
    assert response.status_code == 201
    body = response.get_json()
    assert body == {"id": body["id"], "postage": "first", "reference": "my-ref"}
    got = api.get(f"/v2/notifications/{body['id']}").get_json()
    assert got["line_1"] == "Provided as PDF"
    assert got["subject"] == "Pre-compiled PDF"
    assert got["cost_details"] == {"billable_sheets_of_paper": 2, "postage": "first"}
    assert api.get(f"/v2/notifications/{body['id']}/pdf").data == pdf_bytes(3)
    # The hidden template is not listed among the service's templates (§3.10).
    assert all(not t.hidden or t.name == "Pre-compiled PDF" for t in api.service.templates.values())


def test_precompiled_defaults_and_errors(api: Api) -> None:
    assert precompiled(api, pdf_bytes()).get_json()["postage"] == "second"
    assert errors_of(precompiled(api, "not base64!")) == ["Cannot decode letter content (invalid base64 encoding)"]
    assert errors_of(api.post("/v2/notifications/letter", {"content": "aGk="})) == ["reference is a required property"]
    assert errors_of(precompiled(api, pdf_bytes(), postage="europe")) == [
        "postage invalid. It must be either first, second or economy."
    ]
    assert precompiled(api, pdf_bytes(), key=api.team_key).status_code == 403


def test_precompiled_goes_through_the_virus_check(api: Api) -> None:
    api.store.set_timings(api.service.id, Timings(sending=10, final=20))
    nid = precompiled(api, pdf_bytes()).get_json()["id"]
    got = api.get(f"/v2/notifications/{nid}").get_json()
    assert got["status"] == "pending-virus-check"
    assert got["is_cost_data_ready"] is False
    pdf = api.get(f"/v2/notifications/{nid}/pdf")
    assert pdf.status_code == 400
    assert pdf.get_json() == {
        "errors": [{"error": "PDFNotReadyError", "message": "PDF not available yet, try again later"}],
        "status_code": 400,
    }
    api.world_clock.advance(10)
    assert api.get(f"/v2/notifications/{nid}").get_json()["status"] == "accepted"
    assert api.get(f"/v2/notifications/{nid}/pdf").status_code == 200


def test_content_that_is_not_a_pdf_fails_validation(api: Api) -> None:
    nid = precompiled(api, b"hello, not a pdf").get_json()["id"]
    got = api.get(f"/v2/notifications/{nid}").get_json()
    assert got["status"] == "validation-failed"
    assert got["cost_details"] == {"billable_sheets_of_paper": 0, "postage": "second"}


def test_pdf_errors(api: Api) -> None:
    sms_template = str(api.store.add_template(api.service.id, "sms", "hi").id)
    sms = api.post("/v2/notifications/sms", {"phone_number": "07700900123", "template_id": sms_template}).get_json()
    response = api.get(f"/v2/notifications/{sms['id']}/pdf")
    assert response.get_json()["errors"] == [{"error": "BadRequestError", "message": "Notification is not a letter"}]
    assert api.get(f"/v2/notifications/{uuid.uuid4()}/pdf").status_code == 404
    assert errors_of(api.get("/v2/notifications/nope/pdf")) == ["notification_id is not a valid UUID"]


def test_long_letters_fail_validation_and_are_free(api: Api) -> None:
    long = str(api.store.add_template(api.service.id, "letter", "((body))", "Long").id)
    body = "\n\n".join(f"Paragraph {i} " + "words " * 60 for i in range(200))
    nid = letter(api, long, body=body).get_json()["id"]
    got = api.get(f"/v2/notifications/{nid}").get_json()
    assert got["status"] == "validation-failed"
    assert got["cost_in_pounds"] == 0.0
