"""Render a report context into one HTML document (Jinja2, autoescaped), used both for the
in-app preview (screen CSS) and as the input of the PDF (print CSS, paged media)."""

from __future__ import annotations

import base64
import re
import struct
from collections.abc import Sequence
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from reports import formatting
from reports.context import ReportContext
from reports.paths import STATIC_DIR, TEMPLATES_DIR
from reports.sections import Section, select_sections

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_IMAGE_BYTES = 2_000_000
MAX_IMAGE_SIDE = 4096

#: Longest user strings the layout accepts before cutting them with an ellipsis.
MAX_NAME_CHARS = 60
MAX_QUOTE_CHARS = 280
MAX_TEXT_CHARS = 1200


def png_data_uri(data: bytes | None) -> str | None:
    """A ``data:image/png`` URI for ``data``, or ``None`` unless it is a plausible PNG of
    reasonable size (so that arbitrary bytes never reach the image decoder)."""
    if not data or len(data) > MAX_IMAGE_BYTES or not data.startswith(PNG_SIGNATURE):
        return None
    if data[12:16] != b"IHDR" or len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= MAX_IMAGE_SIDE and 0 < height <= MAX_IMAGE_SIDE):
        return None
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


_ARIA_LABEL = re.compile(r'aria-label="([^"]*)"')


def as_img(svg: object) -> Markup:
    """An SVG chart as an ``<img>`` with a ``data:`` URI.

    WeasyPrint renders an SVG image far faster than inline SVG, whose every element would
    go through the HTML style cascade; browsers show both the same. The ``alt`` text is the
    chart's (already escaped) accessible label.
    """
    text = str(svg or "")
    if not text:
        return Markup("")
    head = text[: text.find(">") + 1]
    found = _ARIA_LABEL.search(head)
    alt = found.group(1) if found else ""
    css_class = "sparkline" if 'class="sparkline"' in head else "chart"
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return Markup(  # noqa: S704 - alt comes escaped from the chart writer, the rest is ours  # nosec B704
        f'<img class="{css_class}" src="data:image/svg+xml;base64,{data}" alt="{alt}">')


def clip(text: object, limit: int = MAX_TEXT_CHARS) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (escaping happens later)."""
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def change_class(change: float | None, higher_is_better: bool = True) -> str:
    """CSS class for a change: ``good``, ``bad`` or ``flat``."""
    if not formatting.is_number(change) or abs(change) < 0.005:
        return "flat"
    return "good" if (change > 0) == higher_is_better else "bad"


@cache
def _stylesheet() -> Markup:
    # the stylesheet is our own file, not user input
    return Markup((TEMPLATES_DIR / "report.css").read_text(encoding="utf-8"))  # noqa: S704  # nosec B704


@cache
def environment() -> Environment:
    """The Jinja2 environment: autoescape on for every template, undefined names fail."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(
        int=formatting.fmt_int,
        float=formatting.fmt_float,
        score=formatting.fmt_score,
        pct=formatting.fmt_percent,
        signed_pct=formatting.fmt_signed_percent,
        value=formatting.fmt_value,
        change=formatting.fmt_change,
        change_words=formatting.change_words,
        r=formatting.fmt_r,
        p=formatting.fmt_p,
        hours=formatting.fmt_hours,
        date=formatting.fmt_date,
        short_date=formatting.fmt_short_date,
        lag=formatting.lag_words,
        clip=clip,
        png=png_data_uri,
        change_class=change_class,
    )
    env.globals.update(MAX_NAME_CHARS=MAX_NAME_CHARS, MAX_QUOTE_CHARS=MAX_QUOTE_CHARS,
                       SMALL_BASE=formatting.SMALL_BASE)
    return env


def render_html(
    context: ReportContext,
    sections: Sequence[str] | None = None,
    *,
    asset_base_url: str | None = None,
) -> str:
    """The report as a complete HTML document.

    ``sections`` are section keys to include (all available ones when ``None``).
    ``asset_base_url`` is where the report's static files are served from; the default
    is the ``file://`` URL of ``STATIC_DIR``, which the PDF renderer allows. The web preview
    passes its own static URL instead (e.g. ``/reports/static/``).
    """
    chosen: list[Section] = select_sections(context, sections)
    charts = {s.key: {name: as_img(svg) for name, svg in s.charts(context).items()}
              for s in chosen}
    base = asset_base_url if asset_base_url is not None else STATIC_DIR.as_uri() + "/"
    template = environment().get_template("report.html.j2")
    return template.render(ctx=context, sections=chosen, charts=charts,
                           stylesheet=_stylesheet(), asset_base=base)
