"""Request validation exactly as Notify's v2 API does it (reference §3.1–3.4, §3.7–3.13, §10).

Notify validates every request with jsonschema (draft-07) and turns each
``jsonschema`` error into one message. The schemas below describe the same wire
format as Notify's, and their keywords and properties are written in the same
order as Notify's. That matters because jsonschema reports errors in the order
the schema lists them, and clients see that order.

Every ``validate_*`` function returns the validated data. If anything is wrong
it raises :class:`~pytest_notify.domain.errors.ValidationError` holding Notify's
messages, in Notify's order, with duplicates removed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

from jsonschema import Draft7Validator
from jsonschema import ValidationError as SchemaError

from pytest_notify.domain.clock import utc
from pytest_notify.domain.errors import ValidationError
from pytest_notify.domain.notifications import FILTER_STATUSES
from pytest_notify.http.schema_formats import FORMATS, NOW

__all__ = [
    "NOTIFICATION_STATUS_FILTERS",
    "SCHEMAS",
    "TEMPLATE_TYPES",
    "is_precompiled_letter_request",
    "validate_email_request",
    "validate_file_upload",
    "validate_get_notifications_args",
    "validate_get_templates_args",
    "validate_letter_request",
    "validate_notification_id",
    "validate_precompiled_letter_request",
    "validate_received_texts_args",
    "validate_sms_request",
    "validate_template_path",
    "validate_template_preview_request",
]

Schema = dict[str, Any]

TEMPLATE_TYPES: tuple[str, ...] = ("sms", "email", "letter")
"""Notify's template and notification types, in its order. Enum messages list them in this order."""

NOTIFICATION_STATUS_FILTERS: tuple[str, ...] = FILTER_STATUSES
"""The values ``GET /v2/notifications?status=`` accepts, in the order Notify's message lists them (§3.7)."""

# --------------------------------------------------------------------------- schemas
#
# The building blocks Notify defines in ``app/schema_validation/definitions.py``. A
# ``validationMessage`` replaces every error raised inside that subschema.

_UUID: Schema = {"type": "string", "format": "validate_uuid", "validationMessage": "is not a valid UUID"}
_HTTPS_URL: Schema = {
    "type": "string",
    "format": "uri",
    "pattern": "^https.*",
    "validationMessage": "is not a valid https url",
}
_PERSONALISATION: Schema = {"type": "object"}
_REFERENCE: Schema = {"type": "string", "maxLength": 1000}
_SCHEDULED_FOR: Schema = {"type": ["string", "null"], "format": "datetime_within_next_day"}


def _request(properties: Schema, required: Iterable[str], *, closed: bool = True) -> Schema:
    """A request object: keywords in Notify's order (type, properties, required, additionalProperties)."""
    schema: Schema = {"type": "object", "properties": properties, "required": list(required)}
    if closed:
        schema["additionalProperties"] = False
    return schema


_SMS_REQUEST = _request(
    {
        "reference": _REFERENCE,
        "phone_number": {"type": "string", "format": "phone_number"},
        "template_id": _UUID,
        "personalisation": _PERSONALISATION,
        "scheduled_for": _SCHEDULED_FOR,
        "sms_sender_id": _UUID,
    },
    ["phone_number", "template_id"],
)

_EMAIL_REQUEST = _request(
    {
        "reference": _REFERENCE,
        "email_address": {"type": "string", "format": "email_address"},
        "template_id": _UUID,
        "personalisation": _PERSONALISATION,
        "scheduled_for": _SCHEDULED_FOR,
        "email_reply_to_id": _UUID,
        "one_click_unsubscribe_url": _HTTPS_URL,
        "sanitise_content_for": {"type": ["array", "null"]},
    },
    ["email_address", "template_id"],
)

_LETTER_REQUEST = _request(
    {"reference": _REFERENCE, "template_id": _UUID, "personalisation": _PERSONALISATION},
    ["template_id", "personalisation"],
)

_PRECOMPILED_LETTER_REQUEST = _request(
    {
        "reference": {"type": "string"},  # no length limit for precompiled letters
        "content": {"type": "string"},
        "postage": {"type": "string", "format": "postage"},
    },
    ["reference", "content"],
)

# No additionalProperties: false here, so extra keys in a preview body are ignored.
_TEMPLATE_PREVIEW_REQUEST = _request({"id": _UUID, "personalisation": _PERSONALISATION}, ["id"], closed=False)

_TEMPLATE_PATH = _request({"id": _UUID, "version": {"type": ["integer", "null"], "minimum": 1}}, ["id"])

_NOTIFICATION_ID = {
    "type": "object",
    "properties": {"notification_id": _UUID},
    "required": ["notification_id"],
}

_GET_NOTIFICATIONS_ARGS: Schema = {
    "type": "object",
    "properties": {
        "reference": {"type": "string"},
        "status": {"type": "array", "items": {"enum": list(NOTIFICATION_STATUS_FILTERS)}},
        "template_type": {"type": "array", "items": {"enum": list(TEMPLATE_TYPES)}},
        "include_jobs": {"enum": ["true", "True"]},
        "older_than": _UUID,
    },
    "additionalProperties": False,
}

_GET_TEMPLATES_ARGS: Schema = {
    "type": "object",
    "properties": {"type": {"enum": list(TEMPLATE_TYPES)}},
    "additionalProperties": False,
}

_RECEIVED_TEXTS_ARGS: Schema = {
    "type": "object",
    "properties": {"older_than": _UUID},
    "additionalProperties": False,
}

# Notify's send_a_file_validation puts additionalProperties *before* properties, so an unknown
# key is reported before a bad value. Notify also has ``"required": True/False`` inside some
# properties. That does nothing for scalar values and makes Notify answer 500 for object
# values, so it is left out here (see docs/fidelity.md).
_FILE_UPLOAD: Schema = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "file": {"type": "string"},
        "is_csv": {"format": "send_a_file_is_csv"},
        "confirm_email_before_download": {"format": "send_a_file_confirm_email_before_download"},
        "retention_period": {"format": "send_a_file_retention_period"},
        "filename": {"format": "send_a_file_filename"},
    },
    "allOf": [
        {
            "anyOf": [{"not": {"required": ["is_csv"]}}, {"not": {"required": ["filename"]}}],
            "validationMessage": "Do not set a value for `is_csv` if `filename` is set.",
        }
    ],
}


def _compile(schema: Schema) -> Draft7Validator:
    return Draft7Validator(schema, format_checker=FORMATS)


_SMS = _compile(_SMS_REQUEST)
_EMAIL = _compile(_EMAIL_REQUEST)
_LETTER = _compile(_LETTER_REQUEST)
_PRECOMPILED = _compile(_PRECOMPILED_LETTER_REQUEST)
_PREVIEW = _compile(_TEMPLATE_PREVIEW_REQUEST)
_TEMPLATE = _compile(_TEMPLATE_PATH)
_NOTIFICATION = _compile(_NOTIFICATION_ID)
_NOTIFICATIONS_ARGS = _compile(_GET_NOTIFICATIONS_ARGS)
_TEMPLATES_ARGS = _compile(_GET_TEMPLATES_ARGS)
_RECEIVED_ARGS = _compile(_RECEIVED_TEXTS_ARGS)
_FILE = _compile(_FILE_UPLOAD)

SCHEMAS: Mapping[str, Schema] = {
    "post_sms_request": _SMS_REQUEST,
    "post_email_request": _EMAIL_REQUEST,
    "post_letter_request": _LETTER_REQUEST,
    "post_precompiled_letter_request": _PRECOMPILED_LETTER_REQUEST,
    "post_template_preview_request": _TEMPLATE_PREVIEW_REQUEST,
    "get_template_by_id_request": _TEMPLATE_PATH,
    "notification_by_id": _NOTIFICATION_ID,
    "get_notifications_request": _GET_NOTIFICATIONS_ARGS,
    "get_all_template_request": _GET_TEMPLATES_ARGS,
    "get_inbound_sms_request": _RECEIVED_TEXTS_ARGS,
    "send_a_file_validation": _FILE_UPLOAD,
}
"""The schemas by Notify's names (read-only by convention; for introspection and tests)."""


# --------------------------------------------------------------------------- messages


def _message(error: SchemaError) -> str:
    """One error as Notify words it (``app/schema_validation`` ``build_error_message``)."""
    path = list(error.path)
    schema = error.schema
    if isinstance(schema, Mapping) and "validationMessage" in schema:
        first = path[0] if path else ""
        return f"{first} {schema['validationMessage']}".strip()
    text = str(error.cause) if error.cause else error.message
    text = text.replace("'", "")
    # Notify tests the path element for truthiness, so an index 0 or "" gives no prefix.
    if path and path[0]:
        return f"{path[0]} {text}"
    return text


def _messages(errors: Iterator[SchemaError]) -> list[str]:
    unique: list[str] = []
    for error in errors:
        message = _message(error)
        if message not in unique:
            unique.append(message)
    return unique


def _validate(validator: Draft7Validator, instance: object) -> None:
    messages = _messages(validator.iter_errors(instance))
    if messages:
        raise ValidationError(*messages)


def _body(body: object) -> object:
    # Notify uses ``request_json or {}``: null, {}, [], "", 0 and false all count as {}.
    return body if body else {}


def _validate_body(validator: Draft7Validator, body: object, now: dt.datetime | None = None) -> dict[str, Any]:
    instance = _body(body)
    token = NOW.set(utc(now).replace(tzinfo=None) if now is not None else None)
    try:
        _validate(validator, instance)
    finally:
        NOW.reset(token)
    # Anything that passed ``"type": "object"`` is a dict.
    return cast("dict[str, Any]", instance)


# --------------------------------------------------------------------------- POST bodies


def validate_sms_request(body: object, now: dt.datetime) -> dict[str, Any]:
    """Validate a ``POST /v2/notifications/sms`` body (§3.1).

    ``now`` is the fake's clock reading, used for ``scheduled_for``; naive values are taken as UTC.
    """
    return _validate_body(_SMS, body, now)


def validate_email_request(body: object, now: dt.datetime) -> dict[str, Any]:
    """Validate a ``POST /v2/notifications/email`` body (§3.2)."""
    return _validate_body(_EMAIL, body, now)


def is_precompiled_letter_request(body: object) -> bool:
    """Whether ``POST /v2/notifications/letter`` takes the precompiled path (§3.0).

    Notify checks ``"content" in (request_json or {})``. That is Python's ``in``, so a JSON list
    that contains "content", or a string that contains it, also takes this path.
    """
    instance = _body(body)
    try:
        return "content" in instance  # type: ignore[operator]
    except TypeError:  # numbers and true: Notify would answer 500
        return False


def validate_letter_request(body: object) -> dict[str, Any]:
    """Validate a templated ``POST /v2/notifications/letter`` body (§3.3)."""
    return _validate_body(_LETTER, body)


def validate_precompiled_letter_request(body: object) -> dict[str, Any]:
    """Validate a precompiled ``POST /v2/notifications/letter`` body (§3.4)."""
    return _validate_body(_PRECOMPILED, body)


def validate_template_preview_request(body: object, template_id: str | None = None) -> dict[str, Any]:
    """Validate a ``POST /v2/template/{id}/preview`` body (§3.11).

    Notify sets ``body["id"]`` to the template id from the URL and then validates, so a bad id
    gives ``id is not a valid UUID``. Pass the path segment as ``template_id`` to get the same
    result. If you leave it out, ``body`` must already contain ``id``. Extra keys are allowed.
    """
    instance = _body(body)
    if template_id is not None and isinstance(instance, dict):
        instance = {**instance, "id": template_id}
    return _validate_body(_PREVIEW, instance)


def validate_file_upload(name: str, value: Mapping[str, Any]) -> dict[str, Any]:
    """Validate one ``personalisation[name]`` file object against ``send_a_file_validation`` (§10).

    Each message starts with the property inside the file object (for example ``is_csv ...``),
    not with ``name``: Notify validates the file object on its own.
    """
    del name  # not part of any message; the argument is there for callers' readability
    _validate(_FILE, value)
    return cast("dict[str, Any]", value)


# --------------------------------------------------------------------------- URLs and query strings


def validate_notification_id(notification_id: str) -> str:
    """Validate the ``{notification_id}`` path segment (§3.0, §3.6).

    A bad id gives ``notification_id is not a valid UUID``.
    """
    _validate(_NOTIFICATION, {"notification_id": notification_id})
    return notification_id


def validate_template_path(template_id: str, version: int | None = None) -> dict[str, Any]:
    """Validate ``/v2/template/{id}[/version/{version}]`` (§3.9).

    Like Notify (``if version:``), a version of 0 or None means "latest" and is not validated.
    The result has ``version`` only when one applies.
    """
    data: dict[str, Any] = {"id": template_id}
    if version:
        data["version"] = version
    _validate(_TEMPLATE, data)
    return data


def _first_values(args: Iterable[tuple[str, str]]) -> dict[str, str]:
    # werkzeug's ``MultiDict.to_dict()``: the first value of each key, keys in order of appearance.
    data: dict[str, str] = {}
    for key, value in args:
        data.setdefault(key, value)
    return data


def validate_get_notifications_args(args: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Validate ``GET /v2/notifications`` query arguments, given in request order (§3.7).

    ``status`` and ``template_type`` are lists of every value given. ``reference``,
    ``older_than`` and ``include_jobs`` take the first value. Keys keep the order of their first
    appearance, which ``links.current`` follows.
    """
    data: dict[str, Any] = {}
    for key, value in args:
        data.setdefault(key, []).append(value)
    for single in ("older_than", "reference", "include_jobs"):
        if single in data:
            data[single] = data[single][0]
    _validate(_NOTIFICATIONS_ARGS, data)
    return data


def validate_get_templates_args(args: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Validate ``GET /v2/templates`` query arguments: only ``type`` (first value used) (§3.10)."""
    data = _first_values(args)
    _validate(_TEMPLATES_ARGS, data)
    return dict(data)


def validate_received_texts_args(args: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Validate ``GET /v2/received-text-messages`` query arguments: only ``older_than`` (§3.12)."""
    data = _first_values(args)
    _validate(_RECEIVED_ARGS, data)
    return dict(data)
