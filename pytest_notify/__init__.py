"""pytest-govuk-notify: a faithful fake of the GOV.UK Notify API for tests.

The pytest plugin gives each test a fresh fake Notify service (the ``notify`` fixture); the same
fake runs standalone with ``pytest-notify serve``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_notify.exceptions import KeyMisuseWarning

if TYPE_CHECKING:
    from pytest_notify.domain.extensions import Rendered
    from pytest_notify.hooks import hookimpl

__version__ = "0.1.0"

__all__ = ["KeyMisuseWarning", "Rendered", "__version__", "hookimpl"]

# Imported when first asked for: pytest imports this package for its plugin in every run of every suite
# where it is installed, used or not, and these bring in the domain (docs/performance.md, fix 5).
_LAZY = {"Rendered": "pytest_notify.domain.extensions", "hookimpl": "pytest_notify.hooks"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
