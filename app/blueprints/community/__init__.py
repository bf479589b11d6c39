"""A community's home, members, invitations, API tokens, settings and audit log."""

from flask import Blueprint

community_bp = Blueprint("community", __name__, url_prefix="/c/<slug>")

from app.blueprints.community import views  # noqa: E402,F401
