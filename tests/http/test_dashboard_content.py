"""The web dashboard's content through werkzeug's test client: test keys and the figures, the
renditions, status over time, filters, paging and what the page's script polls."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from pytest_notify.domain.timings import PRESETS
from pytest_notify.http import dashboard_views
from tests.http import dashboard_helpers
from tests.http.dashboard_helpers import (
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


# -- what is shown: test keys, figures, renditions, status over time ----------------------------------------


def test_test_key_messages_are_shown_labelled_and_left_out_of_the_figures(dash: Api, templates: dict[str, str]) -> None:
    send_sms(dash, templates["sms"], key=dash.test_key)
    send_sms(dash, templates["sms"])
    html = page(dash, service_url(dash))
    assert html.count('class="message-row is-test"') == 1
    assert "Test key" in html and "Not on Notify’s dashboard, not billed" in html
    counters = html.split('id="counters-panel"')[1].split("</table>")[0]
    # reference §5.3: the live-key text counts, the test-key one does not.
    assert re.search(r"Text messages</th><td class=\"numeric\">1</td>", counters)
    assert "1 test-key message left out" in html
    usage = html.split('id="usage-panel"')[1]
    assert re.search(r"Text message units used</th><td class=\"numeric\">1 \(1 message\)", usage)
    assert re.search(r"Free text message allowance</th><td class=\"numeric\">20,000<", usage)


def test_sms_as_the_phone_shows_it(dash: Api, templates: dict[str, str]) -> None:
    dash.service.prefix_sms = True
    sms = send_sms(dash, templates["sms"])
    html = page(dash, f"{service_url(dash)}/notifications/{sms}")
    assert '<p class="sms-bubble">Pigeon Affairs Bureau: Hi Jo, your code is 12</p>' in html
    assert "From <strong>GOVUK</strong>" in html


def test_letter_on_paper(dash: Api, templates: dict[str, str]) -> None:
    letter = send_letter(dash, templates["letter"])
    html = page(dash, f"{service_url(dash)}/notifications/{letter}")
    assert '<p class="letter-address">The Occupier<br>1 Example Street<br>SW1A 1AA</p>' in html
    assert '<p class="letter-date">17 May 2026</p>' in html
    assert "<strong>Your case</strong>" in html
    assert "<p>Dear Jo,</p><p>A letter.</p>" in html
    assert f'href="{service_url(dash)}/notifications/{letter}/letter.pdf"' in html


def test_status_over_time_with_steps_still_to_come(dash: Api, templates: dict[str, str]) -> None:
    dash.store.set_timings(dash.service.id, PRESETS["clock"])
    sms = send_sms(dash, templates["sms"])
    path = f"{service_url(dash)}/notifications/{sms}"
    before = page(dash, path).split('id="status-panel"')[1]
    assert before.count("Still to come") == 2 and before.count("Reached") == 1
    assert "(not reached yet)" in before
    dash.world_clock.advance(60)
    after = page(dash, path).split('id="status-panel"')[1]
    assert after.count("Reached") == 3 and "Still to come" not in after
    assert "(not reached yet)" not in after
    update = dash.client.get(f"/dashboard/updates?view=notification&service={dash.service.id}&notification={sms}")
    assert update.get_json()["panels"]["status-panel"].count("Reached") == 3


# -- filters and the updates the script polls ---------------------------------------------------------------


def test_filters(dash: Api, templates: dict[str, str]) -> None:
    sms = send_sms(dash, templates["sms"])
    email = send_email(dash, templates["email"], key=dash.test_key)
    assert row_ids(page(dash, "/?type=sms")) == [sms]
    assert row_ids(page(dash, f"{service_url(dash)}?key=test")) == [email]
    assert row_ids(page(dash, "/?status=delivered")) == [email, sms]
    assert row_ids(page(dash, "/?status=failed")) == []
    assert row_ids(page(dash, "/?type=fax&status=nonsense")) == [email, sms]  # ignored, not an error
    html = page(dash, "/?type=sms")
    assert '<option value="sms" selected>' in html
    for name in ("service", "type", "status", "key"):
        assert f'<label class="label" for="filter-{name}">' in html
        assert f'id="filter-{name}" name="{name}"' in html


def test_older_messages_are_a_link_away(dash: Api, templates: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboard_views, "MAX_ROWS", 2)
    sent = [send_sms(dash, templates["sms"]) for _ in range(3)]
    html = page(dash, "/")
    assert row_ids(html) == sent[:0:-1]
    older = re.search(r'href="(/\?before=\d+)">Older messages', html)
    assert older is not None
    older_page = page(dash, older.group(1))
    assert row_ids(older_page) == [sent[0]]
    assert "Newest messages" in older_page
    assert "data-updates-url" not in older_page  # an old page does not follow new messages


def test_updates_give_what_is_new_after_the_cursor(dash: Api, templates: dict[str, str]) -> None:
    first = send_sms(dash, templates["sms"])
    html = page(dash, "/")
    url = re.search(r'data-updates-url="([^"]+)" data-after="(\d+)"', html)
    assert url is not None
    updates_url, after = url.group(1).replace("&amp;", "&"), url.group(2)
    nothing = dash.client.get(f"{updates_url}&after={after}").get_json()
    assert nothing["rows"] == [] and str(nothing["after"]) == after
    second = send_email(dash, templates["email"])
    third = send_sms(dash, templates["sms"])
    news = dash.client.get(f"{updates_url}&after={after}&shown={after}")
    assert news.content_type == "application/json"
    data = news.get_json()
    assert [re.search(r'data-id="([^"]+)"', row).group(1) for row in data["rows"]] == [third, second]  # type: ignore[union-attr]
    assert all("New" in row for row in data["rows"])
    assert data["after"] > int(after)
    assert set(data["statuses"]) == {first, second, third}
    assert "services-panel" in data["panels"]
    again = dash.client.get(f"{updates_url}&after={data['after']}").get_json()
    assert again["rows"] == []


def test_service_updates_follow_the_filter_and_refresh_the_panels(dash: Api, templates: dict[str, str]) -> None:
    html = page(dash, f"{service_url(dash)}?type=email")
    url = re.search(r'data-updates-url="([^"]+)" data-after="(\d+)"', html)
    assert url is not None
    updates_url = url.group(1).replace("&amp;", "&")
    assert "type=email" in updates_url and "view=service" in updates_url
    send_sms(dash, templates["sms"])
    email = send_email(dash, templates["email"])
    data = dash.client.get(f"{updates_url}&after={url.group(2)}").get_json()
    assert len(data["rows"]) == 1 and email in data["rows"][0]
    assert set(data["panels"]) == {"counters-panel", "usage-panel", "keys-panel"}
    assert dash.client.get("/dashboard/updates?view=service&service=nope").status_code == 404


def test_a_bug_in_a_view_is_a_500_page_kept_for_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    api = make_api()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setitem(dashboard_views.VIEWS, "home", broken)
    response = api.client.get("/")
    assert response.status_code == 500
    assert "bug in pytest-govuk-notify" in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    ((where, error),) = api.app.take_errors()
    assert where == "GET /" and isinstance(error, RuntimeError)


def test_updates_are_json_for_a_page_with_no_messages(dash: Api) -> None:
    data = json.loads(dash.client.get("/dashboard/updates").get_data())
    assert data == {"after": 0, "rows": [], "statuses": {}, "panels": data["panels"]}
    assert "Pigeon Affairs Bureau" in data["panels"]["services-panel"]
