"""The form-based condition editor: rows of "question · (row) · operator · value", combined
with 全部满足 (and) or 任一满足 (or), each row optionally negated (不满足).

Rows post as ``rows-N-question``, ``rows-N-item``, ``rows-N-op``, ``rows-N-value`` (repeated
for 是以下之一) and ``rows-N-negate``. Only questions the condition may use are offered, so
the editor cannot produce a reference to a later question; the operators and values offered
follow the chosen question's type. Changing a question or operator re-renders the editor
(a button without JavaScript, automatically with it). Deeper nesting uses the JSON editor.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

import surveys as domain
from app.services.surveys import builder as survey_builder
from app.services.surveys.texts import OPERATOR_LABELS, QUESTION_TYPE_LABELS
from surveys.conditions import NO_VALUE_OPERATORS

OPERATOR_ORDER = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "contains", "answered",
                  "not_answered")
MAX_ROWS = 20
SCALE_TYPES = ("rating", "nps", "csat", "ces")


@dataclass
class RowView:
    """One editor row with the choices it offers."""

    index: int
    question: domain.Question | None
    item: str | None
    op: str
    values: list[str]
    negate: bool
    items: list[tuple[str, str]] = field(default_factory=list)
    operators: list[tuple[str, str]] = field(default_factory=list)
    value_choices: list[tuple[str, str]] | None = None
    value_kind: str = "text"  # text | number | date | select | none
    multiple: bool = False


def read_rows(form: Mapping[str, Any], sources: Mapping[str, domain.Question],
              skip: int | None = None) -> list[survey_builder.ConditionRow]:
    """The rows posted by the editor (rows without a question are ignored)."""
    rows = []
    for n in range(MAX_ROWS):
        qid = (form.get(f"rows-{n}-question") or "").strip()
        if not qid or n == skip:
            continue
        q = sources.get(qid)
        op = (form.get(f"rows-{n}-op") or "answered").strip()
        item = (form.get(f"rows-{n}-item") or "").strip() or None
        raw = form.getlist(f"rows-{n}-value") if hasattr(form, "getlist") else \
            [form.get(f"rows-{n}-value", "")]
        value = survey_builder.parse_value(q, op, raw)
        rows.append(survey_builder.ConditionRow(qid, op, value, item,
                                                bool(form.get(f"rows-{n}-negate"))))
    return rows


def _operators(q: domain.Question, item: str | None) -> list[str]:
    allowed = q.qtype.operators(q, item)
    return [op for op in OPERATOR_ORDER if op in allowed]


def _value_widget(view: RowView) -> None:
    q = view.question
    if q is None or view.op in NO_VALUE_OPERATORS:
        view.value_kind = "none"
        return
    view.multiple = view.op == "in"
    if q.type in ("single_choice", "dropdown", "multiple_choice"):
        view.value_kind = "select"
        view.value_choices = [(o.id, o.label) for o in q.options]
    elif q.type in SCALE_TYPES:
        view.value_kind = "select"
        view.value_choices = [(str(v), str(v) if label == str(v) else f"{v} · {label}")
                              for v, label in q.qtype.point_labels(q).items()]
    elif q.type == "matrix":
        view.value_kind = "select"
        view.value_choices = [(str(p.value), f"{p.value} · {p.label}") for p in q.config.scale]
    elif q.type == "ranking":
        view.value_kind = "select"
        view.value_choices = [(str(k), _("第 %(n)d 位", n=k))
                              for k in range(1, len(q.config.options) + 1)]
    elif q.type == "number":
        view.value_kind = "text" if view.multiple else "number"
    elif q.type == "date":
        view.value_kind = "date"
    else:
        view.value_kind = "text"


def _row_view(index: int, row: survey_builder.ConditionRow | None,
              sources: Mapping[str, domain.Question]) -> RowView:
    q = sources.get(row.question) if row else None
    values: list[str] = []
    if row is not None and row.value is not None:
        raw = row.value if isinstance(row.value, list | tuple) else [row.value]
        values = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
                  for v in raw]
    view = RowView(index, q, row.item if row else None, row.op if row else "", values,
                   row.negate if row else False)
    if q is not None:
        view.items = [(o.id, o.label) for o in q.qtype.items(q)]
        if view.items and q.type == "matrix" and view.item is None:
            view.item = view.items[0][0]
        ops = _operators(q, view.item)
        if view.op not in ops:
            view.op = ops[0] if ops else "answered"
        view.operators = [(op, str(OPERATOR_LABELS[op])) for op in ops]
    _value_widget(view)
    if view.value_kind in ("text", "number") and view.multiple:
        view.values = [", ".join(view.values)] if view.values else []
    return view


def _rows_from_json(text: str) -> tuple[str, list[survey_builder.ConditionRow]] | None:
    """Editor rows of a JSON condition, or None when it is invalid or too deep for them."""
    if not text.strip():
        return "and", []
    try:
        condition = domain.condition_from_dict(json.loads(text))
    except (ValueError, domain.DefinitionError):
        return None
    return survey_builder.condition_rows(condition)


@dataclass
class EditorContext:
    """Everything the logic form template needs."""

    sources: list[domain.Question]
    rows: list[RowView]
    combinator: str
    json_text: str
    mode: str
    description: str | None
    problems: list[str]
    source_labels: dict[str, str]


def editor_context(definition: domain.Survey, sources: Sequence[domain.Question],
                   condition: domain.Condition | None, posted: Mapping[str, Any] | None,
                   form) -> EditorContext:
    """The editor's rows from the saved condition, or from what was just posted (after a
    refresh or a refused save), with one blank row to add a condition."""
    by_id = {q.id: q for q in sources}
    labels = {q.id: f"{n}. {q.title} · {QUESTION_TYPE_LABELS.get(q.type, q.type)}"
              for n, q in enumerate(definition.questions, start=1) if q.id in by_id}
    mode = "form"
    json_text = json.dumps(condition.to_dict(), ensure_ascii=False, indent=2) if condition else ""
    problems: list[str] = []
    if posted is not None:
        current = posted.get("mode") or "form"
        if current == "json":
            json_text = posted.get("condition_json") or ""
            combinator, rows = "and", []
            parsed = _rows_from_json(json_text)
            if parsed is not None:
                combinator, rows = parsed
        else:
            remove = posted.get("remove")
            remove_index = int(remove) if remove and remove.isdigit() else None
            rows = read_rows(posted, by_id, skip=remove_index)
            combinator = posted.get("combinator") or "and"
            built = survey_builder.condition_dict(rows, combinator)
            json_text = json.dumps(built, ensure_ascii=False, indent=2) if built else ""
            parsed = (combinator, rows)
        mode = posted.get("mode_switch") or current
        if mode == "form" and current == "json" and parsed is None and json_text.strip():
            mode = "json"
            problems.append(_("这个条件嵌套较深，只能用 JSON 编辑。"))
    else:
        parsed = survey_builder.condition_rows(condition)
        if parsed is None:
            mode, combinator, rows = "json", "and", []
        else:
            combinator, rows = parsed
    views = [_row_view(n, row, by_id) for n, row in enumerate(rows)]
    if len(views) < MAX_ROWS:
        views.append(_row_view(len(views), None, by_id))
    form.combinator.data = combinator
    form.mode.data = mode
    form.condition_json.data = json_text
    description = None
    if json_text:
        try:
            parsed_condition = domain.condition_from_dict(json.loads(json_text))
            description = domain.describe(parsed_condition, definition)
        except (ValueError, domain.DefinitionError) as exc:
            problems.append(str(exc))
    return EditorContext(list(sources), views, combinator, json_text, mode, description,
                         problems, labels)
