"""Jinja filters for dates, numbers and percentages in the user's language and timezone, and
for member-written text (sticker codes shown as emoji)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_percent
from markupsafe import Markup

from nlp.normalize import stickers_to_emoji
from reports.formatting import fmt_score


def register_filters(app: Flask) -> None:
    """Add the project's template filters."""

    @app.template_filter("dt")
    def dt(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
        return format_datetime(value, fmt) if value else ""

    @app.template_filter("d")
    def d(value: date | datetime | None, fmt: str = "yyyy-MM-dd") -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return format_datetime(value, fmt)
        return format_date(value, fmt)

    @app.template_filter("num")
    def num(value: float | int | None, digits: int = 0) -> str:
        if value is None:
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern)

    @app.template_filter("score")
    def score(value: float | None) -> str:
        """A score that can be negative (NPS) with its sign, as in charts and reports."""
        return fmt_score(value)

    @app.template_filter("pct")
    def pct(value: float | None, digits: int = 0) -> str:
        if value is None:
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(value, format=pattern)

    @app.template_filter("emoji")
    def emoji(value: str | None) -> str:
        """WeChat sticker codes (``[捂脸]``) as emoji; other bracketed text stays."""
        if not value:
            return value or ""
        if isinstance(value, Markup):
            # Already escaped markup (search highlights): codes hold no markup characters.
            return Markup(stickers_to_emoji(str(value)))  # noqa: S704  # nosec B704
        return stickers_to_emoji(str(value))
