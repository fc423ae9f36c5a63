"""The ``notify_*`` plugin manager: its specs, the default plugin, how implementations are found and
checked, entry points, ``--plugin`` modules, and the adapter the domain talks to."""

from __future__ import annotations

import inspect
import sys
import textwrap
from pathlib import Path
from typing import Any

import pluggy
import pytest

from pytest_notify import hookspecs
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.extensions import Rendered
from pytest_notify.domain.store import Store
from pytest_notify.hooks import (
    DEFAULT_PLUGIN_NAME,
    DefaultPlugin,
    HookError,
    HookExtensions,
    NotifyPluginManager,
    hookimpl,
    load_plugins,
    make_plugin_manager,
    register_module,
)

HOOKS = {
    "notify_service_created": ["store", "service"],
    "notify_send_accepted": ["service", "api_key", "notification"],
    "notify_send_refused": ["service", "api_key", "notification_type", "error"],
    "notify_notification_stored": ["notification"],
    "notify_final_status": ["notification", "default"],
    "notify_render": ["notification_type", "template", "personalisation", "default"],
}


def write_distribution(where: Path, module: str, source: str, entry_point: str = "demo") -> None:
    """A tiny installed distribution: a module and a ``*.dist-info`` that importlib.metadata finds
    on ``sys.path``, naming the module in the ``pytest_notify`` entry-point group."""
    (where / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = where / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[pytest_notify]\n{entry_point} = {module}\n", encoding="utf-8")


def test_every_hook_is_specified_and_documented() -> None:
    manager = NotifyPluginManager()
    for name, arguments in HOOKS.items():
        caller = getattr(manager.hook, name)
        assert caller.spec is not None and caller.spec.argnames == tuple(arguments), name
        assert inspect.getdoc(getattr(hookspecs, name)), name
    firstresult = {name for name in HOOKS if getattr(manager.hook, name).spec.opts["firstresult"]}
    assert firstresult == {"notify_final_status", "notify_render"}


def test_the_default_plugin_keeps_the_fakes_behaviour() -> None:
    manager = make_plugin_manager(entry_points=False)
    assert isinstance(manager.get_plugin(DEFAULT_PLUGIN_NAME), DefaultPlugin)
    assert manager.hook.notify_final_status(notification=None, default="temporary-failure") == "temporary-failure"
    default = Rendered("body", "subject")
    assert (
        manager.hook.notify_render(notification_type="email", template=None, personalisation={}, default=default)
        is default
    )


def test_the_first_non_none_answer_wins_and_the_default_runs_last() -> None:
    calls: list[str] = []

    class Undecided:
        @hookimpl
        def notify_final_status(self) -> None:
            calls.append("undecided")

    class Decides:
        @hookimpl
        def notify_final_status(self, default: str) -> str:
            calls.append("decides")
            return "permanent-failure"

    class LoadedLast:
        @hookimpl(tryfirst=True)
        def notify_final_status(self) -> None:
            calls.append("tryfirst")

    manager = make_plugin_manager([Decides(), Undecided(), LoadedLast()], entry_points=False)
    # pluggy calls the latest registered first; tryfirst before all.
    assert manager.hook.notify_final_status(notification=None, default="delivered") == "permanent-failure"
    assert calls == ["tryfirst", "undecided", "decides"]


def test_unmarked_functions_named_like_a_hook_are_implementations(tmp_path: Path) -> None:
    class Plain:
        def notify_final_status(self, default: str) -> str:
            return "technical-failure"

        def notify_team(self) -> str:  # a helper, not a hook: left alone
            return "not a hook"

        notify_render = "not callable"

    manager = make_plugin_manager([Plain()], entry_points=False)
    assert manager.hook.notify_final_status(notification=None, default="delivered") == "technical-failure"
    assert not hasattr(manager.hook, "notify_team")
    assert manager.implements_hooks(Plain())
    assert not manager.implements_hooks(object())


def test_a_marked_function_with_an_unknown_name_is_an_error() -> None:
    class Typo:
        @hookimpl
        def notify_final_stats(self) -> None: ...

    with pytest.raises(pluggy.PluginValidationError, match="unknown hook 'notify_final_stats'"):
        make_plugin_manager([Typo()], entry_points=False)


def test_an_argument_the_hook_does_not_have_is_an_error() -> None:
    class Wrong:
        def notify_final_status(self, defaults: str) -> None: ...

    with pytest.raises(pluggy.PluginValidationError, match=r"Argument\(s\) \{'defaults'\}"):
        make_plugin_manager([Wrong()], entry_points=False)


def test_entry_points_of_installed_packages_are_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_distribution(
        tmp_path,
        "notify_ext_unit",
        """
        def notify_final_status(notification, default):
            return "technical-failure"
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "notify_ext_unit", raising=False)
    manager = make_plugin_manager()
    assert manager.get_plugin("demo").__name__ == "notify_ext_unit"
    assert manager.hook.notify_final_status(notification=None, default="delivered") == "technical-failure"
    assert make_plugin_manager(entry_points=False).get_plugin("demo") is None


def test_register_module_once_and_load_plugins_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notify_ext_module.py").write_text("def notify_send_accepted(notification): pass\n")
    (tmp_path / "notify_ext_bad.py").write_text("def notify_send_accepted(notifications): pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    manager = make_plugin_manager(entry_points=False)
    module = register_module(manager, "notify_ext_module")
    assert register_module(manager, "notify_ext_module") is module
    assert manager.get_plugin("notify_ext_module") is module

    with pytest.raises(ConfigurationError, match="--plugin no_such_module_here: cannot import it: No module named"):
        load_plugins(["no_such_module_here"])
    with pytest.raises(ConfigurationError, match=r"(?s)--plugin notify_ext_bad: .*\{'notifications'\}"):
        load_plugins(["notify_ext_bad"])
    assert load_plugins(["notify_ext_module"]).get_plugin("notify_ext_module") is module


def test_load_plugins_finds_modules_in_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notify_ext_here.py").write_text("def notify_send_accepted(notification): pass\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    assert load_plugins(["notify_ext_here"]).has_plugin("notify_ext_here")
    assert sys.path[0] == str(tmp_path)


# -- the adapter ------------------------------------------------------------------------------


def test_the_adapter_calls_every_hook_by_name() -> None:
    seen: list[tuple[str, Any]] = []

    class Everything:
        @hookimpl
        def notify_service_created(self, store: Store, service: Any) -> None:
            seen.append(("service_created", service.name))

        @hookimpl
        def notify_send_accepted(self, service: Any, api_key: Any, notification: Any) -> None:
            seen.append(("send_accepted", (api_key, notification)))

        @hookimpl
        def notify_send_refused(self, notification_type: str, error: Any) -> None:
            seen.append(("send_refused", (notification_type, error)))

        @hookimpl
        def notify_notification_stored(self, notification: Any) -> None:
            seen.append(("notification_stored", notification))

    extensions = HookExtensions(make_plugin_manager([Everything()], entry_points=False))
    store = Store(extensions=extensions)
    service = store.create_service("Pigeon Affairs Bureau")
    extensions.send_accepted(service, "key", "sent")  # type: ignore[arg-type]
    extensions.send_refused(service, "key", "sms", "error")  # type: ignore[arg-type]
    extensions.notification_stored("stored")  # type: ignore[arg-type]
    assert seen == [
        ("service_created", "Pigeon Affairs Bureau"),
        ("send_accepted", ("key", "sent")),
        ("send_refused", ("sms", "error")),
        ("notification_stored", "stored"),
    ]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (None, Rendered("body", "subject")),
        ("new body", Rendered("new body", "subject")),
        (Rendered("b", "s"), Rendered("b", "s")),
    ],
    ids=["none", "a-body", "rendered"],
)
def test_render_answers(answer: Any, expected: Rendered) -> None:
    class Renders:
        @hookimpl(tryfirst=True)
        def notify_render(self) -> Any:
            return answer

    extensions = HookExtensions(make_plugin_manager([Renders()], entry_points=False))
    assert extensions.render("email", None, {}, Rendered("body", "subject")) == expected  # type: ignore[arg-type]


def test_render_refuses_other_answers() -> None:
    class Renders:
        @hookimpl
        def notify_render(self) -> Any:
            return 42

    extensions = HookExtensions(make_plugin_manager([Renders()], entry_points=False))
    with pytest.raises(HookError, match="notify_render returned 42; return a str"):
        extensions.render("sms", None, {}, Rendered("body"))  # type: ignore[arg-type]


def test_a_plugin_registered_later_is_called_too() -> None:
    manager = make_plugin_manager(entry_points=False)
    extensions = HookExtensions(manager)

    class Later:
        def notify_final_status(self) -> str:
            return "temporary-failure"

    assert extensions.final_status(None, "delivered") == "delivered"  # type: ignore[arg-type]
    manager.register(Later())
    assert extensions.final_status(None, "delivered") == "temporary-failure"  # type: ignore[arg-type]


def test_an_exception_in_a_hook_is_a_hook_error_naming_it() -> None:
    class Raises:
        def notify_notification_stored(self) -> None:
            raise ValueError("not a marker's mistake")

    extensions = HookExtensions(make_plugin_manager([Raises()], entry_points=False))
    with pytest.raises(
        HookError, match=r"notify_notification_stored raised ValueError\(\"not a marker's mistake\"\)"
    ) as error:
        extensions.notification_stored(None)  # type: ignore[arg-type]
    assert isinstance(error.value.__cause__, ValueError)
