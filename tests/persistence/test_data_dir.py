"""``serve --data-dir``: when it seeds, when it loads, what it prints, and what it refuses to open."""

from __future__ import annotations

import functools
import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
from notifications_python_client import NotificationsAPIClient
from werkzeug.test import Client

from pytest_notify.cli import _describe, build_parser, main, seed
from pytest_notify.control_backend import FakeControlBackend
from pytest_notify.domain.store import Store
from pytest_notify.http.app import NotifyApp, create_app
from pytest_notify.persist import FILE_NAME, SCHEMA_VERSION, DataDir, DataDirError
from tests.http.control_helpers import Control
from tests.persistence.serving import serving
from tests.persistence.world import Server

SEED = """
[[services]]
id = "5b3a4e3c-1111-4c1e-9a57-5f5f1e1e1e1e"
name = "From the file"

[[services.api_keys]]
name = "ci key"
type = "live"
secret_env = "PERSIST_TEST_SECRET"

[[services.api_keys]]
name = "plain key"
type = "test"
secret = "0f9e1a5c-2222-4d3b-8c1e-7a6b5c4d3e2f"

[[services.templates]]
id = "7c1d2e3f-3333-4a5b-9c8d-1e2f3a4b5c6d"
type = "sms"
body = "Hello ((name))"
"""
SECRET = "6d6ad3d5-0dc5-4d25-8c0c-2d4fd7d3b1f1"


def args(*extra: str) -> Any:
    return build_parser().parse_args(["serve", *extra])


def start(directory: Path, *extra: str) -> tuple[DataDir, dict[str, Any]]:
    data = DataDir(directory, Store())
    return data, data.start(functools.partial(seed, args=args(*extra)))


def test_an_empty_directory_is_seeded_and_a_full_one_loaded(tmp_path: Path) -> None:
    data, first = start(tmp_path / "new" / "data")  # made if missing
    assert first["restored"] is False and first["data_file"] == str(tmp_path / "new" / "data" / FILE_NAME)
    assert set(first["keys"]) == {"test", "team", "live"}
    data.close()
    data, again = start(tmp_path / "new" / "data")
    assert again["restored"] is True
    (service,) = again["services"]
    assert service["id"] == first["service_id"]
    assert [k["key"] for k in service["keys"]] == list(first["keys"].values())
    assert {t["type"]: t["id"] for t in service["templates"]} == first["templates"]
    assert len(data.store.services()) == 1  # not seeded a second time
    data.close()


def test_what_a_restart_prints(tmp_path: Path) -> None:
    data, first = start(tmp_path)
    data.close()
    text = _describe({**first, "base_url": "http://127.0.0.1:6011"})
    assert f"State kept in {tmp_path / FILE_NAME}" in text
    data, again = start(tmp_path)
    data.close()
    lines = _describe({**again, "base_url": "http://127.0.0.1:6011"}).splitlines()
    assert lines[1] == f"Restored from {tmp_path / FILE_NAME} (seeding skipped)"
    assert f"    live_key (live): {first['keys']['live']}" in lines
    json.dumps(again)  # --json prints it


def test_a_seed_file_seeds_once_and_its_hidden_secrets_stay_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "seed.toml"
    config.write_text(SEED, encoding="utf-8")
    monkeypatch.setenv("PERSIST_TEST_SECRET", SECRET)
    data, first = start(tmp_path / "data", "--config", str(config))
    assert first["services"][0]["keys"][0]["key"] is None
    data.close()
    config.write_text(SEED.replace("From the file", "Changed file"), encoding="utf-8")
    data, again = start(tmp_path / "data", "--config", str(config))
    (service,) = again["services"]
    assert service["name"] == "From the file"  # the file is not applied again
    hidden, plain = service["keys"]
    assert hidden == {
        "name": "ci_key",
        "type": "live",
        "key": None,
        "secret_env": "PERSIST_TEST_SECRET",
        "revoked": False,
    }
    assert plain["key"].endswith("0f9e1a5c-2222-4d3b-8c1e-7a6b5c4d3e2f")
    # The key from the environment still works: it is kept, just never printed.
    assert data.store.services()[0].api_keys[0].secret == SECRET
    data.close()


def test_serve_says_the_seed_file_was_not_applied(tmp_path: Path) -> None:
    config = tmp_path / "seed.toml"
    config.write_text(SEED.replace('secret_env = "PERSIST_TEST_SECRET"', f'secret = "{SECRET}"'), encoding="utf-8")
    with serving(tmp_path / "data", "--config", str(config)) as (_, first):
        assert first["restored"] is False and first["config"] == str(config)
    with serving(tmp_path / "data", "--config", str(config)) as (_, again):
        assert again["restored"] is True and len(again["services"]) == 1
        key = again["services"][0]["keys"][0]["key"]
        client = NotificationsAPIClient(key, base_url=again["base_url"])
        assert client.get_all_templates()["templates"][0]["body"] == "Hello ((name))"
    log = (tmp_path / "data-stderr.log").read_text(encoding="utf-8")
    assert f"pytest-notify: {tmp_path / 'data' / FILE_NAME} holds state, loaded as it is: {config} not applied" in log


def test_a_reset_and_reseed_and_removals_are_kept(tmp_path: Path) -> None:
    seeding = functools.partial(seed, args=args())
    store = Store()
    data = DataDir(tmp_path, store)
    first = data.start(seeding)
    server = Server(store, *_app(store, data, data.reseeding(seeding)))
    made = server.control.new_service(name="Extra")
    server.control.ok("POST", "reset", {"reseed": True})
    server.stop()
    again = Server.start(tmp_path)
    names = [s.name for s in again.store.services()]
    assert names == ["Fake Notify service"] and str(again.store.services()[0].id) != first["service_id"]
    assert again.store.find_service(uuid.UUID(made["id"])) is None
    again.control.ok("POST", "reset", {})
    again.stop()
    emptied = Server.start(tmp_path)
    assert emptied.store.services() == []  # a directory whose state is "no services" is not seeded again
    emptied.stop()


def _app(store: Store, data: DataDir, reseed: Any) -> tuple[NotifyApp, DataDir, Control]:
    app = create_app(store, control=FakeControlBackend(timings="instant", reseed=reseed))
    app.journal = data.keeper
    return app, data, Control(store, app, Client(app))


# -- files it refuses -------------------------------------------------------------------------------


def refused(directory: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["serve", "--port", "0", "--data-dir", str(directory)]) == 2  # returns: nothing serves
    out, err = capsys.readouterr()
    assert out == ""
    return err


def test_a_damaged_file_is_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"this is not a database at all, and it is long enough to matter" * 100)
    err = refused(tmp_path, capsys)
    assert (
        err
        == f"pytest-notify: {tmp_path / FILE_NAME} is damaged or not a pytest-notify data file: file is not a database\n"
    )


def test_another_programs_database_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        db.execute("CREATE TABLE accounts (id INTEGER)")
    db.close()
    err = refused(tmp_path, capsys)
    assert "is not a pytest-notify data file (another program's SQLite database)" in err
    assert str(tmp_path / FILE_NAME) in err


def test_a_file_from_a_newer_version_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, _ = start(tmp_path)
    data.close()
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    err = refused(tmp_path, capsys)
    assert f"was written by a newer pytest-govuk-notify (schema version {SCHEMA_VERSION + 1}" in err


def test_rows_changed_by_hand_are_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, first = start(tmp_path)
    data.close()
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        db.execute('UPDATE services SET state = \'{"service": {"name": 3}}\'')
    db.close()
    err = refused(tmp_path, capsys)
    assert err.startswith(f"pytest-notify: {tmp_path / FILE_NAME}: service {first['service_id']} cannot be read back")


def test_a_second_server_on_the_same_directory_is_refused(tmp_path: Path) -> None:
    data, _ = start(tmp_path)
    try:
        with pytest.raises(DataDirError, match="is in use by another pytest-notify server"):
            DataDir(tmp_path, Store())
    finally:
        data.close()
    DataDir(tmp_path, Store()).close()  # free again once the first one stopped


def test_a_broken_meta_table_is_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, _ = start(tmp_path)
    data.close()
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        db.execute("UPDATE meta SET value = '{not json' WHERE key = 'secret_env_keys'")
    db.close()
    assert refused(tmp_path, capsys).startswith(f"pytest-notify: {tmp_path / FILE_NAME} cannot be read: ")
