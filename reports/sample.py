"""A realistic synthetic community for previews, tests, the sample PDF and the benchmark.

Everything is generated from a seed: daily metrics with weekly and yearly seasonality, themes
whose negative feedback lines up with dips in activity, surveys, the suggestion box,
interviews, and a previous report whose recommendations the current one follows up.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from reports.assemble import AnalysisOptions, FollowUpStatus, ThemeInput, build_context
from reports.context import (
    CompletedSuggestion,
    CsatResult,
    DailySeries,
    InterviewHighlight,
    MetricDefinition,
    NpsResult,
    Period,
    PhraseCount,
    Quote,
    ReportContext,
    SuggestionCounts,
    SuggestionPipeline,
    SurveysSection,
    SurveySummary,
    TrendPoint,
)
from reports.recommend import ThemeVoice

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@dataclass(frozen=True)
class SampleTheme:
    """A synthetic theme: its look, base daily volume, negative share, and when it flares."""

    key: str
    name: str
    area: str
    keywords: tuple[str, ...]
    quotes: tuple[str, ...]
    daily: float
    negative: float
    positive: float
    flare_weeks_before_end: int = 0
    flare_size: float = 0.0
    dau_impact: float = 0.0


THEMES = [
    SampleTheme(
        "points-redeem", "积分兑换", "激励与积分", ("积分", "兑换", "商品", "发货", "规则"),
        ("攒了三个月积分，兑换页面一直显示缺货，感觉积分没什么用了。",
         "兑换的跑步腰包过了两周还没发货，问管理员也没有明确答复。",
         "希望多上一些低门槛的小奖品，现在最便宜的也要 2000 积分。"),
        9.0, 0.45, 0.2, flare_weeks_before_end=6, flare_size=2.6, dau_impact=0.0007),
    SampleTheme(
        "checkin-app", "签到小程序闪退", "技术与体验", ("闪退", "签到", "小程序", "卡顿", "更新"),
        ("更新后每次打卡都闪退，连续签到断了好几天。",
         "安卓手机上打开签到页要转圈十几秒，晨跑前根本等不了。",
         "建议修好之前先允许补签，不然连续打卡记录全没了。"),
        6.0, 0.55, 0.1, flare_weeks_before_end=3, flare_size=2.0, dau_impact=0.0005),
    SampleTheme(
        "event-signup", "线下活动报名", "活动", ("报名", "名额", "活动", "时间", "通知"),
        ("周末的江边夜跑名额一分钟就抢完了，能不能多开几场？",
         "活动通知发得太晚，周五晚上才知道周六早上有团跑。",
         "这次滨江 10 公里的补给和领跑安排都很好，希望常办。"),
        7.0, 0.3, 0.4),
    SampleTheme(
        "admin-reply", "管理员回复慢", "服务与响应", ("回复", "慢", "管理员", "没人理", "等待"),
        ("在群里问装备团购的事情，隔了两天才有人回。",
         "提的建议一直显示「待处理」，不知道有没有人看。",
         "晚上十点后基本找不到管理员，希望安排轮值。"),
        4.0, 0.6, 0.1, flare_weeks_before_end=8, flare_size=1.2, dau_impact=0.0004),
    SampleTheme(
        "weekly-topic", "每周话题讨论", "用户互动", ("话题", "讨论", "分享", "氛围", "经验"),
        ("周三的「伤病恢复」话题很有收获，大家分享了很多真实经验。",
         "话题讨论的氛围很好，新人也敢发言了。",
         "希望话题能提前一天预告，方便准备。"),
        6.5, 0.1, 0.65),
    SampleTheme(
        "group-ads", "群内广告", "规则与秩序", ("广告", "刷屏", "营销号", "群规"),
        ("最近群里卖跑鞋的广告越来越多，重要通知都被刷下去了。",
         "有人私聊拉人进别的群，希望管理员管一管。",
         "建议入群加验证，营销号太多了。"),
        3.5, 0.7, 0.05, flare_weeks_before_end=2, flare_size=1.5, dau_impact=0.0003),
    SampleTheme(
        "beginner-course", "新手入门课程", "学习与课程",
        ("新手", "课程", "入门", "配速", "训练计划"),
        ("新手训练营的配速讲解很清楚，三周就能跑完 5 公里了。",
         "课程回放找不到，错过直播就没法补课。",
         "希望有针对膝盖保护的专题课。"),
        4.5, 0.25, 0.5),
    SampleTheme(
        "article-quality", "公众号文章", "内容", ("文章", "内容", "更新", "干货", "广告"),
        ("公众号最近广告文太多，干货越来越少。",
         "上周那篇马拉松补给攻略写得很实用，已经转给朋友了。",
         "文章太长了，手机上看不完，希望有个摘要。"),
        3.0, 0.35, 0.35),
    SampleTheme(
        "merch", "社群周边", "品牌", ("周边", "队服", "logo", "设计"),
        ("新队服的设计很好看，穿出去好几个人问在哪买的。",
         "希望周边能做女款尺码。",
         "队旗的 logo 印歪了，有点影响形象。"),
        1.5, 0.3, 0.5),
    SampleTheme(
        "night-run-safety", "夜跑安全", "规则与秩序", ("安全", "夜跑", "路线", "照明"),
        ("滨江步道有一段没有路灯，夜跑的时候很危险。",
         "建议夜跑团固定收队人员，防止有人掉队。",
         "希望群里能整理一份安全路线图。"),
        2.0, 0.4, 0.25),
]

#: What members of each sample theme complain about: its code-frame theme (None when the
#: analysis discovered it) and its complaint phrases with the share of negative items
#: naming each.
SAMPLE_VOICES: dict[str, tuple[str | None, tuple[tuple[str, float], ...]]] = {
    "points-redeem": ("points", (("兑换", 0.6), ("缺货", 0.4), ("发货", 0.3), ("积分", 0.3))),
    "checkin-app": ("tech", (("闪退", 0.6), ("签到", 0.4), ("打不开", 0.2))),
    "event-signup": ("events", (("名额", 0.5), ("通知", 0.4), ("太晚", 0.2))),
    "admin-reply": ("response", (("回复", 0.6), ("管理员", 0.4), ("待处理", 0.2))),
    "weekly-topic": ("atmosphere", (("预告", 0.5),)),
    "group-ads": ("spam", (("广告", 0.7), ("刷屏", 0.4), ("营销号", 0.3), ("拉人", 0.2))),
    "beginner-course": ("mentoring", (("回放", 0.5), ("专题", 0.3))),
    "article-quality": ("content", (("广告", 0.5), ("干货", 0.4), ("太长", 0.3))),
    "merch": (None, (("尺码", 0.5), ("印歪", 0.3))),
    "night-run-safety": (None, (("路灯", 0.5), ("收队", 0.4), ("掉队", 0.3))),
}

SURVEY_TITLES = ["2026 年秋季会员满意度调查", "线下活动体验问卷", "新手训练营结营反馈",
                 "积分商城改版意见征集", "签到小程序体验调研"]


def _wordcloud_png(words: tuple[str, ...], rng: np.random.Generator, width: int = 360,
                   height: int = 200) -> bytes:
    """A small word-cloud-like PNG (the real ones come from the NLP package)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    colors = ["#1f4e79", "#d9822b", "#2f8f6b", "#8e3b74", "#5aa2d6"]
    x, y = 12, 14
    for i, word in enumerate(words * 2):
        size = int(44 - i * 3.2)
        if size < 12:
            break
        try:
            font = ImageFont.truetype(str(CJK_FONT), size)
        except OSError:
            font = ImageFont.load_default()
        box = draw.textbbox((0, 0), word, font=font)
        w, h = box[2] - box[0], box[3] - box[1]
        if x + w > width - 10:
            x, y = 12 + int(rng.integers(0, 30)), y + h + 12
        if y + h > height - 6:
            break
        draw.text((x, y), word, fill=colors[i % len(colors)], font=font)
        x += w + 16
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _season(days: np.ndarray, start: date) -> tuple[np.ndarray, np.ndarray]:
    dates = [start + timedelta(days=int(d)) for d in days]
    weekday = np.array([d.weekday() for d in dates])
    weekly = np.where(weekday >= 5, 1.18, 1.0) * np.where(weekday == 0, 0.94, 1.0)
    doy = np.array([d.timetuple().tm_yday for d in dates])
    # running peaks in spring and autumn, a dip in midsummer and at Spring Festival
    yearly = (1 + 0.08 * np.cos(2 * np.pi * (doy - 100) / 182.5)
              - 0.10 * np.exp(-((doy - 35) / 8.0) ** 2))
    return weekly, yearly


def sample_inputs(
    *,
    end: date = date(2026, 10, 31),
    period_days: int | None = None,
    history_days: int = 400,
    n_themes: int = 8,
    n_surveys: int = 3,
    seed: int = 7,
    wordclouds: bool = True,
    community_name: str = "晨跑俱乐部 · 上海站",
) -> dict:
    """Keyword arguments for ``build_context`` describing a synthetic running community.

    The period is the calendar month that ends on ``end`` (or the last ``period_days``).
    """
    rng = np.random.default_rng(seed)
    if period_days is None:
        period = Period(end.replace(day=1), end)
        prev_end = period.start - timedelta(days=1)
        previous = Period(prev_end.replace(day=1), prev_end)
    else:
        period = Period(end - timedelta(days=period_days - 1), end)
        previous = period.previous()
    start = end - timedelta(days=history_days - 1)
    days = np.arange(history_days)
    weekly, yearly = _season(days, start)

    themes, theme_neg = [], []
    acted_on = {"points-redeem": period.start + timedelta(days=9),
                "admin-reply": previous.start + timedelta(days=20)}
    for spec in THEMES[:n_themes]:
        rate = spec.daily * weekly * yearly
        neg_share = np.full(history_days, spec.negative)
        acted = acted_on.get(spec.key)
        if spec.flare_size:
            flare_start = history_days - 7 * spec.flare_weeks_before_end
            bump = np.clip((days - flare_start) / 10.0, 0, 1) * spec.flare_size
            if acted is not None:
                # the flare calms down a week after the fix ships
                settle = (acted - start).days + 7
                bump = bump * np.where(days > settle, np.exp(-(days - settle) / 9.0), 1.0)
            rate = rate * (1 + bump)
            neg_share = np.clip(neg_share + bump * 0.1, 0, 0.9)
        # a milder, earlier wobble so the series is not flat before the flare
        rate = rate * (1 + 0.25 * np.sin(days / 17.0 + len(spec.name)))
        total = rng.poisson(np.maximum(rate, 0.05))
        neg = rng.binomial(total, neg_share)
        pos = rng.binomial(total - neg, min(0.95, spec.positive / max(0.05, 1 - spec.negative)))
        neu = total - neg - pos
        theme_neg.append((spec, neg))
        themes.append(ThemeInput(
            key=spec.key, name=spec.name, area=spec.area, start=start,
            positive=pos.tolist(), neutral=neu.tolist(), negative=neg.tolist(),
            keywords=list(spec.keywords),
            quotes=[Quote(q, ["意见箱", "问卷", "群聊"][i % 3],
                          period.start + timedelta(days=3 + 7 * i))
                    for i, q in enumerate(spec.quotes)],
            wordcloud_png=_wordcloud_png(spec.keywords, rng) if wordclouds else None,
            acted_on=acted))

    # metrics: DAU dips one week after negative feedback on the impactful themes
    members0 = 8200.0
    new = rng.poisson(26 * weekly * yearly)
    impact = np.zeros(history_days)
    for spec, neg in theme_neg:
        if spec.dau_impact:
            lagged = np.concatenate([np.zeros(7), neg[:-7]])
            smooth = np.convolve(lagged, np.ones(7) / 7, mode="same")
            impact += spec.dau_impact * smooth * 7
    churn_rate = 10 + 18 * impact
    churned = rng.poisson(churn_rate)
    total = members0 + np.cumsum(new - churned)
    dau = total * 0.19 * weekly * yearly * (1 - np.clip(impact, 0, 0.5))
    dau = np.round(dau * rng.normal(1, 0.025, history_days))
    interactions = np.round(dau * 3.1 * rng.normal(1, 0.06, history_days))
    views = np.round(dau * 2.4 * rng.normal(1, 0.05, history_days))
    clicks = np.round(views * 0.085 * rng.normal(1, 0.07, history_days))
    weekday = np.array([(start + timedelta(days=int(d))).weekday() for d in days])
    events = np.where(weekday == 5, rng.poisson(160, history_days), rng.poisson(12, history_days))
    km = np.round(dau * 6.8 * rng.normal(1, 0.08, history_days))
    series = {
        "new_members": new, "total_members": np.round(total), "dau": dau,
        "interactions": interactions, "content_views": views, "clicks": clicks,
        "event_participants": events, "churned": churned, "custom:run_km": km,
    }
    metrics = [DailySeries(k, start, [float(v) for v in values]) for k, values in series.items()]

    nps_dist = rng.multinomial(420, [0.02, 0.01, 0.02, 0.03, 0.03, 0.06, 0.08, 0.15, 0.2,
                                     0.2, 0.2])
    promoters, passives = int(nps_dist[9:].sum()), int(nps_dist[7:9].sum())
    detractors = int(nps_dist[:7].sum())
    nps_score = 100.0 * (promoters - detractors) / nps_dist.sum()
    months = ["5月", "6月", "7月", "8月", "9月", "10月"]
    nps_trend = [TrendPoint(m, round(nps_score + d, 1))
                 for m, d in zip(months, [6.0, 4.5, 5.2, 3.1, 2.4, 0.0], strict=True)]
    csat_dist = rng.multinomial(380, [0.04, 0.07, 0.17, 0.42, 0.30])
    csat_score = 100.0 * csat_dist[3:].sum() / csat_dist.sum()
    surveys = SurveysSection(
        nps=NpsResult(score=round(nps_score, 1), promoters=promoters, passives=passives,
                      detractors=detractors, previous_score=round(nps_score + 2.4, 1),
                      trend=nps_trend, distribution=[int(v) for v in nps_dist]),
        csat=CsatResult(score=round(csat_score, 1), responses=int(csat_dist.sum()),
                        mean=round(float(np.dot(np.arange(1, 6), csat_dist) / csat_dist.sum()), 2),
                        previous_score=round(csat_score + 1.5, 1),
                        trend=[TrendPoint(m, round(csat_score + d, 1))
                               for m, d in zip(months, [2.0, 1.1, 1.8, 0.6, 1.5, 0.0],
                                               strict=True)],
                        distribution=[int(v) for v in csat_dist]),
        surveys=[SurveySummary(
            title=SURVEY_TITLES[i % len(SURVEY_TITLES)], responses=int(rng.integers(80, 420)),
            completion_rate=round(float(rng.uniform(0.62, 0.93)), 3),
            nps=round(nps_score + float(rng.normal(0, 6)), 1) if i % 2 == 0 else None,
            csat=round(csat_score + float(rng.normal(0, 4)), 1) if i % 2 == 1 else None,
            highlights=[["最受欢迎的是周末团跑和新手训练营。", "积分兑换和签到稳定性是主要不满。"],
                        ["71% 的参与者希望每月至少两场线下活动。", "报名名额不足被提及 46 次。"],
                        ["结营学员中 83% 完成了 5 公里目标。", "回放缺失是最常见的建议。"],
                        ["低门槛奖品是最受期待的改版内容。", "半数受访者不清楚积分规则。"],
                        ["安卓用户闪退比例明显高于 iOS。", "补签功能获得 78% 支持。"]][i % 5])
            for i in range(n_surveys)],
    )

    hours = rng.lognormal(np.log(9.0), 0.9, 240)
    suggestions = SuggestionPipeline(
        current=SuggestionCounts(received=186, replied=151, resolved=97,
                                 median_first_reply_hours=round(float(np.median(hours)), 1)),
        previous=SuggestionCounts(received=164, replied=118, resolved=80,
                                  median_first_reply_hours=16.5),
        by_status={"待处理": 35, "已回复": 54, "处理中": 31, "已解决": 97, "不采纳": 12},
        first_reply_hours=[round(float(h), 1) for h in hours],
        completed=[
            CompletedSuggestion("夜跑路线增加收队人员", period.start + timedelta(days=5)),
            CompletedSuggestion("群公告置顶常见问题合集", period.start + timedelta(days=12)),
        ],
    )
    interviews = [
        InterviewHighlight(
            title="老会员访谈：积分与长期参与", interviewee="入群三年的资深成员",
            held_on=period.start + timedelta(days=6),
            summary="认为积分体系是坚持打卡的重要动力，但兑换缺货和发货慢削弱了信任；"
                    "愿意协助测试新的积分商城。",
            quotes=["积分本身不值钱，但它代表大家对我坚持的认可。"],
            themes=["积分兑换", "签到小程序闪退"]),
        InterviewHighlight(
            title="新成员访谈：第一个月的体验", interviewee="入群三周的新成员",
            held_on=period.start + timedelta(days=14),
            summary="入门课程帮助很大，但群消息太多、广告刷屏，重要通知容易错过；"
                    "希望有新人专属的答疑时段。",
            quotes=["第一次团跑前很紧张，领跑一直陪着我，这点特别好。"],
            themes=["新手入门课程", "群内广告"]),
        InterviewHighlight(
            title="领跑志愿者座谈", interviewee="五位领跑志愿者",
            held_on=period.start + timedelta(days=20),
            summary="报名名额与安全保障是志愿者最关心的两件事；建议固定收队人员并提前公布路线。",
            quotes=["名额开放的时间固定下来，大家就不用守着手机抢了。"],
            themes=["线下活动报名", "夜跑安全"]),
    ]
    offset = (period.start - start).days
    voices = []
    for theme in themes:
        frame_key, phrases = SAMPLE_VOICES.get(theme.key, (None, ()))
        negative = int(sum(theme.negative[offset:]))
        voices.append(ThemeVoice(
            theme.key, frame_key,
            [PhraseCount(text, max(1, round(negative * share))) for text, share in phrases]))
    return {
        "community_name": community_name,
        "period": period,
        "previous_period": previous,
        "voices": voices,
        "metrics": metrics,
        "metric_definitions": [MetricDefinition("custom:run_km", "跑量打卡", "公里", "sum")],
        "themes": themes,
        "surveys": surveys,
        "suggestions": suggestions,
        "interviews": interviews,
        "generated_at": datetime(end.year, end.month, end.day, 9, 30, tzinfo=UTC)
        + timedelta(days=1),
    }


def month_before(period: Period) -> Period:
    """The calendar month before the one ``period`` starts in."""
    end = period.start - timedelta(days=1)
    return Period(end.replace(day=1), end)


def sample_context(
    *, end: date = date(2026, 10, 31), history_days: int = 400, n_themes: int = 8,
    n_surveys: int = 3, seed: int = 7, wordclouds: bool = True, with_previous: bool = True,
    options: AnalysisOptions | None = None,
) -> ReportContext:
    """A finished context for the synthetic community, following up a previous report that
    was built from the same data one month earlier."""
    kwargs = sample_inputs(end=end, history_days=history_days, n_themes=n_themes,
                           n_surveys=n_surveys, seed=seed, wordclouds=wordclouds)
    if with_previous:
        earlier = dict(kwargs, period=kwargs["previous_period"],
                       previous_period=month_before(kwargs["previous_period"]),
                       generated_at=kwargs["generated_at"] - timedelta(days=kwargs["period"].days))
        previous = build_context(**earlier, options=options)
        kwargs["previous"] = previous
        items = previous.recommendations.items if previous.recommendations else []
        kwargs["follow_up"] = [FollowUpStatus(r.theme_key, "in_progress", None,
                                              "已排期，预计下月上线")
                               for r in items if r.theme_key == "event-signup"]
    return build_context(**kwargs, options=options)


def main(argv: list[str] | None = None) -> int:
    """Write the sample report: ``python -m reports.sample OUT.pdf [OUT.html]``."""
    import sys

    from reports.render import render_report

    args = sys.argv[1:] if argv is None else argv
    if not args or len(args) > 2 or not args[0].endswith(".pdf"):
        print("usage: python -m reports.sample OUT.pdf [OUT.html]", file=sys.stderr)
        return 2
    report = render_report(sample_context())
    Path(args[0]).write_bytes(report.pdf)
    if len(args) == 2:
        Path(args[1]).write_text(report.html, encoding="utf-8")
    print(f"{args[0]}: {report.pages} pages, {len(report.pdf) / 1024:.0f} KB, "
          f"rendered in {report.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
