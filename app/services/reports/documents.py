"""Improvement reports: periods, assembling the report context from the data providers,
the HTML preview, generating the PDF (as a background job), and the archive.

The PDF is rendered by ``reports.render_pdf`` in its sandboxed helper (locked URL fetcher,
time and memory limits from the ``REPORT_*`` settings) and stored under
``instance/reports/<community id>/``; the context is stored beside it as JSON so that the
next report can follow up on this one's recommendations.
"""

from __future__ import annotations

import calendar
import logging
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Community, Membership, Report, ReportStatus, User, utcnow
from app.security.roles import Role
from app.services import audit
from app.services.errors import PermanentFailure, ServiceError
from app.services.reports import analysis as report_analysis
from app.services.reports.data import CollectedInputs, DataRequest, collect_inputs
from app.services.ttl_cache import TTLCache
from app.storage import FileMissing, file_storage
from reports import (
    PdfResult,
    RenderFailedError,
    RenderInputError,
    RenderLimits,
    RenderMemoryError,
    RenderTimeoutError,
    ReportContext,
    ReportRenderError,
    URLRefusedError,
    render_html,
    render_pdf,
)
from reports.context import Period
from reports.paths import STATIC_DIR
from reports.sections import Section, get_section, section_keys
from reports.summary_plan import MAX_OWNER_CHARS, TOP_ACTIONS, ActionAssignment

log = logging.getLogger(__name__)

PERIOD_KINDS = {
    "last_week": _l("上周"),
    "this_week": _l("本周"),
    "last_month": _l("上月"),
    "this_month": _l("本月"),
    "custom": _l("自定义"),
}
MAX_CUSTOM_DAYS = 366

#: Report titles by period kind (reports are written in Chinese).
TITLES = {
    "last_week": "社群改进周报", "this_week": "社群改进周报",
    "last_month": "社群改进月报", "this_month": "社群改进月报",
}
DEFAULT_TITLE = "社群改进报告"

#: What operators are told when a render fails, by error type.
RENDER_ERROR_MESSAGES: dict[type[ReportRenderError], object] = {
    URLRefusedError: _l("报告引用了不允许的外部资源，已停止生成。"),
    RenderTimeoutError: _l("报告生成超时，请减少章节或缩短报告期后重试。"),
    RenderMemoryError: _l("报告内容过大，生成失败（超出内存限制）。"),
    RenderInputError: _l("报告内容过大，生成失败（超出大小或层级限制）。"),
    RenderFailedError: _l("报告生成失败。"),
}

#: Progress messages of the generation job (msgids, so pages can translate them).
STAGES = {
    "collect": _l("正在读取数据"),
    "analyse": _l("正在分析指标与主题"),
    "html": _l("正在排版"),
    "pdf": _l("正在生成 PDF"),
    "store": _l("正在保存"),
    "send": _l("正在发送邮件"),
}


class ReportFailed(ServiceError, PermanentFailure):
    """Generating a report failed in a way that retrying will not fix."""

    code = "report_failed"


# --- periods -------------------------------------------------------------------------------


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _previous_month(day: date) -> date:
    """The first day of the month before ``day``'s month."""
    return _month_start(_month_start(day) - timedelta(days=1))


def resolve_period(kind: str, today: date, start: date | None = None,
                   end: date | None = None) -> tuple[Period, Period]:
    """The report period of ``kind`` and the period it is compared with.

    Weeks run Monday to Sunday and months are calendar months; "this week/month" runs up to
    today and is compared with the same days of the week/month before. A custom period is
    compared with the same number of days just before it.
    """
    monday = today - timedelta(days=today.weekday())
    if kind == "last_week":
        period = Period(monday - timedelta(days=7), monday - timedelta(days=1))
        return period, Period(period.start - timedelta(days=7), period.end - timedelta(days=7))
    if kind == "this_week":
        period = Period(monday, today)
        return period, Period(monday - timedelta(days=7), today - timedelta(days=7))
    if kind == "last_month":
        first = _previous_month(today)
        period = Period(first, _month_end(first))
        before = _previous_month(first)
        return period, Period(before, _month_end(before))
    if kind == "this_month":
        first = _month_start(today)
        period = Period(first, today)
        before = _previous_month(first)
        return period, Period(before, min(_month_end(before),
                                          before + timedelta(days=today.day - 1)))
    if kind == "custom":
        if start is None or end is None:
            raise ServiceError(_l("请填写自定义报告期的开始和结束日期。"), code="period_required",
                               field="start")
        if end < start:
            raise ServiceError(_l("结束日期不能早于开始日期。"), code="period_reversed",
                               field="end")
        if end > today:
            raise ServiceError(_l("结束日期不能晚于今天。"), code="period_future", field="end")
        if (end - start).days + 1 > MAX_CUSTOM_DAYS:
            raise ServiceError(_l("报告期最长 %(n)d 天。", n=MAX_CUSTOM_DAYS),
                               code="period_too_long", field="start")
        period = Period(start, end)
        return period, period.previous()
    raise ServiceError(_l("请选择报告期。"), code="invalid_period", field="period")


def report_title(kind: str) -> str:
    """The report's title for a period kind."""
    return TITLES.get(kind, DEFAULT_TITLE)


# --- sections ------------------------------------------------------------------------------


def all_sections() -> list[Section]:
    """Every report section, in report order."""
    return [get_section(k) for k in section_keys()]


def clean_sections(keys: Sequence[str] | None) -> list[str]:
    """Known section keys in report order (all of them when ``keys`` is empty)."""
    known = section_keys()
    chosen = [k for k in known if k in set(keys or ())]
    if keys and not chosen:
        raise ServiceError(_l("请至少选择一个章节。"), code="no_sections", field="sections")
    return chosen or known


# --- context -------------------------------------------------------------------------------


@dataclass
class AssembledContext:
    """A report context and the providers that had (or lacked) data for it."""

    context: ReportContext
    inputs: CollectedInputs

    def available(self) -> list[str]:
        """The section keys with data in this context, in report order."""
        return [s.key for s in all_sections() if s.is_available(self.context)]


def assemble(community: Community, period: Period, previous_period: Period, *,
             title: str = DEFAULT_TITLE, exclude_report_id: int | None = None,
             detail: bool = True, assignments: Sequence[ActionAssignment] = ()
             ) -> AssembledContext:
    """Collect every provider's data for the period and analyse it into a report context.

    ``detail=False`` leaves out costly extras (word clouds, quotes) when only the numbers
    and the available sections are needed. ``assignments`` are the owners and due dates of
    the executive summary's top actions.
    """
    request = DataRequest(community=community, period=period, previous_period=previous_period,
                          exclude_report_id=exclude_report_id, detail=detail)
    inputs = collect_inputs(request)
    context = report_analysis.analyse(
        community_name=community.name, period=period, previous_period=previous_period,
        title=title, options=request.options, assignments=tuple(assignments), **inputs.kwargs)
    return AssembledContext(context=context, inputs=inputs)


def top_actions(assembled: AssembledContext) -> list[dict]:
    """The executive summary's top actions, for the builder's owner and due-date fields."""
    summary = assembled.context.summary
    return [{"rank": a.rank, "theme_key": a.theme_key, "theme": a.theme_name,
             "action": a.action, "says": a.says}
            for a in (summary.actions if summary else [])]


# --- owners and due dates of the top actions -----------------------------------------------


def clean_action_plan(rows: Sequence[dict], today: date) -> list[dict]:
    """The builder's owner and due-date rows, checked: at most ``TOP_ACTIONS`` rows, owners
    trimmed, due dates not in the past. Rows with neither an owner nor a date are dropped.

    Raises ``ServiceError`` (field ``actions``) for an owner that is too long or a due date
    before ``today``.
    """
    out = []
    for position, row in enumerate(list(rows)[:TOP_ACTIONS], start=1):
        owner = " ".join(str(row.get("owner") or "").split())
        due = row.get("due")
        if not owner and due is None:
            continue
        if len(owner) > MAX_OWNER_CHARS:
            raise ServiceError(_l("负责人最多 %(n)d 个字。", n=MAX_OWNER_CHARS),
                               code="owner_too_long", field="actions")
        if due is not None and due < today:
            raise ServiceError(_l("完成日期不能早于今天。"), code="due_in_past", field="actions")
        theme_key = str(row.get("theme_key") or "")[:32]
        out.append({"rank": position, "theme_key": theme_key, "owner": owner,
                    "due": due.isoformat() if due else None})
    return out


def assignments_of(report: Report) -> list[ActionAssignment]:
    """The stored owners and due dates of a report's top actions."""
    out = []
    for row in report.action_plan or []:
        try:
            due = date.fromisoformat(row["due"]) if row.get("due") else None
            out.append(ActionAssignment(rank=int(row.get("rank", 0)),
                                        theme_key=str(row.get("theme_key") or ""),
                                        owner=str(row.get("owner") or ""), due=due))
        except (TypeError, ValueError, KeyError):
            log.warning("report %s has an unreadable action plan row", report.id)
    return out


def preview_html(assembled: AssembledContext, sections: Sequence[str], asset_base_url: str
                 ) -> str:
    """The report as HTML for the browser (the same template as the PDF)."""
    return render_html(assembled.context, clean_sections(sections),
                       asset_base_url=asset_base_url)


#: How long a preview prepared for the builder waits to be fetched by its frame.
PREVIEW_TTL_S = 120
_prepared_previews: TTLCache[tuple[int, int, str] | None] = TTLCache(PREVIEW_TTL_S,
                                                                      max_entries=64)


def keep_preview(html: str, *, community_id: int, user_id: int) -> str:
    """Keep a rendered preview for its frame to fetch once; returns the token to fetch it
    by. Per process: a frame served by another worker renders the preview again."""
    token = secrets.token_urlsafe(18)
    _prepared_previews.get_or_load(token, lambda: (community_id, user_id, html))
    return token


def take_preview(token: str, *, community_id: int, user_id: int) -> str | None:
    """The preview kept under ``token`` for this community and user (once), else None."""
    found = _prepared_previews.get_or_load(token, lambda: None, keep_none=False)
    if found is None or found[:2] != (community_id, user_id):
        return None
    _prepared_previews.forget(token)
    return found[2]


# --- storage -------------------------------------------------------------------------------


REPORTS_PREFIX = "reports/"


def pdf_key(report: Report) -> str | None:
    """The storage key of a report's PDF (``reports/<community>/<name>``), if it has one."""
    if not report.pdf_name:
        return None
    return f"{REPORTS_PREFIX}{int(report.community_id)}/{report.pdf_name}"


def pdf_bytes(report: Report) -> bytes | None:
    """The stored PDF of a report, or None when it has none or the file is gone."""
    key = pdf_key(report)
    if key is None:
        return None
    try:
        return file_storage().get(key)
    except FileMissing:
        return None


def _store_pdf(report: Report, data: bytes) -> str:
    name = f"{report.id}-{secrets.token_hex(8)}.pdf"
    file_storage().put(f"{REPORTS_PREFIX}{int(report.community_id)}/{name}", data,
                       content_type="application/pdf", community_id=report.community_id)
    return name


def download_name(report: Report) -> str:
    """The file name a downloaded PDF gets, e.g. ``改进报告-demo-2026-10-01_2026-10-31.pdf``."""
    return (f"改进报告-{report.community.slug}-{report.period_start.isoformat()}_"
            f"{report.period_end.isoformat()}.pdf")


def render_limits() -> RenderLimits:
    """PDF render limits from the configuration."""
    config = current_app.config
    return RenderLimits(
        timeout_s=float(config.get("REPORT_RENDER_TIMEOUT", 120)),
        memory_mb=int(config.get("REPORT_RENDER_MEMORY_MB", 1536)),
        max_html_bytes=int(config.get("REPORT_MAX_HTML_BYTES", 20_000_000)),
        isolation=config.get("REPORT_RENDER_ISOLATION", "server"),
    )


# --- creating and generating ---------------------------------------------------------------


def create_report(community: Community, *, period_kind: str, period: Period,
                  previous_period: Period, sections: Sequence[str], actor: User | None = None,
                  schedule_id: int | None = None,
                  action_plan: Sequence[dict] = ()) -> Report:
    """Record a report to generate (the caller enqueues the job after committing).

    ``action_plan`` holds the owners and due dates checked by ``clean_action_plan``.
    """
    report = Report(
        community_id=community.id, title=report_title(period_kind), period_kind=period_kind,
        period_start=period.start, period_end=period.end,
        previous_start=previous_period.start, previous_end=previous_period.end,
        sections=clean_sections(sections), status=ReportStatus.QUEUED.value,
        requested_by_id=getattr(actor, "id", None), schedule_id=schedule_id,
        action_plan=list(action_plan) or None,
    )
    db.session.add(report)
    db.session.flush()
    audit.record("report.requested", "report", report.id, actor=actor,
                 community_id=community.id,
                 after={"period": [period.start.isoformat(), period.end.isoformat()],
                        "sections": report.sections, "action_plan": report.action_plan})
    return report


def enqueue_generation(report: Report, *, requested_by_id: int | None = None):
    """Queue the background job that generates ``report`` (commits the session)."""
    from app.services import jobs

    run = jobs.enqueue("reports.generate", report.id, community_id=report.community_id,
                       requested_by_id=requested_by_id)
    # the job may already have finished (immediate mode): re-read before writing
    db.session.refresh(report)
    if report.job_task_id is None:
        report.job_task_id = run.task_id
        db.session.commit()
    return run


def render_document(html: str) -> PdfResult:
    """Render report HTML to PDF in the sandbox: only the report's static files and
    ``data:`` URLs may be loaded, under the configured time, memory and size limits.

    Raises ``ReportFailed`` with a message for operators when a limit is hit, a resource is
    refused or the renderer fails.
    """
    try:
        return render_pdf(html, static_dirs=(STATIC_DIR,), limits=render_limits())
    except ReportRenderError as exc:
        message = RENDER_ERROR_MESSAGES.get(type(exc), RENDER_ERROR_MESSAGES[RenderFailedError])
        log.warning("report render failed: %s", exc)
        raise ReportFailed(message, code=type(exc).__name__) from exc


Progress = Callable[[float, str], None]


def _no_progress(fraction: float, message: str) -> None:
    return None


def render_into(report: Report, progress: Progress = _no_progress) -> None:
    """Build, analyse and render ``report`` and store its PDF and context (no commit).

    Raises ``ReportFailed`` with a clear message when rendering hits a limit or fails.
    """
    community = db.session.get(Community, report.community_id)
    period = Period(report.period_start, report.period_end)
    previous_period = Period(report.previous_start, report.previous_end)
    progress(0.1, str(STAGES["collect"]))
    assembled = assemble(community, period, previous_period, title=report.title,
                         exclude_report_id=report.id, assignments=assignments_of(report))
    progress(0.45, str(STAGES["html"]))
    html = render_html(assembled.context, clean_sections(report.sections))
    progress(0.55, str(STAGES["pdf"]))
    result = render_document(html)
    for warning in result.warnings:
        log.warning("report %s: %s", report.id, warning)
    progress(0.9, str(STAGES["store"]))
    report.pdf_name = _store_pdf(report, result.pdf)
    report.pdf_bytes = len(result.pdf)
    report.page_count = result.pages
    report.render_seconds = round(result.seconds, 3)
    report.context_json = assembled.context.to_json()
    report.sections = [s for s in clean_sections(report.sections)
                       if s in assembled.available()]
    report.status = ReportStatus.READY.value
    report.error = None
    report.finished_at = utcnow()


def generate(report_id: int, progress: Progress = _no_progress) -> Report:
    """Generate one report (the body of the ``reports.generate`` job); commits its state.

    A render that hits a limit marks the report failed with a clear message and raises
    ``ReportFailed`` (retrying would fail the same way); other errors are recorded and
    re-raised so that the job is retried.
    """
    report = db.session.get(Report, report_id)
    if report is None:
        raise ReportFailed(_l("报告不存在或已被删除。"), code="report_missing")
    if report.is_ready:
        return report
    report.status = ReportStatus.RUNNING.value
    report.error = None
    db.session.commit()
    with _failing_report(report_id):
        render_into(report, progress)
    db.session.commit()
    _announce_ready(report)
    return report


def redact_context(report: Report, is_theirs: Callable[[str], bool],
                   is_their_title: Callable[[str], bool]) -> bool:
    """Take a member's quotes out of ``report``'s stored context (a member's erasure).

    The numbers stay as the report printed them; when anything was removed, a ready report
    goes back in line to be rendered again from the redacted context (``rerender_stored``);
    the caller deletes its old PDF, which still quotes the member, after the commit.
    Returns whether anything was removed."""
    from reports.redact import drop_quotes

    context = ReportContext.from_json(report.context_json)
    if not drop_quotes(context, is_theirs, is_their_title):
        return False
    report.context_json = context.to_json()
    if report.status == ReportStatus.READY:
        report.status = ReportStatus.QUEUED.value
        report.pdf_name = None
        report.pdf_bytes = report.page_count = None
        report.finished_at = None
    return True


@contextmanager
def _failing_report(report_id: int) -> Iterator[None]:
    """Mark the report failed, with the renderer's message or a generic one, when the block
    raises (after a rollback: the failure is recorded in a transaction of its own); the error
    goes on to the job, which retries."""
    try:
        yield
    except ReportFailed as exc:
        db.session.rollback()
        _mark_failed(report_id, exc.message)
        raise
    except Exception:
        db.session.rollback()
        _mark_failed(report_id, str(_l("报告生成时出现内部错误，系统会自动重试。")))
        raise


def rerender_stored(report_id: int) -> Report | None:
    """Render a report's PDF again from its stored context, without collecting its data
    anew (the body of the ``reports.redact`` job): its numbers stay those it printed."""
    report = db.session.get(Report, report_id)
    if report is None or report.is_ready or not report.context_json:
        return report
    report.status = ReportStatus.RUNNING.value
    db.session.commit()
    with _failing_report(report_id):
        html = render_html(ReportContext.from_json(report.context_json),
                           clean_sections(report.sections))
        result = render_document(html)
    report.pdf_name = _store_pdf(report, result.pdf)
    report.pdf_bytes = len(result.pdf)
    report.page_count = result.pages
    report.render_seconds = round(result.seconds, 3)
    report.status = ReportStatus.READY.value
    report.error = None
    report.finished_at = utcnow()
    db.session.commit()
    return report


def _announce_ready(report: Report) -> None:
    """Tell the community's group-chat robots that the report can be downloaded."""
    from app.services import webhooks

    community = report.community
    if webhooks.announce(
        community, "report.ready",
        title=_l("改进报告已生成：%(title)s", title=report.title),
        body=_l("%(start)s 至 %(end)s，共 %(pages)d 页。", start=report.period_start.isoformat(),
                end=report.period_end.isoformat(), pages=report.page_count or 0),
        link=f"/c/{community.slug}/reports/{report.id}",
    ):
        webhooks.flush()


def _mark_failed(report_id: int, message: str) -> None:
    report = db.session.get(Report, report_id)
    if report is not None:
        report.status = ReportStatus.FAILED.value
        report.error = message
        report.finished_at = utcnow()
        db.session.commit()


# --- the archive ---------------------------------------------------------------------------


def list_reports(community_ids: Sequence[int], *, limit: int = 50, offset: int = 0
                 ) -> list[Report]:
    """Reports of the given communities, newest first."""
    if not community_ids:
        return []
    return list(db.session.execute(
        db.select(Report).where(Report.community_id.in_(list(community_ids)))
        .order_by(Report.created_at.desc(), Report.id.desc()).limit(limit).offset(offset)
    ).scalars())


def managed_community_ids(user: User) -> list[int]:
    """Communities where ``user`` may read reports (manager or admin; all for site admins)."""
    if user.is_superuser:
        return list(db.session.execute(db.select(Community.id)).scalars())
    roles = [Role.MANAGER.value, Role.ADMIN.value]
    return list(db.session.execute(
        db.select(Membership.community_id).where(Membership.user_id == user.id,
                                                 Membership.role.in_(roles))
    ).scalars())


def delete_report(report: Report, *, actor: User | None = None) -> None:
    """Remove a report and its PDF."""
    key = pdf_key(report)
    audit.record("report.deleted", "report", report.id, actor=actor,
                 community_id=report.community_id,
                 before={"period": [report.period_start.isoformat(),
                                    report.period_end.isoformat()]})
    db.session.delete(report)
    if key is not None:
        file_storage().delete(key)


def prune_orphaned_files(min_age_s: float = 3600) -> int:
    """Delete report PDFs that no report refers to any more (e.g. of a deleted community).

    Files younger than ``min_age_s`` are kept: a render stores its PDF just before its
    report row is committed. The caller commits (the database storage deletes in its
    transaction).
    """
    known = {f"{REPORTS_PREFIX}{cid}/{name}" for cid, name in db.session.execute(
        db.select(Report.community_id, Report.pdf_name).where(Report.pdf_name.is_not(None)))}
    cutoff = utcnow() - timedelta(seconds=min_age_s)
    storage = file_storage()
    removed = 0
    for info in list(storage.list(REPORTS_PREFIX)):
        if info.key.endswith(".pdf") and info.key not in known and info.created_at < cutoff:
            storage.delete(info.key)
            removed += 1
    return removed
