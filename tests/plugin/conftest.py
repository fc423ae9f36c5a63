"""Helpers for the pytester tests of the plugin: every inner test module starts with ``PRELUDE``.

The official client (and so ``requests`` and ``http.cookiejar``) is imported here, before any in-process
``runpytest``: pytester drops the modules an inner run imported, and a second run importing ``requests``
afresh next to a surviving ``http.cookiejar`` fails with "You can only merge into CookieJar".
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

# hypothesis too: its pytest plugin imports it at the end of every inner run, and an in-process run
# that imported it afresh drops it again, so each run paid about 2 s to import it anew.
import hypothesis  # noqa: F401
import notifications_python_client  # noqa: F401
import pytest

# The top of every inner test module: the official client, its error type and the Notify messages
# the inner tests compare against, copied from the shared Notify reference.
PRELUDE = '''\
import re
import urllib.parse
import uuid

import pytest
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError

# reference §4 (U+2019 apostrophe, no trailing full stop)
TEAM_KEY_ERROR = "Can’t send to this recipient using a team-only API key"
# reference §1.4 row 6
SERVICE_NOT_FOUND = "Invalid token: service not found"
# reference §13 "Service permissions"
NO_SMS = "Service is not allowed to send text messages"
NO_EMAIL = "Service is not allowed to send emails"


def client(notify, key):
    return NotificationsAPIClient(key, base_url=notify.base_url)


def refused(call, *args, **kwargs):
    """(status code, first error message) of a call the fake Notify must refuse."""
    with pytest.raises(HTTPError) as excinfo:
        call(*args, **kwargs)
    return excinfo.value.status_code, excinfo.value.message[0]["message"]


'''

MakeTestFile = Callable[..., None]


@pytest.fixture
def make_test_file(pytester: pytest.Pytester) -> MakeTestFile:
    """Write an inner test module: ``PRELUDE`` then the dedented body (``test_inner.py`` by default)."""

    def make(body: str, name: str = "test_inner") -> None:
        pytester.makepyfile(**{name: PRELUDE + textwrap.dedent(body)})

    return make
