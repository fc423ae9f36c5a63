"""Check a marker argument against its parameter's annotation, and say what it takes in plain words.

The markers' arguments are the keyword-only parameters of real functions (see :mod:`.markers` and
:mod:`.scenarios`), so their annotations are the one statement of what each argument takes. This
module reads the small subset of typing those annotations use: ``bool``, ``int``, ``float``,
``str``, ``None``, unions, ``Sequence[X]``, ``Mapping[K, V]``, ``tuple[X, Y]``, ``Literal[...]``,
classes, ``Any``, and ``Annotated[T, Described("...")]`` for a friendlier description.

A marker value is written in a test file, so the checks are strict where Python is loose: ``True``
is not a number, and a string is not a list (``guest_list="jo@example.com"`` would otherwise be
fourteen one-letter recipients).
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Described:
    """``Annotated`` metadata: how an argument's type is described in error messages and docs."""

    text: str


def parameter_types(function: Callable[..., Any]) -> dict[str, Any]:
    """The evaluated annotations of ``function``'s parameters, ``Annotated`` metadata kept."""
    hints = typing.get_type_hints(function, include_extras=True)
    return {
        name: _without_implicit_optional(hints.get(name, Any), parameter.default)
        for name, parameter in inspect.signature(function).parameters.items()
    }


def _without_implicit_optional(hint: Any, default: object) -> Any:
    """Python 3.10's ``get_type_hints`` wraps the annotation of a parameter defaulting to None in
    ``Optional[...]`` (3.11 stopped): undo that around an ``Annotated``, so its description reads the
    same on every Python (it says itself whether None is allowed)."""
    if default is None and typing.get_origin(hint) is typing.Union:
        arms = [arm for arm in typing.get_args(hint) if arm is not type(None)]
        if len(arms) == 1 and typing.get_origin(arms[0]) is typing.Annotated:
            return arms[0]
    return hint


def matches(value: object, hint: Any) -> bool:
    """Whether ``value`` fits ``hint`` (see the module docstring for what is understood)."""
    if hint is Any:
        return True
    if hint is None or hint is type(None):
        return value is None
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin is typing.Annotated:
        return matches(value, arguments[0])
    if origin is typing.Union or origin is types.UnionType:
        return any(matches(value, option) for option in arguments)
    if origin is typing.Literal:
        return any(value == option and type(value) is type(option) for option in arguments)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if origin is tuple:
        return _matches_tuple(value, arguments)
    if origin in (Sequence, list):
        item_hint = arguments[0] if arguments else Any
        return isinstance(value, (list, tuple)) and all(matches(item, item_hint) for item in value)
    if origin is Mapping or origin is dict:
        key, item = arguments if arguments else (Any, Any)
        return isinstance(value, Mapping) and all(matches(k, key) and matches(v, item) for k, v in value.items())
    return isinstance(value, origin or hint)


def _matches_tuple(value: object, arguments: tuple[Any, ...]) -> bool:
    # Lists and tuples only, here and for Sequence: a string, a dict or a set is a mistake in a
    # marker, never a list of recipients.
    if not isinstance(value, (list, tuple)):
        return False
    if len(arguments) == 2 and arguments[1] is Ellipsis:
        return all(matches(item, arguments[0]) for item in value)
    return len(value) == len(arguments) and all(matches(v, a) for v, a in zip(value, arguments, strict=True))


def describe(hint: Any) -> str:
    """``hint`` in words, for "must be ..." messages and the docs table."""
    if hint is Any:
        return "anything"
    if hint is None or hint is type(None):
        return "None"
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin is typing.Annotated:
        described = [m.text for m in arguments[1:] if isinstance(m, Described)]
        return described[0] if described else describe(arguments[0])
    if origin is typing.Union or origin is types.UnionType:
        # None last: "a string or None" reads better than "None or a string".
        options = sorted(arguments, key=lambda option: option is type(None))
        return " or ".join(describe(option) for option in options)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(option) for option in arguments)
    words = {bool: "True or False", int: "a whole number", float: "a number", str: "a string"}
    if hint in words:
        return words[hint]
    if origin is tuple:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return f"a list (each {describe(arguments[0])})"
        return "a pair (" + ", ".join(describe(a) for a in arguments) + ")"
    if origin in (Sequence, list):
        return f"a list (each {describe(arguments[0])})" if arguments else "a list"
    if origin is Mapping or origin is dict:
        return f"a dict of {describe(arguments[0])} to {describe(arguments[1])}" if arguments else "a dict"
    name = getattr(origin or hint, "__name__", str(hint))
    return f"{'an' if name[:1] in 'AEIOU' else 'a'} {name}"


def shown(value: object) -> str:
    """A value as an error message shows it: its repr, and its type when the repr hides it."""
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({type(value).__name__})"


__all__ = ["Described", "describe", "matches", "parameter_types", "shown"]
