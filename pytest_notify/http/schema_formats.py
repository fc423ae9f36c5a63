"""The format checkers of Notify's request schemas (reference §3.13, §8.3, §8.4, §10).

Notify's checkers raise when a value is wrong; jsonschema keeps that exception as ``error.cause``
and Notify shows ``str(cause)``. These do the same with one exception type, :class:`FormatFailure`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from decimal import Decimal

from jsonschema import FormatChecker

from pytest_notify.domain import email_address as _email_address
from pytest_notify.domain import phone as _phone

_ISO8601_HELP = (
    "datetime format is invalid. It must be a valid ISO8601 date time format, https://en.wikipedia.org/wiki/ISO_8601"
)


# --------------------------------------------------------------------------- format checks
#
# Notify's format checkers raise an exception when a value is wrong. jsonschema keeps that
# exception as ``error.cause``, and Notify uses ``str(cause)`` as the message. Ours do the same
# thing with one private exception type.


class FormatFailure(Exception):
    """A format check failed; ``str()`` is the text Notify shows after the property name."""


# The clock reading used by ``datetime_within_next_day``. The validators are built once at
# import, so the ``now`` of each call reaches the checker through a context variable, not as
# an argument.
NOW: ContextVar[dt.datetime | None] = ContextVar("pytest_notify_schema_now", default=None)

FORMATS = FormatChecker(formats=())


def _format(name: str) -> Callable[[Callable[[object], bool]], Callable[[object], bool]]:
    return FORMATS.checks(name, raises=FormatFailure)


@_format("validate_uuid")
def _check_uuid(instance: object) -> bool:
    # Notify only requires that ``uuid.UUID()`` accepts the string. That also lets through
    # braces, ``urn:uuid:`` prefixes and 32 hex digits with no hyphens, so we call it too.
    if isinstance(instance, str):
        try:
            uuid.UUID(instance)
        except ValueError as exc:
            raise FormatFailure(str(exc)) from exc
    return True


@_format("phone_number")
def _check_phone_number(instance: object) -> bool:
    # Look the function up on the module each time, so tests can monkeypatch it.
    if isinstance(instance, str):
        try:
            _phone.parse_phone_number(instance)
        except _phone.PhoneNumberError as exc:
            raise FormatFailure(exc.message) from exc
    return True


@_format("email_address")
def _check_email_address(instance: object) -> bool:
    if isinstance(instance, str):
        try:
            _email_address.validate_email_address(instance)
        except _email_address.EmailAddressError as exc:
            raise FormatFailure(str(exc) or "Not a valid email address") from exc
    return True


@_format("postage")
def _check_postage(instance: object) -> bool:
    if isinstance(instance, str) and instance not in ("first", "second", "economy"):
        raise FormatFailure("invalid. It must be either first, second or economy.")
    return True


# Notify parses ``scheduled_for`` with the ``iso8601`` package. This regex accepts what that
# package accepts: YYYY, YYYY-MM, YYYYMMDD, an optional time after "T" or a space, an optional
# fraction after "." or ",", and an optional "Z" or ±HH[:][MM]. It uses ``$``, like the
# original, so one trailing newline is allowed.
_ISO8601 = re.compile(
    r"(?P<year>[0-9]{4})"
    r"(?:"
    r"(?:-(?P<monthdash>[0-9]{1,2})|(?P<month>[0-9]{2})(?!$))"
    r"(?:"
    r"(?:-(?P<daydash>[0-9]{1,2})|(?P<day>[0-9]{2}))"
    r"(?:"
    r"[ T](?P<hour>[0-9]{2})"
    r"(?::?(?P<minute>[0-9]{2}))?"
    r"(?::?(?P<second>[0-9]{1,2})(?:[.,](?P<fraction>[0-9]+))?)?"
    r"(?P<timezone>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9]{2}):?(?P<tz_minute>[0-9]{2})?)?"
    r")?"
    r")?"
    r")?"
    r"$"
)


def _parse_iso8601_naive(text: str) -> dt.datetime:
    """Parse ``text`` as Notify does, then drop the UTC offset without converting (Notify's quirk).

    Raises ``ValueError`` when the ``iso8601`` package would raise ``ParseError``.
    """
    match = _ISO8601.match(text)
    if match is None:
        raise ValueError(text)
    g = {k: v for k, v in match.groupdict().items() if v is not None}
    if "timezone" in g and g["timezone"] != "Z":
        # Notify never uses the offset (``.replace(tzinfo=None)``), but an offset that is 24 hours
        # or more makes the original parser fail, so we check it too.
        offset = dt.timedelta(hours=int(g["tz_hour"]), minutes=int(g.get("tz_minute", 0)))
        if offset >= dt.timedelta(hours=24):
            raise ValueError(text)
    return dt.datetime(
        year=int(g["year"]),
        month=int(g.get("month", g.get("monthdash", 1))),
        day=int(g.get("day", g.get("daydash", 1))),
        hour=int(g.get("hour", 0)),
        minute=int(g.get("minute", 0)),
        second=int(g.get("second", 0)),
        microsecond=int(Decimal(f"0.{g.get('fraction', 0)}") * Decimal(1_000_000)),
    )


@_format("datetime_within_next_day")
def _check_datetime_within_next_day(instance: object) -> bool:
    if isinstance(instance, str):
        try:
            when = _parse_iso8601_naive(instance)
        except ValueError as exc:
            raise FormatFailure(_ISO8601_HELP) from exc
        now = NOW.get()
        if now is None:
            now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        if when < now:
            raise FormatFailure("datetime can not be in the past")
        if when > now + dt.timedelta(hours=24):
            raise FormatFailure("datetime can only be 24 hours in the future")
    return True


# RFC 3986 ``URI`` (the rule Notify's ``uri`` format checks through rfc3987). Like rfc3987, it
# ends with ``$``. IP literals are checked afterwards in ``_check_uri``.
_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_SEGMENT = rf"{_PCHAR}*"
_SEGMENT_NZ = rf"{_PCHAR}+"
_AUTHORITY = (
    rf"(?:(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*@)?"
    rf"(?:\[(?P<ip_literal>[^\[\]/?#@]*)\]|(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*)"
    r"(?::[0-9]*)?"
)
_HIER_PART = (
    rf"(?://{_AUTHORITY}(?:/{_SEGMENT})*"
    rf"|/(?:{_SEGMENT_NZ}(?:/{_SEGMENT})*)?"
    rf"|{_SEGMENT_NZ}(?:/{_SEGMENT})*"
    r"|)"
)
_QUERY_OR_FRAGMENT = rf"(?:{_PCHAR}|[/?])*"
_URI = re.compile(rf"^[A-Za-z][A-Za-z0-9+\-.]*:{_HIER_PART}(?:\?{_QUERY_OR_FRAGMENT})?(?:#{_QUERY_OR_FRAGMENT})?$")
_IP_FUTURE = re.compile(rf"[vV][0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+")


@_format("uri")
def _check_uri(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    match = _URI.match(instance)
    if match is None:
        return False
    literal = match.group("ip_literal")
    if literal is None or _IP_FUTURE.fullmatch(literal):
        return True
    if "%" in literal:  # zone ids are not part of RFC 3986
        return False
    try:
        ipaddress.IPv6Address(literal)
    except ValueError:
        return False
    return True


def _send_a_file_checker(name: str, accepts: Callable[[object], bool], message: Callable[[object], str]) -> None:
    def check(instance: object) -> bool:
        if instance is None or accepts(instance):
            return True
        raise FormatFailure(message(instance))

    _format(f"send_a_file_{name}")(check)


def _retention_period_ok(instance: object) -> bool:
    # Python's ``\d`` also matches non-ASCII digits, and Notify's check uses it as well.
    if not isinstance(instance, str):
        return False
    found = re.match(r"^(\d+) weeks?$", instance.strip().lower())
    return found is not None and 1 <= int(found.group(1)) <= 78


_send_a_file_checker(
    "is_csv",
    lambda v: isinstance(v, bool),
    lambda v: f"Unsupported value for is_csv: {v}. Use a boolean true or false value.",
)
_send_a_file_checker(
    "confirm_email_before_download",
    lambda v: isinstance(v, bool),
    lambda v: f"Unsupported value for confirm_email_before_download: {v}. Use a boolean true or false value.",
)
_send_a_file_checker(
    "retention_period",
    _retention_period_ok,
    lambda v: f"Unsupported value for retention_period: {v}. Supported periods are from 1 to 78 weeks.",
)
_send_a_file_checker(
    "filename",
    lambda v: isinstance(v, str) and "." in v,
    lambda v: "`filename` must end with a file extension. For example, filename.csv",
)
