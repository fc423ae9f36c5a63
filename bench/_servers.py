"""One server for the benchmark, in its own process (so it has its own GIL and can be pinned to a core).

    python bench/_servers.py fake|canned|canned-unthreaded

Prints one JSON line (port, key, template id, service id, the canned body) once it answers, then
serves until its standard input closes. Only ever binds 127.0.0.1.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# A live key, a normal UK mobile, a two-placeholder template: JWT, schema, phone number, rendering,
# storage. The same request goes to every server.
PHONE = "07700 900123"
TEMPLATE = "Hello ((name)), your code is ((code))"
PERSONALISATION = {"name": "Jo", "code": "1234"}


def canned_body(service_id: str, template_id: str, port: int) -> dict[str, object]:
    """What the fake answers to the benchmark's send, with a fixed id: the canned handler's 201."""
    notification_id = "740e5834-3a29-46b4-9a6f-16142fde533a"
    root = f"http://127.0.0.1:{port}/"
    return {
        "content": {"body": "Hello Jo, your code is 1234", "from_number": "GOVUK"},
        "id": notification_id,
        "reference": None,
        "scheduled_for": None,
        "template": {
            "id": template_id,
            "uri": f"{root}services/{service_id}/templates/{template_id}",
            "version": 1,
        },
        "uri": f"{root}v2/notifications/{notification_id}",
    }


def main() -> None:
    kind = sys.argv[1]
    service_id = "26785a09-ab16-4eb0-8407-a37497a57506"
    secret = "3d844edf-8d35-48ac-975b-e847b4f122b0"
    template_id = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    if kind == "fake":
        from pytest_notify.domain.store import Store
        from pytest_notify.server import NotifyServer

        store = Store()
        # No rate or daily limit gets in the way of a benchmark (the checks still run).
        service = store.create_service(
            "Bench", service_id=service_id, rate_limit=10**9, sms_limit=10**9, international_sms_limit=10**9
        )
        store.create_api_key(service.id, "live", "bench", secret=secret)
        store.add_template(service.id, "sms", TEMPLATE, template_id=uuid.UUID(template_id))
        server = NotifyServer(store=store)
        server.start()
        port = server.port
        body = None
    else:
        from pytest_httpserver import HTTPServer

        server = HTTPServer(threaded=kind == "canned")
        server.start()
        port = server.port
        body = canned_body(service_id, template_id, port)
        server.expect_request("/v2/notifications/sms", method="POST").respond_with_json(body, status=201)
    key = f"bench-{service_id}-{secret}"
    print(json.dumps({"port": port, "key": key, "template_id": template_id, "service_id": service_id}), flush=True)
    try:
        sys.stdin.read()  # until the benchmark closes our stdin (or dies)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
