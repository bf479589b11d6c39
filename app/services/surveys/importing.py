"""Importing responses from spreadsheets exported by 问卷星, 腾讯问卷 or this app.

1. ``upload`` reads the file (size, encoding and format checked by the domain) and keeps it
   in the file storage (``app.storage``) with its headers on the import;
2. the operator maps columns to questions, starting from ``suggestions``;
3. ``run_import`` (a background job) parses and validates every row: all rows are stored,
   with their feedback items, or none, and the problems are kept by row number;
4. ``undo`` removes an import's responses again.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC

from flask_babel import lazy_gettext as _l

import surveys as domain
from app.extensions import db
from app.models import (
    FeedbackItem,
    ResponseSource,
    Survey,
    SurveyImport,
    SurveyResponse,
    User,
    utcnow,
)
from app.services import audit
from app.services.errors import Conflict, ServiceError
from app.services.spreadsheet_errors import refused
from app.services.surveys import lifecycle as survey_service
from app.services.surveys.responses import record_response_texts
from app.services.surveys.results import community_zone
from app.storage import FileMissing, file_storage

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: A spreadsheet is read in the web request on upload, so its work is bounded as well as its
#: size: an XLSX file unpacks into far more than it weighs (see ``surveys.xlsx_guard``).
LIMITS = domain.Limits(max_bytes=MAX_UPLOAD_BYTES, max_cells=1_000_000,
                       max_shared_strings=500_000, max_seconds=20)
MAX_STORED_ERRORS = 200
SAMPLE_ROWS = 3
UPLOADS_PREFIX = "uploads/survey-imports/"


class DuplicateFile(Conflict):
    """The same file was imported before; the operator may import it again on purpose."""

    code = "duplicate_file"


def content_hash(data: bytes) -> str:
    """The SHA-256 of an uploaded file, which recognises the same file uploaded again."""
    return hashlib.sha256(data).hexdigest()


def earlier_import(survey_id: int, digest: str, *, exclude_id: int | None = None
                   ) -> SurveyImport | None:
    """The latest import of the same file into this survey that imported (or is importing)
    its rows; an undone or failed import does not count."""
    query = db.select(SurveyImport).where(
        SurveyImport.survey_id == survey_id, SurveyImport.content_sha256 == digest,
        SurveyImport.status.in_(("queued", "done")))
    if exclude_id is not None:
        query = query.where(SurveyImport.id != exclude_id)
    return db.session.execute(
        query.order_by(SurveyImport.created_at.desc(), SurveyImport.id.desc()).limit(1)
    ).scalar_one_or_none()


def _duplicate(earlier: SurveyImport) -> DuplicateFile:
    when = earlier.created_at.replace(tzinfo=UTC).astimezone(community_zone(earlier.survey))
    when_text = when.strftime("%Y-%m-%d %H:%M")
    if earlier.status == "done":
        return DuplicateFile(_l("这个文件已经导入过（%(when)s，%(n)d 份回答）。"
                                "如果确实要再导入一次，请勾选「仍然导入」后重新上传。",
                                when=when_text, n=earlier.imported_count), field="file")
    return DuplicateFile(_l("这个文件正在导入中（%(when)s 上传）。"
                            "如果确实要再导入一次，请勾选「仍然导入」后重新上传。",
                            when=when_text), field="file")


def upload(survey: Survey, data: bytes, filename: str, *, actor: User | None,
           again: bool = False) -> SurveyImport:
    """Check and keep an uploaded spreadsheet; raises ServiceError with a clear message.

    The same file imported into the survey before raises ``DuplicateFile`` unless ``again``
    says the operator means to import it a second time.
    """
    if survey.live_version is None:
        raise Conflict(_l("请先发布问卷（发布后可以立即结束收集），再导入回答。"),
                       code="not_published")
    filename = (filename or "upload").strip()[-200:]
    if not data:
        raise ServiceError(_l("文件是空的，请重新选择。"), code="empty_file", field="file")
    digest = content_hash(data)
    if not again and (earlier := earlier_import(survey.id, digest)) is not None:
        raise _duplicate(earlier)
    try:
        sheet = domain.read_sheet(data, filename, LIMITS)
    except domain.SheetError as exc:
        raise refused(exc, LIMITS) from None
    if not sheet.rows:
        raise ServiceError(_l("表格里只有表头，没有数据行。"), code="no_rows", field="file")
    key = (f"{UPLOADS_PREFIX}{int(survey.community_id)}/{int(survey.id)}-"
           f"{secrets.token_hex(12)}.{'xlsx' if data[:2] == b'PK' else 'csv'}")
    file_storage().put(key, data, content_type="application/octet-stream",
                       community_id=survey.community_id)
    imp = SurveyImport(
        survey_id=survey.id, community_id=survey.community_id, filename=filename, file_key=key,
        content_sha256=digest, headers=list(sheet.headers), preview=_preview(sheet.rows),
        row_count=len(sheet.rows), mapping={}, options={"again": True} if again else {},
        status="uploaded", errors=[], created_by_id=getattr(actor, "id", None),
    )
    db.session.add(imp)
    db.session.flush()
    return imp


def _preview(rows) -> list[list[str]]:
    return [["" if c is None else str(c)[:200] for c in row] for row in rows[:SAMPLE_ROWS]]


def file_bytes(imp: SurveyImport) -> bytes | None:
    """The uploaded file of an import still waiting to run, or None once it is gone."""
    if imp.data is not None:  # uploaded before the file storage
        return imp.data
    if not imp.file_key:
        return None
    try:
        return file_storage().get(imp.file_key)
    except FileMissing:
        return None


def has_file(imp: SurveyImport) -> bool:
    """Whether the import's uploaded file is still kept (it can be mapped and run)."""
    if imp.data is not None:
        return True
    return bool(imp.file_key) and file_storage().exists(imp.file_key)


def drop_file(imp: SurveyImport) -> None:
    """Delete the import's uploaded file (in the caller's transaction with the database
    storage)."""
    if imp.file_key:
        file_storage().delete(imp.file_key)
        imp.file_key = None
    imp.data = None


def sample_rows(imp: SurveyImport) -> list[tuple]:
    """The first data rows, to show next to the mapping (read once, on upload)."""
    if imp.preview is not None:
        return [tuple(row) for row in imp.preview]
    data = file_bytes(imp)
    if not data:
        return []
    # An upload from before previews were kept: read it, once, and keep its preview.
    sheet = domain.read_sheet(data, imp.filename, LIMITS)
    imp.preview = _preview(sheet.rows)
    return [tuple(row) for row in imp.preview]


def targets(definition: domain.Survey) -> list[tuple[str, str]]:
    """Every mapping target as (key, label), for the operator's choice."""
    out = [("@id", str(_l("回答编号（原问卷的序号）"))), ("@submitted_at", str(_l("提交时间"))),
           ("@channel", str(_l("渠道 / 来源")))]
    for n, q in enumerate(definition.questions, start=1):
        for part, suffix in q.qtype.import_parts(q):
            key = q.id if part is None else f"{q.id}.{part}"
            label = f"{n}. {q.title}"
            if part is not None:
                label += f" — {suffix}"
            elif q.type in ("multiple_choice", "ranking"):
                label += " — （整列：多个选项在同一格）"
            out.append((key, label))
    return out


def suggestions(imp: SurveyImport, definition: domain.Survey) -> list[domain.MappingSuggestion]:
    """The proposed target of every column."""
    return domain.suggest_mapping(definition, imp.headers)


@dataclass
class ImportOptions:
    """How to read rows: channel for rows without one, and required questions."""

    channel: str | None = None
    enforce_required: bool = True


def set_mapping(imp: SurveyImport, mapping: Mapping[int, str | None], options: ImportOptions
                ) -> None:
    """Record the operator's mapping (column index → target key) before running."""
    if imp.status not in ("uploaded", "failed"):
        raise Conflict(_l("这次导入已经处理过了。"), code="import_done")
    again = bool((imp.options or {}).get("again"))
    if imp.content_sha256 and not again:
        # The same file may have been imported from another upload since this one.
        earlier = earlier_import(imp.survey_id, imp.content_sha256, exclude_id=imp.id)
        if earlier is not None:
            raise _duplicate(earlier)
    clean = {str(col): key for col, key in mapping.items() if key}
    if not clean:
        raise ServiceError(_l("请至少为一列选择对应的题目。"), code="no_mapping", field="mapping")
    imp.mapping = clean
    imp.options = {"channel": options.channel, "enforce_required": options.enforce_required,
                   **({"again": True} if again else {})}
    imp.status = "queued"
    imp.errors = []


def _channel_code(value: str | None, codes: dict[str, str]) -> str | None:
    if not value:
        return None
    return codes.get(value, value)[:64]


def run_import(imp: SurveyImport) -> SurveyImport:
    """Parse, validate and store every row, or none (COMMITS). Problems are kept on the
    import by spreadsheet row number."""
    survey = db.session.get(Survey, imp.survey_id)
    version, definition = survey_service.live_definition(survey)
    result = domain.import_responses(
        definition, file_bytes(imp) or b"", imp.filename,
        {int(col): key for col, key in (imp.mapping or {}).items()},
        limits=LIMITS, max_errors=MAX_STORED_ERRORS,
        enforce_required=bool((imp.options or {}).get("enforce_required", True)),
        channel=(imp.options or {}).get("channel") or None,
        assume_timezone=community_zone(survey),
    )
    if not result.ok:
        imp.status = "failed"
        imp.errors = [e.to_dict() for e in result.errors]
        imp.finished_at = utcnow()
        db.session.commit()
        return imp
    now = utcnow()
    # exports name their channels; a name the survey gave a channel imports as its code
    codes = {label: key for key, label in survey.channel_labels().items()}
    for parsed in result.responses:
        submitted = parsed.submitted_at
        if submitted is not None and submitted.tzinfo is not None:
            submitted = submitted.astimezone(UTC).replace(tzinfo=None)
        response = SurveyResponse(
            survey_id=survey.id, community_id=survey.community_id, version_id=version.id,
            answers=dict(parsed.answers), channel=_channel_code(parsed.channel, codes),
            source=ResponseSource.IMPORT.value, submitted_at=submitted or now,
            import_id=imp.id, external_id=(parsed.id or None) and str(parsed.id)[:64],
        )
        db.session.add(response)
        db.session.flush()
        record_response_texts(survey, version, definition, response, None)
    count = len(result.responses)
    db.session.execute(
        db.update(Survey).where(Survey.id == survey.id)
        .values(response_count=Survey.response_count + count,
                data_revision=Survey.data_revision + 1)
        .execution_options(synchronize_session=False))
    imp.status = "done"
    imp.imported_count = count
    imp.errors = []
    drop_file(imp)  # the rows now live as responses; do not keep a second copy
    imp.finished_at = utcnow()
    audit.record("survey.responses_imported", "survey", survey.id,
                 actor=imp.created_by_id and db.session.get(User, imp.created_by_id),
                 community_id=survey.community_id,
                 after={"import_id": imp.id, "count": count, "file": imp.filename})
    db.session.commit()
    return imp


def undo(imp: SurveyImport, *, actor: User | None) -> int:
    """Delete the responses (and feedback items) an import created; returns how many."""
    if imp.status != "done":
        raise Conflict(_l("只能撤销已完成的导入。"), code="import_not_done")
    ids = list(db.session.execute(
        db.select(SurveyResponse.id).where(SurveyResponse.survey_id == imp.survey_id,
                                           SurveyResponse.import_id == imp.id)).scalars())
    for start in range(0, len(ids), 500):
        db.session.execute(db.delete(FeedbackItem).where(
            FeedbackItem.community_id == imp.community_id,
            FeedbackItem.survey_id == imp.survey_id,
            FeedbackItem.response_id.in_(ids[start:start + 500])))
    db.session.execute(db.delete(SurveyResponse).where(SurveyResponse.survey_id == imp.survey_id,
                                                       SurveyResponse.import_id == imp.id))
    survey = db.session.get(Survey, imp.survey_id)
    survey.response_count = max(0, survey.response_count - len(ids))
    survey.data_revision += 1
    imp.status = "undone"
    audit.record("survey.import_undone", "survey", imp.survey_id, actor=actor,
                 community_id=imp.community_id, after={"import_id": imp.id, "count": len(ids)})
    return len(ids)


def list_imports(survey: Survey, limit: int = 20) -> list[SurveyImport]:
    """Recent imports of a survey, newest first."""
    return list(db.session.execute(
        db.select(SurveyImport).where(SurveyImport.survey_id == survey.id)
        .order_by(SurveyImport.created_at.desc(), SurveyImport.id.desc()).limit(limit)
    ).scalars())
