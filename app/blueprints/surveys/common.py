"""Helpers shared by the survey views: loading a survey of the current community, the
survey's tab bar, and turning service errors into flashed messages."""

from __future__ import annotations

from flask import g, redirect, url_for

from app.blueprints.service_calls import run_action as run  # noqa: F401  (the views' name)
from app.models import Survey
from app.security.access import get_in_community


def load_survey(survey_id: int) -> Survey:
    """A survey of the current community, or 404."""
    return get_in_community(Survey, survey_id)


def back_to_builder(survey: Survey, anchor: str | None = None):
    """Redirect to the builder (optionally to a question or page)."""
    url = url_for("surveys.builder", slug=g.community.slug, survey_id=survey.id)
    return redirect(url + (f"#{anchor}" if anchor else ""))

