"""The dashboard's panels about a service: its figures (counters and usage, from the domain, so
they follow Notify's rules), its API keys (masked), its templates, and the list of services."""

from __future__ import annotations

from collections.abc import Sequence

from pytest_notify.domain.dashboard import CHANNELS, DashboardPeriod, dashboard
from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.domain.usage import annual_usage, financial_year_of
from pytest_notify.http.dashboard_html import esc, link, service_path, summary_list, table, tag, when
from pytest_notify.http.dashboard_messages import Sent
from pytest_notify.report_numbers import pounds

SHOWN_SECRET_CHARACTERS = 4
"""How much of a key's secret the dashboard shows: enough to tell keys apart, never enough to use one."""

_CHANNEL_TITLES = {"sms": "Text messages", "email": "Emails", "letter": "Letters"}
_KEY_TYPES = {
    KeyType.LIVE: ("Live", "purple"),
    KeyType.TEAM: ("Team and guest list", "turquoise"),
    KeyType.TEST: ("Test", "orange"),
}


def masked_secret(key: ApiKey) -> str:
    """``…` and the last characters of the secret: the full key string is never on the page."""
    return f"…{key.secret[-SHOWN_SECRET_CHARACTERS:]}" if len(key.secret) > 2 * SHOWN_SECRET_CHARACTERS else "…"


def service_summary(store: Store, service: Service) -> str:
    """Who the service is and what its clock says."""
    mode = tag("Trial mode", "yellow") if service.restricted else tag("Live", "green")
    return summary_list(
        [
            ("Service id", f"<code>{esc(service.id)}</code>"),
            ("Mode", mode),
            ("Organisation type", esc(service.organisation_type or "none")),
            ("Emails come from", esc(service.from_email)),
            ("The service’s clock", when(store.clock_for(service.id).now())),
        ]
    )


def counters_panel(store: Store, service: Service) -> str:
    """Today's and the last 7 days' figures, counted as Notify's dashboard counts them."""
    now = store.clock_for(service.id).now()
    board = dashboard(store.notifications(service.id), now)
    return _period_table(board.today, "Today") + _period_table(board.last_7_days, "Today and the 7 days before")


def _period_table(period: DashboardPeriod, title: str) -> str:
    days = (
        esc(f"{period.first_day:%d %b %Y}")
        if period.first_day == period.last_day
        else esc(f"{period.first_day:%d %b %Y} to {period.last_day:%d %b %Y}")
    )
    rows = [
        (
            esc(_CHANNEL_TITLES[channel]),
            str(period[channel].requested),
            str(period[channel].in_flight),
            str(period[channel].delivered),
            str(period[channel].failed),
        )
        for channel in CHANNELS
    ]
    left_out = period.test_key_total
    note = (
        f'<p class="hint">{left_out} test-key message{"s" if left_out != 1 else ""} left out, '
        "as on Notify’s dashboard.</p>"
        if left_out
        else '<p class="hint">Test-key messages are never counted, as on Notify’s dashboard.</p>'
    )
    return (
        f'<h3 class="heading-s">{esc(title)} <span class="hint">({days}, UK dates)</span></h3>'
        + table(
            f"{title}: messages by type",
            ["Type", "Sent", "Delivering", "Delivered", "Failed"],
            rows,
            numeric=(1, 2, 3, 4),
        )
        + note
    )


def usage_panel(store: Store, service: Service) -> str:
    """The financial year's usage against the free text message allowance, as Notify's Usage page."""
    now = store.clock_for(service.id).now()
    year = financial_year_of(now)
    usage = annual_usage(
        store.notifications(service.id), year=year, organisation_type=service.organisation_type, now=now
    )
    allowance = f"{usage.sms_free_allowance:,}"
    if usage.high_volume_last_year:
        allowance += " (none: 300,000 units or more last year)"
    rows = [
        ("Free text message allowance", esc(allowance)),
        ("Text message units used", f"{usage.sms_chargeable_units:,} ({_messages(usage.sms_messages)})"),
        ("Free allowance used", f"{usage.sms_free_allowance_used:,}"),
        ("Free allowance remaining", f"{usage.sms_allowance_remaining:,}"),
        ("Units charged", f"{usage.sms_charged_units:,}"),
        ("Text messages cost", esc(pounds(usage.sms_cost))),
        ("Emails sent", f"{usage.emails_sent:,}"),
        ("Letters sent", f"{usage.letters_sent:,}"),
        ("Letters cost", esc(pounds(usage.letter_cost))),
    ]
    left_out = usage.test_key_total
    note = (
        f"{left_out} test-key message{'s' if left_out != 1 else ''} left out" if left_out else "Test keys never count"
    )
    return (
        f'<h3 class="heading-s">Financial year {year} to {year + 1}</h3>'
        + table(f"Usage, 1 April {year} to 31 March {year + 1}", ["What", "Figure"], rows, numeric=(1,))
        + f'<p class="hint">{esc(note)}; only live and team keys are billed. Allowance for organisation type '
        f"{esc(usage.organisation_type)}.</p>"
    )


def _messages(count: int) -> str:
    return f"{count:,} message{'s' if count != 1 else ''}"


def keys_panel(store: Store, service: Service) -> str:
    """The service's API keys: name, type and the last characters of the secret only."""
    now = store.clock_for(service.id).now()
    rows = []
    for key in list(service.api_keys):
        text, tone = _KEY_TYPES[key.key_type]
        if key.expiry_date is None:
            state = tag("Active", "green")
        else:
            gone = "" if key.loaded_at(now) else ", no longer loaded"
            state = f"{tag('Revoked', 'red')} {when(key.expiry_date)}{esc(gone)}"
        rows.append(
            (esc(key.name), tag(text, tone), f"<code>{esc(masked_secret(key))}</code>", when(key.created_at), state)
        )
    if not rows:
        return '<p class="body">This service has no API keys.</p>'
    return (
        table(
            "API keys (secrets are masked)",
            ["Name", "Type", "Secret ends", "Created", "State"],
            rows,
            caption_class="visually-hidden",
        )
        + '<p class="hint">Only the last characters of each secret are shown. The start-up output and the '
        "control API give whole keys.</p>"
    )


def templates_panel(service: Service) -> str:
    """The service's templates (hidden ones, such as the precompiled letter's, left out)."""
    templates = [t for t in list(service.templates.values()) if not t.hidden]
    if not templates:
        return '<p class="body">This service has no templates.</p>'
    rows = [
        (
            esc(t.name) + (" " + tag("Archived", "grey") if t.archived else ""),
            esc({"sms": "Text message", "email": "Email", "letter": "Letter"}.get(t.type, t.type)),
            f"<code>{esc(t.id)}</code>",
            str(t.version),
        )
        for t in templates
    ]
    return table(
        "Templates", ["Name", "Type", "Template id", "Version"], rows, caption_class="visually-hidden", numeric=(3,)
    )


def services_panel(services: Sequence[Service], sent: Sequence[Sent]) -> str:
    """Every service the server has, with how many messages each stored."""
    if not services:
        return '<p class="body">There are no services. The control API (/_notify/) can make one.</p>'
    counts: dict[str, list[int]] = {str(s.id): [0, 0] for s in services}
    for item in sent:
        count = counts.get(str(item.notification.service_id))
        if count is not None:
            count[1 if item.notification.key_type is KeyType.TEST else 0] += 1
    rows = [
        (
            link(service_path(s.id), s.name),
            tag("Trial mode", "yellow") if s.restricted else tag("Live", "green"),
            str(counts[str(s.id)][0]),
            str(counts[str(s.id)][1]),
            f"<code>{esc(s.id)}</code>",
        )
        for s in services
    ]
    return table(
        "Services",
        ["Service", "Mode", "Messages", "Test-key messages", "Service id"],
        rows,
        numeric=(2, 3),
        caption_class="visually-hidden",
    )


__all__ = [
    "SHOWN_SECRET_CHARACTERS",
    "counters_panel",
    "keys_panel",
    "masked_secret",
    "service_summary",
    "services_panel",
    "templates_panel",
    "usage_panel",
]
