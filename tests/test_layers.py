"""The layers import one way (design.md): domain is pure, http never imports pytest."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pytest_notify"


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
            if node.module.startswith("pytest_notify."):
                roots.add(node.module)
    return roots


@pytest.mark.parametrize("path", sorted((PACKAGE / "domain").glob("*.py")), ids=lambda p: p.name)
def test_domain_is_pure(path: Path) -> None:
    roots = imported_roots(path)
    # pluggy too: the domain's extension point is a protocol (domain/extensions.py), pluggy sits outside.
    assert not roots & {"pytest", "werkzeug", "jwt", "pytest_httpserver", "_pytest", "pluggy"}
    assert not {r for r in roots if r.startswith(("pytest_notify.http", "pytest_notify.plugin", "pytest_notify.fake"))}
    assert not {r for r in roots if r.startswith(("pytest_notify.hooks", "pytest_notify.hookspecs"))}


@pytest.mark.parametrize("path", sorted((PACKAGE / "http").glob("*.py")), ids=lambda p: p.name)
def test_http_never_imports_pytest(path: Path) -> None:
    roots = imported_roots(path)
    assert not roots & {"pytest", "_pytest"}
    assert not {
        r for r in roots if r.startswith(("pytest_notify.plugin", "pytest_notify.fake", "pytest_notify.server"))
    }


def test_layer_check_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import pytest\nfrom werkzeug.test import Client\nfrom pytest_notify.http import app\n")
    assert {"pytest", "werkzeug", "pytest_notify.http"} <= imported_roots(sample)


@pytest.mark.parametrize("path", sorted((PACKAGE / "persist").glob("*.py")), ids=lambda p: p.name)
def test_persistence_sits_beside_the_domain(path: Path) -> None:
    # serve --data-dir: SQLite and the domain only; the app reports changes to it through a protocol.
    roots = imported_roots(path)
    assert not roots & {"pytest", "_pytest", "werkzeug", "jwt", "pytest_httpserver", "pluggy"}
    assert not {r for r in roots if r.startswith(("pytest_notify.http", "pytest_notify.server", "pytest_notify.fake"))}


def test_the_domain_never_touches_storage() -> None:
    for path in (PACKAGE / "domain").glob("*.py"):
        roots = imported_roots(path)
        assert "sqlite3" not in roots and not {r for r in roots if r.startswith("pytest_notify.persist")}, path.name
