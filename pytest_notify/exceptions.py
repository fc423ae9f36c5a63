"""Warnings and errors the plugin raises in tests (Notify's own errors are HTTP responses)."""

from __future__ import annotations


class KeyMisuseWarning(UserWarning):
    """An API key was used in a way Notify's guidance warns against (beyond what Notify checks).

    For example a live key sending to a test-key simulator number, or to an invalid recipient.
    Make it an error with ``-W error::pytest_notify.KeyMisuseWarning``, the ``notify_key_misuse``
    ini option, or ``@pytest.mark.notify_service(key_misuse="error")``.
    """


KEY_MISUSE_MODES = ("warn", "error", "ignore")
