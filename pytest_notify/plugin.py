"""pytest glue: the ``notify_server`` and ``notify`` fixtures and the ``notify_service`` marker.

Registered as the ``govuk_notify`` pytest11 entry point, so ``-p no:govuk_notify`` disables it.

pytest imports this module (and the two below) in every run where the package is installed, whether
a test uses the fake or not: at module level they import only what declaring the options, markers
and hooks needs. The fake itself (the server, the domain, werkzeug, PyJWT, jsonschema,
phonenumbers) is imported by the fixtures, when a test first asks for it.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from pytest_notify import options
from pytest_notify.exceptions import KEY_MISUSE_MODES, KeyMisuseWarning

if TYPE_CHECKING:
    from pytest_notify.fake import NotifyFake
    from pytest_notify.server import NotifyServer
    from pytest_notify.service_setup import ServiceExtras

# The notify_* hook bridge and the notify_hooks fixture: a plugin of its own, loaded with this one.
pytest_plugins = ["pytest_notify.hook_bridge", "pytest_notify.marker_plugin"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """The plugin's options, each as ``--notify-*``, ini ``notify_*`` and env ``PYTEST_NOTIFY_*`` (see options.py)."""
    options.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    """Resolve the session's options (the markers are registered by :mod:`.marker_plugin`)."""
    # The notify_service marker's arguments: the parameters of pytest_notify.markers.notify_service.
    from pytest_notify.markers import SERVICE_ARGUMENTS

    options.configure(config, SERVICE_ARGUMENTS)  # once per session: a bad value stops the run here


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say the plugin is active, and each option's effective value and where it came from."""
    from pytest_notify import __version__

    header = options.session_options(config).header(options.xdist_workers(config))
    return [f"govuk-notify fake: pytest-govuk-notify {__version__}", *header]


def pytest_assertrepr_compare(config: pytest.Config, op: str, left: object, right: object) -> list[str] | None:
    """Explain a failed comparison with a ``notify.dashboard`` or ``notify.usage`` figure: show the
    whole report, and how many test-key notifications it left out."""
    if "pytest_notify.report_numbers" not in sys.modules:
        return None  # no figure of ours exists: nothing to explain, and nothing to import
    from pytest_notify.reports import explain_comparison

    return explain_comparison(op, left, right)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Before any fixture is torn down (a callback receiver such as ``httpserver`` among them), stop
    the test's callbacks and let tries under way finish, so none reaches a receiver after its test."""
    fake = getattr(item, "funcargs", {}).get("notify")
    module = sys.modules.get("pytest_notify.fake")  # not imported: no test had the fixture
    if module is not None and isinstance(fake, module.NotifyFake):
        fake.store.dispatcher.close(fake.service.id)


@pytest.fixture(scope="session")
def notify_server(pytestconfig: pytest.Config) -> Iterator[NotifyServer]:
    """One fake Notify server for the session (127.0.0.1, a free port, unless ``--notify-host``/``--notify-port``
    say otherwise; xdist worker gwN adds N to a fixed port). Each test gets its own service."""
    # Imported here: pytest_plugins (above) imports the bridge first, so pytest can rewrite it.
    from pytest_notify.hook_bridge import attach

    server = options.start_server(pytestconfig)
    attach(server, pytestconfig)  # the notify_* hooks of conftests, plugins and entry points
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def notify(request: pytest.FixtureRequest, notify_server: NotifyServer) -> Iterator[NotifyFake]:
    """A fresh fake Notify service with a test, a team and (unless in trial mode) a live key."""
    from pytest_notify.domain.errors import ConfigurationError
    from pytest_notify.domain.timings import parse_timings
    from pytest_notify.fake import NotifyFake, service_settings
    from pytest_notify.faults import fault_specs
    from pytest_notify.marker_plugin import marker_plan
    from pytest_notify.service_setup import ServiceExtras

    session = options.session_options(request.config)
    # Precedence: the markers (notify_service and notify_scenario), key by key, over the session's
    # options (command line > env > ini).
    plan = marker_plan(request.node, session.service_overrides())
    settings = plan.settings
    misuse_mode = settings.pop("key_misuse", None) or session.key_misuse.value
    if misuse_mode not in KEY_MISUSE_MODES:
        pytest.fail(
            f"notify key misuse mode must be one of {', '.join(KEY_MISUSE_MODES)}, got {misuse_mode!r}", pytrace=False
        )
    try:
        extras = ServiceExtras.take(settings, plan.scenarios)  # senders, templates...: once it exists
        faults = fault_specs(settings.pop("faults", ()))
        timings = parse_timings(settings.pop("timings", None) or session.timings.value)
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
        fake = NotifyFake(notify_server.store, service, notify_server.url, live_key=extras.live_key)
        for spec in faults:
            fake.inject_fault(spec.kind, **spec.options)
        _apply_extras(extras, fake)
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


def _apply_extras(extras: ServiceExtras, fake: NotifyFake) -> None:
    """Set up what needs the service made (senders, templates, outcomes...). The marker was checked
    when collected, so a failure here comes from a marker added since."""
    from pytest_notify.domain.errors import ConfigurationError

    try:
        extras.apply(fake)
    except (ConfigurationError, TypeError, ValueError) as error:
        pytest.fail(f"@pytest.mark.notify_service: {error}", pytrace=False)
