"""Improvement reports: the builder with its HTML preview, PDF generation with progress, the
archive, schedules, a page of one's reports across communities, and the report assets."""

from flask import Blueprint

reports_bp = Blueprint("reports", __name__, url_prefix="/c/<slug>/reports")
# Pages outside one community: the reports of all one's communities, and the preview assets.
reports_global_bp = Blueprint("reports_global", __name__)

from app.blueprints.reports import views  # noqa: E402,F401
