"""docs/configuration.md stays true: its table names every option, and its examples, header and
error message are what a run gives."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", PAGE, re.S)


def table_rows() -> list[list[str]]:
    rows = [line.split(" | ") for line in PAGE.splitlines() if line.startswith("| ") and "`--notify-" in line]
    assert len(rows) == 7
    return rows


@pytest.fixture
def documented_project(pytester: pytest.Pytester) -> pytest.Pytester:
    """The page's ``pytest.ini`` and its tests."""
    (ini,) = blocks("ini")
    pytester.makeini(ini)
    (code,) = [c for c in blocks("python") if "def test_" in c]
    pytester.makepyfile(test_documented=code)
    return pytester


def test_the_table_names_every_option_in_its_three_forms(pytester: pytest.Pytester) -> None:
    help_text = pytester.runpytest("--help").stdout.str()
    documented_flags = set()
    for row in table_rows():
        flags, ini, env = (re.findall(r"`([^`]+)`", cell) for cell in row[1:4])
        for flag in flags:
            documented_flags.add(flag.split()[0])
            assert flag.split()[0] in help_text
        assert re.search(rf"^  {ini[0]} \(", help_text, re.M), ini[0]  # the ini section of --help
        assert env[0].split()[0] in help_text
    registered = set(re.findall(r"(--(?:no-)?notify-[a-z-]+)", help_text))
    assert registered == documented_flags


def test_the_examples_pass(documented_project: pytest.Pytester) -> None:
    documented_project.runpytest().assert_outcomes(passed=2)


@pytest.mark.parametrize("line", blocks("sh")[0].strip().splitlines())
def test_the_command_lines_are_valid(
    documented_project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, line: str
) -> None:
    words = shlex.split(line)
    while "=" in words[0]:
        name, _, value = words.pop(0).partition("=")
        monkeypatch.setenv(name, value)
    assert words[0] == "pytest"
    result = documented_project.runpytest_subprocess("--collect-only", "-q", *words[1:])
    assert result.ret == pytest.ExitCode.OK, result.stderr.str()


def test_the_header_is_what_the_page_shows(documented_project: pytest.Pytester) -> None:
    header = next(b for b in blocks("text") if b.startswith("govuk-notify fake:")).splitlines()
    assert "`pytest --notify-port 6011`" in PAGE
    result = documented_project.runpytest("--notify-port", "6011", "--collect-only")
    assert header[0].startswith("govuk-notify fake: pytest-govuk-notify ")
    result.stdout.fnmatch_lines(["govuk-notify fake: pytest-govuk-notify *", *header[1:]])


def test_the_xdist_header_is_what_the_page_shows(pytester: pytest.Pytester) -> None:
    line = next(b for b in blocks("text") if "xdist worker" in b).strip()
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest_subprocess("-n", "2", "--notify-port", "6011")
    result.stdout.fnmatch_lines([line.replace("...", "*")])


def test_the_error_is_what_the_page_shows(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    (error,) = (b.strip() for b in blocks("text") if b.startswith("ERROR:"))
    monkeypatch.setenv("PYTEST_NOTIFY_TIMINGS", "sometimes")
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([error])
