"""Site administration: background jobs."""

from flask import Blueprint

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.blueprints.admin import views  # noqa: E402,F401
