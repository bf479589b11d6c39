"""The insight workspace (洞察): themes, the feedback inbox, corrections, runs and alerts."""

from flask import Blueprint

insights_bp = Blueprint("insights", __name__, url_prefix="/c/<slug>/insights")

from app.blueprints.insights import actions, codeframe, views  # noqa: E402,F401
