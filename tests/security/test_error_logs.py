"""What the logs hold: a database error in production names no bound values (members'
answers), and gunicorn's logs carry no client address."""

from __future__ import annotations

import logging
import runpy

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.config import ROOT, from_environment

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


def _gunicorn_config():
    from gunicorn.config import Config

    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    for name, value in settings.items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_gunicorn_keeps_no_access_log_and_its_format_names_no_client():
    config = _gunicorn_config()
    assert config.accesslog is None
    for atom in ("%(h)s", "%({x-forwarded-for}i)s", "%(r)s", "%(U)s", "%(q)s", "%(a)s"):
        assert atom not in config.access_log_format


def test_gunicorn_error_log_hides_client_addresses_and_request_secrets(tmp_path):
    config = _gunicorn_config()
    config.set("errorlog", str(tmp_path / "error.log"))
    log = config.logger_class(config)
    log.warning("Invalid request from ip={ip}: {error}".format(
        ip="203.0.113.77", error="Invalid HTTP Version"))
    log.warning("Invalid request from ip={ip}: {error}".format(
        ip="2001:db8::7", error="bad header"))
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("Error handling request %s %s", "GET",
                      "/s/Sk7Qx9secretKey?invite=tok3nTOK3N")
    log.info("Booting worker with pid: %s at 12:30:45", 4242)
    for handler in log.error_log.handlers:
        handler.flush()
    written = (tmp_path / "error.log").read_text()
    for secret in ("203.0.113.77", "2001:db8::7", "Sk7Qx9secretKey", "tok3nTOK3N"):
        assert secret not in written
    assert "Invalid request from ip=[hidden]" in written
    assert "Error handling request GET /s/[hidden]" in written
    assert "Booting worker with pid: 4242 at 12:30:45" in written
