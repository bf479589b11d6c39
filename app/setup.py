"""The ``register_*`` steps of the factory: extensions, blueprints, errors, hooks, commands."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, g, has_request_context, request, session
from flask.sessions import NullSession
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from app.security.sessions import BrowserSessionInterface


def select_locale() -> str:
    """Language: the visitor's explicit choice, then their account, then the browser's
    Accept-Language."""
    from flask import current_app

    languages = list(current_app.config["LANGUAGES"])
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    # API calls have no cookie session (see app.security.sessions): their header decides.
    if not isinstance(session, NullSession):
        chosen = session.get("lang")
        if chosen in languages:
            return chosen
        if current_user and current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    if best and best.startswith("en"):
        return "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this app."""
    from app import models  # noqa: F401  (complete metadata before anything uses it)

    _ensure_sqlite_folder(app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(app.root_path).parent / "migrations"),
        render_as_batch=True, compare_type=True,
    )
    csrf.init_app(app)
    app.session_interface = BrowserSessionInterface()
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    _warn_about_per_process_limits(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(identity: str):
        from app.models import User

        user_id, _, nonce = identity.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_nonce != nonce:
            return None
        return user

    if app.config.get("TRUSTED_PROXIES"):
        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)


def _ensure_sqlite_folder(uri: str) -> None:
    """Create the folder of a SQLite database file: SQLite creates the file, not its folder,
    and ``flask db upgrade`` in a new instance folder would otherwise fail with "unable to
    open database file"."""
    from sqlalchemy.engine import make_url

    url = make_url(uri)
    database = url.database or ""
    # In memory, or a file: URI that states its own mode: nothing to create.
    plain_file = database not in ("", ":memory:") and not database.startswith("file:")
    if url.get_backend_name() == "sqlite" and plain_file:
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint; the list lives in ``app.blueprints``."""
    from app.blueprints import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    from app.blueprints.api import api_bp

    csrf.exempt(api_bp)


def register_errorhandlers(app: Flask) -> None:
    """Friendly pages for people, JSON envelopes for API callers."""
    from app.blueprints.errors import register

    register(app)


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Set on every response unless a view set its own.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    # Invite, tracking and survey links carry secrets in their URLs: never leak them.
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


def register_request_hooks(app: Flask) -> None:
    """Body caps before any parsing, security headers on every response, template globals."""
    from app.security import body_limits

    body_limits.register(app)
    from app.models import JOB_STATE_LABELS, SOURCE_KIND_LABELS
    from app.navigation import nav_for
    from app.security.roles import ROLE_LABELS, Role

    @app.after_request
    def security_headers(response):
        headers = response.headers
        present = {name.lower() for name, _value in headers.items()}
        for name, value in SECURITY_HEADERS:
            if name.lower() not in present:
                headers.add(name, value)
        if app.config.get("SESSION_COOKIE_SECURE") and request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.context_processor
    def template_globals():
        community = g.get("community")
        role = g.get("role")
        return {
            "current_community": community,
            "current_role": role,
            "nav_items": nav_for(community, role) if community is not None else [],
            "role_labels": ROLE_LABELS,
            "source_labels": SOURCE_KIND_LABELS,
            "job_state_labels": JOB_STATE_LABELS,
            "Role": Role,
            "current_locale": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
        }

    from app import side_effects
    from app.filters import register_filters

    _release_sessions_quietly(app)  # registered first: runs after the hooks below
    side_effects.register(app)

    register_filters(app)
    app.json.ensure_ascii = False
    logging.getLogger("huey").setLevel(logging.INFO)


def register_commands(app: Flask) -> None:
    """CLI command groups (``flask users``, ``flask demo`` …)."""
    from app.cli import COMMANDS

    for command in COMMANDS:
        app.cli.add_command(command)


def _release_sessions_quietly(app: Flask) -> None:
    """End each context's database session before Flask-SQLAlchemy's own teardown, without
    raising when the server dropped the connection under the request: the response (a 503,
    or a success whose commit went through) is already made, and an error here would turn
    it into gunicorn's bare 500. The pool replaces the lost connection."""
    import logging

    log = logging.getLogger("app.database")

    @app.teardown_appcontext
    def release_session(exc):
        if not db.session.registry.has():
            return
        try:
            db.session.remove()
        except Exception as error:
            db.session.registry.clear()
            orig = getattr(error, "orig", None) or error
            log.warning("database session ended with a lost connection: %s",
                        type(orig).__name__)


def _warn_about_per_process_limits(app: Flask) -> None:
    """Say once, in production, that rate limits are counted per process without Redis."""
    from app.security.rate_limits import shared_storage

    if app.config.get("APP_ENV") != "production" or not app.config.get("RATELIMIT_ENABLED"):
        return
    if not shared_storage(app.config.get("RATELIMIT_STORAGE_URI")):
        app.logger.warning(
            "Rate limits are counted in each process's memory (no REDIS_URL or "
            "RATELIMIT_STORAGE_URI): each of RATELIMIT_PROCESSES=%s processes enforces its "
            "share of every limit.", app.config.get("RATELIMIT_PROCESSES") or 1)
