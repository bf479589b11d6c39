"""The interface every question type implements, with shared helpers and default behaviour."""

from __future__ import annotations

import dataclasses
import math
import re
import statistics
import types
import typing
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from surveys._parsing import ID_PATTERN, Reader, coerce, is_missing, join_path
from surveys.conditions import COMPARISONS, NO_VALUE_OPERATORS
from surveys.limits import MAX_OPTIONS
from surveys.options import Option, ScalePoint, read_options
from surveys.problems import InvalidAnswer
from surveys.stats_results import CategoryCount, NumericSummary, QuestionStats

if TYPE_CHECKING:
    from surveys.definition import Question
    from surveys.responses import FreeText

OTHER_PART = "_other"
"""Part name of the "other" text column (ids start with a letter, so it cannot clash)."""

Issue = tuple[str, dict[str, Any]]
"""A definition problem found by a type: its code and message parameters."""


@dataclass(frozen=True)
class EmptyConfig:
    """Settings of a type that has none."""


@dataclass(frozen=True)
class Column:
    """One export column of a question: ``part`` is None for the question's main column, else
    an option, row or item id, or ``OTHER_PART`` (the text typed for 其他); ``suffix`` is
    appended to the header."""

    part: str | None
    suffix: str = ""
    numeric: bool = False


class QuestionType:
    """Base class of question types; subclasses set ``name``, ``label`` and ``config_class``.

    Answers come in a lenient "raw" form (what a form or the API sends) and leave
    ``normalise`` in their canonical form, which is what gets stored; every other method
    receives canonical, non-empty answers.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    config_class: ClassVar[type] = EmptyConfig

    # -- definition -------------------------------------------------------------------
    def default_config(self) -> Any:
        """The settings of a new question of this type."""
        return self.config_class()

    def read_config(self, reader: Reader, data: Mapping[str, Any], path: str) -> Any:
        """Parse the type's settings from the question's JSON keys, recording problems."""
        return read_config(self.config_class, reader, data, path)

    def config_keys(self) -> frozenset[str]:
        """The JSON keys the type's settings use."""
        return frozenset(f.name for f in dataclasses.fields(self.config_class))

    def check_definition(self, q: Question) -> list[Issue]:
        """Problems with the type-specific settings of a question."""
        return []

    # -- answers ----------------------------------------------------------------------
    def is_empty(self, raw: Any) -> bool:
        """Whether a raw answer counts as "not answered"."""
        if raw is None:
            return True
        if isinstance(raw, str):
            return not raw.strip()
        if isinstance(raw, list | tuple | dict):
            return not raw
        return False

    def normalise(self, q: Question, raw: Any) -> Any:
        """Check a non-empty raw answer and return its canonical form, or raise InvalidAnswer."""
        raise NotImplementedError

    # -- logic ------------------------------------------------------------------------
    def items(self, q: Question) -> tuple[Option, ...]:
        """Matrix rows or ranking items that conditions can address with ``item``."""
        return ()

    def operators(self, q: Question, item: str | None) -> frozenset[str]:
        """The condition operators this question supports (for ``item`` if given)."""
        return NO_VALUE_OPERATORS

    def check_operand(self, q: Question, op: str, value: Any, item: str | None) -> Issue | None:
        """Why a condition's comparison value does not fit this question, or None."""
        return None

    def evaluate(self, q: Question, op: str, answer: Any, value: Any, item: str | None) -> bool:
        """Apply a value operator to a canonical, non-empty answer."""
        return False

    # -- export and import ------------------------------------------------------------
    def columns(self, q: Question) -> list[Column]:
        """The export columns of the question."""
        return [Column(None)]

    def cells(self, q: Question, answer: Any) -> list[Any]:
        """The export cells of a canonical answer, one per column."""
        return [answer]

    def import_parts(self, q: Question) -> list[tuple[str | None, str]]:
        """Parts a spreadsheet column can be mapped to: (part, label) pairs."""
        return [(c.part, c.suffix) for c in self.columns(q)]

    def parse_cells(self, q: Question, cells: Mapping[str | None, Any]) -> Any:
        """Build a raw answer from spreadsheet cells keyed by part; None when all are blank."""
        value = cells.get(None)
        return None if is_blank(value) else value

    # -- statistics -------------------------------------------------------------------
    def summarise(self, q: Question, answers: Sequence[Any], shown: int) -> QuestionStats:
        """Statistics of the canonical answers of the respondents who saw the question."""
        return QuestionStats(q.id, q.type, q.title, shown, len(answers))

    def categories(self, q: Question, answers: Sequence[Any],
                   item: str | None = None) -> list[tuple[str, str]]:
        """Cross-tab rows for this question: (key, label) pairs."""
        return [("answered", "已作答")]

    def category_keys(self, q: Question, answer: Any, item: str | None = None,
                      categories: Sequence[tuple[str, str]] = ()) -> list[str]:
        """The cross-tab rows one answer falls in."""
        return ["answered"]

    def score(self, q: Question, answers: Sequence[Any],
              item: str | None = None) -> tuple[str, float | None] | None:
        """A one-number summary of answers (label, value) for cross-tab columns, if any."""
        return None

    def row_mean(self, q: Question, answers: Sequence[Any], key: str) -> float | None:
        """A per-row mean for cross-tab cells (ranking: the item's average position)."""
        return None

    # -- feedback ---------------------------------------------------------------------
    def free_texts(self, q: Question, answer: Any) -> list[FreeText]:
        """Free text in an answer that should become feedback items."""
        return []

    def without_free_text(self, q: Question, answer: Any, placeholder: str) -> Any:
        """The answer with every text the member typed replaced by ``placeholder`` (for a
        retention period): what was chosen or scored stays, so statistics keep counting it."""
        return answer


# -- helpers shared by the types ---------------------------------------------------------

_FAIL = object()


def read_config(config_class: type, reader: Reader, data: Mapping[str, Any], path: str) -> Any:
    """Parse a settings dataclass from JSON keys by its field annotations."""
    hints = typing.get_type_hints(config_class)
    kwargs = {}
    for f in dataclasses.fields(config_class):
        if f.name in data:
            value = _read_value(reader, data[f.name], hints[f.name], join_path(path, f.name))
            if value is not _FAIL:
                kwargs[f.name] = value
    return config_class(**kwargs)


_KINDS = {bool: "bool", int: "int", float: "number", str: "str"}


def _read_value(reader: Reader, value: Any, hint: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        inner = [a for a in typing.get_args(hint) if a is not type(None)][0]
        return _read_value(reader, value, inner, path)
    if origin is tuple:
        inner = typing.get_args(hint)[0]
        if inner in (Option, ScalePoint):
            return read_options(reader, value, path, inner)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            reader.wrong_type(path, "字符串数组")
            return _FAIL
        return tuple(value)
    kind = _KINDS[hint]
    checked = coerce(value, kind)
    if is_missing(checked):
        reader.wrong_type(path, {"bool": "true 或 false", "int": "整数", "number": "数字",
                                 "str": "字符串"}[kind])
        return _FAIL
    return checked


def config_to_dict(config: Any) -> dict[str, Any]:
    """JSON form of a settings dataclass, leaving out values equal to their default."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        default = f.default if f.default is not dataclasses.MISSING else (
            f.default_factory() if f.default_factory is not dataclasses.MISSING else _FAIL)
        if value == default:
            continue
        if isinstance(value, tuple):
            value = [v.to_dict() if hasattr(v, "to_dict") else v for v in value]
        out[f.name] = value
    return out


def make_config(config_class: type, **values: Any) -> Any:
    """Build settings from Python values, turning lists into tuples and dicts into options."""
    hints = typing.get_type_hints(config_class)
    kwargs = {}
    for name, value in values.items():
        hint = hints.get(name)
        if hint is None:
            raise TypeError(f"{config_class.__name__} has no setting {name!r}")
        if typing.get_origin(hint) is tuple and isinstance(value, list | tuple):
            inner = typing.get_args(hint)[0]
            if inner in (Option, ScalePoint):
                value = tuple(inner(**v) if isinstance(v, dict) else v for v in value)
            else:
                value = tuple(value)
        kwargs[name] = value
    return config_class(**kwargs)


def is_blank(cell: Any) -> bool:
    """Whether a spreadsheet cell is empty."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_text(cell: Any) -> str:
    """A spreadsheet cell as stripped text (integral floats lose their ``.0``)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def to_number(raw: Any) -> int | float:
    """A number from an int, a float or numeric text (full-width digits and 1,000 allowed);
    integral values come back as int. Raises InvalidAnswer("invalid_number")."""
    if isinstance(raw, bool):
        raise InvalidAnswer("invalid_number")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise InvalidAnswer("invalid_number")
        return int(raw) if raw.is_integer() and abs(raw) < 2**53 else raw
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip()
        if _GROUPED.match(text):
            text = text.replace(",", "")
        if _NUMBER.match(text):
            number = float(text)
            if not math.isfinite(number):
                raise InvalidAnswer("invalid_number")
            if number.is_integer() and abs(number) < 2**53:
                return int(number)
            return number
    raise InvalidAnswer("invalid_number")


def compare(op: str, left: Any, right: Any) -> bool:
    """Apply eq/ne/gt/gte/lt/lte/in to two comparable values."""
    if op == "eq":
        return left == right
    if op == "ne":
        return left != right
    if op == "in":
        return left in right
    if op == "gt":
        return left > right
    if op == "gte":
        return left >= right
    if op == "lt":
        return left < right
    if op == "lte":
        return left <= right
    return False


NUMERIC_OPERATORS = COMPARISONS | {"in"} | NO_VALUE_OPERATORS


def check_numeric_operand(op: str, value: Any, low: float | None = None,
                          high: float | None = None) -> Issue | None:
    """Why a numeric comparison value is not acceptable, or None."""
    values = value if op == "in" else (value,)
    if op == "in" and not values:
        return "invalid_operand", {"value": value, "reason": "列表不能为空"}
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int | float):
            return "invalid_operand", {"value": v, "reason": "应为数字"}
        if (low is not None and v < low) or (high is not None and v > high):
            return "invalid_operand", {"value": v, "reason": f"应在 {low} 到 {high} 之间"}
    return None


def percent(part: int, whole: int) -> float:
    """``part`` as a percentage of ``whole`` (0 when ``whole`` is 0)."""
    return 100.0 * part / whole if whole else 0.0


def numeric_summary(values: Sequence[float]) -> NumericSummary:
    """Count, mean, median, min, max and sample standard deviation."""
    if not values:
        return NumericSummary(0, None, None, None, None, None)
    return NumericSummary(
        len(values), statistics.fmean(values), float(statistics.median(values)),
        float(min(values)), float(max(values)),
        statistics.stdev(values) if len(values) > 1 else None)


def count_categories(keys_labels: Sequence[tuple[str, str]], counts: Mapping[str, int],
                     answered: int, shown: int) -> tuple[CategoryCount, ...]:
    """CategoryCount rows in the given order, with both percentages."""
    return tuple(CategoryCount(k, label, counts.get(k, 0), percent(counts.get(k, 0), answered),
                               percent(counts.get(k, 0), shown)) for k, label in keys_labels)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str, multiline: bool = True) -> str:
    """Text as stored: newlines unified, control characters removed, ends stripped; single-line
    text has its line breaks turned into spaces."""
    text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if not multiline:
        text = " ".join(text.split("\n"))
    return text.strip()


def match_key(text: str) -> str:
    """A loose form of a label for matching imported cells: NFKC, no spaces, case-folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


MAX_LABEL_LENGTH = 200


def check_options(options: Sequence[Option], *, min_count: int, allow_other: bool,
                  allow_exclusive: bool, noun: str = "选项") -> list[Issue]:
    """Problems with a list of options, rows or items: count, ids, labels and flags."""
    issues: list[Issue] = []
    if len(options) < min_count:
        issues.append(("too_few_options", {"min": min_count}))
    if len(options) > MAX_OPTIONS:
        issues.append(("too_many", {"field": noun, "max": MAX_OPTIONS}))
    ids: set[str] = set()
    labels: set[str] = set()
    for o in options:
        if not ID_PATTERN.match(o.id):
            issues.append(("invalid_id", {"id": o.id}))
        if o.id in ids:
            issues.append(("duplicate_option_id", {"id": o.id}))
        ids.add(o.id)
        if not o.label.strip():
            issues.append(("empty_text", {"field": f"{noun}「{o.id}」的文字"}))
        elif match_key(o.label) in labels:
            issues.append(("duplicate_option_label", {"label": o.label}))
        labels.add(match_key(o.label))
        if len(o.label) > MAX_LABEL_LENGTH:
            issues.append(("text_too_long", {"field": f"{noun}「{o.id}」的文字",
                                             "max": MAX_LABEL_LENGTH}))
    others = [o for o in options if o.other]
    if others and not allow_other:
        issues.append(("other_not_allowed", {}))
    if len(others) > 1:
        issues.append(("too_many_other_options", {}))
    if not allow_exclusive and any(o.exclusive for o in options):
        issues.append(("exclusive_not_allowed", {}))
    return issues
