"""Schema validation messages, checked against the verified examples in the reference.

The expected strings are copied from notify-reference.md §0, §3.7, §3.9–3.13 and §10.
Most tests replace phone and email validation with small fakes, so they only test how
messages are built. The ``test_real_*`` tests use the real recipient validators. They are
skipped while those modules are still stubs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft7Validator

from pytest_notify.domain import email_address, phone
from pytest_notify.domain.errors import ValidationError
from pytest_notify.http import schemas

NOW = dt.datetime(2026, 3, 10, 12, 0, 0, tzinfo=dt.timezone.utc)
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
OTHER_ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
PHONE = "07700900123"
EMAIL = "someone@example.com"

SMS = {"phone_number": PHONE, "template_id": TEMPLATE_ID}
EMAIL_BODY = {"email_address": EMAIL, "template_id": TEMPLATE_ID}
LETTER = {"template_id": TEMPLATE_ID, "personalisation": {"address_line_1": "A"}}
PRECOMPILED = {"reference": "ref", "content": "JVBERi0="}

INVALID_NUMBER = "Number is not valid – double check the phone number you entered"

# What the real validators say about the reference's example inputs (§3.13, §8.3, §8.4).
FAKE_PHONE_ERRORS = {
    "": ("TOO_SHORT", "Not enough digits"),
    "+44": ("TOO_SHORT", "Not enough digits"),
    "999": ("TOO_SHORT", "Not enough digits"),
    "+99912345678": ("TOO_LONG", "Too many digits"),
    "07515111*11": ("UNKNOWN_CHARACTER", "Must not contain letters or symbols"),
    "notaphoneumber": ("UNKNOWN_CHARACTER", "Must not contain letters or symbols"),
    "08515111111": ("INVALID_NUMBER", INVALID_NUMBER),
    "0800 123 4567": ("INVALID_NUMBER", INVALID_NUMBER),
    "09061234567": ("INVALID_NUMBER", INVALID_NUMBER),
}
FAKE_BAD_EMAILS = {"example", "", "a@b", "a..b@example.com"}


def _fake_parse_phone_number(number: str) -> phone.PhoneNumber:
    if number in FAKE_PHONE_ERRORS:
        raise phone.PhoneNumberError(*FAKE_PHONE_ERRORS[number])
    return phone.PhoneNumber(
        normalised="447700900123",
        international=False,
        uk=True,
        uk_landline=False,
        prefix="44",
        rate_multiplier=1.0,
        delivery_receipts=True,
    )


def _fake_validate_email_address(address: str) -> str:
    if address in FAKE_BAD_EMAILS:
        raise email_address.EmailAddressError("Not a valid email address")
    return address.strip()


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Stand-ins for the recipient validators; the schema module looks them up on each call."""
    monkeypatch.setattr(phone, "parse_phone_number", _fake_parse_phone_number)
    monkeypatch.setattr(email_address, "validate_email_address", _fake_validate_email_address)
    yield


def _implemented(func: Any, arg: str) -> bool:
    try:
        func(arg)
    except NotImplementedError:
        return False
    except Exception:
        return True
    return True


needs_real_phone = pytest.mark.skipif(
    not _implemented(phone.parse_phone_number, PHONE), reason="pytest_notify.domain.phone is a stub"
)
needs_real_email = pytest.mark.skipif(
    not _implemented(email_address.validate_email_address, EMAIL),
    reason="pytest_notify.domain.email_address is a stub",
)


def messages(func: Any, *args: Any) -> list[str]:
    """The messages ``func(*args)`` raises, or [] when it passes."""
    try:
        func(*args)
    except ValidationError as error:
        assert error.status_code == 400
        assert error.error == "ValidationError"
        return list(error.messages)
    return []


# --- §3.13 table

SCHEMA_TABLE: list[tuple[str, dict[str, Any], list[str]]] = [
    ("sms", {}, ["phone_number is a required property", "template_id is a required property"]),
    ("sms", {**SMS, "template_id": 5}, ["template_id is not a valid UUID"]),
    ("sms", {**SMS, "template_id": "bad_uuid"}, ["template_id is not a valid UUID"]),
    ("sms", {**SMS, "template_id": TEMPLATE_ID + " "}, ["template_id is not a valid UUID"]),
    ("sms", {**SMS, "template_id": TEMPLATE_ID + "\n"}, ["template_id is not a valid UUID"]),
    ("sms", {**SMS, "template_id": None}, ["template_id is not a valid UUID"]),
    ("sms", {**SMS, "reference": 5}, ["reference 5 is not of type string"]),
    ("sms", {**SMS, "reference": "a" * 1001}, [f"reference {'a' * 1001} is too long"]),
    ("sms", {**SMS, "personalisation": []}, ["personalisation [] is not of type object"]),
    ("sms", {**SMS, "personalisation": "not_a_dict"}, ["personalisation not_a_dict is not of type object"]),
    ("sms", {**SMS, "personalisation": None}, ["personalisation None is not of type object"]),
    (
        "sms",
        {**SMS, "foo": 1, "bar": 2},
        ["Additional properties are not allowed (bar, foo were unexpected)"],
    ),
    ("sms", {**SMS, "template": 1}, ["Additional properties are not allowed (template was unexpected)"]),
    ("sms", {**SMS, "phone_number": 7700900001}, ["phone_number 7700900001 is not of type string"]),
    ("sms", {**SMS, "phone_number": None}, ["phone_number None is not of type string"]),
    ("sms", {**SMS, "phone_number": []}, ["phone_number [] is not of type string"]),
    ("sms", {**SMS, "phone_number": ""}, ["phone_number Not enough digits"]),
    ("sms", {**SMS, "phone_number": "+44"}, ["phone_number Not enough digits"]),
    ("sms", {**SMS, "phone_number": "999"}, ["phone_number Not enough digits"]),
    ("sms", {**SMS, "phone_number": "+99912345678"}, ["phone_number Too many digits"]),
    ("sms", {**SMS, "phone_number": "07515111*11"}, ["phone_number Must not contain letters or symbols"]),
    ("sms", {**SMS, "phone_number": "notaphoneumber"}, ["phone_number Must not contain letters or symbols"]),
    ("sms", {**SMS, "phone_number": "08515111111"}, [f"phone_number {INVALID_NUMBER}"]),
    ("sms", {**SMS, "phone_number": "0800 123 4567"}, [f"phone_number {INVALID_NUMBER}"]),
    ("sms", {**SMS, "phone_number": "09061234567"}, [f"phone_number {INVALID_NUMBER}"]),
    ("email", {**EMAIL_BODY, "email_address": "example"}, ["email_address Not a valid email address"]),
    ("email", {**EMAIL_BODY, "email_address": ""}, ["email_address Not a valid email address"]),
    ("email", {**EMAIL_BODY, "email_address": "a@b"}, ["email_address Not a valid email address"]),
    (
        "email",
        {**EMAIL_BODY, "email_address": "a..b@example.com"},
        ["email_address Not a valid email address"],
    ),
    (
        "email",
        {**EMAIL_BODY, "one_click_unsubscribe_url": "http://example.com/unsubscribe"},
        ["one_click_unsubscribe_url is not a valid https url"],
    ),
    (
        "email",
        {**EMAIL_BODY, "one_click_unsubscribe_url": 5},
        ["one_click_unsubscribe_url is not a valid https url"],
    ),
    (
        "email",
        {**EMAIL_BODY, "sanitise_content_for": "name"},
        ["sanitise_content_for name is not of type array, null"],
    ),
    (
        "sms",
        {**SMS, "scheduled_for": "13:00:00 2017-01-01"},
        [
            "scheduled_for datetime format is invalid. It must be a valid ISO8601 date time format, "
            "https://en.wikipedia.org/wiki/ISO_8601"
        ],
    ),
    (
        "sms",
        {**SMS, "scheduled_for": "2026-03-10T11:59:59"},
        ["scheduled_for datetime can not be in the past"],
    ),
    (
        "email",
        {**EMAIL_BODY, "scheduled_for": "2026-03-11T12:00:01"},
        ["scheduled_for datetime can only be 24 hours in the future"],
    ),
    ("letter", {"template_id": TEMPLATE_ID}, ["personalisation is a required property"]),
    ("precompiled", {"content": "JVBERi0="}, ["reference is a required property"]),
    (
        "precompiled",
        {**PRECOMPILED, "postage": "europe"},
        ["postage invalid. It must be either first, second or economy."],
    ),
    ("precompiled", {**PRECOMPILED, "postage": 1}, ["postage 1 is not of type string"]),
]


def validate(kind: str, body: object) -> list[str]:
    if kind == "sms":
        return messages(schemas.validate_sms_request, body, NOW)
    if kind == "email":
        return messages(schemas.validate_email_request, body, NOW)
    if kind == "letter":
        return messages(schemas.validate_letter_request, body)
    if kind == "precompiled":
        return messages(schemas.validate_precompiled_letter_request, body)
    raise AssertionError(kind)


@pytest.mark.parametrize(("kind", "body", "expected"), SCHEMA_TABLE)
def test_reference_schema_examples(fakes: None, kind: str, body: dict[str, Any], expected: list[str]) -> None:
    assert validate(kind, body) == expected


def test_template_version_zero_is_below_the_minimum_at_schema_level() -> None:
    # Unreachable through a URL (Notify's "if version:" drops 0), but the schema says so.
    with pytest.raises(ValidationError) as caught:
        schemas._validate(schemas._TEMPLATE, {"id": TEMPLATE_ID, "version": 0})
    assert caught.value.messages == ("version 0 is less than the minimum of 1",)


# --- happy paths


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("sms", SMS),
        (
            "sms",
            {
                **SMS,
                "reference": "a" * 1000,
                "personalisation": {"name": "Jo"},
                "scheduled_for": None,
                "sms_sender_id": OTHER_ID,
            },
        ),
        ("sms", {**SMS, "reference": ""}),
        ("email", EMAIL_BODY),
        (
            "email",
            {
                **EMAIL_BODY,
                "reference": "r",
                "personalisation": {"file": {"file": "abc"}},
                "email_reply_to_id": OTHER_ID,
                "one_click_unsubscribe_url": "https://example.com/unsubscribe?id=1&x=%20#top",
                "sanitise_content_for": ["name"],
                "scheduled_for": "2026-03-10T18:00:00Z",
            },
        ),
        ("email", {**EMAIL_BODY, "sanitise_content_for": None}),
        ("letter", LETTER),
        ("letter", {**LETTER, "reference": "ref"}),
        ("precompiled", PRECOMPILED),
        ("precompiled", {**PRECOMPILED, "reference": "r" * 5000, "postage": "economy"}),
        ("precompiled", {**PRECOMPILED, "postage": "first"}),
    ],
)
def test_valid_bodies_pass(fakes: None, kind: str, body: dict[str, Any]) -> None:
    assert validate(kind, body) == []


def test_the_body_is_returned_unchanged(fakes: None) -> None:
    body = {**SMS, "personalisation": {"a": 1}}
    assert schemas.validate_sms_request(body, NOW) is body
    assert schemas.validate_letter_request(LETTER) is LETTER


# --- order and duplicates


def test_errors_follow_schema_property_order_then_required_then_additional(fakes: None) -> None:
    body = {
        "zzz": 1,
        "sms_sender_id": "nope",
        "scheduled_for": 1,
        "personalisation": 1,
        "template_id": 1,
        "reference": 1,
    }
    assert validate("sms", body) == [
        "reference 1 is not of type string",
        "template_id is not a valid UUID",
        "personalisation 1 is not of type object",
        "scheduled_for 1 is not of type string, null",
        "sms_sender_id is not a valid UUID",
        "phone_number is a required property",
        "Additional properties are not allowed (zzz was unexpected)",
    ]


def test_email_property_order(fakes: None) -> None:
    body = {
        "sanitise_content_for": 1,
        "one_click_unsubscribe_url": 1,
        "email_reply_to_id": 1,
        "scheduled_for": "x",
        "personalisation": 1,
        "template_id": 1,
        "email_address": "example",
        "reference": 1,
        "sms_sender_id": OTHER_ID,
    }
    assert validate("email", body) == [
        "reference 1 is not of type string",
        "email_address Not a valid email address",
        "template_id is not a valid UUID",
        "personalisation 1 is not of type object",
        "scheduled_for datetime format is invalid. It must be a valid ISO8601 date time format, "
        "https://en.wikipedia.org/wiki/ISO_8601",
        "email_reply_to_id is not a valid UUID",
        "one_click_unsubscribe_url is not a valid https url",
        "sanitise_content_for 1 is not of type array, null",
        "Additional properties are not allowed (sms_sender_id was unexpected)",
    ]


def test_letter_and_precompiled_order() -> None:
    assert validate("letter", {"personalisation": [], "reference": 1, "scheduled_for": None}) == [
        "reference 1 is not of type string",
        "personalisation [] is not of type object",
        "template_id is a required property",
        "Additional properties are not allowed (scheduled_for was unexpected)",
    ]
    assert validate("precompiled", {"postage": "europe", "content": 1, "reference": 2}) == [
        "reference 2 is not of type string",
        "content 1 is not of type string",
        "postage invalid. It must be either first, second or economy.",
    ]
    assert validate("precompiled", {"content": "x", "letter_contact_id": OTHER_ID}) == [
        "reference is a required property",
        "Additional properties are not allowed (letter_contact_id was unexpected)",
    ]


def test_wrong_channel_ids_are_additional_properties(fakes: None) -> None:
    assert validate("email", {**EMAIL_BODY, "sms_sender_id": OTHER_ID}) == [
        "Additional properties are not allowed (sms_sender_id was unexpected)"
    ]
    assert validate("sms", {**SMS, "email_reply_to_id": OTHER_ID}) == [
        "Additional properties are not allowed (email_reply_to_id was unexpected)"
    ]


def test_quotes_are_removed_from_messages_and_containers_use_python_repr(fakes: None) -> None:
    assert validate("sms", {**SMS, "reference": {"it's": ["a", None, True]}}) == [
        'reference {"its": [a, None, True]} is not of type string'
    ]
    assert validate("sms", {**SMS, "o'neil": 1}) == ['Additional properties are not allowed ("oneil" was unexpected)']


def test_duplicate_messages_are_removed() -> None:
    with pytest.raises(ValidationError) as caught:
        schemas.validate_get_notifications_args([("status", "x"), ("status", "x"), ("status", "y")])
    assert [m.split(" is not")[0] for m in caught.value.messages] == ["status x", "status y"]


# --- §0: bodies that are not objects


@pytest.mark.parametrize("body", [None, {}, [], "", 0, False])
def test_falsy_bodies_count_as_an_empty_object(body: object) -> None:
    assert validate("sms", body) == [
        "phone_number is a required property",
        "template_id is a required property",
    ]
    assert validate("letter", body) == [
        "template_id is a required property",
        "personalisation is a required property",
    ]
    assert validate("precompiled", body) == [
        "reference is a required property",
        "content is a required property",
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([1], "[1] is not of type object"),
        (["a", "b"], "[a, b] is not of type object"),
        ("text", "text is not of type object"),
        (5, "5 is not of type object"),
        (True, "True is not of type object"),
        (1.5, "1.5 is not of type object"),
    ],
)
def test_non_object_bodies_give_one_type_error(body: object, expected: str) -> None:
    for kind in ("sms", "email", "letter", "precompiled"):
        assert validate(kind, body) == [expected]
    assert messages(schemas.validate_template_preview_request, body, TEMPLATE_ID) == [expected]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"content": "x"}, True),
        ({"content": None}, True),
        ({"template_id": TEMPLATE_ID}, False),
        ({}, False),
        (None, False),
        (["content"], True),
        ("some content here", True),
        ("other", False),
        (5, False),
    ],
)
def test_precompiled_dispatch_uses_python_in(body: object, expected: bool) -> None:
    assert schemas.is_precompiled_letter_request(body) is expected


# --- formats


@pytest.mark.parametrize(
    "value",
    [
        TEMPLATE_ID,
        TEMPLATE_ID.upper(),
        "{" + TEMPLATE_ID + "}",
        "urn:uuid:" + TEMPLATE_ID,
        TEMPLATE_ID.replace("-", ""),
    ],
)
def test_uuid_accepts_what_python_uuid_accepts(value: str) -> None:
    # Notify's validate_uuid format is just uuid.UUID(value).
    assert validate("letter", {**LETTER, "template_id": value}) == []


@pytest.mark.parametrize("value", ["", " " + TEMPLATE_ID, TEMPLATE_ID[:-1], TEMPLATE_ID + "0", 1.5, True, {}])
def test_uuid_rejects(value: object) -> None:
    assert validate("letter", {**LETTER, "template_id": value}) == ["template_id is not a valid UUID"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-10T12:00:00", None),  # exactly now is not in the past
        ("2026-03-11T12:00:00", None),  # exactly 24 hours ahead is allowed
        ("2026-03-10T18:30", None),
        ("2026-03-10 18:30:15.123456Z", None),
        ("2026-03-10T18:30:15,5", None),
        ("20260310T1830", None),
        ("2026-03-10T183015", None),
        ("2026-3-10T18:30", None),
        ("2026-03-10T18:30:00+05:00", None),  # the offset is dropped, not applied
        ("2026-03-10T18:30:00-0800", None),
        ("2026-03-10T18:30:00+05", None),
        ("2026-03-10T18:30:00\n", None),  # "$" allows a trailing newline
        ("2026-03-10T11:59:59.999999", "past"),
        ("2026-03-10", "past"),  # midnight
        ("2026-03", "past"),
        ("2026", "past"),
        ("2026-03-11T12:00:00.000001", "future"),
        ("2026-03-12", "future"),
        ("202603", "invalid"),  # YYYYMM is not allowed
        ("2026-03-10T25:00", "invalid"),
        ("2026-03-10T12:60", "invalid"),
        ("2026-13-01", "invalid"),
        ("2026-02-30", "invalid"),
        ("2026-03-10T18:30:00+24:00", "invalid"),
        ("2026-03-10T18:30:00 ", "invalid"),
        ("tomorrow", "invalid"),
        ("", "invalid"),
    ],
)
def test_scheduled_for(fakes: None, value: str, expected: str | None) -> None:
    texts = {
        "past": "scheduled_for datetime can not be in the past",
        "future": "scheduled_for datetime can only be 24 hours in the future",
        "invalid": "scheduled_for datetime format is invalid. It must be a valid ISO8601 date time format, "
        "https://en.wikipedia.org/wiki/ISO_8601",
    }
    want = [] if expected is None else [texts[expected]]
    assert validate("sms", {**SMS, "scheduled_for": value}) == want
    assert validate("email", {**EMAIL_BODY, "scheduled_for": value}) == want


def test_scheduled_for_uses_the_now_passed_in_naive_or_aware(fakes: None) -> None:
    body = {**SMS, "scheduled_for": "2030-01-01T00:00:00"}
    assert messages(schemas.validate_sms_request, body, dt.datetime(2029, 12, 31, 12)) == []
    aware = dt.datetime(2030, 1, 1, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))  # 23:00 UTC
    assert messages(schemas.validate_sms_request, body, aware) == []
    assert messages(schemas.validate_sms_request, body, dt.datetime(2030, 1, 2)) == [
        "scheduled_for datetime can not be in the past"
    ]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("https://example.com", True),
        ("https://example.com/unsubscribe/abc?x=1&y=2#frag", True),
        ("https://user:pw@example.com:8443/a%20b", True),
        ("https://[2001:db8::1]/x", True),
        ("https://192.0.2.1/x", True),
        ("https:opaque", True),
        ("HTTPS://example.com", False),  # the pattern is case-sensitive
        ("http://example.com", False),
        ("ftp://example.com", False),
        ("https", False),
        ("https://exa mple.com", False),
        ("https://example.com/ü", False),
        ("https://[not-an-ip]/", False),
        ("https://example.com/%zz", False),
        ("", False),
        (None, False),
        (["https://example.com"], False),
    ],
)
def test_one_click_unsubscribe_url(fakes: None, value: object, ok: bool) -> None:
    expected = [] if ok else ["one_click_unsubscribe_url is not a valid https url"]
    assert validate("email", {**EMAIL_BODY, "one_click_unsubscribe_url": value}) == expected


@pytest.mark.parametrize("postage", ["first", "second", "economy"])
def test_postage_values(postage: str) -> None:
    assert validate("precompiled", {**PRECOMPILED, "postage": postage}) == []


@pytest.mark.parametrize("postage", ["rest-of-world", "First", ""])
def test_postage_rejects(postage: str) -> None:
    assert validate("precompiled", {**PRECOMPILED, "postage": postage}) == [
        "postage invalid. It must be either first, second or economy."
    ]


def test_phone_and_email_checks_run_only_on_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(value: str) -> None:
        raise AssertionError("must not be called")

    monkeypatch.setattr(phone, "parse_phone_number", explode)
    monkeypatch.setattr(email_address, "validate_email_address", explode)
    assert validate("sms", {**SMS, "phone_number": 1}) == ["phone_number 1 is not of type string"]
    assert validate("email", {**EMAIL_BODY, "email_address": None}) == ["email_address None is not of type string"]


# --- §3.7 GET /v2/notifications

STATUS_ENUM = (
    "[cancelled, created, sending, sent, delivered, pending, failed, technical-failure, "
    "temporary-failure, permanent-failure, pending-virus-check, validation-failed, virus-scan-failed, "
    "returned-letter, accepted, received]"
)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([("template_type", "foo")], ["template_type foo is not one of [sms, email, letter]"]),
        ([("status", "elephant")], [f"status elephant is not one of {STATUS_ENUM}"]),
        ([("older_than", "nope")], ["older_than is not a valid UUID"]),
        ([("include_jobs", "false")], ["include_jobs false is not one of [true, True]"]),
        ([("page", "2")], ["Additional properties are not allowed (page was unexpected)"]),
        (
            [("b", "1"), ("a", "1"), ("a", "2")],
            ["Additional properties are not allowed (a, b were unexpected)"],
        ),
        ([("status", "")], [f"status  is not one of {STATUS_ENUM}"]),
        (
            [
                ("older_than", "x"),
                ("page", "1"),
                ("include_jobs", "no"),
                ("template_type", "x"),
                ("status", "x"),
            ],
            [
                f"status x is not one of {STATUS_ENUM}",
                "template_type x is not one of [sms, email, letter]",
                "include_jobs no is not one of [true, True]",
                "older_than is not a valid UUID",
                "Additional properties are not allowed (page was unexpected)",
            ],
        ),
        # Only the first older_than counts, so a bad second one is never seen.
        ([("older_than", TEMPLATE_ID), ("older_than", "bad")], []),
        ([("older_than", "bad"), ("older_than", TEMPLATE_ID)], ["older_than is not a valid UUID"]),
        ([("include_jobs", "True"), ("include_jobs", "nope")], []),
    ],
)
def test_get_notifications_args(args: list[tuple[str, str]], expected: list[str]) -> None:
    assert messages(schemas.validate_get_notifications_args, args) == expected


def test_get_notifications_args_result_shape_and_order() -> None:
    result = schemas.validate_get_notifications_args(
        [
            ("status", "created"),
            ("reference", "my ref&x"),
            ("status", "sending"),
            ("template_type", "sms"),
            ("reference", "ignored"),
            ("include_jobs", "true"),
            ("older_than", TEMPLATE_ID),
        ]
    )
    assert result == {
        "status": ["created", "sending"],
        "reference": "my ref&x",
        "template_type": ["sms"],
        "include_jobs": "true",
        "older_than": TEMPLATE_ID,
    }
    assert list(result) == ["status", "reference", "template_type", "include_jobs", "older_than"]
    assert schemas.validate_get_notifications_args([]) == {}


@pytest.mark.parametrize("status", schemas.NOTIFICATION_STATUS_FILTERS)
def test_every_status_filter_is_accepted(status: str) -> None:
    assert schemas.validate_get_notifications_args([("status", status)]) == {"status": [status]}


# --- §3.9–3.12 templates, received texts


def test_template_path() -> None:
    assert schemas.validate_template_path(TEMPLATE_ID) == {"id": TEMPLATE_ID}
    assert schemas.validate_template_path(TEMPLATE_ID, 3) == {"id": TEMPLATE_ID, "version": 3}
    assert schemas.validate_template_path(TEMPLATE_ID, 0) == {"id": TEMPLATE_ID}  # "latest"
    assert messages(schemas.validate_template_path, "nope") == ["id is not a valid UUID"]
    assert messages(schemas.validate_template_path, "nope", -1) == [
        "id is not a valid UUID",
        "version -1 is less than the minimum of 1",
    ]


def test_notification_id() -> None:
    assert schemas.validate_notification_id(TEMPLATE_ID) == TEMPLATE_ID
    assert messages(schemas.validate_notification_id, "sms") == ["notification_id is not a valid UUID"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], []),
        ([("type", "sms")], []),
        ([("type", "letter"), ("type", "bad")], []),  # first value only
        ([("type", "foo")], ["type foo is not one of [sms, email, letter]"]),
        ([("type", "SMS")], ["type SMS is not one of [sms, email, letter]"]),
        ([("foo", "1")], ["Additional properties are not allowed (foo was unexpected)"]),
        (
            [("foo", "1"), ("type", "x")],
            [
                "type x is not one of [sms, email, letter]",
                "Additional properties are not allowed (foo was unexpected)",
            ],
        ),
    ],
)
def test_get_templates_args(args: list[tuple[str, str]], expected: list[str]) -> None:
    assert messages(schemas.validate_get_templates_args, args) == expected


def test_get_templates_args_result() -> None:
    assert schemas.validate_get_templates_args([("type", "email"), ("type", "sms")]) == {"type": "email"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], []),
        ([("older_than", TEMPLATE_ID)], []),
        ([("older_than", "x")], ["older_than is not a valid UUID"]),
        (
            [("user_number", "447700900123")],
            ["Additional properties are not allowed (user_number was unexpected)"],
        ),
        ([("older_than", TEMPLATE_ID), ("older_than", "x")], []),
    ],
)
def test_received_texts_args(args: list[tuple[str, str]], expected: list[str]) -> None:
    assert messages(schemas.validate_received_texts_args, args) == expected


def test_received_texts_args_result() -> None:
    assert schemas.validate_received_texts_args([("older_than", TEMPLATE_ID)]) == {"older_than": TEMPLATE_ID}


@pytest.mark.parametrize(
    ("body", "template_id", "expected"),
    [
        (None, TEMPLATE_ID, []),  # an empty body is allowed
        ({}, TEMPLATE_ID, []),
        ({"personalisation": {"name": "Jo"}}, TEMPLATE_ID, []),
        ({"personalisation": {"name": "Jo"}, "anything": 1}, TEMPLATE_ID, []),  # extra keys allowed
        ({"personalisation": "x"}, TEMPLATE_ID, ["personalisation x is not of type object"]),
        ({"personalisation": None}, TEMPLATE_ID, ["personalisation None is not of type object"]),
        ({}, "nope", ["id is not a valid UUID"]),
        ({"id": TEMPLATE_ID}, "nope", ["id is not a valid UUID"]),  # the URL's id wins
        (
            {"personalisation": []},
            "x",
            ["id is not a valid UUID", "personalisation [] is not of type object"],
        ),
        ({"id": TEMPLATE_ID}, None, []),
        ({}, None, ["id is a required property"]),
    ],
)
def test_template_preview(body: object, template_id: str | None, expected: list[str]) -> None:
    assert messages(schemas.validate_template_preview_request, body, template_id) == expected


def test_template_preview_result_has_the_id() -> None:
    result = schemas.validate_template_preview_request({"personalisation": {"a": 1}}, TEMPLATE_ID)
    assert result == {"personalisation": {"a": 1}, "id": TEMPLATE_ID}


# --- §10 send a file

FILE = {"file": "YWJj"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            {**FILE, "is_csv": "bad"},
            ["is_csv Unsupported value for is_csv: bad. Use a boolean true or false value."],
        ),
        (
            {**FILE, "confirm_email_before_download": "yes"},
            [
                "confirm_email_before_download Unsupported value for confirm_email_before_download: yes. "
                "Use a boolean true or false value."
            ],
        ),
        (
            {**FILE, "retention_period": "79 weeks"},
            [
                "retention_period Unsupported value for retention_period: 79 weeks. "
                "Supported periods are from 1 to 78 weeks."
            ],
        ),
        (
            {**FILE, "filename": "report"},
            ["filename `filename` must end with a file extension. For example, filename.csv"],
        ),
        (
            {**FILE, "filename": 5},
            ["filename `filename` must end with a file extension. For example, filename.csv"],
        ),
        (
            {**FILE, "is_csv": True, "filename": "a.csv"},
            ["Do not set a value for `is_csv` if `filename` is set."],
        ),
        (
            {**FILE, "is_csv": None, "filename": None},
            ["Do not set a value for `is_csv` if `filename` is set."],
        ),
        ({"file": False}, ["file False is not of type string"]),
        ({**FILE, "extra": 1}, ["Additional properties are not allowed (extra was unexpected)"]),
    ],
)
def test_file_upload_reference_table(value: dict[str, Any], expected: list[str]) -> None:
    assert messages(schemas.validate_file_upload, "doc", value) == expected


@pytest.mark.parametrize(
    "value",
    [
        FILE,
        {**FILE, "is_csv": True},
        {**FILE, "is_csv": False},
        {**FILE, "is_csv": None},
        {**FILE, "confirm_email_before_download": False},
        {**FILE, "confirm_email_before_download": None},
        {**FILE, "retention_period": None},
        {**FILE, "retention_period": "1 week"},
        {**FILE, "retention_period": "1 weeks"},
        {**FILE, "retention_period": " 78 WEEKS "},
        {**FILE, "filename": "a.b"},
        {**FILE, "filename": None},
        {
            **FILE,
            "filename": "report.pdf",
            "confirm_email_before_download": True,
            "retention_period": "26 weeks",
        },
    ],
)
def test_file_upload_valid(value: dict[str, Any]) -> None:
    assert schemas.validate_file_upload("doc", value) is value


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("is_csv", 1, "1"),
        ("is_csv", "true", "true"),
        ("confirm_email_before_download", 0, "0"),
        ("confirm_email_before_download", ["x"], "[x]"),
        ("retention_period", 5, "5"),
        ("retention_period", "0 weeks", "0 weeks"),
        ("retention_period", "2 months", "2 months"),
        ("retention_period", False, "False"),
    ],
)
def test_file_upload_shows_the_value(field: str, value: object, shown: str) -> None:
    [message] = messages(schemas.validate_file_upload, "doc", {**FILE, field: value})
    assert message.startswith(f"{field} Unsupported value for {field}: {shown}. ")


def test_file_upload_order_additional_properties_first() -> None:
    value = {"extra": 1, "filename": "x", "retention_period": "0 weeks", "is_csv": 2, "file": 1}
    assert messages(schemas.validate_file_upload, "doc", value) == [
        "Additional properties are not allowed (extra was unexpected)",
        "file 1 is not of type string",
        "is_csv Unsupported value for is_csv: 2. Use a boolean true or false value.",
        "retention_period Unsupported value for retention_period: 0 weeks. Supported periods are from 1 to 78 weeks.",
        "filename `filename` must end with a file extension. For example, filename.csv",
        "Do not set a value for `is_csv` if `filename` is set.",
    ]


def test_file_upload_object_values_do_not_crash() -> None:
    assert messages(schemas.validate_file_upload, "doc", {"file": {"a": 1}}) == ["file {a: 1} is not of type string"]


# --- the schemas themselves


@pytest.mark.parametrize("name", sorted(schemas.SCHEMAS))
def test_schemas_are_valid_draft7(name: str) -> None:
    Draft7Validator.check_schema(schemas.SCHEMAS[name])


# --- with the real recipient validators


@needs_real_phone
@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "phone_number Not enough digits"),
        ("+44", "phone_number Not enough digits"),
        ("999", "phone_number Not enough digits"),
        ("+99912345678", "phone_number Too many digits"),
        ("07515111*11", "phone_number Must not contain letters or symbols"),
        ("notaphoneumber", "phone_number Must not contain letters or symbols"),
        ("08515111111", f"phone_number {INVALID_NUMBER}"),
        ("0800 123 4567", f"phone_number {INVALID_NUMBER}"),
        ("09061234567", f"phone_number {INVALID_NUMBER}"),
    ],
)
def test_real_phone_number_messages(number: str, message: str) -> None:
    assert validate("sms", {**SMS, "phone_number": number}) == [message]


@needs_real_phone
@pytest.mark.parametrize("number", ["07700900123", "+447700900123", "+33 6 12 34 56 78", "020 7946 0000"])
def test_real_phone_numbers_that_pass_the_schema(number: str) -> None:
    # International numbers and UK landlines are allowed at the schema stage.
    assert validate("sms", {**SMS, "phone_number": number}) == []


@needs_real_email
@pytest.mark.parametrize("address", ["example", "", "a@b", "a..b@example.com"])
def test_real_email_address_messages(address: str) -> None:
    assert validate("email", {**EMAIL_BODY, "email_address": address}) == ["email_address Not a valid email address"]


@needs_real_email
@pytest.mark.parametrize("address", ["someone@example.com", "Name@Example.COM", "name@example.com "])
def test_real_email_addresses_that_pass(address: str) -> None:
    assert validate("email", {**EMAIL_BODY, "email_address": address}) == []
