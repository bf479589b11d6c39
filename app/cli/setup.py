"""``flask setup``: prepare what the app needs at run time (folders, trained models, fonts).

Each capability registers a step with ``@setup_step("name")``; steps must be idempotent and
fast when there is nothing to do, because ``make run`` calls ``flask setup`` every time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

SetupStep = Callable[[], str]
SETUP_STEPS: list[tuple[str, SetupStep]] = []


def setup_step(name: str):
    """Register an idempotent setup step that returns a one-line report."""

    def decorator(fn: SetupStep) -> SetupStep:
        SETUP_STEPS.append((name, fn))
        return fn

    return decorator


@setup_step("instance folders")
def instance_folders() -> str:
    """Create the instance folder and its subfolders."""
    root = Path(current_app.instance_path)
    for sub in ("", "models", "uploads", "reports"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    return str(root)


@setup_step("CJK font")
def cjk_font() -> str:
    """Check that the CJK font used for word clouds and PDFs is installed."""
    path = Path(current_app.config["CJK_FONT_PATH"])
    if not path.exists():
        raise click.ClickException(
            f"CJK font not found at {path}; install Debian's fonts-noto-cjk (make run does) "
            "or set CJK_FONT_PATH"
        )
    return str(path)


@click.command("setup")
@with_appcontext
def setup_command():
    """Prepare folders, trained models and fonts (idempotent)."""
    for name, step in SETUP_STEPS:
        click.echo(f"  setup: {name}: {step()}")
