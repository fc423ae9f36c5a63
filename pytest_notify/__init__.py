"""pytest-govuk-notify: a faithful fake of the GOV.UK Notify API for tests.

The pytest plugin gives each test a fresh fake Notify service (the ``notify`` fixture); the same
fake runs standalone with ``pytest-notify serve``.
"""

from __future__ import annotations

from pytest_notify.domain.extensions import Rendered
from pytest_notify.exceptions import KeyMisuseWarning
from pytest_notify.hooks import hookimpl

__version__ = "0.1.0"

__all__ = ["KeyMisuseWarning", "Rendered", "__version__", "hookimpl"]
