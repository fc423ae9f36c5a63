"""pytest glue for the ``notify_*`` hooks: every pytest plugin that implements one reaches the fake.

pytest only looks at ``pytest_*`` names, so it never calls ``notify_*`` functions itself. Instead,
each pytest session gets its own :class:`~pytest_notify.hooks.NotifyPluginManager` (the hookspecs,
the default plugin and the ``pytest_notify`` entry points), and every plugin pytest registers that
implements a ``notify_*`` hook is registered with it too: ``conftest.py`` files, modules given with
``-p`` or ``pytest_plugins``, other packages' ``pytest11`` plugins, objects passed to
``config.pluginmanager.register``. The session's server calls those hooks.

Simplified scoping: a ``conftest.py``'s hooks apply to every test of the session once pytest has
loaded it, not only to the tests in its directory (a fixture runs in one service; the server
serves them all). ``docs/hooks.md`` shows how to aim a hook at some tests only.

Registered by :mod:`pytest_notify.plugin` (``pytest_plugins``), so ``-p no:govuk_notify`` turns
it off with the rest.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pluggy
import pytest

from pytest_notify import hookspecs

if TYPE_CHECKING:
    from pytest_notify.hooks import NotifyPluginManager
    from pytest_notify.server import NotifyServer

# One manager per pytest session, found from pytest's own plugin manager (each pytester run in
# the same process has its own); weak, so a finished run's is let go. Made when first needed (a
# plugin with notify_* hooks, the server, the notify_hooks fixture), so that a session that never
# uses the fake does not import it or scan the installed packages' entry points.
_MANAGERS: weakref.WeakKeyDictionary[pytest.PytestPluginManager, NotifyPluginManager] = weakref.WeakKeyDictionary()
_HOOK_NAMES = frozenset(name for name in dir(hookspecs) if name.startswith("notify_"))
_MARK = f"{hookspecs.PROJECT}_impl"  # the attribute pluggy's HookimplMarker sets on what it marks


def plugin_manager(manager: pytest.PytestPluginManager) -> NotifyPluginManager:
    """The ``notify_*`` plugin manager of the pytest session whose plugin manager is ``manager``."""
    hooks = _MANAGERS.get(manager)
    if hooks is None:
        from pytest_notify.hooks import make_plugin_manager

        hooks = _MANAGERS[manager] = make_plugin_manager()
    return hooks


def may_implement_hooks(plugin: object) -> bool:
    """Whether ``plugin`` may have ``notify_*`` implementations, without the plugin manager: a
    routine named like a hook, or marked with ``hookimpl`` (what
    :meth:`~pytest_notify.hooks.NotifyPluginManager.implements_hooks` then checks for good)."""
    try:
        names = [name for name in dir(plugin) if name.startswith("notify_")]
    except Exception:  # an object that cannot even list its attributes has no hooks for us
        return False
    for name in names:
        try:
            value = getattr(plugin, name)
        except Exception:
            continue
        if inspect.isroutine(value) and (name in _HOOK_NAMES or hasattr(value, _MARK)):
            return True
    return False


def pytest_plugin_registered(plugin: object, manager: pytest.PytestPluginManager) -> None:
    """Register a pytest plugin that implements ``notify_*`` hooks with the session's manager too.

    Historic: pytest calls it for the plugins registered before this one as well.
    """
    if plugin is None or not may_implement_hooks(plugin):
        return
    hooks = plugin_manager(manager)
    if hooks.is_registered(plugin) or not hooks.implements_hooks(plugin):
        return
    name = manager.get_name(plugin)
    try:
        hooks.register(plugin, name=None if name is None or hooks.has_plugin(name) else name)
        hooks.check_pending()
    except pluggy.PluginValidationError as error:
        if hooks.is_registered(plugin):
            hooks.unregister(plugin)
        # Raised while pytest loads a conftest or a plugin: pytest shows it as a usage error.
        raise pytest.UsageError(f"govuk-notify: {name or plugin}: {error}") from None


def attach(server: NotifyServer, config: pytest.Config) -> NotifyServer:
    """Make ``server``'s store report to (and ask) this session's ``notify_*`` hooks."""
    from pytest_notify.hooks import HookExtensions

    hooks = plugin_manager(config.pluginmanager)
    server.hooks = hooks
    server.store.extensions = HookExtensions(hooks)
    return server


@pytest.fixture
def notify_hooks(request: pytest.FixtureRequest) -> Iterator[NotifyPluginManager]:
    """The session's ``notify_*`` plugin manager; a plugin a test registers on it is unregistered
    after the test, so it changes that test's sends only.

    ``notify_hooks.register(MyExtension())``; ``notify_hooks.hook.notify_final_status`` and the rest
    are pluggy's."""
    hooks = plugin_manager(request.config.pluginmanager)
    before = hooks.get_plugins()
    try:
        yield hooks
    finally:
        for plugin in hooks.get_plugins() - before:
            hooks.unregister(plugin)
