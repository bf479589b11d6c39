"""Operators' survey pages: list, builder, preview, distribution, results and import.
Members reach the list of open surveys through the same index page."""

from flask import Blueprint

surveys_bp = Blueprint("surveys", __name__, url_prefix="/c/<slug>/surveys")


@surveys_bp.context_processor
def survey_labels():
    """Labels the survey templates share."""
    from app.models import ACCESS_MODE_LABELS, SURVEY_STATUS_LABELS

    return {"survey_status_labels": SURVEY_STATUS_LABELS,
            "access_mode_labels": ACCESS_MODE_LABELS}


@surveys_bp.app_template_filter("column_letter")
def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column: 0 → A, 26 → AA."""
    from surveys.importing import column_letter as letters

    return letters(index)


from app.blueprints.surveys import (  # noqa: E402,F401
    views_builder,
    views_import,
    views_list,
    views_results,
    views_share,
)
