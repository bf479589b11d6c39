"""Axis scales and ticks: 'nice' number ticks and calendar-aware date ticks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from reports.formatting import MINUS


@dataclass(frozen=True)
class LinearScale:
    """Maps a data interval onto a pixel interval."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: float) -> float:
        """Pixel position of ``value``."""
        if self.d1 == self.d0:
            return (self.r0 + self.r1) / 2
        return self.r0 + (value - self.d0) * (self.r1 - self.r0) / (self.d1 - self.d0)


def nice_step(raw: float) -> float:
    """The nearest 'nice' step (1, 2, 2.5 or 5 × 10^k) at or above ``raw``."""
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw - 1e-12 * power:
            return factor * power
    return 10 * power


def nice_ticks(lo: float, hi: float, max_ticks: int = 5) -> list[float]:
    """Evenly spaced round tick values that cover ``lo..hi`` with at most ``max_ticks``."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_step((hi - lo) / max(1, max_ticks - 1))
    while True:
        first, last = math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step
        count = round((last - first) / step) + 1
        if count <= max_ticks:
            break
        step = nice_step(step * 1.01)
    return [round(first + i * step, 10) for i in range(count)]


def _trim(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def step_decimals(step: float) -> int:
    """Decimals needed to print multiples of a nice ``step`` exactly (2.5 needs one more)."""
    if step <= 0 or not math.isfinite(step):
        return 0
    exponent = math.floor(math.log10(step) + 1e-9)
    mantissa = step / 10 ** exponent
    return max(0, -exponent) + (1 if abs(mantissa - 2.5) < 1e-6 else 0)


def tick_label(value: float, fmt: str = "int", step: float = 1.0) -> str:
    """Short tick label for a tick ``value`` among ticks ``step`` apart: ``1.2万``, ``12%``."""
    if fmt == "percent":
        text = _trim(value * 100, min(step_decimals(step * 100), 2)) + "%"
    elif abs(value) >= 10_000 or (step >= 5_000 and value):
        text = _trim(value / 10_000, min(step_decimals(step / 10_000), 3)) + "万"
    else:
        text = _trim(value, min(step_decimals(step), 3))
    return text.replace("-", MINUS)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def date_ticks(start: date, end: date, max_ticks: int = 7) -> list[tuple[date, str]]:
    """Calendar ticks between ``start`` and ``end``: days, Mondays, month or year starts."""
    span = (end - start).days
    for days in (1, 2, 7, 14):
        first = start if days < 7 else start + timedelta(days=(7 - start.weekday()) % 7)
        ticks = []
        day = first
        while day <= end:
            ticks.append(day)
            day += timedelta(days=days)
        if len(ticks) <= max_ticks and span < 120:
            return [(d, f"{d.month}/{d.day}") for d in ticks]
    for months in (1, 2, 3, 6, 12):
        day = date(start.year, start.month, 1)
        if day < start:
            day = _add_months(day, 1)
        while (day.month - 1) % months:
            day = _add_months(day, 1)
        ticks = []
        while day <= end:
            ticks.append(day)
            day = _add_months(day, months)
        if len(ticks) <= max_ticks:
            labels, last_year = [], None
            for d in ticks:
                if months == 12:
                    labels.append((d, f"{d.year}年"))
                elif d.year != last_year:
                    labels.append((d, f"{d.year}年{d.month}月"))
                else:
                    labels.append((d, f"{d.month}月"))
                last_year = d.year
            return labels
    return [(start, f"{start.year}年"), (end, f"{end.year}年")]


def value_range(
    series: Sequence[Sequence[float | None]], include_zero: bool
) -> tuple[float, float]:
    """Smallest and largest finite value over all series (with 0 if asked)."""
    values = [v for s in series for v in s if v is not None and math.isfinite(v)]
    if include_zero:
        values.append(0.0)
    if not values:
        return 0.0, 1.0
    return min(values), max(values)
