"""``flask users``: create users and give them roles from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.models import Community
from app.security.roles import ROLE_ORDER, Role
from app.services.accounts import users as accounts
from app.services.errors import ServiceError

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="Sign-in email of the new user.")
@click.option(
    "--role", type=click.Choice([r.value for r in ROLE_ORDER]), default="member",
    show_default=True,
    help="Role. With --community it is the role in that community; 'admin' without "
    "--community makes a site administrator.",
)
@click.option("--community", "community_slug", help="Slug of the community to join.")
@click.option("--name", "display_name", help="Display name (default: the part before @).")
@click.option("--password", help="Password (prompted for when omitted).")
def create_user(email, role, community_slug, display_name, password):
    """Create a user, optionally as a site admin or with a role in a community."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    community = None
    if community_slug:
        community = db.session.execute(
            db.select(Community).where(Community.slug == community_slug)
        ).scalar_one_or_none()
        if community is None:
            raise click.ClickException(f"no community with slug {community_slug!r}")
    elif role != Role.ADMIN.value:
        raise click.ClickException("--role other than admin needs --community SLUG")
    try:
        user = accounts.create_user(
            email, password, display_name=display_name,
            is_superuser=(role == Role.ADMIN.value and community is None),
        )
        if community is not None:
            accounts.add_member(community, user, role)
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    where = f" in {community.slug}" if community else " (site administrator)"
    click.echo(f"created {user.email} as {role}{where}")
