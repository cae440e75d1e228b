"""Checked reads from parsed JSON: each failure names the file, the standard and the JSON path."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

T = TypeVar("T")

_TYPE_NAMES = {str: "text", int: "a whole number", bool: "true or false", list: "a list"}


class StandardFileError(ValueError):
    """A standard file that cannot be imported; the message says what is wrong and where."""


@dataclass(frozen=True)
class Where:
    """A place in a file: the file, the standard once known, and a JSON path."""

    source: str
    reference: str | None = None
    path: str = ""

    def key(self, name: str) -> "Where":
        return replace(self, path=f"{self.path}.{name}" if self.path else name)

    def index(self, i: int) -> "Where":
        return replace(self, path=f"{self.path}[{i}]")

    def error(self, problem: str) -> StandardFileError:
        parts = [self.source]
        if self.reference:
            parts.append(f"standard {self.reference}")
        if self.path:
            parts.append(f"at {self.path}")
        return StandardFileError(f"{', '.join(parts)}: {problem}")


def unique(values: Iterable[str | None], where: Where, field: str, what: str) -> None:
    first: dict[str, int] = {}
    for i, value in enumerate(values):
        if value is None:
            continue
        if value in first:
            raise _item(where, i, field).error(
                f"duplicate {what} {value!r}: already at {_item(where, first[value], field).path}"
            )
        first[value] = i


def _item(where: Where, index: int, field: str) -> Where:
    return where.index(index).key(field) if field else where.index(index)


def optional_text(entry: dict[str, Any], key: str, where: Where, *, max_len: int) -> str:
    value = (optional(entry, key, where, str) or "").strip()
    if len(value) > max_len:
        raise where.key(key).error(f"longer than {max_len} characters")
    return value


def required_text(
    entry: dict[str, Any], key: str, where: Where, *, max_len: int | None = None
) -> str:
    """A required text field, surrounding whitespace stripped; never empty."""
    value = required(entry, key, where, str).strip()
    if not value:
        raise where.key(key).error("text is empty")
    if max_len is not None and len(value) > max_len:
        raise where.key(key).error(f"longer than {max_len} characters")
    return value


def required(entry: dict[str, Any], key: str, where: Where, expected: type[T]) -> T:
    value = optional(entry, key, where, expected)
    if value is None:
        raise where.key(key).error("required field is missing")
    return value


def optional(entry: dict[str, Any], key: str, where: Where, expected: type[T]) -> T | None:
    value = entry.get(key)
    if value is None or is_a(value, expected):
        return value
    problem = f"expected {_TYPE_NAMES.get(expected, expected.__name__)}, found {json_type(value)}"
    raise where.key(key).error(problem)


def is_a(value: Any, expected: type) -> bool:
    # bool is a subclass of int in Python, but true is not a number in a standard file.
    return isinstance(value, expected) and (expected is bool or not isinstance(value, bool))


def as_object(item: Any, where: Where) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise where.error(f"expected an object, found {json_type(item)}")
    return item


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else "null"
