"""The official Python client's listing methods against the fake (reference §3.7, §13; clients §2.5).

``get_all_notifications``: key-type scoping, the status / template_type / reference / older_than filters with
Notify's status substitution, the ``links`` rules; ``get_all_notifications_iterator``: paging over more than one
250-notification page, each notification once, newest first; data retention; isolation between tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from pytest_notify.fake import NotifyFake

ClientFactory = Callable[[str], NotificationsAPIClient]

pytestmark = pytest.mark.notify_service(
    name="Pigeon Affairs Bureau",
    team_members=[{"email": "jo@example.com", "mobile": "07700 900123"}],
)

KEY_TYPES = ("test", "team", "live")
INTERNAL_KEY_TYPE = {"test": "test", "team": "team", "live": "normal"}
API_PAGE_SIZE = 250  # reference §3.7


def ids(page: dict[str, Any]) -> list[str]:
    return [n["id"] for n in page["notifications"]]


@pytest.fixture
def sms_template(notify: NotifyFake) -> str:
    return notify.add_template("sms", "Hello ((name))").id


@pytest.fixture
def email_template(notify: NotifyFake) -> str:
    return notify.add_template("email", "Hello ((name))", subject="Hi").id


@pytest.fixture
def test_client(notify: NotifyFake, client_for: ClientFactory) -> NotificationsAPIClient:
    return client_for(notify.test_key)


# -- key-type scoping (reference §3.7) ----------------------------------------------------------------------


def test_each_key_type_lists_only_its_own_notifications(
    notify: NotifyFake, client_for: ClientFactory, key_of: Callable[[str], str], sms_template: str, email_template: str
) -> None:
    sent: dict[str, list[str]] = {}
    for kind in KEY_TYPES:
        client = client_for(key_of(kind))
        sent[kind] = [
            client.send_sms_notification("07700900123", sms_template, {"name": kind})["id"],
            client.send_email_notification("jo@example.com", email_template, {"name": kind})["id"],
        ]

    for kind in KEY_TYPES:
        client = client_for(key_of(kind))
        assert ids(client.get_all_notifications()) == sent[kind][::-1]
        assert [n["id"] for n in client.get_all_notifications_iterator()] == sent[kind][::-1]
        assert [n.id for n in notify.notifications.filter(key_type=INTERNAL_KEY_TYPE[kind])] == sent[kind]
    assert len(notify.notifications) == 6


def test_a_second_key_of_the_same_type_sees_the_first_ones_notifications(
    notify: NotifyFake, client_for: ClientFactory, sms_template: str
) -> None:
    sent = client_for(notify.test_key).send_sms_notification("07700900456", sms_template, {"name": "Jo"})
    other_test_key = notify.create_key("test", "another test key")
    assert ids(client_for(other_test_key).get_all_notifications()) == [sent["id"]]


def test_listed_notifications_are_the_same_objects_as_get_by_id(
    notify: NotifyFake, test_client: NotificationsAPIClient, sms_template: str, email_template: str
) -> None:
    sms = test_client.send_sms_notification("07700900003", sms_template, {"name": "Jo"}, reference="a")
    email = test_client.send_email_notification("jo@example.com", email_template, {"name": "Jo"}, reference="b")
    listed = test_client.get_all_notifications()["notifications"]
    assert listed == [test_client.get_notification_by_id(email["id"]), test_client.get_notification_by_id(sms["id"])]


# -- filters (reference §3.7) ---------------------------------------------------------------------------------


@pytest.fixture
def outcomes(test_client: NotificationsAPIClient, sms_template: str, email_template: str) -> dict[str, str]:
    """Test-key sends with each simulator outcome, oldest first."""
    sent = {}
    for name, number in (("sms_delivered", "07700900456"), ("sms_temp", "07700900003"), ("sms_perm", "07700900002")):
        sent[name] = test_client.send_sms_notification(number, sms_template, {"name": "Jo"})["id"]
    for name, address in (
        ("email_delivered", "jo@example.com"),
        ("email_temp", "temp-fail@simulator.notify"),
        ("email_perm", "perm-fail@simulator.notify"),
    ):
        sent[name] = test_client.send_email_notification(address, email_template, {"name": "Jo"})["id"]
    return sent


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("delivered", ["email_delivered", "sms_delivered"]),
        ("temporary-failure", ["email_temp", "sms_temp"]),
        ("permanent-failure", ["email_perm", "sms_perm"]),
        # substitutions: failed = every failure; received = delivered (across channels); accepted = created+sending
        ("failed", ["email_perm", "email_temp", "sms_perm", "sms_temp"]),
        ("received", ["email_delivered", "sms_delivered"]),
        ("accepted", []),
        ("technical-failure", []),
        ("sending", []),
        ("created", []),
        (["delivered", "permanent-failure"], ["email_perm", "email_delivered", "sms_perm", "sms_delivered"]),
    ],
)
def test_status_filter(
    test_client: NotificationsAPIClient, outcomes: dict[str, str], status: str | list[str], expected: list[str]
) -> None:
    assert ids(test_client.get_all_notifications(status=status)) == [outcomes[name] for name in expected]


@pytest.mark.parametrize(
    ("template_type", "expected"),
    [
        ("sms", ["sms_perm", "sms_temp", "sms_delivered"]),
        ("email", ["email_perm", "email_temp", "email_delivered"]),
        ("letter", []),
        (["sms", "email"], ["email_perm", "email_temp", "email_delivered", "sms_perm", "sms_temp", "sms_delivered"]),
    ],
)
def test_template_type_filter(
    test_client: NotificationsAPIClient, outcomes: dict[str, str], template_type: str | list[str], expected: list[str]
) -> None:
    assert ids(test_client.get_all_notifications(template_type=template_type)) == [outcomes[n] for n in expected]


def test_status_and_template_type_filters_combine(
    test_client: NotificationsAPIClient, outcomes: dict[str, str]
) -> None:
    page = test_client.get_all_notifications(status="failed", template_type="email")
    assert ids(page) == [outcomes["email_perm"], outcomes["email_temp"]]


def test_status_filters_follow_the_lifecycle(
    notify: NotifyFake, client: NotificationsAPIClient, sms_template: str
) -> None:
    notify.set_timings(sending=10, final=20)
    clock = notify.freeze_time()
    nid = client.send_sms_notification("07700900456", sms_template, {"name": "Jo"})["id"]

    def listed(status: str) -> list[str]:
        return ids(client.get_all_notifications(status=status))

    assert (listed("created"), listed("accepted"), listed("sending"), listed("delivered")) == ([nid], [nid], [], [])
    clock.advance(10)
    assert (listed("created"), listed("accepted"), listed("sending"), listed("delivered")) == ([], [nid], [nid], [])
    clock.advance(10)
    assert (listed("accepted"), listed("sending"), listed("delivered"), listed("received")) == ([], [], [nid], [nid])


def test_reference_filter_is_an_exact_match(test_client: NotificationsAPIClient, sms_template: str) -> None:
    sent = [
        (ref, test_client.send_sms_notification("07700900456", sms_template, {"name": "Jo"}, reference=ref)["id"])
        for ref in ("abc", "abcd", "ABC", "xabc", "abc")
    ]
    assert ids(test_client.get_all_notifications(reference="abc")) == [sent[4][1], sent[0][1]]
    assert ids(test_client.get_all_notifications(reference="ABC")) == [sent[2][1]]
    assert ids(test_client.get_all_notifications(reference="ab")) == []


def test_reference_filter_with_spaces_and_ampersands(test_client: NotificationsAPIClient, sms_template: str) -> None:
    nid = test_client.send_sms_notification("07700900456", sms_template, {"name": "Jo"}, reference="my ref&x=1")["id"]
    test_client.send_sms_notification("07700900456", sms_template, {"name": "Jo"}, reference="my ref")
    assert ids(test_client.get_all_notifications(reference="my ref&x=1")) == [nid]


def test_older_than(test_client: NotificationsAPIClient, sms_template: str) -> None:
    sent = [test_client.send_sms_notification("07700900456", sms_template, {"name": str(i)})["id"] for i in range(4)]
    assert ids(test_client.get_all_notifications(older_than=sent[3])) == [sent[2], sent[1], sent[0]]
    assert ids(test_client.get_all_notifications(older_than=sent[1])) == [sent[0]]
    assert ids(test_client.get_all_notifications(older_than=sent[0])) == []


def test_older_than_an_unknown_id_gives_an_empty_list(
    notify: NotifyFake, test_client: NotificationsAPIClient, sms_template: str
) -> None:
    test_client.send_sms_notification("07700900456", sms_template, {"name": "Jo"})
    unknown = str(uuid.uuid4())
    page = test_client.get_all_notifications(older_than=unknown)
    assert page == {
        "links": {"current": f"{notify.base_url}/v2/notifications?older_than={unknown}"},
        "notifications": [],
    }


def test_older_than_with_a_frozen_clock(
    notify: NotifyFake, test_client: NotificationsAPIClient, sms_template: str
) -> None:
    notify.freeze_time()
    sent = [test_client.send_sms_notification("07700900456", sms_template, {"name": str(i)})["id"] for i in range(3)]
    assert ids(test_client.get_all_notifications()) == sent[::-1]
    assert ids(test_client.get_all_notifications(older_than=sent[2])) == [sent[1], sent[0]]


# -- links (reference §3.7) --------------------------------------------------------------------------------------


def test_links_without_filters(notify: NotifyFake, client: NotificationsAPIClient, sms_template: str) -> None:
    first = client.send_sms_notification("07700900456", sms_template, {"name": "Jo"})["id"]
    last = client.send_sms_notification("07700900456", sms_template, {"name": "Jo"})["id"]
    page = client.get_all_notifications()
    assert set(page) == {"notifications", "links"}
    assert ids(page) == [last, first]
    assert page["links"] == {
        "current": f"{notify.base_url}/v2/notifications",
        # next is present whenever the page is non-empty, even with fewer than 250
        "next": f"{notify.base_url}/v2/notifications?older_than={first}",
    }


def test_links_of_an_empty_page(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    assert client.get_all_notifications() == {
        "links": {"current": f"{notify.base_url}/v2/notifications"},
        "notifications": [],
    }


def test_links_keep_the_parameters_in_the_order_received(
    notify: NotifyFake, test_client: NotificationsAPIClient, sms_template: str
) -> None:
    nid = test_client.send_sms_notification("07700900456", sms_template, {"name": "Jo"}, reference="my ref&x")["id"]
    page = test_client.get_all_notifications(status="delivered", template_type="sms", reference="my ref&x")
    current = f"{notify.base_url}/v2/notifications?status=delivered&template_type=sms&reference=my+ref%26x"
    assert page["links"] == {"current": current, "next": f"{current}&older_than={nid}"}


def test_links_repeat_repeated_statuses(
    notify: NotifyFake, test_client: NotificationsAPIClient, sms_template: str
) -> None:
    nid = test_client.send_sms_notification("07700900456", sms_template, {"name": "Jo"})["id"]
    page = test_client.get_all_notifications(status=["created", "sending", "delivered"])
    current = f"{notify.base_url}/v2/notifications?status=created&status=sending&status=delivered"
    assert ids(page) == [nid]
    assert page["links"] == {"current": current, "next": f"{current}&older_than={nid}"}


def test_next_link_replaces_older_than_in_place(
    notify: NotifyFake, test_client: NotificationsAPIClient, sms_template: str
) -> None:
    sent = [test_client.send_sms_notification("07700900456", sms_template, {"name": str(i)})["id"] for i in range(3)]
    page = test_client.get_all_notifications(template_type="sms", older_than=sent[2], reference="r")
    assert ids(page) == []
    page = test_client.get_all_notifications(template_type="sms", older_than=sent[2])
    base = f"{notify.base_url}/v2/notifications"
    assert page["links"] == {
        "current": f"{base}?template_type=sms&older_than={sent[2]}",
        "next": f"{base}?template_type=sms&older_than={sent[0]}",
    }


# -- paging (reference §3.7; clients §2.5) --------------------------------------------------------------------


def test_iterator_pages_over_more_than_250_notifications(
    notify: NotifyFake, client: NotificationsAPIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = notify.add_template("sms", "Message ((n))")
    notify.freeze_time()  # every created_at equal: paging must still lose and repeat nothing
    sent = [client.send_sms_notification("07700900456", template.id, {"n": i})["id"] for i in range(260)]

    first_page = client.get_all_notifications()
    assert ids(first_page) == sent[::-1][:API_PAGE_SIZE]
    assert first_page["links"]["next"] == f"{notify.base_url}/v2/notifications?older_than={sent[10]}"
    second_page = client.get_all_notifications(older_than=sent[10])
    assert ids(second_page) == sent[9::-1]
    assert client.get_all_notifications(older_than=sent[0])["notifications"] == []

    pages: list[int] = []
    original = client.get_all_notifications

    def spy(*args: Any, **kwargs: Any) -> Any:
        page = original(*args, **kwargs)
        pages.append(len(page["notifications"]))
        return page

    monkeypatch.setattr(client, "get_all_notifications", spy)
    yielded = [n["id"] for n in client.get_all_notifications_iterator()]

    assert yielded == sent[::-1]
    assert len(set(yielded)) == 260
    assert pages == [250, 10, 0]  # real Notify always ends with an empty page


def test_iterator_with_filters_and_a_starting_point(
    notify: NotifyFake, test_client: NotificationsAPIClient, sms_template: str, email_template: str
) -> None:
    sent = []
    for i in range(6):
        if i % 2:
            sent.append(
                ("email", test_client.send_email_notification("jo@example.com", email_template, {"name": i})["id"])
            )
        else:
            sent.append(("sms", test_client.send_sms_notification("07700900456", sms_template, {"name": i})["id"]))
    emails = [nid for kind, nid in sent if kind == "email"]

    assert [n["id"] for n in test_client.get_all_notifications_iterator(template_type="email")] == emails[::-1]
    start = sent[-1][1]
    expected = [nid for _, nid in sent[:-1]][::-1]
    assert [n["id"] for n in test_client.get_all_notifications_iterator(older_than=start)] == expected


def test_iterator_of_nothing(client: NotificationsAPIClient) -> None:
    assert list(client.get_all_notifications_iterator()) == []


# -- data retention (reference §13) ------------------------------------------------------------------------


def test_notifications_older_than_7_days_are_gone(
    notify: NotifyFake, test_client: NotificationsAPIClient, sms_template: str
) -> None:
    clock = notify.freeze_time()
    old = test_client.send_sms_notification("07700900456", sms_template, {"name": "Jo"})["id"]
    clock.advance(days=6)
    recent = test_client.send_sms_notification("07700900456", sms_template, {"name": "Jo"})["id"]
    assert ids(test_client.get_all_notifications()) == [recent, old]

    clock.advance(days=2)
    with pytest.raises(HTTPError) as caught:
        test_client.get_notification_by_id(old)
    assert caught.value.status_code == 404
    assert caught.value.message == [{"error": "NoResultFound", "message": "No result found"}]
    assert test_client.get_notification_by_id(recent)["id"] == recent
    assert ids(test_client.get_all_notifications()) == [recent]
    # older_than an id past retention: an empty list, not an error
    assert ids(test_client.get_all_notifications(older_than=old)) == []


# -- isolation: each test has its own service ------------------------------------------------------------------


# ids sent by the isolation tests below, so a later one can check an earlier one's are not visible to it
_SENT_BY_EARLIER_TESTS: list[str] = []


@pytest.mark.parametrize("run", ["first", "second"])
def test_each_test_sees_only_its_own_notifications(
    notify: NotifyFake, client_for: ClientFactory, key_of: Callable[[str], str], sms_template: str, run: str
) -> None:
    assert list(notify.notifications) == []
    for kind in KEY_TYPES:
        assert client_for(key_of(kind)).get_all_notifications()["notifications"] == []
    for earlier in _SENT_BY_EARLIER_TESTS:
        with pytest.raises(HTTPError) as caught:
            client_for(notify.test_key).get_notification_by_id(earlier)
        assert caught.value.status_code == 404
    sent = client_for(notify.test_key).send_sms_notification("07700900456", sms_template, {"name": run}, reference=run)
    _SENT_BY_EARLIER_TESTS.append(sent["id"])
    assert [n.id for n in notify.notifications] == [sent["id"]]
    assert ids(client_for(notify.test_key).get_all_notifications()) == [sent["id"]]


def test_isolation_holds_for_email_too(notify: NotifyFake, client: NotificationsAPIClient, email_template: str) -> None:
    assert list(notify.notifications) == []
    sent = client.send_email_notification("jo@example.com", email_template, {"name": "Jo"})
    assert ids(client.get_all_notifications()) == [sent["id"]]


def test_isolation_other_test_without_sends(notify: NotifyFake, client: NotificationsAPIClient) -> None:
    assert list(notify.notifications) == []
    assert client.get_all_notifications()["notifications"] == []
