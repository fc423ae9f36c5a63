"""The codec: every stored domain class has a stored form for every field, and values come back equal."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import uuid
from typing import Any

import pytest

from pytest_notify.domain.callbacks import CallbackAttempt, CallbackJob
from pytest_notify.domain.documents import Document
from pytest_notify.domain.inbound import InboundSms
from pytest_notify.domain.limits import LimitState
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.outcomes import OutcomeRules
from pytest_notify.domain.service import Service
from pytest_notify.domain.timings import Timings
from pytest_notify.persist.codec import CodecError, check, decode, decode_as, encode, encode_as, field_type

STORED = (Service, Notification, InboundSms, Document, CallbackJob, CallbackAttempt, OutcomeRules, Timings)


@pytest.mark.parametrize("cls", STORED, ids=lambda c: c.__name__)
def test_every_field_of_a_stored_class_has_a_stored_form(cls: type) -> None:
    check(cls)  # and of the classes inside it (templates and their versions, keys, steps, timings...)


@dataclasses.dataclass
class Odd:
    value: complex


@dataclasses.dataclass
class HoldsOdd:
    inside: list[Odd]


def test_a_field_of_an_unknown_type_fails_the_check() -> None:
    with pytest.raises(CodecError, match="no stored form for the type <class 'complex'>"):
        check(HoldsOdd)


class Colour(enum.Enum):
    RED = "red"


@dataclasses.dataclass(frozen=True)
class Inner:
    at: dt.datetime
    day: dt.date


@dataclasses.dataclass
class Everything:
    id: uuid.UUID
    colour: Colour
    blob: bytes
    pair: tuple[str, int]
    many: tuple[str, ...]
    tags: set[str]
    frozen: frozenset[int]
    by_id: dict[uuid.UUID, Inner]
    by_pair: dict[tuple[dt.date, str], int]
    named: dict[str, Any]
    maybe: Inner | None
    ratio: float
    flag: bool = True
    derived: int = dataclasses.field(default=0, init=False)


def test_values_of_every_kind_come_back_equal() -> None:
    when = dt.datetime(2026, 3, 3, 10, 0, 0, 123456, tzinfo=dt.timezone.utc)
    value = Everything(
        id=uuid.uuid4(),
        colour=Colour.RED,
        blob=b"\x00\xff PDF",
        pair=("a", 1),
        many=("x", "y"),
        tags={"b", "a"},
        frozen=frozenset({3, 1}),
        by_id={uuid.uuid4(): Inner(when, when.date())},
        by_pair={(when.date(), "sms"): 3},
        named={"name": "Jo", "nested": [1, {"a": None}]},
        maybe=None,
        ratio=1,  # an int where a float is annotated stays an int: 1 and 1.0 print differently
        flag=False,
    )
    stored = json.loads(json.dumps(encode(value)))
    assert "derived" not in stored
    assert stored["tags"] == ["a", "b"] and stored["frozen"] == [1, 3]  # sorted: the same state, the same text
    back = decode(Everything, stored)
    assert back == value and type(back.ratio) is int and back.by_id == value.by_id


def test_unknown_and_wrong_data_is_refused() -> None:
    when = dt.datetime(2026, 3, 3, tzinfo=dt.timezone.utc)
    good = encode(Inner(when, when.date()))
    with pytest.raises(CodecError, match="unknown field"):
        decode(Inner, {**good, "extra": 1})
    with pytest.raises(CodecError, match="missing 1 required positional argument: 'day'"):
        decode(Inner, {"at": good["at"]})
    with pytest.raises(CodecError, match="expected int, got True"):
        decode_as(int, True)
    with pytest.raises(CodecError, match="expected str"):
        decode_as(uuid.UUID, 5)
    with pytest.raises(CodecError, match="cannot read 'not a date'"):
        decode_as(dt.date, "not a date")
    with pytest.raises(CodecError, match="expected 2 items, got 1"):
        decode_as(tuple[str, int], ["a"])
    with pytest.raises(CodecError, match="expected an object"):
        decode(Inner, [])  # type: ignore[arg-type]


def test_a_type_with_no_stored_form_is_an_error() -> None:
    with pytest.raises(CodecError, match="no stored form"):
        encode_as(complex, 1j)
    with pytest.raises(CodecError, match="unions of several types"):
        encode_as(int | str, 1)


def test_the_daily_counts_have_a_stored_form() -> None:
    counts = {(dt.date(2026, 3, 3), "sms"): 4, (dt.date(2026, 3, 3), "international_sms"): 1}
    kind = field_type(LimitState, "counts")
    assert decode_as(kind, json.loads(json.dumps(encode_as(kind, counts)))) == counts
