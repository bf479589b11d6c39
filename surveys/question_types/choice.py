"""Choice questions: single choice, dropdown and multiple choice (with 其他 and 以上都没有).

Canonical answers:

* single choice / dropdown: the option id, e.g. ``"o2"``; when the chosen option is the
  "other" option and text was typed, ``{"choice": "o9", "other": "文本"}``;
* multiple choice: the list of option ids in definition order, e.g. ``["o1", "o3"]``; with
  other text, ``{"choices": ["o1", "o9"], "other": "文本"}``.

Raw answers may also use the dict forms with an empty choice and only ``other`` text: the
"other" option is then selected, as when typing into the 其他 box ticks it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from surveys.conditions import NO_VALUE_OPERATORS
from surveys.options import OTHER_LABELS, Option
from surveys.problems import InvalidAnswer
from surveys.question_types.base import (
    OTHER_PART,
    Column,
    Issue,
    QuestionType,
    cell_text,
    check_options,
    clean_text,
    count_categories,
    is_blank,
    match_key,
)
from surveys.question_types.registry import register
from surveys.responses import FreeText
from surveys.stats_results import QuestionStats

if TYPE_CHECKING:
    from surveys.definition import Question

OTHER_MAX_LENGTH = 200
MULTI_SEPARATORS = ("┋", "|", "｜", "；", ";", "、", "，", ",", "\n")
_OPEN_CLOSE = {"〖": "〗", "(": ")", "（": "）", "[": "]", "【": "】", "<": ">", "《": "》"}
_TRUE_CELLS = frozenset({"1", "是", "√", "✓", "✔", "y", "yes", "true", "选中", "已选", "x"})
_FALSE_CELLS = frozenset({"0", "否", "n", "no", "false", "未选", "未选中", "-"})


@dataclass(frozen=True)
class SingleChoiceConfig:
    """Settings of single choice and dropdown questions."""

    options: tuple[Option, ...] = ()
    randomize: bool | None = None
    other_text_required: bool = True


@dataclass(frozen=True)
class MultipleChoiceConfig:
    """Settings of multiple choice questions; the limits do not apply to an exclusive option
    chosen alone."""

    options: tuple[Option, ...] = ()
    randomize: bool | None = None
    other_text_required: bool = True
    min_choices: int | None = None
    max_choices: int | None = None


def selected(answer: Any) -> list[str]:
    """Option ids chosen in a canonical single or multiple choice answer."""
    if isinstance(answer, str):
        return [answer]
    if isinstance(answer, list):
        return answer
    if isinstance(answer, dict):
        if "choices" in answer:
            return answer["choices"]
        return [answer["choice"]]
    return []


def other_text(answer: Any) -> str | None:
    """The "other" text of a canonical choice answer, if any."""
    return answer.get("other") if isinstance(answer, dict) else None


def _read_other(q: Question, option: Option, other: Any) -> str | None:
    if other is None:
        text = ""
    elif isinstance(other, str):
        text = clean_text(other, multiline=False)
    else:
        raise InvalidAnswer("invalid_type")
    if not text:
        if q.config.other_text_required:
            raise InvalidAnswer("other_text_required", label=option.label)
        return None
    if len(text) > OTHER_MAX_LENGTH:
        raise InvalidAnswer("other_too_long", label=option.label, max=OTHER_MAX_LENGTH)
    return text


def _has_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


class _ChoiceBase(QuestionType):
    """Behaviour shared by single and multiple choice."""

    def resolve_token(self, q: Question, token: str) -> tuple[Option, str | None]:
        """The option an imported cell fragment names (label, id, 1-based number or
        ``其他〖文本〗``), with any other text; raises InvalidAnswer."""
        key = match_key(token)
        for o in q.config.options:
            if match_key(o.label) == key:
                return o, None
        if token in q.option_index:
            return q.option_index[token], None
        other = q.other_option
        if other is not None:
            for prefix in sorted({other.label, *OTHER_LABELS}, key=len, reverse=True):
                if token.startswith(prefix):
                    rest = token[len(prefix):].strip()
                    if rest and rest[0] in _OPEN_CLOSE and rest.endswith(_OPEN_CLOSE[rest[0]]):
                        rest = rest[1:-1]
                    elif rest[:1] in (":", "：", "-", "—", "_"):
                        rest = rest[1:]
                    return other, rest.strip() or None
        if token.isdigit() and 1 <= int(token) <= len(q.config.options):
            return q.config.options[int(token) - 1], None
        raise InvalidAnswer("invalid_option", value=token)

    def check_operand(self, q: Question, op: str, value: Any, item: str | None) -> Issue | None:
        """Comparison values must be ids of this question's options."""
        values = value if op == "in" else (value,)
        if op == "in" and not values:
            return "invalid_operand", {"value": value, "reason": "列表不能为空"}
        for v in values:
            if not isinstance(v, str):
                return "invalid_operand", {"value": v, "reason": "应为选项编号"}
            if v not in q.option_index:
                return "unknown_option", {"option": v}
        return None

    def categories(self, q: Question, answers: Sequence[Any],
                   item: str | None = None) -> list[tuple[str, str]]:
        """One cross-tab row per option."""
        return [(o.id, o.label) for o in q.config.options]

    def category_keys(self, q: Question, answer: Any, item: str | None = None,
                      categories: Sequence[tuple[str, str]] = ()) -> list[str]:
        """The chosen options."""
        return selected(answer)

    def summarise(self, q: Question, answers: Sequence[Any], shown: int) -> QuestionStats:
        """Count per option (percentages of answered and of shown) and other texts."""
        counts = Counter(c for a in answers for c in selected(a))
        others = sum(1 for a in answers if other_text(a))
        return QuestionStats(
            q.id, q.type, q.title, shown, len(answers),
            categories=count_categories(self.categories(q, answers), counts, len(answers), shown),
            other_texts=others)

    def free_texts(self, q: Question, answer: Any) -> list[FreeText]:
        """The text typed next to the "other" option."""
        text = other_text(answer)
        if not text:
            return []
        return [FreeText(q.id, text, "other", q.other_option.id if q.other_option else None)]

    def without_free_text(self, q: Question, answer: Any, placeholder: str) -> Any:
        """The choice stays; the text typed next to 其他 becomes the placeholder."""
        if other_text(answer):
            return {**answer, "other": placeholder}
        return answer


@register
class SingleChoice(_ChoiceBase):
    """单选题: exactly one option."""

    name = "single_choice"
    label = "单选题"
    config_class = SingleChoiceConfig

    def check_definition(self, q: Question) -> list[Issue]:
        """At least two options, at most one "other", no exclusive flags."""
        return check_options(q.config.options, min_count=2, allow_other=True,
                             allow_exclusive=False)

    def is_empty(self, raw: Any) -> bool:
        """No choice and no other text."""
        if isinstance(raw, dict):
            return super().is_empty(raw.get("choice")) and not _has_text(raw.get("other"))
        return super().is_empty(raw)

    def normalise(self, q: Question, raw: Any) -> Any:
        """Check the chosen option (and other text) and return the canonical answer."""
        if isinstance(raw, str):
            choice, other = raw, None
        elif isinstance(raw, dict) and set(raw) <= {"choice", "other"}:
            choice, other = raw.get("choice"), raw.get("other")
        else:
            raise InvalidAnswer("invalid_type")
        if choice is None or choice == "":
            if q.other_option is None:
                raise InvalidAnswer("invalid_type")
            choice = q.other_option.id
        if not isinstance(choice, str):
            raise InvalidAnswer("invalid_type")
        option = q.option_index.get(choice)
        if option is None:
            raise InvalidAnswer("invalid_option", value=choice)
        if option.other:
            text = _read_other(q, option, other)
            return {"choice": option.id, "other": text} if text else option.id
        return option.id

    def operators(self, q: Question, item: str | None) -> frozenset[str]:
        """eq, ne, in and answered / not_answered."""
        return frozenset({"eq", "ne", "in"}) | NO_VALUE_OPERATORS if item is None \
            else frozenset()

    def evaluate(self, q: Question, op: str, answer: Any, value: Any, item: str | None) -> bool:
        """Compare the chosen option id."""
        choice = answer if isinstance(answer, str) else answer["choice"]
        if op == "eq":
            return choice == value
        if op == "ne":
            return choice != value
        if op == "in":
            return choice in value
        return False

    def columns(self, q: Question) -> list[Column]:
        """The chosen label, plus the other text when there is an other option."""
        cols = [Column(None)]
        if q.other_option is not None:
            cols.append(Column(OTHER_PART, f"{q.other_option.label}（填写内容）"))
        return cols

    def cells(self, q: Question, answer: Any) -> list[Any]:
        """Label of the choice, and the other text."""
        label = q.option_index[selected(answer)[0]].label
        return [label, other_text(answer)] if q.other_option is not None else [label]

    def parse_cells(self, q: Question, cells: Mapping[str | None, Any]) -> Any:
        """Read a label, id, number or 其他〖文本〗, plus an optional other-text column."""
        main, other_cell = cells.get(None), cells.get(OTHER_PART)
        if is_blank(main) and is_blank(other_cell):
            return None
        other = None if is_blank(other_cell) else cell_text(other_cell)
        if is_blank(main):
            return {"choice": None, "other": other}
        option, inline_other = self.resolve_token(q, cell_text(main))
        other = other or inline_other
        return {"choice": option.id, "other": other} if other else option.id


@register
class Dropdown(SingleChoice):
    """下拉题: a single choice shown as a drop-down list."""

    name = "dropdown"
    label = "下拉题"


@register
class MultipleChoice(_ChoiceBase):
    """多选题: several options, with optional limits, 其他 text and exclusive options."""

    name = "multiple_choice"
    label = "多选题"
    config_class = MultipleChoiceConfig

    def check_definition(self, q: Question) -> list[Issue]:
        """Options as for single choice, plus consistent min/max choices."""
        issues = check_options(q.config.options, min_count=2, allow_other=True,
                               allow_exclusive=True)
        c, n = q.config, len(q.config.options)
        for name, label in (("min_choices", "最少选择数"), ("max_choices", "最多选择数")):
            value = getattr(c, name)
            if value is not None and not 1 <= value <= max(n, 1):
                issues.append(("invalid_setting", {"field": label,
                                                   "reason": f"应在 1 到 {max(n, 1)} 之间"}))
        if c.min_choices is not None and c.max_choices is not None \
                and c.min_choices > c.max_choices:
            issues.append(("invalid_range", {"min": c.min_choices, "max": c.max_choices}))
        return issues

    def is_empty(self, raw: Any) -> bool:
        """No choices and no other text."""
        if isinstance(raw, dict):
            return not raw.get("choices") and not _has_text(raw.get("other"))
        return super().is_empty(raw)

    def normalise(self, q: Question, raw: Any) -> Any:
        """Check options, exclusivity, limits and other text; return the canonical answer."""
        if isinstance(raw, list | tuple):
            choices, other = raw, None
        elif isinstance(raw, dict) and set(raw) <= {"choices", "other"}:
            choices, other = raw.get("choices") or [], raw.get("other")
            if not isinstance(choices, list | tuple):
                raise InvalidAnswer("invalid_type")
        elif isinstance(raw, str):
            choices, other = [raw], None
        else:
            raise InvalidAnswer("invalid_type")
        index = q.option_index
        chosen: set[str] = set()
        for choice in choices:
            if not isinstance(choice, str):
                raise InvalidAnswer("invalid_type")
            option = index.get(choice)
            if option is None:
                raise InvalidAnswer("invalid_option", value=choice)
            if choice in chosen:
                raise InvalidAnswer("duplicate_choice", value=option.label)
            chosen.add(choice)
        other_option = q.other_option
        if _has_text(other) and other_option is not None:
            chosen.add(other_option.id)
        if not chosen:
            raise InvalidAnswer("invalid_type")
        ordered = [o for o in q.config.options if o.id in chosen]
        exclusive = [o for o in ordered if o.exclusive]
        if exclusive and len(ordered) > 1:
            raise InvalidAnswer("exclusive_conflict", label=exclusive[0].label)
        if not exclusive:
            c = q.config
            if c.min_choices is not None and len(ordered) < c.min_choices:
                raise InvalidAnswer("too_few_choices", min=c.min_choices, count=len(ordered))
            if c.max_choices is not None and len(ordered) > c.max_choices:
                raise InvalidAnswer("too_many_choices", max=c.max_choices, count=len(ordered))
        ids = [o.id for o in ordered]
        if other_option is not None and other_option.id in chosen:
            text = _read_other(q, other_option, other)
            if text:
                return {"choices": ids, "other": text}
        return ids

    def operators(self, q: Question, item: str | None) -> frozenset[str]:
        """contains and answered / not_answered."""
        return frozenset({"contains"}) | NO_VALUE_OPERATORS if item is None else frozenset()

    def evaluate(self, q: Question, op: str, answer: Any, value: Any, item: str | None) -> bool:
        """contains: whether the option is among the chosen ones."""
        return op == "contains" and value in selected(answer)

    def columns(self, q: Question) -> list[Column]:
        """One 1/0 column per option, plus the other text."""
        cols = [Column(o.id, o.label, numeric=True) for o in q.config.options]
        if q.other_option is not None:
            cols.append(Column(OTHER_PART, f"{q.other_option.label}（填写内容）"))
        return cols

    def cells(self, q: Question, answer: Any) -> list[Any]:
        """1 for each chosen option, 0 for the others, then the other text."""
        chosen = set(selected(answer))
        out: list[Any] = [1 if o.id in chosen else 0 for o in q.config.options]
        if q.other_option is not None:
            out.append(other_text(answer))
        return out

    def import_parts(self, q: Question) -> list[tuple[str | None, str]]:
        """One cell holding every choice (e.g. ``A┋B``), or one column per option."""
        return [(None, ""), *super().import_parts(q)]

    def parse_cells(self, q: Question, cells: Mapping[str | None, Any]) -> Any:
        """Read a separated list of labels and/or per-option 1/0 columns and other text."""
        chosen: list[str] = []
        other: str | None = None
        main = cells.get(None)
        if not is_blank(main):
            for option, inline_other in self.split_cell(q, cell_text(main)):
                chosen.append(option.id)
                other = other or inline_other
        for part, value in cells.items():
            if part is None or part == OTHER_PART or is_blank(value):
                continue
            text = cell_text(value)
            key = match_key(text)
            if key in _TRUE_CELLS or key == match_key(q.option_index[part].label):
                chosen.append(part)
            elif key not in _FALSE_CELLS:
                raise InvalidAnswer("invalid_cell", value=text)
        if not is_blank(cells.get(OTHER_PART)):
            other = cell_text(cells[OTHER_PART])
        if not chosen and not other:
            return None
        chosen = list(dict.fromkeys(chosen))
        return {"choices": chosen, "other": other} if other else chosen

    def split_cell(self, q: Question, text: str) -> list[tuple[Option, str | None]]:
        """Split a cell such as ``选项A┋其他〖文本〗`` into options, trying common separators."""
        try:
            return [self.resolve_token(q, text)]
        except InvalidAnswer as whole:
            first_error = whole
        for sep in MULTI_SEPARATORS:
            if sep not in text:
                continue
            tokens = [t.strip() for t in text.split(sep) if t.strip()]
            try:
                return [self.resolve_token(q, t) for t in tokens]
            except InvalidAnswer as error:
                if first_error.params.get("value") == text:
                    first_error = error
        raise first_error
