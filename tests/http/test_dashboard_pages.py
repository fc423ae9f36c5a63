"""The web dashboard (``create_app(..., dashboard=True)``, as ``pytest-notify serve`` runs it) through
werkzeug's test client: where it is, escaping, 404 and 405 pages, headers, the admin token and masked
keys (what it shows and what the page's script polls: test_dashboard_content.py)."""

from __future__ import annotations

import base64
import re
import uuid

import pytest
from werkzeug.test import Client

from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.http.app import create_app
from pytest_notify.server import NotifyServer
from tests.http import dashboard_helpers
from tests.http.dashboard_helpers import (
    SCRIPT,
    Api,
    make_api,
    page,
    row_ids,
    send_email,
    send_letter,
    send_sms,
    service_url,
)

# The fixtures ``dash`` and ``templates``, shared with the other dashboard test module.
dash_fixture = dashboard_helpers.dash_fixture
templates_fixture = dashboard_helpers.templates_fixture


# -- where it is, and where it is not ---------------------------------------------------------------


def test_the_plugins_app_keeps_slash_as_notifys_404() -> None:
    client = Client(create_app())
    for path in ("/", "/dashboard/", "/dashboard/static/dashboard.css"):
        response = client.get(path)
        assert response.status_code == 404
        # Notify's routing 404 (reference §2.3), not a dashboard page.
        assert response.get_json() == {
            "message": "The requested URL was not found on the server. If you entered the URL manually please "
            "check your spelling and try again.",
            "result": "error",
        }


def test_notifys_api_and_the_control_api_are_untouched(dash: Api, templates: dict[str, str]) -> None:
    assert dash.get("/v2/notifications").status_code == 200
    assert dash.client.get("/v2/nothing-here").get_json()["result"] == "error"
    assert dash.client.get("/_notify/").get_json()["error"] == "control_api_disabled"


def test_home_lists_services_and_every_message_newest_first(dash: Api, templates: dict[str, str]) -> None:
    other = dash.store.create_service("Other Office")
    first = send_sms(dash, templates["sms"])
    second = send_email(dash, templates["email"])
    html = page(dash, "/")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html
    assert html.count("<h1") == 1
    assert "Pigeon Affairs Bureau" in html and "Other Office" in html
    assert f'href="/dashboard/services/{other.id}"' in html
    assert row_ids(html) == [second, first]
    assert "Text message to 07700 900123" in html and "Email to jo@example.com" in html
    assert row_ids(page(dash, "/dashboard")) == row_ids(page(dash, "/dashboard/")) == [second, first]


def test_service_page_shows_keys_masked(dash: Api) -> None:
    html = page(dash, service_url(dash))
    for key in (dash.test_key, dash.team_key, dash.live_key):
        assert key.secret not in html
        assert key.key not in html
        assert key.secret[:8] not in html
        assert f"…{key.secret[-4:]}" in html
        assert key.name in html
    assert "Team and guest list" in html


def test_updates_and_every_page_never_hold_a_whole_secret(dash: Api, templates: dict[str, str]) -> None:
    notification = send_sms(dash, templates["sms"])
    updates = dash.client.get(f"/dashboard/updates?view=service&service={dash.service.id}&after=0&shown=0")
    texts = [
        page(dash, "/"),
        page(dash, f"{service_url(dash)}/notifications/{notification}"),
        updates.get_data(as_text=True),
    ]
    for text in texts:
        for key in (dash.test_key, dash.team_key, dash.live_key):
            assert key.secret not in text


def test_revoked_key_says_so(dash: Api) -> None:
    dash.store.revoke_api_key(dash.service.id, dash.team_key.id)
    html = page(dash, service_url(dash))
    assert "Revoked" in html


# -- escaping -----------------------------------------------------------------------------------------


def test_personalisation_is_escaped_everywhere(dash: Api, templates: dict[str, str]) -> None:
    dash.store.create_service(SCRIPT)  # a service name too
    sms = send_sms(dash, templates["sms"], name=SCRIPT)
    email = send_email(dash, templates["email"], name=SCRIPT)
    letter = send_letter(dash, templates["letter"], name=SCRIPT)
    pages = [
        page(dash, "/"),
        page(dash, service_url(dash)),
        *(page(dash, f"{service_url(dash)}/notifications/{n}") for n in (sms, email, letter)),
        page(dash, f"{service_url(dash)}/notifications/{email}/email"),
        page(dash, "/?service=%3Cscript%3E"),
    ]
    for html in pages:
        assert SCRIPT not in html
        assert "<script>" not in html  # the only script is the dashboard's own file
    sms_page = pages[2]
    assert "Hi &lt;script&gt;alert(1)&lt;/script&gt;, your code is 12" in sms_page
    updates = dash.client.get("/dashboard/updates?after=0").get_json()
    assert all(SCRIPT not in row for row in updates["rows"])
    assert any("&lt;script&gt;" in row for row in updates["rows"])


def test_an_escaped_id_in_a_404_message(dash: Api) -> None:
    html = page(dash, "/dashboard/services/%3Cb%3Ex%3C%2Fb%3E", 404)
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


# -- 404 and 405 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/dashboard/services/not-a-uuid", "no service with the id “not-a-uuid”"),
        (f"/dashboard/services/{uuid.UUID(int=7)}", f"no service with the id “{uuid.UUID(int=7)}”"),
        ("/dashboard/nothing", "The dashboard has no page /dashboard/nothing."),
        ("/dashboard/static/other.js", "There is no file “other.js” here."),
    ],
)
def test_not_found_is_the_dashboards_own_page(dash: Api, path: str, message: str) -> None:
    html = page(dash, path, 404)
    assert "<h1" in html and "Page not found" in html
    assert message in html
    assert 'href="/"' in html  # the way back


def test_unknown_notification_and_wrong_parts(dash: Api, templates: dict[str, str]) -> None:
    sms = send_sms(dash, templates["sms"])
    missing = uuid.UUID(int=9)
    assert f"Pigeon Affairs Bureau has no message with the id “{missing}”" in page(
        dash, f"{service_url(dash)}/notifications/{missing}", 404
    )
    assert "is a sms, not an email" in page(dash, f"{service_url(dash)}/notifications/{sms}/email", 404)
    assert "has no PDF" in page(dash, f"{service_url(dash)}/notifications/{sms}/letter.pdf", 404)
    # A notification of another service is not found under this one.
    other = dash.store.create_service("Other Office")
    page(dash, f"/dashboard/services/{other.id}/notifications/{sms}", 404)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/", "/dashboard/", "/dashboard/updates", "/dashboard/static/dashboard.js"])
def test_other_methods_are_405(dash: Api, method: str, path: str) -> None:
    response = dash.client.open(path, method=method, data="x=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"
    assert response.content_type == "text/html; charset=utf-8"
    assert "read-only" in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_head_is_answered(dash: Api) -> None:
    response = dash.client.head("/")
    assert response.status_code == 200
    assert response.get_data() == b""


# -- headers -------------------------------------------------------------------------------------------


def test_pages_have_a_strict_policy(dash: Api) -> None:
    response = dash.client.get("/")
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files(dash: Api) -> None:
    css = dash.client.get("/dashboard/static/dashboard.css")
    js = dash.client.get("/dashboard/static/dashboard.js")
    assert css.content_type == "text/css; charset=utf-8"
    assert js.content_type == "text/javascript; charset=utf-8"
    assert b"#0b0c0c" in css.get_data()
    assert b"aria" in js.get_data() or b"announce" in js.get_data()
    for response in (css, js):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = page(dash, "/")
    assert 'src="/dashboard/static/dashboard.js"' in html and 'href="/dashboard/static/dashboard.css"' in html
    assert "style=" not in html  # no inline style for the policy to block


def test_email_page_is_the_domains_html_under_its_own_policy(dash: Api, templates: dict[str, str]) -> None:
    email = send_email(dash, templates["email"])
    response = dash.client.get(f"{service_url(dash)}/notifications/{email}/email")
    csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "script-src" not in csp and "default-src 'none'" in csp
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    # The same HTML as Notify's preview of the template with the same values (reference §3.11).
    preview = dash.post(f"/v2/template/{templates['email']}/preview", {"personalisation": {"name": "Jo"}})
    assert preview.get_json()["html"] in response.get_data(as_text=True)
    html = page(dash, f"{service_url(dash)}/notifications/{email}")
    assert re.search(r'<iframe class="email-frame" sandbox="" src="[^"]+/email"', html)


def test_letter_pdf(dash: Api, templates: dict[str, str]) -> None:
    letter = send_letter(dash, templates["letter"])
    response = dash.client.get(f"{service_url(dash)}/notifications/{letter}/letter.pdf")
    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    assert response.get_data().startswith(b"%PDF-")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# -- the admin token -----------------------------------------------------------------------------------


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_with_an_admin_token_every_dashboard_request_needs_it() -> None:
    api = make_api(admin_token="s3cret-token")
    for path in ("/", f"/dashboard/services/{api.service.id}", "/dashboard/updates", "/dashboard/static/dashboard.css"):
        refused = api.client.get(path)
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Basic ")
        assert "admin token" in refused.get_data(as_text=True)
        assert api.client.get(path, headers=basic("anyone", "wrong")).status_code == 401
        assert api.client.get(path, headers={"Authorization": "Basic !!!"}).status_code == 401
        assert api.client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert api.client.get(path, headers=basic("anyone", "s3cret-token")).status_code == 200
        assert api.client.get(path, headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    # A 405 needs the token too: nothing is said about the server to a stranger.
    assert api.client.post("/").status_code == 401


def test_off_loopback_the_dashboard_needs_a_token() -> None:
    with pytest.raises(ConfigurationError, match="needs an admin token"):
        NotifyServer(host="0.0.0.0", dashboard=True)
    NotifyServer(host="0.0.0.0", dashboard=True, admin_token="t")  # made, never started
    NotifyServer(host="0.0.0.0")  # no dashboard and no control API: Notify's API only


def test_without_a_token_only_addresses_of_this_machine_are_answered() -> None:
    api = make_api()
    for host in ("127.0.0.1:6011", "localhost", "[::1]:6011"):
        assert api.client.get("/", headers={"Host": host}).status_code == 200
    refused = api.client.get(f"/dashboard/services/{api.service.id}", headers={"Host": "evil.example:6011"})
    assert refused.status_code == 403
    text = refused.get_data(as_text=True)
    assert "evil.example:6011" in text and "admin token" in text
    assert str(api.service.id) not in text
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
    with_token = make_api(admin_token="t")
    answered = with_token.client.get("/", headers={"Host": "notify.internal", **basic("x", "t")})
    assert answered.status_code == 200
