"""The JSON API (``/api/v1``): bearer-token authentication, one envelope
``{"success": true, "data": …}`` or ``{"success": false, "errors": [{"code", "message"}]}``.
Each resource has its own module. See docs/api.md."""

from flask import Blueprint

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.blueprints.api import insights, me, metrics, surveys  # noqa: E402,F401
