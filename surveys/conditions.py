"""Logic conditions over earlier answers: the data model and its JSON form.

JSON syntax (see docs/surveys-domain.md)::

    {"question": "nps", "op": "lte", "value": 6}            # a comparison
    {"question": "q5", "item": "r2", "op": "gte", "value": 4}  # a matrix row / ranking item
    {"and": [c1, c2, ...]}   {"or": [c1, c2, ...]}   {"not": c}

Operators: eq, ne, gt, gte, lt, lte, contains, in, answered, not_answered.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from surveys._parsing import Reader, coerce, is_missing, join_path

COMPARISONS = frozenset({"eq", "ne", "gt", "gte", "lt", "lte"})
OPERATORS = COMPARISONS | {"contains", "in", "answered", "not_answered"}
NO_VALUE_OPERATORS = frozenset({"answered", "not_answered"})
MAX_DEPTH = 10

OPERATOR_LABELS = {
    "eq": "等于", "ne": "不等于", "gt": "大于", "gte": "大于或等于", "lt": "小于",
    "lte": "小于或等于", "contains": "包含", "in": "是以下之一", "answered": "已作答",
    "not_answered": "未作答",
}


@dataclass(frozen=True)
class Compare:
    """Compare the answer to ``question`` (or to one of its matrix rows / ranking items)."""

    question: str
    op: str
    value: Any = None
    item: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        out: dict[str, Any] = {"question": self.question}
        if self.item is not None:
            out["item"] = self.item
        out["op"] = self.op
        if self.op not in NO_VALUE_OPERATORS:
            out["value"] = list(self.value) if isinstance(self.value, tuple) else self.value
        return out


@dataclass(frozen=True)
class AllOf:
    """True when every condition holds (``and``)."""

    conditions: tuple[Condition, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"and": [c.to_dict() for c in self.conditions]}


@dataclass(frozen=True)
class AnyOf:
    """True when at least one condition holds (``or``)."""

    conditions: tuple[Condition, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"or": [c.to_dict() for c in self.conditions]}


@dataclass(frozen=True)
class Not:
    """True when the inner condition does not hold."""

    condition: Condition

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"not": self.condition.to_dict()}


Condition = Compare | AllOf | AnyOf | Not


def leaves(condition: Condition) -> Iterator[Compare]:
    """Every comparison inside a condition, depth first."""
    if isinstance(condition, Compare):
        yield condition
    elif isinstance(condition, Not):
        yield from leaves(condition.condition)
    else:
        for inner in condition.conditions:
            yield from leaves(inner)


def condition_from_dict(data: Any) -> Condition:
    """Parse a condition; raises DefinitionError if it is malformed."""
    from surveys.problems import DefinitionError

    reader = Reader()
    parsed = read_condition(reader, data, "condition")
    if reader.problems or parsed is None:
        raise DefinitionError(reader.problems)
    return parsed


def read_condition(reader: Reader, data: Any, path: str, depth: int = 0) -> Condition | None:
    """Parse a condition strictly, recording problems on ``reader``."""
    if depth > MAX_DEPTH:
        reader.problem(path, "too_deep", max=MAX_DEPTH)
        return None
    if not isinstance(data, dict):
        reader.wrong_type(path, "对象")
        return None
    for group, cls in (("and", AllOf), ("or", AnyOf)):
        if group in data:
            reader.mapping(data, path, (group,))
            items = data[group]
            at = join_path(path, group)
            if not isinstance(items, list | tuple):
                reader.wrong_type(at, "数组")
                return None
            if not items:
                reader.problem(at, "empty_group")
                return None
            inner = [read_condition(reader, c, join_path(at, i), depth + 1)
                     for i, c in enumerate(items)]
            if any(c is None for c in inner):
                return None
            return cls(tuple(inner))
    if "not" in data:
        reader.mapping(data, path, ("not",))
        inner = read_condition(reader, data["not"], join_path(path, "not"), depth + 1)
        return None if inner is None else Not(inner)
    if "question" not in data or "op" not in data:
        reader.problem(path, "invalid_condition")
        return None
    reader.mapping(data, path, ("question", "op", "value", "item"))
    question = reader.get(data, "question", path, "str", "")
    op = reader.get(data, "op", path, "str", "")
    item = reader.get(data, "item", path, "str", None, nullable=True)
    if op not in OPERATORS:
        reader.problem(join_path(path, "op"), "unknown_operator", op=op)
        return None
    if op in NO_VALUE_OPERATORS:
        if "value" in data:
            reader.problem(join_path(path, "value"), "unexpected_value", op=op)
        return Compare(question, op, None, item)
    if "value" not in data or data["value"] is None:
        reader.problem(join_path(path, "value"), "missing_value", op=op)
        return None
    value = data["value"]
    if op == "in":
        if is_missing(coerce(value, "list")):
            reader.wrong_type(join_path(path, "value"), "数组")
            return None
        value = tuple(value)
    elif not isinstance(value, str | int | float) or isinstance(value, bool):
        reader.wrong_type(join_path(path, "value"), "字符串或数字")
        return None
    return Compare(question, op, value, item)
