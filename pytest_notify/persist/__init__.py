"""Keeping a server's state in SQLite across restarts: ``pytest-notify serve --data-dir DIR``.

- :mod:`.codec`: domain dataclasses to JSON and back, by their field types;
- :mod:`.snapshot`: what is kept of each service, as rows;
- :mod:`.database`: the file (schema, version, WAL, lock);
- :mod:`.keeper`: :class:`StateKeeper`, which writes each change before the request that made it is
  answered (it is the app's :class:`pytest_notify.http.journal.ChangeJournal`);
- :mod:`.data_dir`: :class:`DataDir`, load or seed at start.

The domain knows nothing of any of it (``tests/test_layers.py``).
"""

from __future__ import annotations

from pytest_notify.persist.data_dir import DataDir
from pytest_notify.persist.database import FILE_NAME, SCHEMA_VERSION, DataDirError
from pytest_notify.persist.keeper import StateKeeper

__all__ = ["FILE_NAME", "SCHEMA_VERSION", "DataDir", "DataDirError", "StateKeeper"]
