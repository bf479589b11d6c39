"""Route decorators for access control, and object lookups that respect community isolation.

Rules:
- An anonymous visitor of a page that needs a login is redirected to the login page
  (JSON callers get 401).
- A signed-in user who is not a member of the community in the URL gets 404: communities are
  invisible to outsiders, so an operator of community A cannot even learn that an object of
  community B exists.
- A member whose role is too low gets 403.
- Site administrators (``User.is_superuser``) pass every community check as ``admin``.

Each decorator records its policy on the view as ``view.access`` (used by docs and tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from app.extensions import db
from app.models import Community, Membership
from app.security.roles import Role
from app.security.sessions import is_api_path

T = TypeVar("T")


@dataclass(frozen=True)
class AccessPolicy:
    """Who may call a view: ``public``, ``login``, ``community`` (with a minimum role),
    ``public_community`` (anyone, community must exist), ``superuser`` or ``api``."""

    kind: str
    min_role: Role | None = None


def wants_json() -> bool:
    """Whether the caller expects JSON rather than a page."""
    if is_api_path(request.path):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes[
        "text/html"
    ]


def _login_redirect():
    if wants_json():
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _mark(view, policy: AccessPolicy):
    view.access = policy
    return view


def public(view):
    """Anyone may call this view."""
    return _mark(view, AccessPolicy("public"))


def login_required(view):
    """Any signed-in user may call this view."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return _login_redirect()
        return view(*args, **kwargs)

    return _mark(wrapped, AccessPolicy("login"))


def superuser_required(view):
    """Only site administrators may call this view."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return _login_redirect()
        if not current_user.is_superuser:
            abort(403)
        return view(*args, **kwargs)

    return _mark(wrapped, AccessPolicy("superuser"))


def load_community(slug: str) -> Community:
    """The community with this slug, or 404."""
    community = db.session.execute(
        db.select(Community).where(Community.slug == slug)
    ).scalar_one_or_none()
    if community is None:
        abort(404)
    return community


def membership_of(user, community: Community) -> Membership | None:
    """The user's membership in the community, if any."""
    if not user.is_authenticated:
        return None
    return db.session.execute(
        db.select(Membership).where(
            Membership.user_id == user.id, Membership.community_id == community.id
        )
    ).scalar_one_or_none()


def effective_role(user, community: Community) -> Role | None:
    """The role the user acts with in the community (site admins act as admin)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    membership = membership_of(user, community)
    return membership.role_enum if membership else None


def community_required(min_role: Role | str = Role.MEMBER):
    """Require a member of the community named by the ``slug`` URL argument, with a minimum role.

    Sets ``g.community``, ``g.membership`` and ``g.role`` for the view.
    """
    min_role = Role(min_role)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return _login_redirect()
            community = load_community(kwargs["slug"])
            role = effective_role(current_user, community)
            if role is None:
                abort(404)
            if not role.at_least(min_role):
                abort(403)
            g.community = community
            g.membership = membership_of(current_user, community)
            g.role = role
            return view(*args, **kwargs)

        return _mark(wrapped, AccessPolicy("community", min_role))

    return decorator


def community_public(view):
    """Anyone may call this view, signed in or not; the community in the URL must exist.

    Sets ``g.community``, and ``g.role`` (``None`` for visitors and outsiders).
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        community = load_community(kwargs["slug"])
        g.community = community
        g.membership = membership_of(current_user, community)
        g.role = effective_role(current_user, community)
        return view(*args, **kwargs)

    return _mark(wrapped, AccessPolicy("public_community"))


def get_in_community(model: type[T], object_id: Any, community: Community | None = None) -> T:
    """Load an object by id that must belong to the current community, or 404."""
    community = community or g.community
    obj = db.session.get(model, object_id)
    if obj is None or getattr(obj, "community_id", None) != community.id:
        abort(404)
    return obj


def role_at_least(min_role: Role | str) -> bool:
    """In a community view: whether the caller's role reaches ``min_role``."""
    role = g.get("role")
    return role is not None and role.at_least(min_role)
