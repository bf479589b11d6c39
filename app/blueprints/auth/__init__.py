"""Signing in and out, passwords, and accepting invitations."""

from flask import Blueprint

auth_bp = Blueprint("auth", __name__)

from app.blueprints.auth import views  # noqa: E402,F401
