"""``flask demo``: load the demo community."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_exists, load_demo, remove_demo

demo_cli = AppGroup("demo", help="Load the demo community (示例社群).")


@demo_cli.command("load")
@click.option("--if-missing", is_flag=True, help="Do nothing when the demo is already loaded.")
@click.option("--reset", is_flag=True, help="Delete the existing demo community first.")
@click.option("--seed", type=int, default=None, help="Random seed (default: fixed).")
def load(if_missing: bool, reset: bool, seed: int | None):
    """Create 示例社群 with six months of generated members and feedback."""
    if demo_exists():
        if if_missing and not reset:
            click.echo("demo community already loaded")
            return
        if not reset:
            raise click.ClickException("the demo community exists; use --reset to rebuild it")
        remove_demo()
    kwargs = {"seed": seed} if seed is not None else {}
    load_demo(log=click.echo, **kwargs)
    click.echo("demo community loaded")


@demo_cli.command("logins")
def logins():
    """Print the demo sign-in accounts."""
    for login in DEMO_LOGINS:
        click.echo(f"  {login.email:<24} {DEMO_PASSWORD}   {login.what}")
