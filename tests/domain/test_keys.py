"""API keys: the key string, key names, key types, the 7-day revocation window (reference §1.1, §1.2, §1.5).

Expected values come from the reference; where a value is derived rather than quoted, the comment
next to it says how.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from pytest_notify.domain.clock import FrozenClock, SystemClock
from pytest_notify.domain.errors import AuthError, ConfigurationError
from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.safe_string import make_key_name_safe
from pytest_notify.domain.store import Store
from pytest_notify.http.auth import authenticate
from tests.conftest import START, make_token

UTC = dt.timezone.utc

# The docs' example key (reference §1.1).
DOCS_KEY = "my_test_key-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
DOCS_SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
DOCS_SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"


def _key(name: str = "k", *, expiry: dt.datetime | None = None, key_type: KeyType = KeyType.TEST) -> ApiKey:
    return ApiKey(
        id=uuid.uuid4(),
        service_id=uuid.UUID(DOCS_SERVICE_ID),
        name=name,
        key_type=key_type,
        secret=DOCS_SECRET,
        created_at=START,
        expiry_date=expiry,
    )


# -- the key string (§1.1) -------------------------------------------------------------------


def test_docs_example_key_is_reproduced() -> None:
    assert _key("my_test_key").key == DOCS_KEY


def test_docs_example_key_parses_from_the_right() -> None:
    # The clients' parsing: service_id = key[-73:-37], secret = key[-36:].
    assert DOCS_KEY[-73:-37] == DOCS_SERVICE_ID
    assert DOCS_KEY[-36:] == DOCS_SECRET


def test_created_key_string_format() -> None:
    store = Store(clock=FrozenClock(START))
    service = store.create_service("Pigeon Affairs Bureau")
    key = store.create_api_key(service.id, "team", "My Team Key")
    assert key.name == "my_team_key"
    assert key.key == f"my_team_key-{service.id}-{key.secret}"
    assert key.key[-73:-37] == str(service.id)
    assert key.key[-36:] == key.secret
    # "with a real name it is len(name) + 74"
    assert len(key.key) == len("my_team_key") + 74


def test_secret_is_a_fresh_uuid4_string() -> None:
    store = Store(clock=FrozenClock(START))
    service = store.create_service()
    first = store.create_api_key(service.id, "test", "a")
    second = store.create_api_key(service.id, "test", "a")
    for key in (first, second):
        assert len(key.secret) == 36
        assert uuid.UUID(key.secret).version == 4
        assert str(uuid.UUID(key.secret)) == key.secret
    assert first.secret != second.secret


def test_empty_name_gives_a_74_character_key() -> None:
    key = _key("")
    assert len(key.key) == 74
    assert key.key.startswith("-")
    assert key.key[-73:-37] == DOCS_SERVICE_ID
    assert key.key[-36:] == DOCS_SECRET


def test_name_with_hyphens_still_parses_from_the_right() -> None:
    # "The name part can therefore be any length, including one containing hyphens."
    key = _key("a-b-c-d-e")
    assert key.key[-73:-37] == DOCS_SERVICE_ID
    assert key.key[-36:] == DOCS_SECRET


# -- make_key_name_safe (§1.1) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # The docs example's name: lowercased, the spaces become "_".
        ("My Test Key", "my_test_key"),
        # Diacritics stripped, lowercased, the space becomes "_".
        ("Café Crème", "cafe_creme"),
        ("ÀÉÎÕÜ ñ ç", "aeiou_n_c"),
        # A run of mixed whitespace (tab, newlines, spaces) is one "_".
        ("tab\tand\n\n  newline", "tab_and_newline"),
        # Every other non-alphanumeric character is dropped; digits are alphanumeric and stay.
        ("Key #1 (prod)!", "key_1_prod"),
        ("my-key.v2", "mykeyv2"),
        # Whitespace is replaced before punctuation is dropped, so " - " leaves two underscores.
        ("a - b", "a__b"),
        # Letters of other scripts are alphanumeric: lowercased and kept.
        ("Ключ API", "ключ_api"),
        # An "_" already there is the whitespace replacement character, which [utils]
        # make_string_safe keeps (`word.isalnum() or word == whitespace`).
        ("already_snake", "already_snake"),
        # [utils] make_string_safe strips the string before replacing whitespace, so there is no
        # leading or trailing "_".
        ("  padded name  ", "padded_name"),
        # Nothing alphanumeric left: the empty name.
        ("!!!", ""),
    ],
)
def test_make_key_name_safe(name: str, expected: str) -> None:
    assert make_key_name_safe(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Only diacritics are stripped (§1.1): a superscript two or a fullwidth letter carries no
        # diacritic, and both are alphanumeric, so they are kept (lowercased). [utils] does this
        # with NFD and drops category Mn; a compatibility decomposition (NFKD) would turn them
        # into "2" and "key".
        ("Key²", "key²"),
        ("Ｋｅｙ", "ｋｅｙ"),
    ],
)
def test_make_key_name_safe_strips_only_diacritics(name: str, expected: str) -> None:
    assert make_key_name_safe(name) == expected


def test_store_makes_the_key_name_safe() -> None:
    store = Store(clock=FrozenClock(START))
    service = store.create_service()
    key = store.create_api_key(service.id, "test", "Café Crème Key!")
    assert key.name == "cafe_creme_key"
    assert key.key.startswith("cafe_creme_key-")


# -- key types (§1.2) ------------------------------------------------------------------------


def test_internal_key_type_values() -> None:
    assert KeyType.LIVE.value == "normal"
    assert KeyType.TEAM.value == "team"
    assert KeyType.TEST.value == "test"


def test_admin_labels() -> None:
    assert KeyType.LIVE.label == "Live – sends to anyone"
    assert KeyType.TEAM.label == "Team and guest list – limits who you can send to"
    assert KeyType.TEST.label == "Test – pretends to send messages"


def test_rate_limit_names() -> None:
    # RateLimitError translates "normal" to "LIVE"; the others are upper-cased.
    assert KeyType.LIVE.rate_limit_name == "LIVE"
    assert KeyType.TEAM.rate_limit_name == "TEAM"
    assert KeyType.TEST.rate_limit_name == "TEST"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("live", KeyType.LIVE),
        ("normal", KeyType.LIVE),
        ("LIVE", KeyType.LIVE),
        ("team", KeyType.TEAM),
        ("Test", KeyType.TEST),
    ],
)
def test_parse_key_type(value: str, expected: KeyType) -> None:
    assert KeyType.parse(value) is expected


def test_parse_unknown_key_type() -> None:
    with pytest.raises(ValueError):
        KeyType.parse("admin")


# -- trial mode (§1.2) -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["live", "normal", KeyType.LIVE])
def test_trial_service_refuses_a_live_key(kind: str | KeyType) -> None:
    store = Store(clock=FrozenClock(START))
    service = store.create_service(trial_mode=True)
    with pytest.raises(ConfigurationError):
        store.create_api_key(service.id, kind, "live")
    assert service.api_keys == []


def test_trial_service_accepts_test_and_team_keys() -> None:
    store = Store(clock=FrozenClock(START))
    service = store.create_service(trial_mode=True)
    assert store.create_api_key(service.id, "test").key_type is KeyType.TEST
    assert store.create_api_key(service.id, "team").key_type is KeyType.TEAM


# -- which keys are loaded (§1.5) ------------------------------------------------------------


def test_active_key_is_always_loaded() -> None:
    key = _key()
    assert not key.revoked
    assert key.loaded_at(START)
    assert key.loaded_at(START + dt.timedelta(days=3650))


# Notify loads a key while `date(expiry_date) > now - 7 days`. The date drops the time of day, so
# a key revoked at any time on 10 May is loaded until (but not at) 17 May 00:00:00.
@pytest.mark.parametrize("revoked_at", [dt.time(0, 0, 1), dt.time(12, 0), dt.time(23, 59, 59, 999999)])
@pytest.mark.parametrize(
    ("now", "loaded"),
    [
        (dt.datetime(2026, 5, 10, 23, 59, 59, 999999, tzinfo=UTC), True),
        (dt.datetime(2026, 5, 14, 12, 0, tzinfo=UTC), True),
        (dt.datetime(2026, 5, 16, 23, 59, 59, 999999, tzinfo=UTC), True),
        # date(expiry) == now - 7 days exactly: not strictly greater, so no longer loaded.
        (dt.datetime(2026, 5, 17, 0, 0, tzinfo=UTC), False),
        (dt.datetime(2026, 5, 17, 0, 0, 1, tzinfo=UTC), False),
        (dt.datetime(2026, 6, 1, tzinfo=UTC), False),
    ],
)
def test_revoked_key_is_loaded_until_seven_days_after_the_date_of_revocation(
    revoked_at: dt.time, now: dt.datetime, loaded: bool
) -> None:
    key = _key(expiry=dt.datetime.combine(dt.date(2026, 5, 10), revoked_at, tzinfo=UTC))
    assert key.revoked
    assert key.loaded_at(now) is loaded


def test_key_revoked_just_after_midnight_is_dropped_under_seven_days_later() -> None:
    # Revoked at 00:00:01 on 10 May, dropped at 00:00:00 on 17 May: 6 days 23:59:59 later.
    revoked = dt.datetime(2026, 5, 10, 0, 0, 1, tzinfo=UTC)
    key = _key(expiry=revoked)
    dropped_at = dt.datetime(2026, 5, 17, tzinfo=UTC)
    assert dropped_at - revoked < dt.timedelta(days=7)
    assert not key.loaded_at(dropped_at)


def test_store_revocation_window_on_the_service_clock() -> None:
    clock = FrozenClock(dt.datetime(2026, 5, 10, 12, 0, tzinfo=UTC))
    store = Store(clock=clock)
    service = store.create_service()
    kept = store.create_api_key(service.id, "test", "kept")
    revoked = store.create_api_key(service.id, "test", "revoked")
    store.revoke_api_key(service.id, revoked.id)
    assert revoked.expiry_date == dt.datetime(2026, 5, 10, 12, 0, tzinfo=UTC)

    clock.set(dt.datetime(2026, 5, 16, 23, 59, 59, tzinfo=UTC))
    assert store.keys_for_authentication(service.id)[1] == [kept, revoked]
    clock.set(dt.datetime(2026, 5, 17, 0, 0, tzinfo=UTC))
    assert store.keys_for_authentication(service.id)[1] == [kept]


def test_last_key_past_the_window_means_no_api_keys() -> None:
    clock = FrozenClock(START)
    store = Store(clock=clock)
    service = store.create_service()
    key = store.create_api_key(service.id, "test")
    store.revoke_api_key(service.id, key.id)
    clock.advance(days=8)
    with pytest.raises(AuthError) as info:
        store.keys_for_authentication(service.id)
    assert info.value.message == "Invalid token: service has no API keys"


# -- several keys (§1.5: "Multiple active keys per service are allowed. Any of them authenticates.")


def test_several_active_keys_per_type_each_authenticate() -> None:
    store = Store(clock=FrozenClock(START))
    service = store.create_service()
    keys = [store.create_api_key(service.id, kind, f"{kind} {n}") for kind in ("test", "team", "live") for n in (1, 2)]
    assert len({k.secret for k in keys}) == 6
    for key in keys:
        header = f"Bearer {make_token(key.secret, str(service.id))}"
        caller = authenticate(header, store, SystemClock())
        assert caller.service is service
        assert caller.api_key is key
