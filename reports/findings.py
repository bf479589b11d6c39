"""Executive-summary findings: 3–5 plain Chinese sentences with numbers.

Findings describe what moved together, never why: they say 同期 (in the same period) and
相关 (correlated), and never use causal words such as 导致, 造成 or 因为. Tests check this.
"""

from __future__ import annotations

from collections.abc import Callable

from reports.analytics.before_after import BeforeAfter
from reports.analytics.correlation import direction_label, strength_label
from reports.analytics.derived import MIN_PERCENT_BASE
from reports.context import Finding, ReportContext, ThemeSummary
from reports.formatting import (
    change_words,
    count_change_words,
    fmt_float,
    fmt_hours,
    fmt_int,
    fmt_percent,
    fmt_r,
    fmt_score,
    fmt_signed_percent,
    is_number,
    lag_words,
)

MAX_FINDINGS = 5


def write_findings(ctx: ReportContext, max_findings: int = MAX_FINDINGS) -> list[Finding]:
    """Up to ``max_findings`` findings, most important first, for the executive summary."""
    writers: list[Callable[[ReportContext], list[Finding]]] = [
        _top_themes, _community, _surveys, _suggestions, _follow_up,
    ]
    candidates = [finding for writer in writers for finding in writer(ctx)]
    # the first theme finding leads; further theme findings go after the other kinds
    themes = [f for f in candidates if f.kind == "theme"]
    others = [f for f in candidates if f.kind != "theme"]
    ordered = themes[:1] + others[:1] + themes[1:2] + others[1:] + themes[2:]
    return ordered[:max_findings]


def _daily(value: float) -> str:
    return fmt_float(value) if abs(value) < 100 else fmt_int(value)


def trend_change_words(change: BeforeAfter, label: str) -> str:
    """How a metric moved after a date, judged against the trend before it, with its caveat
    in the same sentence. A change is stated only when it clearly left the trend, and then as
    something that happened in the same period (同期), never as the event's effect."""
    actual = f"其后 {change.n_after} 天{label}日均 {_daily(change.mean_after)}"
    if change.expected_after is None or change.beyond_trend is None:
        return f"{actual}（之前 {change.n_before} 天日均 {_daily(change.mean_before)}）"
    if not change.clear:
        return (f"{actual}，与按此前 {change.n_before} 天趋势的预计"
                f"（{_daily(change.expected_after)}）相比无明显偏离")
    base = abs(change.expected_after)
    if base >= MIN_PERCENT_BASE:
        size, low, high = (fmt_percent(abs(v) / base) if i == 0 else fmt_signed_percent(v / base)
                           for i, v in enumerate((change.beyond_trend, change.beyond_low,
                                                  change.beyond_high)))
    else:
        size, low, high = (_daily(abs(change.beyond_trend)), _daily(change.beyond_low),
                           _daily(change.beyond_high))
    side = "高于" if change.beyond_trend > 0 else "低于"
    return (f"{actual}，同期{side}按此前趋势的预计（{_daily(change.expected_after)}）{size}"
            f"（差值的 95% 区间 {low} 至 {high}；偏离也可能来自同期的其他变化）")


def _theme_sentence(ctx: ReportContext, theme: ThemeSummary) -> str:
    head = (f"「{theme.name}」相关反馈"
            f"{count_change_words(theme.volume, theme.previous_volume)}"
            if theme.previous_volume
            else f"「{theme.name}」为本期新出现的主题")
    text = (f"{head}，本期共 {fmt_int(theme.volume)} 条，其中负面占 "
            f"{fmt_percent(theme.negative_share)}")
    rec = next((r for r in (ctx.recommendations.items if ctx.recommendations else [])
                if r.theme_key == theme.key), None)
    factors = rec.priority if rec else None
    if (factors and factors.association_metric and is_number(factors.association_r)
            and ctx.metrics is not None):
        summary = ctx.metrics.summary(factors.association_metric)
        label = ctx.metrics.label(factors.association_metric)
        moved = change_words(summary.change_pct) if summary else "有所变化"
        text += (f"；同期{label}{moved}，两者的周度变化存在"
                 f"{strength_label(factors.association_r)}的"
                 f"{direction_label(factors.association_r)}"
                 f"（r = {fmt_r(factors.association_r)}，{lag_words(factors.association_lag)}）")
    return text + "。"


def _top_themes(ctx: ReportContext) -> list[Finding]:
    if ctx.themes is None or not ctx.themes.themes:
        return []
    if ctx.recommendations and ctx.recommendations.items:
        by_key = {t.key: t for t in ctx.themes.themes}
        order = [by_key[r.theme_key] for r in ctx.recommendations.items if r.theme_key in by_key]
    else:
        order = list(ctx.themes.themes)
    return [Finding(_theme_sentence(ctx, theme), "theme") for theme in order[:2]]


def _community(ctx: ReportContext) -> list[Finding]:
    if ctx.metrics is None:
        return []
    m = ctx.metrics
    parts = []
    new, churned, total = m.summary("new_members"), m.summary("churned"), m.summary("total_members")
    if new and is_number(new.value):
        clause = f"本期新增成员 {fmt_int(new.value)} 人"
        if churned and is_number(churned.value):
            clause += f"、流失 {fmt_int(churned.value)} 人"
        if total and is_number(total.value):
            growth = m.summary("growth_rate")
            clause += f"，期末成员总数 {fmt_int(total.value)} 人"
            if growth and is_number(growth.value):
                clause += f"（较上期末{change_words(growth.value)}）"
        parts.append(clause)
    dau = m.summary("dau")
    if dau and is_number(dau.value):
        clause = f"日活跃成员日均 {fmt_int(dau.value)} 人，较上期{change_words(dau.change_pct)}"
        sticky = m.summary("stickiness")
        if sticky and is_number(sticky.value) and not sticky.estimated:
            clause += f"，黏性（DAU/MAU）为 {fmt_percent(sticky.value)}"
        parts.append(clause)
    ctr = m.summary("click_through")
    if ctr and is_number(ctr.value) and len(parts) < 2:
        parts.append(f"内容点击率 {fmt_percent(ctr.value)}")
    return [Finding("；".join(parts) + "。", "metric")] if parts else []


def _points(delta: float) -> str:
    if abs(delta) < 0.05:
        return "持平"
    return f"{'上升' if delta > 0 else '下降'} {fmt_float(abs(delta))} 分"


def _surveys(ctx: ReportContext) -> list[Finding]:
    s = ctx.surveys
    if s is None or (s.nps is None and s.csat is None):
        return []
    parts = []
    if s.nps is not None:
        clause = f"本期社群 NPS 为 {fmt_score(s.nps.score)}（{fmt_int(s.nps.responses)} 份回答）"
        if is_number(s.nps.previous_score):
            clause += f"，较上期{_points(s.nps.score - s.nps.previous_score)}"
        clause += (f"，推荐者占 {fmt_percent(s.nps.promoters / s.nps.responses)}、"
                   f"贬损者占 {fmt_percent(s.nps.detractors / s.nps.responses)}"
                   if s.nps.responses else "")
        parts.append(clause)
    if s.csat is not None:
        clause = f"CSAT 满意率 {fmt_float(s.csat.score)}%"
        if is_number(s.csat.previous_score):
            clause += f"（上期 {fmt_float(s.csat.previous_score)}%）"
        parts.append(clause)
    return [Finding("；".join(parts) + "。", "survey")]


def _suggestions(ctx: ReportContext) -> list[Finding]:
    p = ctx.suggestions
    if p is None or p.current.received == 0:
        return []
    c = p.current
    text = (f"意见箱本期收到建议 {fmt_int(c.received)} 条，到期末已回复 {fmt_int(c.replied)} 条"
            f"（{fmt_percent(c.reply_rate)}）")
    if c.received_resolved is not None:
        text += f"、已解决 {fmt_int(c.received_resolved)} 条（{fmt_percent(c.resolution_rate)}）"
    text += f"；本期共办结建议 {fmt_int(c.resolved)} 条（含往期）"
    if is_number(c.median_first_reply_hours):
        text += f"；首次回复时间中位数为 {fmt_hours(c.median_first_reply_hours)}"
        if p.previous and is_number(p.previous.median_first_reply_hours):
            text += f"（上期 {fmt_hours(p.previous.median_first_reply_hours)}）"
    return [Finding(text + "。", "suggestion")]


def _follow_up(ctx: ReportContext) -> list[Finding]:
    f = ctx.follow_up
    if f is None or not f.items:
        return []
    acted = [i for i in f.items if i.status == "acted"]
    text = f"上期 {len(f.items)} 项改进建议中已采纳 {len(acted)} 项"
    moved = [i for i in acted if i.previous_volume is not None and i.current_volume is not None]
    if moved:
        item = moved[0]
        text += (f"；其中「{item.theme_name}」的相关反馈"
                 f"{count_change_words(item.current_volume, item.previous_volume)}")
        clear = [mc for mc in item.metric_changes if mc.clear]
        if clear:
            mc = clear[0]
            label = ctx.metrics.label(mc.metric_key) if ctx.metrics else mc.metric_key
            text += "，" + trend_change_words(mc, label)
    return [Finding(text + "。", "followup")]
