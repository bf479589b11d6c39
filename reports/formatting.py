"""Number, percentage and date formatting for Chinese report text and templates."""

from __future__ import annotations

import math
from datetime import date

from reports.analytics.derived import MIN_PERCENT_BASE

MINUS = "\u2212"  # a real minus sign: hyphens look wrong next to digits in CJK type


def _signed(text: str) -> str:
    return text.replace("-", MINUS)


def is_number(value: object) -> bool:
    """Whether ``value`` is a finite real number."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def fmt_int(value: float | None) -> str:
    """A count: ``12,345``; ``123.5万`` from a million; ``1.23亿`` from a hundred million."""
    if not is_number(value):
        return "—"
    size = abs(value)
    if size >= 1e8:
        return _signed(f"{value / 1e8:.2f}亿")
    if size >= 1e6:
        return _signed(f"{value / 1e4:.1f}万")
    return _signed(f"{round(value):,}")


def fmt_float(value: float | None, digits: int = 1) -> str:
    """A decimal number with ``digits`` decimals."""
    if not is_number(value):
        return "—"
    return _signed(f"{value:,.{digits}f}")


def fmt_score(value: float | None, digits: int = 1) -> str:
    """A score that can be negative, such as an NPS, always with its sign: ``+8.6``,
    ``−12.0``, ``0.0``; the same everywhere a score is shown."""
    if not is_number(value):
        return "—"
    text = fmt_float(value, digits)
    return ("+" + text) if round(value, digits) > 0 else text


def fmt_percent(fraction: float | None, digits: int | None = None) -> str:
    """A fraction as a percentage: one decimal below 10%, none above (``8.3%``, ``42%``)."""
    if not is_number(fraction):
        return "—"
    pct = fraction * 100
    if digits is None:
        digits = 1 if abs(pct) < 10 else 0
    return _signed(f"{pct:.{digits}f}%")


def fmt_signed_percent(fraction: float | None, digits: int | None = None) -> str:
    """A change as a signed percentage: ``+42%``, ``−8.0%``."""
    if not is_number(fraction):
        return "—"
    text = fmt_percent(abs(fraction), digits)
    if round(fraction * 100, 1) == 0:
        return text
    return ("+" if fraction > 0 else MINUS) + text


def change_words(fraction: float | None, up: str = "增长", down: str = "下降") -> str:
    """A change in words: ``增长 42%``, ``下降 8.0%``, or ``基本持平`` below 0.5%."""
    if not is_number(fraction):
        return "无可比数据"
    if abs(fraction) < 0.005:
        return "基本持平"
    return f"{up if fraction > 0 else down} {fmt_percent(abs(fraction))}"


#: Below this many items in the previous period, a change reads as counts, not a percentage
#: (3 → 28 items is clearer than "增长 833%").
SMALL_BASE = MIN_PERCENT_BASE


def count_change_words(current: int, previous: int, unit: str = "条") -> str:
    """A change of a count against the previous period in words: ``较上期增长 42%``, or
    ``由上期 1 条增至 15 条`` from a small base."""
    if 0 <= previous < SMALL_BASE and current != previous:
        verb = "增至" if current > previous else "降至"
        return f"由上期 {fmt_int(previous)} {unit}{verb} {fmt_int(current)} {unit}"
    return "较上期" + change_words((current - previous) / previous if previous else None)


def fmt_value(value: float | None, fmt: str = "int") -> str:
    """A value in the named format: ``int``, ``float``, ``percent`` or ``score`` (signed,
    one decimal, as ``fmt_score``: an NPS prints the same in a chart as in the text)."""
    if fmt == "percent":
        return fmt_percent(value)
    if fmt == "score":
        return fmt_score(value)
    if fmt == "float":
        if is_number(value) and value == 0:
            return "0"  # not 0.00: a zero is exact
        return fmt_float(value, 2 if is_number(value) and abs(value) < 10 else 1)
    return fmt_int(value)


def fmt_change(change: float | None, fmt: str = "int") -> str:
    """An absolute change in the named format, signed; percentages become points (``pp``)."""
    if not is_number(change):
        return "—"
    if fmt == "percent":
        text = f"{abs(change) * 100:.1f} 个百分点"
        if abs(change) < 0.0005:
            return text
    else:
        text = fmt_value(abs(change), fmt)
    if abs(change) < 1e-12:
        return text
    return ("+" if change > 0 else MINUS) + text


def fmt_r(r: float | None) -> str:
    """A correlation coefficient with two decimals and a real minus sign."""
    return _signed(f"{r:.2f}") if is_number(r) else "—"


def fmt_p(p: float | None) -> str:
    """A p-value as ``p = 0.03`` or ``p < 0.001``."""
    if not is_number(p):
        return "p 无法计算"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def fmt_hours(hours: float | None) -> str:
    """A duration in hours; days from 48 hours."""
    if not is_number(hours):
        return "—"
    if hours >= 48:
        return f"{hours / 24:.1f} 天"
    return f"{hours:.1f} 小时"


def fmt_date(day: date | None) -> str:
    """``2026年10月1日``."""
    if day is None:
        return "—"
    return f"{day.year}年{day.month}月{day.day}日"


def fmt_short_date(day: date | None) -> str:
    """``10月1日``."""
    if day is None:
        return "—"
    return f"{day.month}月{day.day}日"


def lag_words(lag: int) -> str:
    """``同周`` for lag 0, else ``滞后 N 周``."""
    return "同周" if lag == 0 else f"滞后 {lag} 周"
