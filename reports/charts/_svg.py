"""A tiny SVG writer: escaped text, compact deterministic numbers, accessible root element."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

#: Chinese fonts first; fontconfig resolves the first one installed (also in browsers).
FONT_FAMILY = ("'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', "
               "'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', sans-serif")
TEXT = "#2b2b2b"
MUTED = "#6b6b6b"
GRID = "#e3e3e3"
AXIS = "#9a9a9a"
MAX_TITLE_CHARS = 60


def num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros (deterministic output)."""
    if not math.isfinite(value):
        raise ValueError("non-finite coordinate")
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def attr(value: object) -> str:
    """An XML-escaped attribute value."""
    return str(escape(str(value)))


def char_width(char: str) -> float:
    """Approximate advance of one character, in ems (CJK and full-width glyphs are 1 em)."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char in "il.,:;'|!()[]":
        return 0.3
    if char.isupper() or char in "mwMW%@":
        return 0.7
    return 0.56


def text_width(text: str, size: float) -> float:
    """Approximate rendered width of ``text`` at font ``size`` (px)."""
    return sum(char_width(c) for c in text) * size


def fit_text(text: str, size: float, max_width: float) -> str:
    """``text`` shortened with an ellipsis so that it fits in ``max_width``."""
    if text_width(text, size) <= max_width:
        return text
    out, used = "", text_width("…", size)
    for char in text:
        used += char_width(char) * size
        if used > max_width:
            break
        out += char
    return out + "…"


class Svg:
    """Accumulates SVG elements; ``render`` wraps them in an accessible ``<svg>`` root."""

    def __init__(self, width: float, height: float, title: str, desc: str = "",
                 css_class: str = "chart") -> None:
        self.width, self.height = width, height
        self.title, self.desc, self.css_class = _clip(title), _clip(desc, 400), css_class
        self.parts: list[str] = []

    def raw(self, element: str) -> None:
        """Append an element that is already well-formed and escaped."""
        self.parts.append(element)

    def rect(self, x: float, y: float, w: float, h: float, fill: str, **extra: object) -> None:
        """A rectangle (zero or negative sizes are skipped)."""
        if w <= 0 or h <= 0:
            return
        self.parts.append(f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" '
                          f'fill="{attr(fill)}"{_extra(extra)}/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str,
             width: float = 1, dash: str | None = None) -> None:
        """A straight line."""
        dash_attr = f' stroke-dasharray="{attr(dash)}"' if dash else ""
        self.parts.append(f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
                          f'stroke="{attr(stroke)}" stroke-width="{num(width)}"{dash_attr}/>')

    def polyline(self, points: Iterable[tuple[float, float] | None], stroke: str,
                 width: float = 1.6, dash: str | None = None) -> None:
        """A line through ``points``; ``None`` breaks it (a gap in the data)."""
        commands, pen_down = [], False
        for point in points:
            if point is None:
                pen_down = False
                continue
            commands.append(("L" if pen_down else "M") + f"{num(point[0])} {num(point[1])}")
            pen_down = True
        if not commands:
            return
        dash_attr = f' stroke-dasharray="{attr(dash)}"' if dash else ""
        self.parts.append(f'<path d="{"".join(commands)}" fill="none" stroke="{attr(stroke)}" '
                          f'stroke-width="{num(width)}" stroke-linejoin="round" '
                          f'stroke-linecap="round"{dash_attr}/>')

    def polygon(self, points: Sequence[tuple[float, float]], fill: str,
                opacity: float = 1.0) -> None:
        """A filled polygon."""
        coords = " ".join(f"{num(x)},{num(y)}" for x, y in points)
        self.parts.append(f'<polygon points="{coords}" fill="{attr(fill)}" '
                          f'fill-opacity="{num(opacity)}"/>')

    def circle(self, cx: float, cy: float, r: float, fill: str, stroke: str | None = None) -> None:
        """A dot."""
        stroke_attr = f' stroke="{attr(stroke)}" stroke-width="1"' if stroke else ""
        self.parts.append(f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}" '
                          f'fill="{attr(fill)}"{stroke_attr}/>')

    def text(self, x: float, y: float, content: str, size: float = 11, anchor: str = "start",
             fill: str = TEXT, weight: str | None = None, rotate: float | None = None) -> None:
        """Text whose vertical centre is at ``y`` (baseline shifted by 0.35 em)."""
        baseline = y + size * 0.35
        weight_attr = f' font-weight="{attr(weight)}"' if weight else ""
        rotate_attr = (f' transform="rotate({num(rotate)} {num(x)} {num(y)})"'
                       if rotate else "")
        self.parts.append(f'<text x="{num(x)}" y="{num(baseline)}" font-size="{num(size)}" '
                          f'text-anchor="{attr(anchor)}" fill="{attr(fill)}"{weight_attr}'
                          f'{rotate_attr}>{escape(content)}</text>')

    def render(self) -> Markup:
        """The finished ``<svg>`` element, safe to insert into HTML unescaped."""
        desc = f"<desc>{escape(self.desc)}</desc>" if self.desc else ""
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="{attr(self.css_class)}" '
                f'role="img" aria-label="{attr(self.title)}" width="{num(self.width)}" '
                f'height="{num(self.height)}" viewBox="0 0 {num(self.width)} '
                f'{num(self.height)}" font-family="{attr(FONT_FAMILY)}">'
                f"<title>{escape(self.title)}</title>{desc}")
        return Markup(head + "".join(self.parts) + "</svg>")  # noqa: S704 - every part escaped  # nosec B704


def _clip(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _extra(extra: dict[str, object]) -> str:
    return "".join(f' {k.replace("_", "-")}="{attr(v)}"' for k, v in extra.items())
