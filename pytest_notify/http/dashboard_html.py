"""The web dashboard's HTML building blocks: the page around every view, tags, tables and times.

Everything here returns text that is already HTML; every value from outside (names, recipients,
message content, ids) goes through :func:`esc` on its way in. No template engine: the pages are
small, and plain functions keep the escaping visible where it happens.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

DASHBOARD_PREFIX = "/dashboard"
"""Every dashboard path but ``/`` starts with this; Notify's API is ``/v2/...``, the control API ``/_notify/...``."""

SITE_NAME = "Fake GOV.UK Notify"
STATIC = f"{DASHBOARD_PREFIX}/static"

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Each colour pairing is GOV.UK's (tag text on tag background), all well above 4.5:1; the word in
# the tag always says what the colour hints at.
_STATUS_TONES = {
    "delivered": "green",
    "sent": "green",
    "received": "green",
    "returned-letter": "orange",
    "created": "grey",
    "accepted": "grey",
    "sending": "blue",
    "pending": "blue",
    "pending-virus-check": "blue",
    "cancelled": "grey",
}


def esc(value: object) -> str:
    """``value`` as text safe anywhere in HTML, attribute values included."""
    return html.escape(str(value), quote=True)


def service_path(service_id: object) -> str:
    """The service's page."""
    return f"{DASHBOARD_PREFIX}/services/{service_id}"


def notification_path(service_id: object, notification_id: object, part: str = "") -> str:
    """A notification's page, or one of its parts (``email``, ``letter.pdf``)."""
    base = f"{service_path(service_id)}/notifications/{notification_id}"
    return f"{base}/{part}" if part else base


def with_query(path: str, **params: object) -> str:
    """``path`` with the non-empty ``params`` as its query string."""
    query = urlencode([(name, str(value)) for name, value in params.items() if value not in (None, "")])
    return f"{path}?{query}" if query else path


def when(moment: dt.datetime | None) -> str:
    """A ``<time>`` element: UTC, readable, with the exact instant in ``datetime``."""
    if moment is None:
        return '<span class="hint">not yet</span>'
    utc = moment.astimezone(dt.timezone.utc)
    shown = f"{utc.day} {_MONTHS[utc.month - 1]} {utc.year}, {utc:%H:%M:%S} UTC"
    return f'<time datetime="{esc(utc.isoformat())}">{esc(shown)}</time>'


def long_date(day: dt.date) -> str:
    """``17 May 2026``, as letters print the date."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def tag(text: str, tone: str = "grey") -> str:
    """A coloured label whose words carry the meaning (the colour only repeats it)."""
    return f'<strong class="tag tag--{esc(tone)}">{esc(text)}</strong>'


def status_tone(status: str) -> str:
    """The tag colour of a status: failures red, in-flight blue, delivered green."""
    if "fail" in status:
        return "red"
    return _STATUS_TONES.get(status, "grey")


def status_tag(status: str) -> str:
    """A status as a tag."""
    return tag(status, status_tone(status))


def link(href: str, text: str, *, extra: str = "") -> str:
    """An ``<a>``; ``text`` is escaped, ``extra`` is trusted attribute text."""
    space = " " if extra else ""
    return f'<a class="link" href="{esc(href)}"{space}{extra}>{esc(text)}</a>'


def summary_list(rows: Iterable[tuple[str, str]], *, element_id: str = "") -> str:
    """A ``<dl>`` of (term, HTML value) pairs; terms are escaped, values are trusted HTML."""
    ident = f' id="{esc(element_id)}"' if element_id else ""
    items = "".join(f'<div class="summary-row"><dt>{esc(term)}</dt><dd>{value}</dd></div>' for term, value in rows)
    return f'<dl class="summary"{ident}>{items}</dl>'


def table(
    caption: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    row_headers: bool = True,
    numeric: Sequence[int] = (),
    caption_class: str = "",
) -> str:
    """A data table: escaped caption and column headers, cells given as HTML. With ``row_headers``
    each row's first cell is its ``<th scope="row">``; columns in ``numeric`` align right."""
    right = ' class="numeric"'
    head = "".join(f'<th scope="col"{right if i in numeric else ""}>{esc(h)}</th>' for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            align = right if i in numeric else ""
            if i == 0 and row_headers:
                cells.append(f'<th scope="row"{align}>{cell}</th>')
            else:
                cells.append(f"<td{align}>{cell}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    css = f' class="{esc(caption_class)}"' if caption_class else ""
    return (
        f'<table class="table"><caption{css}>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


@dataclass(frozen=True)
class Live:
    """What the page's script polls for (``/dashboard/updates`` with these query parameters)."""

    updates_url: str
    after: int
    note: str = "New messages appear here as they are sent."
    """Shown once the script runs: what the page follows."""


def page(
    title: str,
    body: str,
    *,
    refresh_url: str,
    breadcrumbs: Sequence[tuple[str, str]] = (),
    live: Live | None = None,
) -> str:
    """A whole dashboard page. ``body`` must hold the page's one ``<h1>``; ``breadcrumbs`` are
    (text, href) pairs leading to it. Without JavaScript everything is here; the script only
    fetches what is new (see ``static/dashboard.js``)."""
    crumbs = ""
    if breadcrumbs:
        items = "".join(f'<li class="breadcrumbs-item">{link(href, text)}</li>' for text, href in breadcrumbs)
        crumbs = f'<nav class="breadcrumbs" aria-label="Breadcrumb"><ol class="breadcrumbs-list">{items}</ol></nav>'
    live_attributes = ""
    note = ""
    if live is not None:
        note = f'<span class="hint" id="live-note" hidden>{esc(live.note)}</span>'
        live_attributes = f' data-updates-url="{esc(live.updates_url)}" data-after="{live.after}"'
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{esc(title)} – {SITE_NAME}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{STATIC}/dashboard.css">
<script src="{STATIC}/dashboard.js" defer></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="header">
<div class="width-container header-inner">
<a class="header-name" href="/">{SITE_NAME}</a>
<p class="header-note">A fake for testing: nothing here was really sent.</p>
</div>
</header>
<div class="width-container">
{crumbs}
<main id="main" class="main" tabindex="-1"{live_attributes}>
{body}
<p class="refresh"><a class="link" href="{esc(refresh_url)}">Refresh</a>
{note}</p>
<p class="visually-hidden" id="live-announcer" role="status" aria-live="polite"></p>
</main>
</div>
<footer class="footer">
<div class="width-container">
<p>pytest-govuk-notify: a faithful fake of GOV.UK Notify. This dashboard is read-only;
see docs/server.md for the API, the control API and the dashboard.</p>
</div>
</footer>
</body>
</html>
"""


def message_page(title: str, heading: str, message: str, *, status: int) -> str:
    """A page for a problem (404, 405, 401): what went wrong and the way back."""
    body = (
        f'<h1 class="heading-l">{esc(heading)}</h1>'
        f'<p class="body">{esc(message)}</p>'
        f'<p class="body">{link("/", "Go to the dashboard’s list of services")}</p>'
        f'<p class="hint">HTTP status {status}</p>'
    )
    return page(title, body, refresh_url="/")


__all__ = [
    "DASHBOARD_PREFIX",
    "Live",
    "esc",
    "link",
    "long_date",
    "message_page",
    "notification_path",
    "page",
    "service_path",
    "status_tag",
    "status_tone",
    "summary_list",
    "table",
    "tag",
    "when",
    "with_query",
]
