"""The report context survives a JSON round trip, so a report can follow up the last one."""

import json
from datetime import date

import pytest

from reports.context import (
    SCHEMA_VERSION,
    DailySeries,
    Period,
    ReportContext,
)


def test_context_json_round_trip_is_lossless(sample_ctx):
    text = sample_ctx.to_json()
    json.loads(text)  # plain JSON, no NaN
    again = ReportContext.from_json(text)
    assert again == sample_ctx
    assert again.to_json() == text
    theme = again.themes.themes[0]
    assert theme.wordcloud_png == sample_ctx.themes.themes[0].wordcloud_png
    assert theme.wordcloud_png.startswith(b"\x89PNG")
    assert isinstance(again.period.start, date)


def test_a_newer_schema_is_refused(sample_ctx):
    data = sample_ctx.to_dict()
    data["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(ValueError, match="newer"):
        ReportContext.from_dict(data)


def test_wrong_types_are_refused(sample_ctx):
    data = sample_ctx.to_dict()
    data["themes"]["themes"][0]["volume"] = "many"
    with pytest.raises((TypeError, ValueError)):
        ReportContext.from_dict(data)


def test_periods():
    october = Period(date(2026, 10, 1), date(2026, 10, 31))
    assert october.days == 31
    assert october.previous() == Period(date(2026, 8, 31), date(2026, 9, 30))
    assert october.label == "2026年10月1日 至 2026年10月31日"
    with pytest.raises(ValueError):
        Period(date(2026, 10, 2), date(2026, 10, 1))


def test_daily_series_windows_pad_uncovered_days_with_none():
    series = DailySeries("dau", date(2026, 10, 3), [1.0, 2.0, 3.0])
    assert series.end == date(2026, 10, 5)
    assert series.window_values(date(2026, 10, 2), date(2026, 10, 6)) == [None, 1.0, 2.0,
                                                                         3.0, None]
