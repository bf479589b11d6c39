"""SVG charts: well-formed, accessible, escaped, deterministic, and robust to odd data."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from reports import charts
from reports.charts import Marker, Series
from reports.charts.scales import date_ticks, nice_ticks, tick_label

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> & \"quotes\""
DAYS = [date(2026, 9, 1) + timedelta(days=i) for i in range(61)]


def _parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - our own chart output, not untrusted XML


def _examples():
    values = [float(100 + (i % 7) * 3) for i in range(61)]
    values[10] = None  # a gap
    return {
        "line": charts.line_chart(DAYS, [Series(EVIL, values), Series("流失成员", [2.0] * 61)],
                                  title=EVIL, markers=[Marker(DAYS[20], EVIL)],
                                  highlight=(DAYS[30], DAYS[-1])),
        "bar": charts.bar_chart([EVIL, "签到小程序闪退"], [Series("本期", [5, 3]),
                                                          Series("上期", [4, None])],
                                title=EVIL),
        "hbar": charts.bar_chart([EVIL, "积分兑换"], [Series("本期", [-2, 30])], title=EVIL,
                                 horizontal=True),
        "stacked": charts.stacked_percent_chart([EVIL, "空"], [Series("负面", [3, 0]),
                                                               Series("正面", [1, 0])],
                                                title=EVIL),
        "sparkline": charts.sparkline([1, 3, None, 2, 5], title=EVIL),
        "nps": charts.nps_chart(40, 30, 30, title=EVIL, distribution=[1] * 11),
        "histogram": charts.histogram([0.5, 1, 2, 2, 3, 8, 40], title=EVIL),
    }


@pytest.fixture(scope="module")
def examples():
    return _examples()


def test_every_chart_is_well_formed_accessible_svg(examples):
    for name, svg in examples.items():
        root = _parse(str(svg))
        assert root.tag == f"{SVG}svg", name
        assert root.get("role") == "img", name
        assert root.find(f"{SVG}title").text == EVIL, name
        assert root.get("font-family").startswith("'Noto Sans CJK SC'"), name
        assert root.get("viewBox"), name


def test_user_text_is_escaped_never_markup(examples):
    for name, svg in examples.items():
        assert "<script>" not in str(svg), name
        root = _parse(str(svg))
        assert root.find(f".//{SVG}script") is None, name
    texts = [t.text or "" for t in _parse(str(examples["bar"])).iter(f"{SVG}text")]
    assert any(t.startswith("<script>") for t in texts)  # shown as text (maybe shortened)


def test_output_is_deterministic(examples):
    assert {k: str(v) for k, v in _examples().items()} == {k: str(v) for k, v in examples.items()}


def test_charts_are_markup_safe_for_templates(examples):
    for svg in examples.values():
        assert hasattr(svg, "__html__")


def test_gaps_break_the_line_instead_of_dropping_to_zero(examples):
    paths = [p.get("d") for p in _parse(str(examples["line"])).iter(f"{SVG}path")]
    assert paths[0].count("M") == 2


def test_markers_are_numbered_and_listed_under_the_chart(examples):
    texts = [t.text for t in _parse(str(examples["line"])).iter(f"{SVG}text")]
    assert texts.count("1") == 2  # the badge on the line and the one in the list
    assert any(t and t.startswith("9/21 <script>") for t in texts)


def test_empty_data_renders_a_placeholder():
    for svg in (charts.line_chart([], [], title="空"), charts.histogram([], title="空"),
                charts.nps_chart(0, 0, 0, title="空"), charts.sparkline([], title="空")):
        _parse(str(svg))
    assert "暂无数据" in str(charts.histogram([], title="空"))


def test_mismatched_series_are_rejected():
    with pytest.raises(ValueError):
        charts.line_chart(DAYS, [Series("x", [1.0])], title="x")
    with pytest.raises(ValueError):
        charts.bar_chart(["a", "b"], [Series("x", [1.0])], title="x")


def test_registry():
    assert charts.get_chart("line") is charts.line_chart
    with pytest.raises(KeyError, match="unknown chart"):
        charts.get_chart("pie")


def test_nice_ticks_and_labels():
    assert nice_ticks(0, 97) == [0, 25, 50, 75, 100]
    assert nice_ticks(0.02, 0.031, 5) == pytest.approx([0.02, 0.025, 0.03, 0.035])
    assert [tick_label(v, "int", 1000) for v in (12000, 13000)] == ["1.2万", "1.3万"]
    assert tick_label(0.025, "percent", 0.005) == "2.5%"
    assert tick_label(-5, "int", 5) == "−5"


def test_date_ticks_use_mondays_for_weeks_and_month_starts_for_long_spans():
    weekly = date_ticks(date(2026, 10, 1), date(2026, 10, 31))
    assert [d.weekday() for d, _ in weekly] == [0] * len(weekly)
    assert weekly[0] == (date(2026, 10, 5), "10/5")
    long = date_ticks(date(2024, 11, 1), date(2026, 10, 31))
    assert long[0] == (date(2025, 1, 1), "2025年1月")
    assert all(d.day == 1 for d, _ in long)


def test_marker_badges_that_would_touch_are_stacked():
    from reports.charts.line import badge_rows
    assert badge_rows([10, 100, 105, 110, 300]) == [0, 0, 1, 2, 0]
    assert badge_rows([10, 100, 110, 120]) == [0, 0, 1, 0]  # 120 clears 100 again
    assert badge_rows([10, 11, 12, 13]) == [0, 1, 2, 2]  # at most three rows
