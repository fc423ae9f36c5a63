"""Rate limit and daily limits in the domain: the token bucket on a frozen clock, the daily counters,
and the limits a service starts with and gets on going live or back to trial.

Reference §7.1 (bucket: ``rate_limit / 60`` tokens a second, ``min(ceil(rate_limit / 3) + 1, 1000)``
tokens, one taken per check, refused when fewer than 1 remains), §7.2 (counters and limits), §5.1 to
§5.3 (test keys and smoke-test recipients never count). Values marked "derived" are worked out from
those rules, not quoted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from pytest_notify.domain import limits
from pytest_notify.domain.clock import FrozenClock
from pytest_notify.domain.errors import (
    BadRequestError,
    ConfigurationError,
    RateLimitError,
    TooManyRequestsError,
)
from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.limits import LimitState, TokenBucket, bucket_size
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.sending import SendRequest
from pytest_notify.domain.service import Service, TeamMember
from pytest_notify.domain.store import Store
from tests.conftest import START

FRANCE = "+33 6 12 34 56 78"
ISLE_OF_MAN = "+44 7624 123456"  # a crown dependency: country code 44, so not "international" for limits


def rate_limit_message(key_label: str, rate_limit: int) -> str:
    # reference §7.1
    return f"Exceeded rate limit for key type {key_label} of {rate_limit} requests per 60 seconds"


def daily_limit_message(channel: str, limit: int) -> str:
    # reference §7.2
    return f"Exceeded send limits ({channel}: {limit}) for today"


# -- the bucket ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate_limit", "size"),
    [(3000, 1000), (30, 11), (3, 2), (1, 2), (0, 1), (2996, 1000), (2995, 1000), (2994, 999), (60_000, 1000)],
)
def test_bucket_size(rate_limit: int, size: int) -> None:
    # min(ceil(rate_limit / 3) + 1, 1000)
    assert bucket_size(rate_limit) == size


def served(state: LimitState, key_type: KeyType, now: dt.datetime, rate_limit: int, tries: int) -> int:
    """How many of ``tries`` checks at ``now`` were served."""
    return sum(state.tally_bucket(key_type, now, rate_limit) >= 1 for _ in range(tries))


def test_default_burst_is_999_then_refused() -> None:
    state = LimitState()
    assert served(state, KeyType.LIVE, START, 3000, 1000) == 999
    assert state.tally_bucket(KeyType.LIVE, START, 3000) == 0


def test_small_rate_limit_burst() -> None:
    state = LimitState()
    # 11 tokens: ten are served, leaving 1; the eleventh leaves 0 and is refused.
    assert [state.tally_bucket(KeyType.LIVE, START, 30) for _ in range(12)] == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0]


def test_refill_is_rate_limit_over_60_per_second() -> None:
    state = LimitState()
    served(state, KeyType.LIVE, START, 30, 11)  # empty
    # 0.5 tokens a second: 20 s give 10 tokens; 9 requests get one, the tenth leaves 0 (derived).
    later = START + dt.timedelta(seconds=20)
    assert served(state, KeyType.LIVE, later, 30, 10) == 9


def test_default_refill_is_50_a_second() -> None:
    state = LimitState()
    served(state, KeyType.LIVE, START, 3000, 1000)
    later = START + dt.timedelta(seconds=1)
    assert served(state, KeyType.LIVE, later, 3000, 60) == 49  # 50 tokens, refused below 1


def test_fractions_of_a_token_are_kept() -> None:
    state = LimitState()
    served(state, KeyType.LIVE, START, 30, 11)
    # One second is half a token: nothing is added, but the half second is not lost either.
    assert state.tally_bucket(KeyType.LIVE, START + dt.timedelta(seconds=1), 30) == 0
    assert state.tally_bucket(KeyType.LIVE, START + dt.timedelta(seconds=2), 30) == 0  # 1 token, taken
    # Two more tokens by 6 s: one request served.
    assert state.tally_bucket(KeyType.LIVE, START + dt.timedelta(seconds=6), 30) == 1


def test_a_full_bucket_does_not_overflow() -> None:
    state = LimitState()
    state.tally_bucket(KeyType.LIVE, START, 30)
    assert served(state, KeyType.LIVE, START + dt.timedelta(hours=5), 30, 20) == 10


def test_a_clock_set_back_adds_nothing() -> None:
    state = LimitState()
    served(state, KeyType.LIVE, START, 30, 11)
    assert state.tally_bucket(KeyType.LIVE, START - dt.timedelta(hours=1), 30) == 0
    # last_replenished never went backwards: 4 s after START gives 2 tokens, one served.
    assert state.tally_bucket(KeyType.LIVE, START + dt.timedelta(seconds=4), 30) == 1


def test_refused_requests_still_take_a_token() -> None:
    # The script subtracts before deciding (never below 0): hammering an empty bucket keeps it empty.
    bucket = TokenBucket(last_replenished=0.0, tokens=0)
    assert bucket.tally(2.0, 0.5, 11) == 0  # 1 token replenished, taken by the refused request
    assert bucket.tally(4.0, 0.5, 11) == 0
    assert bucket.tally(8.0, 0.5, 11) == 1


def test_zero_rate_limit_refuses_everything() -> None:
    state = LimitState()
    assert state.tally_bucket(KeyType.LIVE, START, 0) == 0
    assert state.tally_bucket(KeyType.LIVE, START + dt.timedelta(days=1), 0) == 0


def test_key_types_have_separate_buckets() -> None:
    state = LimitState()
    assert served(state, KeyType.LIVE, START, 30, 11) == 10
    assert served(state, KeyType.TEAM, START, 30, 11) == 10
    assert served(state, KeyType.TEST, START, 30, 11) == 10


def test_tokens_left_takes_nothing() -> None:
    state = LimitState()
    assert state.tokens_left(KeyType.LIVE, START, 30) == 10
    state.tally_bucket(KeyType.LIVE, START, 30)
    assert state.tokens_left(KeyType.LIVE, START, 30) == 9
    assert state.tokens_left(KeyType.LIVE, START, 30) == 9


# -- through the store --------------------------------------------------------------------------


@dataclass
class World:
    store: Store
    clock: FrozenClock
    service: Service
    keys: dict[KeyType, ApiKey]
    sms: uuid.UUID
    email: uuid.UUID

    def send(self, to: str = "07700900123", *, key: KeyType = KeyType.LIVE, kind: str = "sms") -> Notification:
        template = self.sms if kind == "sms" else self.email
        request = SendRequest(notification_type=kind, to=to, template_id=template, personalisation={})
        return self.store.send(self.service, self.keys[key], request).notification

    def check(self, kind: str = "sms", key: KeyType = KeyType.LIVE) -> None:
        self.store.check_rate_limits(self.service, self.keys[key], kind)

    @property
    def sent_today(self) -> dict[str, int]:
        return dict(self.store.limits_of(self.service.id).sent_today)


def make_world(*, trial_mode: bool = False, **settings: object) -> World:
    clock = FrozenClock(START)
    store = Store(clock=clock)
    service = store.create_service(
        "Pigeon Affairs Bureau",
        trial_mode=trial_mode,
        team_members=[TeamMember(email_address="jo@example.com", mobile_number="07700900123")],
        guest_list=[FRANCE, "07700900000"],
        **settings,  # type: ignore[arg-type]
    )
    kinds = [KeyType.TEST, KeyType.TEAM] if trial_mode else list(KeyType)
    keys = {kind: store.create_api_key(service.id, kind, kind.name) for kind in kinds}
    sms = store.add_template(service.id, "sms", "Hello").id
    email = store.add_template(service.id, "email", "Hello", "Subject").id
    return World(store, clock, service, keys, sms, email)


@pytest.fixture
def world() -> World:
    return make_world()


def test_rate_limit_error_names_the_key_type_and_rate(world: World) -> None:
    world.store.set_limits(world.service.id, rate_limit=30)
    for key, label in ((KeyType.LIVE, "LIVE"), (KeyType.TEAM, "TEAM"), (KeyType.TEST, "TEST")):
        for _ in range(10):
            world.check(key=key)
        with pytest.raises(RateLimitError) as caught:
            world.check(key=key)
        assert caught.value.to_dict() == {
            "errors": [{"error": "RateLimitError", "message": rate_limit_message(label, 30)}],
            "status_code": 429,
        }


def test_the_bucket_refills_on_the_service_clock(world: World) -> None:
    world.store.set_limits(world.service.id, rate_limit=30)
    for _ in range(10):
        world.check()
    with pytest.raises(RateLimitError):
        world.check()
    world.clock.advance(60)
    world.check()


def test_sends_count_per_channel(world: World) -> None:
    world.send()
    world.send(key=KeyType.TEAM)
    world.send("jo@example.com", kind="email")
    assert world.sent_today == {"sms": 2, "email": 1, "letter": 0, "international_sms": 0}


def test_test_keys_never_count(world: World) -> None:
    world.send(key=KeyType.TEST)
    world.send(FRANCE, key=KeyType.TEST)
    world.send("jo@example.com", key=KeyType.TEST, kind="email")
    assert world.sent_today == {"sms": 0, "email": 0, "letter": 0, "international_sms": 0}


def test_smoke_test_recipients_never_count(world: World) -> None:
    world.send("07700900000")
    world.send("simulate-delivered@notifications.service.gov.uk", kind="email")
    assert world.sent_today == {"sms": 0, "email": 0, "letter": 0, "international_sms": 0}


def test_smoke_test_recipients_are_still_checked() -> None:
    world = make_world(sms_limit=0)
    with pytest.raises(TooManyRequestsError):
        world.check("sms")  # the check runs before the body is read, whoever the recipient


def test_international_texts_count_twice(world: World) -> None:
    world.send(FRANCE)
    world.send(ISLE_OF_MAN)  # +44: counted as a text, not as international
    assert world.sent_today == {"sms": 2, "email": 0, "letter": 0, "international_sms": 1}


def test_daily_limit_is_count_plus_one_over_the_limit() -> None:
    world = make_world(sms_limit=2)
    world.check()
    world.send()
    world.check()
    world.send()
    with pytest.raises(TooManyRequestsError) as caught:
        world.check()
    assert caught.value.to_dict() == {
        "errors": [{"error": "TooManyRequestsError", "message": daily_limit_message("sms", 2)}],
        "status_code": 429,
    }
    world.check("email")  # other channels have their own counter


def test_live_and_team_keys_share_the_counter() -> None:
    world = make_world(email_limit=2)
    world.send("jo@example.com", kind="email")
    world.send("jo@example.com", kind="email", key=KeyType.TEAM)
    for key in (KeyType.LIVE, KeyType.TEAM):
        with pytest.raises(TooManyRequestsError):
            world.check("email", key)


def test_a_test_key_is_refused_only_by_a_limit_of_zero() -> None:
    world = make_world(sms_limit=1)
    world.send()
    world.check("sms", KeyType.TEST)  # its own counter, never incremented
    world.store.set_limits(world.service.id, sms_limit=0)
    with pytest.raises(TooManyRequestsError, match=r"\(sms: 0\)"):
        world.check("sms", KeyType.TEST)


def test_a_test_key_on_a_trial_service_has_the_live_defaults() -> None:
    world = make_world(trial_mode=True, organisation_type="nhs_gp")
    assert world.service.sms_message_limit == 0
    with pytest.raises(TooManyRequestsError, match=r"\(sms: 0\)"):
        world.check("sms", KeyType.TEAM)
    world.check("sms", KeyType.TEST)  # DEFAULT_LIVE_SERVICE_RATE_LIMITS: 250,000


def test_international_limit_runs_in_step_10() -> None:
    world = make_world(international_sms_limit=1)
    world.send(FRANCE)
    with pytest.raises(TooManyRequestsError) as caught:
        world.send(FRANCE)
    assert caught.value.message == daily_limit_message("international_sms", 1)
    world.send(ISLE_OF_MAN)  # crown dependencies are not checked
    assert world.sent_today["international_sms"] == 1
    # Earlier checks win: an unknown template (step 7) is reported first.
    with pytest.raises(BadRequestError, match="Template not found"):
        world.store.send(
            world.service,
            world.keys[KeyType.LIVE],
            SendRequest(notification_type="sms", to=FRANCE, template_id=uuid.uuid4(), personalisation={}),
        )


def test_international_limit_comes_after_the_allow_list_and_permissions() -> None:
    world = make_world(trial_mode=True, international_sms_limit=0)
    with pytest.raises(BadRequestError, match="team-only API key"):
        world.send("+33 6 99 99 99 99", key=KeyType.TEAM)
    with pytest.raises(TooManyRequestsError, match=r"\(international_sms: 0\)"):
        world.send(FRANCE, key=KeyType.TEAM)  # on the guest list
    world.service.permissions.discard("international_sms")
    with pytest.raises(BadRequestError, match="Cannot send to international mobile numbers"):
        world.send(FRANCE, key=KeyType.TEAM)


def test_a_test_key_on_a_trial_service_has_the_international_default() -> None:
    world = make_world(trial_mode=True, international_sms_limit=0)
    world.send(FRANCE, key=KeyType.TEST)  # 100, whatever the service's own limit


def test_counters_reset_at_midnight_utc() -> None:
    world = make_world(sms_limit=1)
    # 23:30 UTC is 00:30 in London (BST): the counter follows UTC, not the local day.
    world.clock.set(dt.datetime(2026, 5, 17, 23, 30, tzinfo=dt.timezone.utc))
    world.send()
    world.clock.set(dt.datetime(2026, 5, 17, 23, 59, 59, 999999, tzinfo=dt.timezone.utc))
    with pytest.raises(TooManyRequestsError):
        world.check()
    world.clock.advance(seconds=0.000001)
    world.check()
    assert world.sent_today["sms"] == 0


def test_the_counter_of_a_past_day_is_kept_for_that_day() -> None:
    world = make_world(sms_limit=1)
    world.send()
    world.clock.advance(days=1)
    world.send()
    world.clock.advance(days=-1)
    with pytest.raises(TooManyRequestsError):
        world.check()


# -- limit values -------------------------------------------------------------------------------


def limit_values(service: Service) -> tuple[int, int, int, int, int]:
    return (
        service.rate_limit,
        service.email_message_limit,
        service.sms_message_limit,
        service.letter_message_limit,
        service.international_sms_message_limit,
    )


@pytest.mark.parametrize(
    ("trial_mode", "organisation_type", "expected"),
    [
        # reference §7.2 table: (rate, email, sms, letter, international_sms)
        (True, "central", (3000, 50, 50, 50, 100)),
        (True, "local", (3000, 50, 50, 50, 100)),
        (True, None, (3000, 50, 50, 50, 100)),
        (True, "nhs_gp", (3000, 50, 0, 50, 100)),
        (True, "nhs_notify", (3000, 50, 0, 50, 100)),
        # created live: the go-live values
        (False, "central", (3000, 250_000, 250_000, 20_000, 100)),
        (False, "nhs_gp", (3000, 250_000, 250_000, 20_000, 100)),
    ],
)
def test_defaults(trial_mode: bool, organisation_type: str | None, expected: tuple[int, ...]) -> None:
    service = Store().create_service(trial_mode=trial_mode, organisation_type=organisation_type)
    assert limit_values(service) == expected


def test_going_live_and_back_to_trial() -> None:
    store = Store()
    service = store.create_service(trial_mode=True, organisation_type="nhs_gp", international_sms_limit=7)
    store.set_trial_mode(service.id, False)
    assert limit_values(service) == (3000, 250_000, 250_000, 20_000, 7)  # international unchanged
    store.set_trial_mode(service.id, True)
    assert limit_values(service) == (3000, 50, 50, 50, 7)  # the admin sets 50, GP or not


def test_staying_in_the_same_mode_keeps_the_limits() -> None:
    store = Store()
    service = store.create_service(sms_limit=5, rate_limit=30)
    store.set_trial_mode(service.id, False)
    assert limit_values(service) == (30, 250_000, 5, 20_000, 100)


def test_given_limits_replace_the_defaults() -> None:
    service = Store().create_service(
        trial_mode=True, rate_limit=30, sms_limit=1, email_limit=2, letter_limit=3, international_sms_limit=4
    )
    assert limit_values(service) == (30, 2, 1, 3, 4)


def test_set_limits_changes_only_what_is_given(world: World) -> None:
    world.send()
    changed = world.store.set_limits(world.service.id, email_limit=9)
    assert (changed.rate_limit, changed.email, changed.sms, changed.letter, changed.international_sms) == (
        3000,
        9,
        250_000,
        20_000,
        100,
    )
    assert changed.sent_today["sms"] == 1  # counts are kept
    assert changed.bucket_size == 1000


@pytest.mark.parametrize("value", [-1, 1.5, "10", True])
def test_limits_must_be_whole_numbers(value: object) -> None:
    assert limits.validated_limit("sms_limit", 0) == 0
    with pytest.raises(ConfigurationError, match="sms_limit must be a whole number of 0 or more"):
        Store().create_service(sms_limit=value)  # type: ignore[arg-type]


def test_set_limits_checks_everything_before_changing_anything(world: World) -> None:
    with pytest.raises(ConfigurationError, match="rate_limit"):
        world.store.set_limits(world.service.id, sms_limit=3, rate_limit=-5)
    assert world.service.sms_message_limit == 250_000


def test_removing_a_service_forgets_its_counters(world: World) -> None:
    world.send()
    world.store.remove_service(world.service.id)
    with pytest.raises(KeyError):
        world.store.limits_of(world.service.id)
