"""The plugin imports the fake only when a test uses it.

pytest loads the ``govuk_notify`` entry point in every run of every suite where the package is
installed. Loading it must not import the fake's heavy dependencies (nor the domain, the HTTP layer
or the server); the time that saves is measured in ``bench/`` (docs/performance.md), these tests
check the behaviour behind it. Each runs in a fresh interpreter, where nothing was imported before.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

HEAVY = ("werkzeug", "jwt", "jsonschema", "phonenumbers", "referencing")
OURS_THAT_ARE_HEAVY = (
    "pytest_notify.domain.store",
    "pytest_notify.domain.service",
    "pytest_notify.http",
    "pytest_notify.server",
    "pytest_notify.fake",
    "pytest_notify.hooks",
    "pytest_notify.service_setup",
    "pytest_notify.reports",
)


def loaded(modules: list[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


def run_python(code: str) -> list[str]:
    """Run ``code`` in a fresh interpreter; the modules it had imported at the end."""
    script = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    modules: list[str] = json.loads(completed.stdout.strip().splitlines()[-1])
    return modules


def test_importing_the_plugin_modules_imports_nothing_heavy() -> None:
    modules = run_python(
        """
        import pytest
        import pytest_notify, pytest_notify.plugin, pytest_notify.hook_bridge, pytest_notify.marker_plugin
        """
    )
    assert "pytest_notify.plugin" in modules  # the check sees what it checks
    assert loaded(modules, HEAVY) == []
    assert loaded(modules, OURS_THAT_ARE_HEAVY) == []


def test_the_package_exports_its_names_when_asked() -> None:
    modules = run_python(
        """
        import pytest_notify
        before = set(__import__("sys").modules)
        from pytest_notify import KeyMisuseWarning, Rendered, hookimpl
        assert Rendered.__module__ == "pytest_notify.domain.extensions"
        assert callable(hookimpl)
        assert "pytest_notify.domain.extensions" not in before
        """
    )
    assert "pytest_notify.hooks" in modules
    with pytest.raises(AttributeError, match="no_such_name"):
        import pytest_notify

        pytest_notify.__getattr__("no_such_name")


def test_a_run_that_does_not_use_the_fake_does_not_import_it(pytester: pytest.Pytester) -> None:
    """A whole run (options, markers, the hook bridge, collection, a test, the report), pytest-httpserver's
    plugin left out (it imports werkzeug itself)."""
    pytester.makeconftest(
        """
        import json, sys

        def pytest_sessionfinish(session):
            with open("modules.json", "w") as f:
                json.dump(sorted(sys.modules), f)
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", [1, 2])
        def test_plain(n):
            assert n
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:pytest_httpserver", "-p", "no:randomly", "--strict-markers")
    result.assert_outcomes(passed=2)
    modules = json.loads((pytester.path / "modules.json").read_text())
    assert "pytest_notify.plugin" in modules
    assert loaded(modules, HEAVY) == []
    assert loaded(modules, OURS_THAT_ARE_HEAVY) == []


def test_a_run_that_uses_the_fake_still_gets_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.notify_scenario("trial_service")
        def test_uses(notify):
            assert notify.service.restricted
            assert notify.live_key is None
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "--strict-markers")
    result.assert_outcomes(passed=1)
