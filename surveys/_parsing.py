"""Strict reading of JSON-like data that collects every problem with its JSON path."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from surveys.problems import DefinitionProblem

ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")

_MISSING = object()


def join_path(path: str, key: str | int) -> str:
    """Extend a JSON path with a key or a list index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Reader:
    """Reads dicts field by field and records problems instead of stopping at the first one."""

    def __init__(self) -> None:
        self.problems: list[DefinitionProblem] = []
        self.page_id: str | None = None
        self.question_id: str | None = None

    def problem(self, path: str, code: str, **params: Any) -> None:
        """Record a problem at ``path`` in the current page and question."""
        self.problems.append(
            DefinitionProblem.make(code, path, self.page_id, self.question_id, **params))

    def wrong_type(self, path: str, expected: str) -> None:
        """Record that the value at ``path`` has the wrong JSON type."""
        self.problem(path, "wrong_type", expected=expected)

    def mapping(self, value: Any, path: str, allowed: Iterable[str] | None = None,
                required: Iterable[str] = ()) -> dict[str, Any] | None:
        """Return ``value`` if it is an object with only allowed keys, else record why not."""
        if not isinstance(value, dict):
            self.wrong_type(path, "对象")
            return None
        for key in required:
            if key not in value:
                self.problem(join_path(path, key), "missing_field")
        if allowed is not None:
            allowed = set(allowed)
            for key in value:
                if key not in allowed:
                    self.problem(join_path(path, str(key)), "unknown_field")
        return value

    def get(self, data: dict[str, Any], key: str, path: str, kind: str, default: Any = None,
            *, required: bool = False, nullable: bool = False) -> Any:
        """Read ``data[key]`` as ``kind`` (str, bool, int, number, list, any)."""
        value = data.get(key, _MISSING)
        at = join_path(path, key)
        if value is _MISSING:
            if required:
                self.problem(at, "missing_field")
            return default
        if value is None and nullable:
            return None
        checked = coerce(value, kind)
        if checked is _MISSING:
            self.wrong_type(at, KIND_NAMES[kind])
            return default
        return checked

    def identifier(self, data: dict[str, Any], key: str, path: str) -> str:
        """Read a required id field and check its format."""
        value = self.get(data, key, path, "str", "", required=True)
        if isinstance(value, str) and key in data and not ID_PATTERN.match(value):
            self.problem(join_path(path, key), "invalid_id", id=value)
        return value


KIND_NAMES = {"str": "字符串", "bool": "true 或 false", "int": "整数", "number": "数字",
              "list": "数组", "any": "任意值"}


def coerce(value: Any, kind: str) -> Any:
    """Return the value converted to ``kind`` or the private missing marker if it cannot be."""
    if kind == "any":
        return value
    if kind == "str":
        return value if isinstance(value, str) else _MISSING
    if kind == "bool":
        return value if isinstance(value, bool) else _MISSING
    if kind == "int":
        if isinstance(value, bool):
            return _MISSING
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return _MISSING
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _MISSING
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            return _MISSING
        return value
    if kind == "list":
        return value if isinstance(value, list | tuple) else _MISSING
    raise ValueError(f"unknown kind {kind}")


def is_missing(value: Any) -> bool:
    """Whether ``coerce`` rejected the value."""
    return value is _MISSING
