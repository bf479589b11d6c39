"""What the logs hold: a database error in production names no bound values (members'
answers), and gunicorn's logs carry no client address."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.config import from_environment

SECRET_ANSWER = "我的手机号是13800138000，住在幸福小区"
PRODUCTION_ENV = {"APP_ENV": "production", "SECRET_KEY": "s" * 48}


def _production_engine_options(database_url: str) -> dict:
    env = dict(PRODUCTION_ENV, DATABASE_URL=database_url)
    return from_environment(env)["SQLALCHEMY_ENGINE_OPTIONS"]


@pytest.fixture
def app_config(database_url):
    return {"SQLALCHEMY_ENGINE_OPTIONS": _production_engine_options(database_url)}


def test_production_hides_sql_parameters_on_every_backend():
    for url in ("sqlite:///x.db", "postgresql://u:p@localhost/db"):
        assert _production_engine_options(url)["hide_parameters"] is True
    development = from_environment({"APP_ENV": "development"})["SQLALCHEMY_ENGINE_OPTIONS"]
    assert not development.get("hide_parameters")


def test_a_database_error_in_production_does_not_log_the_answers(app, db, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(DBAPIError) as failure:
        db.session.execute(text("INSERT INTO no_such_table (answer) VALUES (:answer)"),
                           {"answer": SECRET_ANSWER})
    db.session.rollback()
    app.logger.error("database error", exc_info=failure.value)
    assert "hidden" in str(failure.value)
    assert SECRET_ANSWER not in str(failure.value)
    assert SECRET_ANSWER not in caplog.text
