"""Fault injection in the app, without sockets: exact bodies, where faults sit in the request, whom they touch.

The 500 body is reference §2.1/§2.2 (any exception class, "Internal server error"); the 429 body is §7.1.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from werkzeug.routing import Map
from werkzeug.test import TestResponse

from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.faults import ENDPOINTS, new_rule
from pytest_notify.domain.keys import ApiKey
from pytest_notify.http.faults import LOAD_BALANCER_503, ConnectionDropped, build_rule, endpoint_name
from pytest_notify.http.routes import AUTHENTICATED, URL_MAP
from pytest_notify.http.serialization import NOTIFY_HEADERS
from tests.conftest import Api, make_token

# reference §2.1 and §2.2, byte for byte (§0: sorted keys, compact, trailing newline)
INTERNAL_SERVER_ERROR = b'{"errors":[{"error":"Exception","message":"Internal server error"}],"status_code":500}\n'


@pytest.fixture
def template(api: Api) -> str:
    return str(api.store.add_template(api.service.id, "sms", "Hello").id)


def inject(api: Api, kind: str, **options: object) -> None:
    api.store.faults_for(api.service.id).add(build_rule(kind, **options))  # type: ignore[arg-type]


def send(api: Api, template: str, to: str = "07700900123", key: ApiKey | None = None) -> TestResponse:
    return api.post("/v2/notifications/sms", {"phone_number": to, "template_id": template}, key)


def test_500_body_and_headers(api: Api, template: str) -> None:
    inject(api, "500", endpoint="send_sms")
    response = send(api, template)
    assert response.status_code == 500
    assert response.get_data() == INTERNAL_SERVER_ERROR
    assert response.content_type == "application/json"
    assert all(response.headers[name] == value for name, value in NOTIFY_HEADERS)


def test_500_names_the_exception_it_is_told(api: Api, template: str) -> None:
    inject(api, "500", error="OperationalError")
    response = api.get("/v2/templates")
    assert response.get_json()["errors"] == [{"error": "OperationalError", "message": "Internal server error"}]


def test_429_names_the_callers_key_type_and_the_services_rate_limit(api: Api, template: str) -> None:
    api.store.set_limits(api.service.id, rate_limit=30)
    inject(api, "429")
    response = send(api, template, key=api.team_key)
    assert response.status_code == 429
    assert response.get_data() == (
        b'{"errors":[{"error":"RateLimitError","message":"Exceeded rate limit for key type TEAM of 30 requests '
        b'per 60 seconds"}],"status_code":429}\n'
    )


def test_503_is_a_load_balancers_html_page(api: Api) -> None:
    inject(api, "503")
    response = api.get("/v2/templates")
    assert response.status == "503 Service Temporarily Unavailable"
    assert response.headers["Content-Type"] == "text/html"
    assert response.headers["Server"] == "awselb/2.0"
    assert response.get_data(as_text=True) == LOAD_BALANCER_503
    assert "<h1>503 Service Temporarily Unavailable</h1>" in LOAD_BALANCER_503
    # the load balancer answers, not Notify: none of Notify's headers
    assert "X-Frame-Options" not in response.headers


def test_a_faulted_send_is_not_stored_and_takes_no_rate_limit_token(api: Api, template: str) -> None:
    api.store.set_limits(api.service.id, rate_limit=30)  # 11 tokens: a burst of 10
    inject(api, "500", endpoint="send", times=5)
    assert [send(api, template).status_code for _ in range(5)] == [500] * 5
    assert api.store.notifications(api.service.id) == []
    assert [send(api, template).status_code for _ in range(11)] == [201] * 10 + [429]


def test_latency_holds_back_the_normal_response(api: Api, template: str) -> None:
    inject(api, "latency", seconds=0.2, times=1)
    started = time.monotonic()
    response = send(api, template)
    assert time.monotonic() - started >= 0.2
    assert response.status_code == 201
    assert len(api.store.notifications(api.service.id)) == 1  # latency is the one fault that stores


def test_latency_holds_back_error_responses_too(api: Api) -> None:
    inject(api, "latency", seconds=0.1)
    started = time.monotonic()
    assert api.get("/v2/template/not-a-uuid").status_code == 400
    assert time.monotonic() - started >= 0.1


def test_drop_has_no_response_in_process(api: Api, template: str) -> None:
    inject(api, "drop", times=1)
    with pytest.raises(ConnectionDropped):
        send(api, template)
    assert api.store.notifications(api.service.id) == []
    assert send(api, template).status_code == 201
    # not an error of the fake: the api fixture checks app.take_errors() is empty at teardown


def test_hang_holds_then_drops(api: Api, template: str) -> None:
    inject(api, "hang", seconds=0.1)
    started = time.monotonic()
    with pytest.raises(ConnectionDropped):
        api.get("/v2/templates")
    assert time.monotonic() - started >= 0.1


@pytest.fixture
def hanging(api: Api) -> Iterator[tuple[threading.Thread, list[BaseException]]]:
    """A request held by a 60-second hang on another thread."""
    inject(api, "hang")
    caught: list[BaseException] = []

    def call() -> None:
        try:
            api.get("/v2/templates")
        except ConnectionDropped as error:
            caught.append(error)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not api.store.faults_for(api.service.id).faulted and time.monotonic() < deadline:
        time.sleep(0.01)
    yield thread, caught
    api.app.faults.release_all()
    thread.join(10)


def test_clearing_faults_lets_a_held_request_go(
    api: Api, hanging: tuple[threading.Thread, list[BaseException]]
) -> None:
    thread, caught = hanging
    assert thread.is_alive()
    api.store.faults_for(api.service.id).clear()
    thread.join(10)  # far below the 60-second hold
    assert not thread.is_alive() and len(caught) == 1


def test_removing_the_service_lets_a_held_request_go(
    api: Api, hanging: tuple[threading.Thread, list[BaseException]]
) -> None:
    thread, caught = hanging
    api.store.remove_service(api.service.id)
    thread.join(10)
    assert not thread.is_alive() and len(caught) == 1


def test_release_all_lets_a_held_request_go(api: Api, hanging: tuple[threading.Thread, list[BaseException]]) -> None:
    thread, caught = hanging
    api.app.faults.release_all()
    thread.join(10)
    assert not thread.is_alive() and len(caught) == 1


# -- whom faults touch -------------------------------------------------------------------------------


def test_a_request_that_fails_authentication_is_not_faulted_and_not_counted(api: Api, template: str) -> None:
    inject(api, "500", times=1)
    wrong_secret = {"Authorization": f"Bearer {make_token(str(uuid.uuid4()), str(api.service.id))}"}
    response = api.client.get("/v2/templates", headers=wrong_secret)
    assert (response.status_code, response.get_json()["errors"][0]["error"]) == (403, "AuthError")
    assert api.get("/v2/templates").status_code == 500


def test_another_service_is_not_touched(api: Api, template: str) -> None:
    other = api.store.create_service("Other")
    other_key = api.store.create_api_key(other.id, "live", "other key")
    other_template = str(api.store.add_template(other.id, "sms", "Hi").id)
    inject(api, "500")
    assert send(api, other_template, key=other_key).status_code == 201
    assert send(api, template).status_code == 500
    assert api.store.faults_for(other.id).faulted == []


def test_endpoints_that_take_no_key_are_never_faulted(api: Api) -> None:
    inject(api, "500")
    assert api.get("/v2/elephants").status_code == 404
    assert api.post("/v2/notifications/elephant", {}).status_code == 404
    assert api.client.delete("/v2/templates").status_code == 405
    assert api.get(f"/service/{api.service.id}/template/x/versions").status_code == 401
    assert api.get("/d/AAAA/BBBB").status_code == 404
    assert api.store.faults_for(api.service.id).faulted == []


def test_recipient_and_template_pick_sends(api: Api, template: str) -> None:
    other_template = str(api.store.add_template(api.service.id, "sms", "Other").id)
    inject(api, "500", recipient="07700 900123")
    inject(api, "429", template_id=other_template)
    assert send(api, template, to="+447700900123").status_code == 500
    assert send(api, template, to="07700900124").status_code == 201
    assert send(api, other_template, to="07700900124").status_code == 429
    # a body that is not JSON has no recipient: it gets Notify's own answer
    assert api.post("/v2/notifications/sms", "not json").status_code == 400


def test_a_letter_recipient_is_an_address_line(api: Api) -> None:
    letter = str(api.store.add_template(api.service.id, "letter", "Hello", "Hi").id)
    inject(api, "500", recipient="SW1A 1AA")
    address = {"address_line_1": "A. Person", "address_line_2": "1 Example Street", "postcode": "SW1A 1AA"}
    body = {"template_id": letter, "personalisation": address}
    assert api.post("/v2/notifications/letter", body).status_code == 500
    body["personalisation"] = {**address, "postcode": "SW1A 2AA"}
    assert api.post("/v2/notifications/letter", body).status_code == 201


# -- naming endpoints --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "name"),
    [
        ("POST /v2/notifications/sms", "send_sms"),
        ("post /v2/notifications/letter", "send_letter"),
        ("GET /v2/notifications/{notification_id}", "get_notification"),
        ("GET /v2/notifications/{notification_id}/pdf", "get_pdf"),
        ("GET /v2/notifications?status=delivered", "get_notifications"),
        ("GET /v2/template/{template_id}/version/{version}", "get_template_version"),
        ("POST /v2/template/{template_id}/preview", "preview_template"),
        ("GET /v2/templates", "get_templates"),
        ("GET /v2/received-text-messages", "get_received_texts"),
        ("send_sms_notification", "send_sms"),
    ],
)
def test_endpoint_as_method_and_path(spec: str, name: str) -> None:
    assert build_rule("500", endpoint=spec).endpoints == {name}


@pytest.mark.parametrize(
    "spec", ["DELETE /v2/notifications/sms", "GET /v2/elephants", "GET /d/x/y", "POST /v2/notifications/elephant"]
)
def test_an_unknown_method_and_path_is_named(spec: str) -> None:
    with pytest.raises(ConfigurationError, match="is not an endpoint of the Notify API that takes an API key"):
        build_rule("500", endpoint=spec)


def test_every_endpoint_that_takes_a_key_has_a_name() -> None:
    routes: Map = URL_MAP
    names = {
        endpoint_name(rule.endpoint, {"notification_type": t})
        for rule in routes.iter_rules()
        if rule.endpoint in AUTHENTICATED
        for t in ("sms", "email", "letter")
    }
    assert names == set(ENDPOINTS)
    assert new_rule("500").endpoints is None
