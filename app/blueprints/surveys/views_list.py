"""The survey list (operators) and open surveys (members); creating, settings, lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

import surveys as domain
from app.blueprints.community.forms import ConfirmForm
from app.blueprints.service_calls import commit, committing
from app.blueprints.surveys import surveys_bp
from app.blueprints.surveys.common import load_survey, run
from app.blueprints.surveys.forms import NewSurveyForm, SettingsForm, choices
from app.models import ACCESS_MODE_HINTS, AccessMode
from app.security.access import community_required
from app.security.roles import Role
from app.services.errors import ServiceError
from app.services.surveys import lifecycle as survey_service
from app.services.surveys.results import community_zone

MAX_DEFINITION_BYTES = 1024 * 1024


@surveys_bp.route("/")
@community_required(Role.MEMBER)
def index(slug: str):
    """Operators manage the community's surveys; members see the surveys open to them."""
    if not g.role.at_least(Role.OPERATOR):
        open_surveys = survey_service.open_for_members(g.community, current_user)
        answered = survey_service.answered_by(
            current_user, [s.id for s in open_surveys if s.access_mode == AccessMode.MEMBER])
        return render_template("surveys/member_list.html", surveys=open_surveys,
                               answered=answered)
    rows = survey_service.list_surveys(g.community)
    return render_template("surveys/index.html", surveys=rows, confirm_form=ConfirmForm(),
                           closed_reason=survey_service.closed_reason)


def _template_choices():
    choices = [("blank", _("空白问卷"))]
    for info in domain.list_templates():
        choices.append((f"template:{info.key}", info.title))
    choices.append(("json", _("导入问卷定义（JSON）")))
    return choices


@surveys_bp.route("/new", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def new(slug: str):
    """Start a survey from scratch, from a template, or from an exported definition."""
    form = NewSurveyForm()
    form.source.choices = choices(_template_choices())
    templates = {info.key: info for info in domain.list_templates()}
    if form.validate_on_submit():
        with committing(form=form, field="source") as done:
            survey = _create(form)
        if done:
            flash(_("问卷已创建，现在可以编辑题目了。"), "success")
            return redirect(url_for("surveys.builder", slug=slug, survey_id=survey.id))
    return render_template("surveys/new.html", form=form, templates=templates,
                           hints=ACCESS_MODE_HINTS)


def _create(form: NewSurveyForm):
    source = form.source.data
    if source == "json":
        upload = form.definition_file.data
        if not upload:
            raise ServiceError(_("请选择问卷定义文件。"), field="definition_file")
        data = upload.read(MAX_DEFINITION_BYTES + 1)
        if len(data) > MAX_DEFINITION_BYTES:
            raise ServiceError(_("问卷定义文件不能超过 1 MB。"), field="definition_file")
        try:
            definition = domain.loads(data)
        except domain.DefinitionError as exc:
            raise ServiceError(_("无法读取问卷定义：%(reason)s", reason=str(exc)),
                               field="definition_file") from None
        survey = survey_service.create_survey(g.community, actor=current_user,
                                              title=form.title.data,
                                              access_mode=form.access_mode.data)
        survey_service.save_definition(survey, definition)
        if form.title.data:
            survey.title = form.title.data.strip()
            survey.definition = {**survey.definition, "title": survey.title}
        return survey
    template = source.partition(":")[2] if source.startswith("template:") else None
    return survey_service.create_survey(g.community, actor=current_user, template_key=template,
                                        title=form.title.data, access_mode=form.access_mode.data)


@surveys_bp.route("/<int:survey_id>/definition.json")
@community_required(Role.OPERATOR)
def definition_json(slug: str, survey_id: int):
    """Download the working definition as JSON (to copy a survey to another community)."""
    survey = load_survey(survey_id)
    text = survey_service.draft_definition(survey).dumps()
    return Response(text.encode("utf-8"), mimetype="application/json",
                    headers={"Content-Disposition":
                             f'attachment; filename="survey-{survey.id}.json"'})


def _local(value: datetime | None, survey) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(community_zone(survey)).replace(tzinfo=None)


def _utc(value: datetime | None, survey) -> datetime | None:
    if value is None:
        return None
    zone = community_zone(survey)
    return value.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


@surveys_bp.route("/<int:survey_id>/settings", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def settings(slug: str, survey_id: int):
    """Who may answer, until when, and how many responses to collect."""
    survey = load_survey(survey_id)
    form = SettingsForm(data={"access_mode": survey.access_mode,
                              "close_at": _local(survey.close_at, survey),
                              "max_responses": survey.max_responses,
                              "one_per_device": survey.one_per_device})
    if form.validate_on_submit():
        data = survey_service.SettingsInput(
            access_mode=form.access_mode.data, close_at=_utc(form.close_at.data, survey),
            max_responses=form.max_responses.data,
            one_per_device=bool(form.one_per_device.data))
        with committing(form=form, field="access_mode") as done:
            survey_service.update_settings(survey, data, actor=current_user)
        if done:
            flash(_("设置已保存。"), "success")
            return redirect(url_for("surveys.settings", slug=slug, survey_id=survey.id))
    return render_template("surveys/settings.html", survey=survey, form=form,
                           hints=ACCESS_MODE_HINTS, confirm_form=ConfirmForm(),
                           zone=community_zone(survey).key)


@surveys_bp.route("/<int:survey_id>/publish", methods=["POST"])
@community_required(Role.OPERATOR)
def publish(slug: str, survey_id: int):
    """Publish the survey, or publish the changes made since (as a new version)."""
    survey = load_survey(survey_id)
    if ConfirmForm().validate_on_submit():
        first = survey.live_version is None
        if run(lambda: survey_service.publish(survey, actor=current_user)):
            if first:
                flash(_("问卷已发布，现在可以分享链接了。"), "success")
            else:
                flash(_("修改已发布为第 %(n)d 版，之前的回答保留原来的版本。",
                        n=survey.live_version), "success")
            if first:
                return redirect(url_for("surveys.share", slug=slug, survey_id=survey.id))
    return redirect(url_for("surveys.builder", slug=slug, survey_id=survey.id))


@surveys_bp.route("/<int:survey_id>/close", methods=["POST"])
@community_required(Role.OPERATOR)
def close(slug: str, survey_id: int):
    """Stop collecting responses."""
    survey = load_survey(survey_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: survey_service.close(survey, actor=current_user), success=_("问卷已结束收集。"))
    return redirect(url_for("surveys.settings", slug=slug, survey_id=survey.id))


@surveys_bp.route("/<int:survey_id>/reopen", methods=["POST"])
@community_required(Role.OPERATOR)
def reopen(slug: str, survey_id: int):
    """Collect responses again."""
    survey = load_survey(survey_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: survey_service.reopen(survey, actor=current_user),
            success=_("问卷已重新开放。"))
    return redirect(url_for("surveys.settings", slug=slug, survey_id=survey.id))


@surveys_bp.route("/<int:survey_id>/discard", methods=["POST"])
@community_required(Role.OPERATOR)
def discard(slug: str, survey_id: int):
    """Throw away unpublished edits and return to the live version."""
    survey = load_survey(survey_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: survey_service.discard_changes(survey, actor=current_user),
            success=_("未发布的修改已放弃。"))
    return redirect(url_for("surveys.builder", slug=slug, survey_id=survey.id))


@surveys_bp.route("/<int:survey_id>/duplicate", methods=["POST"])
@community_required(Role.OPERATOR)
def duplicate(slug: str, survey_id: int):
    """Copy a survey into a new draft."""
    survey = load_survey(survey_id)
    if ConfirmForm().validate_on_submit():
        copy = survey_service.duplicate_survey(survey, actor=current_user)
        commit()
        flash(_("已复制为新的草稿。"), "success")
        return redirect(url_for("surveys.builder", slug=slug, survey_id=copy.id))
    return redirect(url_for("surveys.index", slug=slug))


@surveys_bp.route("/<int:survey_id>/delete", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def delete(slug: str, survey_id: int):
    """Delete a survey with all its responses (asks first)."""
    survey = load_survey(survey_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        if survey.response_count and not g.role.at_least(Role.MANAGER):
            abort(403)
        survey_service.delete_survey(survey, actor=current_user)
        commit()
        flash(_("问卷已删除。"), "success")
        return redirect(url_for("surveys.index", slug=slug))
    return render_template("surveys/delete.html", survey=survey, form=form,
                           allowed=not survey.response_count or g.role.at_least(Role.MANAGER))

