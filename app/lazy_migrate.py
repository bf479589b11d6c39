"""Flask-Migrate, imported only when a migration runs.

Importing Flask-Migrate imports Alembic (and Mako and Pygments with it), about a sixth of the
app's start-up, which a web worker or ``flask --help`` never uses. :class:`LazyMigrate` keeps
Flask-Migrate's interface: ``init_app`` registers ``flask db`` and ``app.extensions["migrate"]``,
and both load the real thing on first use.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask


class _LazyConfig:
    """Stands in ``app.extensions["migrate"]`` until something reads it, then binds the real
    Flask-Migrate to the app (which replaces this object) and answers from it."""

    def __init__(self, app: Flask, db: Any, options: dict[str, Any]):
        self._app, self._db, self._options = app, db, options

    def __getattr__(self, name: str) -> Any:
        from flask_migrate import Migrate

        Migrate().init_app(self._app, self._db, **self._options)
        return getattr(self._app.extensions["migrate"], name)


class _LazyDbGroup(click.Group):
    """``flask db``: Flask-Migrate's command group, imported when it runs (its own options,
    subcommands and help come from it)."""

    def __init__(self) -> None:
        super().__init__("db", help="Perform database migrations.")

    @staticmethod
    def _real() -> click.Group:
        from flask_migrate.cli import db as real

        return real

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        """The real group's context, so its options and subcommands parse the arguments."""
        return self._real().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the real group."""
        return self._real().invoke(ctx)


class LazyMigrate:
    """``flask_migrate.Migrate`` without importing it until a migration command or
    ``app.extensions["migrate"]`` is used."""

    def init_app(self, app: Flask, db: Any, **options: Any) -> None:
        """Register ``flask db`` and the (lazy) migration settings on ``app``."""
        app.extensions["migrate"] = _LazyConfig(app, db, options)
        app.cli.add_command(_LazyDbGroup())
