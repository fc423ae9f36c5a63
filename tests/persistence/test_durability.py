"""Committed before answered: the file as it is the moment a 201 comes back already holds the notification.

A copy of the data file (and its WAL) taken right after each answer is what a server killed at that
moment would leave behind; each copy is loaded into a new store and must hold every notification
acknowledged so far. Unlike the kill test, this does not depend on when the kill lands.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from pathlib import Path

import pytest
from notifications_python_client import NotificationsAPIClient
from werkzeug.test import Client

from pytest_notify.control_backend import FakeControlBackend
from pytest_notify.domain.store import Store
from pytest_notify.http.app import create_app
from pytest_notify.persist import FILE_NAME, DataDir
from pytest_notify.persist.database import Database
from pytest_notify.server import NotifyServer
from tests.http.control_helpers import Control
from tests.persistence.world import Server


def crash_image(directory: Path, into: Path) -> Path:
    """The data file and its WAL as they are now: what a kill now would leave."""
    into.mkdir()
    for suffix in ("", "-wal"):
        source = directory / f"{FILE_NAME}{suffix}"
        if source.exists():
            shutil.copyfile(source, into / source.name)
    return into


def notification_ids(directory: Path) -> set[uuid.UUID]:
    store = Store()
    data = DataDir(directory, store)
    try:
        data.start(lambda s: pytest.fail("a copy taken after the first save holds state"))  # type: ignore[no-any-return]
        return {n.id for s in store.services() for n in store.notifications(s.id)}
    finally:
        data.close()


def test_the_file_holds_each_notification_when_its_201_comes_back(tmp_path: Path) -> None:
    server = Server.start(tmp_path / "data")
    created = server.control.new_service(name="Durable")
    key = created["keys"]["live"]
    template = server.control.ok("POST", f"services/{created['id']}/templates", {"type": "sms", "body": "Hi"}, 201)
    acknowledged: set[uuid.UUID] = set()
    for n in range(8):
        body = {"phone_number": "07700 900 123", "template_id": template["id"], "reference": str(n)}
        response = server.control.v2("POST", "/v2/notifications/sms", key, body)
        assert response.status_code == 201
        acknowledged.add(uuid.UUID(response.get_json()["id"]))
        assert notification_ids(crash_image(tmp_path / "data", tmp_path / f"crash-{n}")) == acknowledged
    server.stop()


def test_concurrent_sends_are_each_written_once(tmp_path: Path) -> None:
    """16 threads send over real sockets at once; every 201 is in the file, and each row was written once."""
    store = Store()
    data = DataDir(tmp_path / "data", store)
    data.start(lambda s: {})
    written: list[str] = []
    write = data.database.write

    def counting(batch: object) -> None:
        write(batch)  # type: ignore[arg-type]
        written.extend(row[2] for row in batch.notifications)  # type: ignore[attr-defined]

    data.database.write = counting  # type: ignore[method-assign]
    server = NotifyServer(store=store, control=FakeControlBackend(timings="instant"))
    server.app.journal = data.keeper
    server.start()
    try:
        control = Control(store, server.app, Client(server.app))
        created = control.new_service(name="Busy")
        key = created["keys"]["live"]
        template = control.ok("POST", f"services/{created['id']}/templates", {"type": "sms", "body": "Hi"}, 201)
        ids: list[str] = []
        lock = threading.Lock()

        def send() -> None:
            client = NotificationsAPIClient(key, base_url=server.url)
            for _ in range(15):
                sent = client.send_sms_notification("07700 900123", template["id"])
                with lock:
                    ids.append(sent["id"])

        threads = [threading.Thread(target=send) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    assert len(ids) == 16 * 15 == len(set(ids))
    assert sorted(written) == sorted(ids)  # each exactly once: no duplicate, none missing
    assert server.take_errors() == []
    data.close()
    assert {str(i) for i in notification_ids(tmp_path / "data")} == set(ids)


def test_a_failed_write_is_a_500_and_is_written_later(tmp_path: Path) -> None:
    server = Server.start(tmp_path / "data")
    created = server.control.new_service(name="Flaky disk")
    key = created["keys"]["live"]
    template = server.control.ok("POST", f"services/{created['id']}/templates", {"type": "sms", "body": "Hi"}, 201)
    database: Database = server.data.database
    write = database.write

    def broken(batch: object) -> None:
        raise OSError(28, "No space left on device")

    database.write = broken  # type: ignore[method-assign]
    body = {"phone_number": "07700 900 123", "template_id": template["id"]}
    refused = server.control.v2("POST", "/v2/notifications/sms", key, body)
    assert refused.status_code == 500
    assert refused.get_json()["errors"][0]["message"] == "Internal server error"
    errors = server.app.take_errors()
    assert len(errors) == 1 and "No space left" in str(errors[0][1])
    database.write = write  # type: ignore[method-assign]
    accepted = server.control.v2("POST", "/v2/notifications/sms", key, body)
    assert accepted.status_code == 201
    server.stop()
    # The one answered 500 is in memory, and was written with the next change (with its service, whole).
    assert len(notification_ids(tmp_path / "data")) == 2


def test_a_service_made_outside_any_request_is_written_at_the_next_change(tmp_path: Path) -> None:
    store = Store()
    data = DataDir(tmp_path / "data", store)
    data.start(lambda s: {})
    app = create_app(store, control=FakeControlBackend(timings="instant"))
    app.journal = data.keeper
    quiet = store.create_service("Made in Python")  # no request: nothing told the keeper
    Control(store, app, Client(app)).new_service(name="Made over HTTP")
    data.close()
    again = Store()
    reopened = DataDir(tmp_path / "data", again)
    reopened.start(lambda s: {})
    assert [s.name for s in again.services()] == [quiet.name, "Made over HTTP"]
    reopened.close()
