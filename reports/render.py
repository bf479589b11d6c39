"""One call from a context to a finished report: HTML and PDF."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from reports.context import ReportContext
from reports.html import render_html
from reports.paths import STATIC_DIR
from reports.pdf import DEFAULT_LIMITS, PdfResult, RenderLimits, render_pdf


@dataclass
class RenderedReport:
    """The HTML (for archiving or preview) and the PDF of one report."""

    html: str
    pdf: bytes
    pages: int
    seconds: float
    peak_rss_mb: float


def render_report(
    context: ReportContext,
    sections: Sequence[str] | None = None,
    *,
    limits: RenderLimits = DEFAULT_LIMITS,
    extra_static_dirs: Sequence[str | os.PathLike] = (),
) -> RenderedReport:
    """Render ``context`` with the chosen ``sections`` (all available by default) to PDF.

    ``extra_static_dirs`` are further directories the PDF may read files from (for example
    an app's uploaded community logos); the report's own static directory is always allowed.
    """
    html = render_html(context, sections)
    result: PdfResult = render_pdf(html, static_dirs=(STATIC_DIR, *extra_static_dirs),
                                   limits=limits)
    return RenderedReport(html=html, pdf=result.pdf, pages=result.pages,
                          seconds=result.seconds, peak_rss_mb=result.peak_rss_mb)
