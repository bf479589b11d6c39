"""Chart colours chosen to stay distinguishable in greyscale print: series differ in
lightness and, for lines, in dash pattern."""

from __future__ import annotations

#: (colour, dash pattern) for line series, dark to light with distinct dashes.
LINE_STYLES: list[tuple[str, str | None]] = [
    ("#1f4e79", None),
    ("#d9822b", "7 3"),
    ("#2f8f6b", "2 3"),
    ("#8e3b74", "9 3 2 3"),
    ("#707070", "4 4"),
    ("#5aa2d6", "12 3"),
]

#: Fills for bar series: alternating dark and light so that neighbours differ in grey.
BAR_FILLS = ["#1f4e79", "#9cc3e6", "#d9822b", "#c9c9c9", "#2f8f6b", "#f2c48d"]

#: Sentiment segments: negative dark, neutral light, positive mid.
SENTIMENT = {"negative": "#b8412f", "neutral": "#d5d9de", "positive": "#4f9d6e"}

#: NPS groups.
NPS = {"detractors": "#b8412f", "passives": "#d5d9de", "promoters": "#2f7d57"}

HIGHLIGHT_BAND = "#eef3f8"
MARKER = "#8a8a8a"


def line_style(index: int) -> tuple[str, str | None]:
    """Colour and dash of the ``index``-th line series."""
    return LINE_STYLES[index % len(LINE_STYLES)]


def bar_fill(index: int) -> str:
    """Fill of the ``index``-th bar series."""
    return BAR_FILLS[index % len(BAR_FILLS)]


def text_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (a #rrggbb colour)."""
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "#ffffff" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.55 else "#2b2b2b"
