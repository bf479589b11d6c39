"""The Flask application factory. There is no module-level app anywhere."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.config import from_environment, instance_path


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: environment config, then ``config`` overrides."""
    from app.security.text_input import CleanJSONProvider, HuishengRequest

    app = Flask(__name__, instance_path=str(instance_path()), instance_relative_config=False)
    app.request_class = HuishengRequest
    app.json = CleanJSONProvider(app)
    app.config.from_mapping(from_environment())
    if config:
        app.config.from_mapping(config)
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
