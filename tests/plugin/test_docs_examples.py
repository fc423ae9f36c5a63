"""Every Python example in the docs is a test file; run each with pytester so the docs stay true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"```python\n(.*?)```", re.S)
PAGES = (
    "api-keys.md",
    "quickstart.md",
    "dashboard-usage-limits.md",
    "fixtures.md",
    "hooks.md",
    "control-api.md",
    "markers-and-scenarios.md",
    "../README.md",
)


def examples(page: str) -> list[str]:
    return [code for code in BLOCK.findall((DOCS / page).read_text(encoding="utf-8")) if "def test_" in code]


def _name(code: str) -> str:
    found = re.search(r"def (test_\w+)", code)
    return found.group(1) if found else "example"


@pytest.mark.parametrize("code", [c for page in PAGES for c in examples(page)], ids=_name)
def test_docs_examples(pytester: pytest.Pytester, code: str) -> None:
    pytester.makepyfile(code)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=code.count("\ndef test_") + code.startswith("def test_"))


def test_every_page_has_examples() -> None:
    assert all(examples(page) for page in PAGES)


def test_misuse_example_warns(pytester: pytest.Pytester) -> None:
    code = next(c for c in examples("api-keys.md") if "test_live_key_to_a_simulator_number" in c)
    pytester.makepyfile(code)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, warnings=2)
    result.stdout.fnmatch_lines(
        [
            "*KeyMisuseWarning: live API key 'live_key' sent to '07700900003', a test-key simulator number*",
            "*KeyMisuseWarning: live API key 'live_key' was used to send to an invalid phone number 'not a number'*",
        ]
    )


@pytest.mark.parametrize(
    "how",
    [
        ["-W", "error::pytest_notify.KeyMisuseWarning"],
        ["-o", "notify_key_misuse=error"],
    ],
    ids=["warning-filter", "ini"],
)
def test_misuse_can_be_an_error(pytester: pytest.Pytester, how: list[str]) -> None:
    code = next(c for c in examples("api-keys.md") if "test_live_key_to_a_simulator_number" in c)
    pytester.makepyfile(code)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *how)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*live API key 'live_key' sent to '07700900003'*"])


def test_misuse_marker_modes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from notifications_python_client import NotificationsAPIClient

        def send(notify, key):
            client = NotificationsAPIClient(key, base_url=notify.base_url)
            client.send_email_notification("perm-fail@simulator.notify", notify.add_template("email", "x", subject="s").id)

        @pytest.mark.notify_service(key_misuse="error")
        def test_error(notify):
            send(notify, notify.live_key)

        @pytest.mark.notify_service(key_misuse="ignore")
        def test_ignored(notify):
            send(notify, notify.live_key)

        def test_test_key_is_fine(notify):
            send(notify, notify.test_key)

        def test_team_key_is_not_a_live_key(notify):
            notify.add_team_member(email="perm-fail@simulator.notify")
            send(notify, notify.team_key)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error::pytest_notify.KeyMisuseWarning")
    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_error*", "API key misuse:", "*perm-fail@simulator.notify*"]
    )
