"""Options reaching the ``notify`` fixture: each in its three forms, a marker over all of them, where
xdist workers bind with a fixed port, and pytest-xdist and pytest-randomly giving a plain run's results.
"""

from __future__ import annotations

import socket
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

MakeTestFile = Callable[..., None]

# Every option at once, each form on its own; the inner test checks the service the fixture made.
FORMS = {
    "command line": (
        [
            "--notify-host=localhost",
            "--notify-port={port}",
            "--notify-timings=manual",
            "--notify-trial-mode",
            "--notify-organisation-type=local",
            "--notify-service=rate_limit=10",
            '--notify-service=guest_list=["jo@example.com"]',
        ],
        {},
        "",
    ),
    "env": (
        [],
        {
            "PYTEST_NOTIFY_HOST": "localhost",
            "PYTEST_NOTIFY_PORT": "{port}",
            "PYTEST_NOTIFY_TIMINGS": "manual",
            "PYTEST_NOTIFY_TRIAL_MODE": "true",
            "PYTEST_NOTIFY_ORGANISATION_TYPE": "local",
            "PYTEST_NOTIFY_SERVICE": """rate_limit=10 'guest_list=["jo@example.com"]'""",
        },
        "",
    ),
    "ini": (
        [],
        {},
        """
        notify_host = localhost
        notify_port = {port}
        notify_timings = manual
        notify_trial_mode = true
        notify_organisation_type = local
        notify_service =
            rate_limit=10
            guest_list=["jo@example.com"]
        """,
    ),
}


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive free ports on 127.0.0.1 (free when looked at)."""
    for _ in range(50):
        with ExitStack() as stack:
            first = stack.enter_context(socket.socket())
            first.bind(("127.0.0.1", 0))
            port: int = first.getsockname()[1]
            try:
                for offset in range(1, count):
                    stack.enter_context(socket.socket()).bind(("127.0.0.1", port + offset))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no {count} consecutive free ports")


@pytest.fixture
def listener() -> Iterator[Callable[[int], None]]:
    """Occupy a port on 127.0.0.1 for the test."""
    with ExitStack() as stack:

        def occupy(port: int) -> None:
            sock = stack.enter_context(socket.socket())
            sock.bind(("127.0.0.1", port))
            sock.listen()

        yield occupy


@pytest.mark.parametrize("form", FORMS)
def test_every_option_reaches_the_fixture(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, make_test_file: MakeTestFile, form: str
) -> None:
    port = free_ports(1)
    args, env, ini = FORMS[form]
    for name, value in env.items():
        monkeypatch.setenv(name, value.format(port=port))
    if ini:
        pytester.makeini("[pytest]" + textwrap.dedent(ini.format(port=port)))
    make_test_file(
        f"""
        def test_settings(notify):
            assert notify.base_url == "http://localhost:{port}"
            assert notify.timings.mode == "manual"
            assert notify.trial_mode
            assert notify.service.organisation_type == "local"
            assert notify.limits.rate_limit == 10
            assert notify.service.guest_list == ["jo@example.com"]
        """
    )
    result = pytester.runpytest(*(arg.format(port=port) for arg in args))
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [f"govuk-notify: host=localhost ({form}), port={port} ({form}), timings=manual ({form})*"]
    )


@pytest.mark.parametrize(
    "how",
    [["--notify-key-misuse", "error"], ["env", "error"], ["-o", "notify_key_misuse=error"]],
    ids=["command line", "env", "ini"],
)
def test_key_misuse_mode_reaches_the_fixture(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, make_test_file: MakeTestFile, how: list[str]
) -> None:
    if how[0] == "env":
        monkeypatch.setenv("PYTEST_NOTIFY_KEY_MISUSE", how[1])
        how = []
    make_test_file(
        """
        def test_live_key_to_a_simulator_address(notify):
            template = notify.add_template("email", "x", subject="s")
            client(notify, notify.live_key).send_email_notification("perm-fail@simulator.notify", template.id)
        """
    )
    result = pytester.runpytest(*how)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*API key misuse:*", "*live API key 'live_key'*perm-fail@simulator.notify*"])


def test_a_marker_beats_every_option_key_by_key(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        def misuse(notify):
            template = notify.add_template("email", "x", subject="s")
            client(notify, notify.live_key).send_email_notification("perm-fail@simulator.notify", template.id)

        def test_the_options(notify):
            assert notify.trial_mode
            assert notify.service.organisation_type == "local"
            assert notify.timings.mode == "manual"
            assert notify.limits.rate_limit == 10

        @pytest.mark.notify_service(
            trial_mode=False, organisation_type="central", timings="instant", key_misuse="ignore", rate_limit=20
        )
        def test_a_marker_over_them_all(notify):
            assert not notify.trial_mode
            assert notify.service.organisation_type == "central"
            assert notify.timings.mode == "instant"
            assert notify.limits.rate_limit == 20
            misuse(notify)  # ignored: no error at teardown

        @pytest.mark.notify_service(rate_limit=20)
        def test_the_rest_still_from_the_options(notify):
            assert notify.limits.rate_limit == 20
            assert notify.trial_mode
            assert notify.timings.mode == "manual"
        """
    )
    pytester.makeini("[pytest]\nnotify_service = rate_limit=10\n")
    result = pytester.runpytest(
        "--notify-trial-mode",
        "--notify-organisation-type=local",
        "--notify-timings=manual",
        "--notify-key-misuse=error",
    )
    result.assert_outcomes(passed=3)


XDIST_PORTS = """
    import pathlib

    @pytest.mark.parametrize("n", range(8))
    def test_port(notify, worker_id, n):
        port = urllib.parse.urlsplit(notify.base_url).port
        assert port == {port} + int(worker_id.removeprefix("gw"))
        with open(pathlib.Path(__file__).with_name("ports.txt"), "a") as seen:
            seen.write(f"{{worker_id}} {{port}}\\n")
"""


def test_xdist_worker_n_binds_the_fixed_port_plus_n(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    port = free_ports(2)
    make_test_file(XDIST_PORTS.format(port=port))
    result = pytester.runpytest_subprocess("-n", "2", "--notify-port", str(port), "-p", "no:randomly")
    result.assert_outcomes(passed=8)
    seen = set((pytester.path / "ports.txt").read_text().split("\n")) - {""}
    assert seen == {f"gw0 {port}", f"gw1 {port + 1}"}


def test_a_busy_port_names_the_address_and_where_it_came_from(
    pytester: pytest.Pytester,
    make_test_file: MakeTestFile,
    monkeypatch: pytest.MonkeyPatch,
    listener: Callable[[int], None],
) -> None:
    port = free_ports(1)
    listener(port)
    monkeypatch.setenv("PYTEST_NOTIFY_PORT", str(port))
    make_test_file("def test_any(notify):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"*govuk-notify: cannot listen on 127.0.0.1:{port} (host from default, port from env): *"]
    )


def test_a_busy_port_under_xdist_names_the_worker(
    pytester: pytest.Pytester, make_test_file: MakeTestFile, listener: Callable[[int], None]
) -> None:
    port = free_ports(2)
    listener(port + 1)  # gw1's
    make_test_file(XDIST_PORTS.format(port=port))
    result = pytester.runpytest_subprocess("-n", "2", "--notify-port", str(port), "-p", "no:randomly")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) + outcomes.get("errors", outcomes.get("error", 0)) == 8
    assert outcomes.get("errors", outcomes.get("error", 0)) >= 1
    result.stdout.fnmatch_lines(
        [
            f"*govuk-notify: cannot listen on 127.0.0.1:{port + 1} "
            "(host from default, port from command line, +1 for xdist worker gw1): *"
        ]
    )


def test_a_port_past_65535_for_a_worker_is_refused(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(XDIST_PORTS.format(port=65535))
    result = pytester.runpytest_subprocess("-n", "2", "--notify-port", "65535", "-p", "no:randomly")
    result.stdout.fnmatch_lines(["*govuk-notify: gw1 would bind port 65536 (65535+N): choose a lower --notify-port*"])


# Tests that would tell if a run shared state by accident, or depended on order: each dirties its
# service, and each checks it starts clean. One fails, one skips and one xfails on purpose, so
# "the same results" means more than "all passed".
SAME_RESULTS = """
    @pytest.mark.parametrize("n", range(6))
    def test_each_service_starts_clean_and_dirties_itself(notify, n):
        assert list(notify.notifications) == []
        assert notify.limits.rate_limit == 50  # --notify-service
        template = notify.add_template("sms", "Hello ((n))")
        for _ in range(n):
            client(notify, notify.test_key).send_sms_notification("07700900123", template.id, {"n": n})
        assert [s.body for s in notify.notifications] == [f"Hello {n}"] * n
        assert all(s.status == "delivered" for s in notify.notifications)  # notify_timings = instant

    @pytest.mark.notify_service(trial_mode=True)
    def test_a_trial_service(notify):
        assert notify.trial_mode
        template = notify.add_template("sms", "x")
        assert refused(client(notify, notify.team_key).send_sms_notification, "07700900456", template.id) == (
            400, TEAM_KEY_ERROR
        )

    def test_live_unless_marked(notify):
        assert not notify.trial_mode

    def test_clock_moved_on(notify):
        notify.freeze_time()
        notify.advance(days=400)

    def test_clock_is_its_own(notify):
        import datetime as dt
        assert abs(notify.clock.now() - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=5)

    def test_fails_on_purpose(notify):
        assert notify.limits.rate_limit == 3000

    def test_skips(notify):
        pytest.skip("on purpose")

    @pytest.mark.xfail(reason="on purpose", strict=True)
    def test_xfails(notify):
        assert notify.trial_mode
"""

RUNS = {
    "plain": ["-p", "no:randomly"],
    "xdist": ["-p", "no:randomly", "-n", "2"],
    "randomly seed 1": ["-p", "randomly", "--randomly-seed=1"],
    "randomly seed 2": ["-p", "randomly", "--randomly-seed=2"],
    "xdist and randomly": ["-p", "randomly", "--randomly-seed=3", "-n", "2"],
}


def results(path: str) -> tuple[list[str], dict[str, str]]:
    """The test names in the order they ran (as junitxml records them) and each one's outcome."""
    order, outcomes = [], {}
    for case in ET.parse(path).getroot().iter("testcase"):
        name = case.attrib["name"]
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        skipped = case.find("skipped")
        if skipped is not None and skipped.attrib.get("type") == "pytest.xfail":
            kinds = ["xfailed"]
        order.append(name)
        outcomes[name] = kinds[0] if kinds else "passed"
    return order, outcomes


def test_xdist_and_randomly_give_a_plain_runs_results(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(SAME_RESULTS)
    pytester.makeini("[pytest]\nnotify_timings = instant\n")
    runs = {}
    for name, args in RUNS.items():
        xml = str(pytester.path / f"{name.replace(' ', '-')}.xml")
        result = pytester.runpytest_subprocess(*args, "--notify-service", "rate_limit=50", f"--junitxml={xml}")
        result.assert_outcomes(passed=10, failed=1, skipped=1, xfailed=1)
        runs[name] = results(xml)
    plain_order, plain = runs["plain"]
    assert plain["test_fails_on_purpose"] == "failure"
    assert plain["test_xfails"] == "xfailed"
    for name, (_, outcomes) in runs.items():
        assert outcomes == plain, name
    # pytest-randomly did shuffle: otherwise this test could not fail.
    assert runs["randomly seed 1"][0] != plain_order
    assert runs["randomly seed 2"][0] != plain_order
