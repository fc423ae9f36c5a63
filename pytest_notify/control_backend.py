"""The control API's backend: each service's ``notify`` object over HTTP is a :class:`NotifyFake`.

:mod:`pytest_notify.http.control` may not import ``fake`` (imports go one way), so the server is
given this backend: ``NotifyServer(control=FakeControlBackend())``. ``pytest-notify serve`` does so.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.domain.timings import Timings, parse_timings
from pytest_notify.fake import NotifyFake, service_settings
from pytest_notify.faults import fault_specs
from pytest_notify.http.control_types import ControlBackend
from pytest_notify.markers import SCENARIO_MARKER, SERVICE_MARKER, MarkerCall, MarkerError, plan_from_markers
from pytest_notify.service_setup import ServiceExtras

Reseed = Callable[[Store], Any]
"""Seeds a store as the server was at start and returns what to report (JSON-able)."""


class FakeControlBackend:
    """Makes services as the ``notify`` fixture does, and hands the control API their ``NotifyFake``.

    ``timings`` are what a service created over the control API gets when its settings name none
    (``clock``, the realistic delays, by default); ``reseed`` is what ``POST /_notify/reset`` with
    ``{"reseed": true}`` runs after removing every service.
    """

    def __init__(self, *, timings: str | Mapping[str, Any] | Timings = "clock", reseed: Reseed | None = None) -> None:
        self.timings = parse_timings(timings)
        self._reseed = reseed

    def create(self, store: Store, base_url: str, settings: Mapping[str, Any]) -> NotifyFake:
        """A new service as the ``notify`` fixture makes it from its markers: ``settings`` are the
        ``notify_service`` marker's arguments (checked as the marker's are), with ``scenarios`` (each
        a name or ``{"name": ..., **parameters}``, applied first as ``notify_scenario`` markers) and a
        fixed ``service_id``."""
        options = dict(settings)
        service_id = _service_id(options.pop("service_id", None))
        scenarios = options.pop("scenarios", None) or []
        if "key_misuse" in options:
            raise ConfigurationError("key_misuse: a pytest test is told of key misuse; a server tells no one")
        if not isinstance(scenarios, list):
            raise ConfigurationError(f"scenarios: a list of names or {{'name': ...}} objects, not {scenarios!r}")
        calls = [_scenario_call(entry) for entry in scenarios]
        try:
            plan = plan_from_markers([[*calls, MarkerCall(SERVICE_MARKER, kwargs=options)]])
        except MarkerError as error:
            # The marker's own words, without the decorator a control request never wrote.
            raise ConfigurationError(str(error).replace("@pytest.mark.", "")) from None
        wanted = plan.settings
        wanted.pop("key_misuse", None)  # a scenario may set it; see above
        extras = ServiceExtras.take(wanted, plan.scenarios)
        faults = fault_specs(wanted.pop("faults", None) or ())
        timings = parse_timings(wanted.pop("timings", None) or self.timings)
        service = store.create_service(service_id=service_id, **service_settings(**wanted))
        try:
            store.set_timings(service.id, timings)
            fake = NotifyFake(store, service, base_url, live_key=extras.live_key)
            for spec in faults:
                fake.inject_fault(spec.kind, **spec.options)
            extras.apply(fake)
        except BaseException:
            store.remove_service(service.id)  # nothing half-made stays behind
            raise
        return fake

    def attach(self, store: Store, service: Service, base_url: str) -> NotifyFake:
        """The ``notify`` object of an existing service; no key is made."""
        return NotifyFake(store, service, base_url, new_keys=False)

    def reseed(self, store: Store) -> Any:
        """Seed ``store`` again (None when this server has no seed)."""
        return self._reseed(store) if self._reseed is not None else None


def _service_id(value: Any) -> uuid.UUID | None:
    if value is None:
        return None
    problem = ConfigurationError(f"service_id must be a UUID, such as {uuid.uuid4()}, not {value!r}")
    if not isinstance(value, str):
        raise problem
    try:
        return uuid.UUID(value)
    except ValueError:
        raise problem from None


def _scenario_call(entry: Any) -> MarkerCall:
    """A ``notify_scenario`` marker from ``"name"`` or ``{"name": "rate_limited", ...parameters}``."""
    if isinstance(entry, str):
        return MarkerCall(SCENARIO_MARKER, (entry,))
    if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
        parameters = {k: v for k, v in entry.items() if k != "name"}
        return MarkerCall(SCENARIO_MARKER, (entry["name"],), parameters)
    raise ConfigurationError(f"scenarios: each is a name or an object with 'name' and parameters, not {entry!r}")


def _check(backend: FakeControlBackend) -> ControlBackend:
    # mypy checks here that NotifyFake has every member the control API relies on.
    return backend


__all__ = ["FakeControlBackend", "Reseed"]
