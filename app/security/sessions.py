"""The signed cookie session for browsers only: the token-authenticated JSON API neither
reads nor sets the session cookie."""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

API_PATH_PREFIX = "/api/"


def is_api_path(path: str) -> bool:
    """Whether a request path belongs to the JSON API."""
    return path.startswith(API_PATH_PREFIX)


class BrowserSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, except that API requests get the null session.

    API callers authenticate with a bearer token on every request, so a cookie sent along
    must not sign anyone in or pick their language; skipping the cookie also spares the
    busiest endpoints its parsing and signing.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if is_api_path(request.path):
            return None  # Flask substitutes its read-only null session
        return super().open_session(app, request)
