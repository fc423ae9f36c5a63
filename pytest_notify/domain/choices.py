"""Names the domain accepts that the pytest plugin also needs at start-up, for its options' choices
and help: here, in a module that imports nothing, so that pytest loading the plugin does not import
the domain (docs/performance.md, "plugin import when unused")."""

from __future__ import annotations

ORGANISATION_TYPES = (
    "central",
    "local",
    "nhs_central",
    "nhs_local",
    "nhs_gp",
    "nhs_notify",
    "emergency_service",
    "school_or_college",
    "other",
)
"""Notify's organisation types, which set a service's default limits (re-exported by :mod:`.service`)."""

TIMINGS_MODES = ("instant", "clock", "manual")
"""How sends move on (``Timings.mode``; re-exported as :data:`.timings.MODES`)."""
