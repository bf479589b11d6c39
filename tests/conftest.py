"""Fixtures shared by the whole suite.

App tests run once per database backend (``--backends``, default ``sqlite,postgresql``).
The suite starts its own PostgreSQL and Redis servers on free loopback ports.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# Configure the process before the app package is imported anywhere.
_SESSION_TMP = Path(tempfile.mkdtemp(prefix="huisheng-tests-"))
# Each test process removes its own folder on exit, or repeated runs fill /tmp; keep it for a
# post-mortem with HUISHENG_KEEP_TEST_TMP=1.
if not os.environ.get("HUISHENG_KEEP_TEST_TMP"):
    atexit.register(shutil.rmtree, _SESSION_TMP, ignore_errors=True)
os.environ.setdefault("HUEY_IMMEDIATE", "1")
# Set, not defaulted: xdist workers inherit the controller's environment, and a shared
# instance folder lets one worker's clean-up of report files delete another worker's.
os.environ["INSTANCE_PATH"] = str(_SESSION_TMP / "instance")
os.environ.setdefault("APP_ENV", "testing")

from contextlib import contextmanager  # noqa: E402

import pytest  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import exists, literal, select, text, union_all  # noqa: E402

from tests.servers import PostgresServer, RedisServer  # noqa: E402

BACKENDS = ("sqlite", "postgresql")
pytest_plugins = ["tests.clock"]


def pytest_addoption(parser):
    parser.addoption(
        "--backends", default=",".join(BACKENDS),
        help="comma-separated database backends for app tests (sqlite,postgresql)",
    )


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        chosen = [b.strip() for b in metafunc.config.getoption("backends").split(",") if b.strip()]
        unknown = set(chosen) - set(BACKENDS)
        if unknown:
            raise pytest.UsageError(f"unknown backend(s): {sorted(unknown)}")
        marks = {"postgresql": [pytest.mark.postgres], "sqlite": []}
        metafunc.parametrize(
            "backend", [pytest.param(b, marks=marks[b], id=b) for b in chosen], scope="session"
        )


@pytest.fixture(scope="session")
def session_tmp() -> Path:
    """A temporary folder for the whole session."""
    return _SESSION_TMP


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server for this test process."""
    server = PostgresServer.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server():
    """A Redis server for this test process."""
    server = RedisServer.start()
    yield server
    server.stop()


def _worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_url(backend, request, session_tmp) -> str:
    """A database for app tests, with the full schema, shared by the session per backend."""
    if backend == "sqlite":
        url = f"sqlite:///{session_tmp / f'app-{_worker_id()}.db'}"
    else:
        server = request.getfixturevalue("pg_server")
        url = server.create_database(f"app_{_worker_id()}")
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


def sentiment_model_cache() -> Path:
    """The sentiment model tests use: the one shipped with the package (nothing trains it)."""
    from nlp.sentiment import shipped_model_path

    return shipped_model_path()


def make_test_config(database_url: str, **overrides) -> dict:
    """Config for an app under test: CSRF and rate limits off unless a test turns them on.

    New feedback is not analysed automatically (tests that need it turn it on), and the
    sentiment model is the shipped one.
    """
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "INSIGHTS_AUTO_ANALYSIS": False,
        "INSIGHTS_SENTIMENT_MODEL": str(sentiment_model_cache()),
    }
    config.update(overrides)
    return config


def _clear_tables(engine, metadata) -> None:
    tables = list(reversed(metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            _empty_used_tables(conn, tables)
        else:
            for table in tables:
                conn.execute(table.delete())


def _empty_used_tables(conn, tables) -> None:
    """Delete the rows a test wrote and restart every sequence it advanced.

    ``TRUNCATE`` of all ~70 tables after every test cost 0.16 s a test on PostgreSQL (a new file
    per table). A test writes to a handful of tables with a few rows each: one query finds
    them, and deleting those rows (children first) takes milliseconds.
    """
    probe = union_all(*(select(literal(t.name)).where(exists(select(literal(1)).select_from(t)))
                        for t in tables))
    used = set(conn.execute(probe).scalars())
    for table in tables:
        if table.name in used:
            conn.execute(table.delete())
    # Ids start again at 1, as after a truncate: also where a sequence moved on while its table
    # ended up empty (a rolled-back insert, a deleted row).
    advanced = conn.execute(text(
        "SELECT schemaname, sequencename FROM pg_sequences WHERE last_value IS NOT NULL"))
    for schema, name in advanced.all():
        conn.execute(text(f'ALTER SEQUENCE "{schema}"."{name}" RESTART'))


class FreshContextClient(FlaskClient):
    """Runs each request in its own app context, as in production.

    The test itself holds an app context for factories and queries; without this, requests
    would share its ``g`` (and Flask-Login's cached user) and its database session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)

    @contextmanager
    def session_transaction(self, *args, **kwargs):
        with self.application.app_context(), super().session_transaction(*args, **kwargs) as s:
            yield s


@pytest.fixture
def app_config():
    """Per-test config overrides; override this fixture (or update it) in a module."""
    return {}


@pytest.fixture
def app(database_url, app_config):
    """The app with an empty database; tables are emptied after each test."""
    from app import create_app
    from app.extensions import db

    application = create_app(make_test_config(database_url, **app_config))
    application.test_client_class = FreshContextClient
    ctx = application.app_context()
    ctx.push()
    try:
        yield application
    finally:
        from app.services.ttl_cache import forget_everything

        db.session.remove()
        _clear_tables(db.engine, db.metadata)
        # Emptied tables are reused with the same ids: no cached row may outlive them.
        forget_everything()
        db.engine.dispose()
        ctx.pop()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def db(app):
    """The database extension, inside the app context."""
    from app.extensions import db as database

    return database


@pytest.fixture
def community(db):
    """A community."""
    from tests.factories import make_community

    c = make_community(name="光影同行", slug="photo")
    db.session.commit()
    return c


@pytest.fixture
def other_community(db):
    """A second, unrelated community (for isolation tests)."""
    from tests.factories import make_community

    c = make_community(name="另一个社群", slug="other")
    db.session.commit()
    return c


def sign_in(client, user) -> None:
    """Put the user's identity into the test client's session (as Flask-Login would)."""
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True


@pytest.fixture
def login_as(client, community, db):
    """``login_as("operator")`` creates a user with that role in ``community`` and signs in.

    ``login_as("superuser")`` makes a site administrator; ``login_as(None)`` signs out.
    """
    from tests.factories import make_member, make_user

    def _login(role: str | None, *, target=None):
        if role is None:
            with client.session_transaction() as sess:
                sess.clear()
            return None
        if role == "superuser":
            user = make_user(is_superuser=True)
        elif role == "outsider":
            user = make_user()
        else:
            user = make_member(target or community, role)
        db.session.commit()
        sign_in(client, user)
        return user

    return _login
