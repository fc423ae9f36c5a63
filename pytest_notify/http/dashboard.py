"""The web dashboard of ``pytest-notify serve``: ``/`` and ``/dashboard/...``, read-only HTML.

It shows what a team would look for on Notify's own site, for the messages the fake was asked to
send: each service with its (masked) API keys, its messages newest first as a person would get
them (the email in a sandboxed frame, the text on a phone, the letter on paper and as its PDF),
each message's status over time, the dashboard counters and the usage against the free allowance.
Pages are whole without JavaScript; a small script follows new messages (docs/server.md).

Only the standalone server turns it on (``create_app(..., dashboard=True)``): the plugin's server
keeps ``/`` as Notify's 404, as the real API answers it. The rules:

- Without an admin token, only requests addressed to a loopback name are answered (403 otherwise;
  :func:`pytest_notify.http.control.addressed_to_loopback`): no DNS rebinding.
- GET (and HEAD) only; anything else is a 405 page, with ``Allow``.
- When the server has an admin token (required off loopback, see
  :func:`pytest_notify.http.control.check_exposure`), every dashboard request needs it too: HTTP
  Basic with the token as the password (any user name), or ``Authorization: Bearer <token>``.
- Every response says ``X-Content-Type-Options: nosniff`` and carries a Content-Security-Policy
  that allows only the dashboard's own stylesheet and script; the email's page has its own,
  stricter one (no script at all, its inline styles allowed) and is shown in a sandboxed frame.
- API keys are masked whatever the token: the page never holds a whole secret.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.wrappers import Request, Response

from pytest_notify.domain.store import Store
from pytest_notify.http.control import addressed_to_loopback
from pytest_notify.http.dashboard_html import DASHBOARD_PREFIX, message_page
from pytest_notify.http.dashboard_views import VIEWS, DashboardContext, DashboardNotFound, html_response

_NOTIFICATION = f"{DASHBOARD_PREFIX}/services/<service_id>/notifications/<notification_id>"

DASHBOARD_MAP = Map(
    [
        Rule("/", methods=["GET"], endpoint="home"),
        Rule(f"{DASHBOARD_PREFIX}/", methods=["GET"], endpoint="home"),
        Rule(f"{DASHBOARD_PREFIX}/services/<service_id>", methods=["GET"], endpoint="service_page"),
        Rule(_NOTIFICATION, methods=["GET"], endpoint="notification_page"),
        Rule(f"{_NOTIFICATION}/email", methods=["GET"], endpoint="email_page"),
        Rule(f"{_NOTIFICATION}/letter.pdf", methods=["GET"], endpoint="letter_pdf"),
        Rule(f"{DASHBOARD_PREFIX}/updates", methods=["GET"], endpoint="updates"),
        Rule(f"{DASHBOARD_PREFIX}/static/<name>", methods=["GET"], endpoint="static_file"),
    ],
    strict_slashes=False,
    merge_slashes=False,
)
"""The dashboard's paths: none is Notify's (``/v2/...``, ``/d/...``) or the control API's (``/_notify/...``)."""

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""No inline script or style anywhere: the stylesheet and the script are files."""

BASIC_REALM = 'Basic realm="pytest-notify dashboard", charset="UTF-8"'

ErrorRecorder = Callable[[str, BaseException], None]


class DashboardSite:
    """Answers ``/`` and everything under ``/dashboard/``; never raises."""

    def __init__(self, store: Store, admin_token: str | None, record_error: ErrorRecorder) -> None:
        self.context = DashboardContext(store)
        self.admin_token = admin_token or None
        self._record_error = record_error

    @staticmethod
    def handles(path: str) -> bool:
        """Whether ``path`` is the dashboard's."""
        return path in ("/", DASHBOARD_PREFIX) or path.startswith(f"{DASHBOARD_PREFIX}/")

    def answer(self, request: Request, path: str) -> Response:
        """One dashboard response, with the security headers."""
        try:
            response = self._answer(request, path)
        except Exception as error:  # a bug in the dashboard: kept for the test that caused it
            self._record_error(f"{request.method} {request.path}", error)
            text = f"The dashboard failed ({type(error).__name__}); this is a bug in pytest-govuk-notify."
            response = html_response(message_page("Error", "Sorry, the dashboard failed", text, status=500), 500)
        return secure(response)

    def _answer(self, request: Request, path: str) -> Response:
        if self.admin_token is None and not addressed_to_loopback(request):
            message = (
                f"Without an admin token the dashboard answers only addresses of this machine "
                f"(127.0.0.1, localhost or [::1]), not {request.host!r}. Start the server with an admin token "
                f"to use another name."
            )
            return html_response(message_page("Forbidden", "Not this address", message, status=403), 403)
        if not self._authorised(request):
            return _unauthorised()
        try:
            endpoint, args = DASHBOARD_MAP.bind("notify", path_info=path).match(path, method=request.method)
        except MethodNotAllowed as error:
            allowed = ", ".join(sorted(error.valid_methods or ()))
            message = f"The dashboard is read-only: {path} answers {allowed}, not {request.method}."
            response = html_response(message_page("Method not allowed", "Method not allowed", message, status=405), 405)
            response.headers["Allow"] = allowed
            return response
        except (NotFound, RequestRedirect):
            return _not_found(f"The dashboard has no page {path}.")
        try:
            return VIEWS[endpoint](self.context, request, **args)
        except DashboardNotFound as missing:
            return _not_found(missing.message)

    def _authorised(self, request: Request) -> bool:
        if self.admin_token is None:
            return True
        scheme, _, value = (request.headers.get("Authorization") or "").strip().partition(" ")
        token = value.strip()
        if scheme.lower() == "basic":
            try:
                token = base64.b64decode(token, validate=True).decode("utf-8").partition(":")[2]
            except (binascii.Error, UnicodeDecodeError):
                return False
        elif scheme.lower() != "bearer":
            return False
        return bool(token) and hmac.compare_digest(token.encode(), self.admin_token.encode())


def _not_found(message: str) -> Response:
    return html_response(message_page("Page not found", "Page not found", message, status=404), 404)


def _unauthorised() -> Response:
    message = (
        "This server has an admin token, and its dashboard needs it: sign in with any user name and "
        "the admin token as the password."
    )
    response = html_response(message_page("Sign in", "The dashboard needs the admin token", message, status=401), 401)
    response.headers["WWW-Authenticate"] = BASIC_REALM
    return response


def secure(response: Response) -> Response:
    """The headers every dashboard response has (a view may have set a stricter policy already)."""
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers.setdefault("Content-Security-Policy", PAGE_CSP)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cache-Control", "no-store")
    return response


__all__ = ["DASHBOARD_MAP", "PAGE_CSP", "DashboardSite", "secure"]
