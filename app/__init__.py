"""The Flask application factory. There is no module-level app anywhere."""

from __future__ import annotations

import gc
from typing import Any

import click
from flask import Flask

from app.config import engine_options, from_environment, instance_path, normalise_database_url


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: environment config, then ``config`` overrides."""
    from nlp.gc_pause import gc_paused

    # Building the app imports the models, services and views: hundreds of thousands of
    # long-lived objects, over which the cyclic collector would otherwise run again and
    # again for nothing (a tenth of a second of every worker's and ``flask`` command's start).
    with gc_paused():
        app = _build_app(config)
    if click.get_current_context(silent=True) is not None:
        # Built by the ``flask`` command: this process keeps the app until it exits, so its
        # objects go where the collector never looks, including at exit, where collecting
        # them would take a fifth of a second of every command (``flask --help`` included).
        gc.freeze()
    return app


def _build_app(config: dict[str, Any] | None) -> Flask:
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
