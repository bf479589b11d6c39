"""The Flask application factory. There is no module-level app anywhere."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.config import engine_options, from_environment, instance_path, normalise_database_url


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: environment config, then ``config`` overrides."""
    from app.routing import LazyBuilderRule
    from app.security.text_input import CleanJSONProvider, HuishengRequest

    app = Flask(__name__, instance_path=str(instance_path()), instance_relative_config=False)
    app.url_rule_class = LazyBuilderRule
    app.request_class = HuishengRequest
    app.json = CleanJSONProvider(app)
    app.config.from_mapping(from_environment())
    if config:
        app.config.from_mapping(config)
        if "SQLALCHEMY_DATABASE_URI" in config and "SQLALCHEMY_ENGINE_OPTIONS" not in config:
            # The options follow the database actually used (a server's connections are
            # checked before use), not the one the environment named.
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
                normalise_database_url(config["SQLALCHEMY_DATABASE_URI"]),
                hide_parameters=app.config["APP_ENV"] == "production")
    from app.setup import (
        register_blueprints,
        register_commands,
        register_errorhandlers,
        register_extensions,
        register_request_hooks,
    )

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_commands(app)
    return app
