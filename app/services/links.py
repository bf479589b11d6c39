"""Absolute links for sharing (invites, survey links, tracking links, emails)."""

from __future__ import annotations

from flask import current_app, url_for


def absolute_url(endpoint: str, **values) -> str:
    """An absolute URL, using ``PUBLIC_BASE_URL`` when set (behind proxies, in emails)."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
