"""Exceptions raised while rendering a report."""

from __future__ import annotations


class ReportRenderError(Exception):
    """Rendering a report failed; subclasses say why."""


class URLRefusedError(ReportRenderError):
    """The document asked for a resource outside what the report may load."""


class RenderTimeoutError(ReportRenderError):
    """Rendering took longer than the time limit and was stopped."""


class RenderMemoryError(ReportRenderError):
    """Rendering needed more memory than the limit and was stopped."""


class RenderInputError(ReportRenderError):
    """The document is too large or too deeply nested to render."""


class RenderFailedError(ReportRenderError):
    """The renderer failed for another reason (the message carries its error)."""
