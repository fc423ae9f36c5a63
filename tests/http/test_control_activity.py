"""The control API (``/_notify/``): notifications, dashboard, usage, callbacks, received texts, the
clock, timings, outcomes and faults, each checked against the ``notify`` object or Notify's own API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from pytest_notify.control_backend import FakeControlBackend
from pytest_notify.domain.clock import FrozenClock
from pytest_notify.domain.store import Store
from pytest_notify.fake import NotifyFake
from pytest_notify.http.app import create_app
from tests.http import control_helpers as helpers
from tests.http.control_helpers import Control

control = helpers.control
service = helpers.service


def sent_id(control: Control, key: str, template_id: str, to: str = "07700 900 855") -> str:
    response = control.send_sms(key, template_id, to)
    assert response.status_code == 201, response.get_data(as_text=True)
    return str(response.get_json()["id"])


def in_process(control: Control, service: Mapping[str, Any]) -> NotifyFake:
    """The same service's ``notify`` object, to compare the two surfaces."""
    return NotifyFake(control.store, control.store.services()[0], "http://localhost", new_keys=False)


# -- notifications ------------------------------------------------------------------------------


def test_notifications_are_listed_as_the_notify_object_lists_them(control: Control, service: dict[str, Any]) -> None:
    keys, template = service["keys"], service["template_id"]
    live = sent_id(control, keys["live"], template)
    team = sent_id(control, keys["team"], template, "07700 900 456")
    test = sent_id(control, keys["test"], template)
    listed = control.ok("GET", f"services/{service['id']}/notifications")["notifications"]
    assert [n["id"] for n in listed] == [live, team, test]
    expected = in_process(control, service).notifications[0]
    assert listed[0] == {
        "id": live,
        "type": "sms",
        "status": "delivered",
        "key_type": "normal",
        "key_name": "live_key",
        "to": "07700 900 855",
        "body": "Hi Jo",
        "subject": None,
        "personalisation": {"name": "Jo"},
        "reference": None,
        "template_id": template,
        "template_version": 1,
        "created_at": expected.created_at.isoformat(),
    }
    assert (listed[1]["key_type"], listed[1]["key_name"]) == ("team", "team_key")


@pytest.mark.parametrize(
    ("query", "which"),
    [
        ("key_type=team", ["team"]),
        ("key_type=live", ["live"]),
        ("key_type=normal&key_type=test", ["live", "test"]),
        ("key_name=test_key", ["test"]),
        ("to=07700 900 456", ["team"]),
        ("status=delivered", ["live", "team", "test"]),
        ("status=sending", []),
        ("type=sms&template_version=1", ["live", "team", "test"]),
    ],
)
def test_notifications_filter_on_their_fields(
    control: Control, service: dict[str, Any], query: str, which: list[str]
) -> None:
    keys, template = service["keys"], service["template_id"]
    ids = {
        "live": sent_id(control, keys["live"], template),
        "team": sent_id(control, keys["team"], template, "07700 900 456"),
        "test": sent_id(control, keys["test"], template),
    }
    listed = control.ok("GET", f"services/{service['id']}/notifications?{query}")["notifications"]
    assert [n["id"] for n in listed] == [ids[name] for name in which]


def test_one_notification_and_the_mistakes(control: Control, service: dict[str, Any]) -> None:
    sid = service["id"]
    nid = sent_id(control, service["keys"]["live"], service["template_id"])
    assert control.ok("GET", f"services/{sid}/notifications/{nid.upper()}")["id"] == nid
    missing = control.refused("GET", f"services/{sid}/notifications/{service['template_id']}", status=404)
    assert missing["error"] == "notification_not_found"
    assert "smoke-test sends are never stored" in missing["message"]
    unknown = control.refused("GET", f"services/{sid}/notifications?colour=red")
    assert unknown["message"].startswith("cannot filter on 'colour'; filter on id, type, status, key_type")


# -- dashboard and usage ------------------------------------------------------------------------


def test_dashboard_and_usage_give_the_notify_objects_figures(control: Control, service: dict[str, Any]) -> None:
    keys, template = service["keys"], service["template_id"]
    sent_id(control, keys["live"], template)
    sent_id(control, keys["team"], template, "07700 900 456")
    sent_id(control, keys["test"], template)
    dashboard = control.ok("GET", f"services/{service['id']}/dashboard")
    assert dashboard["sms"]["sent"] == 2  # test keys never count
    assert dashboard["sms"]["delivered"] == 2
    assert dashboard["sms"]["statuses"] == {"delivered": 2}
    assert dashboard["email"]["sent"] == 0
    assert dashboard["test_key_sends"] == 1
    assert dashboard["last_7_days"]["sms"]["sent"] == 2
    report = in_process(control, service).dashboard
    assert dashboard["first_day"] == report.first_day.isoformat()
    assert dashboard["last_7_days"]["first_day"] == report.last_7_days.first_day.isoformat()

    usage = control.ok("GET", f"services/{service['id']}/usage")
    expected = in_process(control, service).usage
    assert usage["financial_year"] == expected.financial_year
    assert usage["sms"] == {
        "free_allowance": expected.sms.free_allowance,
        "chargeable_units": 2,
        "free_allowance_used": 2,
        "free_allowance_remaining": expected.sms.free_allowance - 2,
        "charged_units": 0,
        "sent": 2,
        "cost": 0.0,
    }
    assert usage["letters"] == {"sent": 0, "cost": 0.0, "breakdown": []}
    assert len(usage["months"]) == 12
    assert usage["test_key_sends"] == 1
    earlier = control.ok("GET", f"services/{service['id']}/usage?year=2024")
    assert (earlier["financial_year"], earlier["sms"]["sent"]) == (2024, 0)
    assert control.refused("GET", f"services/{service['id']}/usage?year=last")["message"] == (
        "year must be a year such as 2025, not 'last'"
    )


# -- callbacks and received texts ---------------------------------------------------------------


class Receiver:
    """Stands in for the service's callback URL (the dispatcher's network call)."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def __call__(self, url: str, headers: Mapping[str, str], body: bytes, timeout: float) -> int:
        self.bodies.append(body)
        return 200


def test_callbacks_are_set_up_and_the_requests_made_are_listed(control: Control, service: dict[str, Any]) -> None:
    receiver = Receiver()
    control.store.dispatcher.send = receiver
    sid = service["id"]
    setting = {"url": "https://service.example/status", "bearer_token": "tok-1"}
    assert control.ok("PUT", f"services/{sid}/callbacks/delivery_status", setting)["callbacks"] == {
        "delivery_status": setting,
        "inbound_sms": None,
    }
    nid = sent_id(control, service["keys"]["live"], service["template_id"])
    (made,) = control.ok("GET", f"services/{sid}/callbacks")["callbacks"]
    assert (made["kind"], made["id"], made["status"], made["ok"], made["attempt"]) == (
        "delivery_status",
        nid,
        "delivered",
        True,
        1,
    )
    assert made["url"] == "https://service.example/status"
    assert made["headers"]["Authorization"] == "Bearer tok-1"
    assert made["body"].encode() == receiver.bodies[0]
    assert made["json"]["id"] == nid
    assert control.ok("GET", f"services/{sid}/callbacks?kind=inbound_sms")["callbacks"] == []

    control.ok("DELETE", f"services/{sid}/callbacks/delivery_status")
    sent_id(control, service["keys"]["live"], service["template_id"])
    assert len(control.ok("GET", f"services/{sid}/callbacks")["callbacks"]) == 1
    assert control.refused("PUT", f"services/{sid}/callbacks/sms", setting, status=404)["error"] == "not_found"
    bad = control.refused("PUT", f"services/{sid}/callbacks/inbound_sms", {"url": "nope", "bearer_token": "t"})
    assert bad["message"].startswith("a callback URL must start with https://")


def test_a_received_text_is_listed_by_notifys_api(control: Control, service: dict[str, Any]) -> None:
    sid = service["id"]
    # Inside the 7 days of retention, to the second (Notify's listing keeps microseconds).
    at = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).replace(microsecond=0)
    made = control.ok(
        "POST",
        f"services/{sid}/received-texts",
        {"content": "STOP", "from_number": "07700 900 333", "received_at": at.strftime("%Y-%m-%dT%H:%M:%SZ")},
        201,
    )
    (text,) = control.v2("GET", "/v2/received-text-messages", service["keys"]["live"]).get_json()[
        "received_text_messages"
    ]
    assert (text["id"], text["content"], text["user_number"]) == (made["id"], "STOP", "447700900333")
    assert text["created_at"] == at.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    assert control.refused("POST", f"services/{sid}/received-texts", {})["message"] == "missing field(s) content"
    late = control.refused("POST", f"services/{sid}/received-texts", {"content": "x", "received_at": "yesterday"})
    assert late["message"].startswith("received_at: 'yesterday' is not an ISO 8601 time")


# -- the clock and timings ----------------------------------------------------------------------


def test_the_clock_freezes_moves_is_set_and_follows_real_time_again(control: Control, service: dict[str, Any]) -> None:
    sid = service["id"]
    first = control.ok("GET", f"services/{sid}/clock")
    assert first["frozen"] is False
    assert first["timings"]["mode"] == "instant"
    frozen = control.ok("POST", f"services/{sid}/clock/freeze")
    assert frozen["frozen"] is True
    at = dt.datetime.fromisoformat(frozen["now"])
    moved = control.ok("POST", f"services/{sid}/clock/advance", {"seconds": 30, "minutes": 1, "days": 1})
    assert dt.datetime.fromisoformat(moved["now"]) - at == dt.timedelta(days=1, minutes=1, seconds=30)
    assert control.ok("POST", f"services/{sid}/clock/set", {"at": "2026-03-31T23:30:00Z"})["now"] == (
        "2026-03-31T23:30:00+00:00"
    )
    assert control.ok("POST", f"services/{sid}/clock/set", {"at": "2026-04-01T09:00:00"})["now"] == (
        "2026-04-01T09:00:00+00:00"  # no zone: UTC
    )
    real = control.ok("POST", f"services/{sid}/clock/unfreeze")
    assert real["frozen"] is False
    assert abs(dt.datetime.fromisoformat(real["now"]) - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)


def test_clock_mistakes(control: Control, service: dict[str, Any]) -> None:
    sid = service["id"]
    assert control.refused("POST", f"services/{sid}/clock/rewind", status=404)["message"] == (
        "the clock cannot 'rewind'; use freeze, advance, set or unfreeze"
    )
    assert control.refused("POST", f"services/{sid}/clock/set")["message"] == "missing field(s) at"
    assert control.refused("POST", f"services/{sid}/clock/advance", {"seconds": "5"})["message"] == (
        'seconds must be a number, not "5"'
    )
    assert control.refused("POST", f"services/{sid}/clock/advance", {"weeks": 1})["message"] == (
        "unknown field(s) weeks; this endpoint takes seconds, minutes, hours, days"
    )
    # Times a clock cannot hold, or that would leave no room for the letter calendar: 400s, the clock unmoved.
    before = control.ok("POST", f"services/{sid}/clock/freeze")["now"]
    assert control.refused("POST", f"services/{sid}/clock/advance", {"days": 2**70})["message"].startswith(
        "advance: cannot move a clock by"
    )
    assert control.refused("POST", f"services/{sid}/clock/advance", {"days": 365 * 200})["message"].startswith(
        "advance: a service clock keeps to the years 2000 to 2099"
    )
    assert control.refused("POST", f"services/{sid}/clock/set", {"at": "9999-12-31T23:59:59Z"})["message"] == (
        "at: a service clock keeps to the years 2000 to 2099, not 9999-12-31T23:59:59+00:00"
    )
    late = control.refused("POST", f"services/{sid}/received-texts", {"content": "x", "received_at": "1970-01-01"})
    assert late["message"].startswith("received_at: a service clock keeps to the years 2000 to 2099")
    assert control.ok("GET", f"services/{sid}/clock")["now"] == before


def test_a_clock_shared_by_the_whole_store_cannot_be_moved() -> None:
    store = Store(clock=FrozenClock())
    control = Control(store, app := create_app(store, control=FakeControlBackend()), helpers.Client(app))
    created = control.new_service()
    assert control.refused("POST", f"services/{created['id']}/clock/freeze", status=409) == {
        "error": "clock_fixed",
        "message": "this service's clock (FrozenClock) cannot be moved",
    }


def test_timings_are_read_and_chosen(control: Control, service: dict[str, Any]) -> None:
    sid = service["id"]
    assert control.ok("GET", f"services/{sid}/timings")["mode"] == "instant"
    manual = control.ok("PUT", f"services/{sid}/timings", {"timings": "manual"})
    assert (manual["mode"], manual["description"]) == ("manual", "manual")
    slow = control.ok("PUT", f"services/{sid}/timings", {"timings": {"sms": {"final": 60}}})
    assert (slow["mode"], slow["sms"]["final"]) == ("clock", 60.0)
    assert control.refused("PUT", f"services/{sid}/timings", {"timings": 5})["message"] == (
        "timings must be a str or dict, not 5"
    )
    for endless in ("NaN", "Infinity", "1e308"):
        refused = control.client.put(
            f"/_notify/services/{sid}/timings",
            data=f'{{"timings": {{"sms": {{"final": {endless}}}}}}}',
            content_type="application/json",
        )
        assert refused.status_code == 400
        assert refused.get_json()["message"].startswith("timings: final must be at most 31622400 seconds (366 days)")
    assert (
        "unknown carrier_pigeon"
        in control.refused("PUT", f"services/{sid}/timings", {"timings": {"carrier_pigeon": 1}})["message"]
    )


# -- outcomes -----------------------------------------------------------------------------------


def test_outcomes_by_recipient_and_manual_moves(control: Control, service: dict[str, Any]) -> None:
    sid, key, template = service["id"], service["keys"]["live"], service["template_id"]
    control.ok("PUT", f"services/{sid}/timings", {"timings": "manual"})
    assert control.ok(
        "POST", f"services/{sid}/outcomes", {"status": "permanent-failure", "recipient": "07700900855"}, 201
    ) == {"status": "permanent-failure", "recipient": "07700900855"}
    failing = sent_id(control, key, template)
    fine = sent_id(control, key, template, "07700 900 456")
    assert control.ok("GET", f"services/{sid}/notifications/{failing}")["status"] == "created"
    assert control.ok("POST", f"services/{sid}/notifications/{failing}/advance")["status"] == "sending"
    moved = control.ok("POST", f"services/{sid}/notifications/advance")["notifications"]
    assert {n["id"]: n["status"] for n in moved} == {failing: "permanent-failure", fine: "sending"}
    assert control.ok("POST", f"services/{sid}/notifications/{fine}/advance", {"to": "delivered"})["status"] == (
        "delivered"
    )
    done = control.refused("POST", f"services/{sid}/notifications/{fine}/advance")
    assert done["message"].endswith("nothing more will happen to it")

    control.ok("DELETE", f"services/{sid}/outcomes")
    later = sent_id(control, key, template)
    control.ok("POST", f"services/{sid}/notifications/{later}/advance", {"to": "delivered"})


def test_an_outcome_for_one_notification_or_every_send(control: Control, service: dict[str, Any]) -> None:
    sid, key, template = service["id"], service["keys"]["live"], service["template_id"]
    control.ok("PUT", f"services/{sid}/timings", {"timings": "manual"})
    one = sent_id(control, key, template)
    control.ok("POST", f"services/{sid}/outcomes", {"status": "temporary-failure", "notification": one}, 201)
    control.ok("POST", f"services/{sid}/outcomes", {"status": "technical-failure", "type": "sms"}, 201)
    other = sent_id(control, key, template)
    statuses = {
        n["id"]: n["status"] for n in control.ok("POST", f"services/{sid}/notifications/advance")["notifications"]
    }
    assert statuses == {one: "sending", other: "technical-failure"}
    control.ok("POST", f"services/{sid}/notifications/advance")
    assert control.ok("GET", f"services/{sid}/notifications/{one}")["status"] == "temporary-failure"


def test_outcome_mistakes(control: Control, service: dict[str, Any]) -> None:
    sid = service["id"]
    two = control.refused("POST", f"services/{sid}/outcomes", {"status": "delivered", "recipient": "a", "type": "sms"})
    assert two["message"].startswith("set_outcome takes one of notification=, recipient=, template= or type=")
    nowhere = control.refused(
        "POST", f"services/{sid}/outcomes", {"status": "delivered", "notification": service["template_id"]}, status=404
    )
    assert nowhere["error"] == "notification_not_found"
    control.refused("POST", f"services/{sid}/notifications/{service['template_id']}/advance", status=404)
    unknown = control.refused("POST", f"services/{sid}/outcomes", {"status": "lost-in-the-post"})
    assert "lost-in-the-post" in unknown["message"]


# -- faults -------------------------------------------------------------------------------------


def test_faults_are_injected_listed_and_cleared(control: Control, service: dict[str, Any]) -> None:
    sid, key, template = service["id"], service["keys"]["live"], service["template_id"]
    rule = control.ok("POST", f"services/{sid}/faults", {"kind": 500, "endpoint": "send_sms", "times": 1}, 201)
    assert (rule["kind"], rule["endpoints"], rule["times"], rule["applied"]) == ("500", ["send_sms"], 1, 0)
    faulted = control.send_sms(key, template)
    assert faulted.status_code == 500
    assert faulted.get_json() == {
        "errors": [{"error": "Exception", "message": "Internal server error"}],
        "status_code": 500,
    }
    assert control.send_sms(key, template).status_code == 201
    listed = control.ok("GET", f"services/{sid}/faults")
    assert [(r["applied"], r["remaining"]) for r in listed["rules"]] == [(1, 0)]
    ((hit),) = listed["faulted_requests"]
    assert (hit["kind"], hit["endpoint"], hit["method"], hit["path"]) == (
        "500",
        "send_sms",
        "POST",
        "/v2/notifications/sms",
    )
    cleared = control.ok("DELETE", f"services/{sid}/faults")
    assert cleared["rules"] == []
    assert len(cleared["faulted_requests"]) == 1  # the record stays, as with notify.clear_faults()
    assert (
        "fault kind '418' is not one of"
        in control.refused("POST", f"services/{sid}/faults", {"kind": "418"})["message"]
    )
    assert control.refused("POST", f"services/{sid}/faults", {"kind": "500", "times": 0})["message"] == (
        "times must be a whole number of requests, 1 or more, not 0"
    )
