"""The factory builds independent apps from environment variables and overrides."""

import pytest

from app import create_app
from app.config import DEV_SECRET, ConfigError, from_environment, normalise_database_url


def test_factory_builds_independent_apps_with_overrides():
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "APP_MARKER": 1})
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert first is not second
    assert first.config["APP_MARKER"] == 1
    assert "APP_MARKER" not in second.config
    assert "auth.login" in {rule.endpoint for rule in first.url_map.iter_rules()}


def test_no_module_level_app_in_the_package():
    import importlib
    import pkgutil

    import flask

    import app as package

    for module_info in pkgutil.walk_packages(package.__path__, "app."):
        module = importlib.import_module(module_info.name)
        apps = [name for name, value in vars(module).items() if isinstance(value, flask.Flask)]
        assert apps == [], f"{module_info.name} holds a Flask app at module level: {apps}"


def test_database_url_defaults_to_sqlite_under_instance(tmp_path):
    config = from_environment({"INSTANCE_PATH": str(tmp_path)})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'huisheng.db'}"


def test_a_new_instance_folder_gets_its_sqlite_database_on_first_use(tmp_path):
    # flask db upgrade in a fresh INSTANCE_PATH used to stop at "unable to open database file".
    from sqlalchemy import text

    from app.extensions import db

    database = tmp_path / "new" / "instance" / "huisheng.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        assert db.session.execute(text("select 1")).scalar() == 1
    assert database.exists()


@pytest.mark.parametrize("url", ["postgres://u@h/db", "postgresql://u@h/db"])
def test_postgres_urls_use_psycopg3(url):
    assert normalise_database_url(url) == "postgresql+psycopg://u@h/db"


def test_redis_url_switches_rate_limit_storage():
    config = from_environment({"REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert config["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert from_environment({})["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize("secret", [None, "", DEV_SECRET, "short-secret"])
def test_production_refuses_to_start_without_a_real_secret(secret):
    env = {"APP_ENV": "production"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        from_environment(env)


def test_production_starts_with_a_real_secret():
    config = from_environment({"APP_ENV": "production", "SECRET_KEY": "x" * 48})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_unknown_profile_is_refused():
    with pytest.raises(ConfigError):
        from_environment({"APP_ENV": "staging"})
