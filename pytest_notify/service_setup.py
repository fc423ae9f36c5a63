"""What a ``notify_service`` marker sets up once the service exists: SMS senders, reply-to addresses,
templates, outcomes, today's counts and failing callbacks; and a dry run that checks a marker's
settings when the test is collected.

``Store.create_service`` takes the service's own settings; the arguments here need the service (and
its id factory and clock) first, so the fixture takes them out of the settings with
:meth:`ServiceExtras.take` and applies them to the new ``notify`` with :meth:`ServiceExtras.apply`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from pytest_notify.domain.callbacks import CallbackOutage
from pytest_notify.domain.email_address import EmailAddressError, validate_email_address
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.limits import CHANNELS, LIMIT_FIELDS, utc_day, validated_limit
from pytest_notify.domain.phone import normalise_phone_number
from pytest_notify.domain.store import Store
from pytest_notify.domain.timings import parse_timings
from pytest_notify.fake import NotifyFake, service_settings
from pytest_notify.faults import fault_specs
from pytest_notify.markers import USED_UP

EXTRA_ARGUMENTS = (
    "sms_senders",
    "reply_to_addresses",
    "templates",
    "live_key",
    "sent_today",
    "outcomes",
    "failing_callbacks",
)
"""The ``notify_service`` arguments applied after the service is created."""

OUTCOME_TYPES = ("sms", "email", "letter", "precompiled")
MAX_SENDER_LENGTH = 11  # a text sender is a phone number or a name of up to 11 characters (as in seed files)
_CHOICE_FIELDS = {
    "sms_senders": ("sms_sender", {"sender": "sms_sender", "sms_sender": "sms_sender"}),
    "reply_to_addresses": ("email_address", {"email_address": "email_address"}),
}
_TEMPLATE_FIELDS = frozenset({"name", "type", "body", "subject", "id", "postage", "letter_contact_block"})
_DRY_RUN_URL = "http://fake-notify.invalid"


@dataclass(frozen=True)
class Choice:
    """An SMS sender or reply-to address to add: its value, whether it is the default, a fixed id."""

    value: str
    is_default: bool = False
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class TemplateSpec:
    """A template to preload; ``name`` is how ``notify.templates`` finds it."""

    name: str
    type: str
    body: str
    subject: str | None = None
    id: uuid.UUID | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class ServiceExtras:
    """The marker arguments applied to a service after it is created (see the module docstring)."""

    sms_senders: list[Choice] = field(default_factory=list)
    reply_to_addresses: list[Choice] = field(default_factory=list)
    templates: list[TemplateSpec] = field(default_factory=list)
    live_key: bool = True
    sent_today: dict[str, int | str] = field(default_factory=dict)
    """Counts by channel; ``"limit"`` (:data:`USED_UP`) for the channel's daily limit."""
    outcomes: dict[str, str] = field(default_factory=dict)
    failing_callbacks: CallbackOutage | None = None
    scenarios: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @classmethod
    def take(cls, settings: dict[str, Any], scenarios: Mapping[str, Mapping[str, Any]] | None = None) -> ServiceExtras:
        """Take the extra arguments out of ``settings`` and check them (:class:`ConfigurationError`)."""
        given = {name: settings.pop(name) for name in EXTRA_ARGUMENTS if name in settings}
        return cls(
            sms_senders=_choices("sms_senders", given.get("sms_senders") or (), _check_sender),
            reply_to_addresses=_choices("reply_to_addresses", given.get("reply_to_addresses") or (), _check_email),
            templates=_templates(given.get("templates") or ()),
            live_key=bool(given.get("live_key", True)),
            sent_today=_sent_today(given.get("sent_today") or {}),
            outcomes=_outcomes(given.get("outcomes") or {}),
            failing_callbacks=_outage(given.get("failing_callbacks", False)),
            scenarios=dict(scenarios or {}),
        )

    def apply(self, fake: NotifyFake) -> None:
        """Set these up on ``fake``'s service (the live key is the constructor's: ``live_key=``)."""
        store, service_id = fake.store, fake.service.id
        for sender in self.sms_senders:
            store.add_sms_sender(service_id, sender.value, is_default=sender.is_default, sender_id=sender.id)
        for reply_to in self.reply_to_addresses:
            store.add_reply_to_address(
                service_id, reply_to.value, is_default=reply_to.is_default, reply_to_id=reply_to.id
            )
        for template in self.templates:
            store.add_template(
                service_id,
                template.type,
                template.body,
                template.subject,
                template.name,
                template_id=template.id,
                **template.options,
            )
        for key, status in self.outcomes.items():
            if key in OUTCOME_TYPES:
                fake.set_outcome(status, type=key)
            else:
                fake.set_outcome(status, recipient=key)
        if self.sent_today:
            with store.tenants_locked(service_id) as tenants:
                tenant = tenants[0]
                today = utc_day(tenant.now())
                for channel, count in self.sent_today.items():
                    used_up = getattr(tenant.service, LIMIT_FIELDS[channel])
                    tenant.limits.counts[(today, channel)] = used_up if count == USED_UP else int(count)
        if self.failing_callbacks is not None:
            store.dispatcher.set_outage(service_id, self.failing_callbacks)
        fake.scenarios = MappingProxyType({name: MappingProxyType(dict(p)) for name, p in self.scenarios.items()})


def check_settings(settings: Mapping[str, Any]) -> None:
    """Make the service ``settings`` describe in a private store, as the ``notify`` fixture would,
    so a mistake in a marker shows when the test is collected. Raises what the fixture would meet
    (:class:`ConfigurationError`, ``TypeError``, ``ValueError``)."""
    given = dict(settings)
    extras = ServiceExtras.take(given)
    given.pop("key_misuse", None)  # its type is all there is to check, and the marker's check did
    fault_specs(given.pop("faults", ()))
    timings = given.pop("timings", None)
    if timings is not None:
        parse_timings(timings)
    store = Store()
    service = store.create_service(**service_settings(**given))
    extras.apply(NotifyFake(store, service, _DRY_RUN_URL, live_key=extras.live_key))


# -- reading the arguments ------------------------------------------------------------------------


def _choices(argument: str, entries: Sequence[Any], check: Any) -> list[Choice]:
    """SMS senders or reply-to addresses: each a string or a dict (the seed file's field names, or
    ``sender`` and ``default`` for short). The first is the default unless one says it is."""
    value_field, aliases = _CHOICE_FIELDS[argument]
    found: list[Choice] = []
    for entry in entries:
        if isinstance(entry, str):
            found.append(Choice(check(argument, entry)))
            continue
        fields: dict[str, Any] = {}
        for key, value in entry.items():
            name = aliases.get(key) or {"default": "is_default", "is_default": "is_default", "id": "id"}.get(key)
            if name is None or name in fields:
                allowed = ", ".join([*aliases, "default", "is_default", "id"])
                problem = "unknown" if name is None else "repeated"
                raise ConfigurationError(f"{argument}: {problem} field {key!r} in {entry!r}; a dict takes {allowed}")
            fields[name] = value
        if not isinstance(fields.get(value_field), str):
            raise ConfigurationError(f"{argument}: {entry!r} has no {value_field}")
        if not isinstance(fields.get("is_default", False), bool):
            raise ConfigurationError(f"{argument}: default must be True or False in {entry!r}")
        value = check(argument, fields[value_field])
        found.append(Choice(value, fields.get("is_default", False), _uuid(argument, fields.get("id"))))
    defaults = [c for c in found if c.is_default]
    if len(defaults) > 1:
        raise ConfigurationError(f"{argument}: only one may be the default, got {[c.value for c in defaults]!r}")
    if found and not defaults:
        # Notify always has a default; the first one made is it.
        found[0] = Choice(found[0].value, True, found[0].id)
    return found


def _check_sender(argument: str, value: str) -> str:
    if not value or (normalise_phone_number(value) is None and len(value) > MAX_SENDER_LENGTH):
        raise ConfigurationError(
            f"{argument}: a sender is a phone number or at most {MAX_SENDER_LENGTH} characters, got {value!r}"
        )
    return value


def _check_email(argument: str, value: str) -> str:
    try:
        return validate_email_address(value)
    except EmailAddressError:
        raise ConfigurationError(f"{argument}: not a valid email address: {value!r}") from None


def _uuid(argument: str, value: Any) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ConfigurationError(f"{argument}: id must be a UUID, got {value!r}") from None


def _templates(given: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> list[TemplateSpec]:
    """``{"welcome": ("email", "Hello ((name))", "Subject")}``, ``{"welcome": {...}}`` or ``[{"name": ...}]``."""
    if isinstance(given, Mapping):
        entries = [_template_entry(name, value) for name, value in given.items()]
    else:
        entries = [dict(entry) for entry in given]
    specs: list[TemplateSpec] = []
    for entry in entries:
        unknown = sorted(set(entry) - _TEMPLATE_FIELDS)
        if unknown:
            raise ConfigurationError(
                f"templates: unknown field(s) {', '.join(unknown)} in {entry!r}; "
                f"known: {', '.join(sorted(_TEMPLATE_FIELDS))}"
            )
        for required in ("name", "type", "body"):
            if not isinstance(entry.get(required), str):
                raise ConfigurationError(f"templates: each needs a {required} (a string); got {entry!r}")
        options = {k: entry[k] for k in ("postage", "letter_contact_block") if entry.get(k) is not None}
        specs.append(
            TemplateSpec(
                entry["name"],
                entry["type"],
                entry["body"],
                entry.get("subject"),
                _uuid("templates", entry.get("id")),
                options,
            )
        )
    names = [s.name for s in specs]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ConfigurationError(f"templates: each name once, so notify.templates can find it; repeated: {repeated}")
    return specs


def _template_entry(name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        if "name" in value:
            raise ConfigurationError(f"templates: {name!r} is already the name; its dict has no 'name' field")
        return {"name": name, **value}
    if isinstance(value, (list, tuple)) and len(value) in (2, 3):
        return {"name": name, **dict(zip(("type", "body", "subject"), value, strict=False))}
    raise ConfigurationError(
        f"templates: {name!r} must be (type, body), (type, body, subject) or a dict; got {value!r}"
    )


def _sent_today(given: Mapping[str, int | str]) -> dict[str, int | str]:
    unknown = sorted(set(given) - set(CHANNELS))
    if unknown:
        raise ConfigurationError(f"sent_today: unknown channel(s) {', '.join(unknown)}; known: {', '.join(CHANNELS)}")
    return {
        channel: count if count == USED_UP else validated_limit(f"sent_today[{channel!r}]", count)
        for channel, count in given.items()
    }


def _outcomes(given: Mapping[str, str]) -> dict[str, str]:
    # The statuses are checked when applied (set_outcome knows each channel's). A key that is neither
    # a channel nor a recipient is refused here: set_outcome would take "emial" for a letter's address.
    for key in given:
        if key not in OUTCOME_TYPES and "@" not in key and normalise_phone_number(key) is None:
            raise ConfigurationError(
                f"outcomes: {key!r} is not a channel ({', '.join(OUTCOME_TYPES)}), an email address or a phone number"
            )
    return dict(given)


def _outage(given: bool | Mapping[str, int | None]) -> CallbackOutage | None:
    if given is True:
        return CallbackOutage()
    if not given:
        return None
    assert isinstance(given, Mapping)
    unknown = sorted(set(given) - {"status", "times"})
    if unknown:
        raise ConfigurationError(f"failing_callbacks: unknown {', '.join(unknown)}; it takes status and times")
    return CallbackOutage(given.get("status"), given.get("times"))


__all__ = ["EXTRA_ARGUMENTS", "Choice", "ServiceExtras", "TemplateSpec", "check_settings"]
