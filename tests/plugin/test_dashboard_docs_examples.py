"""Every test in docs/dashboard-usage-limits.md runs, so the page stays true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "dashboard-usage-limits.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.S)
EXAMPLES = [code for code in BLOCK.findall(PAGE.read_text(encoding="utf-8")) if "def test_" in code]


def _name(code: str) -> str:
    found = re.search(r"def (test_\w+)", code)
    return found.group(1) if found else "example"


def test_the_page_has_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("code", EXAMPLES, ids=_name)
def test_docs_example_passes(pytester: pytest.Pytester, code: str) -> None:
    pytester.makepyfile(code)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_page_links_to_the_limits_section() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert text.startswith("# Dashboard, usage and limits\n")
    assert "## Limits\n\nSee [the limits section of the fixtures page](fixtures.md#limits)." in text
