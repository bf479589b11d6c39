"""Themes: code-frame themes and discovered themes, named, stable, with keywords and quotes.

The entry point is :class:`ThemeModel` (the code frame itself lives in :mod:`nlp.codeframe`);
:func:`model_to_bytes` / :func:`model_from_bytes` store a fitted model, and
:class:`ThemeSnapshot` carries identity and operator edits from one run to the next.
:func:`is_generic` / :func:`is_generic_name` say which words never name a theme.
"""

from nlp.themes.generic import is_generic, is_generic_name
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
    "is_generic",
    "is_generic_name",
    "model_from_bytes",
    "model_to_bytes",
]
