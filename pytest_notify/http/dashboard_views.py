"""The web dashboard's pages: every service, one service, one message, and what the page's
script polls (``/dashboard/updates``). Each view reads the store and returns a whole response;
:class:`pytest_notify.http.dashboard.DashboardSite` routes to them and adds the security headers."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from werkzeug.wrappers import Request, Response

from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.http.dashboard_html import (
    DASHBOARD_PREFIX,
    Live,
    esc,
    link,
    page,
    service_path,
    summary_list,
    when,
    with_query,
)
from pytest_notify.http.dashboard_messages import (
    MAX_ROWS,
    MessageFilter,
    Sent,
    collect,
    filter_form,
    key_cell,
    latest_seq,
    message_row,
    messages_table,
    status_cell,
    title_of,
)
from pytest_notify.http.dashboard_renditions import (
    EMAIL_DOCUMENT_CSP,
    email_document,
    email_rendition,
    letter_rendition,
    personalisation_table,
    sms_rendition,
    status_panel,
    template_version,
)
from pytest_notify.http.dashboard_reports import (
    counters_panel,
    keys_panel,
    service_summary,
    services_panel,
    templates_panel,
    usage_panel,
)

UPDATES_PATH = f"{DASHBOARD_PREFIX}/updates"
MAX_STATUSES = 500
"""Statuses one poll reports at most (the rows a page shows, newest first)."""

STATIC_FILES = {"dashboard.css": "text/css; charset=utf-8", "dashboard.js": "text/javascript; charset=utf-8"}

HTML = "text/html; charset=utf-8"


class DashboardNotFound(Exception):
    """No such service, message or file: the dashboard's own 404 page says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DashboardContext:
    """What every view reads: the store (never written)."""

    store: Store

    def service(self, service_id: str) -> Service:
        """The service with this id, or the dashboard's 404."""
        try:
            found = self.store.find_service(uuid.UUID(service_id))
        except ValueError:
            found = None
        if found is None:
            raise DashboardNotFound(f"This server has no service with the id “{service_id}”.")
        return found

    def notification(self, service: Service, notification_id: str) -> Notification:
        """A stored notification of ``service``, whatever its key type or age, or the dashboard's 404."""
        try:
            wanted = uuid.UUID(notification_id)
        except ValueError:
            wanted = None
        for notification in self.store.notifications(service.id):
            if notification.id == wanted:
                return notification
        raise DashboardNotFound(f"{service.name} has no message with the id “{notification_id}”.")


DashboardView = Callable[..., Response]


def html_response(text: str, status: int = 200) -> Response:
    """An HTML page."""
    return Response(text, status=status, content_type=HTML)


def _number(text: str | None) -> int | None:
    try:
        return int(text) if text is not None and text.strip() else None
    except ValueError:
        return None


# -- the lists ------------------------------------------------------------------------------------


def _messages_section(
    ctx: DashboardContext, request: Request, path: str, services: list[Service], fixed: Service | None
) -> tuple[str, Live | None]:
    """The filter form, the table of messages (newest first, a page at a time) and what to poll."""
    wanted = MessageFilter.from_args(request.args, service=str(fixed.id) if fixed else "")
    everything = collect(ctx.store, services)
    matching = [sent for sent in everything if wanted.matches(sent)]
    before = _number(request.args.get("before"))
    if before is not None:
        matching = [sent for sent in matching if sent.notification.seq < before]
    shown = matching[:MAX_ROWS]
    query = {name: value for name, value in wanted.query().items() if not (fixed and name == "service")}
    parts = [filter_form(path, wanted, None if fixed else services)]
    filtered = " matching the filter" if query else ""
    parts.append(
        f'<p class="body" id="messages-count">{len(matching)} message{"s" if len(matching) != 1 else ""}{filtered}'
        f"{', newest first' if matching else ''}.</p>"
    )
    parts.append(messages_table(shown, show_service=fixed is None, caption="Messages, newest first"))
    paging = []
    if before is not None:
        paging.append(link(with_query(path, **query), "Newest messages"))
    if len(matching) > MAX_ROWS:
        paging.append(link(with_query(path, **query, before=shown[-1].notification.seq), "Older messages"))
    if paging:
        parts.append(f'<p class="body paging">{" · ".join(paging)}</p>')
    live = None
    if before is None:
        view = "service" if fixed else "home"
        live = Live(with_query(UPDATES_PATH, view=view, **wanted.query()), latest_seq(everything))
    return "".join(parts), live


def home(ctx: DashboardContext, request: Request) -> Response:
    """``/``: every service, and every message of every service, newest first."""
    services = ctx.store.services()
    messages, live = _messages_section(ctx, request, "/", services, None)
    body = (
        '<h1 class="heading-xl">Dashboard</h1>'
        '<p class="lead">What this fake GOV.UK Notify server was asked to send, as a person would get it. '
        "Nothing leaves this machine.</p>"
        '<h2 class="heading-l" id="services">Services</h2>'
        f'<div id="services-panel">{services_panel(services, collect(ctx.store, services))}</div>'
        '<h2 class="heading-l" id="messages-heading">Messages from every service</h2>'
        f"{messages}"
    )
    return html_response(page("Dashboard", body, refresh_url=request.full_path.rstrip("?"), live=live))


def service_page(ctx: DashboardContext, request: Request, service_id: str) -> Response:
    """``/dashboard/services/<id>``: a service's figures, messages, usage, keys and templates."""
    service = ctx.service(service_id)
    path = service_path(service.id)
    messages, live = _messages_section(ctx, request, path, [service], service)
    contents = "".join(
        f"<li>{link(f'#{anchor}', text)}</li>"
        for anchor, text in (
            ("dashboard", "Dashboard"),
            ("messages-heading", "Messages"),
            ("usage", "Usage"),
            ("keys", "API keys"),
            ("templates", "Templates"),
        )
    )
    body = (
        f'<span class="caption">Service</span><h1 class="heading-xl">{esc(service.name)}</h1>'
        f"{service_summary(ctx.store, service)}"
        f'<nav class="contents" aria-label="On this page"><ul class="list">{contents}</ul></nav>'
        '<h2 class="heading-l" id="dashboard">Dashboard</h2>'
        f'<div id="counters-panel">{counters_panel(ctx.store, service)}</div>'
        f'<h2 class="heading-l" id="messages-heading">Messages</h2>{messages}'
        '<h2 class="heading-l" id="usage">Usage</h2>'
        f'<div id="usage-panel">{usage_panel(ctx.store, service)}</div>'
        '<h2 class="heading-l" id="keys">API keys</h2>'
        f'<div id="keys-panel">{keys_panel(ctx.store, service)}</div>'
        '<h2 class="heading-l" id="templates">Templates</h2>'
        f"{templates_panel(service)}"
    )
    return html_response(
        page(
            service.name,
            body,
            refresh_url=request.full_path.rstrip("?"),
            breadcrumbs=[("Dashboard", "/")],
            live=live,
        )
    )


# -- one message --------------------------------------------------------------------------------


def notification_page(ctx: DashboardContext, request: Request, service_id: str, notification_id: str) -> Response:
    """``/dashboard/services/<id>/notifications/<id>``: the message as received, and its status over time."""
    service = ctx.service(service_id)
    n = ctx.notification(service, notification_id)
    now = ctx.store.clock_for(service.id).now()
    version = template_version(service, n)
    template = f"{esc(version.name)} (version {n.template_version})" if version else "(removed)"
    details = [
        ("Sent", when(n.created_at)),
        ("API key", key_cell(n)),
        ("Template", f"{template}<br><code>{esc(n.template_id)}</code>"),
        ("Reference", esc(n.reference) if n.reference else '<span class="hint">none</span>'),
        ("Notification id", f"<code>{esc(n.id)}</code>"),
    ]
    notice = ""
    if n.key_type is KeyType.TEST:
        notice = (
            '<div class="notice" role="note"><p class="body"><strong>Sent with a test key.</strong> '
            "Notify pretends to send it: the message is not on Notify’s dashboard and is not billed, "
            "so the counters and usage here leave it out too.</p></div>"
        )
    rendition = {"sms": sms_rendition, "email": email_rendition, "letter": letter_rendition}[n.type](service, n)
    body = (
        f'<span class="caption">{esc(service.name)}</span><h1 class="heading-xl">{esc(title_of(n))}</h1>'
        f"{notice}{summary_list(details)}"
        f'<h2 class="heading-l">The message</h2>{rendition}'
        f'<h2 class="heading-l">Status over time</h2><div id="status-panel">{status_panel(n, now)}</div>'
        f'<h2 class="heading-l">Personalisation</h2>{personalisation_table(n)}'
    )
    live = Live(
        with_query(UPDATES_PATH, view="notification", service=service.id, notification=n.id),
        0,
        "The status follows the message as it changes.",
    )
    crumbs = [("Dashboard", "/"), (service.name, service_path(service.id))]
    return html_response(
        page(title_of(n), body, refresh_url=request.full_path.rstrip("?"), breadcrumbs=crumbs, live=live)
    )


def email_page(ctx: DashboardContext, request: Request, service_id: str, notification_id: str) -> Response:
    """``.../email``: the email's HTML on its own, for the sandboxed frame (its own, stricter CSP)."""
    service = ctx.service(service_id)
    n = ctx.notification(service, notification_id)
    if n.type != "email":
        raise DashboardNotFound(f"The message “{notification_id}” is a {n.type}, not an email.")
    response = html_response(email_document(service, n))
    response.headers["Content-Security-Policy"] = EMAIL_DOCUMENT_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def letter_pdf(ctx: DashboardContext, request: Request, service_id: str, notification_id: str) -> Response:
    """``.../letter.pdf``: the letter's PDF, as the fake made it (or as it was sent, if precompiled)."""
    service = ctx.service(service_id)
    n = ctx.notification(service, notification_id)
    if n.type != "letter" or n.pdf is None:
        raise DashboardNotFound(f"The message “{notification_id}” has no PDF: only letters do.")
    response = Response(n.pdf, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="letter-{n.id}.pdf"'
    return response


# -- what the page's script polls ----------------------------------------------------------------------


def updates(ctx: DashboardContext, request: Request) -> Response:
    """``/dashboard/updates``: JSON for the page's script.

    ``rows``: table rows for messages stored after ``after`` that match the page's filter, newest
    first; ``after``: the cursor to send next time; ``statuses``: the status cell of every message
    from sequence ``shown`` on; ``panels``: new HTML for the page's panels, by element id.
    """
    args = request.args
    view = args.get("view", "home")
    after = _number(args.get("after")) or 0
    payload: dict[str, Any] = {"after": after, "rows": [], "statuses": {}, "panels": {}}
    if view == "notification":
        service = ctx.service(args.get("service", ""))
        n = ctx.notification(service, args.get("notification", ""))
        payload["panels"]["status-panel"] = status_panel(n, ctx.store.clock_for(service.id).now())
        return _json(payload)
    if view == "service":
        service = ctx.service(args.get("service", ""))
        services = [service]
        wanted = MessageFilter.from_args(args, service=str(service.id))
        payload["panels"] = {
            "counters-panel": counters_panel(ctx.store, service),
            "usage-panel": usage_panel(ctx.store, service),
            "keys-panel": keys_panel(ctx.store, service),
        }
    else:
        services = ctx.store.services()
        wanted = MessageFilter.from_args(args)
    everything = collect(ctx.store, services)
    if view != "service":
        payload["panels"]["services-panel"] = services_panel(services, everything)
    new = [sent for sent in everything if sent.notification.seq > after and wanted.matches(sent)]
    payload["rows"] = [message_row(sent, show_service=view != "service", new=True) for sent in new[:MAX_ROWS]]
    payload["after"] = max(after, latest_seq(everything))
    shown = _number(args.get("shown"))
    if shown is not None:
        payload["statuses"] = _statuses([sent for sent in everything if sent.notification.seq >= shown])
    return _json(payload)


def _statuses(sent: list[Sent]) -> dict[str, str]:
    return {str(item.notification.id): status_cell(item) for item in sent[:MAX_STATUSES]}


def _json(payload: dict[str, Any]) -> Response:
    return Response(json.dumps(payload), content_type="application/json")


# -- files --------------------------------------------------------------------------------------------


@cache
def _static(name: str) -> bytes:
    return resources.files(__package__).joinpath("static").joinpath(name).read_bytes()


def static_file(ctx: DashboardContext, request: Request, name: str) -> Response:
    """``/dashboard/static/<name>``: the stylesheet and the script (files, so the CSP needs no inline code)."""
    content_type = STATIC_FILES.get(name)
    if content_type is None:
        raise DashboardNotFound(f"There is no file “{name}” here.")
    response = Response(_static(name), content_type=content_type)
    response.headers["Cache-Control"] = "no-cache"
    return response


VIEWS: dict[str, DashboardView] = {
    view.__name__: view
    for view in (home, service_page, notification_page, email_page, letter_pdf, updates, static_file)
}
"""Endpoint name (as in :data:`pytest_notify.http.dashboard.DASHBOARD_MAP`) to view."""

__all__ = ["VIEWS", "DashboardContext", "DashboardNotFound", "DashboardView"]
