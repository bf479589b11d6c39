"""The sections registry: order, availability, and switching sections on and off."""

import pytest

from reports.context import ReportContext
from reports.html import render_html
from reports.sections import (
    SECTIONS,
    Section,
    available_sections,
    get_section,
    register_section,
    section_keys,
    select_sections,
)

ALL = ["summary", "metrics", "surveys", "themes", "suggestions", "interviews",
       "recommendations", "followup", "methods"]


def test_sections_are_registered_in_report_order_with_chinese_titles():
    assert section_keys() == ALL
    assert [get_section(k).title for k in ALL] == [
        "执行摘要", "社群指标", "问卷结果", "热点主题", "意见箱处理", "访谈要点", "改进建议",
        "上期建议跟进", "方法与说明"]


def test_the_full_sample_has_every_section(sample_ctx):
    assert [s.key for s in available_sections(sample_ctx)] == ALL


def test_sections_without_data_are_not_available(sample_ctx):
    from dataclasses import replace
    bare = replace(sample_ctx, surveys=None, interviews=[], follow_up=None)
    keys = [s.key for s in available_sections(bare)]
    assert "surveys" not in keys and "interviews" not in keys and "followup" not in keys


def test_callers_switch_sections_on_and_off(sample_ctx):
    chosen = select_sections(sample_ctx, ["themes", "summary"])
    assert [s.key for s in chosen] == ["summary", "themes"]  # report order, not call order
    html = render_html(sample_ctx, ["summary", "recommendations"])
    assert 'id="sec-summary"' in html and 'id="sec-recommendations"' in html
    assert 'id="sec-metrics"' not in html and 'id="sec-themes"' not in html


def test_unknown_sections_are_a_clear_error(sample_ctx):
    with pytest.raises(KeyError, match="unknown report section 'appendix'"):
        select_sections(sample_ctx, ["summary", "appendix"])


def test_a_new_section_is_one_class(sample_ctx):
    @register_section
    class Glossary(Section):
        key, title, template, order = "glossary", "术语表", "sections/methods.html.j2", 95

        def is_available(self, ctx: ReportContext) -> bool:
            return True

    try:
        assert section_keys()[-1] == "glossary"
        with pytest.raises(ValueError, match="already registered"):
            register_section(Glossary)
    finally:
        del SECTIONS["glossary"]


def test_float_values_print_zero_as_zero_and_keep_two_decimals_below_ten():
    from reports.formatting import fmt_value

    assert fmt_value(0.0, "float") == "0"
    assert fmt_value(3.456, "float") == "3.46"
    assert fmt_value(-10.8, "float").endswith("10.8")


def test_the_nps_trend_prints_scores_as_the_text_does():
    from reports.formatting import fmt_score
    from reports.sample import sample_context
    from reports.sections import get_section

    ctx = sample_context()
    chart = str(get_section("surveys").charts(ctx)["nps_trend"])
    for point in ctx.surveys.nps.trend:
        assert f">{fmt_score(point.value)}<" in chart.replace("\u2212", "−")
