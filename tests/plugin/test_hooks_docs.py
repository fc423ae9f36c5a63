"""The examples of docs/hooks.md that span files: each ``conftest.py`` block with the ``test_*.py``
blocks after it runs with pytester; the ``serve`` plugin module is loaded and called; the entry-point
group is the one the manager loads. (Single-file examples run in test_docs_examples.py.)"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from pytest_notify.domain.sending import SendRequest
from pytest_notify.domain.store import Store
from pytest_notify.hooks import ENTRY_POINT_GROUP, HookExtensions, load_plugins

PAGE = Path(__file__).resolve().parents[2] / "docs" / "hooks.md"
TITLED = re.compile(r'```python title="([\w.]+)"\n(.*?)```', re.S)


def titled_blocks() -> list[tuple[str, str]]:
    return TITLED.findall(PAGE.read_text(encoding="utf-8"))


def conftest_examples() -> list[dict[str, str]]:
    """Each conftest.py block with the test files that follow it."""
    groups: list[dict[str, str]] = []
    for name, code in titled_blocks():
        if name == "conftest.py":
            groups.append({name: code})
        elif name.startswith("test_") and groups:
            groups[-1][name] = code
    return groups


def _id(files: dict[str, str]) -> str:
    return "+".join(name for name in files if name != "conftest.py")


@pytest.mark.parametrize("files", conftest_examples(), ids=_id)
def test_conftest_examples(pytester: pytest.Pytester, files: dict[str, str]) -> None:
    for name, code in files.items():
        pytester.path.joinpath(name).write_text(code, encoding="utf-8")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    tests = sum(code.count("\ndef test_") for name, code in files.items() if name != "conftest.py")
    result.assert_outcomes(passed=tests)


def test_the_page_has_conftest_examples() -> None:
    assert len(conftest_examples()) == 2
    assert all(len(files) == 2 for files in conftest_examples())


def test_the_serve_plugin_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    [code] = [code for name, code in titled_blocks() if name == "notify_audit.py"]
    (tmp_path / "notify_audit_docs.py").write_text(code, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    store = Store(extensions=HookExtensions(load_plugins(["notify_audit_docs"])))
    service = store.create_service("Pigeon Affairs Bureau")
    template = store.add_template(service.id, "sms", "Hello")
    key = store.create_api_key(service.id, "live", "live")
    with caplog.at_level(logging.WARNING, logger="notify_audit"):
        store.send(service, key, SendRequest("sms", "07700 900123", template.id, {}))
    assert caplog.messages == ["Pigeon Affairs Bureau: sms to 07700 900123 accepted"]


def test_the_entry_point_group_in_the_docs_is_the_one_loaded() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert f"[project.entry-points.{ENTRY_POINT_GROUP}]" in text
    assert "--plugin notify_bounces" in text
