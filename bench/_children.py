"""Measurements that need a fresh interpreter each: the scale figures and server start-up.

    python bench/_children.py scale 1000,10000,100000 ROUNDS
    python bench/_children.py services N_SERVICES PER_SERVICE
    python bench/_children.py startup fake|canned ROUNDS

Each prints one JSON line. Only ever binds 127.0.0.1.
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
import tracemalloc
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TEMPLATE = "Hello ((name)), your code is ((code))"


def rss() -> int:
    """Resident memory of this process, in bytes."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def _token(secret: str, service_id: str) -> str:
    import jwt

    return jwt.encode({"iss": service_id, "iat": int(time.time())}, secret, algorithm="HS256")


def _new_service(store: Any, index: int = 0) -> tuple[Any, Any, Any]:
    service = store.create_service(f"Scale {index}", rate_limit=10**9, sms_limit=10**9)
    key = store.create_api_key(service.id, "live", "live")
    store.create_api_key(service.id, "team", "team")
    store.create_api_key(service.id, "test", "test")
    template = store.add_template(service.id, "sms", TEMPLATE)
    return service, key, template


def _fill(store: Any, service: Any, key: Any, template: Any, count: int, start: int = 0) -> None:
    """``count`` sends through the store's own send path (schema-valid requests, as the view builds them),
    each with its own personalisation and reference, as distinct requests would have."""
    from pytest_notify.domain.sending import SendRequest

    for i in range(start, start + count):
        request = SendRequest(
            "sms", "07700 900123", template.id, {"name": f"user {i}", "code": str(i)}, reference=f"ref-{i}"
        )
        store.send(service, key, request)


def _first_page_ms(app: Any, service: Any, key: Any, query: str = "", rounds: int = 30) -> float:
    from werkzeug.test import Client

    client = Client(app)
    times = []
    for _ in range(rounds + 2):
        headers = {"Authorization": f"Bearer {_token(key.secret, str(service.id))}"}
        start = time.perf_counter()
        response = client.get(f"/v2/notifications{query}", headers=headers)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.data
    return statistics.median(times[2:]) * 1000


def scale(sizes: list[int], rounds: int) -> list[dict[str, Any]]:
    """One store per size, built in this process one after the other (memory: the growth of RSS while
    each is built), then the first page of each read in interleaved rounds (1,000, 10,000, 100,000,
    then rotated), so their ratio is measured side by side, as the other figures are."""
    from pytest_notify.domain.store import Store
    from pytest_notify.http.app import create_app

    built = []
    for count in sorted(sizes):
        store = Store()
        service, key, template = _new_service(store)
        gc.collect()
        before = rss()
        traced = count == min(sizes) and count <= 1000
        if traced:
            # Exact Python allocations for the small store (tracemalloc slows sends ~4x).
            tracemalloc.start()
            base = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        _fill(store, service, key, template, count)
        build_s = time.perf_counter() - started
        gc.collect()
        traced_per = None
        if traced:
            traced_per = (tracemalloc.get_traced_memory()[0] - base) / count
            tracemalloc.stop()
        built.append(
            {
                "count": count,
                "app": create_app(store),
                "service": service,
                "key": key,
                "build_us_per_send": build_s / count * 1e6,
                "rss_bytes_per_notification": (rss() - before) / count,
                "traced_bytes_per_notification": traced_per,
                "first_page_rounds": [],
            }
        )
    for r in range(rounds):
        shift = r % len(built)
        for entry in built[shift:] + built[:shift]:
            entry["first_page_rounds"].append(_first_page_ms(entry["app"], entry["service"], entry["key"], rounds=5))
    results = []
    for entry in built:
        service, key, app = entry.pop("service"), entry.pop("key"), entry.pop("app")
        entry["first_page_ms"] = statistics.median(entry["first_page_rounds"])
        # Worst cases, for information: a filter nothing matches, and a key type that sent nothing,
        # both read every notification inside retention.
        entry["no_match_filter_ms"] = _first_page_ms(app, service, key, "?template_type=email", rounds=5)
        test_key = next(k for k in service.api_keys if k.key_type.value == "test")
        entry["other_key_type_ms"] = _first_page_ms(app, service, test_key, rounds=5)
        results.append(entry)
    return results


def services(count: int, per_service: int, rounds: int) -> dict[str, Any]:
    from pytest_notify.domain.store import Store
    from pytest_notify.http.app import create_app

    store = Store()
    gc.collect()
    before = rss()
    made = [_new_service(store, i) for i in range(count)]
    gc.collect()
    per_service_bytes = (rss() - before) / count
    before = rss()
    for service, key, template in made:
        _fill(store, service, key, template, per_service)
    gc.collect()
    per_notification = (rss() - before) / (count * per_service)
    service, key, _ = made[-1]
    page = _first_page_ms(create_app(store), service, key, rounds=rounds)
    return {
        "services": count,
        "per_service": per_service,
        "rss_bytes_per_service": per_service_bytes,
        "rss_bytes_per_notification": per_notification,
        "first_page_ms": page,
    }


def startup(kind: str, rounds: int) -> dict[str, Any]:
    """Server start to first answered request, and stop, in a warm process (imports done).
    Each kind imports only its own server, so a cold process measures that import too."""
    if kind == "fake":
        from pytest_notify.server import NotifyServer
    else:
        from pytest_httpserver import HTTPServer

    first, stops = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        if kind == "fake":
            server: Any = NotifyServer()
            server.start()
            url = f"{server.url}/v2/notifications"
        else:
            server = HTTPServer()
            server.expect_request("/v2/notifications").respond_with_json({}, status=401)
            server.start()
            url = server.url_for("/v2/notifications")
        try:
            urllib.request.urlopen(url, timeout=5).read()
        except urllib.error.HTTPError as error:  # both answer 401
            error.read()
        answered = time.perf_counter()
        server.stop()
        stopped = time.perf_counter()
        first.append(answered - started)
        stops.append(stopped - answered)
    return {
        "kind": kind,
        "first_response_ms": statistics.median(first) * 1000,
        "stop_ms": statistics.median(stops) * 1000,
    }


def main() -> None:
    what = sys.argv[1]
    result: Any
    if what == "scale":
        result = scale([int(n) for n in sys.argv[2].split(",")], int(sys.argv[3]))
    elif what == "services":
        result = services(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    elif what == "startup":
        result = startup(sys.argv[2], int(sys.argv[3]))
    elif what == "cold":
        # Interpreter start, imports, server start and the first answer, in one fresh process.
        started = time.perf_counter()
        result = startup(sys.argv[2], 1)
        result["in_process_ms"] = (time.perf_counter() - started) * 1000
    else:
        raise SystemExit(f"unknown measurement {what!r}")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    uuid.uuid4()  # warm the uuid module before anything is timed
    main()
