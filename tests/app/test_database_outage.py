"""PostgreSQL restarted under a running app: requests during the outage get a clean 503 (a
JSON envelope in the API, a Chinese page in the UI, no traceback in the log), and the same
app serves again once the server is back, without a restart."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError

from app import create_app
from app.blueprints.errors import database_unavailable
from app.extensions import db
from app.models import Suggestion
from app.services.accounts import users as accounts
from tests.conftest import FreshContextClient, make_test_config, sign_in
from tests.factories import make_community, make_member
from tests.servers import PostgresServer


@pytest.fixture(scope="module")
def own_postgres():
    """A PostgreSQL cluster of this module's own, which its tests stop and start."""
    server = PostgresServer.start()
    yield server
    server.stop()


@pytest.fixture
def outage_app(own_postgres):
    url = own_postgres.create_database("outage")
    application = create_app(make_test_config(url))
    application.test_client_class = FreshContextClient
    with application.app_context():
        db.create_all()
        community = make_community(name="断线测试", slug="outage")
        member = make_member(community)
        token = accounts.create_api_token(community, make_member(community, "operator"), "集成")
        db.session.commit()
        ids = {"member": member.id, "secret": token.secret, "slug": community.slug}
        db.session.remove()
    yield application, ids
    with application.app_context():
        db.engine.dispose()
    own_postgres.drop_database("outage")


def _submit(client, slug):
    return client.post(f"/c/{slug}/box", data={
        "content": "签到活动的积分规则看不懂，希望写清楚一点", "category": "积分与激励"})


@pytest.mark.postgres
def test_a_postgresql_restart_gives_clean_503s_and_the_app_recovers(outage_app, own_postgres,
                                                                   caplog):
    application, ids = outage_app
    client = application.test_client()
    api = application.test_client()
    headers = {"Authorization": f"Bearer {ids['secret']}"}
    with application.app_context():
        from app.models import User

        sign_in(client, db.session.get(User, ids["member"]))
    assert client.get(f"/c/{ids['slug']}/box").status_code == 200
    assert api.get("/api/v1/surveys", headers=headers).status_code == 200
    assert _submit(client, ids["slug"]).status_code == 302  # the pool holds live connections

    own_postgres.pause()
    try:
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            page = client.get(f"/c/{ids['slug']}/box")
            posted = _submit(client, ids["slug"])
            listed = api.get("/api/v1/surveys", headers=headers)
            health = client.get("/healthz")
    finally:
        own_postgres.resume()

    for response in (page, posted, health):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
    text = page.get_data(as_text=True)
    assert "服务暂时不可用" in text and "数据库暂时无法访问" in text and "Traceback" not in text
    assert "可能没有保存" in posted.get_data(as_text=True)
    assert listed.status_code == 503
    assert listed.get_json() == {"success": False, "errors": [{
        "code": "database_unavailable", "message": listed.get_json()["errors"][0]["message"]}]}
    assert not [r for r in caplog.records if r.exc_info], "an outage is not a crash"
    assert any("database unavailable" in r.getMessage() for r in caplog.records)

    # The same app, with connections that died under it, serves again.
    assert client.get(f"/c/{ids['slug']}/box").status_code == 200
    assert api.get("/api/v1/surveys", headers=headers).status_code == 200
    assert _submit(client, ids["slug"]).status_code == 302
    with application.app_context():
        assert db.session.execute(db.select(db.func.count(Suggestion.id))).scalar_one() == 2


def test_a_bug_in_sql_stays_a_500_and_a_locked_sqlite_file_is_a_503():
    import sqlite3

    locked = OperationalError("UPDATE x", {}, sqlite3.OperationalError("database is locked"))
    missing = OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: nope"))
    assert database_unavailable(locked)
    assert not database_unavailable(missing)
    assert not database_unavailable(ValueError("nope"))


def test_a_connection_lost_inside_a_transaction_rolls_back_without_a_second_error(app, db):
    from app.services.insights.hooks import note_core_insert

    with db.engine.connect() as conn:
        transaction = conn.begin()
        note_core_insert(conn, [{"community_id": 1, "source_key": "survey:1:why"}])
        conn.invalidate()  # what a server that went away mid-transaction leaves behind
        transaction.rollback()  # raised PendingRollbackError from the rollback listener


@pytest.mark.postgres
def test_a_session_whose_connection_was_killed_ends_without_an_error(outage_app, own_postgres):
    import psycopg
    from sqlalchemy import text

    application, _ids = outage_app
    context = application.app_context()
    context.push()
    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with psycopg.connect(f"host=127.0.0.1 port={own_postgres.port} user=postgres "
                         "dbname=postgres", autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    context.pop()  # Flask-SQLAlchemy's teardown raised here: gunicorn answered a bare 500
    with application.app_context():
        assert db.session.execute(text("SELECT 1")).scalar_one() == 1
