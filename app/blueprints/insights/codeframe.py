"""The code-frame page (编码框架): the built-in feedback themes as this community uses them,
with rename, switch off, extra phrases and themes of its own. Operators and up."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.insights import insights_bp
from app.blueprints.insights.forms import (
    FrameAddForm,
    FramePhrasesForm,
    FrameRenameForm,
    FrameToggleForm,
)
from app.blueprints.insights.views import _common
from app.blueprints.service_calls import run_action
from app.security.access import community_required
from app.security.roles import Role
from app.services.insights import codeframe


def _back(key: str | None = None):
    anchor = f"#frame-{key}" if key else ""
    return redirect(url_for("insights.codeframe_page", slug=g.community.slug) + anchor)


def _form_errors(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")


@insights_bp.route("/codeframe")
@community_required(Role.OPERATOR)
def codeframe_page(slug: str):
    """The community's code frame with the forms that edit it."""
    return render_template(
        "insights/codeframe.html", rows=codeframe.frame_rows(g.community.id),
        rename_form=FrameRenameForm(), toggle_form=FrameToggleForm(),
        phrases_form=FramePhrasesForm(), add_form=FrameAddForm(),
        max_phrases=codeframe.MAX_PHRASES, **_common())


@insights_bp.route("/codeframe/<key>/rename", methods=["POST"])
@community_required(Role.OPERATOR)
def codeframe_rename(slug: str, key: str):
    """Give a frame theme the community's own name."""
    form = FrameRenameForm()
    if form.validate_on_submit():
        run_action(lambda: codeframe.rename(g.community.id, key, form.name.data,
                                            actor=current_user),
                   success=_("已改名，下次分析时生效。"))
    else:
        _form_errors(form)
    return _back(key)


@insights_bp.route("/codeframe/<key>/toggle", methods=["POST"])
@community_required(Role.OPERATOR)
def codeframe_toggle(slug: str, key: str):
    """Switch a frame theme on or off."""
    form = FrameToggleForm()
    if form.validate_on_submit():
        enabled = form.enabled.data == "1"
        run_action(lambda: codeframe.set_enabled(g.community.id, key, enabled,
                                                 actor=current_user),
                   success=_("已启用，下次分析时生效。") if enabled
                   else _("已停用，下次分析时这类反馈会归入自动发现的主题。"))
    return _back(key)


@insights_bp.route("/codeframe/<key>/phrases", methods=["POST"])
@community_required(Role.OPERATOR)
def codeframe_phrases(slug: str, key: str):
    """Replace the community's extra phrases of a frame theme."""
    form = FramePhrasesForm()
    if form.validate_on_submit():
        run_action(lambda: codeframe.set_phrases(g.community.id, key, form.phrases.data or "",
                                                 actor=current_user),
                   success=_("短语已保存，下次分析时生效。"))
    else:
        _form_errors(form)
    return _back(key)


@insights_bp.route("/codeframe/add", methods=["POST"])
@community_required(Role.OPERATOR)
def codeframe_add(slug: str):
    """Add a theme of the community's own."""
    form = FrameAddForm()
    if form.validate_on_submit():
        added: list[str] = []
        if run_action(lambda: added.append(codeframe.add_theme(
                g.community.id, form.name.data, form.phrases.data, actor=current_user)),
                success=_("已新建主题，下次分析时生效。")):
            return _back(added[0])
    else:
        _form_errors(form)
    return _back()
