"""The store: isolation, listing, status filters, paging, retention and per-service clocks.

Reference §3.6, §3.7, §5.1, §5.2, §13. Expected values come from the reference; where a value is
derived rather than quoted, the comment next to it says how.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from pytest_notify.domain.clock import FrozenClock, SwitchableClock
from pytest_notify.domain.errors import NoResultFound
from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.sending import SendRequest
from pytest_notify.domain.service import Service, TeamMember
from pytest_notify.domain.simulator import Timings
from pytest_notify.domain.store import API_PAGE_SIZE, Store
from tests.conftest import START


@dataclass
class World:
    store: Store
    clock: FrozenClock
    service: Service
    keys: dict[KeyType, ApiKey]
    sms_template: uuid.UUID
    email_template: uuid.UUID

    def send(
        self,
        to: str = "07700900123",
        *,
        key: KeyType = KeyType.LIVE,
        kind: str = "sms",
        reference: str | None = None,
    ) -> Notification:
        template = self.sms_template if kind == "sms" else self.email_template
        request = SendRequest(
            notification_type=kind, to=to, template_id=template, personalisation={}, reference=reference
        )
        return self.store.send(self.service, self.keys[key], request).notification

    def listed(self, key: KeyType = KeyType.LIVE, **filters: object) -> list[Notification]:
        return self.store.list_notifications(self.service.id, key, **filters)  # type: ignore[arg-type]


# Team keys may only send to the team and the guest list (§4), smoke-test recipients included.
TEAM = [TeamMember(email_address="jo@example.com", mobile_number="07700900123")]
GUEST_LIST = [
    "+447700900000",
    "+447700900111",
    "+447700900222",
    "simulate-delivered@notifications.service.gov.uk",
    "simulate-delivered-2@notifications.service.gov.uk",
    "simulate-delivered-3@notifications.service.gov.uk",
]


def _service_with_keys(store: Store, name: str) -> tuple[Service, dict[KeyType, ApiKey], uuid.UUID, uuid.UUID]:
    service = store.create_service(name, team_members=TEAM, guest_list=GUEST_LIST)
    keys = {kind: store.create_api_key(service.id, kind, kind.name) for kind in KeyType}
    sms = store.add_template(service.id, "sms", "Hello").id
    email = store.add_template(service.id, "email", "Hello", "Subject").id
    return service, keys, sms, email


@pytest.fixture
def world() -> World:
    clock = FrozenClock(START)
    store = Store(clock=clock)
    service, keys, sms, email = _service_with_keys(store, "Pigeon Affairs Bureau")
    return World(store, clock, service, keys, sms, email)


def ids(notifications: list[Notification]) -> list[uuid.UUID]:
    return [n.id for n in notifications]


# -- isolation -------------------------------------------------------------------------------


def test_services_are_isolated(world: World) -> None:
    other, other_keys, other_sms, _ = _service_with_keys(world.store, "Ministry of Silly Walks")
    mine = world.send()
    theirs = world.store.send(
        other,
        other_keys[KeyType.LIVE],
        SendRequest(notification_type="sms", to="07700900456", template_id=other_sms, personalisation={}),
    ).notification

    assert world.store.notifications(world.service.id) == [mine]
    assert world.store.notifications(other.id) == [theirs]
    assert world.store.get_notification(world.service.id, mine.id) is mine
    with pytest.raises(NoResultFound):
        world.store.get_notification(world.service.id, theirs.id)
    with pytest.raises(NoResultFound):
        world.store.get_notification(other.id, mine.id)
    assert world.listed() == [mine]
    assert world.store.list_notifications(other.id, KeyType.LIVE) == [theirs]
    # Another service's id as older_than is "not found for this service": an empty list (§3.7).
    assert world.listed(older_than=theirs.id) == []


def test_remove_service_forgets_its_notifications(world: World) -> None:
    other, other_keys, other_sms, _ = _service_with_keys(world.store, "Ministry of Silly Walks")
    kept = world.store.send(
        other,
        other_keys[KeyType.LIVE],
        SendRequest(notification_type="sms", to="07700900456", template_id=other_sms, personalisation={}),
    ).notification
    gone = world.send()

    world.store.remove_service(world.service.id)

    assert world.store.notifications(world.service.id) == []
    assert world.store.find_service(world.service.id) is None
    with pytest.raises(KeyError):
        world.store.get_service(world.service.id)
    with pytest.raises(NoResultFound):
        world.store.get_notification(world.service.id, gone.id)
    assert world.store.list_notifications(world.service.id, KeyType.LIVE) == []
    # The other service is untouched.
    assert world.store.get_notification(other.id, kept.id) is kept


def test_remove_unknown_service_is_harmless(world: World) -> None:
    world.store.remove_service(uuid.uuid4())
    assert world.store.services() == [world.service]


# -- smoke-test recipients (§5.2) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "to"),
    [
        ("sms", "+447700900000"),
        ("sms", "07700 900 111"),  # compared in normalised form
        ("sms", "447700900222"),
        ("email", "simulate-delivered@notifications.service.gov.uk"),
        ("email", "Simulate-Delivered-2@Notifications.Service.Gov.UK"),  # trimmed and lower-cased first
        ("email", " simulate-delivered-3@notifications.service.gov.uk "),
    ],
)
@pytest.mark.parametrize("key", list(KeyType))
def test_smoke_test_sends_are_not_stored(world: World, kind: str, to: str, key: KeyType) -> None:
    n = world.send(to, kind=kind, key=key)
    assert not n.persisted
    assert world.store.notifications(world.service.id) == []
    with pytest.raises(NoResultFound):
        world.store.get_notification(world.service.id, n.id)
    assert world.listed(key) == []


def test_ordinary_sends_are_stored_with_fresh_ids(world: World) -> None:
    # No idempotency (§13): the same request twice is two notifications.
    first = world.send(reference="same")
    second = world.send(reference="same")
    assert first.persisted and second.persisted
    assert first.id != second.id
    assert world.store.notifications(world.service.id) == [first, second]


# -- listing: key-type scoping and filters (§3.7) --------------------------------------------


def test_list_is_scoped_to_the_callers_key_type(world: World) -> None:
    sent = {key: world.send(key=key) for key in KeyType}
    for key in KeyType:
        assert world.listed(key) == [sent[key]]


def test_get_by_id_is_not_scoped_to_key_type(world: World) -> None:
    # §3.6: lookup with any key type; the store's get has no key type at all.
    for key in KeyType:
        n = world.send(key=key)
        assert world.store.get_notification(world.service.id, n.id) is n


def test_list_is_newest_first(world: World) -> None:
    sent = []
    for _ in range(4):
        sent.append(world.send())
        world.clock.advance(1)
    assert world.listed() == sent[::-1]


def test_list_is_ordered_by_created_at_not_by_sending_order(world: World) -> None:
    # §3.7: "Order is created_at DESC". A test that sets the clock back sends a notification whose
    # created_at is older than one sent before it; it must be listed after it.
    first = world.send()
    world.clock.set(START - dt.timedelta(hours=1))
    backdated = world.send()
    world.clock.set(START + dt.timedelta(minutes=1))
    assert backdated.created_at < first.created_at
    assert world.listed() == [first, backdated]
    assert world.listed(older_than=first.id) == [backdated]
    assert world.listed(older_than=backdated.id) == []


def test_template_type_filter(world: World) -> None:
    sms = world.send()
    world.clock.advance(1)
    email = world.send("jo@example.com", kind="email")
    assert world.listed(template_types=["sms"]) == [sms]
    assert world.listed(template_types=["email"]) == [email]
    assert world.listed(template_types=["sms", "email"]) == [email, sms]
    assert world.listed(template_types=["letter"]) == []


def test_reference_filter_is_an_exact_match(world: World) -> None:
    a = world.send(reference="my ref&x")
    world.send(reference="My Ref&x")
    world.send(reference="my ref&x2")
    world.send()
    assert world.listed(reference="my ref&x") == [a]
    assert world.listed(reference="my ref") == []


def test_filters_combine(world: World) -> None:
    a = world.send(reference="r")
    world.send("jo@example.com", kind="email", reference="r")
    world.send(reference="s")
    assert world.listed(template_types=["sms"], reference="r", statuses=["delivered"]) == [a]


# -- status substitution (§3.7) --------------------------------------------------------------


@pytest.fixture
def mixed(world: World) -> dict[str, Notification]:
    """Test-key sends in every status the simulator reaches, read at T0 + 25 s."""
    world.store.set_timings(world.service.id, Timings(sending=10, final=20))
    sent = {
        "delivered": world.send("07700900123", key=KeyType.TEST),
        "temporary-failure": world.send("07700900003", key=KeyType.TEST),
        "permanent-failure": world.send("perm-fail@simulator.notify", kind="email", key=KeyType.TEST),
    }
    world.clock.advance(15)
    sent["sending"] = world.send("07700900456", key=KeyType.TEST)  # 10 s old at T0 + 25: sending
    world.clock.advance(10)
    sent["created"] = world.send("07700900789", key=KeyType.TEST)  # just created
    now = world.clock.now()
    assert {n.status_at(now).status: n for n in sent.values()} == sent
    return sent


@pytest.mark.parametrize(
    ("requested", "matched"),
    [
        # failed → technical-, temporary-, permanent-failure, validation-failed, virus-scan-failed, returned-letter
        (["failed"], {"temporary-failure", "permanent-failure"}),
        # accepted → created, sending
        (["accepted"], {"created", "sending"}),
        # received → delivered only
        (["received"], {"delivered"}),
        # Raw statuses match themselves.
        (["delivered"], {"delivered"}),
        (["sending"], {"sending"}),
        (["created"], {"created"}),
        (["temporary-failure"], {"temporary-failure"}),
        (["technical-failure"], set()),
        (["sent"], set()),
        (["returned-letter"], set()),
        # Several values are a union.
        (["created", "delivered"], {"created", "delivered"}),
        (["failed", "received"], {"temporary-failure", "permanent-failure", "delivered"}),
        (["accepted", "sending"], {"created", "sending"}),
    ],
)
def test_status_substitution(
    world: World, mixed: dict[str, Notification], requested: list[str], matched: set[str]
) -> None:
    page = world.listed(KeyType.TEST, statuses=requested)
    assert {n.id for n in page} == {mixed[s].id for s in matched}


def test_no_status_filter_lists_everything(world: World, mixed: dict[str, Notification]) -> None:
    assert len(world.listed(KeyType.TEST)) == 5
    assert len(world.listed(KeyType.TEST, statuses=[])) == 5


def test_status_filter_follows_the_clock(world: World) -> None:
    world.store.set_timings(world.service.id, Timings(sending=1, final=5))
    n = world.send()
    assert world.listed(statuses=["created"]) == [n]
    assert world.listed(statuses=["sending"]) == []
    world.clock.advance(1)
    assert world.listed(statuses=["created"]) == []
    assert world.listed(statuses=["sending"]) == [n]
    assert world.listed(statuses=["accepted"]) == [n]
    world.clock.advance(4)
    assert world.listed(statuses=["sending"]) == []
    assert world.listed(statuses=["delivered"]) == [n]
    assert world.listed(statuses=["received"]) == [n]


# -- paging (§3.7) ---------------------------------------------------------------------------


def test_page_size_is_250() -> None:
    assert API_PAGE_SIZE == 250


def test_list_returns_at_most_250_and_older_than_gives_the_rest(world: World) -> None:
    sent = []
    for _ in range(260):
        sent.append(world.send())
        world.clock.advance(0.001)
    newest_first = sent[::-1]
    first = world.listed()
    assert ids(first) == ids(newest_first[:250])
    second = world.listed(older_than=first[-1].id)
    assert ids(second) == ids(newest_first[250:])
    assert world.listed(older_than=second[-1].id) == []


def test_exactly_250_fit_on_one_page(world: World) -> None:
    for _ in range(250):
        world.send()
        world.clock.advance(1)
    page = world.listed()
    assert len(page) == 250
    assert world.listed(older_than=page[-1].id) == []


def test_older_than_is_strictly_older(world: World) -> None:
    a = world.send()
    world.clock.advance(1)
    b = world.send()
    world.clock.advance(1)
    c = world.send()
    assert world.listed(older_than=c.id) == [b, a]
    assert world.listed(older_than=b.id) == [a]
    assert world.listed(older_than=a.id) == []


def test_older_than_unknown_id_is_an_empty_list(world: World) -> None:
    world.send()
    assert world.listed(older_than=uuid.uuid4()) == []


def test_older_than_applies_with_filters(world: World) -> None:
    a = world.send(reference="r")
    world.clock.advance(1)
    world.send(reference="other")
    world.clock.advance(1)
    c = world.send(reference="r")
    assert world.listed(reference="r", older_than=c.id) == [a]


def test_older_than_a_notification_of_another_key_type(world: World) -> None:
    # Derived: older_than is looked up for the service (§3.7 "not found for this service"), and
    # the key-type filter applies to the results, not to the pivot.
    a = world.send(key=KeyType.LIVE)
    world.clock.advance(1)
    pivot = world.send(key=KeyType.TEST)
    assert world.listed(KeyType.LIVE, older_than=pivot.id) == [a]


def test_ties_under_a_frozen_clock_keep_sending_order(world: World) -> None:
    # Five sends at one frozen instant: newest-first means reverse sending order, and paging two
    # at a time with older_than neither loses nor repeats one.
    sent = [world.send() for _ in range(5)]
    assert len({n.created_at for n in sent}) == 1
    assert world.listed() == sent[::-1]
    seen: list[Notification] = []
    page = world.listed(limit=2)
    while page:
        seen.extend(page)
        page = world.listed(limit=2, older_than=page[-1].id)
    assert seen == sent[::-1]


# -- data retention (§13: 7 days; GET 404, list omits, older_than gives an empty list) -----------


def test_retention_seven_days(world: World) -> None:
    old = world.send()
    world.clock.advance(days=2)
    newer = world.send()

    world.clock.advance(days=4, hours=23)  # old is 6 d 23 h old
    assert world.store.get_notification(world.service.id, old.id) is old
    assert world.listed() == [newer, old]
    assert world.listed(older_than=newer.id) == [old]

    world.clock.advance(hours=1, seconds=1)  # old is 7 d 1 s old, newer 5 d 1 s
    with pytest.raises(NoResultFound):
        world.store.get_notification(world.service.id, old.id)
    assert world.listed() == [newer]
    assert world.listed(older_than=newer.id) == []
    assert world.listed(older_than=old.id) == []
    assert world.store.get_notification(world.service.id, newer.id) is newer


def test_retention_applies_to_every_key_type(world: World) -> None:
    # §13: test-key notifications are deleted on the same schedule.
    sent = {key: world.send(key=key) for key in KeyType}
    world.clock.advance(days=7, seconds=1)
    for key, n in sent.items():
        with pytest.raises(NoResultFound):
            world.store.get_notification(world.service.id, n.id)
        assert world.listed(key) == []


# -- per-service clocks ----------------------------------------------------------------------


def test_each_service_has_its_own_clock_by_default() -> None:
    store = Store()
    a = store.create_service("A")
    b = store.create_service("B")
    clock_a, clock_b = store.clock_for(a.id), store.clock_for(b.id)
    assert isinstance(clock_a, SwitchableClock)
    assert clock_a is not clock_b

    clock_a.freeze(dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc))
    clock_a.advance(days=10)
    assert clock_a.now() == dt.datetime(2030, 1, 11, tzinfo=dt.timezone.utc)
    assert not clock_b.frozen
    real = dt.datetime.now(dt.timezone.utc)
    assert abs(clock_b.now() - real) < dt.timedelta(seconds=5)


def test_advancing_one_service_does_not_expire_anothers_notifications() -> None:
    store = Store()
    a, a_keys, a_sms, _ = _service_with_keys(store, "A")
    b, b_keys, b_sms, _ = _service_with_keys(store, "B")
    store.clock_for(a.id).freeze()  # type: ignore[attr-defined]
    store.clock_for(b.id).freeze()  # type: ignore[attr-defined]

    def send(service: Service, key: ApiKey, template: uuid.UUID) -> Notification:
        request = SendRequest(notification_type="sms", to="07700900123", template_id=template, personalisation={})
        return store.send(service, key, request).notification

    na = send(a, a_keys[KeyType.LIVE], a_sms)
    nb = send(b, b_keys[KeyType.LIVE], b_sms)
    store.clock_for(a.id).advance(days=8)  # type: ignore[attr-defined]

    with pytest.raises(NoResultFound):
        store.get_notification(a.id, na.id)
    assert store.get_notification(b.id, nb.id) is nb
    assert store.list_notifications(b.id, KeyType.LIVE) == [nb]


def test_timings_are_per_service(world: World) -> None:
    other, other_keys, other_sms, _ = _service_with_keys(world.store, "Other")
    world.store.set_timings(world.service.id, Timings(sending=1, final=5))
    mine = world.send()
    theirs = world.store.send(
        other,
        other_keys[KeyType.LIVE],
        SendRequest(notification_type="sms", to="07700900123", template_id=other_sms, personalisation={}),
    ).notification
    now = world.clock.now()
    assert mine.status_at(now).status == "created"
    assert theirs.status_at(now).status == "delivered"


def test_a_shared_clock_is_every_services_clock() -> None:
    clock = FrozenClock(START)
    store = Store(clock=clock)
    a = store.create_service("A")
    b = store.create_service("B")
    assert store.clock_for(a.id) is clock
    assert store.clock_for(b.id) is clock


def test_a_service_can_be_given_its_own_clock() -> None:
    store = Store()
    own = FrozenClock(START)
    a = store.create_service("A", clock=own)
    b = store.create_service("B")
    assert store.clock_for(a.id) is own
    own.advance(days=30)
    assert store.clock_for(b.id) is not own
    assert abs(store.clock_for(b.id).now() - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(seconds=5)
