"""The domain's extension points, with a plain recording object (no pluggy): what is reported, when,
and what an extension may decide (final status, rendering) and how it is validated."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from pypdf import PdfReader

from pytest_notify.domain.errors import BadRequestError, NotifyError
from pytest_notify.domain.extensions import BUILT_IN, Extensions, Rendered
from pytest_notify.domain.keys import ApiKey, KeyType
from pytest_notify.domain.lifecycle import OutcomeError
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.sending import SendRequest
from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.domain.templates import Template
from pytest_notify.domain.timings import INSTANT
from tests.domain.lifecycle_world import World, make_world


@dataclass
class Recorder:
    """An Extensions that records every call and answers as configured."""

    status: str | None = None
    rendered: Rendered | None = None
    calls: list[tuple[str, Any]] = field(default_factory=list)
    defaults: list[str] = field(default_factory=list)

    def service_created(self, store: Store, service: Service) -> None:
        self.calls.append(("service_created", service.name))

    def send_accepted(self, service: Service, api_key: ApiKey, notification: Notification) -> None:
        self.calls.append(("send_accepted", notification.to))

    def send_refused(self, service: Service, api_key: ApiKey, notification_type: str, error: NotifyError) -> None:
        self.calls.append(("send_refused", error.message))

    def notification_stored(self, notification: Notification) -> None:
        self.calls.append(("notification_stored", notification.to))

    def final_status(self, notification: Notification, default: str) -> str | None:
        self.defaults.append(default)
        return self.status

    def render(
        self, notification_type: str, template: Template, personalisation: Mapping[str, Any], default: Rendered
    ) -> Rendered:
        self.calls.append(("render", (notification_type, default)))
        return self.rendered or default


@pytest.fixture
def world() -> World:
    made = make_world()
    made.time(INSTANT)
    return made


def record(world: World, **answers: Any) -> Recorder:
    recorder = Recorder(**answers)
    world.store.extensions = recorder
    return recorder


def test_without_extensions_the_store_keeps_notifys_behaviour(world: World) -> None:
    assert Store().extensions is BUILT_IN
    sent = world.send()
    assert BUILT_IN.final_status(sent, "temporary-failure") == "temporary-failure"
    assert BUILT_IN.render("sms", world.service.templates[sent.template_id], {}, Rendered("b")) == Rendered("b")
    recorder: Extensions = Recorder()  # mypy checks that the recorder is an Extensions
    assert recorder.final_status(sent, "delivered") is None


def test_a_new_service_is_reported_once_it_exists() -> None:
    recorder = Recorder()
    seen: list[bool] = []

    class Checking(Recorder):
        def service_created(self, store: Store, service: Service) -> None:
            seen.append(store.find_service(service.id) is service)
            super().service_created(store, service)

    checking = Checking()
    store = Store(extensions=checking)
    store.create_service("Pigeon Affairs Bureau")
    assert checking.calls == [("service_created", "Pigeon Affairs Bureau")]
    assert seen == [True]
    assert recorder.calls == []


def test_a_send_is_rendered_stored_then_accepted(world: World) -> None:
    recorder = record(world)
    world.send("07700900123")
    assert recorder.calls == [
        ("render", ("sms", Rendered("Hello"))),
        ("notification_stored", "07700900123"),
        ("send_accepted", "07700900123"),
    ]


def test_a_smoke_test_recipient_is_accepted_but_never_stored(world: World) -> None:
    recorder = record(world)
    world.send("07700900000")  # reference §5.2: answered 201, never stored
    assert [name for name, _ in recorder.calls] == ["render", "send_accepted"]
    assert recorder.defaults == []  # nothing stored, nothing to decide


def test_letters_and_precompiled_letters_are_stored_then_accepted(world: World) -> None:
    recorder = record(world)
    world.letter()
    world.precompiled()
    names = [name for name, _ in recorder.calls]
    assert names == ["render", "notification_stored", "send_accepted", "notification_stored", "send_accepted"]


def test_a_refusal_in_the_domain_is_raised_not_reported(world: World) -> None:
    # The HTTP layer reports refusals (tests/http/test_hook_refusals.py); the store only raises.
    recorder = record(world)
    world.service.permissions.discard("sms")
    with pytest.raises(BadRequestError):
        world.send()
    assert recorder.calls == []


# -- final status -----------------------------------------------------------------------------


def test_none_keeps_the_default_which_is_the_simulator_for_test_keys(world: World) -> None:
    recorder = record(world)
    sent = world.send("07700900002", key=KeyType.TEST)  # reference §5.1: permanent-failure
    assert recorder.defaults == ["permanent-failure"]
    assert sent.final_status == "permanent-failure"


def test_the_default_is_the_tests_own_rule_when_one_applies(world: World) -> None:
    recorder = record(world)
    with world.store.tenants_locked(world.service.id) as tenants:
        tenants[0].outcomes.for_recipient("07700900123", "temporary-failure")
    assert world.send("07700900123").final_status == "temporary-failure"
    assert world.send("07700900456").final_status == "delivered"
    assert recorder.defaults == ["temporary-failure", "delivered"]


def test_an_extensions_status_wins_over_the_tests_rule(world: World) -> None:
    record(world, status="technical-failure")
    with world.store.tenants_locked(world.service.id) as tenants:
        tenants[0].outcomes.for_recipient("07700900123", "temporary-failure")
    sent = world.send("07700900123")
    assert sent.final_status == "technical-failure"
    assert [s.status for s in sent.steps] == ["created", "technical-failure"]


def test_an_extension_can_make_a_failing_simulator_send_delivered(world: World) -> None:
    record(world, status="delivered")
    assert world.send("07700900002", key=KeyType.TEST).final_status == "delivered"


@pytest.mark.parametrize("status", ["returned-letter", "not-a-status", "cancelled"])
def test_a_status_notify_never_gives_the_channel_is_an_error(world: World, status: str) -> None:
    record(world, status=status)
    with pytest.raises(OutcomeError, match=rf"final status chosen by an extension for sms .*{status!r} is not an"):
        world.send()
    assert world.store.notifications(world.service.id) == []  # refused before it was stored


def test_a_status_the_send_cannot_follow_is_passed_over(world: World) -> None:
    # A text to a country whose networks give no receipts stays sent (reference §6.2), as with a rule.
    record(world, status="permanent-failure")
    assert world.send("+1 202 555 0123").final_status == "sent"


def test_a_letter_failing_notifys_checks_stays_validation_failed(world: World) -> None:
    record(world, status="returned-letter")
    assert world.precompiled(b"not a pdf").final_status == "validation-failed"
    assert world.letter().final_status == "returned-letter"


# -- rendering --------------------------------------------------------------------------------


def test_the_render_default_is_notifys_rendering_of_each_channel(world: World) -> None:
    recorder = record(world)
    world.send(kind="email", to="jo@example.com")
    world.letter()
    renders = [args for name, args in recorder.calls if name == "render"]
    assert renders == [("email", Rendered("Hello", "Subject")), ("letter", Rendered("Hello", "Subject"))]


def test_a_rendered_body_replaces_the_sms_body_and_its_billing(world: World) -> None:
    record(world, rendered=Rendered("x" * 161))
    sent = world.send()
    assert sent.body == "x" * 161
    assert sent.fragments == 2  # 161 GSM characters: two fragments of 153 (reference §9)


def test_the_sms_prefix_is_added_to_an_extensions_body_for_billing(world: World) -> None:
    world.service.prefix_sms = True
    record(world, rendered=Rendered("y" * 150))
    sent = world.send()
    assert sent.body == "y" * 150  # Notify's body never shows the prefix; only billing counts it
    # "Pigeon Affairs Bureau: " (23) + 150 = 173 characters: two fragments (reference §9), as the
    # same text from a template with Notify's own rendering.
    assert sent.fragments == 2
    plain = Store()
    service = plain.create_service("Pigeon Affairs Bureau", prefix_sms=True)
    template = plain.add_template(service.id, "sms", "y" * 150)
    key = plain.create_api_key(service.id, "live")
    expected = plain.send(service, key, SendRequest("sms", "07700900123", template.id, {})).notification
    assert expected.fragments == 2


def test_an_extensions_body_is_checked_for_length(world: World) -> None:
    record(world, rendered=Rendered("x" * 919))
    with pytest.raises(BadRequestError, match="Your message is 919 characters long"):
        world.send()


def test_an_email_subject_can_be_replaced(world: World) -> None:
    record(world, rendered=Rendered("New body", "New subject"))
    sent = world.send(kind="email", to="jo@example.com")
    assert (sent.body, sent.subject) == ("New body", "New subject")


def test_a_letters_pdf_shows_the_extensions_text(world: World) -> None:
    record(world, rendered=Rendered("Rendered by an extension", "Extension subject"))
    letter = world.letter()
    assert (letter.body, letter.subject) == ("Rendered by an extension", "Extension subject")
    text = PdfReader(io.BytesIO(letter.pdf)).pages[0].extract_text()
    assert "Rendered by an extension" in text and "Extension subject" in text
