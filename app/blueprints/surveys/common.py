"""Helpers shared by the survey views: loading a survey of the current community, the
survey's tab bar, and turning service errors into flashed messages."""

from __future__ import annotations

from flask import flash, g, redirect, url_for

from app.extensions import db
from app.models import Survey
from app.security.access import get_in_community
from app.services.errors import ServiceError


def load_survey(survey_id: int) -> Survey:
    """A survey of the current community, or 404."""
    return get_in_community(Survey, survey_id)


def back_to_builder(survey: Survey, anchor: str | None = None):
    """Redirect to the builder (optionally to a question or page)."""
    url = url_for("surveys.builder", slug=g.community.slug, survey_id=survey.id)
    return redirect(url + (f"#{anchor}" if anchor else ""))


def run(action, *, success: str | None = None) -> bool:
    """Call ``action()``; commit and flash ``success``, or roll back and flash the error."""
    try:
        action()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return False
    db.session.commit()
    if success:
        flash(success, "success")
    return True
