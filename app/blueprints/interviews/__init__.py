"""User interviews: guides, interview records with Markdown notes, and highlights."""

from flask import Blueprint

interviews_bp = Blueprint("interviews", __name__, url_prefix="/c/<slug>/interviews")

from app.blueprints.interviews import views  # noqa: E402,F401
