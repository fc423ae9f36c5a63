"""The web dashboard in a real browser (Chromium through Playwright): what a person sees, live
updates without a reload, the pages without JavaScript, and accessibility checks.

Expected figures come from Notify's rules (reference §5.3: test keys never count; §12: billable
statuses and the 2026 central-government allowance of 20,000 free text message units)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from notifications_python_client import NotificationsAPIClient

from pytest_notify.domain.timings import PRESETS
from tests.browser.conftest import WAIT_MS, Served

ADDRESS = {"address_line_1": "The Occupier", "address_line_2": "1 Example Street", "postcode": "SW1A 1AA"}

# Run in the page: WCAG's relative luminance and contrast of an element's text on the first opaque
# background behind it.
CONTRAST_JS = """
(selectors) => {
  const parse = (text) => {
    const parts = text.match(/rgba?\\(([^)]+)\\)/)[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const colour = parse(getComputedStyle(e).backgroundColor);
      if (colour.a > 0) return colour;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const results = [];
  for (const selector of selectors) {
    for (const element of document.querySelectorAll(selector)) {
      const fg = luminance(parse(getComputedStyle(element).color));
      const bg = luminance(background(element));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      results.push([selector, getComputedStyle(element).color, ratio]);
    }
  }
  return results;
}
"""

STRUCTURE_JS = """
() => {
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => Number(h.tagName[1]));
  const skipped = [];
  headings.forEach((level, i) => { if (i > 0 && level > headings[i - 1] + 1) skipped.push([headings[i - 1], level]); });
  const controls = [...document.querySelectorAll("input, select, textarea")].filter((c) => c.type !== "hidden");
  const unlabelled = controls
    .filter((c) => !(c.labels && c.labels.length) && !c.getAttribute("aria-label") && !c.getAttribute("aria-labelledby"))
    .map((c) => c.outerHTML);
  return {
    lang: document.documentElement.lang,
    title: document.title,
    h1: document.querySelectorAll("h1").length,
    firstHeading: headings[0],
    skipped,
    unlabelled,
    imagesWithoutAlt: [...document.querySelectorAll("img")].filter((i) => !i.hasAttribute("alt")).length,
    framesWithoutTitle: [...document.querySelectorAll("iframe")].filter((f) => !f.title).length,
    thWithoutScope: [...document.querySelectorAll("th")].filter((th) => !th.getAttribute("scope")).length,
    tablesWithoutCaption: [...document.querySelectorAll("table")].filter((t) => !t.caption).length,
    skipLink: document.querySelector("a")?.getAttribute("href"),
    mainExists: !!document.getElementById("main"),
  };
}
"""

# Every colour pairing the pages use for text.
CONTRAST_SELECTORS = [
    "body",
    "h1",
    "h2",
    "a.link",
    ".hint",
    ".caption",
    ".header-name",
    ".header-note",
    ".footer p",
    "th",
    "td",
    "label",
    ".legend",
    ".select",
    ".button",
    ".tag",
    ".sms-bubble",
    ".letter p",
]


def wait_for_text(locator: Any, text: str) -> None:
    from playwright.sync_api import expect

    expect(locator).to_contain_text(text, timeout=WAIT_MS)


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


# -- what a person sees ------------------------------------------------------------------------------------


def test_email_is_rendered_inside_a_sandboxed_frame(page: Any, served: Served) -> None:
    name = unique("Jo")
    sent = served.client().send_email_notification(
        "jo@example.com", served.templates["email"], {"name": name, "reference": "AB12\n\n* first\n* second"}
    )
    page.goto(served.notification_url(sent))
    assert page.locator("h1").inner_text() == "Email to jo@example.com"
    frame_element = page.locator("iframe.email-frame")
    assert frame_element.get_attribute("sandbox") == ""
    assert frame_element.get_attribute("title") == "The email: Your reference"
    email = page.frame_locator("iframe.email-frame")
    wait_for_text(email.locator("p").first, f"Dear {name},")
    # Notify's markdown became Notify's HTML (reference §3.11), inside the frame only.
    # (the default template is "Your reference is ((reference)).", hence the full stop).
    assert email.locator("li").all_inner_texts() == ["first", "second."]
    assert page.locator("li", has_text="first").count() == 0
    # The email's inline styles stay in the frame: the page's paragraphs keep the dashboard's font.
    assert "arial" in page.locator("p.body").first.evaluate("p => getComputedStyle(p).fontFamily").lower()
    summary = page.locator("dl.summary").nth(1).inner_text()
    assert "Subject" in summary and "Your reference" in summary and "jo@example.com" in summary


def test_text_message_as_on_a_phone(page: Any, served: Served) -> None:
    name = unique("Sam")
    sent = served.client().send_sms_notification("07700 900123", served.templates["sms"], {"name": name, "code": "42"})
    page.goto(served.notification_url(sent))
    phone = page.get_by_role("group", name="The text message on the phone")
    assert phone.locator(".sms-bubble").inner_text() == f"Hello {name}, your code is 42"
    assert "From GOVUK" in phone.inner_text()
    assert "1 fragment billed" in page.locator("main").inner_text()


def test_letter_on_paper_and_its_pdf(page: Any, served: Served) -> None:
    name = unique("Alex")
    sent = served.client().send_letter_notification(served.templates["letter"], {"name": name, **ADDRESS})
    page.goto(served.notification_url(sent))
    letter = page.get_by_role("group", name="The letter on paper")
    assert letter.locator(".letter-address").inner_text().splitlines() == [
        "The Occupier",
        "1 Example Street",
        "SW1A 1AA",
    ]
    assert letter.locator(".letter-subject").inner_text() == "About your case"
    assert f"Dear {name}," in letter.inner_text()
    pdf_link = page.get_by_role("link", name="Download the letter as a PDF")
    pdf = page.request.get(served.url + pdf_link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")


def test_status_over_time_follows_the_message(page: Any, served: Served) -> None:
    sent = served.client().send_sms_notification("07700 900123", served.templates["sms"], {"name": "Jo", "code": "1"})
    page.goto(served.notification_url(sent))
    steps = page.get_by_role("table", name="Status over time")
    assert steps.locator("tbody th").all_inner_texts() == ["created", "sending", "delivered"]
    for time_cell in steps.locator("tbody td:nth-child(2)").all_inner_texts():
        assert re.fullmatch(r"\d{1,2} \w+ \d{4}, \d\d:\d\d:\d\d UTC", time_cell)
    # The script follows the status as it changes: delivered 1.2 s after the send, no reload.
    page.evaluate("window.notReloaded = true")
    wait_for_text(page.locator("#status-panel .summary-row").first, "delivered")
    assert page.locator("#status-panel").inner_text().count("Reached") == 3
    assert "Still to come" not in page.locator("#status-panel").inner_text()
    assert page.evaluate("window.notReloaded") is True


def test_counters_and_usage_follow_notifys_rules(page: Any, served: Served) -> None:
    store = served.server.store
    service = store.create_service(unique("Counting Office "))
    store.set_timings(service.id, PRESETS["instant"])
    live = store.create_api_key(service.id, "live", "live key")
    test = store.create_api_key(service.id, "test", "test key")
    sms = str(store.add_template(service.id, "sms", "Hi ((name))").id)
    email = str(store.add_template(service.id, "email", "Hi ((name))", "Hello").id)
    as_live = NotificationsAPIClient(live.key, base_url=served.url)
    as_test = NotificationsAPIClient(test.key, base_url=served.url)
    as_live.send_sms_notification("07700 900123", sms, {"name": "a"})
    as_live.send_sms_notification("07700 900124", sms, {"name": "b"})
    as_test.send_sms_notification("07700 900125", sms, {"name": "c"})
    as_live.send_email_notification("jo@example.com", email, {"name": "d"})

    page.goto(f"{served.url}/dashboard/services/{service.id}")
    today = page.get_by_role("table", name="Today: messages by type")
    # Sent, delivering, delivered, failed: the test-key text is left out (reference §5.3).
    assert today.get_by_role("row", name=re.compile("^Text messages")).locator("td").all_inner_texts() == [
        "2",
        "0",
        "2",
        "0",
    ]
    assert today.get_by_role("row", name=re.compile("^Emails")).locator("td").all_inner_texts() == ["1", "0", "1", "0"]
    assert "1 test-key message left out" in page.locator("#counters-panel").inner_text()
    usage = page.locator("#usage-panel")
    assert (
        usage.get_by_role("row", name=re.compile("^Free text message allowance")).locator("td").inner_text() == "20,000"
    )
    assert usage.get_by_role("row", name=re.compile("^Text message units used")).locator("td").inner_text() == (
        "2 (2 messages)"
    )
    assert usage.get_by_role("row", name=re.compile("^Free allowance remaining")).locator("td").inner_text() == "19,998"
    assert usage.get_by_role("row", name=re.compile("^Emails sent")).locator("td").inner_text() == "1"
    # The test-key text is on the page, labelled.
    test_row = page.locator("tr.message-row.is-test")
    assert test_row.count() == 1
    assert "Test key" in test_row.inner_text() and "07700 900125" in test_row.inner_text()


def test_keys_are_masked(page: Any, served: Served) -> None:
    page.goto(served.service_url())
    keys = page.get_by_role("table", name="API keys (secrets are masked)")
    rows = keys.locator("tbody tr")
    assert rows.count() == 3
    html = page.content()
    for key in served.keys.values():
        secret = key[-36:]
        assert secret not in html and key not in html
        assert f"…{secret[-4:]}" in keys.inner_text()


# -- live updates ------------------------------------------------------------------------------------------


def test_a_new_message_appears_at_the_top_without_a_reload(page: Any, served: Served) -> None:
    page.goto(served.url + "/")
    assert page.locator("#live-note").is_visible()
    page.evaluate("window.notReloaded = true")
    name = unique("Live")
    served.client().send_sms_notification("07700 900123", served.templates["sms"], {"name": name, "code": "7"})
    first_row = page.locator("tbody[data-live-rows] tr").first
    wait_for_text(first_row, name)
    assert "New" in first_row.inner_text()
    assert page.evaluate("window.notReloaded") is True
    wait_for_text(page.locator("#live-announcer"), "1 new message")
    assert page.locator("#live-announcer").get_attribute("aria-live") == "polite"
    # A second one goes above it.
    other = unique("Later")
    served.client("test").send_email_notification(
        "jo@example.com", served.templates["email"], {"name": other, "reference": "x"}
    )
    wait_for_text(page.locator("tbody[data-live-rows] tr").first, "Email to jo@example.com")
    assert name in page.locator("tbody[data-live-rows] tr").nth(1).inner_text()


def test_a_filtered_service_page_only_gets_matching_messages(page: Any, served: Served) -> None:
    page.goto(served.service_url())
    page.get_by_label("Type of message").select_option("email")
    page.get_by_role("button", name="Filter messages").click()
    page.wait_for_url(re.compile(r"type=email"))
    page.evaluate("window.notReloaded = true")
    served.client().send_sms_notification("07700 900123", served.templates["sms"], {"name": "x", "code": "1"})
    name = unique("Filtered")
    served.client().send_email_notification(
        "jo@example.com", served.templates["email"], {"name": name, "reference": "r"}
    )
    wait_for_text(page.locator("#live-announcer"), "new message")
    rows = page.locator("tbody[data-live-rows] tr")
    for text in rows.all_inner_texts():
        assert "Text message" not in text
    assert page.evaluate("window.notReloaded") is True


# -- without JavaScript ------------------------------------------------------------------------------------


def test_pages_work_without_javascript(page_without_js: Any, served: Served) -> None:
    page = page_without_js
    name = unique("NoJs")
    served.client().send_email_notification(
        "jo@example.com", served.templates["email"], {"name": name, "reference": "z"}
    )
    page.goto(served.url + "/")
    assert page.locator("h1").inner_text() == "Dashboard"
    assert not page.locator("#live-note").is_visible()
    assert page.locator("tbody[data-live-rows] tr").count() >= 1
    # Links between pages: service, then a message, then back by the breadcrumbs.
    page.get_by_role("link", name="Fake Notify service").first.click()
    page.wait_for_url(re.compile(r"/dashboard/services/"))
    assert page.locator("h1").inner_text() == "Fake Notify service"
    page.get_by_role("link", name="Email to jo@example.com").first.click()
    page.wait_for_url(re.compile(r"/notifications/"))
    wait_for_text(page.frame_locator("iframe.email-frame").locator("p").first, f"Dear {name},")
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Dashboard").click()
    page.wait_for_url(served.url + "/")
    # The filter form is a plain GET form.
    page.get_by_label("Type of message").select_option("sms")
    page.get_by_role("button", name="Filter messages").click()
    page.wait_for_url(re.compile(r"type=sms"))
    for text in page.locator("tbody[data-live-rows] tr").all_inner_texts():
        assert text.startswith("Text message") or text == "No messages yet."
    # A new message is there after the plain Refresh link.
    later = unique("Refreshed")
    served.client().send_sms_notification("07700 900123", served.templates["sms"], {"name": later, "code": "9"})
    page.get_by_role("link", name="Refresh").click()
    page.wait_for_load_state()
    wait_for_text(page.locator("tbody[data-live-rows] tr").first, later)


# -- accessibility -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(served: Served) -> dict[str, str]:
    client = served.client()
    sms = client.send_sms_notification("07700 900123", served.templates["sms"], {"name": "A", "code": "1"})
    email = served.client("test").send_email_notification(
        "jo@example.com", served.templates["email"], {"name": "A", "reference": "r"}
    )
    letter = client.send_letter_notification(served.templates["letter"], {"name": "A", **ADDRESS})
    return {
        "home": served.url + "/",
        "service": served.service_url(),
        "sms": served.notification_url(sms),
        "email": served.notification_url(email),
        "letter": served.notification_url(letter),
        "not found": served.url + "/dashboard/services/nothing",
    }


@pytest.mark.parametrize("name", ["home", "service", "sms", "email", "letter", "not found"])
def test_page_structure(page: Any, pages: dict[str, str], name: str) -> None:
    page.goto(pages[name])
    found = page.evaluate(STRUCTURE_JS)
    assert found["lang"] == "en"
    assert found["title"].endswith("Fake GOV.UK Notify")
    assert found["h1"] == 1 and found["firstHeading"] == 1
    assert found["skipped"] == [], "headings skip a level"
    assert found["unlabelled"] == [], "form controls without a label"
    assert found["imagesWithoutAlt"] == 0
    assert found["framesWithoutTitle"] == 0
    assert found["thWithoutScope"] == 0
    assert found["tablesWithoutCaption"] == 0
    assert found["skipLink"] == "#main" and found["mainExists"]


@pytest.mark.parametrize("name", ["home", "service", "sms", "email", "letter"])
def test_text_contrast_is_at_least_4_5(page: Any, pages: dict[str, str], name: str) -> None:
    page.goto(pages[name])
    measured = page.evaluate(CONTRAST_JS, CONTRAST_SELECTORS)
    assert measured, "nothing measured"
    low = [(selector, colour, ratio) for selector, colour, ratio in measured if ratio < 4.5]
    assert low == []


def test_keyboard_focus_is_visible(page: Any, pages: dict[str, str]) -> None:
    page.goto(pages["service"])
    skip = page.get_by_role("link", name="Skip to main content")
    assert not skip.is_visible() or skip.bounding_box()["x"] < 0  # off-screen until focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert skip.bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the first link inside main
    focused = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.tagName, s.backgroundColor, s.boxShadow]; })()"
    )
    assert focused[0] == "A"
    assert focused[1] == "rgb(255, 221, 0)"  # GOV.UK's yellow focus state, not colour alone: a black underline too
    assert "rgb(11, 12, 12)" in focused[2]
    page.get_by_label("Status").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
