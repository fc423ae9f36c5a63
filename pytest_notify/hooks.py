"""The pluggy side of the ``notify_*`` hooks: the plugin manager, the default plugin, and the adapter
that gives the domain its :class:`~pytest_notify.domain.extensions.Extensions`.

``make_plugin_manager()`` is what the pytest plugin and ``pytest-notify serve`` use::

    hooks = make_plugin_manager()            # specs, the default plugin, entry points
    hooks.register(my_extension)
    store = Store(extensions=HookExtensions(hooks))
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import os
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

import pluggy

from pytest_notify import hookspecs
from pytest_notify.domain.errors import ConfigurationError

if TYPE_CHECKING:
    from pytest_notify.domain.errors import NotifyError
    from pytest_notify.domain.extensions import Rendered
    from pytest_notify.domain.keys import ApiKey
    from pytest_notify.domain.notifications import Notification
    from pytest_notify.domain.service import Service
    from pytest_notify.domain.store import Store
    from pytest_notify.domain.templates import Template

hookimpl = pluggy.HookimplMarker(hookspecs.PROJECT)
"""Marks a ``notify_*`` implementation, with pluggy's options (``tryfirst``, ``trylast``, ``wrapper``...)."""

ENTRY_POINT_GROUP = "pytest_notify"
"""The entry-point group an installed package names its extension module in."""
DEFAULT_PLUGIN_NAME = "pytest_notify.default"

HOOK_NAMES = frozenset(name for name in dir(hookspecs) if name.startswith("notify_"))


class NotifyPluginManager(pluggy.PluginManager):
    """pluggy's plugin manager for project ``pytest_notify``, with the hookspecs added.

    Like pytest with ``pytest_*`` functions, it also takes a function named exactly like a hook
    (``notify_final_status``...) as an implementation without :data:`hookimpl`. Other
    ``notify_*`` names are left alone unless marked, so a helper such as ``notify_team()`` in a
    ``conftest.py`` is not mistaken for a hook; a *marked* function with an unknown name is an
    error (:meth:`check_pending`).
    """

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        """Marked functions as pluggy takes them, and unmarked ones named like a hook."""
        # Only notify_* names are read, so a plugin's other attributes (properties that raise,
        # pytest's own plugins) are never touched.
        if not name.startswith("notify_"):
            return None
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is not None or name not in HOOK_NAMES:
            return opts
        if not inspect.isroutine(getattr(plugin, name, None)):
            return None
        return cast("pluggy.HookimplOpts", {})  # pluggy fills in the defaults

    def implements_hooks(self, plugin: object) -> bool:
        """Whether ``plugin`` has at least one ``notify_*`` implementation this manager would take."""
        try:
            names = dir(plugin)
        except Exception:  # an object that cannot even list its attributes has no hooks for us
            return False
        return any(self.parse_hookimpl_opts(plugin, name) is not None for name in names)


class DefaultPlugin:
    """The fake's own behaviour as hook implementations, registered first and run last."""

    @hookimpl(trylast=True)
    def notify_final_status(self, default: str) -> str:
        """Keep the status the test's rules or the simulator planned."""
        return default

    @hookimpl(trylast=True)
    def notify_render(self, default: Rendered) -> Rendered:
        """Keep Notify's rendering."""
        return default


def make_plugin_manager(plugins: Iterable[object] = (), *, entry_points: bool = True) -> NotifyPluginManager:
    """A plugin manager with the specs, the default plugin, the ``pytest_notify`` entry points of
    installed packages (unless ``entry_points`` is False) and then ``plugins``."""
    manager = NotifyPluginManager()
    manager.register(DefaultPlugin(), name=DEFAULT_PLUGIN_NAME)
    if entry_points:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in plugins:
        manager.register(plugin)
    manager.check_pending()
    return manager


def register_module(manager: pluggy.PluginManager, module_path: str) -> object:
    """Import ``module_path`` (``package.module``) and register it, named by its path; returns it.

    Registering a module that is already registered (by an entry point, say) does nothing.
    """
    module = importlib.import_module(module_path)
    if not manager.is_registered(module):
        manager.register(module, name=None if manager.has_plugin(module_path) else module_path)
        try:
            manager.check_pending()
        except pluggy.PluginValidationError:
            manager.unregister(module)
            raise
    return module


def load_plugins(module_paths: Iterable[str]) -> NotifyPluginManager:
    """The plugin manager of ``pytest-notify serve``: the entry points, then each ``--plugin`` module.

    A module that cannot be imported or whose hooks do not match the specs is a
    :class:`ConfigurationError` naming it. The current directory is importable, as with
    ``python -m``, so ``--plugin my_extension`` finds ``./my_extension.py``.
    """
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    manager = make_plugin_manager()
    for path in module_paths:
        try:
            register_module(manager, path)
        except ImportError as error:
            raise ConfigurationError(f"--plugin {path}: cannot import it: {error}") from None
        except (pluggy.PluginValidationError, ValueError) as error:
            raise ConfigurationError(f"--plugin {path}: {error}") from None
    return manager


class HookError(RuntimeError):
    """A ``notify_*`` implementation raised: named, so it is not taken for a bug of the fake or a
    mistake in a marker. The original exception is its ``__cause__``."""


class HookExtensions:
    """The domain's :class:`~pytest_notify.domain.extensions.Extensions`, answered by the ``notify_*``
    hooks of a plugin manager. Plugins registered later are called too: nothing is cached."""

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self.manager = manager

    def _call(self, name: str, **kwargs: Any) -> Any:
        try:
            return getattr(self.manager.hook, name)(**kwargs)
        except Exception as error:
            raise HookError(f"{name} raised {error!r}") from error

    def service_created(self, store: Store, service: Service) -> None:
        """Call ``notify_service_created``."""
        self._call("notify_service_created", store=store, service=service)

    def send_accepted(self, service: Service, api_key: ApiKey, notification: Notification) -> None:
        """Call ``notify_send_accepted``."""
        self._call("notify_send_accepted", service=service, api_key=api_key, notification=notification)

    def send_refused(self, service: Service, api_key: ApiKey, notification_type: str, error: NotifyError) -> None:
        """Call ``notify_send_refused``."""
        self._call(
            "notify_send_refused", service=service, api_key=api_key, notification_type=notification_type, error=error
        )

    def notification_stored(self, notification: Notification) -> None:
        """Call ``notify_notification_stored``."""
        self._call("notify_notification_stored", notification=notification)

    def final_status(self, notification: Notification, default: str) -> str | None:
        """The first answer of ``notify_final_status`` (the domain validates it)."""
        return cast("str | None", self._call("notify_final_status", notification=notification, default=default))

    def render(
        self, notification_type: str, template: Template, personalisation: Mapping[str, Any], default: Rendered
    ) -> Rendered:
        """The first answer of ``notify_render``: a body, a :class:`Rendered`, or None for ``default``."""
        result = self._call(
            "notify_render",
            notification_type=notification_type,
            template=template,
            personalisation=personalisation,
            default=default,
        )
        from pytest_notify.domain.extensions import Rendered  # imported with the domain: loaded by now

        if result is None:
            return default
        if isinstance(result, str):
            return dataclasses.replace(default, body=result)
        if isinstance(result, Rendered):
            return result
        raise HookError(f"notify_render returned {result!r}; return a str (the body), a Rendered, or None")


__all__ = [
    "DEFAULT_PLUGIN_NAME",
    "ENTRY_POINT_GROUP",
    "DefaultPlugin",
    "HookError",
    "HookExtensions",
    "NotifyPluginManager",
    "hookimpl",
    "load_plugins",
    "make_plugin_manager",
    "register_module",
]
