"""Builders for metrics and report tests: seeded metric series, synthetic themes, files."""

from __future__ import annotations

import io
from datetime import date, timedelta

from app.extensions import db
from app.services.metrics import values as metric_service
from reports.assemble import ThemeInput


def seed_metric(community, key: str, first: date, values) -> None:
    """Store one value per day from ``first`` (``None`` skips a day)."""
    triples = [(first + timedelta(days=i), key, float(v)) for i, v in enumerate(values)
               if v is not None]
    metric_service.upsert_values(community.id, triples, source="api")
    db.session.flush()


def weekly_pattern_daily(weekly: list[float]) -> list[float]:
    """Daily values that repeat each week's value seven times."""
    return [v for v in weekly for _ in range(7)]


def theme_input(key: str, name: str, start: date, daily_negative, daily_positive=None,
                **fields) -> ThemeInput:
    """A synthetic theme with daily negative (and optional positive) counts from ``start``."""
    negative = [int(v) for v in daily_negative]
    positive = [int(v) for v in (daily_positive or [0] * len(negative))]
    return ThemeInput(key=key, name=name, area=fields.pop("area", "规则与秩序"), start=start,
                      positive=positive, neutral=[0] * len(negative), negative=negative,
                      **fields)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """An XLSX workbook with ``rows`` on its first sheet."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def install_theme_provider(monkeypatch, themes: list[ThemeInput], events=None) -> None:
    """Register a report data provider that returns ``themes`` (until the test ends)."""
    from app.services.reports.data import PROVIDERS, DataProvider

    class SyntheticThemes(DataProvider):
        key = "test_themes"
        label = "测试主题"
        sections = ("themes",)

        def collect(self, request):
            out = {}
            if themes:
                out["themes"] = list(themes)
            if events:
                out["events"] = list(events)
            return out

    monkeypatch.setitem(PROVIDERS, SyntheticThemes.key, SyntheticThemes)


def seed_report_community(community, end: date, days: int = 240) -> date:
    """Flat, known metrics for ``days`` days up to ``end``; returns the first day.

    New members 12 a day, 2 leave a day, 300 active members on weekdays and 360 at the
    weekend, 3 interactions per active member, 1,000 views and 100 clicks a day.
    """
    first = end - timedelta(days=days - 1)
    dates = [first + timedelta(days=i) for i in range(days)]
    dau = [360 if d.weekday() >= 5 else 300 for d in dates]
    seed_metric(community, "new_members", first, [12] * days)
    seed_metric(community, "churned", first, [2] * days)
    seed_metric(community, "total_members", first, [1000 + 10 * i for i in range(days)])
    seed_metric(community, "dau", first, dau)
    seed_metric(community, "interactions", first, [3 * v for v in dau])
    seed_metric(community, "content_views", first, [1000] * days)
    seed_metric(community, "clicks", first, [100] * days)
    return first


def ranking_themes(first: date, period_start: date, days: int) -> list[ThemeInput]:
    """Three themes with a known priority order for a period from ``period_start``:
    广告刷屏 (10 a day, 90% negative, doubled) > 积分兑换 (4 a day, all negative, flat) >
    干货分享 (10 a day, 30% negative, flat)."""
    split = (period_start - first).days
    ads_neg = [4] * split + [9] * (days - split)
    ads_pos = [1] * days
    return [
        theme_input("ads", "广告刷屏", first, ads_neg, ads_pos, area="规则与秩序",
                    keywords=["广告", "刷屏", "审核"]),
        theme_input("points", "积分兑换", first, [4] * days, area="激励与积分",
                    keywords=["积分", "兑换"]),
        theme_input("content", "干货分享", first, [3] * days, [7] * days, area="内容",
                    keywords=["干货", "教程"]),
    ]
