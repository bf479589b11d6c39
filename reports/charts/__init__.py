"""Server-side SVG charts, shared by the web pages and the PDF.

Every function returns ``markupsafe.Markup`` (safe to insert into Jinja templates as is):
an ``<svg role="img">`` with a ``<title>``, Chinese fonts first, every text escaped, and
byte-for-byte the same output for the same input.
"""

from collections.abc import Callable

from reports.charts._layout import Marker, Series
from reports.charts.bar import bar_chart
from reports.charts.histogram import histogram
from reports.charts.line import line_chart
from reports.charts.nps import nps_chart
from reports.charts.sparkline import sparkline
from reports.charts.stacked import stacked_percent_chart

#: Chart kinds by name, for callers that pick a chart from data (e.g. a metrics page).
CHARTS: dict[str, Callable[..., object]] = {
    "line": line_chart,
    "bar": bar_chart,
    "stacked_percent": stacked_percent_chart,
    "sparkline": sparkline,
    "nps": nps_chart,
    "histogram": histogram,
}


def get_chart(kind: str) -> Callable[..., object]:
    """The chart function called ``kind``."""
    try:
        return CHARTS[kind]
    except KeyError:
        raise KeyError(f"unknown chart {kind!r}; known: {', '.join(CHARTS)}") from None


__all__ = [
    "CHARTS",
    "Marker",
    "Series",
    "bar_chart",
    "get_chart",
    "histogram",
    "line_chart",
    "nps_chart",
    "sparkline",
    "stacked_percent_chart",
]
