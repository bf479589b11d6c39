"""Insight actions (POST): corrections of themes and items, undo, analysis runs, alerts and
closing the loop. Each view checks the form, makes one service call and redirects."""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.blueprints.insights import insights_bp
from app.blueprints.insights.forms import (
    ActForm,
    ConfirmForm,
    MergeForm,
    MoveForm,
    RenameForm,
    SeedForm,
    SentimentForm,
    SplitForm,
    TagsForm,
)
from app.blueprints.service_calls import committing, run_action
from app.models import AnalysisRun, Correction, FeedbackItem, InsightAlert
from app.security.access import community_required, get_in_community
from app.security.roles import Role
from app.services.errors import ServiceError
from app.services.insights import actions as action_service
from app.services.insights import alerts, analysis, corrections, detail
from app.services.insights.tags import set_item_tags
from app.services.tags import parse_tags


def _safe_next(default: str) -> str:
    target = (request.form.get("next") or "").strip()
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _theme_url(key: int, anchor: str = "") -> str:
    return url_for("insights.theme", slug=g.community.slug, key=key) + anchor


def _form_errors(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")


def _correct(kind: str, params: dict, success: str) -> Correction | None:
    """Apply a correction, commit, and say what happened."""
    with committing(success=success) as done:
        correction = corrections.apply(g.community, kind, params, actor=current_user)
    return correction if done else None


def _theme_or_404(key: int):
    theme = detail.theme_by_key(g.community, key)
    if theme is None:
        from flask import abort

        abort(404)
    return theme


@insights_bp.route("/themes/<int:key>/rename", methods=["POST"])
@community_required(Role.OPERATOR)
def rename(slug: str, key: int):
    """Rename a theme (later analyses keep the name)."""
    _theme_or_404(key)
    form = RenameForm()
    if form.validate_on_submit():
        _correct("rename", {"theme": key, "name": form.name.data}, _("主题已重命名。"))
    else:
        _form_errors(form)
    return redirect(_theme_url(key))


@insights_bp.route("/themes/<int:key>/merge", methods=["POST"])
@community_required(Role.OPERATOR)
def merge(slug: str, key: int):
    """Merge a theme into another one."""
    _theme_or_404(key)
    form = MergeForm()
    form.target.choices = ([SelectChoice(form.target.data, "")]
                           if form.target.data is not None else [])
    if form.validate_on_submit():
        done = _correct("merge", {"source": key, "target": form.target.data},
                        _("主题已合并。"))
        if done is not None:
            return redirect(_theme_url(form.target.data))
    else:
        _form_errors(form)
    return redirect(_theme_url(key))


@insights_bp.route("/themes/<int:key>/split", methods=["POST"])
@community_required(Role.OPERATOR)
def split(slug: str, key: int):
    """Split a theme into 2–8 new themes by re-clustering its items."""
    _theme_or_404(key)
    form = SplitForm()
    if form.validate_on_submit():
        done = _correct("split", {"theme": key, "parts": form.parts.data},
                        _("主题已拆分。"))
        if done is not None:
            return redirect(url_for("insights.overview_page", slug=slug))
    else:
        _form_errors(form)
    return redirect(_theme_url(key))


@insights_bp.route("/themes/<int:key>/archive", methods=["POST"])
@community_required(Role.OPERATOR)
def archive(slug: str, key: int):
    """Hide a theme from the overview."""
    _theme_or_404(key)
    if ConfirmForm().validate_on_submit():
        _correct("archive", {"theme": key}, _("主题已归档。"))
    return redirect(_theme_url(key))


@insights_bp.route("/themes/<int:key>/restore", methods=["POST"])
@community_required(Role.OPERATOR)
def restore(slug: str, key: int):
    """Show an archived theme again."""
    _theme_or_404(key)
    form = ConfirmForm()
    if form.validate_on_submit():
        _correct("restore", {"theme": key}, _("主题已恢复。"))
    return redirect(_safe_next(_theme_url(key)))


@insights_bp.route("/themes/seed", methods=["POST"])
@community_required(Role.OPERATOR)
def seed(slug: str):
    """Create a theme from seed words."""
    form = SeedForm()
    if form.validate_on_submit():
        try:
            words = parse_tags(form.words.data, field="words")
        except ServiceError as exc:
            flash(exc.message, "error")
            return redirect(url_for("insights.overview_page", slug=slug))
        done = _correct("seed", {"name": form.name.data, "words": words},
                        _("已按种子词新建主题。"))
        if done is not None:
            return redirect(_theme_url(done.theme_keys[-1] if done.theme_keys else 0))
    else:
        _form_errors(form)
    return redirect(url_for("insights.overview_page", slug=slug))


@insights_bp.route("/themes/<int:key>/act", methods=["POST"])
@community_required(Role.OPERATOR)
def act(slug: str, key: int):
    """Mark a theme as acted on: resolve suggestions, tell contributors, publish it."""
    theme = _theme_or_404(key)
    form = ActForm()
    if form.validate_on_submit():
        with committing() as done:
            action = action_service.act_on(g.community, theme, note=form.note.data,
                                           title=form.title.data,
                                           suggestion_ids=form.suggestions.data or [],
                                           actor=current_user)
        if done:
            flash(_("已标记为已改进，并通知了 %(n)d 位参与反馈的成员。", n=action.notified_count),
                  "success")
    else:
        _form_errors(form)
    return redirect(_theme_url(key, "#act"))


@insights_bp.route("/items/<int:item_id>/sentiment", methods=["POST"])
@community_required(Role.OPERATOR)
def set_sentiment(slug: str, item_id: int):
    """Set an item's sentiment (one click in the inbox, a theme or the queue)."""
    get_in_community(FeedbackItem, item_id)
    form = SentimentForm()
    if form.validate_on_submit() and form.label.data in (-1, 0, 1):
        _correct("sentiment", {"item": item_id, "label": form.label.data},
                 _("情感已修改。"))
    else:
        flash(_("请选择正面、中性或负面。"), "error")
    return redirect(_safe_next(url_for("insights.inbox_page", slug=slug)))


@insights_bp.route("/items/move", methods=["POST"])
@community_required(Role.OPERATOR)
def move(slug: str):
    """Move one or more items to another theme."""
    form = MoveForm()
    if not form.validate_on_submit():
        flash(_("请求无效，请重试。"), "error")
    elif form.target.data is None:
        flash(_("请选择要移动到的主题。"), "error")
    elif not form.items.data:
        flash(_("请先选择要移动的反馈。"), "error")
    else:
        for item_id in form.items.data:
            get_in_community(FeedbackItem, item_id)
        _correct("move", {"items": form.items.data, "target": form.target.data},
                 _("已移动 %(n)d 条反馈。", n=len(form.items.data)))
    return redirect(_safe_next(url_for("insights.inbox_page", slug=slug)))


@insights_bp.route("/items/<int:item_id>/tags", methods=["POST"])
@community_required(Role.OPERATOR)
def tags(slug: str, item_id: int):
    """Set an item's tags."""
    item = get_in_community(FeedbackItem, item_id)
    form = TagsForm()
    if form.validate_on_submit():
        run_action(lambda: set_item_tags(item, form.tags.data or "", actor=current_user),
                   success=_("标签已保存。"))
    else:
        _form_errors(form)
    return redirect(_safe_next(url_for("insights.inbox_page", slug=slug)))


@insights_bp.route("/corrections/<int:correction_id>/undo", methods=["POST"])
@community_required(Role.OPERATOR)
def undo(slug: str, correction_id: int):
    """Undo a correction, restoring exactly the state before it."""
    correction = get_in_community(Correction, correction_id)
    if ConfirmForm().validate_on_submit():
        with committing(success=_("已撤销。")):
            corrections.undo(correction, actor=current_user)
    return redirect(_safe_next(url_for("insights.corrections_page", slug=slug)))


@insights_bp.route("/runs", methods=["POST"])
@community_required(Role.OPERATOR)
def start_run(slug: str):
    """Start a full re-analysis in the background."""
    if ConfirmForm().validate_on_submit():
        # The service commits when it queues the job; committing() shows its refusals.
        with committing() as done:
            analysis.request_run(g.community, actor=current_user)
        if done:
            flash(_("已开始重新分析，完成前仍显示上一次的结果。"), "success")
    return redirect(url_for("insights.runs", slug=slug))


@insights_bp.route("/runs/<int:run_id>/retry", methods=["POST"])
@community_required(Role.OPERATOR)
def retry_run(slug: str, run_id: int):
    """Run a failed analysis again."""
    run = get_in_community(AnalysisRun, run_id)
    if ConfirmForm().validate_on_submit():
        # The service commits when it queues the job; committing() shows its refusals.
        with committing() as done:
            analysis.retry_run(run, actor=current_user)
        if done:
            flash(_("已重新开始分析。"), "success")
    return redirect(url_for("insights.runs", slug=slug))


@insights_bp.route("/alerts/<int:alert_id>/ack", methods=["POST"])
@community_required(Role.OPERATOR)
def acknowledge(slug: str, alert_id: int):
    """Mark an alert as handled."""
    alert = get_in_community(InsightAlert, alert_id)
    if ConfirmForm().validate_on_submit():
        run_action(lambda: alerts.acknowledge(alert, actor=current_user), success=_("提醒已确认。"))
    return redirect(_safe_next(url_for("insights.alerts_page", slug=slug)))
