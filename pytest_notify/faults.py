"""Fault injection for tests: ``notify.inject_fault(...)``, ``fault(...)`` for markers and scenarios.

A fault rule belongs to one service, so it only ever touches requests authenticated as that service:
other tests on the same server (and requests that fail authentication) are answered as usual.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.faults import FAULT_KINDS, FaultedRequest, FaultRule
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.http.faults import build_rule

FAULT_OPTIONS = ("endpoint", "recipient", "template_id", "times", "probability", "seed", "seconds", "error")
"""The keyword arguments of :meth:`FaultControls.inject_fault` (and of a fault in a marker)."""


@dataclass(frozen=True)
class FaultSpec:
    """A fault described ahead of time (in a marker or a scenario); each test gets a fresh rule from it."""

    kind: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        options = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"fault({self.kind!r}{', ' if options else ''}{options})"


def fault(kind: str | int, **options: Any) -> FaultSpec:
    """Describe a fault for ``@pytest.mark.notify_service(faults=[...])``; takes what ``inject_fault`` takes.

    The arguments are checked at once, so a mistake shows when the test module is collected.
    """
    unknown = sorted(set(options) - set(FAULT_OPTIONS))
    if unknown:
        raise ConfigurationError(
            f"unknown fault option(s) {', '.join(unknown)}; a fault takes {', '.join(FAULT_OPTIONS)}"
        )
    build_rule(kind, **options)
    return FaultSpec(str(kind).strip().lower(), dict(options))


def fault_specs(entries: Any) -> list[FaultSpec]:
    """Read a marker's ``faults=[...]``: each a :func:`fault`, a kind (``"500"``) or a dict with ``kind``."""
    if isinstance(entries, (str, int, Mapping, FaultSpec)) or not isinstance(entries, Iterable):
        raise ConfigurationError(f"faults takes a list, such as [fault('500', endpoint='send_sms')], not {entries!r}")
    specs = []
    for entry in entries:
        if isinstance(entry, FaultSpec):
            specs.append(entry)
        elif isinstance(entry, (str, int)) and not isinstance(entry, bool):
            specs.append(fault(entry))
        elif isinstance(entry, Mapping) and "kind" in entry:
            options = dict(entry)
            specs.append(fault(options.pop("kind"), **options))
        else:
            raise ConfigurationError(
                f"faults: each is fault(...), a kind ({', '.join(FAULT_KINDS)}) or a dict with 'kind'; got {entry!r}"
            )
    return specs


class FaultControls:
    """The fault-injection part of the ``notify`` object (mixed into :class:`NotifyFake`)."""

    store: Store
    service: Service

    def inject_fault(
        self,
        kind: str | int,
        *,
        endpoint: str | Iterable[str] | None = None,
        recipient: str | None = None,
        template_id: str | uuid.UUID | None = None,
        times: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
        seconds: float | None = None,
        error: str | None = None,
    ) -> FaultRule:
        """Make this service's matching requests fail; returns the rule (``applied``, ``remaining``, ``seed``).

        ``kind``: ``"500"`` (Notify's ``Internal server error``; ``error=`` names the exception class,
        ``Exception`` by default), ``"503"`` (a load balancer's HTML page), ``"429"`` (Notify's
        ``RateLimitError``), ``"latency"`` (the normal response, ``seconds`` late), ``"drop"`` (the
        connection closed with no response) or ``"hang"`` (no response until the client gives up, held
        at most ``seconds``, 60 by default).

        ``endpoint``: a name (``"send_sms"``, ``"get_notification"``...), ``"send"`` for every send, an
        official client method name, or ``"POST /v2/notifications/sms"``; a list of them; every endpoint
        when left out. ``recipient`` and ``template_id`` pick sends. ``times`` faults only that many
        matching requests; ``probability`` faults each with that chance, drawn from a generator seeded
        with ``seed`` (random, and shown on the rule, when not given). Rules are tried in the order added.
        Faults act before the request is handled, so a faulted send is not stored; ``latency`` is the
        exception.
        """
        rule = build_rule(
            kind,
            endpoint=endpoint,
            recipient=recipient,
            template_id=template_id,
            times=times,
            probability=probability,
            seed=seed,
            seconds=seconds,
            error=error,
        )
        return self.store.faults_for(self.service.id).add(rule)

    def clear_faults(self) -> None:
        """Remove every fault rule; requests a ``hang`` fault holds are let go. ``faulted_requests`` stays."""
        self.store.faults_for(self.service.id).clear()

    @property
    def fault_rules(self) -> list[FaultRule]:
        """The rules added since the last :meth:`clear_faults`, in the order they are tried."""
        return self.store.faults_for(self.service.id).rules

    @property
    def faulted_requests(self) -> list[FaultedRequest]:
        """The requests faults hit, oldest first (``kind``, ``endpoint``, ``method``, ``path``, ``at``, ``rule``)."""
        return self.store.faults_for(self.service.id).faulted


__all__ = ["FAULT_OPTIONS", "FaultControls", "FaultSpec", "fault", "fault_specs"]
