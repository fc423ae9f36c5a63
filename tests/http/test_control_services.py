"""The control API (``/_notify/``): services, keys, templates, reset, the admin token and its errors."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Request

from pytest_notify.control_backend import FakeControlBackend
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.http.app import create_app
from pytest_notify.http.control import addressed_to_loopback, check_exposure, is_loopback
from pytest_notify.server import NotifyServer
from tests.http import control_helpers as helpers
from tests.http.control_helpers import Control

control = helpers.control
service = helpers.service


# -- services -----------------------------------------------------------------------------------


def test_index_says_what_it_is(control: Control) -> None:
    assert control.ok("GET", "") == {"control_api": "pytest-govuk-notify", "docs": "docs/control-api.md", "services": 0}
    control.new_service()
    assert control.ok("GET", "")["services"] == 1


def test_a_new_service_has_the_fixtures_three_keys_and_they_work(control: Control) -> None:
    created = control.new_service(name="Passports")
    assert created["name"] == "Passports"
    assert created["trial_mode"] is False
    assert created["base_url"] == "http://localhost"
    keys = created["keys"]
    assert set(keys) == {"test", "team", "live"}
    for kind, key in keys.items():
        assert key.startswith(f"{kind}_key-{created['id']}-")
    assert sorted(k["key_type"] for k in created["api_keys"]) == ["normal", "team", "test"]
    template = control.ok("POST", f"services/{created['id']}/templates", {"type": "sms", "body": "Hi"}, 201)
    sent = control.send_sms(keys["live"], template["id"])
    assert sent.status_code == 201, sent.get_data(as_text=True)


def test_a_service_takes_the_markers_settings(control: Control) -> None:
    fixed = "5a3b1c2d-0000-4000-8000-000000000001"
    created = control.new_service(
        service_id=fixed,
        name="Trial service",
        trial_mode=True,
        organisation_type="local",
        team_members=["jo@example.com", {"mobile": "07700 900 222", "name": "Sam"}],
        guest_list=["guest@example.com"],
        permissions=["sms", "email"],
        rate_limit=10,
        timings="manual",
        faults=[{"kind": "500", "endpoint": "send_sms", "times": 1}],
        delivery_status_callback=["https://service.example/callbacks", "token-1"],
    )
    assert created["id"] == fixed
    assert created["keys"]["live"] is None  # a trial service has no live key, as with the marker
    got = control.ok("GET", f"services/{fixed}")
    assert got["trial_mode"] is True
    assert got["organisation_type"] == "local"
    assert got["team_members"] == [
        {"email": "jo@example.com", "mobile": None, "name": "Test User"},
        {"email": None, "mobile": "07700 900 222", "name": "Sam"},
    ]
    assert got["guest_list"] == ["guest@example.com"]
    assert got["permissions"] == ["email", "sms"]
    assert got["limits"]["rate_limit"] == 10
    assert got["clock"]["timings"]["mode"] == "manual"
    assert got["callbacks"]["delivery_status"] == {
        "url": "https://service.example/callbacks",
        "bearer_token": "token-1",
    }
    assert [r["kind"] for r in control.ok("GET", f"services/{fixed}/faults")["rules"]] == ["500"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        # The notify_service marker's own checks and words.
        ({"colour": "blue"}, "notify_service: unknown argument 'colour'"),
        ({"trial_mode": "yes"}, "notify_service: trial_mode must be True or False, got 'yes' (str)"),
        ({"rate_limit": True}, "notify_service: rate_limit must be a whole number of 0 or more"),
        ({"guest_list": [1]}, "notify_service: guest_list must be a list of email addresses and phone numbers"),
        ({"organisation_type": "club"}, "organisation_type: unknown 'club'"),
        ({"permissions": ["teleport"]}, "permissions: unknown 'teleport'"),
        ({"timings": "slow"}, "timings: must be one of instant, clock, manual"),
        ({"faults": [{"kind": "418"}]}, "fault kind '418' is not one of"),
        ({"delivery_status_callback": ["ftp://x", "t"]}, "a callback URL must start with https://"),
        ({"scenarios": ["no_such_scenario"]}, "notify_scenario: unknown scenario 'no_such_scenario'; known: "),
        ({"scenarios": "trial_service"}, "scenarios: a list of names or {'name': ...} objects"),
        ({"scenarios": [{"params": 1}]}, "scenarios: each is a name or an object with 'name' and parameters"),
        ({"service_id": "s-1"}, "service_id must be a UUID, such as "),
        ({"key_misuse": "error"}, "key_misuse: a pytest test is told of key misuse; a server tells no one"),
    ],
)
def test_bad_service_settings_are_400s_and_leave_nothing_behind(
    control: Control, settings: dict[str, Any], message: str
) -> None:
    refused = control.refused("POST", "services", settings)
    assert refused["error"] == "invalid_request"
    assert message in refused["message"]
    assert control.ok("GET", "services") == {"services": []}


def test_a_service_takes_the_markers_later_arguments_and_scenarios(control: Control) -> None:
    created = control.new_service(
        scenarios=["trial_service"],
        live_key=False,
        sms_senders=["GOVUK"],
        templates={"reminder": ["sms", "Hi ((name))"]},
        outcomes={"sms": "permanent-failure"},
    )
    assert created["trial_mode"] is True  # the scenario's doing
    assert created["keys"]["live"] is None
    assert [s["sms_sender"] for s in created["sms_senders"]] == ["GOVUK"]
    assert [(t["name"], t["type"], t["body"]) for t in created["templates"]] == [("reminder", "sms", "Hi ((name))")]
    # The marker's arguments win over the scenario's, as with markers on one test.
    live = control.new_service(scenarios=["trial_service"], trial_mode=False)
    assert live["trial_mode"] is False
    limited = control.new_service(scenarios=[{"name": "rate_limited", "limit": 2}])
    assert limited["limits"]["rate_limit"] == 2


def test_a_taken_service_id_is_refused(control: Control) -> None:
    fixed = str(uuid.uuid4())
    control.new_service(service_id=fixed)
    assert control.refused("POST", "services", {"service_id": fixed})["message"] == (
        f"a service with id {fixed} already exists"
    )


def test_services_are_listed_in_brief_and_read_in_full(control: Control, service: dict[str, Any]) -> None:
    other = control.new_service(name="Second")
    listed = control.ok("GET", "services")["services"]
    assert [s["id"] for s in listed] == [service["id"], other["id"]]
    assert set(listed[0]) == {"id", "name", "trial_mode", "created_at", "organisation_type", "notifications"}
    full = control.ok("GET", f"services/{service['id']}")
    assert [t["id"] for t in full["templates"]] == [service["template_id"]]
    assert {"api_keys", "limits", "callbacks", "clock", "sms_senders", "reply_to_addresses"} <= set(full)


@pytest.mark.parametrize("service_id", ["not-a-uuid", "0d6f4b8e-6a4e-4c55-9d0a-5c6f1f3b2a10"])
def test_an_unknown_service_is_404(control: Control, service_id: str) -> None:
    assert control.refused("GET", f"services/{service_id}", status=404) == {
        "error": "service_not_found",
        "message": f"there is no service {service_id!r} on this server",
    }


def test_patch_goes_live_and_changes_limits(control: Control) -> None:
    created = control.new_service(trial_mode=True)
    changed = control.ok("PATCH", f"services/{created['id']}", {"trial_mode": False, "sms_limit": 7})
    assert changed["trial_mode"] is False
    assert changed["limits"]["sms"] == 7
    assert [k["name"] for k in changed["api_keys"] if k["key_type"] == "normal"] == ["live_key"]
    back = control.ok("PATCH", f"services/{created['id']}", {"trial_mode": True})
    assert back["trial_mode"] is True


def test_deleting_a_service_removes_it_and_its_keys(control: Control, service: dict[str, Any]) -> None:
    assert control.ok("DELETE", f"services/{service['id']}") == {"removed": service["id"]}
    control.refused("GET", f"services/{service['id']}", status=404)
    refused = control.send_sms(service["keys"]["live"], service["template_id"])
    assert refused.status_code == 403
    assert refused.get_json()["errors"][0]["message"] == "Invalid token: service not found"
    control.refused("DELETE", f"services/{service['id']}", status=404)


# -- keys ---------------------------------------------------------------------------------------


def test_keys_are_made_named_listed_and_revoked(control: Control, service: dict[str, Any]) -> None:
    sid = service["id"]
    made = control.ok("POST", f"services/{sid}/keys", {"key_type": "live", "name": "CI Key!"}, 201)
    assert made["name"] == "ci_key"  # made safe as Notify's admin does
    assert made["key_type"] == "normal"
    assert made["label"] == "Live – sends to anyone"
    assert made["key"].startswith(f"ci_key-{sid}-")
    assert made["revoked"] is False
    assert control.send_sms(made["key"], service["template_id"]).status_code == 201
    assert [k["name"] for k in control.ok("GET", f"services/{sid}/keys")["api_keys"]][-1] == "ci_key"

    revoked = control.ok("DELETE", f"services/{sid}/keys/ci_key")
    assert revoked["revoked"] is True
    assert revoked["revoked_at"] is not None
    refused = control.send_sms(made["key"], service["template_id"])
    assert refused.get_json()["errors"][0]["message"] == "Invalid token: API key revoked"
    by_id = control.ok("DELETE", f"services/{sid}/keys/{service['api_keys'][0]['id']}")
    assert by_id["revoked"] is True


def test_key_mistakes(control: Control, service: dict[str, Any]) -> None:
    sid = service["id"]
    assert control.refused("DELETE", f"services/{sid}/keys/nothing", status=404)["error"] == "key_not_found"
    assert (
        "unknown API key type 'gold'"
        in control.refused("POST", f"services/{sid}/keys", {"key_type": "gold"})["message"]
    )
    assert control.refused("POST", f"services/{sid}/keys", {})["message"] == "missing field(s) key_type"
    trial = control.new_service(trial_mode=True)
    refused = control.refused("POST", f"services/{trial['id']}/keys", {"key_type": "live"})
    assert "a service in trial mode cannot have a live API key" in refused["message"]


# -- templates ----------------------------------------------------------------------------------


def test_templates_are_made_versioned_listed_and_deleted(control: Control, service: dict[str, Any]) -> None:
    sid = service["id"]
    fixed = str(uuid.uuid4())
    made = control.ok(
        "POST",
        f"services/{sid}/templates",
        {"type": "email", "body": "Dear ((name))", "subject": "Hello", "name": "Welcome", "template_id": fixed},
        201,
    )
    assert made["id"] == fixed
    assert (made["type"], made["name"], made["subject"], made["version"]) == ("email", "Welcome", "Hello", 1)
    newer = control.ok("POST", f"services/{sid}/templates/{fixed}/versions", {"body": "Hi ((name))"}, 201)
    assert (newer["version"], newer["body"], newer["subject"]) == (2, "Hi ((name))", "Hello")
    assert [v["body"] for v in control.ok("GET", f"services/{sid}/templates/{fixed}")["versions"]] == [
        "Dear ((name))",
        "Hi ((name))",
    ]
    assert [t["id"] for t in control.ok("GET", f"services/{sid}/templates")["templates"]] == [
        service["template_id"],
        fixed,
    ]

    deleted = control.ok("DELETE", f"services/{sid}/templates/{service['template_id']}")
    assert deleted["archived"] is True
    refused = control.send_sms(service["keys"]["live"], service["template_id"])
    assert refused.status_code == 400
    assert refused.get_json()["errors"][0]["message"] == "Template has been deleted"
    listed = control.v2("GET", "/v2/templates", service["keys"]["live"]).get_json()["templates"]
    assert [t["id"] for t in listed] == [fixed]


def test_template_mistakes(control: Control, service: dict[str, Any]) -> None:
    sid = service["id"]
    nowhere = str(uuid.uuid4())
    assert control.refused("GET", f"services/{sid}/templates/{nowhere}", status=404)["error"] == "template_not_found"
    control.refused("POST", f"services/{sid}/templates/{nowhere}/versions", {"body": "x"}, status=404)
    control.refused("DELETE", f"services/{sid}/templates/nonsense", status=404)
    no_subject = control.refused("POST", f"services/{sid}/templates", {"type": "email", "body": "Hi"})
    assert no_subject["message"] == "email templates need a subject"
    assert control.refused("POST", f"services/{sid}/templates", {"type": "sms"})["message"] == "missing field(s) body"
    assert control.refused("POST", f"services/{sid}/templates", {"type": "sms", "body": 5})["message"] == (
        "body must be a str, not 5"
    )


# -- reset --------------------------------------------------------------------------------------


def test_reset_removes_every_service(control: Control, service: dict[str, Any]) -> None:
    other = control.new_service()
    assert control.ok("POST", "reset") == {"removed": [service["id"], other["id"]], "seeded": None}
    assert control.ok("GET", "services") == {"services": []}
    refused = control.refused("POST", "reset", {"reseed": True}, status=409)
    assert refused["error"] == "nothing_to_seed"


def test_reset_can_seed_again() -> None:
    def seed(store: Store) -> dict[str, str]:
        return {"service_id": str(store.create_service("Seeded").id)}

    store = Store()
    store.create_service("Old")
    app = create_app(store, control=FakeControlBackend(reseed=seed))
    answer = Control(store, app, Client(app)).ok("POST", "reset", {"reseed": True})
    assert [s.name for s in store.services()] == ["Seeded"]
    assert answer["seeded"] == {"service_id": str(store.services()[0].id)}


# -- our own errors -----------------------------------------------------------------------------


def test_unknown_paths_and_methods_are_json_errors(control: Control, service: dict[str, Any]) -> None:
    assert control.refused("GET", "nowhere", status=404) == {
        "error": "not_found",
        "message": "no control endpoint GET /_notify/nowhere; see docs/control-api.md",
    }
    response = control.call("PUT", f"services/{service['id']}")
    assert response.status_code == 405
    assert response.get_json() == {
        "error": "method_not_allowed",
        "message": f"/_notify/services/{service['id']} takes DELETE, GET, HEAD, PATCH, not PUT",
    }


def test_bodies_must_be_json_objects(control: Control) -> None:
    for data, content_type, status, error in [
        ("{nope", "application/json", 400, "invalid_json"),
        ("[1]", "application/json", 400, "invalid_json"),
        ("{}", "text/plain", 415, "unsupported_media_type"),
        ("name=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ]:
        response = control.client.post("/_notify/services", data=data, content_type=content_type)
        assert response.status_code == status
        assert response.get_json()["error"] == error
    assert control.ok("GET", "services") == {"services": []}


def test_an_app_without_a_backend_has_no_control_api() -> None:
    response = Client(create_app(Store())).get("/_notify/services")
    assert response.status_code == 404
    assert response.get_json()["error"] == "control_api_disabled"


class _Broken(FakeControlBackend):
    def attach(self, store: Store, service: Service, base_url: str) -> Any:
        raise RuntimeError("boom")


def test_a_bug_is_a_500_in_our_shape_and_kept_for_the_test() -> None:
    store = Store()
    store.create_service("Any")
    app = create_app(store, control=_Broken())
    response = Client(app).get("/_notify/services")
    assert response.status_code == 500
    assert response.get_json() == {
        "error": "internal_error",
        "message": "the fake failed (RuntimeError: boom); this is a bug in pytest-govuk-notify",
    }
    ((where, error),) = app.take_errors()
    assert where == "GET /_notify/services"
    assert isinstance(error, RuntimeError)


# -- the admin token ----------------------------------------------------------------------------


def test_with_an_admin_token_every_control_request_needs_it() -> None:
    store = Store()
    client = Client(create_app(store, control=FakeControlBackend(), admin_token="s3cret"))
    for headers, message in [
        ({}, "this server's control API needs the header Authorization: Bearer <admin token>"),
        ({"Authorization": "Bearer wrong"}, "the admin token is not this server's"),
        (
            {"Authorization": "Basic s3cret"},
            "this server's control API needs the header Authorization: Bearer <admin token>",
        ),
    ]:
        for path in ("/_notify/services", "/_notify/nowhere"):
            response = client.get(path, headers=headers)
            assert response.status_code == 401
            assert response.get_json() == {"error": "unauthorized", "message": message}
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/_notify/services", headers={"Authorization": "Bearer s3cret"}).get_json() == {"services": []}
    # Notify's own API is untouched: JWT as ever, no admin token.
    assert client.get("/v2/notifications").get_json()["errors"][0]["error"] == "AuthError"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("", False),
        ("::", False),
        ("192.168.1.20", False),
        ("notify.internal", False),
    ],
)
def test_what_counts_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_off_loopback_the_control_api_needs_a_token() -> None:
    check_exposure("127.0.0.1", None)
    check_exposure("0.0.0.0", "a-token")
    with pytest.raises(ConfigurationError, match=r"needs an admin token when the server listens on '0\.0\.0\.0'"):
        check_exposure("0.0.0.0", None)
    with pytest.raises(ConfigurationError, match="needs an admin token"):
        check_exposure("0.0.0.0", "")
    # NotifyServer checks when made, before anything is bound; without the control API there is
    # nothing to guard.
    with pytest.raises(ConfigurationError, match="needs an admin token"):
        NotifyServer("0.0.0.0", 0, control=FakeControlBackend())
    assert NotifyServer("0.0.0.0", 0).app.control.backend is None


@pytest.mark.parametrize(
    ("host", "answered"),
    [
        ("127.0.0.1:6011", True),
        ("localhost", True),
        ("LOCALHOST:80", True),
        ("app.localhost:6011", True),
        ("[::1]:6011", True),
        ("127.1.2.3", True),
        ("evil.example", False),
        ("evil.example:6011", False),
        ("10.0.0.5:6011", False),
        ("127.0.0.1.evil.example", False),
    ],
)
def test_without_a_token_only_requests_addressed_to_loopback_are_answered(host: str, answered: bool) -> None:
    # DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 still says
    # "Host: evil.example", so it cannot read the keys a loopback-only server trusts it with.
    client = Client(create_app(Store(), control=FakeControlBackend()))
    response = client.get("/_notify/services", headers={"Host": host})
    if answered:
        assert response.status_code == 200
        assert response.get_json() == {"services": []}
    else:
        assert response.status_code == 403
        body = response.get_json()
        assert body["error"] == "forbidden_host"
        assert f"not to {host!r}:" in body["message"]
        assert "--admin-token" in body["message"]


def test_a_host_header_that_cannot_be_parsed_is_not_loopback() -> None:
    # Built by hand: werkzeug 2.0's test client refuses to send such a header at all.
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/_notify/", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "6011"}
    assert addressed_to_loopback(Request({**environ, "wsgi.url_scheme": "http", "HTTP_HOST": "[::1"})) is False
    assert addressed_to_loopback(Request({**environ, "wsgi.url_scheme": "http", "HTTP_HOST": "[::1]:6011"})) is True


def test_with_a_token_any_host_name_is_answered() -> None:
    client = Client(create_app(Store(), control=FakeControlBackend(), admin_token="s3cret"))
    headers = {"Host": "notify.internal:6011", "Authorization": "Bearer s3cret"}
    assert client.get("/_notify/services", headers=headers).get_json() == {"services": []}
