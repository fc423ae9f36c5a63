"""The official Node client (notifications-node-client 8.4.0) against the fake, over a real socket.

``tests/conformance/node/run.mjs`` drives the client: it takes a JSON scenario on stdin (constructor
arguments, method, arguments; several cases per Node process) and prints what the client got. Every
assertion is here, so failures show in pytest. Expected values come from /work/shared/official-clients.md
§3 (what the Node client sends and depends on) and /work/shared/notify-reference.md §3-§5 (what real
Notify answers), never from the fake's output.

Node and npm are required: CI installs them. Without them these tests FAIL (they do not skip). The client
is installed on first use with ``npm ci`` in ``tests/conformance/node/`` (pinned by its package-lock.json).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pytest_notify.fake import NotifyFake, service_settings
from pytest_notify.server import NotifyServer

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, xdist workers may race on the first install
    fcntl = None  # type: ignore[assignment]

NODE_DIR = Path(__file__).parent / "node"
CLIENT_VERSION = "8.4.0"
NPM_TIMEOUT = 300
NODE_TIMEOUT = 60

pytestmark = pytest.mark.notify_service(
    name="Pigeon Affairs Bureau",
    team_members=[{"email": "jo@example.com", "mobile": "07700 900123"}],
)

# reference §3.6: every key of serialize_with_cost_data() (no line_7); letters add estimated_delivery.
GET_NOTIFICATION_KEYS = {
    "id",
    "reference",
    "email_address",
    "phone_number",
    "line_1",
    "line_2",
    "line_3",
    "line_4",
    "line_5",
    "line_6",
    "postcode",
    "type",
    "status",
    "template",
    "body",
    "subject",
    "created_at",
    "created_by_name",
    "sent_at",
    "completed_at",
    "scheduled_for",
    "postage",
    "one_click_unsubscribe_url",
    "is_cost_data_ready",
    "cost_in_pounds",
    "cost_details",
}
# reference §3.9: Template.serialize_for_v2()
TEMPLATE_KEYS = {
    "id",
    "type",
    "created_at",
    "updated_at",
    "created_by",
    "version",
    "body",
    "subject",
    "name",
    "personalisation",
    "postage",
    "letter_contact_block",
}
# reference §3.11
PREVIEW_KEYS = {"id", "type", "version", "body", "html", "subject", "postage"}
# reference §3.12
RECEIVED_TEXT_KEYS = {"id", "created_at", "service_id", "notify_number", "user_number", "content"}
# reference §0: DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
# reference §10: {scheme}://{host}/d/{b64(service_id)}/{b64(document_id)}?key={b64(key)}, padding stripped
DOCUMENT_URL = re.compile(r"https?://[^/\s]+/d/[A-Za-z0-9_-]{22}/[A-Za-z0-9_-]{22}\?key=[A-Za-z0-9_-]{43}")

# reference §4: U+2019 apostrophe, no full stop
TEAM_KEY_REFUSAL = "Can’t send to this recipient using a team-only API key"
ADDRESS = {
    "address_line_1": "The Occupier",
    "address_line_2": "1 Example Street",
    "address_line_3": "London",
    "postcode": "SW1A 1AA",
}


def error_body(status: int, error: str, message: str) -> dict[str, Any]:
    """The v2 error envelope (reference §2.1)."""
    return {"errors": [{"error": error, "message": message}], "status_code": status}


def small_pdf() -> bytes:
    """A valid one-page A4 PDF (blank), built by hand with a correct cross-reference table."""
    content = b"BT /F1 12 Tf 72 770 Td (Hello from the Node conformance suite) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# ---------------------------------------------------------------------------------------------------------------
# Running the Node client


def as_bytes(data: bytes) -> dict[str, str]:
    """A scenario argument that run.mjs turns into a Buffer."""
    return {"$bytes": base64.b64encode(data).decode("ascii")}


def ref(path: str) -> dict[str, str]:
    """A scenario argument taken from an earlier case's result, e.g. ``ref("sms.data.id")``."""
    return {"$ref": path}


def case(name: str, client: list[Any], method: str, *args: Any) -> dict[str, Any]:
    """One call: ``new NotifyClient(...client).method(...args)``."""
    return {"name": name, "client": client, "method": method, "args": list(args)}


def ok(result: dict[str, Any], status: int | None = None) -> dict[str, Any]:
    """The successful result (and its HTTP status, when given); a readable failure otherwise."""
    assert result["ok"], f"the Node client's call failed: {json.dumps(result, ensure_ascii=False, indent=1)}"
    if status is not None:
        assert result["status"] == status, result
    return result


def failed(result: dict[str, Any]) -> dict[str, Any]:
    """The rejection the client reported (``err.response.status``/``data``); a readable failure otherwise."""
    assert not result["ok"], f"expected the call to fail, it got: {json.dumps(result, ensure_ascii=False)[:2000]}"
    assert "error" in result, f"expected an AxiosError, got a thrown value: {result}"
    return result["error"]


@dataclass
class NodeRunner:
    """Runs ``run.mjs``; ``problem`` says why Node cannot be used (each test then fails with it)."""

    node: str | None
    problem: str | None

    def run(self, *cases: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Run ``cases`` in one Node process, in order; their results by name."""
        if self.problem is not None:
            pytest.fail(self.problem, pytrace=False)
        assert self.node is not None
        scenario = json.dumps({"cases": list(cases), "timeout_ms": 15_000})
        try:
            completed = subprocess.run(
                [self.node, str(NODE_DIR / "run.mjs")],
                input=scenario,
                capture_output=True,
                text=True,
                encoding="utf-8",
                cwd=NODE_DIR,
                env=node_environment(),
                timeout=NODE_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"run.mjs did not finish within {NODE_TIMEOUT} s", pytrace=False)
        if completed.returncode != 0:
            pytest.fail(f"run.mjs exited with {completed.returncode}:\n{completed.stderr}", pytrace=False)
        lines = completed.stdout.strip().splitlines()
        assert lines, f"run.mjs printed nothing; stderr:\n{completed.stderr}"
        results: dict[str, dict[str, Any]] = json.loads(lines[-1])["results"]
        return results

    def call(self, client: list[Any], method: str, *args: Any) -> dict[str, Any]:
        """One call in its own process; its result."""
        return self.run(case("call", client, method, *args))["call"]


def node_environment() -> dict[str, str]:
    """The environment without proxy settings: axios honours HTTP(S)_PROXY even for 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in {"http_proxy", "https_proxy", "all_proxy"}}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost,::1"
    return env


def installed_client_version() -> str | None:
    package = NODE_DIR / "node_modules" / "notifications-node-client" / "package.json"
    try:
        version: str = json.loads(package.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None
    return version


@contextlib.contextmanager
def install_lock() -> Iterator[None]:
    """Serialise the first ``npm ci`` between pytest-xdist workers (npm ci deletes node_modules first)."""
    if fcntl is None:
        yield
        return
    digest = hashlib.sha256(str(NODE_DIR.resolve()).encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"pytest-govuk-notify-npm-{digest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def prepare_node() -> NodeRunner:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = " and ".join(name for name, path in (("node", node), ("npm", npm)) if path is None)
        return NodeRunner(
            None,
            f"{missing} not found on PATH: the Node conformance tests need Node.js (20+) and npm to run "
            f"notifications-node-client {CLIENT_VERSION}; install Node.js (CI does) and re-run.",
        )
    with install_lock():
        if installed_client_version() == CLIENT_VERSION:
            return NodeRunner(node, None)
        command = [npm, "ci" if (NODE_DIR / "package-lock.json").exists() else "install", "--no-audit", "--no-fund"]
        started = time.monotonic()
        try:
            completed = subprocess.run(
                command,
                cwd=NODE_DIR,
                capture_output=True,
                text=True,
                timeout=NPM_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return NodeRunner(None, f"`{' '.join(command)}` in {NODE_DIR} took more than {NPM_TIMEOUT} s")
        if completed.returncode != 0 or installed_client_version() != CLIENT_VERSION:
            return NodeRunner(
                None,
                f"`{' '.join(command)}` in {NODE_DIR} failed after {time.monotonic() - started:.1f} s "
                f"(exit {completed.returncode}), or did not install notifications-node-client "
                f"{CLIENT_VERSION}:\n{completed.stdout}\n{completed.stderr}",
            )
    return NodeRunner(node, None)


@pytest.fixture(scope="module")
def node() -> NodeRunner:
    """The Node runner, with notifications-node-client installed (``npm ci``) if it was missing."""
    return prepare_node()


@pytest.fixture
def live(notify: NotifyFake) -> list[Any]:
    """Constructor arguments for the integrator's client: ``new NotifyClient(baseUrl, liveKey)``."""
    assert notify.live_key is not None, "this test needs a live service"
    return [notify.base_url, notify.live_key]


@pytest.fixture
def other_service_key(notify_server: NotifyServer) -> Iterator[str]:
    """A live key of another service on the same fake server."""
    service = notify_server.store.create_service(**service_settings(name="Another Service"))
    try:
        yield notify_server.store.create_api_key(service.id, "live", "other key").key
    finally:
        notify_server.store.remove_service(service.id)


# ---------------------------------------------------------------------------------------------------------------
# Sending


def test_send_sms_with_personalisation_reference_and_sms_sender_id(
    notify: NotifyFake, node: NodeRunner, live: list[Any]
) -> None:
    template = notify.add_template("sms", "Hi ((name)), your code is ((code))")
    sender_id = notify.add_sms_sender("07700900456")
    unknown_sender = str(uuid.uuid4())
    options = {"personalisation": {"name": "Jo", "code": "1234"}, "reference": "sms-ref"}
    results = node.run(
        case("sender", live, "sendSms", template.id, "07700900001", {**options, "smsSenderId": sender_id}),
        case("default", live, "sendSms", template.id, "07700900001", options),
        case("unknown", live, "sendSms", template.id, "07700900001", {**options, "smsSenderId": unknown_sender}),
    )

    data = ok(results["sender"], 201)["data"]
    assert results["sender"]["url"] == f"{notify.base_url}/v2/notifications/sms"
    assert results["sender"]["content_type"] == "application/json"  # reference §0
    # reference §3.1 / official-clients §4: the sms response shape (no sanitised_content)
    assert set(data) == {"id", "reference", "content", "uri", "template", "scheduled_for"}
    assert data["reference"] == "sms-ref"
    assert data["scheduled_for"] is None
    assert data["content"] == {"body": "Hi Jo, your code is 1234", "from_number": "447700900456"}
    assert data["uri"] == f"{notify.base_url}/v2/notifications/{data['id']}"
    assert data["template"] == {
        "id": template.id,
        "version": 1,
        "uri": f"{notify.base_url}/services/{notify.service_id}/templates/{template.id}",
    }

    # official-clients §10: Node needs from_number to be a string (the default sender here)
    default = ok(results["default"], 201)["data"]["content"]
    assert isinstance(default["from_number"], str)
    assert default["from_number"]

    # reference §13: an sms_sender_id of no sender of the service
    error = failed(results["unknown"])
    assert error["status"] == 400
    assert error["data"] == error_body(
        400,
        "BadRequestError",
        f"sms_sender_id {unknown_sender} does not exist in database for service id {notify.service_id}",
    )

    sent = notify.notifications.only(id=data["id"])
    assert (sent.type, sent.to, sent.reference, sent.key_type) == ("sms", "07700900001", "sms-ref", "normal")
    assert sent.personalisation == {"name": "Jo", "code": "1234"}
    assert len(notify.notifications) == 2


def test_send_email_with_every_option(notify: NotifyFake, node: NodeRunner, live: list[Any]) -> None:
    template = notify.add_template("email", "Dear ((name)),\n\nYour code is ((code))", subject="Code for ((code))")
    reply_to_id = notify.add_reply_to_address("replies@example.com")
    unknown_reply_to = str(uuid.uuid4())
    options = {
        "personalisation": {"name": "User, [click here](https://evil.link)", "code": "1234"},
        "reference": "email-ref",
        "emailReplyToId": reply_to_id,
        "oneClickUnsubscribeURL": "https://example.com/unsubscribe?u=1",
        "sanitiseContentFor": ["name"],
    }
    results = node.run(
        case("email", live, "sendEmail", template.id, "someone@example.com", options),
        case(
            "unknown",
            live,
            "sendEmail",
            template.id,
            "someone@example.com",
            {**options, "emailReplyToId": unknown_reply_to},
        ),
        case("get", live, "getNotificationById", ref("email.data.id")),
        case(
            "http_unsubscribe",
            live,
            "sendEmail",
            template.id,
            "someone@example.com",
            {**options, "oneClickUnsubscribeURL": "http://example.com/unsubscribe"},
        ),
    )

    data = ok(results["email"], 201)["data"]
    assert set(data) == {"id", "reference", "content", "uri", "template", "scheduled_for", "sanitised_content"}
    assert data["reference"] == "email-ref"
    assert data["scheduled_for"] is None
    assert data["uri"] == f"{notify.base_url}/v2/notifications/{data['id']}"
    # reference §3.2 / official-clients §4: sanitising escapes markdown and removes links
    sanitised = "User, \\[click here\\]\\(\\)"
    assert data["sanitised_content"] == {
        "name": {"unsanitised": "User, [click here](https://evil.link)", "sanitised": sanitised}
    }
    assert data["content"] == {
        "from_email": "pigeon.affairs.bureau@notifications.service.gov.uk",
        "body": f"Dear {sanitised},\n\nYour code is 1234",
        "subject": "Code for 1234",
        "one_click_unsubscribe_url": "https://example.com/unsubscribe?u=1",
    }
    assert data["template"]["id"] == template.id

    error = failed(results["unknown"])
    assert error["status"] == 400
    assert error["data"] == error_body(
        400,
        "BadRequestError",
        f"email_reply_to_id {unknown_reply_to} does not exist in database for service id {notify.service_id}",
    )

    # reference §3.2 / §3.13
    error = failed(results["http_unsubscribe"])
    assert error["status"] == 400
    assert error["data"] == error_body(400, "ValidationError", "one_click_unsubscribe_url is not a valid https url")

    got = ok(results["get"], 200)["data"]
    assert got["one_click_unsubscribe_url"] == "https://example.com/unsubscribe?u=1"
    assert got["email_address"] == "someone@example.com"
    assert got["reference"] == "email-ref"
    assert notify.notifications.only(id=data["id"]).personalisation["name"] == sanitised


def test_send_email_without_an_unsubscribe_url_gives_strict_nulls(
    notify: NotifyFake, node: NodeRunner, live: list[Any]
) -> None:
    template = notify.add_template("email", "Hello ((name))", subject="Hi")
    results = node.run(
        case("email", live, "sendEmail", template.id, "someone@example.com", {"personalisation": {"name": "Zoë’s"}}),
        case("get", live, "getNotificationById", ref("email.data.id")),
    )

    data = ok(results["email"], 201)["data"]
    # official-clients §10: Node requires content.one_click_unsubscribe_url === null (present, not missing)
    assert "one_click_unsubscribe_url" in data["content"]
    assert data["content"]["one_click_unsubscribe_url"] is None
    # reference §3.2: sanitised_content is always present for email
    assert data["sanitised_content"] == {}
    assert data["reference"] is None
    assert data["content"]["body"] == "Hello Zoë’s"  # non-ASCII survives both ways (reference §0: \u escapes)
    got = ok(results["get"], 200)["data"]
    assert "one_click_unsubscribe_url" in got
    assert got["one_click_unsubscribe_url"] is None


def test_javascript_values_in_personalisation(notify: NotifyFake, node: NodeRunner, live: list[Any]) -> None:
    sms = notify.add_template("sms", "((count)) ((flag)) ((price)) ((items)) [((empty))]")
    email = notify.add_template("email", "Dear ((name)),\n\n((items))\n\nbye", subject="Hi ((name)) ((flag))")
    values = {"count": 5, "flag": True, "price": 1.5, "items": ["a", "b", None], "empty": ""}
    results = node.run(
        case("sms", live, "sendSms", sms.id, "07700900001", {"personalisation": values}),
        case(
            "email",
            live,
            "sendEmail",
            email.id,
            "someone@example.com",
            {"personalisation": {"name": "Jo", "items": ["a", "b"], "flag": False}},
        ),
        case("null", live, "sendSms", sms.id, "07700900001", {"personalisation": {**values, "count": None}}),
    )

    # reference §9.4: str(value) (true -> "True"); lists are "a and b" in SMS, a bullet list in email
    assert ok(results["sms"], 201)["data"]["content"]["body"] == "5 True 1.5 a and b []"
    content = ok(results["email"], 201)["data"]["content"]
    assert content["body"] == "Dear Jo,\n\n\n\n* a\n* b\n\nbye"
    assert content["subject"] == "Hi Jo False"
    # reference §9.3: null counts as missing (an empty string does not)
    error = failed(results["null"])
    assert error["status"] == 400
    assert error["data"] == error_body(400, "BadRequestError", "Missing personalisation: count")


def test_send_letter_from_a_template(notify: NotifyFake, node: NodeRunner, live: list[Any]) -> None:
    notify.set_timings(sending=3600, final=7200)  # the letter stays "created", shown as "accepted"
    template = notify.add_template(
        "letter", "Dear ((name)),\n\nThanks", subject="Re: ((name)) & co - x", postage="first"
    )
    personalisation = {**ADDRESS, "name": "Jo"}
    results = node.run(
        case(
            "letter", live, "sendLetter", template.id, {"personalisation": personalisation, "reference": "letter-ref"}
        ),
        case("get", live, "getNotificationById", ref("letter.data.id")),
        case(
            "team", [notify.base_url, notify.team_key], "sendLetter", template.id, {"personalisation": personalisation}
        ),
    )

    result = ok(results["letter"], 201)
    assert result["url"] == f"{notify.base_url}/v2/notifications/letter"
    data = result["data"]
    # reference §3.3
    assert set(data) == {"id", "reference", "content", "uri", "template", "scheduled_for"}
    assert data["reference"] == "letter-ref"
    assert data["scheduled_for"] is None
    assert data["uri"] == f"{notify.base_url}/v2/notifications/{data['id']}"
    assert data["content"] == {"body": "Dear Jo,\n\nThanks", "subject": "Re: Jo &amp; co – x"}
    assert data["template"] == {
        "id": template.id,
        "version": 1,
        "uri": f"{notify.base_url}/services/{notify.service_id}/templates/{template.id}",
    }

    # reference §3.6: letters get line_N/postcode, postage and estimated_delivery; created/sending is "accepted"
    got = ok(results["get"], 200)["data"]
    assert set(got) == GET_NOTIFICATION_KEYS | {"estimated_delivery"}
    assert got["type"] == "letter"
    assert got["status"] == "accepted"
    assert [got[f"line_{n}"] for n in range(1, 7)] == ["The Occupier", "1 Example Street", "London", None, None, None]
    assert got["postcode"] == "SW1A 1AA"
    assert got["postage"] == "first"
    assert got["reference"] == "letter-ref"
    assert got["email_address"] is None
    assert got["phone_number"] is None
    assert DATETIME.match(got["estimated_delivery"]), got["estimated_delivery"]

    # reference §4: a team key can never send letters (403, BadRequestError)
    error = failed(results["team"])
    assert error["status"] == 403
    assert error["data"] == error_body(403, "BadRequestError", "Cannot send letters with a team api key")


def test_send_precompiled_letter(notify: NotifyFake, node: NodeRunner, live: list[Any]) -> None:
    notify.set_timings(sending=3600, final=7200)
    pdf = small_pdf()
    results = node.run(
        case("first", live, "sendPrecompiledLetter", "precompiled-ref", as_bytes(pdf), "first"),
        case("default", live, "sendPrecompiledLetter", "precompiled-ref-2", as_bytes(pdf)),
        case("europe", live, "sendPrecompiledLetter", "precompiled-ref-3", as_bytes(pdf), "europe"),
        case("get", live, "getNotificationById", ref("first.data.id")),
        case("pdf", live, "getPdfForLetterNotification", ref("first.data.id")),
    )

    # reference §3.4: only {id, reference, postage}, reference echoed, postage defaults to second
    data = ok(results["first"], 201)["data"]
    assert set(data) == {"id", "reference", "postage"}
    assert data["reference"] == "precompiled-ref"
    assert data["postage"] == "first"
    default = ok(results["default"], 201)["data"]
    assert (default["reference"], default["postage"]) == ("precompiled-ref-2", "second")
    # the client's PostageType allows "europe"; the precompiled schema does not (reference §3.4, §3.13)
    error = failed(results["europe"])
    assert error["status"] == 400
    assert error["data"] == error_body(
        400, "ValidationError", "postage invalid. It must be either first, second or economy."
    )

    got = ok(results["get"], 200)["data"]
    assert got["type"] == "letter"
    assert got["status"] == "pending-virus-check"
    assert got["line_1"] == "Provided as PDF"
    assert got["reference"] == "precompiled-ref"
    assert got["postage"] == "first"
    assert got["is_cost_data_ready"] is False

    # reference §3.8 / official-clients §3.4: the client JSON.parses the arraybuffer error body
    error = failed(results["pdf"])
    assert error["status"] == 400
    assert error["data"] == error_body(400, "PDFNotReadyError", "PDF not available yet, try again later")

    sent = notify.notifications.only(id=data["id"])
    assert (sent.type, sent.reference) == ("letter", "precompiled-ref")
    assert len(notify.notifications) == 2


# ---------------------------------------------------------------------------------------------------------------
# Reading notifications


def test_get_notification_by_id(notify: NotifyFake, node: NodeRunner) -> None:
    template = notify.add_template("sms", "Hi ((name))")
    test_client = [notify.base_url, notify.test_key]
    missing = str(uuid.uuid4())
    results = node.run(
        case("sms", test_client, "sendSms", template.id, "07700 900 001", {"personalisation": {"name": "Jo"}}),
        case("get", test_client, "getNotificationById", ref("sms.data.id")),
        case("missing", test_client, "getNotificationById", missing),
        case("bad", test_client, "getNotificationById", "not-a-uuid"),
    )

    sent = ok(results["sms"], 201)["data"]
    result = ok(results["get"], 200)
    assert result["url"] == f"{notify.base_url}/v2/notifications/{sent['id']}"
    got = result["data"]
    assert set(got) == GET_NOTIFICATION_KEYS
    assert got["id"] == sent["id"]
    assert got["type"] == "sms"
    assert got["phone_number"] == "07700 900 001"  # as sent, not normalised (reference §3.6)
    assert got["email_address"] is None
    assert got["body"] == "Hi Jo"
    assert got["subject"] is None
    assert got["template"] == {
        "id": template.id,
        "version": 1,
        "uri": f"{notify.base_url}/v2/template/{template.id}/version/1",
    }
    assert DATETIME.match(got["created_at"]), got["created_at"]
    assert got["created_by_name"] is None
    assert got["scheduled_for"] is None
    assert got["postage"] is None
    assert got["one_click_unsubscribe_url"] is None
    assert isinstance(got["is_cost_data_ready"], bool)
    assert got["status"] in {"created", "sending", "delivered"}

    error = failed(results["missing"])
    assert error["status"] == 404
    assert error["data"] == error_body(404, "NoResultFound", "No result found")
    assert error["message"] == "Request failed with status code 404"
    error = failed(results["bad"])
    assert error["status"] == 400
    assert error["data"] == error_body(400, "ValidationError", "notification_id is not a valid UUID")


def test_get_notifications_with_each_filter(notify: NotifyFake, node: NodeRunner, live: list[Any]) -> None:
    notify.set_timings(sending=3600, final=7200)  # everything stays "created"
    sms = notify.add_template("sms", "Hi")
    email = notify.add_template("email", "Hello", subject="Hi")
    base = f"{notify.base_url}/v2/notifications"
    results = node.run(
        case("a", live, "sendSms", sms.id, "07700900001", {"reference": "ref-a"}),
        case("b", live, "sendEmail", email.id, "someone@example.com", {"reference": "my ref&x"}),
        case("c", live, "sendSms", sms.id, "07700900002", {"reference": "ref-c"}),
        case("t", [notify.base_url, notify.test_key], "sendSms", sms.id, "07700900003"),
        case("all", live, "getNotifications"),
        case("sms", live, "getNotifications", "sms"),
        case("email", live, "getNotifications", "email"),
        case("created", live, "getNotifications", None, "created"),
        case("delivered", live, "getNotifications", None, "delivered"),
        case("reference", live, "getNotifications", None, None, "my ref&x"),
        case("older", live, "getNotifications", None, None, None, ref("c.data.id")),
        case("combined", live, "getNotifications", "sms", "created", "ref-a", ref("c.data.id")),
        case("test_key", [notify.base_url, notify.test_key], "getNotifications"),
        case("bad_type", live, "getNotifications", "fax"),
    )
    a, b, c, t = (ok(results[name], 201)["data"]["id"] for name in "abct")

    def ids(name: str) -> list[str]:
        return [n["id"] for n in ok(results[name], 200)["data"]["notifications"]]

    # reference §3.7: the caller's key type only, newest first; links.next whenever the page is non-empty
    everything = ok(results["all"], 200)["data"]
    assert set(everything) == {"notifications", "links"}
    assert ids("all") == [c, b, a]
    assert everything["links"] == {"current": base, "next": f"{base}?older_than={a}"}
    assert all(set(n) == GET_NOTIFICATION_KEYS for n in everything["notifications"])
    assert ids("sms") == [c, a]
    assert results["sms"]["url"] == f"{base}?template_type=sms"
    assert results["sms"]["data"]["links"]["current"] == f"{base}?template_type=sms"
    assert ids("email") == [b]
    assert ids("created") == [c, b, a]
    assert ids("delivered") == []
    assert results["delivered"]["data"]["links"] == {"current": f"{base}?status=delivered"}
    # official-clients §3.4: values go through encodeURIComponent; reference §3.7: current encodes spaces as +
    assert results["reference"]["url"] == f"{base}?reference=my%20ref%26x"
    assert ids("reference") == [b]
    assert results["reference"]["data"]["links"]["current"] == f"{base}?reference=my+ref%26x"
    assert results["older"]["url"] == f"{base}?older_than={c}"
    assert ids("older") == [b, a]
    assert results["combined"]["url"] == f"{base}?template_type=sms&status=created&reference=ref-a&older_than={c}"
    assert ids("combined") == [a]
    assert results["combined"]["data"]["links"] == {
        "current": f"{base}?template_type=sms&status=created&reference=ref-a&older_than={c}",
        "next": f"{base}?template_type=sms&status=created&reference=ref-a&older_than={a}",
    }
    assert ids("test_key") == [t]

    error = failed(results["bad_type"])
    assert error["status"] == 400
    assert error["data"] == error_body(400, "ValidationError", "template_type fax is not one of [sms, email, letter]")


def test_get_pdf_for_letter_notification(notify: NotifyFake, node: NodeRunner) -> None:
    letter = notify.add_template("letter", "Dear ((name))", subject="Hello")
    sms = notify.add_template("sms", "Hi")
    test_client = [notify.base_url, notify.test_key]
    results = node.run(
        case("letter", test_client, "sendLetter", letter.id, {"personalisation": {**ADDRESS, "name": "Jo"}}),
        case("pdf", test_client, "getPdfForLetterNotification", ref("letter.data.id")),
        case("sms", test_client, "sendSms", sms.id, "07700900001"),
        case("not_letter", test_client, "getPdfForLetterNotification", ref("sms.data.id")),
        case("missing", test_client, "getPdfForLetterNotification", str(uuid.uuid4())),
    )

    ok(results["letter"], 201)
    # official-clients §3.4: resolves to a Buffer (not the axios response)
    pdf = ok(results["pdf"])
    assert "buffer" in pdf, pdf
    assert pdf["buffer"]["head"] == "%PDF-"
    assert pdf["buffer"]["length"] > 100

    ok(results["sms"], 201)
    error = failed(results["not_letter"])
    assert error["status"] == 400
    assert error["data"] == error_body(400, "BadRequestError", "Notification is not a letter")
    error = failed(results["missing"])
    assert error["status"] == 404
    assert error["data"] == error_body(404, "NoResultFound", "No result found")


def test_get_pdf_of_a_precompiled_letter_once_scanned(notify: NotifyFake, node: NodeRunner, live: list[Any]) -> None:
    pdf = small_pdf()  # default timings: the virus check is passed as soon as the letter can be read
    sent = ok(node.call(live, "sendPrecompiledLetter", "scanned", as_bytes(pdf)), 201)["data"]
    result = ok(node.call(live, "getPdfForLetterNotification", sent["id"]))
    assert "buffer" in result, result
    assert result["buffer"]["head"] == "%PDF-"
    assert result["buffer"]["length"] > 100


# ---------------------------------------------------------------------------------------------------------------
# Templates


def test_get_template_by_id(notify: NotifyFake, node: NodeRunner, live: list[Any]) -> None:
    email = notify.add_template("email", "Dear ((name)), ((Code))", subject="About ((topic))", name="Welcome")
    sms = notify.add_template("sms", "Your code is ((code))", name="Code")
    letter = notify.add_template(
        "letter",
        "Dear ((name))",
        subject="Re ((topic))",
        name="Letter",
        postage="economy",
        letter_contact_block="Pigeon Affairs Bureau\n((contact))",
    )
    missing = str(uuid.uuid4())
    results = node.run(
        case("email", live, "getTemplateById", email.id),
        case("sms", live, "getTemplateById", sms.id),
        case("letter", live, "getTemplateById", letter.id),
        case("missing", live, "getTemplateById", missing),
    )

    result = ok(results["email"], 200)
    assert result["url"] == f"{notify.base_url}/v2/template/{email.id}"
    data = result["data"]
    # reference §3.9
    assert set(data) == TEMPLATE_KEYS
    assert data["id"] == email.id
    assert data["type"] == "email"
    assert data["name"] == "Welcome"
    assert data["version"] == 1
    assert data["body"] == "Dear ((name)), ((Code))"
    assert data["subject"] == "About ((topic))"
    assert data["personalisation"] == {
        "topic": {"required": True},
        "name": {"required": True},
        "Code": {"required": True},
    }
    assert data["postage"] is None
    assert data["letter_contact_block"] is None
    assert DATETIME.match(data["created_at"]), data["created_at"]
    assert isinstance(data["created_by"], str)
    assert "@" in data["created_by"]

    data = ok(results["sms"], 200)["data"]
    assert set(data) == TEMPLATE_KEYS
    assert data["subject"] is None
    assert data["personalisation"] == {"code": {"required": True}}

    data = ok(results["letter"], 200)["data"]
    assert data["type"] == "letter"
    assert data["postage"] == "economy"
    assert data["letter_contact_block"] == "Pigeon Affairs Bureau\n((contact))"
    assert data["personalisation"] == {
        "topic": {"required": True},
        "name": {"required": True},
        "contact": {"required": True},
    }

    error = failed(results["missing"])
    assert error["status"] == 404
    assert error["data"] == error_body(404, "NoResultFound", "No result found")


def test_get_template_by_id_and_version(notify: NotifyFake, node: NodeRunner, live: list[Any]) -> None:
    template = notify.add_template("sms", "First ((one))")
    updated = notify.update_template(template.id, body="Second ((two))")
    assert updated.version == 2
    results = node.run(
        case("v1", live, "getTemplateByIdAndVersion", template.id, 1),
        case("v2", live, "getTemplateByIdAndVersion", template.id, 2),
        case("latest", live, "getTemplateById", template.id),
        case("v3", live, "getTemplateByIdAndVersion", template.id, 3),
    )

    v1 = ok(results["v1"], 200)
    assert v1["url"] == f"{notify.base_url}/v2/template/{template.id}/version/1"
    assert set(v1["data"]) == TEMPLATE_KEYS
    assert (v1["data"]["version"], v1["data"]["body"]) == (1, "First ((one))")
    assert v1["data"]["personalisation"] == {"one": {"required": True}}
    v2 = ok(results["v2"], 200)["data"]
    assert (v2["version"], v2["body"]) == (2, "Second ((two))")
    assert v2["personalisation"] == {"two": {"required": True}}
    latest = ok(results["latest"], 200)["data"]
    assert (latest["version"], latest["body"]) == (2, "Second ((two))")
    error = failed(results["v3"])
    assert error["status"] == 404
    assert error["data"] == error_body(404, "NoResultFound", "No result found")


def test_get_all_templates_with_and_without_type(notify: NotifyFake, node: NodeRunner, live: list[Any]) -> None:
    letter = notify.add_template("letter", "Dear ((name))", subject="Hi", name="A letter")
    sms = notify.add_template("sms", "Hi", name="B text")
    email = notify.add_template("email", "Hello", subject="Hi", name="C email")
    results = node.run(
        case("all", live, "getAllTemplates"),
        case("sms", live, "getAllTemplates", "sms"),
        case("email", live, "getAllTemplates", "email"),
        case("letter", live, "getAllTemplates", "letter"),
        case("bad", live, "getAllTemplates", "fax"),
    )

    everything = ok(results["all"], 200)
    assert everything["url"] == f"{notify.base_url}/v2/templates"
    assert set(everything["data"]) == {"templates"}
    # reference §3.10: ordered by name, then type
    assert [t["id"] for t in everything["data"]["templates"]] == [letter.id, sms.id, email.id]
    assert all(set(t) == TEMPLATE_KEYS for t in everything["data"]["templates"])
    assert results["sms"]["url"] == f"{notify.base_url}/v2/templates?type=sms"
    assert [t["id"] for t in ok(results["sms"], 200)["data"]["templates"]] == [sms.id]
    assert [t["id"] for t in ok(results["email"], 200)["data"]["templates"]] == [email.id]
    assert [t["id"] for t in ok(results["letter"], 200)["data"]["templates"]] == [letter.id]
    error = failed(results["bad"])
    assert error["status"] == 400
    assert error["data"] == error_body(400, "ValidationError", "type fax is not one of [sms, email, letter]")


def test_get_all_templates_of_a_service_with_none(notify: NotifyFake, node: NodeRunner, live: list[Any]) -> None:
    assert ok(node.call(live, "getAllTemplates"), 200)["data"] == {"templates": []}


def test_preview_template_by_id_with_and_without_personalisation(
    notify: NotifyFake, node: NodeRunner, live: list[Any]
) -> None:
    email = notify.add_template("email", "Some ((thing))", subject="About ((thing))")
    sms = notify.add_template("sms", "Fixed text")
    letter = notify.add_template("letter", "Dear ((name))", subject="Hello", postage="first")
    results = node.run(
        case("email", live, "previewTemplateById", email.id, {"thing": "content"}),
        case("missing_personalisation", live, "previewTemplateById", email.id),
        case("sms", live, "previewTemplateById", sms.id),
        case("letter", live, "previewTemplateById", letter.id, {"name": "Jo"}),
        case("unknown", live, "previewTemplateById", str(uuid.uuid4()), {"thing": "x"}),
    )

    result = ok(results["email"], 200)
    assert result["url"] == f"{notify.base_url}/v2/template/{email.id}/preview"
    data = result["data"]
    # reference §3.11
    assert set(data) == PREVIEW_KEYS
    assert (data["id"], data["type"], data["version"]) == (email.id, "email", 1)
    assert data["body"] == "Some content"
    assert data["subject"] == "About content"
    assert data["postage"] is None
    assert isinstance(data["html"], str)
    assert "Some content</p>" in data["html"]

    # previewTemplateById with no personalisation sends {} (official-clients §3.4)
    error = failed(results["missing_personalisation"])
    assert error["status"] == 400
    assert error["data"] == error_body(400, "BadRequestError", "Missing personalisation: thing")

    data = ok(results["sms"], 200)["data"]
    assert set(data) == PREVIEW_KEYS
    assert data["body"] == "Fixed text"
    assert data["html"] is None
    assert data["subject"] is None
    assert data["postage"] is None

    data = ok(results["letter"], 200)["data"]
    assert (data["type"], data["body"], data["subject"], data["postage"]) == ("letter", "Dear Jo", "Hello", "first")
    assert data["html"] is None

    error = failed(results["unknown"])
    assert error["status"] == 404
    assert error["data"] == error_body(404, "NoResultFound", "No result found")


# ---------------------------------------------------------------------------------------------------------------
# Received texts and files


def test_get_received_texts_with_and_without_older_than(notify: NotifyFake, node: NodeRunner, live: list[Any]) -> None:
    first = notify.receive_sms("first message", "07700900123")
    second = notify.receive_sms("second message", "+44 7700 900456")
    base = f"{notify.base_url}/v2/received-text-messages"
    results = node.run(
        case("all", live, "getReceivedTexts"),
        case("older", live, "getReceivedTexts", second),
        case("oldest", live, "getReceivedTexts", first),
    )

    everything = ok(results["all"], 200)
    assert everything["url"] == base
    data = everything["data"]
    # reference §3.12: newest first; current never has older_than; next whenever the page is non-empty
    assert set(data) == {"received_text_messages", "links"}
    messages = data["received_text_messages"]
    assert [m["id"] for m in messages] == [second, first]
    assert all(set(m) == RECEIVED_TEXT_KEYS for m in messages)
    assert [m["content"] for m in messages] == ["second message", "first message"]
    assert [m["user_number"] for m in messages] == ["447700900456", "447700900123"]
    assert all(m["service_id"] == notify.service_id for m in messages)
    assert all(isinstance(m["notify_number"], str) and m["notify_number"] for m in messages)
    assert all(DATETIME.match(m["created_at"]) for m in messages)
    assert data["links"] == {"current": base, "next": f"{base}?older_than={first}"}

    older = ok(results["older"], 200)
    assert older["url"] == f"{base}?older_than={second}"
    assert [m["id"] for m in older["data"]["received_text_messages"]] == [first]
    assert older["data"]["links"] == {"current": base, "next": f"{base}?older_than={first}"}
    oldest = ok(results["oldest"], 200)["data"]
    assert oldest == {"received_text_messages": [], "links": {"current": base}}


@pytest.mark.notify_service(contact_link="https://example.com/contact")
def test_prepare_upload_then_send_email(notify: NotifyFake, node: NodeRunner, live: list[Any]) -> None:
    template = notify.add_template("email", "Download it: ((link))", subject="Your file")
    content = b"name,number\nJo,1\n"
    options = {"filename": "report.csv", "confirmEmailBeforeDownload": False, "retentionPeriod": "4 weeks"}
    results = node.run(
        case("plain", live, "prepareUpload", as_bytes(content)),
        case("upload", live, "prepareUpload", as_bytes(content), options),
        case(
            "email",
            live,
            "sendEmail",
            template.id,
            "someone@example.com",
            {"personalisation": {"link": ref("upload.value")}},
        ),
        # every option null, as the client sends them when none is given
        case(
            "plain_email",
            live,
            "sendEmail",
            template.id,
            "someone@example.com",
            {"personalisation": {"link": ref("plain.value")}},
        ),
    )

    # official-clients §3.4: no request; unset options are null
    assert ok(results["plain"])["value"] == {
        "file": base64.b64encode(content).decode("ascii"),
        "filename": None,
        "confirm_email_before_download": None,
        "retention_period": None,
    }
    assert ok(results["upload"])["value"] == {
        "file": base64.b64encode(content).decode("ascii"),
        "filename": "report.csv",
        "confirm_email_before_download": False,
        "retention_period": "4 weeks",
    }

    # reference §10: the file is replaced by a document-download link
    for name in ("email", "plain_email"):
        body = ok(results[name], 201)["data"]["content"]["body"]
        match = DOCUMENT_URL.search(body)
        assert match, body
        assert body == f"Download it: {match.group(0)}"
        with urllib.request.urlopen(match.group(0), timeout=10) as response:
            assert response.read() == content


def test_prepare_upload_without_a_contact_link_is_refused(
    notify: NotifyFake, node: NodeRunner, live: list[Any]
) -> None:
    template = notify.add_template("email", "Download it: ((link))", subject="Your file")
    results = node.run(
        case("upload", live, "prepareUpload", as_bytes(b"%PDF-1.4 fake")),
        case(
            "email",
            live,
            "sendEmail",
            template.id,
            "someone@example.com",
            {"personalisation": {"link": ref("upload.value")}},
        ),
    )
    error = failed(results["email"])
    assert error["status"] == 400
    assert error["data"] == error_body(
        400,
        "BadRequestError",
        "Send files by email has not been set up - add contact details for your service at "
        f"https://www.notifications.service.gov.uk/services/{notify.service_id}/service-settings/send-files-by-email",
    )


# ---------------------------------------------------------------------------------------------------------------
# Constructor forms and base URLs


def test_base_url_with_a_trailing_slash_still_works(notify: NotifyFake, node: NodeRunner) -> None:
    template = notify.add_template("sms", "Hi")
    email = notify.add_template("email", "Hello", subject="Hi")
    client = [notify.base_url + "/", notify.test_key]
    results = node.run(
        case("sms", client, "sendSms", template.id, "07700900001"),
        case("email", client, "sendEmail", email.id, "someone@example.com"),
        case("get", client, "getNotificationById", ref("sms.data.id")),
        case("list", client, "getNotifications", "sms"),
        case("texts", client, "getReceivedTexts"),
        case("missing", client, "getNotificationById", str(uuid.uuid4())),
    )

    # official-clients §3.1: plain concatenation, so the client asks for //v2/...
    sent = ok(results["sms"], 201)
    assert sent["url"] == f"{notify.base_url}//v2/notifications/sms"
    assert sent["data"]["uri"] == f"{notify.base_url}/v2/notifications/{sent['data']['id']}"
    assert ok(results["email"], 201)["url"] == f"{notify.base_url}//v2/notifications/email"
    got = ok(results["get"], 200)
    assert got["url"] == f"{notify.base_url}//v2/notifications/{sent['data']['id']}"
    assert got["data"]["id"] == sent["data"]["id"]
    listed = ok(results["list"], 200)
    assert listed["url"] == f"{notify.base_url}//v2/notifications?template_type=sms"
    assert [n["id"] for n in listed["data"]["notifications"]] == [sent["data"]["id"]]
    assert ok(results["texts"], 200)["data"]["received_text_messages"] == []
    error = failed(results["missing"])
    assert error["status"] == 404
    assert error["data"] == error_body(404, "NoResultFound", "No result found")


def test_base_url_with_a_trailing_slash_for_letters_pdfs_and_templates(notify: NotifyFake, node: NodeRunner) -> None:
    letter = notify.add_template("letter", "Dear ((name))", subject="Hello")
    client = [notify.base_url + "/", notify.test_key]
    results = node.run(
        case("letter", client, "sendLetter", letter.id, {"personalisation": {**ADDRESS, "name": "Jo"}}),
        case("pdf", client, "getPdfForLetterNotification", ref("letter.data.id")),
        case("precompiled", client, "sendPrecompiledLetter", "slash", as_bytes(small_pdf())),
        case("template", client, "getTemplateById", letter.id),
        case("version", client, "getTemplateByIdAndVersion", letter.id, 1),
        case("templates", client, "getAllTemplates", "letter"),
        case("preview", client, "previewTemplateById", letter.id, {"name": "Jo"}),
    )

    assert ok(results["letter"], 201)["url"] == f"{notify.base_url}//v2/notifications/letter"
    assert ok(results["pdf"])["buffer"]["head"] == "%PDF-"
    assert ok(results["precompiled"], 201)["data"]["reference"] == "slash"
    assert ok(results["template"], 200)["data"]["id"] == letter.id
    assert ok(results["version"], 200)["data"]["version"] == 1
    assert [t["id"] for t in ok(results["templates"], 200)["data"]["templates"]] == [letter.id]
    assert ok(results["preview"], 200)["data"]["body"] == "Dear Jo"


def test_the_three_constructor_forms_that_take_a_base_url(notify: NotifyFake, node: NodeRunner) -> None:
    template = notify.add_template("sms", "Hi")
    key = notify.test_key
    forms = {
        "url_key": [notify.base_url, key],
        "url_service_key": [notify.base_url, notify.service_id, key],
        "url_service_secret": [notify.base_url, notify.service_id, key[-36:]],
    }
    results = node.run(
        *(case(f"send_{name}", args, "sendSms", template.id, "07700900001") for name, args in forms.items()),
        *(case(f"list_{name}", args, "getNotifications") for name, args in forms.items()),
    )

    sent = [ok(results[f"send_{name}"], 201)["data"]["id"] for name in forms]
    for name in forms:
        listed = ok(results[f"list_{name}"], 200)["data"]["notifications"]
        assert [n["id"] for n in listed] == sent[::-1]
    assert [n.key_type for n in notify.notifications] == ["test"] * 3


def test_base_url_with_a_path_prefix_is_kept_by_the_node_client(notify: NotifyFake, node: NodeRunner) -> None:
    template = notify.add_template("sms", "Hi")
    client = [f"{notify.base_url}/notify", notify.test_key]
    missing = str(uuid.uuid4())
    results = node.run(
        case("sms", client, "sendSms", template.id, "07700900001"),
        case("pdf", client, "getPdfForLetterNotification", missing),
    )

    # official-clients §3.1: the prefix is kept (unlike Python); reference §2.3: Notify's routing 404
    routing_404 = {
        "message": "The requested URL was not found on the server. If you entered the URL manually please check "
        "your spelling and try again.",
        "result": "error",
    }
    for name in ("sms", "pdf"):
        error = failed(results[name])
        assert error["status"] == 404, name
        assert error["data"] == routing_404, name
    assert results["sms"]["error"]["url"] == f"{notify.base_url}/notify/v2/notifications/sms"
    assert results["pdf"]["error"]["url"] == f"{notify.base_url}/notify/v2/notifications/{missing}/pdf"
    assert len(notify.notifications) == 0


# ---------------------------------------------------------------------------------------------------------------
# Error shapes


def test_team_key_refusal(notify: NotifyFake, node: NodeRunner) -> None:
    sms = notify.add_template("sms", "Hi")
    email = notify.add_template("email", "Hello", subject="Hi")
    team = [notify.base_url, notify.team_key]
    results = node.run(
        case("sms", team, "sendSms", sms.id, "07700900001"),
        case("email", team, "sendEmail", email.id, "someone@example.com"),
        case("team_member", team, "sendSms", sms.id, "+447700900123"),
    )

    for name in ("sms", "email"):
        error = failed(results[name])
        assert error["name"] == "AxiosError"
        assert error["message"] == "Request failed with status code 400"
        assert error["status"] == 400
        # reference §4: exact text with U+2019, no full stop
        assert error["data"] == {
            "errors": [{"error": "BadRequestError", "message": TEAM_KEY_REFUSAL}],
            "status_code": 400,
        }
    ok(results["team_member"], 201)
    assert len(notify.notifications) == 1


@pytest.mark.notify_service(trial_mode=True)
def test_live_key_in_trial_mode_refusal(notify: NotifyFake, node: NodeRunner) -> None:
    sms = notify.add_template("sms", "Hi")
    letter = notify.add_template("letter", "Dear ((name))", subject="Hello")
    live_key = notify.go_live()
    notify.back_to_trial()
    personalisation = {"personalisation": {**ADDRESS, "name": "Jo"}}
    results = node.run(
        case("sms", [notify.base_url, live_key], "sendSms", sms.id, "07700900001"),
        case("letter", [notify.base_url, live_key], "sendLetter", letter.id, personalisation),
        case("test_letter", [notify.base_url, notify.test_key], "sendLetter", letter.id, personalisation),
    )

    # reference §4: U+2019 apostrophe and U+2013 en dash
    error = failed(results["sms"])
    assert error["status"] == 400
    assert error["data"] == error_body(
        400,
        "BadRequestError",
        "Can’t send to this recipient when service is in trial mode – see "
        "https://www.notifications.service.gov.uk/trial-mode",
    )
    error = failed(results["letter"])
    assert error["status"] == 403
    assert error["data"] == error_body(403, "BadRequestError", "Cannot send letters when service is in trial mode")
    ok(results["test_letter"], 201)
    assert [(n.type, n.key_type) for n in notify.notifications] == [("letter", "test")]


def test_auth_errors(notify: NotifyFake, node: NodeRunner, other_service_key: str) -> None:
    template = notify.add_template("sms", "Hi")
    results = node.run(
        # this service's id with a key of another service: the signature matches no key of this service
        case(
            "other_key", [notify.base_url, notify.service_id, other_service_key], "sendSms", template.id, "07700900001"
        ),
        case(
            "unknown_secret",
            [notify.base_url, f"my_key-{notify.service_id}-{uuid.uuid4()}"],
            "getNotificationById",
            str(uuid.uuid4()),
        ),
        case("unknown_service", [notify.base_url, f"my_key-{uuid.uuid4()}-{uuid.uuid4()}"], "getNotifications"),
        case(
            "pdf",
            [notify.base_url, notify.service_id, other_service_key],
            "getPdfForLetterNotification",
            str(uuid.uuid4()),
        ),
    )

    # reference §1.4 / official-clients §4
    for name in ("other_key", "unknown_secret", "pdf"):
        error = failed(results[name])
        assert error["status"] == 403, name
        assert error["data"] == error_body(403, "AuthError", "Invalid token: API key not found"), name
    error = failed(results["unknown_service"])
    assert error["status"] == 403
    assert error["data"] == error_body(403, "AuthError", "Invalid token: service not found")
    assert len(notify.notifications) == 0
