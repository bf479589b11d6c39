"""Import of responses from a spreadsheet: our own export, or one from 问卷星 / 腾讯问卷.

Steps for the app:

1. ``read_sheet(data, filename)`` (in ``surveys.spreadsheet``) reads the file, or
   ``import_responses`` does it for you;
2. ``suggest_mapping(survey, sheet.headers)`` proposes a target for each column: the
   bracketed key of our own headers (``[likes.o1]``), metadata names (提交答卷时间, 来源…),
   then question titles matched loosely ("1、您对社群的满意度" → that question; "2(干货分享)"
   → option 干货分享 of question 2). The operator corrects it;
3. ``import_responses(survey, data, filename, mapping)`` parses and validates every row.
   The result is all-or-nothing: either every row's response, or the list of problems (by
   spreadsheet row number, counting the header as row 1, and column).

Choice cells hold option labels (or ids, or 1-based numbers); multiple choice cells hold
several labels separated by ┋ | ; 、 , (or one 1/0 column per option); other texts come as
``其他〖文本〗``, ``其他(文本)`` or ``其他：文本``. Scales take numbers or their labels.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from difflib import SequenceMatcher
from typing import Any

from surveys.answer_validation import HIDDEN_REJECT, validate_answers
from surveys.dates import parse_datetime_text
from surveys.definition import Question, Survey
from surveys.export import META_KEYS
from surveys.messages import import_message
from surveys.problems import InvalidAnswer
from surveys.question_types.base import OTHER_PART, cell_text, is_blank, match_key
from surveys.responses import SurveyResponse
from surveys.spreadsheet import Limits, Sheet, SheetError, read_sheet

_KEY_IN_HEADER = re.compile(
    r"\[(@[a-z_]+|[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)?)\]\s*$")
_NUMBERING = re.compile(r"^\s*(?:第\s*\d+\s*题|[Qq]?\d+(?:\.\d+)?)\s*[、.．:：)）\]】]?\s*")
_TYPE_HINT = re.compile(
    r"[\[【(（](?:单选题?|多选题?|下拉(?:框|题)?|填空题?|矩阵[^\]】)）]*|排序题?|量表题?|评分题?|"
    r"必答|选填|NPS[^\]】)）]*)[\]】)）]\s*$")
_PART_SEPARATORS = "—–-_:：|｜(（[【 "
SKIP_MARKERS = frozenset({"(跳过)", "（跳过）", "(空)", "（空）"})

META_ALIASES = {
    "@id": ("回答编号", "序号", "编号", "答卷编号", "答卷序号", "id", "responseid", "编号id"),
    "@submitted_at": ("提交时间", "提交答卷时间", "答题时间", "填写时间", "完成时间", "submittedat",
                      "submitted_at", "结束答题时间", "提交日期"),
    "@channel": ("渠道", "来源", "来源渠道", "渠道来源", "channel", "source"),
}


@dataclass(frozen=True)
class ColumnTarget:
    """Where a column goes: a question (and part: option, row or item id, or ``_other``),
    or a metadata field (``@id``, ``@submitted_at``, ``@channel``)."""

    question_id: str | None = None
    part: str | None = None
    meta: str | None = None

    @property
    def key(self) -> str:
        """``qid``, ``qid.part`` or ``@meta`` (the key used in export headers)."""
        if self.meta is not None:
            return self.meta
        return self.question_id if self.part is None else f"{self.question_id}.{self.part}"

    @classmethod
    def parse(cls, key: str) -> ColumnTarget:
        """The target for a key such as ``likes.o1`` or ``@channel``."""
        if key.startswith("@"):
            return cls(meta=key)
        question_id, _, part = key.partition(".")
        return cls(question_id, part or None)


@dataclass(frozen=True)
class MappingSuggestion:
    """A proposed target for one column with a confidence from 0 to 1 (None: no idea)."""

    column: int
    header: str
    target: ColumnTarget | None
    score: float
    reason: str = ""


@dataclass(frozen=True)
class ImportProblem:
    """One problem of an import. ``row`` is the spreadsheet row number (the header is row 1;
    None for problems with the file or the mapping); ``column`` is 0-based and
    ``column_name`` the spreadsheet letter (A, B, … AA)."""

    row: int | None
    column: int | None
    column_name: str | None
    header: str | None
    question_id: str | None
    code: str
    params: Mapping[str, Any]
    message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"row": self.row, "column": self.column, "column_name": self.column_name,
                "header": self.header, "question_id": self.question_id, "code": self.code,
                "params": dict(self.params), "message": self.message}


@dataclass(frozen=True)
class ImportResult:
    """Either every parsed response (``errors`` empty) or the problems (``responses`` empty).

    ``truncated`` says the error list stopped at ``max_errors``.
    """

    responses: tuple[SurveyResponse, ...]
    errors: tuple[ImportProblem, ...]
    rows_read: int
    truncated: bool = False

    @property
    def ok(self) -> bool:
        """Whether the import can be stored."""
        return not self.errors


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# -- mapping ------------------------------------------------------------------------------

def valid_targets(survey: Survey) -> dict[str, ColumnTarget]:
    """Every target a column can be mapped to, by key."""
    out = {k: ColumnTarget(meta=k) for k in sorted(META_KEYS)}
    for q in survey.questions:
        for part, _label in q.qtype.import_parts(q):
            t = ColumnTarget(q.id, part)
            out[t.key] = t
    return out


def _title_key(text: str) -> str:
    text = _NUMBERING.sub("", text, count=1)
    for _ in range(2):
        text = _TYPE_HINT.sub("", text.strip())
    return match_key(text).rstrip("?？:：*＊")


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return 1.0 if a == b else SequenceMatcher(None, a, b, autojunk=False).ratio()


def suggest_mapping(survey: Survey, headers: Sequence[str], *,
                    threshold: float = 0.6) -> list[MappingSuggestion]:
    """A proposed target for every column (target None when nothing is close enough).

    Each target is proposed for at most one column, best matches first.
    """
    targets = valid_targets(survey)
    aliases = {match_key(a): meta for meta, names in META_ALIASES.items() for a in names}
    questions = survey.questions
    title_keys = {q.id: _title_key(q.title) for q in questions}
    candidates: list[tuple[float, int, ColumnTarget, str]] = []
    for col, header in enumerate(headers):
        if not header or not header.strip():
            continue
        m = _KEY_IN_HEADER.search(header)
        if m and m.group(1) in targets:
            candidates.append((2.0, col, targets[m.group(1)], "key"))
            continue
        hkey = match_key(header)
        if hkey in aliases:
            candidates.append((1.5, col, ColumnTarget(meta=aliases[hkey]), "meta"))
            continue
        tkey = _title_key(header)
        for number, q in enumerate(questions, start=1):
            score = _similarity(tkey, title_keys[q.id])
            if score >= threshold:
                candidates.append((score, col, ColumnTarget(q.id), "title"))
            for part, label in q.qtype.import_parts(q):
                if part is None or part == OTHER_PART:
                    continue
                part_score = _part_score(hkey, match_key(label), title_keys[q.id], number)
                if part_score >= threshold:
                    candidates.append((part_score, col, ColumnTarget(q.id, part), "title"))
    chosen: dict[int, tuple[ColumnTarget, float, str]] = {}
    used: set[str] = set()
    for score, col, target, reason in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if col in chosen or target.key in used:
            continue
        chosen[col] = (target, min(score, 1.0), reason)
        used.add(target.key)
    return [MappingSuggestion(col, header, *chosen.get(col, (None, 0.0, "")))
            for col, header in enumerate(headers)]


def _part_score(header_key: str, label_key: str, title_key: str, number: int) -> float:
    """How well a header such as ``题目—选项`` or ``2(选项)`` names a question's part."""
    key = header_key.rstrip(")）]】")
    if not label_key or not key.endswith(label_key):
        return 0.0
    rest = key[: -len(label_key)].rstrip(_PART_SEPARATORS)
    if not rest:
        return 0.0
    if rest.isdigit():
        return 0.95 if int(rest) == number else 0.0
    return _similarity(_title_key(rest), title_key) * 0.99


def mapping_from_suggestions(suggestions: Sequence[MappingSuggestion]) -> dict[int, ColumnTarget]:
    """The mapping made of every suggestion that has a target."""
    return {s.column: s.target for s in suggestions if s.target is not None}


# -- rows -----------------------------------------------------------------------------------

def parse_datetime(cell: Any, assume_timezone: tzinfo | None = None) -> datetime:
    """A submission time from a cell (datetime, date, or text in any spelling of
    :mod:`surveys.dates`, such as 2024/5/1 12:30:05 or 2024年5月1日 12:30); naive results get
    ``assume_timezone`` if given. Raises ValueError."""
    if isinstance(cell, datetime):
        value = cell
    elif isinstance(cell, date):
        value = datetime(cell.year, cell.month, cell.day)
    else:
        value = parse_datetime_text(cell_text(cell))
    if value.tzinfo is None and assume_timezone is not None:
        value = value.replace(tzinfo=assume_timezone)
    return value


def always_shown(survey: Survey) -> list[Question]:
    """Questions every respondent sees: no display logic, and no skip rule can pass their
    page (a skip rule on the page itself, or one on an earlier page jumping beyond it)."""
    out: list[Question] = []
    reach = 0  # pages before this index may be jumped over by an earlier skip rule
    for i, page in enumerate(survey.pages):
        passable = bool(page.skip) or i < reach
        for rule in page.skip:
            target = survey.page_indexes.get(rule.goto, len(survey.pages))
            reach = max(reach, target)
        if not passable:
            out.extend(q for q in page.questions if q.show_if is None)
    return out


def _normalise_mapping(sheet: Sheet, mapping: Mapping[int | str, ColumnTarget | str],
                       targets: Mapping[str, ColumnTarget],
                       problem: Any) -> dict[int, ColumnTarget]:
    """Resolve header names and keys, and report unknown columns, bad or repeated targets."""
    out: dict[int, ColumnTarget] = {}
    by_target: dict[str, int] = {}
    for column, target in mapping.items():
        if isinstance(column, str):
            if column not in sheet.headers:
                problem(None, None, None, "unknown_column", name=column)
                continue
            column = sheet.headers.index(column)
        if not isinstance(column, int) or not 0 <= column < len(sheet.headers):
            problem(None, None, None, "unknown_column", name=column)
            continue
        if target is None:
            continue
        key = target if isinstance(target, str) else target.key
        name = sheet.headers[column] or column_letter(column)
        if key not in targets:
            problem(None, column, None, "invalid_mapping", name=name,
                    reason=f"问卷中没有「{key}」")
            continue
        if key in by_target:
            problem(None, column, None, "duplicate_mapping", name=name,
                    other=sheet.headers[by_target[key]] or column_letter(by_target[key]))
            continue
        by_target[key] = column
        out[column] = targets[key]
    return out


def import_responses(survey: Survey, data: bytes, filename: str | None = None,
                     mapping: Mapping[int | str, ColumnTarget | str] | None = None, *,
                     limits: Limits | None = None, max_errors: int = 200,
                     hidden_answers: str = HIDDEN_REJECT, enforce_required: bool = True,
                     channel: str | None = None,
                     assume_timezone: tzinfo | None = None) -> ImportResult:
    """Read a CSV/XLSX file and import its rows (see ``import_sheet``); file problems
    (size, encoding, format) come back as errors too. Without ``mapping`` the confident
    suggestions of ``suggest_mapping`` are used."""
    try:
        sheet = read_sheet(data, filename, limits)
    except SheetError as exc:
        return ImportResult((), (_problem(None, None, None, None, exc.code, exc.params),), 0)
    return import_sheet(survey, sheet, mapping, max_errors=max_errors,
                        hidden_answers=hidden_answers, enforce_required=enforce_required,
                        channel=channel, assume_timezone=assume_timezone)


def _problem(row: int | None, column: int | None, header: str | None, question_id: str | None,
             code: str, params: Mapping[str, Any]) -> ImportProblem:
    return ImportProblem(row, column, column_letter(column) if column is not None else None,
                         header, question_id, code, dict(params), import_message(code, params))


def import_sheet(survey: Survey, sheet: Sheet,
                 mapping: Mapping[int | str, ColumnTarget | str] | None = None, *,
                 max_errors: int = 200, hidden_answers: str = HIDDEN_REJECT,
                 enforce_required: bool = True, channel: str | None = None,
                 assume_timezone: tzinfo | None = None) -> ImportResult:
    """Parse and validate every data row of ``sheet``; all rows or none.

    ``hidden_answers`` defaults to strict (answers the survey's logic would hide are
    errors); ``enforce_required=False`` accepts rows that leave required questions empty;
    ``channel`` is the channel of rows without a mapped channel column.
    """
    errors: list[ImportProblem] = []
    truncated = False

    def problem(row: int | None, column: int | None, question_id: str | None, code: str,
                **params: Any) -> None:
        nonlocal truncated
        if len(errors) >= max_errors:
            truncated = True
            return
        header = sheet.headers[column] if column is not None else None
        errors.append(_problem(row, column, header, question_id, code, params))

    if mapping is None:
        mapping = mapping_from_suggestions(suggest_mapping(survey, sheet.headers))
    columns = _normalise_mapping(sheet, mapping, valid_targets(survey), problem)
    if not any(t.question_id for t in columns.values()) and not errors:
        problem(None, None, None, "no_mapping")
    mapped = {t.question_id for t in columns.values()}
    unmapped = [q.title for q in always_shown(survey) if q.required and q.id not in mapped]
    if enforce_required and unmapped and not errors:
        problem(None, None, None, "unmapped_required", questions=unmapped)
    if errors:
        return ImportResult((), tuple(errors), 0, truncated)

    question_columns: dict[str, list[int]] = {}
    for column, target in columns.items():
        if target.question_id is not None:
            question_columns.setdefault(target.question_id, []).append(column)

    def locate(question_id: str | None, params: Mapping[str, Any],
               row: Sequence[Any]) -> int | None:
        cols = question_columns.get(question_id or "", [])
        value = params.get("value")
        for c in cols:
            if value is not None and cell_text(row[c]) == str(value):
                return c
        return cols[0] if cols else None

    responses = []
    rows_read = 0
    for offset, row in enumerate(sheet.rows):
        row_number = offset + 2
        row = tuple(None if isinstance(c, str) and c.strip() in SKIP_MARKERS else c for c in row)
        if all(is_blank(c) for c in row):
            continue
        rows_read += 1
        cells: dict[str, dict[str | None, Any]] = {}
        meta: dict[str, Any] = {}
        for column, target in columns.items():
            if target.meta is not None:
                meta[target.meta] = row[column]
            else:
                cells.setdefault(target.question_id, {})[target.part] = row[column]
        raw: dict[str, Any] = {}
        row_ok = True
        failed: set[str] = set()
        for question_id, parts in cells.items():
            q = survey.question(question_id)
            try:
                value = q.qtype.parse_cells(q, parts)
            except InvalidAnswer as exc:
                problem(row_number, locate(question_id, exc.params, row), question_id, exc.code,
                        **exc.params)
                row_ok = False
                failed.add(question_id)
                continue
            if value is not None:
                raw[question_id] = value
        submitted_at = None
        if not is_blank(meta.get("@submitted_at")):
            try:
                submitted_at = parse_datetime(meta["@submitted_at"], assume_timezone)
            except ValueError:
                column = next(c for c, t in columns.items() if t.meta == "@submitted_at")
                problem(row_number, column, None, "invalid_datetime",
                        value=cell_text(meta["@submitted_at"]))
                row_ok = False
        result = validate_answers(survey, raw, hidden_answers=hidden_answers)
        for e in result.errors:
            if e.question_id in failed or (e.code == "required" and not enforce_required):
                continue
            problem(row_number, locate(e.question_id, e.params, row), e.question_id, e.code,
                    **e.params)
            row_ok = False
        if row_ok:
            response_id = meta.get("@id")
            row_channel = meta.get("@channel")
            responses.append(SurveyResponse(
                result.answers,
                channel=cell_text(row_channel) if not is_blank(row_channel) else channel,
                submitted_at=submitted_at,
                id=cell_text(response_id) if not is_blank(response_id) else None))
        if truncated:
            break
    if truncated:
        errors.append(_problem(None, None, None, None, "too_many_errors", {"max": max_errors}))
    if errors:
        return ImportResult((), tuple(errors), rows_read, truncated)
    return ImportResult(tuple(responses), (), rows_read)
