"""pytest glue for the ``notify_service`` and ``notify_scenario`` markers (loaded by :mod:`.plugin`).

- Registers both markers, and one ``notify_scenario_<name>`` marker per scenario, so that
  ``--strict-markers`` accepts them and ``-m notify_scenario_rate_limited`` selects by scenario.
- Checks every marked test when it is collected: a typo, a wrong type or a value the fake refuses is
  a collection error naming the test, the marker and the argument, before anything runs. The
  ``notify`` fixture checks again, for markers added later (``request.applymarker``...).
- Adds the per-scenario markers to the tests that use a scenario, before ``-m`` selects.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any

import pytest

from pytest_notify import options
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.markers import (
    SCENARIO_MARKER,
    SERVICE_MARKER,
    MarkerCall,
    MarkerError,
    MarkerPlan,
    notify_service,
    plan_from_markers,
    signature_text,
)
from pytest_notify.scenarios import SCENARIOS, scenario_marker_name

DOCS = "docs/markers-and-scenarios.md"

NOTIFY_SERVICE_MARKER = (
    f"{SERVICE_MARKER}({signature_text(notify_service)}): shape the fake GOV.UK Notify service the `notify` "
    f"fixture gives this test. Module, class and test markers stack: the closest wins, key by key. See {DOCS}."
)
NOTIFY_SCENARIO_MARKER = (
    f"{SCENARIO_MARKER}(name, **params): apply a built-in scenario to the `notify` fixture's service: "
    + ", ".join(s.usage() for s in SCENARIOS.values())
    + f". Tests using one also get the marker {SCENARIO_MARKER}_<name>, for -m. See {DOCS}."
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers (``pytest --markers`` lists them with their arguments)."""
    config.addinivalue_line("markers", NOTIFY_SERVICE_MARKER)
    config.addinivalue_line("markers", NOTIFY_SCENARIO_MARKER)
    for scenario in SCENARIOS.values():
        config.addinivalue_line(
            "markers",
            f"{scenario_marker_name(scenario.name)}: set on tests marked "
            f"{SCENARIO_MARKER}({scenario.name!r}), for -m: {scenario.summary}",
        )


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """Turn the collection of a module or class with a bad ``notify_*`` marker into a collection error."""
    report = yield
    if report.passed:
        checked: dict[tuple[int, ...], list[str]] = {}  # tests sharing markers (module, class) are checked once
        problems: list[str] = []
        for node in report.result:
            if isinstance(node, pytest.Item):
                problems.extend(_problems(node, checked))
        if problems:
            report.outcome = "failed"
            report.longrepr = "\n".join(dict.fromkeys(problems))
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with ``notify_scenario_<name>`` for the scenarios it uses, so ``-m`` selects them.

    This runs before pytest's own ``-m`` selection (a plugin's hooks run before pytest's built-in
    ones), and after a ``conftest.py``'s, so scenarios a conftest adds here are included.
    """
    for item in items:
        for marker in item.iter_markers(SCENARIO_MARKER):
            name = marker.args[0] if marker.args else None
            if isinstance(name, str) and name in SCENARIOS:
                wanted = scenario_marker_name(name)
                if item.get_closest_marker(wanted) is None:
                    item.add_marker(getattr(pytest.mark, wanted))


def marker_plan(node: pytest.Item, base: Mapping[str, Any] | None = None) -> MarkerPlan:
    """The test's ``notify_service`` and ``notify_scenario`` markers stacked over ``base`` (the
    session's options); a bad marker fails the test with the message collection would give."""
    try:
        return plan_from_markers(marker_layers(node), base)
    except MarkerError as error:
        pytest.fail(error.located(), pytrace=False)


def marker_layers(node: pytest.Item) -> list[list[MarkerCall]]:
    """The markers of ``node`` and its parents, outermost first; each node's in reading order
    (a decorator above another comes first, so the one nearest the function wins)."""
    layers: list[list[MarkerCall]] = []
    for owner in node.listchain():
        calls = [
            MarkerCall(mark.name, mark.args, mark.kwargs, owner.nodeid)
            for mark in reversed(owner.own_markers)
            if mark.name in (SERVICE_MARKER, SCENARIO_MARKER)
        ]
        if calls:
            layers.append(calls)
    return layers


def _problems(item: pytest.Item, checked: dict[tuple[int, ...], list[str]]) -> list[str]:
    layers = marker_layers(item)
    if not layers:
        return []
    # The Mark objects of a module's or class's markers are shared by its tests.
    key = tuple(id(part) for layer in layers for call in layer for part in (call.args, call.kwargs))
    if key not in checked:
        checked[key] = _check(item, layers)
    return checked[key]


def _check(item: pytest.Item, layers: list[list[MarkerCall]]) -> list[str]:
    from pytest_notify.service_setup import check_settings  # the fake itself: only for marked tests

    try:
        plan = plan_from_markers(layers, options.session_options(item.config).service_overrides())
        check_settings(plan.settings)
    except MarkerError as error:
        return [error.located()]
    except (ConfigurationError, TypeError, ValueError) as error:
        # The settings come from every layer; the closest marker's node is where to look first.
        return [f"{layers[-1][0].where}: @pytest.mark.{SERVICE_MARKER}: {error}"]
    return []


__all__ = ["NOTIFY_SCENARIO_MARKER", "NOTIFY_SERVICE_MARKER", "marker_layers", "marker_plan"]
