"""One message as a person would get it: the email (its HTML, shown in a sandboxed frame), the text
message on a phone, the letter on paper (and its PDF), and its status over time."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

from pytest_notify.domain.email_html import email_html_body, render_email_html
from pytest_notify.domain.notifications import Notification, public_status
from pytest_notify.domain.rendering import render_email_body, render_letter_body
from pytest_notify.domain.service import Service
from pytest_notify.domain.templates import TemplateVersion
from pytest_notify.http.dashboard_html import (
    esc,
    link,
    long_date,
    notification_path,
    status_tag,
    summary_list,
    table,
    when,
)

EMAIL_DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; sandbox"
"""The email's own page: its inline styles apply, nothing else loads or runs (the frame is sandboxed too)."""

_POSTAGE = {
    "first": "first class",
    "second": "second class",
    "economy": "economy",
    "europe": "Europe",
    "rest-of-world": "rest of the world",
}
_BULLET = re.compile(r"^\s*[*\-•]\s+")
_NUMBERED = re.compile(r"^\s*\d+\.\s+")
_BREAK = re.compile(r"^\s*(\*\s*){3,}$|^\s*(-\s*){3,}$")


def template_version(service: Service, notification: Notification) -> TemplateVersion | None:
    """The version of the template the message was sent with, if the service still has it."""
    template = service.templates.get(notification.template_id)
    return template.get_version(notification.template_version) if template is not None else None


def email_html(service: Service, notification: Notification) -> str:
    """The email's HTML as Notify builds it (:mod:`pytest_notify.domain.email_html`).

    From the template and the values, escaped apart as Notify does, while they still give the body
    that was sent; from the body itself when a ``notify_render`` hook changed it."""
    version = template_version(service, notification)
    values = notification.personalisation
    if version is not None and render_email_body(version.content, values) == notification.body:
        return email_html_body(version.content, values)
    return render_email_html(notification.body)


def email_document(service: Service, notification: Notification) -> str:
    """The page the email's frame shows: only the email, in its own inline-styled markup."""
    subject = notification.subject or ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(subject)}</title></head>"
        '<body style="margin: 0; padding: 20px; background: #ffffff; color: #0b0c0c; '
        'font-family: Helvetica, Arial, sans-serif;">'
        f'<div style="max-width: 580px;">{email_html(service, notification)}</div></body></html>'
    )


def sms_rendition(service: Service, notification: Notification) -> str:
    """The text message as the phone shows it: who it is from, and the text (prefixed when the
    service prefixes its texts with its name)."""
    text = notification.body
    if service.prefix_sms:
        text = f"{service.name.strip()}: {text}"
    sender = notification.reply_to_text or service.default_sms_sender
    fragments = notification.fragments
    billing = f"{fragments} fragment{'s' if fragments != 1 else ''}"
    if notification.rate_multiplier and notification.rate_multiplier != 1:
        billing += f", international rate × {notification.rate_multiplier:g}"
    return (
        '<div class="phone" role="group" aria-label="The text message on the phone">'
        f'<p class="phone-to">To {esc(notification.to)}</p>'
        f'<p class="phone-from">From <strong>{esc(sender)}</strong></p>'
        f'<p class="sms-bubble">{esc(text)}</p></div>'
        f'<p class="hint">{esc(billing)} billed (test keys are never billed).</p>'
    )


def email_rendition(service: Service, notification: Notification) -> str:
    """The email's envelope, then its body in a sandboxed frame whose CSS cannot reach this page."""
    rows = [("From", esc(f"{service.name} <{service.from_email}>"))]
    if notification.reply_to_text:
        rows.append(("Reply to", esc(notification.reply_to_text)))
    rows += [("To", esc(notification.to)), ("Subject", esc(notification.subject or ""))]
    src = notification_path(notification.service_id, notification.id, "email")
    return (
        summary_list(rows) + f'<iframe class="email-frame" sandbox="" src="{esc(src)}" '
        f'title="The email: {esc(notification.subject or "")}"></iframe>'
        + f'<p class="body">{link(src, "Open the email on its own page")}</p>'
    )


def letter_rendition(service: Service, notification: Notification) -> str:
    """The letter as printed (address, contact block, date, subject, body) and a link to its PDF."""
    pdf = notification_path(notification.service_id, notification.id, "letter.pdf")
    size = f"{len(notification.pdf) / 1024:.0f} KB" if notification.pdf is not None else "not made"
    postage = _POSTAGE.get(notification.postage or "", notification.postage or "")
    pdf_link = f'<p class="body">{link(pdf, "Download the letter as a PDF")} ({esc(size)}, {esc(postage)} postage)</p>'
    if notification.precompiled:
        return f'<p class="body">This letter was sent as a PDF (a precompiled letter).</p>{pdf_link}'
    contact = ""
    version = template_version(service, notification)
    if version is not None and version.letter_contact_block:
        block = render_letter_body(version.letter_contact_block, notification.personalisation)
        contact = f'<p class="letter-contact">{_lines(block.splitlines())}</p>'
    subject = html.unescape(notification.subject or "")  # stored escaped, as Notify does; printed decoded
    return (
        '<div class="letter" role="group" aria-label="The letter on paper">'
        f'<div class="letter-top"><p class="letter-address">{_lines(notification.letter_address)}</p>{contact}</div>'
        f'<p class="letter-date">{esc(long_date(notification.created_at.date()))}</p>'
        f'<p class="letter-subject"><strong>{esc(subject)}</strong></p>'
        f"{letter_body_html(notification.body)}</div>{pdf_link}"
    )


def letter_body_html(markdown: str) -> str:
    """A letter's body as HTML: paragraphs, line breaks, ``#`` headings, lists and breaks.

    Headings become bold paragraphs so that the letter adds nothing to the page's own headings."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", markdown.replace("\r\n", "\n").strip()):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{esc(_BULLET.sub('', line))}</li>" for line in lines)
            out.append(f'<ul class="letter-list">{items}</ul>')
        elif all(_NUMBERED.match(line) for line in lines):
            items = "".join(f"<li>{esc(_NUMBERED.sub('', line))}</li>" for line in lines)
            out.append(f'<ol class="letter-list">{items}</ol>')
        elif len(lines) == 1 and _BREAK.match(lines[0]):
            out.append('<hr class="letter-break">')
        elif lines[0].lstrip().startswith("#"):
            out.append(f'<p class="letter-heading"><strong>{esc(lines[0].lstrip("# ").strip())}</strong></p>')
            if lines[1:]:
                out.append(f"<p>{_lines(lines[1:])}</p>")
        else:
            out.append(f"<p>{_lines(lines)}</p>")
    return "".join(out)


def _lines(lines: Any) -> str:
    return "<br>".join(esc(line) for line in lines)


def status_panel(notification: Notification, now: dt.datetime) -> str:
    """Status now, final status, and every step with its time (reached, still to come, or planned
    for the test to move it on)."""
    current = notification.status_at(now).status
    final = notification.final_status
    done = current == final and not notification.planned
    summary = [
        ("Status now", status_tag(current) + _api_word(notification, current)),
        ("Final status", status_tag(final) + ("" if done else ' <span class="hint">(not reached yet)</span>')),
    ]
    rows = []
    for step in notification.steps:
        reached = "Reached" if step.at <= now else "Still to come"
        rows.append((status_tag(step.status) + _api_word(notification, step.status), when(step.at), esc(reached)))
    for planned in notification.planned:
        rows.append((status_tag(planned), '<span class="hint">when the test moves it on</span>', "Planned"))
    steps = table("Status over time", ["Status", "Time", "Progress"], rows, caption_class="visually-hidden")
    return summary_list(summary) + steps


def _api_word(notification: Notification, status: str) -> str:
    shown = public_status(notification.type, status)
    return f' <span class="hint">(API: {esc(shown)})</span>' if shown != status else ""


def personalisation_table(notification: Notification) -> str:
    """The values the message was sent with."""
    values = notification.personalisation
    if not values:
        return '<p class="body">None.</p>'
    rows = [
        (esc(name), esc(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)))
        for name, value in values.items()
    ]
    return table("Personalisation", ["Placeholder", "Value"], rows, caption_class="visually-hidden")


__all__ = [
    "EMAIL_DOCUMENT_CSP",
    "email_document",
    "email_html",
    "email_rendition",
    "letter_body_html",
    "letter_rendition",
    "personalisation_table",
    "sms_rendition",
    "status_panel",
    "template_version",
]
