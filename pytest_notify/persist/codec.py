"""Domain objects to JSON-able values and back, driven by the dataclasses' own field types.

Every dataclass is encoded field by field (:func:`dataclasses.fields`, so ``slots=True`` classes
work), each value by its annotated type, and decoded by the same types. A field added to a domain
class is therefore kept without a change here; a field of a type this module does not know is an
error (tests/persistence/test_codec.py checks every stored class), never silently dropped.

The encoding: UUIDs, datetimes and dates as ISO text, bytes as base64, enums by value, sets sorted,
tuples and lists as lists, dicts with text keys as objects and others as ``[key, value]`` pairs.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import enum
import functools
import types
import typing
import uuid
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar, Union

T = TypeVar("T")


class CodecError(ValueError):
    """A value cannot be encoded for its type, or stored data does not decode to it."""


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _stored_fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    # Fields made in __post_init__ (init=False) are derived from the others: rebuilt, not stored.
    return tuple(f for f in dataclasses.fields(cls) if f.init)


def encode(obj: Any, *, exclude: Collection[str] = ()) -> dict[str, Any]:
    """A dataclass instance as a JSON-able dict, every stored field but ``exclude``."""
    return {
        name: coder(getattr(obj, name), where) for name, coder, where in _fields_of(type(obj)) if name not in exclude
    }


_FIELDS: dict[type, tuple[tuple[str, _Coder, str], ...]] = {}
_DECODERS: dict[type, dict[str, _Coder]] = {}


def _fields_of(cls: type) -> tuple[tuple[str, _Coder, str], ...]:
    """``(name, encoder, where)`` of each stored field: worked out once per class, as a send encodes one."""
    found = _FIELDS.get(cls)
    if found is None:
        hints = _hints(cls)
        found = _FIELDS[cls] = tuple(
            (f.name, _encoder(hints[f.name]), f"{cls.__name__}.{f.name}") for f in _stored_fields(cls)
        )
    return found


def decode(cls: type[T], data: Mapping[str, Any], **extra: Any) -> T:
    """An instance of the dataclass ``cls`` from :func:`encode`'s dict (``extra``: fields kept elsewhere)."""
    if not isinstance(data, Mapping):
        raise CodecError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    decoders = _decoders_of(cls)
    try:
        values = {name: decoders[name](value, name) for name, value in data.items()}
    except KeyError as error:
        unknown = sorted(set(data) - set(decoders))
        if not unknown:
            raise CodecError(f"{cls.__name__}: cannot read {dict(data)!r}: {error!r}") from None
        raise CodecError(f"{cls.__name__}: unknown field(s) {', '.join(unknown)}") from None
    except CodecError:
        raise
    except (TypeError, ValueError, AttributeError, OverflowError) as error:
        raise CodecError(f"{cls.__name__}: cannot read {dict(data)!r}: {error}") from None
    try:
        return cls(**values, **extra)
    except TypeError as error:  # a required field missing
        raise CodecError(f"{cls.__name__}: {error}") from None


def _decoders_of(cls: type) -> dict[str, _Coder]:
    found = _DECODERS.get(cls)
    if found is None:
        hints = _hints(cls)
        found = _DECODERS[cls] = {f.name: _decoder(hints[f.name]) for f in _stored_fields(cls)}
    return found


def check(cls: type) -> None:
    """Raise :class:`CodecError` if a stored field of the dataclass ``cls``, or of one inside it, has no
    stored form: so a new field of an unknown type fails a test, not a server's first save."""
    seen: set[Any] = set()

    def walk(kind: Any) -> None:
        if kind in seen or kind is Ellipsis or kind is type(None):
            return
        seen.add(kind)
        _encoder(kind)
        _decoder(kind)
        for arg in typing.get_args(kind):
            walk(arg)
        if isinstance(kind, type) and dataclasses.is_dataclass(kind):
            hints = _hints(kind)
            for f in _stored_fields(kind):
                walk(hints[f.name])

    walk(cls)


def field_type(cls: type, name: str) -> Any:
    """The annotated type of a dataclass field, resolved."""
    return _hints(cls)[name]


def encode_as(kind: Any, value: Any, where: str = "value") -> Any:
    """``value`` encoded as its annotated type ``kind``."""
    return _encoder(kind)(value, where)


def decode_as(kind: Any, data: Any, where: str = "value") -> Any:
    """Stored ``data`` decoded to the annotated type ``kind``."""
    try:
        return _decoder(kind)(data, where)
    except CodecError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as error:
        raise CodecError(f"{where}: cannot read {data!r}: {error}") from None


# -- the type table ----------------------------------------------------------------------------

_Coder = Callable[[Any, str], Any]
_SCALARS = (str, int, float, bool)


def _optional_arm(kind: Any) -> Any | None:
    """``X`` for ``X | None`` (or ``Optional[X]``), else None."""
    if typing.get_origin(kind) in (Union, types.UnionType):
        arms = [a for a in typing.get_args(kind) if a is not type(None)]
        if len(arms) == 1:
            return arms[0]
        raise CodecError(f"unions of several types are not stored: {kind}")
    return None


@functools.cache
def _encoder(kind: Any) -> _Coder:
    arm = _optional_arm(kind)
    if arm is not None:
        inner = _encoder(arm)
        return lambda v, w: None if v is None else inner(v, w)
    if kind is Any:
        return lambda v, w: v
    if kind in _SCALARS:
        return _scalar(kind)
    if kind is uuid.UUID:
        return lambda v, w: str(_expect(v, uuid.UUID, w))
    if kind is dt.datetime:
        return lambda v, w: _expect(v, dt.datetime, w).isoformat()
    if kind is dt.date:
        return lambda v, w: _expect(v, dt.date, w).isoformat()
    if kind is bytes:
        return lambda v, w: base64.b64encode(_expect(v, bytes, w)).decode("ascii")
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return lambda v, w: _expect(v, kind, w).value
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return lambda v, w: encode(_expect(v, kind, w))
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (list, tuple, set, frozenset):
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            coders = [_encoder(a) for a in args]
            return lambda v, w: [c(x, w) for c, x in zip(coders, _expect(v, tuple, w), strict=True)]
        item = _encoder(args[0])
        if origin in (set, frozenset):
            return lambda v, w: sorted((item(x, w) for x in _expect(v, origin, w)), key=repr)
        return lambda v, w: [item(x, w) for x in _expect(v, origin, w)]
    if origin is dict:
        key, value = _encoder(args[0]), _encoder(args[1])
        if args[0] is str:
            return lambda v, w: {key(k, w): value(x, w) for k, x in _expect(v, dict, w).items()}
        return lambda v, w: [[key(k, w), value(x, w)] for k, x in _expect(v, dict, w).items()]
    raise CodecError(f"no stored form for the type {kind!r}")


@functools.cache
def _decoder(kind: Any) -> _Coder:
    arm = _optional_arm(kind)
    if arm is not None:
        inner = _decoder(arm)
        return lambda d, w: None if d is None else inner(d, w)
    if kind is Any:
        return lambda d, w: d
    if kind in _SCALARS:
        return _scalar(kind)
    if kind is uuid.UUID:
        return lambda d, w: uuid.UUID(_expect(d, str, w))
    if kind is dt.datetime:
        return lambda d, w: dt.datetime.fromisoformat(_expect(d, str, w))
    if kind is dt.date:
        return lambda d, w: dt.date.fromisoformat(_expect(d, str, w))
    if kind is bytes:
        return lambda d, w: base64.b64decode(_expect(d, str, w), validate=True)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return lambda d, w: kind(d)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return lambda d, w: decode(kind, d)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (list, tuple, set, frozenset):
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            coders = [_decoder(a) for a in args]

            def fixed(d: Any, w: str) -> tuple[Any, ...]:
                items = _expect(d, list, w)
                if len(items) != len(coders):
                    raise CodecError(f"{w}: expected {len(coders)} items, got {len(items)}")
                return tuple(c(x, w) for c, x in zip(coders, items, strict=True))

            return fixed
        item = _decoder(args[0])
        return lambda d, w: origin(item(x, w) for x in _expect(d, list, w))
    if origin is dict:
        key, value = _decoder(args[0]), _decoder(args[1])
        if args[0] is str:
            return lambda d, w: {key(k, w): value(x, w) for k, x in _expect(d, dict, w).items()}
        return lambda d, w: {key(k, w): value(x, w) for k, x in _expect(d, list, w)}
    raise CodecError(f"no stored form for the type {kind!r}")


def _scalar(kind: type) -> _Coder:
    def check(value: Any, where: str) -> Any:
        # bool is an int, and an int may stand for a float (kept as it is: 60 and 60.0 print apart);
        # nothing else passes for another type.
        ok = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
        if not ok and kind is float and isinstance(value, int) and not isinstance(value, bool):
            return value
        if not ok:
            raise CodecError(f"{where}: expected {kind.__name__}, got {value!r}")
        return value

    return check


def _expect(value: Any, kind: type[T], where: str) -> T:
    if not isinstance(value, kind):
        raise CodecError(f"{where}: expected {kind.__name__}, got {type(value).__name__}")
    return value


__all__ = ["CodecError", "check", "decode", "decode_as", "encode", "encode_as", "field_type"]
