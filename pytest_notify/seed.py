"""Seed files: services described completely in TOML or JSON, loaded into a :class:`Store`.

``pytest-notify serve --config FILE`` uses this; so can a test (``apply_seed(store, load_seed(path))``).
A file is checked in full first (:mod:`.seed_schema`) and only then applied, through the store's
public methods, so a mistake never leaves a half-configured server. The fields are documented in
``docs/server.md``; ``docs/seed-example.toml`` uses every one of them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.domain.templates import Template
from pytest_notify.domain.timings import Timings
from pytest_notify.seed_model import KeySeed, Seed, ServiceSeed, TemplateSeed
from pytest_notify.seed_reader import SeedError, SeedProblem
from pytest_notify.seed_schema import check_seed

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the 3.10 run of CI covers it
    import tomli as tomllib

FORMATS = ("toml", "json")


def parse_seed(
    text: str,
    *,
    format: str | None = None,
    source: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Seed:
    """Parse and check a seed file's text; ``format`` is ``toml`` or ``json`` (guessed when None).

    ``environ`` is where ``secret_env`` and ``bearer_token_env`` are looked up (``os.environ`` by default).
    Raises :class:`SeedError` for invalid TOML or JSON (with the parser's line and column) and for
    every mistake in the content, all at once.
    """
    kind = format or _guess_format(text)
    if kind not in FORMATS:
        raise ValueError(f"format must be toml or json, not {kind!r}")
    try:
        data: Any = tomllib.loads(text) if kind == "toml" else json.loads(text)
    except tomllib.TOMLDecodeError as error:
        # The message already ends "(at line L, column C)".
        raise SeedError([SeedProblem("", f"invalid TOML: {error}")], source) from None
    except json.JSONDecodeError as error:
        problem = SeedProblem("", f"invalid JSON: {error.msg} (at line {error.lineno}, column {error.colno})")
        raise SeedError([problem], source) from None
    return check_seed(data, environ=os.environ if environ is None else environ, source=source)


def load_seed(path: str | os.PathLike[str], *, environ: Mapping[str, str] | None = None) -> Seed:
    """Read, parse and check a seed file: TOML for ``.toml``, JSON for ``.json``, otherwise by its content."""
    source = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise SeedError([SeedProblem("", f"cannot read the seed file: {error.strerror or error}")], source) from None
    except UnicodeDecodeError:
        raise SeedError([SeedProblem("", "cannot read the seed file: it is not UTF-8 text")], source) from None
    suffix = Path(path).suffix.lower().lstrip(".")
    return parse_seed(text, format=suffix if suffix in FORMATS else None, source=source, environ=environ)


def _guess_format(text: str) -> str:
    # A JSON seed is an object, and TOML never starts with "{" (but often with "[[services]]").
    return "json" if text.lstrip().startswith("{") else "toml"


@dataclass(frozen=True)
class SeededService:
    """A service made from a seed file, with its keys (paired with how the file gave them) and templates."""

    service: Service
    keys: tuple[tuple[KeySeed, ApiKey], ...]
    templates: tuple[Template, ...]


def apply_seed(store: Store, seed: Seed, *, default_timings: Timings | None = None) -> list[SeededService]:
    """Create every service of ``seed`` in ``store``; all or nothing.

    ``default_timings`` applies to services whose file gives no ``timings`` (the store's default,
    instant, when None). Received texts are added before the callbacks are set up, so they are
    history and call no one back.
    """
    taken = [
        SeedProblem(f"services[{index}].id", f"{service.id} is already a service of this store")
        for index, service in enumerate(seed.services)
        if store.find_service(service.id) is not None
    ]
    if taken:
        raise SeedError(taken, seed.source)
    made: list[uuid.UUID] = []
    try:
        return [_create(store, service, default_timings, made) for service in seed.services]
    except BaseException:
        # The checks should leave nothing to fail here; if something does, undo it all.
        for service_id in made:
            store.remove_service(service_id)
        raise


def _create(store: Store, seed: ServiceSeed, default_timings: Timings | None, made: list[uuid.UUID]) -> SeededService:
    # Limits (``sms_limit=``...) and settings (``contact_link=``...) are create_service keywords.
    options: dict[str, Any] = {**(seed.limits or {}), **(seed.settings or {})}
    service = store.create_service(
        seed.name,
        service_id=seed.id,
        trial_mode=seed.trial_mode,
        organisation_type=seed.organisation_type,
        permissions=seed.permissions,
        team_members=seed.team_members,
        guest_list=seed.guest_list,
        **options,
    )
    made.append(service.id)
    timings = seed.timings or default_timings
    if timings is not None:
        store.set_timings(service.id, timings)
    for contact in seed.letter_contacts:
        store.add_letter_contact(service.id, contact.value, is_default=contact.is_default, contact_id=contact.id)
    for sender in seed.sms_senders:
        store.add_sms_sender(service.id, sender.value, is_default=sender.is_default, sender_id=sender.id)
    for reply_to in seed.reply_to_addresses:
        store.add_reply_to_address(service.id, reply_to.value, is_default=reply_to.is_default, reply_to_id=reply_to.id)
    keys = []
    for key_seed in seed.keys:
        key = store.create_api_key(service.id, key_seed.type, key_seed.name, key_seed.secret)
        if key_seed.revoked:
            store.revoke_api_key(service.id, key.id)
        keys.append((key_seed, key))
    templates = [_template(store, service.id, template) for template in seed.templates]
    for text in seed.received_texts:
        received_at = text.received_at
        if text.minutes_ago is not None:
            received_at = store.clock_for(service.id).now() - dt.timedelta(minutes=text.minutes_ago)
        store.receive_sms(service.id, text.content, text.user_number, received_at=received_at)
    for kind, api in (seed.callbacks or {}).items():
        store.dispatcher.set_callback(service.id, kind, api)
    return SeededService(service, tuple(keys), tuple(templates))


def _template(store: Store, service_id: uuid.UUID, seed: TemplateSeed) -> Template:
    first, *later = seed.versions
    options: dict[str, Any] = {"template_id": seed.id, "letter_contact_block": first.letter_contact_block}
    if first.postage is not None:
        options["postage"] = first.postage
    if seed.created_by is not None:
        options["created_by"] = seed.created_by
    template = store.add_template(service_id, seed.type, first.body or "", first.subject, first.name, **options)
    for version in later:
        store.update_template(
            service_id,
            template.id,
            content=version.body,
            subject=version.subject,
            name=version.name,
            postage=version.postage,
            letter_contact_block=version.letter_contact_block,
        )
    return template


# -- what the server prints --------------------------------------------------------------------

_KEY_TYPE_NAMES = {KeyType.TEST: "test", KeyType.TEAM: "team", KeyType.LIVE: "live"}


def seeded_details(seeded: Sequence[SeededService], source: str | None = None) -> dict[str, Any]:
    """The machine form (``serve --json``): each service with its keys, templates and sender ids.

    A key whose secret came from an environment variable is given as ``"key": null`` with
    ``secret_env``: the server never prints a secret it was asked to keep out of the file.
    """
    return {
        "config": source,
        "services": [
            {
                "id": str(item.service.id),
                "name": item.service.name,
                "trial_mode": item.service.restricted,
                "keys": [
                    {
                        "name": key.name,
                        "type": _KEY_TYPE_NAMES[key.key_type],
                        "key": None if seed.secret_env else key.key,
                        "secret_env": seed.secret_env,
                        "revoked": key.revoked,
                    }
                    for seed, key in item.keys
                ],
                "templates": [
                    {"id": str(t.id), "type": t.type, "name": t.name, "version": t.version} for t in item.templates
                ],
                "sms_senders": [
                    {"id": str(s.id), "sms_sender": s.sms_sender, "is_default": s.is_default}
                    for s in item.service.sms_senders
                ],
                "reply_to_addresses": [
                    {"id": str(r.id), "email_address": r.email_address, "is_default": r.is_default}
                    for r in item.service.reply_to_addresses
                ],
                "inbound_number": item.service.inbound_number,
            }
            for item in seeded
        ],
    }


def describe_seeded(details: Mapping[str, Any]) -> str:
    """The start-up text a person reads: every service, its keys to copy and its template ids."""
    lines = [f"Fake GOV.UK Notify listening on {details['base_url']}"]
    if details.get("restored"):  # pytest-notify serve --data-dir, with state from an earlier run
        lines.append(f"Restored from {details['data_file']} (seeding skipped)")
    else:
        lines.append(f"Seeded from {details['config']}")
        if details.get("data_file"):
            lines.append(f"State kept in {details['data_file']}")
    for service in details["services"]:
        mode = "trial mode" if service["trial_mode"] else "live"
        lines.append(f"Service: {service['name']} ({service['id']}), {mode}")
        lines.append("  API keys:")
        for key in service["keys"]:
            state = ", revoked" if key["revoked"] else ""
            shown = key["key"] if key["key"] is not None else f"(secret from ${key['secret_env']})"
            lines.append(f"    {key['name']} ({key['type']}{state}): {shown}")
        lines.append("  Templates:")
        lines.extend(f"    {t['type']}: {t['id']}  {t['name']} (version {t['version']})" for t in service["templates"])
        lines.extend(f"  SMS sender {s['sms_sender']}: {s['id']}" for s in service["sms_senders"])
        lines.extend(f"  Reply-to {r['email_address']}: {r['id']}" for r in service["reply_to_addresses"])
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


def seed_from_file(
    store: Store, path: str | os.PathLike[str], *, default_timings: Timings | None = None
) -> dict[str, Any]:
    """Load ``path`` into ``store`` (all or nothing) and return :func:`seeded_details`."""
    seed = load_seed(path)
    return seeded_details(apply_seed(store, seed, default_timings=default_timings), seed.source)


__all__ = [
    "Seed",
    "SeedError",
    "SeedProblem",
    "SeededService",
    "apply_seed",
    "describe_seeded",
    "load_seed",
    "parse_seed",
    "seed_from_file",
    "seeded_details",
]
