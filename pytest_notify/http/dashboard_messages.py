"""The dashboard's lists of messages: which ones (the filter), in what order, and their table rows.

Messages are listed newest first in the order the fake stored them (the store's sequence), not by
``created_at``: every service has its own clock, which a test may freeze, move on or move back, so
times from different services do not compare, while the order of arrival always does. The same
sequence is the cursor the page's script polls with (``after``): what it has not seen yet is
what was stored since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pytest_notify.domain.dashboard import DELIVERED_STATUSES, FAILED_STATUSES, IN_FLIGHT_STATUSES
from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.notifications import Notification, public_status
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.http.dashboard_html import esc, link, notification_path, service_path, status_tag, tag, when

MAX_ROWS = 100
"""Messages shown at once; older ones are a link away (``?before=``)."""

TYPE_NAMES = {"sms": "Text message", "email": "Email", "letter": "Letter"}
TYPE_FILTERS = {"sms": "Text messages", "email": "Emails", "letter": "Letters"}
STATUS_FILTERS = {
    "in-flight": ("Delivering (created, sending, pending)", IN_FLIGHT_STATUSES),
    "delivered": ("Delivered", DELIVERED_STATUSES),
    "failed": ("Failed", FAILED_STATUSES),
    "cancelled": ("Cancelled", frozenset({"cancelled"})),
}
"""The admin site's groups of statuses (:mod:`pytest_notify.domain.dashboard`)."""
KEY_FILTERS = {"live": "Live keys", "team": "Team and guest list keys", "test": "Test keys"}
_KEY_TAGS = {
    KeyType.LIVE: ("Live key", "purple"),
    KeyType.TEAM: ("Team key", "turquoise"),
    KeyType.TEST: ("Test key", "orange"),
}


@dataclass(frozen=True)
class Sent:
    """A stored notification with its service and the service's time now (statuses are read then)."""

    notification: Notification
    service: Service
    now: dt.datetime

    @property
    def status(self) -> str:
        """The status at the service's now."""
        return self.notification.status_at(self.now).status


@dataclass(frozen=True)
class MessageFilter:
    """Which messages a list shows: a query string's ``service``, ``type``, ``status`` and ``key``.

    Values the form never offers are ignored (the list is then unfiltered on that field), so an
    old bookmark never breaks the page."""

    service: str = ""
    type: str = ""
    status: str = ""
    key: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str], *, service: str = "") -> MessageFilter:
        """Read the filter from a query string; ``service`` fixes the service (a service's own page)."""

        def pick(name: str, allowed: Iterable[str]) -> str:
            value = args.get(name, "")
            return value if value in allowed else ""

        return cls(
            service=service or args.get("service", "").strip().lower(),
            type=pick("type", TYPE_FILTERS),
            status=pick("status", STATUS_FILTERS),
            key=pick("key", KEY_FILTERS),
        )

    def matches(self, sent: Sent) -> bool:
        """Whether ``sent`` is listed."""
        n = sent.notification
        if self.service and str(n.service_id) != self.service:
            return False
        if self.type and n.type != self.type:
            return False
        if self.key and n.key_type is not KeyType.parse(self.key):
            return False
        return not self.status or sent.status in STATUS_FILTERS[self.status][1]

    def query(self) -> dict[str, str]:
        """The filter as query parameters (empty ones left out)."""
        return {name: value for name, value in vars(self).items() if value}


def collect(store: Store, services: Iterable[Service]) -> list[Sent]:
    """Every stored notification of ``services``, newest first (order of storing)."""
    found: list[Sent] = []
    for service in services:
        now = store.clock_for(service.id).now()
        found.extend(Sent(n, service, now) for n in store.notifications(service.id))
    found.sort(key=lambda sent: sent.notification.seq, reverse=True)
    return found


def latest_seq(sent: Iterable[Sent]) -> int:
    """The cursor for "nothing new yet": the newest stored notification's sequence number."""
    return max((s.notification.seq for s in sent), default=0)


def type_name(notification: Notification) -> str:
    """``Text message``, ``Email`` or ``Letter``."""
    return TYPE_NAMES.get(notification.type, notification.type)


def recipient(notification: Notification) -> str:
    """Who it went to, on one line (a letter's first address line)."""
    if notification.type == "letter":
        return notification.letter_address[0] if notification.letter_address else "(address in the PDF)"
    return notification.to


def title_of(notification: Notification) -> str:
    """``Email to jo@example.com``."""
    return f"{type_name(notification)} to {recipient(notification)}"


def preview(notification: Notification, length: int = 90) -> str:
    """A line to recognise the message by: the subject, or the start of a text message."""
    text = notification.subject if notification.type != "sms" and notification.subject else notification.body
    text = " ".join(text.split())
    return text if len(text) <= length else f"{text[: length - 1]}…"


def key_cell(notification: Notification) -> str:
    """The key's name and type; test keys say what that means."""
    text, tone = _KEY_TAGS[notification.key_type]
    cell = f'<span class="key-name">{esc(notification.key_name)}</span> {tag(text, tone)}'
    if notification.key_type is KeyType.TEST:
        cell += '<span class="hint block">Not on Notify’s dashboard, not billed</span>'
    return cell


def status_cell(sent: Sent) -> str:
    """The status now; a letter also shows the word the API uses for it."""
    status = sent.status
    cell = status_tag(status)
    shown = public_status(sent.notification.type, status)
    if shown != status:
        cell += f'<span class="hint block">API: {esc(shown)}</span>'
    return cell


def message_row(sent: Sent, *, show_service: bool, new: bool = False) -> str:
    """One ``<tr>`` of a messages table; the script inserts new ones at the top."""
    n = sent.notification
    classes = "message-row is-test" if n.key_type is KeyType.TEST else "message-row"
    heading = link(notification_path(n.service_id, n.id), title_of(n))
    new_tag = f" {tag('New', 'yellow')}" if new else ""
    cells = [
        f'<th scope="row">{heading}{new_tag}<span class="hint block message-preview">{esc(preview(n))}</span></th>',
        f"<td>{when(n.created_at)}</td>",
    ]
    if show_service:
        cells.append(f"<td>{link(service_path(sent.service.id), sent.service.name)}</td>")
    cells.append(f"<td>{key_cell(n)}</td>")
    cells.append(f'<td data-status-for="{esc(n.id)}">{status_cell(sent)}</td>')
    return f'<tr class="{classes}" data-seq="{n.seq}" data-id="{esc(n.id)}">{"".join(cells)}</tr>'


def messages_table(shown: list[Sent], *, show_service: bool, caption: str) -> str:
    """The table of messages, newest first; its body is where the script adds new rows."""
    headers = ["Message", "Sent", *(["Service"] if show_service else []), "API key", "Status now"]
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    if shown:
        rows = "".join(message_row(sent, show_service=show_service) for sent in shown)
    else:
        rows = f'<tr data-empty><td colspan="{len(headers)}">No messages yet.</td></tr>'
    return (
        f'<table class="table messages" id="messages"><caption class="caption-m">{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody data-live-rows>{rows}</tbody></table>"
    )


def filter_form(action: str, wanted: MessageFilter, services: list[Service] | None) -> str:
    """The GET form that filters the list (a service selector too on the page of every service)."""

    def select(name: str, label: str, everything: str, options: Mapping[str, str], chosen: str) -> str:
        items = [f'<option value="">{esc(everything)}</option>']
        for value, text in options.items():
            selected = " selected" if value == chosen else ""
            items.append(f'<option value="{esc(value)}"{selected}>{esc(text)}</option>')
        return (
            f'<div class="form-group"><label class="label" for="filter-{name}">{esc(label)}</label>'
            f'<select class="select" id="filter-{name}" name="{name}">{"".join(items)}</select></div>'
        )

    fields = []
    if services is not None:
        fields.append(
            select("service", "Service", "All services", {str(s.id): s.name for s in services}, wanted.service)
        )
    fields.append(select("type", "Type of message", "All types", TYPE_FILTERS, wanted.type))
    fields.append(
        select("status", "Status", "All statuses", {k: text for k, (text, _) in STATUS_FILTERS.items()}, wanted.status)
    )
    fields.append(select("key", "API key type", "All key types", KEY_FILTERS, wanted.key))
    return (
        f'<form class="filters" method="get" action="{esc(action)}">'
        f'<fieldset class="fieldset"><legend class="legend">Filter messages</legend>{"".join(fields)}'
        f'<div class="form-actions"><button class="button" type="submit">Filter messages</button> '
        f"{link(action, 'Clear filters')}</div></fieldset></form>"
    )


__all__ = [
    "MAX_ROWS",
    "MessageFilter",
    "Sent",
    "collect",
    "filter_form",
    "key_cell",
    "latest_seq",
    "message_row",
    "messages_table",
    "preview",
    "recipient",
    "status_cell",
    "title_of",
    "type_name",
]
