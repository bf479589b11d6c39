"""Blueprints. Add a new blueprint to ``BLUEPRINTS`` to register it with the app."""

from app.blueprints.admin import admin_bp
from app.blueprints.api import api_bp
from app.blueprints.auth import auth_bp
from app.blueprints.community import community_bp
from app.blueprints.insights import insights_bp
from app.blueprints.interviews import interviews_bp
from app.blueprints.main import main_bp
from app.blueprints.metrics import metrics_bp
from app.blueprints.notifications import notifications_bp
from app.blueprints.reports import reports_bp, reports_global_bp
from app.blueprints.respond import respond_bp
from app.blueprints.suggestions import suggestions_bp
from app.blueprints.surveys import surveys_bp

BLUEPRINTS = [main_bp, auth_bp, community_bp, surveys_bp, respond_bp, admin_bp, api_bp,
              suggestions_bp, notifications_bp, interviews_bp, insights_bp, metrics_bp,
              reports_bp, reports_global_bp]
