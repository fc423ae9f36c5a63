"""Helpers for the web dashboard's HTTP tests (test_dashboard_pages.py, test_dashboard_content.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.test import Client

from pytest_notify.domain.clock import FrozenClock
from pytest_notify.domain.store import Store
from pytest_notify.http.app import create_app
from tests.conftest import START, Api

SCRIPT = "<script>alert(1)</script>"
ADDRESS = {"address_line_1": "The Occupier", "address_line_2": "1 Example Street", "postcode": "SW1A 1AA"}


def make_api(admin_token: str | None = None) -> Api:
    """A store on a frozen clock, its app with the dashboard, one live service with three keys."""
    clock = FrozenClock(START)
    store = Store(clock=clock)
    app = create_app(store, dashboard=True, admin_token=admin_token)
    service = store.create_service("Pigeon Affairs Bureau")
    keys = [store.create_api_key(service.id, kind, f"my {kind} key") for kind in ("test", "team", "live")]
    return Api(store, app, Client(app), service, *keys, clock)


def open_dash() -> Iterator[Api]:
    """The ``dash`` fixture: :func:`make_api`, and no unexpected error at the end."""
    api = make_api()
    yield api
    assert api.app.take_errors() == []


def make_templates(dash: Api) -> dict[str, str]:
    """The ``templates`` fixture: a template of each type."""
    store, sid = dash.store, dash.service.id
    return {
        "sms": str(store.add_template(sid, "sms", "Hi ((name)), your code is ((code))").id),
        "email": str(store.add_template(sid, "email", "Dear ((name)),\n\n* one\n* two", "About ((name))").id),
        "letter": str(store.add_template(sid, "letter", "Dear ((name)),\n\nA letter.", "Your case").id),
    }


def send_sms(dash: Api, template: str, name: str = "Jo", key: Any = None) -> str:
    body = {"phone_number": "07700 900123", "template_id": template, "personalisation": {"name": name, "code": "12"}}
    response = dash.post("/v2/notifications/sms", body, key)
    assert response.status_code == 201, response.get_data(as_text=True)
    return str(response.get_json()["id"])


def send_email(dash: Api, template: str, name: str = "Jo", key: Any = None) -> str:
    body = {"email_address": "jo@example.com", "template_id": template, "personalisation": {"name": name}}
    response = dash.post("/v2/notifications/email", body, key)
    assert response.status_code == 201, response.get_data(as_text=True)
    return str(response.get_json()["id"])


def send_letter(dash: Api, template: str, name: str = "Jo") -> str:
    body = {"template_id": template, "personalisation": {"name": name, **ADDRESS}}
    response = dash.post("/v2/notifications/letter", body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return str(response.get_json()["id"])


def page(dash: Api, path: str, status: int = 200, **kwargs: Any) -> str:
    response = dash.client.get(path, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "text/html; charset=utf-8"
    return response.get_data(as_text=True)


def row_ids(html: str) -> list[str]:
    return re.findall(r'<tr class="message-row[^"]*" data-seq="\d+" data-id="([^"]+)"', html)


def service_url(dash: Api) -> str:
    return f"/dashboard/services/{dash.service.id}"


dash_fixture = pytest.fixture(name="dash")(open_dash)
templates_fixture = pytest.fixture(name="templates")(make_templates)
