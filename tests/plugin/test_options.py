"""Options (pytest_notify/options.py) as a run sees them: every option in its three forms, the one
precedence (marker > command line > env > ini > default), the report header and bad values.

The header says each effective value and its source, so the precedence rules are checked there for
every option; ``test_options_runs.py`` checks the values reach the ``notify`` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pytest_notify.domain.service import ORGANISATION_TYPES
from pytest_notify.domain.store import Store
from pytest_notify.fake import service_settings
from pytest_notify.options import SERVICE_DEFAULTS, parse_bool


@dataclass(frozen=True)
class Forms:
    """One option in its three forms, with a different valid value for each source."""

    flag: str
    ini: str
    env: str
    header_key: str
    default: str
    cli_value: str
    env_value: str
    ini_value: str

    def cli_args(self) -> list[str]:
        if self.flag == "--notify-service":
            return [self.flag, f"{self.header_key}={self.cli_value}"]
        if self.flag == "--notify-trial-mode":  # a flag: --notify-trial-mode / --no-notify-trial-mode
            return [self.flag if parse_bool(self.cli_value) else "--no-notify-trial-mode"]
        return [self.flag, self.cli_value]

    def env_text(self) -> str:
        return f"{self.header_key}={self.env_value}" if self.flag == "--notify-service" else self.env_value

    def ini_text(self) -> str:
        return f"{self.header_key}={self.ini_value}" if self.flag == "--notify-service" else self.ini_value


OPTIONS = [
    Forms(
        "--notify-host", "notify_host", "PYTEST_NOTIFY_HOST", "host", "127.0.0.1", "cli.test", "env.test", "ini.test"
    ),
    Forms("--notify-port", "notify_port", "PYTEST_NOTIFY_PORT", "port", "0", "6001", "6002", "6003"),
    Forms(
        "--notify-timings",
        "notify_timings",
        "PYTEST_NOTIFY_TIMINGS",
        "timings",
        "clock",
        "instant",
        "manual",
        "instant",
    ),
    Forms(
        "--notify-key-misuse",
        "notify_key_misuse",
        "PYTEST_NOTIFY_KEY_MISUSE",
        "key_misuse",
        "warn",
        "error",
        "ignore",
        "error",
    ),
    Forms(
        "--notify-trial-mode",
        "notify_trial_mode",
        "PYTEST_NOTIFY_TRIAL_MODE",
        "trial_mode",
        "false",
        "false",
        "true",
        "true",
    ),
    Forms(
        "--notify-organisation-type",
        "notify_organisation_type",
        "PYTEST_NOTIFY_ORGANISATION_TYPE",
        "organisation_type",
        "central",
        "local",
        "nhs_gp",
        "school_or_college",
    ),
    # The general form, for any notify_service argument: rate_limit stands for them all.
    Forms("--notify-service", "notify_service", "PYTEST_NOTIFY_SERVICE", "rate_limit", "", "1", "2", "3"),
]

# Which sources a run sets, and which one must win.
RULES = {
    "command line beats env and ini": ({"cli", "env", "ini"}, "command line"),
    "env beats ini": ({"env", "ini"}, "env"),
    "ini beats the default": ({"ini"}, "ini"),
    "the default": (set(), "default"),
}


def run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, forms: Forms, sources: set[str]
) -> pytest.RunResult:
    pytester.makepyfile("def test_nothing(): pass")
    if "ini" in sources:
        pytester.makeini(f"[pytest]\n{forms.ini} = {forms.ini_text()}\n")
    if "env" in sources:
        monkeypatch.setenv(forms.env, forms.env_text())
    result = pytester.runpytest(*(forms.cli_args() if "cli" in sources else []))
    result.assert_outcomes(passed=1)
    return result


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("forms", OPTIONS, ids=lambda f: f.flag)
def test_precedence(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, forms: Forms, rule: str) -> None:
    sources, winner = RULES[rule]
    expected = {
        "command line": forms.cli_value,
        "env": forms.env_value,
        "ini": forms.ini_value,
        "default": forms.default,
    }[winner]
    result = run(pytester, monkeypatch, forms, sources)
    if forms.flag == "--notify-service" and winner == "default":
        # A general setting nobody set isn't shown: the service's own default applies.
        result.stdout.no_fnmatch_line(f"*{forms.header_key}=*")
    else:
        result.stdout.fnmatch_lines([f"govuk-notify*{forms.header_key}={expected} ({winner})*"])


def test_the_header_shows_every_value_and_its_source(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\nnotify_timings = instant\nnotify_service =\n    sms_limit=7\n")
    monkeypatch.setenv("PYTEST_NOTIFY_ORGANISATION_TYPE", "local")
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("--notify-port", "6011", "--notify-service", 'guest_list=["jo@example.com"]')
    result.stdout.fnmatch_lines(
        [
            "govuk-notify fake: pytest-govuk-notify *",
            "govuk-notify: host=127.0.0.1 (default), port=6011 (command line), timings=instant (ini), "
            "key_misuse=warn (default)",
            "govuk-notify service: trial_mode=false (default), organisation_type=local (env), sms_limit=7 (ini), "
            'guest_list=["jo@example.com"] (command line)',
        ]
    )


def test_the_header_says_how_xdist_workers_share_a_fixed_port(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest_subprocess("-n", "2", "--notify-port", "6011")
    result.stdout.fnmatch_lines(["govuk-notify: *port=6011 (command line; xdist worker gwN binds 6011+N)*"])


def test_the_old_ini_options_still_work(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nnotify_timings = manual\nnotify_key_misuse = ignore\n")
    pytester.makepyfile(
        """
        def test_options(notify):
            assert notify.timings.mode == "manual"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*timings=manual (ini), key_misuse=ignore (ini)"])


def test_ini_overrides_on_the_command_line_count_as_ini(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("-o", "notify_timings=manual")
    result.stdout.fnmatch_lines(["*timings=manual (ini)*"])


def test_an_empty_variable_counts_as_unset(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makeini("[pytest]\nnotify_timings = manual\n")
    monkeypatch.setenv("PYTEST_NOTIFY_TIMINGS", "")
    pytester.makepyfile("def test_nothing(): pass")
    pytester.runpytest().stdout.fnmatch_lines(["*timings=manual (ini)*"])


def test_no_notify_trial_mode_undoes_the_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_NOTIFY_TRIAL_MODE", "yes")
    pytester.makepyfile("def test_nothing(): pass")
    pytester.runpytest("--no-notify-trial-mode").stdout.fnmatch_lines(["*trial_mode=false (command line)*"])


def test_general_settings_merge_key_by_key(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makeini("[pytest]\nnotify_service =\n    rate_limit=3\n    sms_limit=30\n    trial_mode=true\n")
    monkeypatch.setenv("PYTEST_NOTIFY_SERVICE", "rate_limit=2 'name=Env service'")
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("--notify-service", "rate_limit=1", "--notify-service", "rate_limit=4")
    result.stdout.fnmatch_lines(
        [
            "govuk-notify service: trial_mode=true (ini), organisation_type=central (default), "
            "rate_limit=4 (command line), sms_limit=30 (ini), name=Env service (env)"
        ]
    )


def test_a_general_setting_beats_a_weaker_own_option(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\nnotify_trial_mode = true\n")
    monkeypatch.setenv("PYTEST_NOTIFY_SERVICE", "trial_mode=false organisation_type=local")
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("--notify-organisation-type", "other")
    result.stdout.fnmatch_lines(["*trial_mode=false (env), organisation_type=other (command line)*"])


BAD = {
    "port not a number": (
        ["--notify-port", "http"],
        {},
        "",
        "--notify-port: must be a port number from 0 to 65535*'http'",
    ),
    "port too big": ([], {"PYTEST_NOTIFY_PORT": "65536"}, "", "env PYTEST_NOTIFY_PORT: must be a port number*'65536'"),
    "negative port": ([], {}, "notify_port = -1", "ini notify_port: must be a port number from 0 to 65535*'-1'"),
    "host with a space": (["--notify-host", "local host"], {}, "", "--notify-host: must be a host name*'local host'"),
    "unknown timings": (
        [],
        {"PYTEST_NOTIFY_TIMINGS": "sometimes"},
        "",
        "env PYTEST_NOTIFY_TIMINGS: must be one of instant, clock, manual, got 'sometimes'",
    ),
    "unknown misuse mode": (
        ["--notify-key-misuse", "shout"],
        {},
        "",
        "--notify-key-misuse: must be one of warn, error, ignore, got 'shout'",
    ),
    "trial mode not a boolean": (
        [],
        {"PYTEST_NOTIFY_TRIAL_MODE": "perhaps"},
        "",
        "env PYTEST_NOTIFY_TRIAL_MODE: must be true or false*'perhaps'",
    ),
    "unknown organisation type": (
        [],
        {},
        "notify_organisation_type = galactic",
        "ini notify_organisation_type: must be one of central, local*got 'galactic'",
    ),
    "not KEY=VALUE": (
        ["--notify-service", "rate_limit"],
        {},
        "",
        "--notify-service: expected KEY=VALUE, got 'rate_limit'",
    ),
    "unknown service argument": (
        [],
        {"PYTEST_NOTIFY_SERVICE": "rate_limt=10"},
        "",
        "env PYTEST_NOTIFY_SERVICE: unknown notify_service argument 'rate_limt'; known: *rate_limit*",
    ),
    "timings by KEY=VALUE": (
        ["--notify-service", "timings=instant"],
        {},
        "",
        "--notify-service: timings has its own option, --notify-timings",
    ),
    "a value of the wrong type": (
        ["--notify-service", "email_limit=[1]"],
        {},
        "",
        "default service settings email_limit=[[]1] (command line): email_limit must be a whole number of 0 or more*, got [[]1] (list)",
    ),
    "a bad boolean by KEY=VALUE": (
        ["--notify-service", "prefix_sms=maybe"],
        {},
        "",
        "--notify-service: prefix_sms must be true or false*'maybe'",
    ),
    "an unclosed quote": (
        [],
        {"PYTEST_NOTIFY_SERVICE": "name='Jo"},
        "",
        "env PYTEST_NOTIFY_SERVICE: No closing quotation",
    ),
    "a value the service refuses": (
        ["--notify-service", "rate_limit=-5"],
        {},
        "",
        "default service settings rate_limit=-5 (command line): *rate_limit*",
    ),
    "a list given as text": (
        ["--notify-service", "guest_list=jo@example.com"],
        {},
        "",
        "default service settings guest_list=jo@example.com (command line): guest_list must be a list*",
    ),
    "one key said twice in one source": (
        ["--notify-trial-mode", "--notify-service", "trial_mode=false"],
        {},
        "",
        "--notify-service: trial_mode is also set by --notify-trial-mode in the command line: keep one",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_value_stops_the_run_naming_the_option(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    args, env, ini, message = BAD[case]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: govuk-notify: {message}"])


def test_bad_values_are_refused_by_every_xdist_worker_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest_subprocess("-n", "2", "--notify-timings", "sometimes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: govuk-notify: --notify-timings: must be one of instant, clock, manual*"])


def test_the_built_in_service_defaults_are_the_services_own() -> None:
    """The header's "(default)" values must be what a service gets when no option is set."""
    service = Store().create_service(**service_settings())
    assert service.trial_mode is SERVICE_DEFAULTS["trial_mode"]
    assert service.organisation_type == SERVICE_DEFAULTS["organisation_type"]
    assert SERVICE_DEFAULTS["organisation_type"] in ORGANISATION_TYPES


@pytest.mark.parametrize(
    ("text", "value"), [("true", True), ("Yes", True), ("ON", True), ("1", True), ("false", False), (" no ", False)]
)
def test_booleans(text: str, value: bool) -> None:
    assert parse_bool(text) is value
