"""Loading seed files: TOML and JSON alike, secrets from the environment, times, all or nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from pytest_notify.domain.clock import FrozenClock, sequential_ids
from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.store import Store
from pytest_notify.domain.timings import INSTANT, REALISTIC
from pytest_notify.seed import SeedError, apply_seed, load_seed, parse_seed
from pytest_notify.seed_schema import check_seed
from tests.seed.seed_helpers import SECRET, SERVICE_ID, TRIAL_ID, base

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "seed-example.toml"
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone.utc)

SMALL_TOML = """
[[services]]
id = "11111111-1111-4111-8111-111111111111"
name = "Small"
guest_list = ["jo@example.com"]

[[services.api_keys]]
type = "test"
secret = "33333333-3333-4333-8333-333333333333"

[[services.received_texts]]
content = "Hi"
received_at = 2026-03-01T08:00:00Z

[[services.received_texts]]
content = "Local time means UTC"
received_at = 2026-03-01T08:05:00
"""
SMALL_JSON = """{"services": [{
  "id": "11111111-1111-4111-8111-111111111111", "name": "Small", "guest_list": ["jo@example.com"],
  "api_keys": [{"type": "test", "secret": "33333333-3333-4333-8333-333333333333"}],
  "received_texts": [{"content": "Hi", "received_at": "2026-03-01T08:00:00Z"},
                     {"content": "Local time means UTC", "received_at": "2026-03-01T08:05:00"}]
}]}"""


def snapshot(store: Store) -> list[dict[str, Any]]:
    """Everything a seed can set, as plain data, to compare two stores."""
    result = []
    for service in store.services():
        fields = dataclasses.asdict(service)
        for volatile in ("templates", "api_keys"):
            fields.pop(volatile)
        fields["keys"] = [(k.name, k.key_type, k.key, k.revoked) for k in service.api_keys]
        fields["templates"] = [(t.id, t.type, t.versions) for t in service.templates.values()]
        fields["texts"] = [(m.content, m.user_number, m.created_at) for m in store.received_texts(service.id)]
        fields["limits"] = store.limits_of(service.id)
        result.append(fields)
    return result


def test_toml_and_json_describe_the_same_seed() -> None:
    toml_seed = parse_seed(SMALL_TOML, format="toml", environ={})
    json_seed = parse_seed(SMALL_JSON, format="json", environ={})
    assert toml_seed == json_seed
    (text_1, text_2) = toml_seed.services[0].received_texts
    assert text_1.received_at == dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)
    assert text_2.received_at == dt.datetime(2026, 3, 1, 8, 5, tzinfo=dt.timezone.utc)


def test_the_example_as_json_makes_the_same_store(tmp_path: Path) -> None:
    as_json = tmp_path / "seed-example.json"
    as_json.write_text(json.dumps(tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))), encoding="utf-8")
    stores = []
    for path in (EXAMPLE, as_json):
        store = Store(clock=FrozenClock(NOW), ids=sequential_ids())
        apply_seed(store, load_seed(path))
        stores.append(store)
    assert snapshot(stores[0]) == snapshot(stores[1])
    assert len(snapshot(stores[0])) == 2


@pytest.mark.parametrize(
    ("name", "text", "services"),
    [
        ("seed", SMALL_JSON, 1),
        ("seed.conf", SMALL_TOML, 1),
        ("seed.JSON", SMALL_JSON, 1),
    ],
)
def test_the_format_comes_from_the_extension_or_the_content(
    tmp_path: Path, name: str, text: str, services: int
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert len(load_seed(path, environ={}).services) == services


def test_an_explicit_extension_wins_over_the_content(tmp_path: Path) -> None:
    path = tmp_path / "seed.toml"
    path.write_text(SMALL_JSON, encoding="utf-8")
    with pytest.raises(SeedError, match=r"seed\.toml: invalid TOML: .*\(at line 1, column 1\)"):
        load_seed(path, environ={})


def test_a_missing_file_is_a_seed_error(tmp_path: Path) -> None:
    with pytest.raises(SeedError) as error:
        load_seed(tmp_path / "nope.toml")
    assert str(error.value) == f"{tmp_path / 'nope.toml'}: cannot read the seed file: No such file or directory"


def test_a_file_that_is_not_text_is_a_seed_error(tmp_path: Path) -> None:
    path = tmp_path / "seed.toml"
    path.write_bytes(b"\xff\xfe\x00services")
    with pytest.raises(SeedError, match="cannot read the seed file: it is not UTF-8 text"):
        load_seed(path)


def _with_env_secret() -> dict[str, Any]:
    data = base()
    key = data["services"][0]["api_keys"][0]
    del key["secret"]
    key["secret_env"] = "SEED_LIVE_KEY"
    data["services"][0]["callbacks"]["delivery_status"] = {
        "url": "https://example.com/status",
        "bearer_token_env": "SEED_TOKEN",
    }
    return data


@pytest.mark.parametrize(
    "value",
    [SECRET, f"ci_key-{SERVICE_ID}-{SECRET}", f"  {SECRET}\n"],
    ids=["secret", "whole-key", "with-whitespace"],
)
def test_secrets_can_come_from_the_environment(value: str) -> None:
    store = Store()
    seed = check_seed(_with_env_secret(), environ={"SEED_LIVE_KEY": value, "SEED_TOKEN": "from-env"})
    (seeded, _) = apply_seed(store, seed)
    (key_seed, key), _ = seeded.keys
    assert key.key == f"live_key-{SERVICE_ID}-{SECRET}"
    assert key_seed.secret_env == "SEED_LIVE_KEY"
    assert seeded.service.delivery_status_callback is not None
    assert seeded.service.delivery_status_callback.bearer_token == "from-env"


def test_a_key_without_a_secret_gets_a_random_one() -> None:
    store = Store()
    (_, trial) = apply_seed(store, check_seed(base(), environ={}))
    ((key_seed, key),) = trial.keys
    assert key_seed.secret is None
    assert str(uuid.UUID(key.secret)) == key.secret
    assert (key.name, key.key_type) == ("team_key", KeyType.TEAM)


def test_received_minutes_ago_follows_the_service_clock() -> None:
    store = Store(clock=FrozenClock(NOW))
    apply_seed(store, check_seed(base(), environ={}))
    (text,) = store.received_texts(uuid.UUID(SERVICE_ID))
    assert text.created_at == NOW - dt.timedelta(minutes=5)
    assert (text.content, text.user_number, text.notify_number) == ("Hello", "447700900123", "447700900999")


def test_default_timings_apply_where_the_file_gives_none() -> None:
    store = Store()
    apply_seed(store, check_seed(base(), environ={}), default_timings=REALISTIC)
    with store.tenants_locked(uuid.UUID(SERVICE_ID)) as (seeded,):
        assert seeded.timings == INSTANT  # the file says "instant"
    with store.tenants_locked(uuid.UUID(TRIAL_ID)) as (trial,):
        assert trial.timings == REALISTIC


def test_a_service_the_store_already_has_is_refused_and_nothing_is_made() -> None:
    store = Store()
    store.create_service("Already here", service_id=TRIAL_ID)
    with pytest.raises(SeedError) as error:
        apply_seed(store, check_seed(base(), environ={}))
    assert str(error.value) == f"services[1].id: {TRIAL_ID} is already a service of this store"
    assert [s.name for s in store.services()] == ["Already here"]


def test_a_failure_while_applying_undoes_every_service(monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store()
    real = store.create_api_key
    # Fail on the trial service's key, after the first service is complete.
    monkeypatch.setattr(
        store,
        "create_api_key",
        lambda sid, *a, **k: (
            (_ for _ in ()).throw(RuntimeError("boom")) if str(sid) == TRIAL_ID else real(sid, *a, **k)
        ),
    )
    with pytest.raises(RuntimeError, match="boom"):
        apply_seed(store, check_seed(base(), environ={}))
    assert store.services() == []


def test_received_texts_call_no_one_back() -> None:
    store = Store()
    data = base()
    data["services"][0]["callbacks"]["inbound_sms"] = {"url": "https://example.com/in", "bearer_token": "t"}
    apply_seed(store, check_seed(data, environ={}))
    with store.tenants_locked(uuid.UUID(SERVICE_ID)) as (tenant,):
        assert tenant.service.inbound_sms_callback is not None
        assert tenant.callbacks.jobs == []


@pytest.mark.parametrize("module", ["seed", "seed_model", "seed_reader", "seed_schema"])
def test_the_seed_modules_import_no_test_or_web_framework(module: str) -> None:
    from tests.test_layers import PACKAGE, imported_roots

    roots = imported_roots(PACKAGE / f"{module}.py")
    assert not roots & {"pytest", "_pytest", "werkzeug", "jwt", "pytest_httpserver"}
    assert not {r for r in roots if r.startswith(("pytest_notify.http", "pytest_notify.plugin", "pytest_notify.fake"))}
