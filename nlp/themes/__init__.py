"""Themes: code-frame themes and discovered themes, named, stable, with keywords and quotes.

The entry point is :class:`ThemeModel` (the code frame itself lives in :mod:`nlp.codeframe`);
:func:`model_to_bytes` / :func:`model_from_bytes` store a fitted model, and
:class:`ThemeSnapshot` carries identity and operator edits from one run to the next.
:func:`is_generic` / :func:`is_generic_name` say which words never name a theme.

The names are imported on first use: the types (``nlp.themes.types``) cost nothing, the model
loads scikit-learn and SciPy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_EXPORTS = {
    "is_generic": "nlp.themes.generic",
    "is_generic_name": "nlp.themes.generic",
    "NotFittedError": "nlp.themes.model",
    "ThemeModel": "nlp.themes.model",
    "area_for": "nlp.themes.seeds",
    "area_names": "nlp.themes.seeds",
    "default_seeds": "nlp.themes.seeds",
    "model_from_bytes": "nlp.themes.storage",
    "model_to_bytes": "nlp.themes.storage",
    "OTHER_ID": "nlp.themes.types",
    "OTHER_NAME": "nlp.themes.types",
    "SeedTheme": "nlp.themes.types",
    "Theme": "nlp.themes.types",
    "ThemeRecord": "nlp.themes.types",
    "ThemeSnapshot": "nlp.themes.types",
}

__all__ = [
    "NotFittedError",
    "OTHER_ID",
    "OTHER_NAME",
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


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first use."""
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'nlp.themes' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)
