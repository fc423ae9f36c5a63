"""Running ``pytest-notify serve --data-dir`` as a real process, on loopback and a free port."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def serve_command(data_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pytest_notify", "serve", "--port", "0", "--data-dir", str(data_dir), *extra]


@contextmanager
def serving(data_dir: Path, *extra: str) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    """A server on ``data_dir`` printing ``--json`` details; stopped with SIGTERM (a clean stop) at the end
    unless the test killed it. Its stderr (the access log) goes to a file beside the data directory, so
    a full pipe never holds the server up."""
    log = (data_dir.parent / f"{data_dir.name}-stderr.log").open("a", encoding="utf-8")
    process = subprocess.Popen(serve_command(data_dir, "--json", *extra), stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            process.wait(timeout=10)
            log.flush()
            raise AssertionError(f"the server did not start: {Path(log.name).read_text(encoding='utf-8')[-2000:]}")
        yield process, json.loads(line)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:  # pragma: no cover - a hung stop fails the test below
                process.kill()
                process.wait(timeout=10)
                raise
        if process.stdout is not None:
            process.stdout.close()
        log.close()


def live_key(details: dict[str, Any]) -> str:
    """The live key of the first service, from a first start's details or a restored start's."""
    if "keys" in details and isinstance(details["keys"], dict):
        return str(details["keys"]["live"])
    service = details["services"][0]
    return next(str(k["key"]) for k in service["keys"] if k["type"] == "live" and not k["revoked"])


def template_ids(details: dict[str, Any]) -> dict[str, str]:
    """The embedded default service's templates, by type."""
    if isinstance(details.get("templates"), dict):
        return {str(k): str(v) for k, v in details["templates"].items()}
    return {str(t["type"]): str(t["id"]) for t in details["services"][0]["templates"]}
