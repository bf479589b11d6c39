"""The operator's message for a spreadsheet the reader refused, naming the limit it broke."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

import surveys as domain
from app.services.errors import ServiceError


def _size(n: int) -> str:
    """A byte count as the operator reads it (MB from one megabyte up, else KB)."""
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(n / 1024))} KB"


def _n(count: int) -> str:
    return f"{count:,}"


def sheet_message(exc: domain.SheetError, limits: domain.Limits):
    """The message for ``exc`` (lazily translated), with the real limit and, where known, the
    file's own figure."""
    p = exc.params
    code = exc.code
    if code == "file_too_large":
        return _l("文件过大（%(size)s，最大 %(max)s）。", size=_size(p.get("size", 0)),
                  max=_size(limits.max_bytes))
    if code == "too_large_unpacked":
        return _l("表格解压后过大（%(size)s，最多 %(max)s），请删去多余的工作表或拆分后分批导入。",
                  size=_size(p.get("size", 0)), max=_size(limits.max_uncompressed_bytes))
    if code == "too_many_parts":
        return _l("表格文件的组成部分过多（%(count)s 个，最多 %(max)s 个）。",
                  count=_n(p.get("count", 0)), max=_n(limits.max_parts))
    if code == "too_many_shared_strings":
        return _l("表格中的不同文字过多（共享字符串超过 %(max)s 个），"
                  "请删去多余的工作表或拆分后分批导入。", max=_n(limits.max_shared_strings))
    if code == "too_many_cells":
        return _l("表格的单元格过多（超过 %(max)s 个），请删去多余的工作表或拆分后分批导入。",
                  max=_n(limits.max_cells))
    if code == "part_too_complex":
        return _l("表格结构过于复杂（%(part)s 超过 %(max)s 个元素），"
                  "请在 Excel 或 WPS 中另存为新的 XLSX 或 CSV 后再上传。",
                  part=str(p.get("part", ""))[:80], max=_n(p.get("max", limits.max_other_elements)))
    if code == "too_slow":
        return _l("读取表格超过 %(seconds)d 秒，已停止，请拆分后分批导入。",
                  seconds=int(limits.max_seconds))
    if code == "too_many_rows":
        return _l("文件行数过多（最多 %(n)s 行数据）。", n=_n(limits.max_rows))
    if code == "too_many_columns":
        return _l("列数过多（最多 %(n)s 列）。", n=_n(limits.max_columns))
    if code == "empty_file":
        return _l("文件是空的。")
    if code == "unsupported_file":
        return _l("不支持的文件格式，请另存为 CSV 或 XLSX 格式后再上传。")
    if p.get("reason"):
        return _l("文件无法读取：%(reason)s。", reason=p["reason"])
    return _l("文件无法读取：请上传 UTF-8 或 GBK 编码的 CSV，或有效的 XLSX 表格。")


def refused(exc: domain.SheetError, limits: domain.Limits, *,
            code: str | None = None) -> ServiceError:
    """A ``ServiceError`` on the upload's file field for a refused spreadsheet."""
    return ServiceError(sheet_message(exc, limits), code=code or exc.code, field="file")
