"""Notifications: the bell in the top bar and the notifications page of a community."""

from flask import Blueprint

notifications_bp = Blueprint("notifications", __name__, url_prefix="/c/<slug>/notifications")

from app.blueprints.notifications import views  # noqa: E402,F401
