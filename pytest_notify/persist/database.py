"""The SQLite file of ``pytest-notify serve --data-dir DIR``: its schema, opening it, reading and writing rows.

One file, ``DIR/notify.sqlite3``, in WAL mode. Rows hold JSON made by :mod:`.snapshot` (PDFs and
files as blobs). The file says what it is: ``PRAGMA application_id`` marks it as this project's and
``PRAGMA user_version`` is the schema version, so another SQLite file, a damaged one or one from an
incompatible version is refused with its name before anything starts.

The connection holds SQLite's exclusive lock for as long as it is open, so a second server pointed
at the same directory is refused rather than writing over the first one's state.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pytest_notify.domain.errors import ConfigurationError

FILE_NAME = "notify.sqlite3"
SCHEMA_VERSION = 1
APPLICATION_ID = 0x4E6F7459
"""``NotY``: marks the file as a pytest-govuk-notify data file (``PRAGMA application_id``)."""

_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE services (id TEXT PRIMARY KEY, position INTEGER NOT NULL, state TEXT NOT NULL)",
    # Apart from the (large) state, which an update would rewrite whole: counts change with each send.
    "CREATE TABLE counts (service_id TEXT PRIMARY KEY, data TEXT NOT NULL)",
    "CREATE TABLE callbacks (service_id TEXT PRIMARY KEY, data TEXT)",
    # Keyed by the store's order of storing: a send appends, where a random id would write all over.
    "CREATE TABLE notifications (seq INTEGER PRIMARY KEY, service_id TEXT NOT NULL, id TEXT NOT NULL,"
    " data TEXT NOT NULL, pdf BLOB)",
    "CREATE INDEX notifications_by_service ON notifications (service_id, seq)",
    "CREATE TABLE documents (id TEXT PRIMARY KEY, service_id TEXT NOT NULL, position INTEGER NOT NULL,"
    " data TEXT NOT NULL, content BLOB NOT NULL)",
    "CREATE INDEX documents_by_service ON documents (service_id, position)",
    "CREATE TABLE received_texts (id TEXT PRIMARY KEY, service_id TEXT NOT NULL, seq INTEGER NOT NULL,"
    " data TEXT NOT NULL)",
    "CREATE INDEX received_texts_by_service ON received_texts (service_id, seq)",
    "CREATE TABLE callback_attempts (service_id TEXT NOT NULL, position INTEGER NOT NULL, data TEXT NOT NULL,"
    " PRIMARY KEY (service_id, position))",
)
_PER_SERVICE_TABLES = ("counts", "callbacks", "notifications", "documents", "received_texts", "callback_attempts")


class DataDirError(ConfigurationError):
    """The data directory or its file cannot be used; the message names the file."""


@dataclass
class Batch:
    """Rows to write in one transaction. Each list holds the parameters of one statement."""

    deleted_services: list[str] = field(default_factory=list)
    new_services: list[tuple[str, int, str, str, str | None]] = field(default_factory=list)
    """``(id, position, state, counts, callbacks)``."""
    states: list[tuple[str, str]] = field(default_factory=list)
    """``(state, id)``."""
    counts: list[tuple[str, str]] = field(default_factory=list)
    callbacks: list[tuple[str | None, str]] = field(default_factory=list)
    notifications: list[tuple[int, str, str, str, bytes | None]] = field(default_factory=list)
    """``(seq, service_id, id, data, pdf)`` of new notifications."""
    changed_notifications: list[tuple[int, str, str, str, bytes | None]] = field(default_factory=list)
    """The same, of notifications written before whose status changed since."""
    documents: list[tuple[str, str, int, str, bytes]] = field(default_factory=list)
    received_texts: list[tuple[str, str, int, str]] = field(default_factory=list)
    attempts: list[tuple[str, int, str]] = field(default_factory=list)
    meta: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


@dataclass(frozen=True)
class ServiceRows:
    """What the file holds for one service, as stored."""

    id: str
    position: int
    state: str
    counts: str
    callbacks: str | None
    notifications: list[tuple[str, bytes | None]]
    """``(data, pdf)`` in the order of storing."""
    documents: list[tuple[str, bytes]]
    received_texts: list[str]
    attempts: list[str]


class Database:
    """The open data file. Not thread-safe: :class:`~pytest_notify.persist.keeper.StateKeeper` holds
    its own lock around every use."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.path = Path(directory) / FILE_NAME
        try:
            Path(directory).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DataDirError(
                f"cannot use the data directory {os.fspath(directory)}: {error.strerror or error}"
            ) from None
        try:
            # isolation_level=None: transactions are begun and ended here, explicitly.
            self._db = sqlite3.connect(self.path, timeout=1.0, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise DataDirError(f"cannot open {self.path}: {error}") from None
        try:
            self._prepare()
        except sqlite3.OperationalError as error:
            self._db.close()
            if "locked" in str(error):
                raise DataDirError(f"{self.path} is in use by another pytest-notify server") from None
            raise DataDirError(f"cannot use {self.path}: {error}") from None
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise DataDirError(f"{self.path} is damaged or not a pytest-notify data file: {error}") from None
        except DataDirError:
            self._db.close()
            raise

    def _prepare(self) -> None:
        db = self._db
        # Exclusive before WAL: no shared-memory index, and the lock taken below is kept until close.
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if application_id == 0 and version == 0 and tables == 0:
            self._create()
        elif application_id != APPLICATION_ID:
            raise DataDirError(f"{self.path} is not a pytest-notify data file (another program's SQLite database)")
        elif version != SCHEMA_VERSION:
            newer = "a newer" if version > SCHEMA_VERSION else "an older"
            raise DataDirError(
                f"{self.path} was written by {newer} pytest-govuk-notify (schema version {version}; this version "
                f"reads {SCHEMA_VERSION}): use another --data-dir, or the version that wrote it"
            )
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise DataDirError(f"cannot use {self.path}: SQLite would not use WAL mode here (it chose {mode})")
        # NORMAL: in WAL mode a commit survives the process being killed; only an OS crash or power
        # loss may lose the last commits (FULL would sync the disk on every commit).
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("BEGIN IMMEDIATE")  # takes the write lock now: a second server is refused at start
        db.execute("COMMIT")
        if version == SCHEMA_VERSION:
            self._check()

    def _create(self) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _check(self) -> None:
        """A quick structural check, so damage shows now rather than at the first save."""
        problems = [row[0] for row in self._db.execute("PRAGMA quick_check(5)")]
        if problems != ["ok"]:
            raise DataDirError(f"{self.path} is damaged: {'; '.join(problems)}")

    # -- reading ------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A value of the ``meta`` table, or None."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def services(self) -> Iterator[ServiceRows]:
        """Every service, in the order they were created, with its rows."""
        db = self._db
        for sid, position, state, counts, callbacks in db.execute(
            "SELECT id, position, state, counts.data, callbacks.data FROM services"
            " JOIN counts ON counts.service_id = id LEFT JOIN callbacks ON callbacks.service_id = id"
            " ORDER BY position"
        ).fetchall():
            yield ServiceRows(
                id=sid,
                position=position,
                state=state,
                counts=counts,
                callbacks=callbacks,
                notifications=db.execute(
                    "SELECT data, pdf FROM notifications WHERE service_id = ? ORDER BY seq", (sid,)
                ).fetchall(),
                documents=db.execute(
                    "SELECT data, content FROM documents WHERE service_id = ? ORDER BY position", (sid,)
                ).fetchall(),
                received_texts=[
                    row[0]
                    for row in db.execute("SELECT data FROM received_texts WHERE service_id = ? ORDER BY seq", (sid,))
                ],
                attempts=[
                    row[0]
                    for row in db.execute(
                        "SELECT data FROM callback_attempts WHERE service_id = ? ORDER BY position", (sid,)
                    )
                ],
            )

    def last_position(self) -> int:
        """The highest service position used so far (0 for none)."""
        return int(self._db.execute("SELECT coalesce(max(position), 0) FROM services").fetchone()[0])

    # -- writing ------------------------------------------------------------------------------

    def write(self, batch: Batch) -> None:
        """Write ``batch`` in one transaction; committed when this returns, nothing of it if it raises."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for sid in batch.deleted_services:
                for table in _PER_SERVICE_TABLES:
                    db.execute(f"DELETE FROM {table} WHERE service_id = ?", (sid,))
                db.execute("DELETE FROM services WHERE id = ?", (sid,))
            for sid, position, state, counts, callbacks in batch.new_services:
                db.execute("INSERT INTO services VALUES (?, ?, ?)", (sid, position, state))
                db.execute("INSERT INTO counts VALUES (?, ?)", (sid, counts))
                db.execute("INSERT INTO callbacks VALUES (?, ?)", (sid, callbacks))
            for statement, rows in (
                ("UPDATE services SET state = ? WHERE id = ?", batch.states),
                ("UPDATE counts SET data = ? WHERE service_id = ?", batch.counts),
                ("UPDATE callbacks SET data = ? WHERE service_id = ?", batch.callbacks),
                ("INSERT INTO notifications VALUES (?, ?, ?, ?, ?)", batch.notifications),
                ("INSERT OR REPLACE INTO notifications VALUES (?, ?, ?, ?, ?)", batch.changed_notifications),
                ("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?)", batch.documents),
                ("INSERT OR REPLACE INTO received_texts VALUES (?, ?, ?, ?)", batch.received_texts),
                ("INSERT OR REPLACE INTO callback_attempts VALUES (?, ?, ?)", batch.attempts),
                ("INSERT OR REPLACE INTO meta VALUES (?, ?)", batch.meta),
            ):
                if rows:
                    db.executemany(statement, rows)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Fold the WAL into the file and close it (which lets another server open it)."""
        try:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self._db.close()


__all__ = ["APPLICATION_ID", "FILE_NAME", "SCHEMA_VERSION", "Batch", "DataDirError", "Database", "ServiceRows"]
