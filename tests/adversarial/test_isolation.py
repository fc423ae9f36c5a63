"""Isolation: part of the plugin's own suite, whose tests share one session server, passes in a
shuffled order and under xdist.

Each run is a subprocess. The seeds are ``NOTIFY_ISOLATION_SEEDS`` (comma-separated; two by default,
more in the ``adversarial`` tox env). The whole suite under pytest-randomly and xdist is run by the
commands in docs/performance.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [int(s) for s in os.environ.get("NOTIFY_ISOLATION_SEEDS", "1,2").split(",") if s.strip()]
# Tests that share the session's fake server and read back what their own service sent: any leak
# between tests (another test's notifications, keys or counts) fails them.
SUBSET = [
    "tests/conformance/test_python_client_listing.py",
    "tests/conformance/test_fake_helpers.py",
    "tests/conformance/test_api_keys.py",
    "tests/conformance/test_python_client_reports.py",
]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",  # if installed, it would pick its own order: this test chooses
        "-p",
        "tests.adversarial.shuffle_plugin",
        "-k",
        "not more_than_250",  # the slowest test of the subset, and not about isolation
        *args,
        *SUBSET,
    ]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("seed", SEEDS)
def test_subset_passes_in_a_shuffled_order(seed: int) -> None:
    # Odd runs also go through xdist (two workers, the same shuffled order on each).
    xdist = ["-n", "2"] if SEEDS.index(seed) % 2 else []
    result = _run(f"--shuffle-seed={seed}", *xdist)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and " failed" not in result.stdout
