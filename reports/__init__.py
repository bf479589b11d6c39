"""Pure report rendering: report data to charts, HTML and PDF.

This package never imports Flask, the database or ``app``. The main entry points are
re-exported here and imported lazily, so that ``import reports`` stays cheap (the PDF
helper process imports only what it needs)::

    from reports import build_context, render_html, render_pdf, render_report
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "AnalysisOptions": "reports.assemble",
    "FollowUpStatus": "reports.assemble",
    "ThemeInput": "reports.assemble",
    "build_context": "reports.assemble",
    "ReportContext": "reports.context",
    "Period": "reports.context",
    "render_html": "reports.html",
    "PdfResult": "reports.pdf",
    "RenderLimits": "reports.pdf",
    "render_pdf": "reports.pdf",
    "RenderedReport": "reports.render",
    "render_report": "reports.render",
    "available_sections": "reports.sections",
    "get_section": "reports.sections",
    "section_keys": "reports.sections",
    "ReportRenderError": "reports.errors",
    "URLRefusedError": "reports.errors",
    "RenderTimeoutError": "reports.errors",
    "RenderMemoryError": "reports.errors",
    "RenderInputError": "reports.errors",
    "RenderFailedError": "reports.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first use."""
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'reports' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)
