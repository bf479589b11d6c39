"""Configuration read from environment variables.

``APP_ENV`` picks the profile (``development`` by default, ``production`` or ``testing``).
``DATABASE_URL``, ``REDIS_URL`` and ``SECRET_KEY`` are the main knobs; see docs/operations.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = ROOT / "instance"
DEV_SECRET = "dev-only-insecure-secret-key"  # noqa: S105 - refused in production, see check_production  # nosec B105
MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration cannot be used (for example, production without a real secret)."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def instance_path(env: dict[str, str] | None = None) -> Path:
    """The instance folder: databases, job queue, trained models, uploads."""
    env = os.environ if env is None else env
    return Path(env.get("INSTANCE_PATH") or DEFAULT_INSTANCE).resolve()


def default_database_url(env: dict[str, str] | None = None) -> str:
    """SQLite file under the instance folder."""
    return f"sqlite:///{instance_path(env) / 'huisheng.db'}"


def normalise_database_url(url: str) -> str:
    """Make ``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(env: dict[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables."""
    env = dict(os.environ if env is None else env)
    profile = env.get("APP_ENV", "development").strip().lower()
    if profile not in {"development", "production", "testing"}:
        raise ConfigError(f"APP_ENV must be development, production or testing, not {profile!r}")
    production = profile == "production"
    redis_url = env.get("REDIS_URL") or None
    database_url = normalise_database_url(env.get("DATABASE_URL") or default_database_url(env))
    config: dict[str, Any] = {
        "APP_ENV": profile,
        "SECRET_KEY": env.get("SECRET_KEY") or DEV_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url, hide_parameters=production),
        "REDIS_URL": redis_url,
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "huisheng_session",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), True),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 14,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", 10 * 1024 * 1024)),
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "MAX_FORM_PARTS": int(env.get("MAX_FORM_PARTS", "1000")),
        # Body caps by route (see app.security.body_limits).
        "SMALL_FORM_MAX_BYTES": int(env.get("SMALL_FORM_MAX_BYTES", str(64 * 1024))),
        "FORM_MAX_BYTES": int(env.get("FORM_MAX_BYTES", str(2 * 1024 * 1024))),
        "API_MAX_BODY_BYTES": int(env.get("API_MAX_BODY_BYTES", str(1024 * 1024))),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": {"zh_CN": "简体中文", "en": "English"},
        # Shared counters in Redis; in memory, each process enforces its share of a limit
        # (app.security.rate_limits).
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or redis_url or "memory://",
        "RATELIMIT_PROCESSES": int(env.get("RATELIMIT_PROCESSES")
                                   or env.get("WEB_CONCURRENCY") or "1"),
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "ANON_RATE_LIMIT": env.get("ANON_RATE_LIMIT", "20 per minute;200 per hour"),
        "TRACKING_RATE_LIMIT": env.get("TRACKING_RATE_LIMIT", "60 per minute;600 per hour"),
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT", "600 per minute"),
        "SUGGESTION_MAX_IMAGES": int(env.get("SUGGESTION_MAX_IMAGES", "3")),
        "SUGGESTION_MAX_IMAGE_BYTES": int(env.get("SUGGESTION_MAX_IMAGE_BYTES",
                                                  str(5 * 1024 * 1024))),
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS"), False),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_SENDER": env.get("MAIL_SENDER", "回声 Huisheng <noreply@localhost>"),
        "MAIL_USE_SSL": _bool(env.get("MAIL_USE_SSL"), False),
        "MAIL_TIMEOUT": float(env.get("MAIL_TIMEOUT", "30")),
        # Group-chat robots (企业微信/钉钉/飞书): seconds to wait for the platform, and hosts
        # allowed besides the platforms' own (a relay or a local test server; http allowed).
        "WEBHOOK_TIMEOUT": float(env.get("WEBHOOK_TIMEOUT", "5")),
        "WEBHOOK_EXTRA_HOSTS": [h.strip() for h in env.get("WEBHOOK_EXTRA_HOSTS", "").split(",")
                                if h.strip()],
        "REPORT_RENDER_TIMEOUT": float(env.get("REPORT_RENDER_TIMEOUT", "120")),
        "REPORT_RENDER_MEMORY_MB": int(env.get("REPORT_RENDER_MEMORY_MB", "1536")),
        "REPORT_MAX_HTML_BYTES": int(env.get("REPORT_MAX_HTML_BYTES", "20000000")),
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "").rstrip("/"),
        "INVITE_TTL_DAYS": int(env.get("INVITE_TTL_DAYS", "14")),
        "JOB_HISTORY_DAYS": int(env.get("JOB_HISTORY_DAYS", "30")),
        # Days after which members' raw text of closed items is purged (0: kept); a
        # community's own setting takes precedence (app.services.retention).
        "RETENTION_DAYS": int(env.get("RETENTION_DAYS", "0")),
        # A running job's lease: renewed every third of it; a lapsed one is failed and retried
        # (at most JOB_LEASE_RETRIES times, so a job that kills its worker stops).
        "JOB_LEASE_SECONDS": float(env.get("JOB_LEASE_SECONDS", "90")),
        "JOB_LEASE_RETRIES": int(env.get("JOB_LEASE_RETRIES", "2")),
        # Analyse new feedback as it arrives (one job per request or batch).
        "INSIGHTS_AUTO_ANALYSIS": _bool(env.get("INSIGHTS_AUTO_ANALYSIS"), True),
        # At most this many themes per analysis (finer ones: split a theme).
        "INSIGHTS_MAX_THEMES": int(env.get("INSIGHTS_MAX_THEMES", "20")),
        # The sentiment model file; default: the one shipped in nlp/models/.
        "INSIGHTS_SENTIMENT_MODEL": env.get("INSIGHTS_SENTIMENT_MODEL") or None,
        "CJK_FONT_PATH": env.get(
            "CJK_FONT_PATH", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
        ),
    }
    if profile == "testing":
        config.update(TESTING=True, WTF_CSRF_ENABLED=True)
    if production:
        check_production(config)
    return config


def check_production(config: dict[str, Any]) -> None:
    """Refuse to run in production with a missing, default or short secret key."""
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET or len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            "Production needs a real SECRET_KEY: set it to a random string of at least "
            f"{MIN_SECRET_LENGTH} characters (for example `python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`)."
        )


def engine_options(database_url: str, *, hide_parameters: bool = False) -> dict[str, Any]:
    """SQLAlchemy engine options for the database: a server connection is checked before
    use (it may have been dropped while idle); a SQLite file cannot drop, so it is not.

    With ``hide_parameters`` (production), a database error's message leaves out the bound
    values, which are members' answers and suggestions, so the error log never holds them.
    """
    options: dict[str, Any] = {"hide_parameters": True} if hide_parameters else {}
    if not database_url.startswith("sqlite"):
        options["pool_pre_ping"] = True
    return options
