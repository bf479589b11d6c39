"""Home, language choice, health check and the list of one's communities."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.blueprints.service_calls import committing
from app.extensions import db
from app.security.access import login_required, public, superuser_required
from app.services.accounts import communities as community_service

main_bp = Blueprint("main", __name__)


class LanguageForm(FlaskForm):
    """Switch the interface language."""

    lang = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class CommunityForm(FlaskForm):
    """Create a community."""

    name = StringField(_l("社群名称"), validators=[DataRequired(_l("请填写社群名称。")),
                                                   Length(max=120)])
    slug = StringField(_l("短网址"), validators=[DataRequired(_l("请填写短网址。")),
                                                 Length(max=64)])
    description = TextAreaField(_l("简介"), validators=[Length(max=2000)])


@main_bp.route("/")
@public
def index():
    """Signed-in people go to their community (or the list); visitors see the sign-in page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    mine = community_service.communities_for(current_user)
    if len(mine) == 1:
        return redirect(url_for("community.home", slug=mine[0].community.slug))
    return redirect(url_for("main.communities"))


@main_bp.route("/communities")
@login_required
def communities():
    """The communities you belong to."""
    mine = community_service.communities_for(current_user)
    return render_template("main/communities.html", communities=mine)


@main_bp.route("/communities/new", methods=["GET", "POST"])
@superuser_required
def new_community():
    """Site administrators create communities."""
    form = CommunityForm()
    if form.validate_on_submit():
        with committing(form=form, field="name") as done:
            community = community_service.create_community(
                form.name.data, form.slug.data, actor=current_user,
                description=form.description.data or "",
            )
        if done:
            flash(_("社群已创建。"), "success")
            return redirect(url_for("community.home", slug=community.slug))
    return render_template("main/new_community.html", form=form)


@main_bp.route("/set-language", methods=["POST"])
@public
def set_language():
    """Remember the chosen interface language in the session."""
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        session["lang"] = form.lang.data
    target = form.next.data or url_for("main.index")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.index")
    return redirect(target)


@main_bp.route("/healthz")
@public
def healthz():
    """Liveness and database check for load balancers."""
    db.session.execute(db.text("SELECT 1"))
    return jsonify({"success": True, "data": {"status": "ok"}})
