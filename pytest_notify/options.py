"""The plugin's session options: where the fake listens, how sends move on, what key misuse does, and
the settings of every test's service, each from the command line, the environment or the ini file.

One precedence for every option, key by key: a ``notify_service`` marker > the command line > the
environment > the ini file > the built-in default. The marker part is the ``notify`` fixture's (a
marker is per test); this module resolves the rest once per session, in ``pytest_configure``, and
fails the run with a usage error naming the option and its source when a value is wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import pytest

from pytest_notify.domain.choices import ORGANISATION_TYPES, TIMINGS_MODES
from pytest_notify.exceptions import KEY_MISUSE_MODES

if TYPE_CHECKING:
    from pytest_notify.server import NotifyServer

# pytest imports this module for every run where the plugin is installed, used or not: what needs the
# fake itself (the server, the markers' checks, the domain) is imported where it is used.

T = TypeVar("T")

COMMAND_LINE = "command line"
ENV = "env"
INI = "ini"
DEFAULT = "default"
SOURCES = (COMMAND_LINE, ENV, INI, DEFAULT)
"""Where a value can come from, strongest first (a marker, per test, beats them all)."""

ENV_PREFIX = "PYTEST_NOTIFY_"
# Service settings with a session option of their own; the others go through notify_service KEY=VALUE.
SERVICE_DEFAULTS: Mapping[str, Any] = {"trial_mode": False, "organisation_type": "central"}
# Marker arguments the general KEY=VALUE form refuses: they have an option of their own.
_NOT_SERVICE_KEYS = {"timings": "--notify-timings", "key_misuse": "--notify-key-misuse"}
_BOOLEANS = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False, "off": False, "0": False}
# Marker arguments that are flags: "yes" is true here, where JSON would read it as the string "yes".
_BOOLEAN_KEYS = frozenset({"trial_mode", "prefix_sms"})


class OptionError(ValueError):
    """A value that can't be used; the message says which option and why."""


@dataclass(frozen=True)
class Setting(Generic[T]):
    """An option's effective value and where it came from (one of :data:`SOURCES`)."""

    value: T
    source: str


@dataclass(frozen=True)
class _Option:
    """One scalar option in its three forms: ``--notify-NAME``, ini ``notify_NAME``, env ``PYTEST_NOTIFY_NAME``."""

    name: str
    default: str
    parse: Callable[[str], Any]
    help: str

    @property
    def flag(self) -> str:
        return "--notify-" + self.name.replace("_", "-")

    @property
    def ini(self) -> str:
        return "notify_" + self.name

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


def _host(text: str) -> str:
    if not text or any(c.isspace() for c in text):
        raise OptionError(f"must be a host name or IP address, got {text!r}")
    return text


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise OptionError(f"must be a port number from 0 to 65535 (0: a free port), got {text!r}")
    return int(text)


def _choice(choices: Iterable[str]) -> Callable[[str], str]:
    known = tuple(choices)

    def parse(text: str) -> str:
        if text not in known:
            raise OptionError(f"must be one of {', '.join(known)}, got {text!r}")
        return text

    return parse


def parse_bool(text: str) -> bool:
    """``true``/``false`` (also yes/no, on/off, 1/0, any case)."""
    try:
        return _BOOLEANS[text.strip().lower()]
    except KeyError:
        raise OptionError(f"must be true or false (or yes/no, on/off, 1/0), got {text!r}") from None


_OPTIONS = (
    _Option("host", "127.0.0.1", _host, "address the fake Notify server binds (default 127.0.0.1)"),
    _Option(
        "port",
        "0",
        _port,
        "port the fake Notify server binds; 0 (default) picks a free one. Under xdist, worker gwN binds PORT+N",
    ),
    _Option(
        "timings",
        "clock",
        _choice(TIMINGS_MODES),
        "how sends move on: clock (default: realistic delays on the service clock), instant (final at once) "
        "or manual (moved on by the test)",
    ),
    _Option(
        "key_misuse",
        "warn",
        _choice(KEY_MISUSE_MODES),
        "what to do when a test misuses an API key (a live key sending to simulator numbers or invalid "
        "recipients): warn (default), error or ignore",
    ),
    _Option("trial_mode", "false", parse_bool, "every test's service is in trial mode: true or false (default)"),
    _Option(
        "organisation_type",
        "central",
        _choice(ORGANISATION_TYPES),
        f"every test's service's organisation type, which sets its default limits: {', '.join(ORGANISATION_TYPES)}",
    ),
)
_BY_NAME = {option.name: option for option in _OPTIONS}
_SERVICE_OPTION = "service"
_SERVICE_HELP = (
    "a default notify_service argument for every test's service, as KEY=VALUE (VALUE read as JSON when it is, "
    "else as text), e.g. rate_limit=10 or guest_list='[\"jo@example.com\"]'"
)


def add_options(parser: pytest.Parser) -> None:
    """Register every option's command-line and ini forms (``pytest_addoption``)."""
    group = parser.getgroup("govuk-notify", "fake GOV.UK Notify (precedence: marker > command line > env > ini)")
    for option in _OPTIONS:
        where = f" [env {option.env}, ini {option.ini}]"
        if option.parse is parse_bool:
            # --notify-trial-mode / --no-notify-trial-mode: a flag, and a way to undo an env or ini value.
            group.addoption(option.flag, action=argparse.BooleanOptionalAction, default=None, help=option.help + where)
        else:
            group.addoption(option.flag, default=None, metavar=option.name.upper(), help=option.help + where)
        # An empty default means "not set in the ini file", so the source can be told (the help says the default).
        parser.addini(option.ini, option.help, default="")
    group.addoption(
        "--notify-service",
        action="append",
        default=None,
        metavar="KEY=VALUE",
        help=_SERVICE_HELP + f" (repeatable) [env {ENV_PREFIX}SERVICE, shell-quoted; ini notify_service, one a line]",
    )
    parser.addini("notify_service", _SERVICE_HELP + " (one a line)", type="linelist", default=[])


@dataclass(frozen=True)
class NotifyOptions:
    """The session's effective options, each with its source."""

    host: Setting[str]
    port: Setting[int]
    timings: Setting[str]
    key_misuse: Setting[str]
    service: Mapping[str, Setting[Any]] = field(default_factory=dict)
    """Default ``notify_service`` arguments: ``trial_mode`` and ``organisation_type`` always, others when set."""

    def service_overrides(self) -> dict[str, Any]:
        """The service settings an option set (a built-in default is left to the service's own)."""
        return {key: setting.value for key, setting in self.service.items() if setting.source != DEFAULT}

    def port_for(self, worker_id: str | None) -> int:
        """The port a process binds: the option's, plus N for xdist worker ``gwN`` (0 stays 0: a free port)."""
        if self.port.value == 0 or worker_id is None:
            return self.port.value
        port = self.port.value + int(worker_id.removeprefix("gw"))
        if port > 65535:
            raise OptionError(f"{worker_id} would bind port {port} ({self.port.value}+N): choose a lower --notify-port")
        return port

    def header(self, xdist_workers: int = 0) -> list[str]:
        """The report header lines: each effective value and where it came from."""
        port = f"{self.port.value} ({self.port.source}"
        port += f"; xdist worker gwN binds {self.port.value}+N)" if self.port.value and xdist_workers else ")"
        service = ", ".join(f"{key}={format_value(s.value)} ({s.source})" for key, s in self.service.items())
        return [
            f"govuk-notify: host={self.host.value} ({self.host.source}), port={port}, "
            f"timings={self.timings.value} ({self.timings.source}), "
            f"key_misuse={self.key_misuse.value} ({self.key_misuse.source})",
            f"govuk-notify service: {service}",
        ]


def format_value(value: Any) -> str:
    """A value as ``KEY=VALUE`` takes it: text as it is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def resolve_options(
    config: pytest.Config,
    service_keys: Iterable[str],
    environ: Mapping[str, str] | None = None,
) -> NotifyOptions:
    """Every option's effective value and source; :class:`OptionError` names the first bad one.

    ``service_keys`` are the ``notify_service`` marker's arguments (the plugin owns that list).
    """
    env = os.environ if environ is None else environ
    scalars = {option.name: _resolve(config, option, env) for option in _OPTIONS}
    known = frozenset(service_keys) - set(_NOT_SERVICE_KEYS)
    service: dict[str, Setting[Any]] = {key: scalars.pop(key) for key in SERVICE_DEFAULTS}
    # Weakest source first, so a stronger one replaces a key. Within one source neither form of a key
    # (--notify-trial-mode, trial_mode=...) outranks the other, so saying both is an error, not a guess.
    for source, items, where in (
        (INI, config.getini("notify_service"), "ini notify_service"),
        (ENV, _split_env(env, f"{ENV_PREFIX}SERVICE"), f"env {ENV_PREFIX}SERVICE"),
        (COMMAND_LINE, config.getoption("notify_service") or [], "--notify-service"),
    ):
        for key, value in _assignments(items, where, known).items():
            if key in SERVICE_DEFAULTS and service[key].source == source:
                raise OptionError(f"{where}: {key} is also set by {_BY_NAME[key].flag} in the {source}: keep one")
            if SOURCES.index(source) <= SOURCES.index(service[key].source if key in service else DEFAULT):
                service[key] = Setting(value, source)
    options = NotifyOptions(service=service, **scalars)
    check_service_settings(options)
    return options


def _resolve(config: pytest.Config, option: _Option, env: Mapping[str, str]) -> Setting[Any]:
    given: str | bool | None = config.getoption(option.flag.lstrip("-").replace("-", "_"))
    if given is not None:
        # A flag (--notify-trial-mode / --no-notify-trial-mode) arrives as a bool.
        text = given if isinstance(given, str) else str(given).lower()
        source, where = COMMAND_LINE, option.flag
    elif env.get(option.env, ""):  # an empty variable counts as unset, as for PYTEST_ADDOPTS
        text, source, where = env[option.env], ENV, f"env {option.env}"
    elif str(config.getini(option.ini)):
        text, source, where = str(config.getini(option.ini)), INI, f"ini {option.ini}"
    else:
        text, source, where = option.default, DEFAULT, option.flag
    try:
        return Setting(option.parse(text.strip()), source)
    except OptionError as error:
        raise OptionError(f"{where}: {error}") from None


def _split_env(env: Mapping[str, str], name: str) -> list[str]:
    try:
        return shlex.split(env.get(name, ""))
    except ValueError as error:  # an unclosed quote
        raise OptionError(f"env {name}: {error}") from None


def _assignments(items: Iterable[str], where: str, known: frozenset[str]) -> dict[str, Any]:
    """``KEY=VALUE`` items as settings; a later item for the same key replaces an earlier one."""
    settings: dict[str, Any] = {}
    for item in items:
        key, equals, text = item.partition("=")
        key = key.strip()
        if not equals or not key:
            raise OptionError(f"{where}: expected KEY=VALUE, got {item!r}")
        if key in _NOT_SERVICE_KEYS:
            raise OptionError(f"{where}: {key} has its own option, {_NOT_SERVICE_KEYS[key]}")
        if key not in known:
            raise OptionError(f"{where}: unknown notify_service argument {key!r}; known: {', '.join(sorted(known))}")
        settings[key] = _value(key, text.strip(), where)
    return settings


def _value(key: str, text: str, where: str) -> Any:
    if key in _BOOLEAN_KEYS:
        try:
            return parse_bool(text)
        except OptionError as error:
            raise OptionError(f"{where}: {key} {error}") from None
    try:
        return json.loads(text)
    except ValueError:
        return text  # plain text: a name, an organisation type, a URL


def check_service_settings(options: NotifyOptions) -> None:
    """Check the default settings as a marker's are (types, then a dry run making the service), so a
    bad one fails the run at start rather than every test."""
    overrides = options.service_overrides()
    if not overrides:
        return  # the built-in defaults (and nothing to import)
    from pytest_notify.domain.errors import ConfigurationError
    from pytest_notify.markers import SERVICE_MARKER, MarkerError, checked_arguments, notify_service
    from pytest_notify.service_setup import check_settings

    try:
        try:
            checked_arguments(SERVICE_MARKER, notify_service, overrides)
        except MarkerError as error:  # its message names the marker; here it is an option
            raise ConfigurationError(str(error).removeprefix(f"@pytest.mark.{SERVICE_MARKER}: ")) from None
        check_settings(overrides)
    except (ConfigurationError, TypeError, ValueError) as error:
        given = ", ".join(
            f"{key}={format_value(s.value)} ({s.source})" for key, s in options.service.items() if s.source != DEFAULT
        )
        raise OptionError(f"default service settings {given}: {error}") from None


_STASH_KEY = pytest.StashKey[NotifyOptions]()


def configure(config: pytest.Config, service_keys: Iterable[str]) -> NotifyOptions:
    """Resolve the options once for the session (``pytest_configure``); a bad value is a usage error."""
    try:
        options = resolve_options(config, service_keys)
    except OptionError as error:
        raise pytest.UsageError(f"govuk-notify: {error}") from None
    config.stash[_STASH_KEY] = options
    return options


def session_options(config: pytest.Config) -> NotifyOptions:
    """The options :func:`configure` resolved for this session."""
    return config.stash[_STASH_KEY]


def worker_id(config: pytest.Config) -> str | None:
    """This process's xdist worker id (``gw0``...), or None outside xdist workers."""
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    return None if workerinput is None else str(workerinput["workerid"])


def xdist_workers(config: pytest.Config) -> int:
    """How many xdist workers this run starts (0 without ``-n``), for the header."""
    numprocesses = getattr(config.option, "numprocesses", None)
    return numprocesses if isinstance(numprocesses, int) else (1 if numprocesses else 0)


def start_server(config: pytest.Config) -> NotifyServer:
    """Start this process's fake Notify server where the options say; a bind failure fails the tests
    that need it, naming the address and the option it came from."""
    from pytest_notify.server import NotifyServer

    opts = session_options(config)
    worker = worker_id(config)
    try:
        port = opts.port_for(worker)
        server = NotifyServer(opts.host.value, port)
        server.start()
    except OptionError as error:
        pytest.fail(f"govuk-notify: {error}", pytrace=False)
    except (OSError, SystemExit) as error:
        # werkzeug reports a busy port on stderr and exits rather than raising: say which address failed.
        reason = error.strerror if isinstance(error, OSError) else "address in use or not available"
        where = f"host from {opts.host.source}, port from {opts.port.source}"
        if worker is not None and opts.port.value:
            where += f", +{worker.removeprefix('gw')} for xdist worker {worker}"
        pytest.fail(f"govuk-notify: cannot listen on {opts.host.value}:{port} ({where}): {reason}", pytrace=False)
    return server
