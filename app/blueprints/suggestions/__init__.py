"""The suggestion box: the member-facing box, tracking link, board and changelog, and the
operators' inbox."""

from flask import Blueprint

suggestions_bp = Blueprint("suggestions", __name__, url_prefix="/c/<slug>")

from app.blueprints.suggestions import (  # noqa: E402,F401
    changelog_views,
    member_views,
    operator_views,
)
