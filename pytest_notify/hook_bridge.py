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

import weakref
from collections.abc import Iterator

import pluggy
import pytest

from pytest_notify.hooks import HookExtensions, NotifyPluginManager, make_plugin_manager
from pytest_notify.server import NotifyServer

# One manager per pytest session, found from pytest's own plugin manager (each pytester run in
# the same process has its own); weak, so a finished run's is let go.
_MANAGERS: weakref.WeakKeyDictionary[pytest.PytestPluginManager, NotifyPluginManager] = weakref.WeakKeyDictionary()


def plugin_manager(manager: pytest.PytestPluginManager) -> NotifyPluginManager:
    """The ``notify_*`` plugin manager of the pytest session whose plugin manager is ``manager``."""
    hooks = _MANAGERS.get(manager)
    if hooks is None:
        hooks = _MANAGERS[manager] = make_plugin_manager()
    return hooks


def pytest_plugin_registered(plugin: object, manager: pytest.PytestPluginManager) -> None:
    """Register a pytest plugin that implements ``notify_*`` hooks with the session's manager too.

    Historic: pytest calls it for the plugins registered before this one as well.
    """
    hooks = plugin_manager(manager)
    if plugin is None or hooks.is_registered(plugin) or not hooks.implements_hooks(plugin):
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
