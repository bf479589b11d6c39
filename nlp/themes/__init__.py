"""Themes: clustering feedback into named, stable themes with keywords, quotes and areas.

The entry point is :class:`ThemeModel`; :func:`model_to_bytes` / :func:`model_from_bytes`
store a fitted model, and :class:`ThemeSnapshot` carries identity and operator edits
from one run to the next.
"""

from nlp.themes.model import NotFittedError, ThemeModel
from nlp.themes.seeds import area_for, area_names, default_seeds
from nlp.themes.storage import model_from_bytes, model_to_bytes
from nlp.themes.types import (
    OTHER_ID,
    OTHER_NAME,
    SeedTheme,
    Theme,
    ThemeRecord,
    ThemeSnapshot,
)

__all__ = [
    "OTHER_ID",
    "OTHER_NAME",
    "NotFittedError",
    "SeedTheme",
    "Theme",
    "ThemeModel",
    "ThemeRecord",
    "ThemeSnapshot",
    "area_for",
    "area_names",
    "default_seeds",
    "model_from_bytes",
    "model_to_bytes",
]
