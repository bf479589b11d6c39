"""A community's metrics: charts and derived measures, imports, custom metrics, and the
link between feedback themes and metrics (关联分析)."""

from flask import Blueprint

metrics_bp = Blueprint("metrics", __name__, url_prefix="/c/<slug>/metrics")

from app.blueprints.metrics import views  # noqa: E402,F401
