"""Backups restore: the procedure of docs/deploy.md, run for real.

PostgreSQL: ``pg_dump --format=custom`` of a migrated, populated database, ``pg_restore`` into
a new database, and the app reads it (same rows, the migration head, sign-in, pages and the
full-text search). SQLite: the online ``.backup`` of the sqlite3 shell, taken while the app
holds the database open, read the same way.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select

from app import create_app
from app.extensions import db
from tests.conftest import FreshContextClient, make_test_config, sign_in
from tests.servers import pg_bin

_counter = itertools.count()
SUGGESTION = "希望晚上九点以后也能看直播回放，下班太晚赶不上"


def _app(url: str):
    application = create_app(make_test_config(url))
    application.test_client_class = FreshContextClient
    return application


def _populate(url: str) -> dict:
    """Migrate ``url`` as a deployment does and add a community with some of everything."""
    from app.models import FeedbackItem
    from app.services.insights import search
    from tests.factories import make_community, make_member
    from tests.factories_sources import enable_board, make_interview, make_suggestion

    application = _app(url)
    with application.app_context():
        upgrade()
        community = make_community(slug="backup", name="备份测试社群")
        enable_board(community)
        admin = make_member(community, "admin", email="admin@backup.example")
        member = make_member(community, "member")
        suggestion, _code = make_suggestion(community, author=member, content=SUGGESTION)
        make_interview(community, actor=admin, interviewee_id=member.id,
                       notes="受访者说回放缺集很影响体验")
        db.session.commit()
        search.index_items(db.session.execute(db.select(FeedbackItem)).scalars().all())
        db.session.commit()
        ids = {"suggestion": suggestion.id, "admin": admin.id, "slug": community.slug}
        db.engine.dispose()
    return ids


def _row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                    for name, table in db.metadata.tables.items()}
    finally:
        engine.dispose()


def _head_revision(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
    finally:
        engine.dispose()


def _app_reads(url: str, ids: dict) -> None:
    """The restored database serves pages: sign-in, the inbox, a suggestion, search."""
    from app.models import FeedbackItem, User
    from app.services.insights import search

    application = _app(url)
    with application.app_context():
        client = application.test_client()
        admin = db.session.get(User, ids["admin"])
        sign_in(client, admin)
        inbox = client.get(f"/c/{ids['slug']}/suggestions")
        assert inbox.status_code == 200
        detail = client.get(f"/c/{ids['slug']}/suggestions/{ids['suggestion']}")
        assert detail.status_code == 200 and SUGGESTION in detail.get_data(as_text=True)
        found = db.session.execute(db.select(FeedbackItem.raw_text).where(
            search.search_clause("回放"))).scalars().all()
        assert SUGGESTION in found
        db.engine.dispose()


def _pg_tool(name: str) -> str:
    return str(pg_bin() / name)


def test_a_pg_dump_restores_into_a_new_database_that_the_app_reads(backend, request, tmp_path):
    if backend != "postgresql":
        pytest.skip("pg_dump and pg_restore are PostgreSQL's own tools")
    server = request.getfixturevalue("pg_server")
    n = next(_counter)
    source_name, target_name = f"backup_source_{n}", f"backup_restored_{n}"
    source = server.create_database(source_name)
    try:
        ids = _populate(source)
        dump = tmp_path / "huisheng.dump"
        libpq = f"postgresql://postgres@127.0.0.1:{server.port}"
        subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner",
                        f"--file={dump}", f"{libpq}/{source_name}"], check=True)
        assert dump.stat().st_size > 0
        target = server.create_database(target_name)
        subprocess.run([_pg_tool("pg_restore"), "--no-owner", "--exit-on-error",
                        f"--dbname={libpq}/{target_name}", str(dump)], check=True)

        assert _row_counts(target) == _row_counts(source)
        assert _head_revision(target) == _head_revision(source)
        _app_reads(target, ids)
    finally:
        server.drop_database(source_name)
        server.drop_database(target_name)


def test_a_sqlite_online_backup_restores_into_a_copy_that_the_app_reads(backend, tmp_path):
    if backend != "sqlite":
        pytest.skip("the .backup command is SQLite's own")
    sqlite3 = shutil.which("sqlite3")
    if sqlite3 is None:
        pytest.skip("the sqlite3 shell is not installed")
    live = tmp_path / "huisheng.db"
    source = f"sqlite:///{live}"
    ids = _populate(source)
    backup = tmp_path / "backups" / "huisheng.db"
    backup.parent.mkdir()
    # taken while the app holds the database open (a consistent copy, WAL included)
    application = _app(source)
    with application.app_context():
        db.session.execute(db.text("SELECT 1"))
        subprocess.run([sqlite3, str(live), f".backup '{backup}'"], check=True)
        db.engine.dispose()
    restored = tmp_path / "restored.db"
    shutil.copyfile(backup, restored)
    target = f"sqlite:///{restored}"

    assert _row_counts(target) == _row_counts(source)
    assert _head_revision(target) == _head_revision(source)
    check = subprocess.run([sqlite3, str(restored), "PRAGMA integrity_check"], check=True,
                           capture_output=True, text=True)
    assert check.stdout.strip() == "ok"
    _app_reads(target, ids)
