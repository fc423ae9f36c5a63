"""Telling a journal what each request may have changed, before its answer is sent.

``pytest-notify serve --data-dir`` keeps the server's state in a file
(:class:`pytest_notify.persist.keeper.StateKeeper`). The app calls :func:`record` with every answer;
it tells the journal what the request may have changed, and the journal writes that down before
the answer goes back. So a client that got a 201 for a send knows the notification is on disk.

Only requests that can change something are reported: every method but ``GET``, ``HEAD`` and
``OPTIONS``; of Notify's API, only the successful ones (a refused send stores nothing). A control
request is reported even when it failed, as it may have done part of its work (a reset whose
re-seed is refused has still removed the services).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import Protocol

from werkzeug.wrappers import Request, Response

from pytest_notify.http.control_json import ControlError, error_response
from pytest_notify.http.routes import CONTROL_PREFIX
from pytest_notify.http.serialization import json_response

logger = logging.getLogger(__name__)

_READS = frozenset({"GET", "HEAD", "OPTIONS"})
_SLASHES = re.compile(r"/{2,}")
_CONTROL_SERVICE = re.compile(rf"^{re.escape(CONTROL_PREFIX)}/services/([^/]+)")


class ChangeJournal(Protocol):
    """What is told of the changes a request may have made; each call returns once they are kept."""

    def sent(self, service_id: uuid.UUID) -> None:
        """A request authenticated as this service succeeded (a send, perhaps)."""

    def changed(self, service_id: uuid.UUID) -> None:
        """Anything of this service may have changed, or it may have been removed."""

    def services_changed(self) -> None:
        """Services may have been created or removed."""

    def anything_changed(self) -> None:
        """Anything at all may have changed."""


def record(
    journal: ChangeJournal, request: Request, response: Response, record_error: Callable[[str, BaseException], None]
) -> Response:
    """Tell ``journal`` what answering ``request`` with ``response`` may have changed; ``response``
    once that is kept, or a 500 (the error recorded) if it could not be."""
    if request.method in _READS:
        return response
    path = _SLASHES.sub("/", request.path)
    control = path == CONTROL_PREFIX or path.startswith(f"{CONTROL_PREFIX}/")
    try:
        if control:
            _record_control(journal, path)
        elif path.startswith("/v2/"):
            if response.status_code < 400:
                service_id = _issuer(request.headers.get("Authorization"))
                if service_id is not None:
                    journal.sent(service_id)
                else:  # pragma: no cover - a success needs a valid token
                    journal.anything_changed()
        else:
            # A request to anything else that may write (a page added later): compare everything.
            journal.anything_changed()
    except Exception as error:
        logger.exception("pytest-govuk-notify: %s %s: the change could not be kept", request.method, request.path)
        record_error(f"{request.method} {request.path} (keeping the state)", error)
        message = f"the change could not be kept in the data file ({type(error).__name__}: {error})"
        if control:
            return error_response(ControlError(500, "internal_error", message))
        body = {"errors": [{"error": type(error).__name__, "message": "Internal server error"}], "status_code": 500}
        return json_response(body, 500)
    return response


def _record_control(journal: ChangeJournal, path: str) -> None:
    match = _CONTROL_SERVICE.match(path)
    if match is None:
        journal.services_changed()  # POST /_notify/services, POST /_notify/reset
        return
    try:
        service_id = uuid.UUID(match.group(1))
    except ValueError:
        return  # no such service: nothing was changed
    journal.changed(service_id)


def _issuer(authorization: str | None) -> uuid.UUID | None:
    """The ``iss`` of a bearer JWT, unverified (authentication has been done by the time this is read)."""
    scheme, _, token = (authorization or "").partition(" ")
    parts = token.strip().split(".")
    if scheme.lower() != "bearer" or len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
        return uuid.UUID(str(claims["iss"]))
    except (binascii.Error, ValueError, KeyError, TypeError):
        return None


__all__ = ["ChangeJournal", "record"]
