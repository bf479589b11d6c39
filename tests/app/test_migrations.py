"""Migrations: one head, they match the models, and they round-trip on both databases."""

from __future__ import annotations

import itertools

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.extensions import db
from app.models.insights import include_in_schema_compare, is_search_shadow_table

_counter = itertools.count()


@pytest.fixture
def fresh_database(backend, request, tmp_path):
    """An empty database on the backend under test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = f"migrations_{next(_counter)}"
    url = server.create_database(name)
    yield url
    server.drop_database(name)


@pytest.fixture
def migration_app(fresh_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database})
    with app.app_context():
        yield app
        db.engine.dispose()


def _script(app) -> ScriptDirectory:
    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"}
        # The SQLite full-text index is a virtual table with shadow tables, not a model.
        return {n for n in names if not is_search_shadow_table(n)}
    finally:
        engine.dispose()


def test_there_is_exactly_one_head(migration_app):
    assert len(_script(migration_app).get_heads()) == 1


# SQLite cannot reflect the PostgreSQL-only expression index of the search table.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression")
def test_upgrade_creates_exactly_the_models_schema(migration_app, fresh_database):
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True,
            "include_name": lambda name, type_, parents: not (
                type_ == "table" and is_search_shadow_table(name)),
            "include_object": include_in_schema_compare(conn.dialect.name),
        })
        diff = compare_metadata(context, db.metadata)
    assert diff == [], "models and migrations disagree; autogenerate a migration"
    assert _tables(fresh_database) == set(db.metadata.tables)


def test_upgrade_downgrade_upgrade_round_trips(migration_app, fresh_database):
    upgrade()
    downgrade(revision="-1")
    upgrade()
    downgrade(revision="base")
    assert _tables(fresh_database) == set()
    upgrade()
    assert _tables(fresh_database) == set(db.metadata.tables)


def test_nothing_migrates_at_start_up(fresh_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database})
    with app.app_context():
        app.test_client().get("/healthz")
        db.engine.dispose()
    assert _tables(fresh_database) == set()


def test_source_columns_are_filled_from_the_source_keys_of_existing_items(migration_app):
    upgrade(revision="0660")
    now = "2026-12-01 08:00:00"
    keys = ["survey:12:response:340:q_open", "suggestion:7", "suggestion:7:comment:3",
            "interview:5:p:ab12:1", "interview:5:h:9", "import:chat-2026:1", "survey:x:y"]
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO communities (id, name, slug, description, timezone, settings, "
            "created_at, updated_at) VALUES (1, 'c', 'c', '', 'Asia/Shanghai', '{}', :now, "
            ":now)"), {"now": now})
        for n, key in enumerate(keys, start=1):
            conn.execute(text(
                "INSERT INTO feedback_items (id, community_id, source_kind, source_key, "
                "source_ref, raw_text, redacted_text, pii_kinds, occurred_at, created_at, "
                "updated_at) VALUES (:id, 1, 'import', :key, '{}', 't', 't', '[]', :now, "
                ":now, :now)"), {"id": n, "key": key, "now": now})
    upgrade(revision="0720")
    with db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT source_key, survey_id, question_key, response_id, suggestion_id, "
            "interview_id FROM feedback_items ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [
        ("survey:12:response:340:q_open", 12, "q_open", 340, None, None),
        ("suggestion:7", None, None, None, 7, None),
        ("suggestion:7:comment:3", None, None, None, 7, None),
        ("interview:5:p:ab12:1", None, None, None, None, 5),
        ("interview:5:h:9", None, None, None, None, 5),
        ("import:chat-2026:1", None, None, None, None, None),
        ("survey:x:y", None, None, None, None, None),
    ]
