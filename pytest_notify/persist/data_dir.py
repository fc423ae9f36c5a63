"""``pytest-notify serve --data-dir DIR``: start from the state kept in DIR, or seed DIR on the first start.

The rule: a data directory with no state yet (new, or empty) is seeded as the server would be
without one (``--config FILE`` or the embedded default service) and the result is written at once;
a data directory holding state is loaded as it is, and the seeding is skipped (even with
``--config``: the state is what the services became since, and a seed would overwrite it). A
damaged file, another program's SQLite file, or one from an incompatible version is refused with
its name, and nothing starts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.persist.database import Database, DataDirError
from pytest_notify.persist.keeper import StateKeeper

_STARTED = "initialised_at"
_SECRET_ENV_KEYS = "secret_env_keys"
"""Meta key: ``{key id: environment variable}`` for seeded keys whose secret must never be printed."""
_TYPE_NAMES = {KeyType.TEST: "test", KeyType.TEAM: "team", KeyType.LIVE: "live"}

Seeder = Callable[[Store], dict[str, Any]]
"""Seeds a store as the server would without a data directory; returns the start-up details."""


class DataDir:
    """The data directory of one server: its file, opened (and locked) on creation, and its keeper."""

    def __init__(self, directory: str | os.PathLike[str], store: Store) -> None:
        self.directory = Path(directory)
        self.store = store
        self.database = Database(directory)
        self.keeper = StateKeeper(store, self.database)
        """The journal the app reports every change to."""
        self.restored = False
        """Whether :meth:`start` found state and loaded it (rather than seeding)."""
        self._hidden: dict[str, str] = {}

    @property
    def path(self) -> Path:
        """The data file."""
        return self.database.path

    def start(self, seed: Seeder, *, on_restore: Callable[[], object] | None = None) -> dict[str, Any]:
        """Load the state, or seed an empty directory with ``seed`` and write it; the start-up details.

        ``on_restore`` runs after loading (``serve`` sets the command line's callbacks), and what it
        changes is written too."""
        try:
            if self.database.meta(_STARTED) is not None:
                self.keeper.load()
                self.restored = True
                self._hidden = self._secret_env_keys()
                if on_restore is not None:
                    on_restore()
                    self.keeper.anything_changed()
                details = restored_details(self.store.services(), self._hidden)
            else:
                details = seed(self.store)
                self.keeper.anything_changed(meta=self._seeded_meta(details, first=True))
        except (sqlite3.Error, ValueError) as error:
            self.database.close()
            if isinstance(error, DataDirError):
                raise
            raise DataDirError(f"{self.path} cannot be read: {error}") from None
        except BaseException:
            self.database.close()  # lets go of the file, so a fixed start can open it
            raise
        details["data_file"] = str(self.path)
        details["restored"] = self.restored
        self.keeper.start()
        return details

    def reseeding(self, seed: Seeder) -> Seeder:
        """``seed`` for the control API's reset: the keys it makes from environment variables stay unprinted."""

        def reseed(store: Store) -> dict[str, Any]:
            details = seed(store)
            self.keeper.anything_changed(meta=self._seeded_meta(details, first=False))
            return details

        return reseed

    def close(self) -> None:
        """Write what is left and close the file."""
        self.keeper.close()

    def _secret_env_keys(self) -> dict[str, str]:
        """Read at start only: afterwards the keeper's thread writes the file."""
        text = self.database.meta(_SECRET_ENV_KEYS)
        kept = json.loads(text) if text else {}
        return {str(k): str(v) for k, v in kept.items()} if isinstance(kept, dict) else {}

    def _seeded_meta(self, details: Mapping[str, Any], *, first: bool) -> list[tuple[str, str]]:
        hidden = self._hidden
        for entry in details.get("services", ()):
            service = self.store.find_service(uuid.UUID(entry["id"]))
            for key in entry["keys"]:
                if key.get("key") is None and key.get("secret_env") and service is not None:
                    for made in service.api_keys:
                        if made.name == key["name"] and _TYPE_NAMES[made.key_type] == key["type"]:
                            hidden[str(made.id)] = key["secret_env"]
        meta = [(_SECRET_ENV_KEYS, json.dumps(hidden, sort_keys=True))]
        if first:
            meta.append((_STARTED, dt.datetime.now(dt.timezone.utc).isoformat()))
        return meta


def restored_details(services: list[Service], secret_env_keys: Mapping[str, str]) -> dict[str, Any]:
    """What a restored server prints: each service, as a seeded server prints it, with every key
    (but the secrets that came from environment variables) and every template still in use."""
    return {
        "config": None,
        "services": [
            {
                "id": str(service.id),
                "name": service.name,
                "trial_mode": service.restricted,
                "keys": [
                    {
                        "name": key.name,
                        "type": _TYPE_NAMES[key.key_type],
                        "key": None if str(key.id) in secret_env_keys else key.key,
                        "secret_env": secret_env_keys.get(str(key.id)),
                        "revoked": key.revoked,
                    }
                    for key in service.api_keys
                ],
                "templates": [
                    {"id": str(t.id), "type": t.type, "name": t.name, "version": t.version}
                    for t in service.templates.values()
                    if not t.hidden and not t.archived
                ],
                "sms_senders": [
                    {"id": str(s.id), "sms_sender": s.sms_sender, "is_default": s.is_default}
                    for s in service.sms_senders
                ],
                "reply_to_addresses": [
                    {"id": str(r.id), "email_address": r.email_address, "is_default": r.is_default}
                    for r in service.reply_to_addresses
                ],
                "inbound_number": service.inbound_number,
            }
            for service in services
        ],
    }


__all__ = ["DataDir", "DataDirError", "Seeder", "restored_details"]
