"""Export of responses: one row per response, one column per question (or per option, row or
item where the type expands), plus metadata columns; to CSV or XLSX.

Each header ends with a bracketed key that ``surveys.importing`` reads back, e.g.
``您喜欢哪些内容？ — 干货分享 [likes.o1]`` or ``提交时间 [@submitted_at]``, so an export
imports again without a manual mapping. Every response is walked through the logic first:
only answers to questions on its path that still fit the definition are exported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from surveys.definition import Survey
from surveys.path import walk
from surveys.responses import SurveyResponse
from surveys.spreadsheet import write_csv, write_xlsx

META_COLUMNS = (("@id", "回答编号"), ("@submitted_at", "提交时间"), ("@channel", "渠道"))
META_KEYS = frozenset(k for k, _ in META_COLUMNS)


@dataclass(frozen=True)
class ExportColumn:
    """One export column: ``key`` is ``qid``, ``qid.part`` or a metadata key like
    ``@channel``; ``numeric`` columns hold numbers."""

    key: str
    header: str
    question_id: str | None = None
    part: str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class ExportTable:
    """Columns and rows of an export, with cells as Python values (not yet defused)."""

    columns: tuple[ExportColumn, ...]
    rows: tuple[tuple[Any, ...], ...]

    @property
    def headers(self) -> list[str]:
        """The header row."""
        return [c.header for c in self.columns]

    def to_csv(self) -> bytes:
        """CSV bytes (UTF-8 with BOM, formulas defused)."""
        return write_csv(self.headers, self.rows)

    def to_xlsx(self, sheet_title: str = "回答") -> bytes:
        """XLSX bytes (formulas defused, numbers kept numeric)."""
        return write_xlsx(self.headers, self.rows, sheet_title,
                          [c.numeric for c in self.columns])


def column_key(question_id: str, part: str | None) -> str:
    """``qid`` or ``qid.part``."""
    return question_id if part is None else f"{question_id}.{part}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def export_columns(survey: Survey, *, include_meta: bool = True) -> list[ExportColumn]:
    """The columns of an export of this survey."""
    columns = []
    if include_meta:
        columns += [ExportColumn(key, f"{label} [{key}]") for key, label in META_COLUMNS]
    for q in survey.questions:
        title = _one_line(q.title)
        for col in q.qtype.columns(q):
            key = column_key(q.id, col.part)
            shown = f"{title} — {_one_line(col.suffix)}" if col.suffix else title
            columns.append(ExportColumn(key, f"{shown} [{key}]", q.id, col.part, col.numeric))
    return columns


def export_table(survey: Survey, responses: Iterable[SurveyResponse], *,
                 include_meta: bool = True, timezone: tzinfo | None = None,
                 channel_names: Mapping[str, str] | None = None) -> ExportTable:
    """All responses as a table. ``timezone`` converts aware submission times first; times
    are to the second. ``channel_names`` turns channel codes into the names people gave them
    (a code without a name stays as it is)."""
    columns = export_columns(survey, include_meta=include_meta)
    questions = survey.questions
    widths = {q.id: len(q.qtype.columns(q)) for q in questions}
    rows = []
    for r in responses:
        row: list[Any] = []
        if include_meta:
            when = r.submitted_at
            if isinstance(when, datetime):
                if timezone is not None and when.tzinfo is not None:
                    when = when.astimezone(timezone)
                when = when.replace(microsecond=0)
            channel = (channel_names or {}).get(r.channel, r.channel) if r.channel else r.channel
            row += [r.id, when, channel]
        known = walk(survey, r.answers, report=()).known
        for q in questions:
            answer = known.get(q.id)
            row += [None] * widths[q.id] if answer is None else q.qtype.cells(q, answer)
        rows.append(tuple(row))
    return ExportTable(tuple(columns), tuple(rows))


def export_csv(survey: Survey, responses: Iterable[SurveyResponse], **options: Any) -> bytes:
    """CSV export (UTF-8 with BOM for Excel; formulas defused)."""
    return export_table(survey, responses, **options).to_csv()


def export_xlsx(survey: Survey, responses: Iterable[SurveyResponse], **options: Any) -> bytes:
    """XLSX export (formulas defused, numbers numeric, dates as dates)."""
    return export_table(survey, responses, **options).to_xlsx()
