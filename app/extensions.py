"""Unbound Flask extensions, bound to an app in ``app.create_app``."""

from __future__ import annotations

import hashlib
import sqlite3

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.lazy_migrate import LazyMigrate
from app.models.base import Base


def anonymised_client_key() -> str:
    """Rate-limit key: a keyed hash of the client address, so no raw IP is ever stored."""
    addr = request.remote_addr or "unknown"
    secret = current_app.config["SECRET_KEY"].encode()
    return hashlib.blake2b(addr.encode(), key=secret[:64], digest_size=12).hexdigest()


db = SQLAlchemy(model_class=Base)
migrate = LazyMigrate()  # Flask-Migrate, imported when a migration runs
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=anonymised_client_key)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL, foreign keys and a busy timeout for every SQLite connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
