"""Reading and writing spreadsheets (CSV and XLSX) safely.

Writing defuses formulas: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return (or with ``'``, so that the rule can be undone exactly) gets a ``'`` in front,
so Excel and WPS show it as text instead of running it. Real numbers stay numbers.
Reading undoes that prefix, accepts CSV in UTF-8 (with or without BOM), UTF-16 or GBK /
GB18030 and XLSX, and enforces size limits before parsing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_UNDO_STARTS = (*FORMULA_STARTS, "'")


def defuse(value: str) -> str:
    """Prefix a text cell with ``'`` when a spreadsheet could read it as a formula."""
    return "'" + value if value.startswith(_UNDO_STARTS) else value


def undefuse(value: str) -> str:
    """Undo ``defuse`` (only a ``'`` followed by a character that ``defuse`` guards goes)."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(_UNDO_STARTS):
        return value[1:]
    return value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return defuse(str(value))


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV bytes in UTF-8 with a BOM (so Excel opens Chinese correctly), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([defuse(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]],
               sheet_title: str = "回答", numeric: Sequence[bool] | None = None) -> bytes:
    """XLSX bytes: a bold, frozen header row, then the rows (texts defused)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def text(value: str) -> str:
        return defuse(ILLEGAL_CHARACTERS_RE.sub("", value))

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title[:31] or "Sheet1")
    ws.freeze_panes = "A2"
    for n, header in enumerate(headers, start=1):
        narrow = numeric is not None and numeric[n - 1]
        ws.column_dimensions[get_column_letter(n)].width = 12 if narrow else min(
            40, max(12, len(header) * 1.6))
    bold = Font(bold=True)
    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=text(h))
        cell.font = bold
        head.append(cell)
    ws.append(head)
    for row in rows:
        out = []
        for v in row:
            if isinstance(v, str):
                v = text(v)
            elif isinstance(v, datetime) and v.tzinfo is not None:
                v = v.replace(tzinfo=None)  # XLSX has no time zones; export converts first
            out.append(v)
        ws.append(out)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# -- reading ------------------------------------------------------------------------------

class SheetError(ValueError):
    """A spreadsheet could not be read; ``code`` and ``params`` say why."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Limits:
    """Size limits for uploaded spreadsheets.

    An XLSX file is a zip of XML parts, so a few hundred kilobytes can unpack into millions of
    cells, shared strings or styles; each is bounded before the parser sees it (``xlsx_guard``)
    and the read stops at ``max_seconds``.
    """

    max_bytes: int = 10 * 1024 * 1024
    max_rows: int = 20_000
    max_columns: int = 1_000
    max_cells: int = 1_000_000
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_shared_strings: int = 500_000
    #: XML elements in a part that is neither a worksheet nor the shared strings (styles,
    #: workbook, theme…); Excel itself allows 64,000 cell formats.
    max_other_elements: int = 200_000
    max_parts: int = 500
    max_seconds: float = 30.0


@dataclass(frozen=True)
class Sheet:
    """A table read from a file: the header row and the data rows (cells as read: text for
    CSV; text, numbers, dates or None for XLSX; formula guards removed)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def read_sheet(data: bytes, filename: str | None = None, limits: Limits | None = None) -> Sheet:
    """Read the first sheet of an XLSX file or a CSV file; raises SheetError."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise SheetError("file_too_large", size=len(data), max=limits.max_bytes)
    name = (filename or "").lower()
    if data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise SheetError("unsupported_file")
    if data.startswith(b"PK\x03\x04") or name.endswith(".xlsx"):
        rows = _read_xlsx(data, limits)
    else:
        rows = _read_csv(data, limits)
    while rows and all(c is None or (isinstance(c, str) and not c.strip()) for c in rows[-1]):
        rows.pop()
    if not rows:
        raise SheetError("empty_file")
    width = max(len(r) for r in rows)
    if width > limits.max_columns:
        raise SheetError("too_many_columns", count=width, max=limits.max_columns)
    rows = [tuple(r) + (None,) * (width - len(r)) for r in rows]
    headers = tuple("" if c is None else str(c).strip() for c in rows[0])
    return Sheet(headers, tuple(rows[1:]))


def _clean(cell: Any) -> Any:
    return undefuse(cell) if isinstance(cell, str) else cell


def decode_text(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (covers GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SheetError("unreadable_file",
                         reason="无法识别文件编码（支持 UTF-8 和 GBK）") from None


def _guess_delimiter(text: str) -> str:
    """The delimiter (comma, tab or semicolon) that splits the header row into the most
    fields; the header is the most regular line of an export."""
    head = text[:65536]
    best, best_count = ",", 0
    for delimiter in (",", "\t", ";"):
        row = next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), [])
        if len(row) > best_count:
            best, best_count = delimiter, len(row)
    return best


def _read_csv(data: bytes, limits: Limits) -> list[list[Any]]:
    text = decode_text(data)
    delimiter = _guess_delimiter(text)
    rows: list[list[Any]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) > limits.max_rows:
                raise SheetError("too_many_rows", max=limits.max_rows)
            if len(row) > limits.max_columns:
                raise SheetError("too_many_columns", count=len(row), max=limits.max_columns)
            cells += len(row)
            if cells > limits.max_cells:
                raise SheetError("too_many_cells", max=limits.max_cells)
            rows.append([_clean(c) for c in row])
    except csv.Error as exc:
        raise SheetError("unreadable_file", reason=f"CSV 格式错误：{exc}") from None
    return rows


def _read_xlsx(data: bytes, limits: Limits) -> list[list[Any]]:
    import warnings

    from openpyxl import load_workbook

    from surveys.xlsx_guard import Deadline, check_parts

    deadline = Deadline(limits.max_seconds)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise SheetError("unreadable_file", reason="不是有效的 XLSX 文件") from None
    with archive:
        try:
            check_parts(archive, limits, deadline)
        except SheetError:
            raise
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):  # a damaged member
            raise SheetError("unreadable_file", reason="不是有效的 XLSX 文件") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                               keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise SheetError("unreadable_file", reason=f"不是有效的 XLSX 文件（{type(exc).__name__}）"
                         ) from None
    try:
        if not wb.worksheets:
            raise SheetError("empty_file")
        ws = wb.worksheets[0]
        rows: list[list[Any]] = []
        cells = 0
        for row in ws.iter_rows(values_only=True):
            if len(rows) >= limits.max_rows + 1:
                raise SheetError("too_many_rows", max=limits.max_rows)
            if len(row) > limits.max_columns:
                raise SheetError("too_many_columns", count=len(row), max=limits.max_columns)
            cells += len(row)
            if cells > limits.max_cells:
                raise SheetError("too_many_cells", max=limits.max_cells)
            if len(rows) % 256 == 0:
                deadline.check()
            rows.append([_clean(c) for c in row])
        return rows
    finally:
        wb.close()
