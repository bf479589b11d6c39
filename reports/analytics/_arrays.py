"""Conversions between JSON-friendly lists (``None`` for missing) and float arrays (NaN)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np


def to_array(values: Iterable[float | None]) -> np.ndarray:
    """A float array with NaN wherever a value is missing (``None`` or NaN)."""
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def to_list(values: Iterable[float]) -> list[float | None]:
    """A list of plain floats with ``None`` wherever the value is not finite."""
    return [float(v) if v is not None and math.isfinite(v) else None for v in values]


def finite_or_none(value: float | None) -> float | None:
    """``value`` as a plain float, or ``None`` when it is missing or not finite."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
