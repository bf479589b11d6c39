"""Report pages. Managers and admins build, preview, generate, download and schedule reports;
``/reports`` lists the reports of every community one manages."""

from __future__ import annotations

import base64
import hashlib
import re

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.reports import reports_bp, reports_global_bp
from app.blueprints.reports.forms import SECTION_LABELS, BuilderForm, ConfirmForm, ScheduleForm
from app.blueprints.service_calls import commit, committing
from app.extensions import db
from app.models import (
    CADENCE_LABELS,
    REPORT_STATUS_LABELS,
    SCHEDULE_STATUS_LABELS,
    Community,
    JobRun,
    Report,
    ReportSchedule,
    ReportStatus,
)
from app.security.access import community_required, get_in_community, login_required, public
from app.security.roles import Role
from app.services.errors import ServiceError
from app.services.metrics import values as metric_service
from app.services.reports import documents as report_service
from app.services.reports import schedules as report_schedules
from app.storage import FileMissing, send_stored
from reports.paths import STATIC_DIR

PAGE_SIZE = 30


def _page() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


def _managed_choices() -> list[tuple[str, str]]:
    ids = report_service.managed_community_ids(current_user)
    rows = db.session.execute(db.select(Community.slug, Community.name)
                              .where(Community.id.in_(ids)).order_by(Community.name)).all()
    return [(slug, name) for slug, name in rows]


@reports_bp.route("/")
@community_required(Role.MANAGER)
def index(slug: str):
    """The community's report archive and its schedules."""
    page = _page()
    rows = report_service.list_reports([g.community.id], limit=PAGE_SIZE + 1,
                                       offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "reports/index.html", reports=rows[:PAGE_SIZE], page=page,
        has_next=len(rows) > PAGE_SIZE, status_labels=REPORT_STATUS_LABELS,
        schedules=report_schedules.list_schedules(g.community.id),
        cadence_labels=CADENCE_LABELS, schedule_labels=SCHEDULE_STATUS_LABELS,
        confirm_form=ConfirmForm(), active_nav="reports",
    )


def _builder_form(formdata) -> BuilderForm:
    # a GET only previews: it needs no CSRF token (and must not put one in the URL)
    meta = {} if request.method == "POST" else {"csrf": False}
    form = BuilderForm(formdata, meta=meta)
    form.community.choices = _managed_choices()
    if not form.community.data:
        form.community.data = g.community.slug
    if not form.is_submitted() and not formdata.get("period"):
        form.period.data = "last_month"
    return form


def _resolve(form: BuilderForm):
    return report_service.resolve_period(form.period.data or "last_month",
                                         metric_service.local_today(g.community),
                                         form.start.data, form.end.data)


def _preview_args(form: BuilderForm, period) -> dict:
    args = {"period": form.period.data, "sections": form.sections.data or []}
    if form.period.data == "custom":
        args.update(start=period.start.isoformat(), end=period.end.isoformat())
    return args


@reports_bp.route("/new", methods=["GET", "POST"])
@community_required(Role.MANAGER)
def builder(slug: str):
    """Pick the period and sections, name who does the top actions by when, and generate.

    The page opens at once: it never analyses the data itself. Its script asks ``outline``
    for the top actions and the sections with data, then loads the preview into the frame,
    showing the progress meanwhile. The form posts with ``action=generate`` (queue the PDF)
    or, without JavaScript, ``action=preview`` (show the preview of these choices).
    """
    form = _builder_form(request.form if request.method == "POST" else request.args)
    if form.community.data != slug:
        # another community picked in the selector: its own builder checks access
        return redirect(url_for("reports.builder", slug=form.community.data,
                                period=form.period.data, start=form.start.raw_data or None,
                                end=form.end.raw_data or None))
    period = previous = None
    try:
        period, previous = _resolve(form)
    except ServiceError as exc:
        getattr(form, exc.field or "period", form.period).errors.append(exc.message)
    if request.method == "GET" and "sections" not in request.args:
        form.sections.data = report_service.clean_sections(None)
    generate = request.method == "POST" and request.form.get("action") == "generate"
    if generate and period is not None and form.validate():
        try:
            plan = report_service.clean_action_plan(
                form.action_rows(), metric_service.local_today(g.community))
        except ServiceError as exc:
            form.actions.errors.append(exc.message)
        else:
            report = report_service.create_report(
                g.community, period_kind=form.period.data, period=period,
                previous_period=previous, sections=form.sections.data or [],
                actor=current_user, action_plan=plan)
            report_service.enqueue_generation(report, requested_by_id=current_user.id)
            flash(_("报告已加入生成队列。"), "success")
            return redirect(url_for("reports.show", slug=slug, report_id=report.id))
    preview_url = outline_url = None
    if period is not None:
        args = _preview_args(form, period)
        preview_url = url_for("reports.preview", slug=slug, **args)
        outline_url = url_for("reports.outline", slug=slug, **args)
    return render_template(
        "reports/builder.html", form=form, period=period, previous=previous,
        section_labels=SECTION_LABELS, preview_url=preview_url, outline_url=outline_url,
        active_nav="reports",
    )


@reports_bp.route("/new/outline")
@community_required(Role.MANAGER)
def outline(slug: str):
    """The builder's data, as JSON: the sections with data, the top actions (for their
    owner and due-date fields), and the address of the preview it prepared meanwhile."""
    form = BuilderForm(request.args, meta={"csrf": False})
    try:
        period, previous = _resolve(form)
        sections = report_service.clean_sections(request.args.getlist("sections"))
    except ServiceError as exc:
        response = jsonify({"ok": False, "error": exc.message})
        response.status_code = 400
        return response
    assembled = report_service.assemble(g.community, period, previous,
                                        title=report_service.report_title(form.period.data))
    html = report_service.preview_html(
        assembled, sections, asset_base_url=url_for("reports_global.asset", filename=""))
    token = report_service.keep_preview(html, community_id=g.community.id,
                                        user_id=current_user.id)
    args = {"period": form.period.data, "sections": sections, "token": token}
    if form.period.data == "custom":
        args.update(start=period.start.isoformat(), end=period.end.isoformat())
    available = assembled.available()
    response = jsonify({
        "ok": True,
        "available": available,
        "no_data": [k for k in sections if k not in available],
        "actions": report_service.top_actions(assembled),
        "preview_url": url_for("reports.preview", slug=slug, **args),
    })
    response.headers["Cache-Control"] = "private, no-store"
    return response


_STYLE_RE = re.compile(r"<style>(.*?)</style>", re.S)


def _style_hashes(html: str) -> str:
    hashes = []
    for css in _STYLE_RE.findall(html):
        digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return " ".join(hashes) or "'none'"


@reports_bp.route("/preview")
@community_required(Role.MANAGER)
def preview(slug: str):
    """The report as HTML, for the builder's preview frame (the same template as the PDF).

    The report inlines its stylesheet; the page's CSP allows exactly that stylesheet by its
    hash, no scripts at all, and framing only by our own pages.
    """
    form = BuilderForm(request.args, meta={"csrf": False})
    try:
        period, previous = _resolve(form)
    except ServiceError as exc:
        return Response(exc.message, status=400, mimetype="text/plain")
    # the builder's outline request prepared it already (once, for this manager)
    html = report_service.take_preview(request.args.get("token", ""),
                                       community_id=g.community.id, user_id=current_user.id)
    if html is None:
        assembled = report_service.assemble(g.community, period, previous,
                                            title=report_service.report_title(form.period.data))
        html = report_service.preview_html(
            assembled, request.args.getlist("sections"),
            asset_base_url=url_for("reports_global.asset", filename=""))
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src {_style_hashes(html)}; img-src 'self' data:; "
        "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _job_of(report: Report) -> JobRun | None:
    if not report.job_task_id:
        return None
    return db.session.execute(
        db.select(JobRun).where(JobRun.task_id == report.job_task_id)
    ).scalar_one_or_none()


def _status_payload(report: Report) -> dict:
    run = _job_of(report)
    progress = 1.0 if report.is_finished else (run.progress if run else 0.0)
    message = run.progress_message if run and run.progress_message else ""
    return {
        "id": report.id,
        "status": report.status,
        "label": str(REPORT_STATUS_LABELS[report.status_enum]),
        "progress": round(progress, 3),
        "message": _(message) if message else "",
        "error": report.error,
        "finished": report.is_finished,
        "ready": report.is_ready,
        "pages": report.page_count,
        "download_url": url_for("reports.download", slug=report.community.slug,
                                report_id=report.id) if report.is_ready else None,
    }


@reports_bp.route("/<int:report_id>")
@community_required(Role.MANAGER)
def show(slug: str, report_id: int):
    """One report: generation progress, then the download, or the error."""
    report = get_in_community(Report, report_id)
    return render_template(
        "reports/show.html", report=report, status=_status_payload(report), job=_job_of(report),
        status_labels=REPORT_STATUS_LABELS, section_labels=SECTION_LABELS,
        confirm_form=ConfirmForm(), active_nav="reports",
    )


@reports_bp.route("/<int:report_id>/status")
@community_required(Role.MANAGER)
def status(slug: str, report_id: int):
    """Generation state and progress as JSON (polled by the report page)."""
    report = get_in_community(Report, report_id)
    response = jsonify(_status_payload(report))
    response.headers["Cache-Control"] = "no-store"
    return response


@reports_bp.route("/<int:report_id>/pdf")
@community_required(Role.MANAGER)
def download(slug: str, report_id: int):
    """The report's PDF, as an attachment."""
    report = get_in_community(Report, report_id)
    key = report_service.pdf_key(report) if report.is_ready else None
    if key is None:
        abort(404)
    try:
        return send_stored(key, mimetype="application/pdf",
                           download_name=report_service.download_name(report))
    except FileMissing:
        abort(404)


@reports_bp.route("/<int:report_id>/retry", methods=["POST"])
@community_required(Role.MANAGER)
def retry(slug: str, report_id: int):
    """Generate a failed report again."""
    report = get_in_community(Report, report_id)
    if ConfirmForm().validate_on_submit():
        if report.status != ReportStatus.FAILED:
            flash(_("只有生成失败的报告可以重试。"), "error")
        else:
            report.status, report.error, report.job_task_id = ReportStatus.QUEUED.value, None, None
            commit()
            report_service.enqueue_generation(report, requested_by_id=current_user.id)
            flash(_("报告已重新加入生成队列。"), "success")
    return redirect(url_for("reports.show", slug=slug, report_id=report_id))


@reports_bp.route("/<int:report_id>/delete", methods=["POST"])
@community_required(Role.MANAGER)
def delete(slug: str, report_id: int):
    """Remove a report from the archive."""
    report = get_in_community(Report, report_id)
    if ConfirmForm().validate_on_submit():
        report_service.delete_report(report, actor=current_user)
        commit()
        flash(_("报告已删除。"), "success")
    return redirect(url_for("reports.index", slug=slug))


# --- schedules -------------------------------------------------------------------------------


def _schedule_form(schedule: ReportSchedule | None = None) -> ScheduleForm:
    form = ScheduleForm(obj=None)
    eligible = report_schedules.eligible_recipients(g.community)
    form.recipients.choices = [(u.id, f"{u.display_name} <{u.email}>") for u in eligible]
    if not form.is_submitted():
        if schedule is not None:
            form.cadence.data = schedule.cadence
            form.weekday.data = str(schedule.send_day) if schedule.cadence == "weekly" else "0"
            form.day_of_month.data = schedule.send_day if schedule.cadence == "monthly" else 1
            form.send_hour.data = schedule.send_hour
            form.recipients.data = [u.id for u in schedule.recipients]
            form.extra_emails.data = "\n".join(schedule.extra_emails or [])
            form.sections.data = list(schedule.sections or [])
            form.active.data = schedule.active
        else:
            form.recipients.data = [u.id for u in eligible if u.id == current_user.id]
            form.sections.data = report_service.clean_sections(None)
    return form


def _save_schedule(form: ScheduleForm, schedule: ReportSchedule | None):
    with committing(form=form, field="cadence") as done:
        saved = report_schedules.save_schedule(
            g.community, cadence=form.cadence.data, send_day=form.send_day(),
            send_hour=form.send_hour.data if form.send_hour.data is not None else 8,
            sections=form.sections.data or [], recipient_ids=form.recipients.data or [],
            extra_emails=form.extra_emails.data or "", active=form.active.data,
            schedule=schedule, actor=current_user)
    return saved if done else None


@reports_bp.route("/schedules", methods=["GET", "POST"])
@community_required(Role.MANAGER)
def schedules(slug: str):
    """The community's report schedules, and a form to add one."""
    form = _schedule_form()
    if form.validate_on_submit() and _save_schedule(form, None) is not None:
        flash(_("定期发送已设置。"), "success")
        return redirect(url_for("reports.schedules", slug=slug))
    rows = report_schedules.list_schedules(g.community.id)
    return render_template(
        "reports/schedules.html", form=form, schedules=rows,
        last_reports={s.id: report_schedules.last_report(s) for s in rows},
        cadence_labels=CADENCE_LABELS, schedule_labels=SCHEDULE_STATUS_LABELS,
        weekday_labels=report_schedules.WEEKDAY_LABELS, status_labels=REPORT_STATUS_LABELS,
        section_labels=SECTION_LABELS,
        mail_configured=bool(current_app.config.get("MAIL_SERVER")),
        confirm_form=ConfirmForm(), active_nav="reports",
    )


@reports_bp.route("/schedules/<int:schedule_id>", methods=["GET", "POST"])
@community_required(Role.MANAGER)
def edit_schedule(slug: str, schedule_id: int):
    """Change a schedule."""
    schedule = get_in_community(ReportSchedule, schedule_id)
    form = _schedule_form(schedule)
    if form.validate_on_submit() and _save_schedule(form, schedule) is not None:
        flash(_("定期发送已保存。"), "success")
        return redirect(url_for("reports.schedules", slug=slug))
    return render_template("reports/schedule_edit.html", form=form, schedule=schedule,
                           section_labels=SECTION_LABELS, active_nav="reports")


@reports_bp.route("/schedules/<int:schedule_id>/delete", methods=["POST"])
@community_required(Role.MANAGER)
def delete_schedule(slug: str, schedule_id: int):
    """Stop and remove a schedule."""
    schedule = get_in_community(ReportSchedule, schedule_id)
    if ConfirmForm().validate_on_submit():
        report_schedules.delete_schedule(schedule, actor=current_user)
        commit()
        flash(_("定期发送已删除。"), "success")
    return redirect(url_for("reports.schedules", slug=slug))


@reports_bp.route("/schedules/<int:schedule_id>/send", methods=["POST"])
@community_required(Role.MANAGER)
def send_schedule_now(slug: str, schedule_id: int):
    """Generate and e-mail a schedule's report now."""
    schedule = get_in_community(ReportSchedule, schedule_id)
    if ConfirmForm().validate_on_submit():
        report = report_schedules.send_now(schedule, actor=current_user)
        flash(_("报告正在生成，完成后将发送给收件人。"), "success")
        return redirect(url_for("reports.show", slug=slug, report_id=report.id))
    return redirect(url_for("reports.schedules", slug=slug))


# --- outside one community -------------------------------------------------------------------


@reports_global_bp.route("/reports")
@login_required
def mine():
    """Reports of every community where you are a manager or admin."""
    ids = report_service.managed_community_ids(current_user)
    page = _page()
    rows = report_service.list_reports(ids, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    communities = db.session.execute(
        db.select(Community).where(Community.id.in_(ids)).order_by(Community.name)
    ).scalars().all() if ids else []
    return render_template("reports/mine.html", reports=rows[:PAGE_SIZE], page=page,
                           has_next=len(rows) > PAGE_SIZE, communities=communities,
                           status_labels=REPORT_STATUS_LABELS)


@reports_global_bp.route("/report-assets/<path:filename>")
@public
def asset(filename: str):
    """The report's own static files (its logo), for the HTML preview."""
    return send_from_directory(STATIC_DIR, filename, max_age=3600)
