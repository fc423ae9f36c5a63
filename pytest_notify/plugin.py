"""pytest glue: the ``notify_server`` and ``notify`` fixtures and the ``notify_service`` marker.

Registered as the ``govuk_notify`` pytest11 entry point, so ``-p no:govuk_notify`` disables it.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.timings import parse_timings
from pytest_notify.exceptions import KEY_MISUSE_MODES, KeyMisuseWarning
from pytest_notify.fake import NotifyFake, service_settings
from pytest_notify.faults import fault_specs
from pytest_notify.reports import explain_comparison
from pytest_notify.server import NotifyServer

NOTIFY_SERVICE_MARKER = (
    "notify_service(*, name=None, trial_mode=False, team_members=(), guest_list=(), permissions=None, "
    "organisation_type='central', email_sender_name=None, prefix_sms=False, contact_link=None, "
    "inbound_number=None, key_misuse=None, rate_limit=3000, sms_limit=None, email_limit=None, letter_limit=None, "
    "international_sms_limit=None, faults=()): shape the fake GOV.UK Notify service the `notify` fixture gives "
    "this test; faults is a list of pytest_notify.faults.fault(kind, endpoint=..., times=...) rules. "
    "Also delivery_status_callback=None, inbound_sms_callback=None: (url, bearer_token) Notify POSTs callbacks to. "
    "Also timings=None: 'instant', 'clock' or 'manual' (or a mapping of delays), how sends move on; the "
    "notify_timings ini option by default."
)
# Limits (reference §7), passed on to Store.create_service as they are.
_LIMIT_PARAMETERS = frozenset({"rate_limit", "sms_limit", "email_limit", "letter_limit", "international_sms_limit"})
_MARKER_PARAMETERS = (
    frozenset(p.name for p in inspect.signature(service_settings).parameters.values() if p.kind is p.KEYWORD_ONLY)
    | {"organisation_type", "email_sender_name", "prefix_sms", "contact_link", "inbound_number", "key_misuse"}
    | _LIMIT_PARAMETERS
    | {"faults"}
    | {"timings"}
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """The plugin's ini options."""
    parser.addini(
        "notify_key_misuse",
        "what to do when a test misuses an API key (a live key sending to simulator numbers or invalid "
        "recipients): warn (default), error or ignore",
        default="warn",
    )
    parser.addini(
        "notify_timings",
        "how the notify fixture's sends move on: clock (default: realistic delays on the service clock), "
        "instant (final at once) or manual (moved on by the test)",
        default="clock",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers so ``--strict-markers`` and ``-m`` know them."""
    config.addinivalue_line("markers", NOTIFY_SERVICE_MARKER)


def pytest_report_header(config: pytest.Config) -> str:
    """Say the plugin is active."""
    from pytest_notify import __version__

    return f"govuk-notify fake: pytest-govuk-notify {__version__}"


def pytest_assertrepr_compare(config: pytest.Config, op: str, left: object, right: object) -> list[str] | None:
    """Explain a failed comparison with a ``notify.dashboard`` or ``notify.usage`` figure: show the
    whole report, and how many test-key notifications it left out."""
    return explain_comparison(op, left, right)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Before any fixture is torn down (a callback receiver such as ``httpserver`` among them), stop
    the test's callbacks and let tries under way finish, so none reaches a receiver after its test."""
    fake = getattr(item, "funcargs", {}).get("notify")
    if isinstance(fake, NotifyFake):
        fake.store.dispatcher.close(fake.service.id)


@pytest.fixture(scope="session")
def notify_server() -> Iterator[NotifyServer]:
    """One fake Notify server for the session (127.0.0.1, a free port). Each test gets its own service."""
    server = NotifyServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def notify(request: pytest.FixtureRequest, notify_server: NotifyServer) -> Iterator[NotifyFake]:
    """A fresh fake Notify service with a test, a team and (unless in trial mode) a live key."""
    settings = _marker_settings(request.node)
    misuse_mode = settings.pop("key_misuse", None) or str(request.config.getini("notify_key_misuse"))
    if misuse_mode not in KEY_MISUSE_MODES:
        pytest.fail(
            f"notify key misuse mode must be one of {', '.join(KEY_MISUSE_MODES)}, got {misuse_mode!r}", pytrace=False
        )
    try:
        faults = fault_specs(settings.pop("faults", ()))
        timings = parse_timings(settings.pop("timings", None) or str(request.config.getini("notify_timings")))
        service = notify_server.store.create_service(**service_settings(**settings))
        notify_server.store.set_timings(service.id, timings)
    except (ConfigurationError, TypeError, ValueError) as error:
        problem = str(error)
    else:
        problem = ""
    if problem:
        pytest.fail(f"@pytest.mark.notify_service: {problem}", pytrace=False)
    notify_server.take_errors()  # errors before this test belong to no one we can fail
    try:
        fake = NotifyFake(notify_server.store, service, notify_server.url)
        for spec in faults:
            fake.inject_fault(spec.kind, **spec.options)
        yield fake
    finally:
        misuse = notify_server.store.take_key_misuse(service.id)
        notify_server.store.remove_service(service.id)
        _report_key_misuse(misuse, misuse_mode)
        errors = notify_server.take_errors()
        if errors:
            where, failure = errors[0]
            raise AssertionError(
                f"the fake Notify server failed while answering {where} (it answered 500); "
                f"this is a bug in pytest-govuk-notify or an unemulated endpoint: {failure!r}"
            ) from failure


def _report_key_misuse(messages: list[str], mode: str) -> None:
    """Warn (or fail) once per misuse, at the end of the test that made it."""
    if mode == "ignore" or not messages:
        return
    if mode == "error":
        pytest.fail("API key misuse:\n" + "\n".join(f"  - {m}" for m in messages), pytrace=False)
    for message in messages:
        warnings.warn(KeyMisuseWarning(message), stacklevel=2)


def _marker_settings(node: pytest.Item) -> dict[str, Any]:
    """Merge ``notify_service`` markers: the closest (the test's own) wins, key by key."""
    settings: dict[str, Any] = {}
    for marker in reversed(list(node.iter_markers("notify_service"))):
        if marker.args:
            pytest.fail(
                f"@pytest.mark.notify_service takes keyword arguments only, got {marker.args!r} in {node.nodeid}",
                pytrace=False,
            )
        unknown = sorted(set(marker.kwargs) - _MARKER_PARAMETERS)
        if unknown:
            pytest.fail(
                f"@pytest.mark.notify_service got unknown argument(s) {', '.join(unknown)} in {node.nodeid}; "
                f"known: {', '.join(sorted(_MARKER_PARAMETERS))}",
                pytrace=False,
            )
        settings.update(marker.kwargs)
    return settings
