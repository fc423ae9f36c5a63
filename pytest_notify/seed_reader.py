"""Reading a seed file's tables so that every mistake names its field and path.

A :class:`Table` wraps one mapping of the parsed file at a path such as ``services[0].templates[2]``.
Each read checks the value's type and, on a mistake, records a :class:`SeedProblem` and returns a
placeholder instead of raising: the whole file is checked in one pass and every mistake reported at
once, so a person fixes the file in one go rather than one error per run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_notify.domain.errors import ConfigurationError

MAX_PROBLEMS_SHOWN = 50
"""A file that is wrong everywhere is still told in a readable number of lines."""


@dataclass(frozen=True)
class SeedProblem:
    """One mistake in a seed file: the field's path (``services[0].name``; empty for the whole file)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SeedError(ConfigurationError):
    """A seed file that cannot be used; ``problems`` lists every mistake found, service by service."""

    def __init__(self, problems: Sequence[SeedProblem], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__(self._text())

    def _text(self) -> str:
        where = f"{self.source}: " if self.source else ""
        if len(self.problems) == 1:
            return f"{where}{self.problems[0]}"
        shown = [f"  {problem}" for problem in self.problems[:MAX_PROBLEMS_SHOWN]]
        if len(self.problems) > MAX_PROBLEMS_SHOWN:
            shown.append(f"  ... and {len(self.problems) - MAX_PROBLEMS_SHOWN} more")
        return "\n".join([f"{where}{len(self.problems)} mistakes, nothing was set up:", *shown])


def shown(value: Any) -> str:
    """A value as the file would spell it, for messages: ``'fax'``, ``true``, ``5``, ``a list``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, (list, tuple)):
        return "a list"
    return repr(value)


def one_of(choices: Collection[str]) -> str:
    """``sms, email, letter`` for messages."""
    return ", ".join(choices)


class Problems:
    """The mistakes found so far."""

    def __init__(self) -> None:
        self.items: list[SeedProblem] = []

    def add(self, path: str, message: str) -> None:
        """Record a mistake at ``path``."""
        self.items.append(SeedProblem(path, message))

    def __bool__(self) -> bool:
        return bool(self.items)


class Table:
    """One table of the seed file. Unknown fields are reported when it is made (with a suggestion)."""

    def __init__(self, data: Mapping[str, Any], path: str, problems: Problems, known: Collection[str]) -> None:
        self.data = data
        self.path = path
        self.problems = problems
        for name in data:
            if name not in known:
                close = difflib.get_close_matches(str(name), list(known), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; known fields: {one_of(sorted(known))}"
                problems.add(self.at(name), f"unknown field{hint}")

    def at(self, name: str) -> str:
        """The path of one of this table's fields."""
        return f"{self.path}.{name}" if self.path else name

    def has(self, name: str) -> bool:
        """Whether the field is given (``null`` in JSON counts as not given)."""
        return self.data.get(name) is not None

    def problem(self, name: str, message: str) -> None:
        """Record a mistake in one of this table's fields."""
        self.problems.add(self.at(name), message)

    def raw(self, name: str) -> Any:
        """The value as parsed, or None."""
        return self.data.get(name)

    def text(self, name: str, *, required: bool = False) -> str | None:
        """A non-empty string."""
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return None
        if not isinstance(value, str):
            self.problem(name, f"must be text, got {shown(value)}")
            return None
        if not value.strip():
            self.problem(name, "must not be empty")
            return None
        return value

    def choice(self, name: str, choices: Collection[str], *, required: bool = False) -> str | None:
        """One of ``choices``."""
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, f"is required: one of {one_of(choices)}")
            return None
        if not isinstance(value, str) or value not in choices:
            self.problem(name, f"must be one of {one_of(choices)}, got {shown(value)}")
            return None
        return value

    def flag(self, name: str, default: bool) -> bool:
        """``true`` or ``false``."""
        value = self.data.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(name, f"must be true or false, got {shown(value)}")
            return default
        return value

    def whole_number(self, name: str) -> int | None:
        """A whole number of 0 or more."""
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(name, f"must be a whole number of 0 or more, got {shown(value)}")
            return None
        return value

    def uuid(self, name: str, *, required: bool = False) -> uuid.UUID | None:
        """A UUID such as ``3d1ce8a6-1f6e-4c8a-9f3e-7b2d5c4a1e90``."""
        value = self.text(name, required=required)
        if value is None:
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            self.problem(name, f"must be a UUID such as '3d1ce8a6-1f6e-4c8a-9f3e-7b2d5c4a1e90', got {value!r}")
            return None

    def moment(self, name: str) -> dt.datetime | None:
        """A date and time: a TOML datetime or ISO 8601 text; without a UTC offset it is UTC."""
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                self.problem(name, f"must be a date and time such as '2025-01-06T09:30:00Z', got {value!r}")
                return None
        if not isinstance(value, dt.datetime):
            self.problem(name, f"must be a date and time such as 2025-01-06T09:30:00Z, got {shown(value)}")
            return None
        # Notify keeps UTC throughout, so a time written without an offset means UTC.
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)

    def items(self, name: str) -> Iterator[tuple[str, Any]]:
        """Each entry of a list with its path (nothing if the field is absent or not a list)."""
        value = self.data.get(name)
        if value is None:
            return
        if not isinstance(value, list):
            self.problem(name, f"must be a list, got {shown(value)}")
            return
        for index, item in enumerate(value):
            yield f"{self.at(name)}[{index}]", item

    def texts(self, name: str) -> list[tuple[str, str]]:
        """A list of non-empty strings, each with its path."""
        found: list[tuple[str, str]] = []
        for path, item in self.items(name):
            if isinstance(item, str) and item.strip():
                found.append((path, item))
            else:
                self.problems.add(path, f"must be non-empty text, got {shown(item)}")
        return found

    def tables(self, name: str, known: Collection[str]) -> list[Table]:
        """A list of tables (``[[name]]`` in TOML, a list of objects in JSON)."""
        found: list[Table] = []
        for path, item in self.items(name):
            if isinstance(item, Mapping):
                found.append(Table(item, path, self.problems, known))
            else:
                self.problems.add(path, f"must be a table (an object in JSON), got {shown(item)}")
        return found

    def table(self, name: str, known: Collection[str]) -> Table | None:
        """A nested table (``[parent.name]`` in TOML, an object in JSON), or None if absent."""
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.problem(name, f"must be a table (an object in JSON), got {shown(value)}")
            return None
        return Table(value, self.at(name), self.problems, known)


__all__ = ["Problems", "SeedError", "SeedProblem", "Table", "one_of", "shown"]
