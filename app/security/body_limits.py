"""Request body caps, applied before anything parses the body (CSRF protection included).

Werkzeug reads a url-encoded body whole and splits it in one go, so neither
``MAX_FORM_MEMORY_SIZE`` nor ``MAX_FORM_PARTS`` bound it: 10 MB of percent-encoded Chinese
or 200,000 tiny fields cost seconds of CPU before any check runs, and no login is needed to
send them. Each request therefore gets the smallest cap that its route needs:

- sign-in, password, account deletion and invitation forms: ``SMALL_FORM_MAX_BYTES``;
- the suggestion box: room for its images, but its text fields ``SMALL_FORM_MAX_BYTES``
  each and few parts;
- the JSON API: ``API_MAX_BODY_BYTES``;
- any other url-encoded form: ``FORM_MAX_BYTES``; multipart uploads keep
  ``MAX_CONTENT_LENGTH`` with Werkzeug's own per-part limits.

A url-encoded body also may not have more fields than ``MAX_FORM_PARTS``.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

SMALL_FORM_ENDPOINTS = frozenset({"auth.login", "auth.logout", "auth.change_password",
                                  "auth.delete_account", "auth.accept_invitation",
                                  "suggestions.similar"})
UPLOAD_ENDPOINTS_WITH_SMALL_FORMS = frozenset({"suggestions.box"})
# Fields of the box besides its images (title, text, category, contact, tokens...).
SMALL_FORM_MAX_PARTS = 64


class BodyTooLarge(RequestEntityTooLarge):
    """A body over its route's cap; ``limit`` is the cap in bytes, for the error message."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit


def body_limit() -> int | None:
    """The largest body this request's route accepts (None: the app-wide limit)."""
    config = current_app.config
    endpoint = request.endpoint or ""
    multipart = request.mimetype == "multipart/form-data"
    if endpoint in UPLOAD_ENDPOINTS_WITH_SMALL_FORMS:
        if not multipart:
            return config["SMALL_FORM_MAX_BYTES"]
        # the text fields stay small even when images come along
        request.max_form_memory_size = config["SMALL_FORM_MAX_BYTES"]
        request.max_form_parts = SMALL_FORM_MAX_PARTS + config["SUGGESTION_MAX_IMAGES"]
        images = config["SUGGESTION_MAX_IMAGES"] * config["SUGGESTION_MAX_IMAGE_BYTES"]
        # the images may together exceed MAX_CONTENT_LENGTH: the box takes them all
        return max(config.get("MAX_CONTENT_LENGTH") or 0, images + 1024 * 1024)
    if endpoint in SMALL_FORM_ENDPOINTS:
        return config["SMALL_FORM_MAX_BYTES"]
    if request.blueprint == "api":
        return config["API_MAX_BODY_BYTES"]
    if request.mimetype == "application/x-www-form-urlencoded":
        return config["FORM_MAX_BYTES"]
    return None


def human_size(n: int) -> str:
    """``n`` bytes as people read it: 16 KB, 2 MB."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    return f"{max(n // 1024, 1)} KB"


def apply_body_limit(endpoint, values) -> None:
    """Cap this request's body before it is parsed, and count url-encoded fields."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    limit = body_limit()
    if limit is None:
        return
    if request.endpoint not in UPLOAD_ENDPOINTS_WITH_SMALL_FORMS:
        limit = min(limit, current_app.config.get("MAX_CONTENT_LENGTH") or limit)
    g.body_limit = limit
    request.max_content_length = limit
    length = request.content_length
    if length is not None and length > limit:
        raise BodyTooLarge(limit)
    if request.mimetype == "application/x-www-form-urlencoded":
        parts = current_app.config.get("MAX_FORM_PARTS") or 1000
        # reading is bounded by the cap just set; Werkzeug parses this cached copy later
        data = request.get_data(cache=True)
        if data.count(b"&") >= parts:
            g.form_parts_limit = parts
            raise RequestEntityTooLarge()


def register(app: Flask) -> None:
    """Install the caps (URL value preprocessors run before every ``before_request``)."""
    app.url_value_preprocessor(apply_body_limit)
