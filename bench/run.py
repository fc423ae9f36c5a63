"""The benchmark suite: every figure beside its baseline, measured in the same run.

    python bench/run.py            # the full run (about 3 minutes on 2 cores)
    python bench/run.py --quick    # about 30 seconds, fewer and shorter rounds
    python bench/run.py --only http,client,pertest,scale,startup

Method (docs/performance.md says more):

* HTTP and the official client: each server runs in its own process pinned to core 0 (``taskset``),
  the client in this process pinned to core 1. Rounds are interleaved (fake, canned, canned
  unthreaded, then rotated), and the ratios reported are medians of the per-round ratios, because
  these machines drift by 20-30 % over minutes.
* Per-test cost: two generated files of 500 tests, run by pytest in a subprocess, interleaved.
* Scale and start-up: each measurement in a fresh interpreter (``bench/_children.py``).

Only 127.0.0.1 is ever contacted; every loop is bounded in time and stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench._servers import PERSONALISATION, PHONE, canned_body  # noqa: E402

SERVER_KINDS = ("fake", "canned", "canned-unthreaded")
CORES = os.cpu_count() or 1

# Every process the benchmark starts imports from bytecode caches, as a test suite's do (a shell with
# PYTHONDONTWRITEBYTECODE would otherwise make every import compile its source), kept out of the work
# tree. The first run of each measurement (a warm-up) writes them.
PYCACHE = Path(tempfile.gettempdir()) / "pytest-notify-bench-pycache"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPYCACHEPREFIX": str(PYCACHE)}
# What pytest imports for the plugin: the entry point and the two plugins it names in pytest_plugins.
PLUGIN_MODULES = ("pytest_notify.plugin", "pytest_notify.hook_bridge", "pytest_notify.marker_plugin")


# -- helpers ------------------------------------------------------------------------------------


class Server:
    """A benchmark server in its own process, pinned to core 0 when there are two cores or more."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        command = [sys.executable, str(HERE / "_servers.py"), kind]
        if CORES >= 2 and shutil.which("taskset"):
            command = ["taskset", "-c", "0", *command]
        # stderr (pytest-httpserver's access log lines) is discarded: still written, as in a test run.
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
            env=ENV,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {kind} server did not start")
        info = json.loads(line)
        self.port: int = info["port"]
        self.key: str = info["key"]
        self.template_id: str = info["template_id"]
        self.service_id: str = info["service_id"]
        self.secret = self.key[-36:]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss(self) -> int:
        """The server process's resident memory, in bytes."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@contextmanager
def servers() -> Iterator[dict[str, Server]]:
    started = {kind: Server(kind) for kind in SERVER_KINDS}
    try:
        yield started
    finally:
        for server in started.values():
            server.close()


@contextmanager
def client_on_core_1() -> Iterator[None]:
    """Pin this process (the client) to core 1 while the block runs."""
    if CORES < 2 or not hasattr(os, "sched_setaffinity"):
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {1})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


class Tokens:
    """The official clients' JWT: HS256 over ``iss`` and a whole-second ``iat``; one per second here,
    so the client spends its time on HTTP, not on signing."""

    def __init__(self, secret: str, service_id: str) -> None:
        self.secret, self.service_id = secret, service_id
        self._iat, self._token = -1, ""

    def header(self) -> str:
        import jwt

        now = int(time.time())
        if now != self._iat:
            self._iat = now
            self._token = jwt.encode({"iss": self.service_id, "iat": now}, self.secret, algorithm="HS256")
        return f"Bearer {self._token}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def interleaved(rounds: int, kinds: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    """(round, kind) with the order rotated each round: A B C, B C A, C A B..."""
    for r in range(rounds):
        shift = r % len(kinds)
        for kind in kinds[shift:] + kinds[:shift]:
            yield r, kind


# -- HTTP ---------------------------------------------------------------------------------------


def http_round(server: Server, seconds: float) -> dict[str, Any]:
    """Sequential POST /v2/notifications/sms on one keep-alive connection (reopened whenever the
    server closes it) for ``seconds``."""
    body = json.dumps({"phone_number": PHONE, "template_id": server.template_id, "personalisation": PERSONALISATION})
    tokens = Tokens(server.secret, server.service_id)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    latencies: list[float] = []
    connections = 1
    closed = False
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        if closed:
            connections += 1
            closed = False
        conn.request(
            "POST",
            "/v2/notifications/sms",
            body,
            {"Authorization": tokens.header(), "Content-Type": "application/json", "Connection": "keep-alive"},
        )
        response = conn.getresponse()
        data = response.read()
        if response.status != 201:
            raise RuntimeError(f"{server.kind}: {response.status} {data[:300]!r}")
        if response.will_close:
            conn.close()
            closed = True
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    conn.close()
    return {
        "rps": len(latencies) / elapsed,
        "p50_us": percentile(latencies, 50) * 1e6,
        "p99_us": percentile(latencies, 99) * 1e6,
        "requests": len(latencies),
        "connections": connections,
    }


def client_round(server: Server, seconds: float) -> dict[str, Any]:
    """notifications-python-client's send_sms_notification in a loop for ``seconds``."""
    from notifications_python_client.notifications import NotificationsAPIClient

    client = NotificationsAPIClient(server.key, base_url=server.url)
    sends = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        response = client.send_sms_notification(PHONE, server.template_id, personalisation=PERSONALISATION)
        assert response["content"]["body"] == "Hello Jo, your code is 1234", response
        sends += 1
    return {"sends_per_s": sends / (time.perf_counter() - started), "sends": sends}


def soak_gets(server: Server, count: int, max_seconds: float) -> dict[str, Any]:
    """``count`` GET /v2/notifications/{id} (nothing stored; at most ``max_seconds``): the server's
    memory should stay flat. Growth is measured over the second half, after the allocator warmed up."""
    tokens = Tokens(server.secret, server.service_id)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    body = json.dumps({"phone_number": PHONE, "template_id": server.template_id, "personalisation": PERSONALISATION})
    conn.request("POST", "/v2/notifications/sms", body, {"Authorization": tokens.header()})
    notification_id = json.loads(conn.getresponse().read())["id"]
    conn.close()
    done = 0
    halfway: tuple[int, int] | None = None
    deadline = time.perf_counter() + max_seconds
    while done < count and time.perf_counter() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", f"/v2/notifications/{notification_id}", headers={"Authorization": tokens.header()})
        response = conn.getresponse()
        response.read()
        conn.close()
        assert response.status == 200
        done += 1
        if done == count // 2:
            halfway = (done, server.rss())
    if halfway is None or done - halfway[0] < 500:
        return {"requests": done, "growth_bytes_per_request": float("nan")}
    return {"requests": done, "growth_bytes_per_request": (server.rss() - halfway[1]) / (done - halfway[0])}


def run_http(rounds: int, seconds: float, results: dict[str, Any]) -> None:
    print(f"[http] {rounds} interleaved rounds of {seconds:.1f} s per server ...", flush=True)
    per_kind: dict[str, list[dict[str, Any]]] = {k: [] for k in SERVER_KINDS}
    clients: dict[str, list[dict[str, Any]]] = {k: [] for k in SERVER_KINDS}
    with servers() as running, client_on_core_1():
        for kind in SERVER_KINDS:  # warm-up: imports, first connections, allocator
            http_round(running[kind], 0.3)
            client_round(running[kind], 0.3)
        rss_before = running["fake"].rss()
        stored = 0
        for _, kind in interleaved(rounds, SERVER_KINDS):
            result = http_round(running[kind], seconds)
            per_kind[kind].append(result)
            if kind == "fake":
                stored += result["requests"]
        print(f"[client] {rounds} interleaved rounds of notifications-python-client sends ...", flush=True)
        for _, kind in interleaved(rounds, SERVER_KINDS):
            result = client_round(running[kind], seconds)
            clients[kind].append(result)
            if kind == "fake":
                stored += result["sends"]
        stored_growth = (running["fake"].rss() - rss_before) / max(stored, 1)
        canned_growth = running["canned"].rss()
        soak = soak_gets(running["fake"], count=2000 if seconds < 2 else 4000, max_seconds=seconds * 8)
    results["http"] = per_kind
    results["client"] = clients
    results["memory_per_stored_over_http"] = stored_growth
    results["canned_rss_after"] = canned_growth
    results["soak"] = soak


# -- per-test cost --------------------------------------------------------------------------------

NOTIFY_TESTS = """
from notifications_python_client.notifications import NotificationsAPIClient


def _send(notify):
    template = notify.add_template("sms", "Hello ((name))")
    client = NotificationsAPIClient(notify.live_key, base_url=notify.base_url)
    response = client.send_sms_notification("07700 900123", template.id, personalisation={"name": "Jo"})
    assert response["content"]["body"] == "Hello Jo"
"""

CANNED_TESTS = """
from notifications_python_client.notifications import NotificationsAPIClient

KEY = "key-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
BODY = {body!r}
BODY["content"]["body"] = "Hello Jo"


def _send(httpserver):
    httpserver.expect_request("/v2/notifications/sms", method="POST").respond_with_json(BODY, status=201)
    client = NotificationsAPIClient(KEY, base_url=httpserver.url_for("/"))
    response = client.send_sms_notification("07700 900123", TEMPLATE_ID, personalisation={{"name": "Jo"}})
    assert response["content"]["body"] == "Hello Jo"
"""


def write_test_files(directory: Path, count: int) -> dict[str, Path]:
    body = canned_body("26785a09-ab16-4eb0-8407-a37497a57506", "f33517ff-2a88-4f6e-b855-c550268ce08a", 1)
    files = {
        "notify": (NOTIFY_TESTS, "notify"),
        "httpserver": (CANNED_TESTS.format(body=body), "httpserver"),
    }
    paths = {}
    for name, (head, fixture) in files.items():
        tests = "".join(f"\n\ndef test_{i}({fixture}):\n    _send({fixture})\n" for i in range(count))
        path = directory / f"test_{name}_generated.py"
        path.write_text(textwrap.dedent(head) + tests)
        paths[name] = path
    return paths


def run_pytest(directory: Path, path: Path) -> float:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", path.name],
        cwd=directory,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"{path.name} failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    return elapsed


def run_pertest(rounds: int, count: int, results: dict[str, Any], *, warm: bool = True) -> None:
    """``rounds`` runs of each file, interleaved (A B, B A, ...), after one warm-up run of each."""
    print(f"[pertest] {rounds} interleaved runs of {count} tests per file ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="notify-bench-") as tmp:
        directory = Path(tmp)
        (directory / "pytest.ini").write_text("[pytest]\n")
        paths = write_test_files(directory, count)
        if warm:  # the bytecode caches of both files
            run_pytest(directory, paths["notify"])
            run_pytest(directory, paths["httpserver"])
        times: dict[str, list[float]] = {"notify": [], "httpserver": []}
        for _, kind in interleaved(rounds, ("notify", "httpserver")):
            times[kind].append(run_pytest(directory, paths[kind]))
    # Pair the runs of each round.
    diffs = [(a - b) / count * 1000 for a, b in zip(times["notify"], times["httpserver"], strict=True)]
    results["pertest"] = {"count": count, "times": times, "diff_ms_per_test": diffs}


# -- scale ---------------------------------------------------------------------------------------


def child(*args: str, timeout: float = 300) -> Any:
    completed = subprocess.run(
        [sys.executable, str(HERE / "_children.py"), *args],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"_children.py {' '.join(args)} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run_scale(sizes: list[int], page_rounds: int, services: tuple[int, int], results: dict[str, Any]) -> None:
    print(f"[scale] {', '.join(f'{n:,}' for n in sizes)} notifications in one service ...", flush=True)
    results["scale"] = child("scale", ",".join(map(str, sizes)), str(page_rounds))
    print(f"[scale] {services[0]:,} services x {services[1]} notifications ...", flush=True)
    results["services"] = child("services", str(services[0]), str(services[1]), str(page_rounds))


# -- start-up ------------------------------------------------------------------------------------


def _import_time_us(modules: tuple[str, ...]) -> int:
    """``python -X importtime``'s cumulative time for ``modules`` (imported in that order: the ones
    a module imports are counted in its own time), after pytest and pytest-httpserver's plugin
    (which every suite with these installed imports anyway)."""
    completed = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            f"import pytest, pytest_httpserver.pytest_plugin; import {', '.join(modules)}",
        ],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
        env=ENV,
        check=True,
    )
    total, seen = 0, set()
    for line in completed.stderr.splitlines():
        parts = line.split("|")
        # Top-level lines only (no indentation before the name): those the -c statement imported.
        if len(parts) == 3 and parts[2].startswith(" ") and not parts[2].startswith("  "):
            name = parts[2].strip()
            if name in modules:
                total += int(parts[1])
                seen.add(name)
    if modules[0] not in seen:
        raise RuntimeError(f"{modules[0]} not in -X importtime output")
    return total


def _wall(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, check=True, timeout=120)
    return time.perf_counter() - started


def run_startup(rounds: int, results: dict[str, Any]) -> None:
    print("[startup] server start to first response, stop, cold start, plugin import ...", flush=True)
    warm: dict[str, list[dict[str, Any]]] = {"fake": [], "canned": []}
    cold: dict[str, list[float]] = {"fake": [], "canned": []}
    for _, kind in interleaved(max(1, rounds // 3), ("fake", "canned")):
        warm[kind].append(child("startup", kind, "10"))
    for _, kind in interleaved(rounds, ("fake", "canned")):
        started = time.perf_counter()
        child("cold", kind)
        cold[kind].append((time.perf_counter() - started) * 1000)
    _import_time_us(PLUGIN_MODULES)  # warm-up: the bytecode caches
    importtime = [_import_time_us(PLUGIN_MODULES) for _ in range(max(3, rounds))]
    # The same cost as a test suite pays it: `pytest --co` of a one-test suite, with and without the plugin.
    with tempfile.TemporaryDirectory(prefix="notify-bench-") as tmp:
        directory = Path(tmp)
        (directory / "pytest.ini").write_text("[pytest]\n")
        (directory / "test_one.py").write_text("def test_one():\n    pass\n")
        base = [sys.executable, "-m", "pytest", "-q", "--co", "-p", "no:cacheprovider", "-p", "no:randomly"]
        variants = {"with": base, "without": [*base, "-p", "no:govuk_notify"]}
        for command in variants.values():
            _wall(command, directory)
        walls: dict[str, list[float]] = {"with": [], "without": []}
        for _, name in interleaved(rounds, ("with", "without")):
            walls[name].append(_wall(variants[name], directory) * 1000)
    results["startup"] = {
        "warm": {k: {m: median([r[m] for r in v]) for m in ("first_response_ms", "stop_ms")} for k, v in warm.items()},
        "cold_ms": {k: median(v) for k, v in cold.items()},
        "cold_ratio": median([a / b for a, b in zip(cold["fake"], cold["canned"], strict=True)]),
        "importtime_ms": median(importtime) / 1000,
        "pytest_collect_ms": {k: median(v) for k, v in walls.items()},
        "pytest_collect_diff_ms": median([a - b for a, b in zip(walls["with"], walls["without"], strict=True)]),
    }


# -- report --------------------------------------------------------------------------------------


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = f"werkzeug {_version('werkzeug')}, pytest-httpserver {_version('pytest_httpserver')}"
    return (
        f"nproc {CORES}, {model}, Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}; PyJWT {_version('PyJWT')}, {versions}"
    )


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


Row = tuple[str, str, str, str, str, str]


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    """The median and, in brackets, the range of the per-round values."""
    return f"{fmt.format(median(values))} ({fmt.format(min(values))} to {fmt.format(max(values))})"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT met")


def report(results: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    add: Callable[..., None] = lambda *cells: rows.append(tuple(str(c) for c in cells))  # noqa: E731

    if "http" in results:
        http, rounds = results["http"], len(results["http"]["fake"])
        for base in ("canned", "canned-unthreaded"):
            ratios = [f["rps"] / c["rps"] for f, c in zip(http["fake"], http[base], strict=True)]
            add(
                f"POST /v2/notifications/sms, req/s (vs {base})",
                f"{median([r['rps'] for r in http['fake']]):,.0f}",
                f"{median([r['rps'] for r in http[base]]):,.0f}",
                spread(ratios, "{:.2f}x"),
                ">= 0.75x" if base == "canned" else "(info)",
                verdict(median(ratios) >= 0.75) if base == "canned" else "",
            )
        for q in ("p50_us", "p99_us"):
            add(
                f"  latency {q[:3]} (us)",
                f"{median([r[q] for r in http['fake']]):,.0f}",
                f"{median([r[q] for r in http['canned']]):,.0f}",
                f"{median([f[q] / c[q] for f, c in zip(http['fake'], http['canned'], strict=True)]):.2f}x",
                "",
                "",
            )
        add(
            "  TCP connections per request",
            f"{sum(r['connections'] for r in http['fake']) / sum(r['requests'] for r in http['fake']):.2f}",
            f"{sum(r['connections'] for r in http['canned']) / sum(r['requests'] for r in http['canned']):.2f}",
            "",
            "(keep-alive asked)",
            "",
        )
        add("  rounds", rounds, rounds, "", "", "")
    if "client" in results:
        client = results["client"]
        for base in ("canned", "canned-unthreaded"):
            ratios = [f["sends_per_s"] / c["sends_per_s"] for f, c in zip(client["fake"], client[base], strict=True)]
            add(
                f"official client sends/s (vs {base})",
                f"{median([r['sends_per_s'] for r in client['fake']]):,.0f}",
                f"{median([r['sends_per_s'] for r in client[base]]):,.0f}",
                spread(ratios, "{:.2f}x"),
                ">= 0.9x" if base == "canned" else "(info)",
                verdict(median(ratios) >= 0.9) if base == "canned" else "",
            )
    if "memory_per_stored_over_http" in results:
        add(
            "server RSS growth per stored send over HTTP (B)",
            f"{results['memory_per_stored_over_http']:,.0f}",
            "",
            "",
            "<= 2048",
            verdict(results["memory_per_stored_over_http"] <= 2048),
        )
        soak = results["soak"]
        add(
            f"server RSS growth per GET, 2nd half of {soak['requests']:,} GETs (B)",
            f"{soak['growth_bytes_per_request']:,.1f}",
            "",
            "",
            "flat (~0)",
            verdict(abs(soak["growth_bytes_per_request"]) < 100)
            if soak["growth_bytes_per_request"] == soak["growth_bytes_per_request"]
            else "too few",
        )
    if "pertest" in results:
        pertest = results["pertest"]
        n = pertest["count"]
        diff = median(pertest["diff_ms_per_test"])
        add(
            f"per-test cost, {n} tests (ms per test)",
            f"{median(pertest['times']['notify']) / n * 1000:.2f}",
            f"{median(pertest['times']['httpserver']) / n * 1000:.2f}",
            spread(pertest["diff_ms_per_test"], "{:+.2f} ms"),
            "<= 2 ms",
            verdict(diff <= 2.0),
        )
    if "scale" in results:
        scale = results["scale"]
        first = scale[0]
        for entry in scale:
            ratios = [a / b for a, b in zip(entry["first_page_rounds"], first["first_page_rounds"], strict=True)]
            ratio = median(ratios)
            is_target = entry["count"] == 100_000
            add(
                f"first page GET /v2/notifications, {entry['count']:,} stored (ms)",
                f"{entry['first_page_ms']:.2f}",
                f"{first['first_page_ms']:.2f}",
                spread(ratios, "{:.2f}x"),
                "<= 2x of 1,000" if is_target else "",
                verdict(ratio <= 2.0) if is_target else "",
            )
        for entry in scale:
            traced = entry["traced_bytes_per_notification"]
            add(
                f"memory per notification, {entry['count']:,} stored (B)",
                f"{entry['rss_bytes_per_notification']:,.0f}",
                f"traced {traced:,.0f}" if traced else "",
                "",
                "<= 2048",
                verdict(entry["rss_bytes_per_notification"] <= 2048),
            )
        last = scale[-1]
        add(
            f"  worst case, {last['count']:,}: filter matching none / other key type (ms)",
            f"{last['no_match_filter_ms']:.1f} / {last['other_key_type_ms']:.1f}",
            "",
            "",
            "(info)",
            "",
        )
    if "services" in results:
        s = results["services"]
        add(
            f"{s['services']:,} services x {s['per_service']}: first page (ms)",
            f"{s['first_page_ms']:.2f}",
            f"{results['scale'][0]['first_page_ms']:.2f}" if "scale" in results else "",
            "",
            "(info)",
            "",
        )
        add(
            "  memory per service (3 keys, 1 template) / per notification (B)",
            f"{s['rss_bytes_per_service']:,.0f} / {s['rss_bytes_per_notification']:,.0f}",
            "",
            "",
            "<= 2048 per notification",
            verdict(s["rss_bytes_per_notification"] <= 2048),
        )
    if "startup" in results:
        st = results["startup"]
        add(
            "server start to first response, warm (ms)",
            f"{st['warm']['fake']['first_response_ms']:.1f}",
            f"{st['warm']['canned']['first_response_ms']:.1f}",
            "",
            "(info)",
            "",
        )
        add(
            "server stop (ms)",
            f"{st['warm']['fake']['stop_ms']:.1f}",
            f"{st['warm']['canned']['stop_ms']:.1f}",
            "",
            "(info)",
            "",
        )
        add(
            "cold process: python, imports, start, first response (ms)",
            f"{st['cold_ms']['fake']:.0f}",
            f"{st['cold_ms']['canned']:.0f}",
            f"{st['cold_ratio']:.2f}x",
            "(info)",
            "",
        )
        add(
            "plugin import when unused (its 3 modules), -X importtime (ms)",
            f"{st['importtime_ms']:.1f}",
            "0",
            "",
            "<= 20 ms",
            verdict(st["importtime_ms"] <= 20),
        )
        add(
            "  pytest --co one test, with vs -p no:govuk_notify (ms)",
            f"{st['pytest_collect_ms']['with']:.0f}",
            f"{st['pytest_collect_ms']['without']:.0f}",
            f"+{st['pytest_collect_diff_ms']:.0f} ms",
            "<= 20 ms",
            verdict(st["pytest_collect_diff_ms"] <= 20),
        )
    return rows


def print_table(rows: list[Row]) -> None:
    header: Row = ("measure", "fake", "baseline", "ratio / diff (range)", "target", "verdict")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    print(line)
    for row in [header, *rows]:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))
        if row is header:
            print(line)
    print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds (about 30 s)")
    parser.add_argument("--only", default="http,pertest,scale,startup", help="comma-separated sections")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args(argv)
    sections = set(args.only.split(","))
    if "client" in sections:
        sections.add("http")  # measured together, with the same servers
    quick = args.quick
    results: dict[str, Any] = {"machine": machine(), "quick": quick, "load_before": os.getloadavg()}
    started = time.perf_counter()
    print(f"machine: {results['machine']}", flush=True)
    if "http" in sections:
        run_http(rounds=2 if quick else 6, seconds=1.0 if quick else 2.5, results=results)
    if "pertest" in sections:
        run_pertest(rounds=1 if quick else 4, count=200 if quick else 500, results=results, warm=not quick)
    if "scale" in sections:
        sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
        run_scale(sizes, page_rounds=4 if quick else 8, services=(1_000, 5 if quick else 20), results=results)
    if "startup" in sections:
        run_startup(rounds=2 if quick else 6, results=results)
    results["elapsed_s"] = time.perf_counter() - started
    results["load_after"] = os.getloadavg()
    print()
    print(f"pytest-govuk-notify benchmark ({'quick' if quick else 'full'} run, {results['elapsed_s']:.0f} s)")
    print(f"machine: {results['machine']}")
    print(
        "load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f}".format(
            *results["load_before"], *results["load_after"]
        )
    )
    print_table(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
