"""``GET /v2/notifications/{id}/pdf`` over time: not ready for a short while on the clock (§3.8)."""

from __future__ import annotations

import uuid

import pytest

from pytest_notify.domain.timings import MANUAL, REALISTIC
from tests.conftest import Api, errors_of

ADDRESS = {"address_line_1": "Jo", "address_line_2": "1 Street", "postcode": "SW1A 1AA"}


@pytest.fixture
def template(api: Api) -> str:
    return str(api.store.add_template(api.service.id, "letter", "Hello", "Hi").id)


def pdf_error(api: Api, nid: str) -> list[dict[str, str]]:
    response = api.get(f"/v2/notifications/{nid}/pdf")
    assert response.status_code == 400
    return response.get_json()["errors"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("key", ["live_key", "test_key"])
def test_the_pdf_is_made_a_few_seconds_after_the_letter(api: Api, template: str, key: str) -> None:
    api.store.set_timings(api.service.id, REALISTIC)
    body = {"template_id": template, "personalisation": ADDRESS}
    nid = api.post("/v2/notifications/letter", body, getattr(api, key)).get_json()["id"]
    assert pdf_error(api, nid) == [{"error": "PDFNotReadyError", "message": "PDF not available yet, try again later"}]
    api.world_clock.advance(2.999)
    assert errors_of(api.get(f"/v2/notifications/{nid}/pdf")) == ["PDF not available yet, try again later"]
    api.world_clock.advance(0.001)
    response = api.get(f"/v2/notifications/{nid}/pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")


def test_in_manual_timings_the_pdf_is_ready_at_once(api: Api, template: str) -> None:
    api.store.set_timings(api.service.id, MANUAL)
    nid = api.post("/v2/notifications/letter", {"template_id": template, "personalisation": ADDRESS}).get_json()["id"]
    assert api.get(f"/v2/notifications/{nid}/pdf").status_code == 200
    assert api.get(f"/v2/notifications/{nid}").get_json()["status"] == "accepted"


def test_a_letter_that_failed_at_print_has_no_pdf(api: Api, template: str) -> None:
    with api.store.tenants_locked(api.service.id) as tenants:
        tenants[0].outcomes.for_template(uuid.UUID(template), "letter", "technical-failure")  # DVLA rejected it
    nid = api.post("/v2/notifications/letter", {"template_id": template, "personalisation": ADDRESS}).get_json()["id"]
    assert pdf_error(api, nid) == [
        {"error": "BadRequestError", "message": "PDF not available for letters in status technical-failure"}
    ]
