"""Sending files by email (reference §10): checks, messages and a link the test can follow."""

from __future__ import annotations

import base64
import re
import uuid
from typing import Any

import pytest

from tests.conftest import Api, errors_of

CSV = base64.b64encode(b"name,code\nJo,1234\n").decode()


@pytest.fixture
def template(api: Api) -> str:
    api.service.contact_link = "https://example.gov.uk/contact"
    return str(api.store.add_template(api.service.id, "email", "Download: ((file))", "Your file").id)


def send(api: Api, template: str, file: Any, to: str = "jo@example.com", key: Any = None) -> Any:
    body = {"email_address": to, "template_id": template, "personalisation": {"file": file}}
    return api.post("/v2/notifications/email", body, key)


def upload(**options: Any) -> dict[str, Any]:
    # The shape notifications-python-client's prepare_upload produces: all four keys, None as null.
    return {"file": CSV, "filename": None, "confirm_email_before_download": None, "retention_period": None, **options}


def test_link_in_body_serves_the_file(api: Api, template: str) -> None:
    response = send(api, template, upload(filename="codes.csv"))
    assert response.status_code == 201
    body = response.get_json()["content"]["body"]
    match = re.fullmatch(r"Download: (http://localhost/d/([\w-]{22})/([\w-]{22})\?key=([\w-]{43}))", body)
    assert match, body
    got = api.client.get(match.group(1).removeprefix("http://localhost"))
    assert got.status_code == 200
    assert got.data == b"name,code\nJo,1234\n"
    assert got.headers["Content-Type"].startswith("text/csv")
    # the service id is the first part of the link
    assert base64.urlsafe_b64decode(match.group(2) + "==") == api.service.id.bytes
    # a wrong key does not open it
    assert api.client.get(match.group(1)[len("http://localhost") :].replace("key=", "key=A")).status_code == 404


def test_without_contact_link(api: Api, template: str) -> None:
    api.service.contact_link = None
    assert errors_of(send(api, template, upload())) == [
        "Send files by email has not been set up - add contact details for your service at "
        f"https://www.notifications.service.gov.uk/services/{api.service.id}/service-settings/send-files-by-email"
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"confirm_email_before_download": "yes"},
            "confirm_email_before_download Unsupported value for confirm_email_before_download: yes. Use a boolean true or false value.",
        ),
        (
            {"retention_period": "79 weeks"},
            "retention_period Unsupported value for retention_period: 79 weeks. Supported periods are from 1 to 78 weeks.",
        ),
        ({"filename": "noextension"}, "filename `filename` must end with a file extension. For example, filename.csv"),
        ({"extra": 1}, "Additional properties are not allowed (extra was unexpected)"),
    ],
)
def test_file_object_validation(api: Api, template: str, options: dict[str, Any], message: str) -> None:
    response = send(api, template, upload(**options))
    assert response.status_code == 400
    assert errors_of(response) == [message]


def test_document_download_errors(api: Api, template: str) -> None:
    assert errors_of(send(api, template, upload(file=""))) == ["Document must not be empty"]
    assert errors_of(send(api, template, upload(file="abc"))) == ["Document is not base64 encoded"]
    big = base64.b64encode(b"a" * (2 * 1024 * 1024 + 1025)).decode()
    assert errors_of(send(api, template, upload(file=big, filename="big.txt"))) == [
        "Uploaded file exceeds file size limit"
    ]
    assert errors_of(send(api, template, upload(filename=("x" * 100) + ".csv"))) == [
        "`filename` cannot be longer than 100 characters"
    ]
    assert errors_of(send(api, template, upload(filename="virus.exe"))) == [
        "Unsupported file type '.exe'. Supported types are: '.csv', '.doc', '.docx', '.jpeg', '.jpg', '.json', "
        "'.odt', '.pdf', '.png', '.rtf', '.txt', '.xlsx'"
    ]


def test_recipient_checks_come_first(api: Api, template: str) -> None:
    assert errors_of(send(api, template, upload(extra=1), key=api.team_key)) == [
        "Can’t send to this recipient using a team-only API key"
    ]


def test_smoke_test_recipient_gets_the_test_document_link(api: Api, template: str) -> None:
    response = send(api, template, upload(), to="simulate-delivered@notifications.service.gov.uk")
    assert response.status_code == 201
    assert response.get_json()["content"]["body"] == (
        f"Download: http://localhost/services/{api.service.id}/documents/test-document"
    )


def test_stored_personalisation_holds_the_link_not_the_file(api: Api, template: str) -> None:
    nid = send(api, template, upload()).get_json()["id"]
    stored = api.store.get_notification(api.service.id, uuid.UUID(nid))
    assert stored.personalisation["file"].startswith("http://localhost/d/")
