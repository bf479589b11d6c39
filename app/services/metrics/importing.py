"""Importing daily metrics from CSV or XLSX files, in two steps.

1. ``start_import`` reads the upload (size, format and encoding checks), keeps it in the file
   storage (``app.storage``) and records a pending ``MetricImport`` with the headers and a
   suggested column mapping (日期 → date, 活跃人数 → dau …).
2. ``apply_import`` checks every row against the chosen mapping. Any error (a bad or
   duplicate date, a value that is not a number, negative or too large…) is reported with its
   row number and nothing is stored; otherwise all values are upserted in the caller's
   transaction, so a file is imported completely or not at all.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from flask_babel import lazy_gettext as _l

import surveys as domain
from app.extensions import db
from app.models import Community, ImportStatus, MetricImport, utcnow
from app.services import audit
from app.services.errors import ServiceError
from app.services.metrics import values as metric_service
from app.services.spreadsheet_errors import refused
from app.storage import FileMissing, file_storage
from surveys.dates import parse_date_text

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60
#: Errors kept on the import record (the count is always exact).
MAX_ERRORS_KEPT = 200
EARLIEST_DAY = date(2000, 1, 1)
FORMATS = ("csv", "xlsx")

#: Messages for row errors, by code; stored as codes so they render in the reader's language.
ROW_ERRORS = {
    "missing_date": _l("缺少日期"),
    "bad_date": _l("日期无法识别（请用 2026-10-01 这样的格式）"),
    "future_date": _l("日期晚于今天"),
    "old_date": _l("日期早于 2000 年"),
    "duplicate_date": _l("日期与第 %(other)s 行重复"),
    "not_number": _l("不是数字"),
    "negative": _l("不能为负数"),
    "too_large": _l("数值过大"),
}

#: Values treated as "no data for this day" rather than errors.
BLANKS = {"", "-", "—", "–", "n/a", "na", "null", "none", "无", "暂无", "/"}

#: Header words that suggest a column's metric (compared after normalising the header).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("日期", "date", "day", "统计日期", "时间", "日", "数据日期"),
    "new_members": ("新增成员", "新增", "新成员", "新增用户", "新增人数", "入群人数", "newmembers",
                    "new", "joins"),
    "total_members": ("成员总数", "总成员", "总人数", "群成员数", "成员数", "总用户", "累计成员",
                      "totalmembers", "members", "total"),
    "dau": ("活跃人数", "活跃成员", "日活", "日活跃", "日活跃成员", "活跃用户", "dau",
            "activemembers", "active"),
    "mau": ("月活", "月活跃", "月活跃成员", "月活跃人数", "mau"),
    "interactions": ("消息数", "互动次数", "互动数", "发言数", "消息", "互动", "发言次数",
                     "interactions", "messages"),
    "content_views": ("阅读量", "浏览量", "内容浏览", "阅读", "浏览", "阅读数", "views",
                      "pageviews", "pv"),
    "clicks": ("点击量", "点击", "点击数", "内容点击", "clicks"),
    "event_participants": ("活动参与", "活动参与人数", "参与人数", "活动人数", "报名人数",
                           "eventparticipants", "participants"),
    "churned": ("流失成员", "流失", "退群", "退群人数", "流失人数", "churned", "churn", "left"),
}


def normalise_header(text: object) -> str:
    """A header reduced for matching: width-folded, lower case, without units or spaces."""
    value = unicodedata.normalize("NFKC", str(text or "")).lower()
    value = re.sub(r"[（(【\[].*?[）)】\]]", "", value)  # drop units such as （人）
    return re.sub(r"[\s_\-:：/.·]+", "", value)


def suggest_mapping(headers: list[str], catalog: list[metric_service.MetricInfo]
                    ) -> tuple[int | None, dict[int, str]]:
    """Suggest the date column and a metric per column from the headers.

    Each metric is suggested for at most one column (the first that matches).
    """
    words = {key: {normalise_header(w) for w in synonyms}
             for key, synonyms in HEADER_SYNONYMS.items()}
    for metric in catalog:
        if metric.custom:
            words[metric.key] = {normalise_header(metric.key), normalise_header(metric.label)}
        else:
            words.setdefault(metric.key, set()).update({normalise_header(metric.key),
                                                        normalise_header(metric.label)})
    date_column = None
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        norm = normalise_header(header)
        if not norm:
            continue
        if date_column is None and norm in words["date"]:
            date_column = index
            continue
        for metric in catalog:
            if metric.key not in used and norm in words.get(metric.key, ()):
                mapping[index] = metric.key
                used.add(metric.key)
                break
    return date_column, mapping


# --- reading files --------------------------------------------------------------------------


@dataclass
class Table:
    """A file's header row and data rows (cells as read: strings, numbers or datetimes)."""

    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)


#: Upload limits, enforced by the shared spreadsheet reader before and while parsing; the
#: work is bounded as well as the size (an XLSX file unpacks into far more than it weighs).
LIMITS = domain.Limits(max_bytes=MAX_IMPORT_BYTES, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS,
                       max_cells=MAX_ROWS * MAX_COLUMNS, max_shared_strings=100_000,
                       max_uncompressed_bytes=50 * 1024 * 1024, max_seconds=15)

#: Service error codes for the reader's refusals that have their own name here.
FILE_ERROR_CODES = {"unsupported_file": "bad_format", "unreadable_file": "bad_file"}


def read_table(filename: str, data: bytes) -> tuple[str, Table]:
    """Read an upload into its format and a ``Table``; refuses bad or oversized files."""
    if not data:
        raise ServiceError(_l("文件是空的。"), code="empty_file", field="file")
    try:
        sheet = domain.read_sheet(data, filename, LIMITS)
    except domain.SheetError as exc:
        raise refused(exc, LIMITS, code=FILE_ERROR_CODES.get(exc.code)) from None
    fmt = "xlsx" if data.startswith(b"PK\x03\x04") else "csv"
    headers = list(sheet.headers)
    while headers and not headers[-1]:
        headers.pop()  # trailing columns without a header are empty
    if len(headers) < 2:
        raise ServiceError(_l("文件至少需要日期列和一个指标列。"), code="too_few_columns",
                           field="file")
    rows = [list(r) for r in sheet.rows]
    if not any(c is not None and str(c).strip() for row in rows for c in row):
        raise ServiceError(_l("文件只有表头，没有数据行。"), code="no_rows", field="file")
    return fmt, Table(headers=headers, rows=rows)


# --- parsing cells --------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)


def parse_day(cell: object) -> date:
    """A cell as a date; ``ValueError('missing_date' | 'bad_date')`` otherwise.

    Accepts dates and datetimes, ``2026-10-01``, ``2026/10/1``, ``2026.10.01``,
    ``20261001``, ``2026年10月1日`` (``surveys.dates``, the project's one date parser; text
    after the date, such as a weekday, is ignored) and Excel serial day numbers.
    """
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if 20000 <= cell <= 80000 and float(cell).is_integer():
            return _EXCEL_EPOCH + timedelta(days=int(cell))
        text = str(int(cell)) if float(cell).is_integer() else str(cell)
    else:
        text = unicodedata.normalize("NFKC", str(cell or "")).strip()
    if text.lower() in BLANKS:
        raise ValueError("missing_date")
    try:
        return parse_date_text(text, ignore_rest=True)
    except ValueError:
        raise ValueError("bad_date") from None


def parse_number(cell: object) -> float | None:
    """A cell as a metric value; ``None`` for an empty cell; ``ValueError(code)`` if bad."""
    if cell is None:
        return None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return metric_service.check_value(cell)
    if isinstance(cell, date):
        raise ValueError("not_number")
    text = unicodedata.normalize("NFKC", str(cell)).strip()
    if text.lower() in BLANKS:
        return None
    text = text.replace(",", "").replace(" ", "")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text):
        raise ValueError("not_number")
    return metric_service.check_value(text)


# --- the import itself ----------------------------------------------------------------------


UPLOADS_PREFIX = "uploads/metric-imports/"
CONTENT_TYPES = {"csv": "text/csv",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def stored_key(record: MetricImport) -> str | None:
    """The storage key of a pending import's file (``uploads/metric-imports/<name>``)."""
    return f"{UPLOADS_PREFIX}{record.stored_name}" if record.stored_name else None


class DuplicateFile(ServiceError):
    """The same file was imported before; the operator may import it again on purpose."""

    code = "duplicate_file"


PREVIEW_ROWS = 8


def _preview(table: Table) -> list[list[str]]:
    return [["" if c is None else str(c)[:200] for c in row] for row in table.rows[:PREVIEW_ROWS]]


def earlier_import(community_id: int, digest: str) -> MetricImport | None:
    """The latest applied import of the same file into the community."""
    return db.session.execute(
        db.select(MetricImport).where(
            MetricImport.community_id == community_id, MetricImport.content_sha256 == digest,
            MetricImport.status == ImportStatus.APPLIED.value)
        .order_by(MetricImport.created_at.desc(), MetricImport.id.desc()).limit(1)
    ).scalar_one_or_none()


def start_import(community: Community, *, filename: str, data: bytes, actor=None,
                 again: bool = False) -> MetricImport:
    """Check and keep an uploaded file, and record a pending import with a suggested mapping.

    The same file imported before raises ``DuplicateFile`` unless ``again`` says the operator
    means to import it once more.
    """
    digest = hashlib.sha256(data).hexdigest()
    if data and not again and (earlier := earlier_import(community.id, digest)) is not None:
        raise DuplicateFile(_l("这个文件已经导入过（%(first)s 至 %(last)s，%(n)d 个数值）。"
                               "如果确实要再导入一次，请勾选「仍然导入」后重新上传。",
                               first=earlier.first_day, last=earlier.last_day,
                               n=earlier.values_written), field="file")
    fmt, table = read_table(filename, data)
    stored_name = f"{community.id}-{secrets.token_hex(12)}.{fmt}"
    file_storage().put(f"{UPLOADS_PREFIX}{stored_name}", data,
                       content_type=CONTENT_TYPES.get(fmt, "application/octet-stream"),
                       community_id=community.id)
    date_column, mapping = suggest_mapping(table.headers, metric_service.catalog(community.id))
    record = MetricImport(
        community_id=community.id, created_by_id=getattr(actor, "id", None), source="file",
        status=ImportStatus.PENDING.value, filename=Path(filename or "upload").name[:200],
        file_format=fmt, stored_name=stored_name, headers=table.headers,
        content_sha256=digest, preview=_preview(table),
        mapping={"date": date_column, "columns": {str(k): v for k, v in mapping.items()}},
        rows_total=len(table.rows),
    )
    db.session.add(record)
    db.session.flush()
    return record


def preview_rows(record: MetricImport) -> list[list[str]]:
    """The first rows for the mapping page, read once on upload (older uploads are read now
    and keep their preview)."""
    if record.preview is None:
        record.preview = _preview(load_table(record))
    return record.preview


def load_table(record: MetricImport) -> Table:
    """Read the stored file of a pending import again."""
    key = stored_key(record)
    try:
        data = file_storage().get(key) if key else None
    except FileMissing:
        data = None
    if data is None:
        raise ServiceError(_l("上传的文件已失效，请重新上传。"), code="file_gone", field="file")
    return read_table(record.filename or record.stored_name, data)[1]


@dataclass
class RowError:
    """One problem in one row: ``row`` is the spreadsheet row number (the header is row 1)."""

    row: int
    column: str
    code: str
    value: str = ""
    other: int | None = None

    def as_dict(self) -> dict:
        """A JSON-ready dict for the import record."""
        return {"row": self.row, "column": self.column, "code": self.code,
                "value": self.value, "other": self.other}


def row_error_message(error: dict) -> str:
    """The message of a stored row error, in the current language."""
    template = ROW_ERRORS.get(error.get("code"), ROW_ERRORS["not_number"])
    text = str(template)
    if error.get("other") is not None:
        text = text % {"other": error["other"]}
    return text


@dataclass
class ImportOutcome:
    """The result of applying an import: values written, or the row errors found."""

    record: MetricImport
    errors: list[RowError] = field(default_factory=list)
    written: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        """Whether the values were stored."""
        return not self.errors


def _cell_text(cell: object) -> str:
    return ("" if cell is None else str(cell))[:40]


def validate_rows(table: Table, date_column: int, columns: dict[int, str], today: date
                  ) -> tuple[list[tuple[date, str, float]], list[RowError], list[date]]:
    """Check every row; returns the triples to store, the errors, and the days seen."""
    triples, errors, days = [], [], []
    seen: dict[date, int] = {}
    for offset, row in enumerate(table.rows):
        number = offset + 2  # the header is row 1
        if not any(c is not None and str(c).strip() for c in row):
            continue  # a blank line in the middle of the file
        cell = row[date_column] if date_column < len(row) else None
        date_header = table.headers[date_column]
        try:
            day = parse_day(cell)
        except ValueError as exc:
            errors.append(RowError(number, date_header, str(exc), _cell_text(cell)))
            day = None
        if day is not None:
            if day > today + timedelta(days=1):
                errors.append(RowError(number, date_header, "future_date", _cell_text(cell)))
            elif day < EARLIEST_DAY:
                errors.append(RowError(number, date_header, "old_date", _cell_text(cell)))
            elif day in seen:
                errors.append(RowError(number, date_header, "duplicate_date", _cell_text(cell),
                                       other=seen[day]))
            else:
                seen[day] = number
                days.append(day)
        for index, metric in columns.items():
            cell = row[index] if index < len(row) else None
            try:
                value = parse_number(cell)
            except ValueError as exc:
                errors.append(RowError(number, table.headers[index], str(exc), _cell_text(cell)))
                continue
            if value is not None and day is not None:
                triples.append((day, metric, value))
    return triples, errors, days


def check_mapping(record: MetricImport, date_column: int | None, columns: dict[int, str]
                  ) -> None:
    """Refuse a mapping without a date column or metrics, or with a metric used twice."""
    width = len(record.headers)
    if date_column is None or not 0 <= date_column < width:
        raise ServiceError(_l("请选择日期列。"), code="no_date_column", field="date_column")
    if not columns:
        raise ServiceError(_l("请至少为一列选择对应的指标。"), code="no_metric_columns",
                           field="columns")
    if any(not 0 <= i < width or i == date_column for i in columns):
        raise ServiceError(_l("列的选择无效。"), code="bad_column", field="columns")
    catalog = metric_service.catalog_by_key(record.community_id)
    unknown = [m for m in columns.values() if m not in catalog]
    if unknown:
        raise ServiceError(_l("未知的指标：%(keys)s", keys="、".join(unknown)),
                           code="unknown_metric", field="columns")
    if len(set(columns.values())) != len(columns):
        raise ServiceError(_l("同一个指标只能对应一列。"), code="metric_twice", field="columns")


def apply_import(record: MetricImport, *, date_column: int | None, columns: dict[int, str],
                 today: date, actor=None) -> ImportOutcome:
    """Validate the whole file against the mapping and store it, or store nothing.

    On errors the record becomes ``failed`` with its first errors kept, and no value is
    written; the caller commits either way (the record is the only change on failure).
    """
    if not record.can_apply:
        raise ServiceError(_l("该导入已处理，不能再次提交。"), code="not_pending")
    check_mapping(record, date_column, columns)
    table = load_table(record)
    record.mapping = {"date": date_column, "columns": {str(k): v for k, v in columns.items()}}
    triples, errors, days = validate_rows(table, date_column, columns, today)
    outcome = ImportOutcome(record=record, errors=errors)
    if errors:
        record.status = ImportStatus.FAILED.value
        record.errors = [e.as_dict() for e in errors[:MAX_ERRORS_KEPT]]
        record.error_count = len(errors)
        return outcome
    if not triples:
        raise ServiceError(_l("所选的列里没有任何数值。"), code="no_values", field="columns")
    result = metric_service.upsert_values(record.community_id, triples, source="import",
                                          batch_id=record.id)
    record.status = ImportStatus.APPLIED.value
    record.errors, record.error_count = [], 0
    record.values_written = result.written
    record.first_day, record.last_day = min(days), max(days)
    record.metrics = sorted(set(columns.values()))
    record.applied_at = utcnow()
    outcome.written, outcome.unchanged = result.written, result.unchanged
    audit.record("metrics.imported", "metric_import", record.id, actor=actor,
                 community_id=record.community_id,
                 after={"file": record.filename, "values": result.written,
                        "first_day": str(record.first_day), "last_day": str(record.last_day)})
    return outcome


def finish_file(record: MetricImport) -> None:
    """Delete the stored upload of an applied or discarded import (after the commit of its
    status; the caller commits again, for the database storage deletes in a transaction)."""
    if (key := stored_key(record)) is not None:
        file_storage().delete(key)


def discard_import(record: MetricImport) -> None:
    """Give up a pending import; its file is deleted."""
    if not record.can_apply:
        raise ServiceError(_l("该导入已处理。"), code="not_pending")
    record.status = ImportStatus.DISCARDED.value


def recent_imports(community_id: int, limit: int = 20) -> list[MetricImport]:
    """The latest imports of a community, newest first."""
    return list(db.session.execute(
        db.select(MetricImport).where(MetricImport.community_id == community_id)
        .order_by(MetricImport.created_at.desc(), MetricImport.id.desc()).limit(limit)
    ).scalars())


MAX_PUSH_DAYS = 1000


class PayloadInvalid(ServiceError):
    """An API payload with one or more invalid fields; ``errors`` lists them all."""

    code = "invalid"

    def __init__(self, errors: list[dict]):
        super().__init__(errors[0]["message"] if errors else _l("请求内容无效。"))
        self.errors = errors


@dataclass
class PushOutcome:
    """What an API push stored."""

    record: MetricImport
    created: int
    updated: int
    unchanged: int


def _push_error(field_path: str, code: str, message) -> dict:
    return {"field": field_path, "code": code, "message": str(message)}


def parse_push(payload: object, catalog: set[str], today: date
               ) -> tuple[list[tuple[date, str, float]], list[dict]]:
    """Check an API payload ``{"days": [{"date": "2026-10-01", "values": {"dau": 812}}]}``.

    Returns the triples to store and every error found (field paths like
    ``days[3].values.dau``). A ``null`` value means "no value" and is skipped.
    """
    errors: list[dict] = []
    if not isinstance(payload, dict) or not isinstance(payload.get("days"), list):
        return [], [_push_error("days", "required", _l("请求体需要包含 days 数组。"))]
    days = payload["days"]
    if not days:
        return [], [_push_error("days", "empty", _l("days 不能为空。"))]
    if len(days) > MAX_PUSH_DAYS:
        return [], [_push_error("days", "too_many", _l("一次最多提交 %(n)d 天的数据。",
                                                       n=MAX_PUSH_DAYS))]
    triples: list[tuple[date, str, float]] = []
    seen: dict[date, int] = {}
    for i, entry in enumerate(days):
        where = f"days[{i}]"
        if not isinstance(entry, dict):
            errors.append(_push_error(where, "invalid", _l("每一项需要是对象。")))
            continue
        raw_day = entry.get("date")
        day = None
        if not isinstance(raw_day, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw_day):
            errors.append(_push_error(f"{where}.date", "bad_date",
                                      _l("日期格式应为 YYYY-MM-DD。")))
        else:
            try:
                day = date.fromisoformat(raw_day)
            except ValueError:
                errors.append(_push_error(f"{where}.date", "bad_date", _l("日期不存在。")))
        if day is not None:
            if day > today + timedelta(days=1) or day < EARLIEST_DAY:
                errors.append(_push_error(f"{where}.date", "date_out_of_range",
                                          _l("日期需在 2000-01-01 与今天之间。")))
                day = None
            elif day in seen:
                errors.append(_push_error(f"{where}.date", "duplicate_date",
                                          _l("日期与 days[%(other)d] 重复。", other=seen[day])))
                day = None
            else:
                seen[day] = i
        values = entry.get("values")
        if not isinstance(values, dict) or not values:
            errors.append(_push_error(f"{where}.values", "required",
                                      _l("values 需要是非空对象，如 {\"dau\": 812}。")))
            continue
        if len(values) > MAX_COLUMNS:
            errors.append(_push_error(f"{where}.values", "too_many",
                                      _l("每天最多 %(n)d 个指标。", n=MAX_COLUMNS)))
            continue
        for key, raw in values.items():
            path = f"{where}.values.{str(key)[:40]}"
            if key not in catalog:
                errors.append(_push_error(path, "unknown_metric",
                                          _l("未知的指标代码，请先在「数据」页定义自定义指标。")))
                continue
            if raw is None:
                continue
            try:
                value = metric_service.check_value(raw)
            except ValueError as exc:
                errors.append(_push_error(path, str(exc), ROW_ERRORS[str(exc)]))
                continue
            if day is not None:
                triples.append((day, key, value))
    return triples, errors


def push_values(community: Community, payload: object, *, actor, today: date) -> PushOutcome:
    """Store an API payload of daily values (all or nothing), recorded as an import.

    Idempotent: pushing the same payload again leaves the same single row per community,
    day and metric, with the same value.
    """
    catalog = set(metric_service.catalog_by_key(community.id))
    triples, errors = parse_push(payload, catalog, today)
    if errors:
        raise PayloadInvalid(errors)
    if not triples:
        raise PayloadInvalid([_push_error("days", "no_values", _l("没有任何数值。"))])
    days = sorted({d for d, _, _ in triples})
    record = MetricImport(
        community_id=community.id, created_by_id=getattr(actor, "id", None), source="api",
        status=ImportStatus.APPLIED.value, rows_total=len(days), first_day=days[0],
        last_day=days[-1], metrics=sorted({m for _, m, _ in triples}), applied_at=utcnow(),
    )
    db.session.add(record)
    db.session.flush()
    result = metric_service.upsert_values(community.id, triples, source="api",
                                          batch_id=record.id)
    record.values_written = result.written
    return PushOutcome(record=record, created=result.created, updated=result.updated,
                       unchanged=result.unchanged)


def prune_stale_uploads(older_than: timedelta = timedelta(days=7)) -> int:
    """Discard imports left waiting for their mapping, and delete their files."""
    cutoff = utcnow() - older_than
    stale = list(db.session.execute(
        db.select(MetricImport).where(
            MetricImport.source == "file",
            MetricImport.status.in_([ImportStatus.PENDING.value, ImportStatus.FAILED.value]),
            MetricImport.created_at < cutoff)
    ).scalars())
    for record in stale:
        record.status = ImportStatus.DISCARDED.value
    db.session.commit()
    for record in stale:
        finish_file(record)
    db.session.commit()
    return len(stale)
