"""What a seed file may say, checked in full before anything is made (see ``docs/server.md``).

:func:`check_seed` turns the parsed file into a :class:`Seed` of plain frozen descriptions, or
raises :class:`~pytest_notify.seed_reader.SeedError` listing every mistake with its path. Rules the
domain already owns (timings, callbacks, recipients) are asked of the domain, so the file and the
``notify_service`` marker refuse the same things.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from pytest_notify.domain.callbacks import CallbackApi
from pytest_notify.domain.email_address import EmailAddressError, validate_email_address
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.phone import normalise_phone_number
from pytest_notify.domain.safe_string import make_key_name_safe
from pytest_notify.domain.service import KNOWN_PERMISSIONS, ORGANISATION_TYPES, TeamMember
from pytest_notify.domain.templates import POSTAGE_TYPES, TEMPLATE_TYPES
from pytest_notify.domain.timings import Timings, parse_timings
from pytest_notify.seed_model import ChoiceSeed, KeySeed, ReceivedTextSeed, Seed, ServiceSeed, TemplateSeed, VersionSeed
from pytest_notify.seed_reader import Problems, SeedError, Table, one_of, shown

SERVICE_FIELDS = (
    *("id", "name", "trial_mode", "organisation_type", "permissions", "team_members", "guest_list"),
    *("email_sender_name", "prefix_sms", "contact_link", "inbound_number", "crown", "limits", "timings"),
    *("api_keys", "templates", "sms_senders", "reply_to_addresses", "letter_contacts", "received_texts", "callbacks"),
)
VERSION_FIELDS = ("name", "subject", "body", "postage", "letter_contact", "letter_contact_block")
TEMPLATE_FIELDS = ("id", "type", "created_by", "versions", *VERSION_FIELDS)
KEY_FIELDS = ("name", "type", "secret", "secret_env", "revoked")
KEY_TYPES = ("test", "team", "live")
LIMIT_FIELDS = ("rate_limit", "sms", "email", "letter", "international_sms")
CALLBACK_FIELDS = ("url", "bearer_token", "bearer_token_env")
SECRET_LENGTH = 36
"""Notify's secrets are UUIDs; the official clients take a key's last 36 characters as the secret."""
MAX_SENDER_LENGTH = 11


class _Checker:
    """Walks the file once, recording every mistake; ids must be unique across the whole file."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.problems = Problems()
        self.ids: dict[uuid.UUID, str] = {}

    def unique(self, table: Table, name: str, value: uuid.UUID | None) -> None:
        if value is None:
            return
        if value in self.ids:
            table.problem(name, f"{value} is already the id of {self.ids[value]}")
        else:
            self.ids[value] = table.path

    def service(self, t: Table) -> ServiceSeed | None:
        sid = t.uuid("id", required=True)
        self.unique(t, "id", sid)
        name = t.text("name", required=True)
        trial_mode = t.flag("trial_mode", False)
        organisation_type = t.choice("organisation_type", ORGANISATION_TYPES) or "central"
        permissions = None
        if t.has("permissions"):
            permissions = tuple(v for p, v in t.texts("permissions") if self.choice(p, v, KNOWN_PERMISSIONS))
        members = tuple(m for p, v in t.items("team_members") if (m := self.team_member(p, v)) is not None)
        guests = tuple(
            v for p, v in t.texts("guest_list") if self.recipient(p, v, "an email address or a phone number")
        )
        settings = self.settings(t)
        letter_contacts = self.choices(t, "letter_contacts", "contact_block", self.any_text)
        blocks = {c.id: c.value for c in letter_contacts}
        keys = self.keys(t, sid, trial_mode)
        seed = ServiceSeed(
            id=sid or uuid.UUID(int=0),
            name=name or "",
            trial_mode=trial_mode,
            organisation_type=organisation_type,
            permissions=permissions,
            team_members=members,
            guest_list=guests,
            settings=settings,
            limits=self.limits(t.table("limits", LIMIT_FIELDS)),
            timings=self.timings(t),
            keys=keys,
            templates=tuple(x for tt in t.tables("templates", TEMPLATE_FIELDS) if (x := self.template(tt, blocks))),
            sms_senders=self.choices(t, "sms_senders", "sms_sender", self.sms_sender),
            reply_to_addresses=self.choices(t, "reply_to_addresses", "email_address", self.email, need_default=True),
            letter_contacts=letter_contacts,
            received_texts=tuple(self.received_text(r) for r in t.tables("received_texts", RECEIVED_FIELDS)),
            callbacks=self.callbacks(t.table("callbacks", ("delivery_status", "inbound_sms"))),
        )
        return seed if sid is not None and name is not None else None

    # -- simple values -----------------------------------------------------------------------

    def choice(self, path: str, value: str, choices: tuple[str, ...]) -> bool:
        if value not in choices:
            self.problems.add(path, f"must be one of {one_of(choices)}, got {value!r}")
        return value in choices

    def recipient(self, path: str, value: str, what: str) -> bool:
        if "@" in value:
            return self.email(path, value)
        if normalise_phone_number(value) is None:
            self.problems.add(path, f"must be {what}, got {value!r}")
            return False
        return True

    def email(self, path: str, value: str) -> bool:
        try:
            validate_email_address(value)
        except EmailAddressError:
            self.problems.add(path, f"must be a valid email address, got {value!r}")
            return False
        return True

    def phone(self, path: str, value: str) -> bool:
        if normalise_phone_number(value) is None:
            self.problems.add(path, f"must be a phone number, got {value!r}")
            return False
        return True

    def sms_sender(self, path: str, value: str) -> bool:
        # A sender is a phone number or a name of up to 11 characters, as phone networks allow.
        if normalise_phone_number(value) is None and len(value) > MAX_SENDER_LENGTH:
            self.problems.add(path, f"must be a phone number or at most {MAX_SENDER_LENGTH} characters, got {value!r}")
            return False
        return True

    def contact_link(self, path: str, value: str) -> bool:
        # Notify's "contact details" for files by email are a web page, an email address or a phone number.
        if value.startswith(("https://", "http://")):
            return True
        return self.recipient(path, value, "a URL (https://...), an email address or a phone number")

    def any_text(self, path: str, value: str) -> bool:
        return True

    def team_member(self, path: str, value: Any) -> TeamMember | None:
        if isinstance(value, str):
            if not self.recipient(path, value, "an email address, a mobile number or a table"):
                return None
            return TeamMember(email_address=value) if "@" in value else TeamMember(mobile_number=value)
        if not isinstance(value, Mapping):
            self.problems.add(path, f"must be an email address, a mobile number or a table, got {shown(value)}")
            return None
        t = Table(value, path, self.problems, ("email", "mobile", "name"))
        email, mobile = t.text("email"), t.text("mobile")
        if email is None and mobile is None and not t.has("email") and not t.has("mobile"):
            self.problems.add(path, "needs an email, a mobile or both")
        email_ok = email is None or self.email(t.at("email"), email)
        mobile_ok = mobile is None or self.phone(t.at("mobile"), mobile)
        name = t.text("name") or "Test User"
        return TeamMember(email, mobile, name) if email_ok and mobile_ok else None

    def settings(self, t: Table) -> dict[str, Any]:
        settings: dict[str, Any] = {"prefix_sms": t.flag("prefix_sms", False), "crown": t.flag("crown", True)}
        if (sender_name := t.text("email_sender_name")) is not None:
            settings["email_sender_name"] = sender_name
        if (link := t.text("contact_link")) is not None and self.contact_link(t.at("contact_link"), link):
            settings["contact_link"] = link
        if (number := t.text("inbound_number")) is not None and self.phone(t.at("inbound_number"), number):
            # Stored as Notify shows it in a received text's destination_number: 447700900999.
            settings["inbound_number"] = normalise_phone_number(number)
        return settings

    def limits(self, t: Table | None) -> dict[str, int]:
        if t is None:
            return {}
        found = {name: t.whole_number(name) for name in LIMIT_FIELDS}
        return {(n if n == "rate_limit" else f"{n}_limit"): v for n, v in found.items() if v is not None}

    def timings(self, t: Table) -> Timings | None:
        value = t.raw("timings")
        if value is None:
            return None
        if not isinstance(value, (str, Mapping)):
            t.problem("timings", f"must be instant, clock or manual, or a table of delays, got {shown(value)}")
            return None
        try:
            return parse_timings(value)
        except ConfigurationError as error:
            t.problem("timings", str(error).removeprefix("timings: "))
            return None

    def secret(self, t: Table, name: str) -> tuple[str | None, str | None]:
        """``(value, environment variable)`` from ``name`` or ``name_env`` (the variable's value)."""
        env = t.text(f"{name}_env")
        if env is None:
            return t.text(name), None
        if t.has(name):
            t.problem(f"{name}_env", f"give {name} or {name}_env, not both")
            return None, env
        value = self.environ.get(env, "").strip()
        if not value:
            t.problem(f"{name}_env", f"the environment variable {env} is not set")
            return None, env
        return value, env

    def keys(self, t: Table, service_id: uuid.UUID | None, trial_mode: bool) -> tuple[KeySeed, ...]:
        keys: list[KeySeed] = []
        names: dict[str, str] = {}
        secrets: dict[str, str] = {}
        for k in t.tables("api_keys", KEY_FIELDS):
            kind = k.choice("type", KEY_TYPES, required=True)
            name = make_key_name_safe(k.text("name") or f"{kind or 'api'} key")
            revoked = k.flag("revoked", False)
            if kind == "live" and trial_mode:
                k.problem("type", "a service in trial mode cannot have a live key, as in Notify; use a team key")
            if not revoked and name in names:
                # Notify's unique index: one active key of each name per service (names made safe first).
                k.problem("name", f"{name!r} is already the name of {names[name]}; active key names are unique")
            names.setdefault(name, k.path)
            secret, env = self.secret(k, "secret")
            field = "secret_env" if env else "secret"
            if secret is not None and len(secret) > SECRET_LENGTH:
                # A whole key, "{name}-{service id}-{secret}", as CI keeps it: its service must be this one.
                if service_id is not None and secret[-73:-37].lower() != str(service_id):
                    k.problem(field, f"must be a secret or a whole API key of this service ({service_id})")
                    secret = None
                else:
                    secret = secret[-SECRET_LENGTH:]
            if secret is not None and not _is_uuid(secret):
                k.problem(
                    field,
                    f"must be a UUID such as '5b1e3c4d-7a8f-4e2b-9c0d-1e2f3a4b5c6d', as Notify's secrets are (the "
                    f"official clients read a key's last {SECRET_LENGTH} characters), "
                    f"got {'(hidden)' if env else repr(secret)}",
                )
            elif secret is not None and secret in secrets:
                k.problem(field, f"is already the secret of {secrets[secret]}")
            if secret is not None:
                secrets.setdefault(secret, k.path)
            if kind is not None:
                keys.append(KeySeed(name, KeyType.parse(kind), secret, env, revoked))
        return tuple(keys)

    def template(self, t: Table, blocks: Mapping[uuid.UUID, str]) -> TemplateSeed | None:
        tid = t.uuid("id", required=True)
        self.unique(t, "id", tid)
        kind = t.choice("type", TEMPLATE_TYPES, required=True)
        created_by = t.text("created_by")
        if created_by is not None:
            self.email(t.at("created_by"), created_by)
        inline = [name for name in VERSION_FIELDS if name in t.data]
        if t.has("versions"):
            for name in inline:
                t.problem(name, "give the template's fields here or in versions, not both")
            tables = t.tables("versions", VERSION_FIELDS)
            if not tables and isinstance(t.raw("versions"), list):
                t.problem("versions", "must have at least one version")
        else:
            tables = [t]
        versions = tuple(self.version(v, kind, first=i == 0, blocks=blocks) for i, v in enumerate(tables))
        if tid is None or kind is None:
            return None
        return TemplateSeed(tid, kind, versions, created_by)

    def version(self, v: Table, kind: str | None, *, first: bool, blocks: Mapping[uuid.UUID, str]) -> VersionSeed:
        body = v.text("body", required=first)
        subject = v.text("subject")
        if kind == "sms" and v.has("subject"):
            v.problem("subject", "text message templates have no subject")
        elif kind in ("email", "letter") and first and subject is None and not v.has("subject"):
            v.problem("subject", f"is required: {kind} templates have a subject")
        postage = v.choice("postage", POSTAGE_TYPES)
        block = v.text("letter_contact_block")
        contact = v.uuid("letter_contact")
        for name in ("postage", "letter_contact", "letter_contact_block"):
            if kind in ("sms", "email") and v.has(name):
                v.problem(name, f"only letter templates have a {name.replace('_', ' ')}")
        if contact is not None:
            if block is not None:
                v.problem("letter_contact", "give letter_contact or letter_contact_block, not both")
            elif contact not in blocks:
                v.problem("letter_contact", f"{contact} is not one of this service's letter_contacts")
            block = blocks.get(contact)
        return VersionSeed(v.text("name"), subject, body, postage, block)

    def choices(
        self, t: Table, name: str, field: str, check: Callable[[str, str], bool], *, need_default: bool = False
    ) -> tuple[ChoiceSeed, ...]:
        found: list[ChoiceSeed] = []
        tables = t.tables(name, ("id", field, "is_default"))
        for c in tables:
            cid = c.uuid("id", required=True)
            self.unique(c, "id", cid)
            value = c.text(field, required=True)
            is_default = c.flag("is_default", False)
            if value is not None:
                check(c.at(field), value)
            if cid is not None:
                # Kept even when its value is wrong, so a template naming it gets no second, misleading
                # message: any mistake stops the file anyway.
                found.append(ChoiceSeed(cid, value or "", is_default))
        defaults = [c.path for c in tables if c.raw("is_default") is True]
        if len(defaults) > 1:
            t.problem(name, f"only one may be the default; {', '.join(defaults)} all say is_default = true")
        if need_default and tables and not defaults:
            # Notify refuses a service whose reply-to addresses have no default.
            t.problem(name, "one of them must be the default (is_default = true), as Notify requires")
        return tuple(found)

    def received_text(self, r: Table) -> ReceivedTextSeed:
        content = r.text("content", required=True) or ""
        number = r.text("user_number") or "07700900123"
        if r.has("user_number"):
            self.phone(r.at("user_number"), number)
        received_at, minutes_ago = r.moment("received_at"), r.whole_number("minutes_ago")
        if received_at is not None and minutes_ago is not None:
            r.problem("minutes_ago", "give received_at or minutes_ago, not both")
        return ReceivedTextSeed(content, number, received_at, minutes_ago)

    def callbacks(self, t: Table | None) -> dict[str, CallbackApi]:
        found: dict[str, CallbackApi] = {}
        for kind in ("delivery_status", "inbound_sms"):
            c = t.table(kind, CALLBACK_FIELDS) if t is not None else None
            if c is None:
                continue
            url = c.text("url", required=True)
            token, env = self.secret(c, "bearer_token")
            if env is None and not c.has("bearer_token"):
                c.problem("bearer_token", "is required: Notify sends it in the Authorization header")
            if url is None or token is None:
                continue
            try:
                found[kind] = CallbackApi(url, token)
            except ConfigurationError as error:
                c.problem("url", str(error))
        return found


RECEIVED_FIELDS = ("content", "user_number", "received_at", "minutes_ago")


def _is_uuid(value: str) -> bool:
    try:
        # The hyphenated form only: the clients cut the secret off the key by its length.
        return len(value) == SECRET_LENGTH and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def check_seed(data: Any, *, environ: Mapping[str, str], source: str | None = None) -> Seed:
    """Check a parsed seed file completely; :class:`SeedError` lists every mistake with its path."""
    checker = _Checker(environ)
    if not isinstance(data, Mapping):
        checker.problems.add("", f"a seed file is a table with a services list, got {shown(data)}")
        raise SeedError(checker.problems.items, source)
    top = Table(data, "", checker.problems, ("services",))
    if not top.has("services"):
        top.problem("services", "is required: a list of one or more services ([[services]] in TOML)")
    elif top.raw("services") == []:
        top.problem("services", "must list at least one service")
    tables = top.tables("services", SERVICE_FIELDS)
    services = [checker.service(t) for t in tables]
    if checker.problems:
        raise SeedError(checker.problems.items, source)
    return Seed(tuple(s for s in services if s is not None), source)


__all__ = ["SERVICE_FIELDS", "check_seed"]
