"""Importing responses from 问卷星 / 腾讯问卷-style spreadsheets: upload, map columns to
questions (with suggestions), run as a background job (all rows or none), undo."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.community.forms import ConfirmForm
from app.blueprints.service_calls import commit, committing
from app.blueprints.surveys import surveys_bp
from app.blueprints.surveys.common import load_survey
from app.blueprints.surveys.forms import ImportRunForm, ImportUploadForm, choices
from app.extensions import db
from app.models import SurveyImport
from app.security.access import community_required, get_in_community
from app.security.roles import Role
from app.services import jobs
from app.services.errors import ServiceError
from app.services.surveys import importing as import_service
from app.services.surveys import lifecycle as survey_service

IMPORT_JOB = "surveys.import_responses"


@surveys_bp.route("/<int:survey_id>/import", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def import_upload(slug: str, survey_id: int):
    """Upload a spreadsheet of responses."""
    survey = load_survey(survey_id)
    form = ImportUploadForm()
    duplicate = False
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(import_service.MAX_UPLOAD_BYTES + 1)
        with committing(form=form, field="file") as done:
            if len(data) > import_service.MAX_UPLOAD_BYTES:
                raise ServiceError(_("文件超过 10 MB，请拆分后分批导入。"), field="file")
            imp = import_service.upload(survey, data, upload.filename or "", actor=current_user,
                                        again=bool(form.again.data))
        duplicate = done.error is not None and done.error.code == import_service.DuplicateFile.code
        if done:
            return redirect(url_for("surveys.import_detail", slug=slug, survey_id=survey.id,
                                    import_id=imp.id))
    return render_template("surveys/import_upload.html", survey=survey, form=form,
                           duplicate=duplicate, imports=import_service.list_imports(survey),
                           published=survey.live_version is not None)


def _load_import(survey, import_id: int) -> SurveyImport:
    imp = get_in_community(SurveyImport, import_id)
    if imp.survey_id != survey.id:
        abort(404)
    return imp


@surveys_bp.route("/<int:survey_id>/import/<int:import_id>", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def import_detail(slug: str, survey_id: int, import_id: int):
    """Map columns and run; then the outcome (errors by row, or how many were imported)."""
    survey = load_survey(survey_id)
    imp = _load_import(survey, import_id)
    _version, definition = survey_service.live_definition(survey)
    form = ImportRunForm()
    form.channel.choices = choices([("", _("（不记录渠道）"))] + [
        (c["key"], c.get("label") or c["key"]) for c in survey.channels or []])
    targets = import_service.targets(definition)
    valid = {key for key, _label in targets}
    if request.method == "POST" and imp.status in ("uploaded", "failed"):
        if form.validate_on_submit():
            mapping = {}
            for n in range(len(imp.headers)):
                key = request.form.get(f"col-{n}") or None
                mapping[n] = key if key in valid else None
            with committing() as done:
                import_service.set_mapping(imp, mapping, import_service.ImportOptions(
                    channel=form.channel.data or None,
                    enforce_required=form.enforce_required.data))
            if done:
                run = jobs.enqueue(IMPORT_JOB, imp.id, community_id=survey.community_id,
                                   requested_by_id=current_user.id)
                imp = db.session.get(SurveyImport, imp.id)
                imp.options = {**(imp.options or {}), "job_run_id": run.id}
                commit()
                return redirect(url_for("surveys.import_detail", slug=slug, survey_id=survey.id,
                                        import_id=imp.id))
    has_file = import_service.has_file(imp)
    suggestions = import_service.suggestions(imp, definition) if has_file else []
    chosen = {}
    if imp.mapping:
        chosen = {int(k): v for k, v in imp.mapping.items()}
    else:
        chosen = {s.column: s.target.key for s in suggestions if s.target is not None}
    if request.method == "GET" and imp.options:
        form.channel.data = imp.options.get("channel") or ""
        form.enforce_required.data = imp.options.get("enforce_required", True)
    return render_template(
        "surveys/import_detail.html", survey=survey, imp=imp, has_file=has_file, form=form,
        targets=targets,
        suggestions={s.column: s for s in suggestions}, chosen=chosen,
        samples=import_service.sample_rows(imp), confirm_form=ConfirmForm())


@surveys_bp.route("/<int:survey_id>/import/<int:import_id>/undo", methods=["POST"])
@community_required(Role.OPERATOR)
def import_undo(slug: str, survey_id: int, import_id: int):
    """Remove the responses an import created."""
    survey = load_survey(survey_id)
    imp = _load_import(survey, import_id)
    if ConfirmForm().validate_on_submit():
        with committing() as done:
            count = import_service.undo(imp, actor=current_user)
        if done:
            flash(_("已撤销导入，删除了 %(n)d 份回答。", n=count), "success")
    return redirect(url_for("surveys.import_detail", slug=slug, survey_id=survey.id,
                            import_id=imp.id))
