"""Recommendations drawn from what members said: actions from the theme's own playbook entry
chosen by its complaint phrases, an honest 「需要运营判断」 for a discovered theme nothing fits,
keep-and-amplify for praise (never a corrective priority), no action twice in one report,
and an executive summary with the top actions, their owners and due dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from reports.assemble import ThemeInput, build_context
from reports.context import Period, PhraseCount, Quote, ReportContext
from reports.html import render_html
from reports.playbook import load_playbook
from reports.recommend import ThemeVoice
from reports.summary_plan import ActionAssignment

PERIOD = Period(date(2026, 10, 1), date(2026, 10, 31))
PREVIOUS = Period(date(2026, 9, 1), date(2026, 9, 30))
START = PREVIOUS.start
DAYS = (PERIOD.end - START).days + 1
SPLIT = (PERIOD.start - START).days


def _theme(key, name, area="", *, neg=(1, 2), pos=(1, 1), neu=(0, 0), keywords=()):
    """A theme with ``neg[0]`` negative items a day before the period and ``neg[1]`` in it."""
    def series(pair):
        return [pair[0]] * SPLIT + [pair[1]] * (DAYS - SPLIT)
    return ThemeInput(key, name, area, START, positive=series(pos), neutral=series(neu),
                      negative=series(neg), keywords=list(keywords))


def _voice(key, frame=None, *phrases, quotes=()):
    return ThemeVoice(key, frame, [PhraseCount(t, n) for t, n in phrases],
                      [Quote(q, "意见箱", PERIOD.start + timedelta(days=3)) for q in quotes])


def _context(themes, voices=(), **kwargs):
    return build_context(community_name="测试社群", period=PERIOD, previous_period=PREVIOUS,
                         themes=themes, voices=voices,
                         generated_at=datetime(2026, 11, 1, tzinfo=UTC), **kwargs)


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


def test_a_frame_theme_gets_its_own_entrys_actions_chosen_by_the_complaints(playbook):
    ctx = _context([_theme("7", "分享·干货", "内容", keywords=["分享", "干货"])], [
        _voice("7", "content", ("干货", 14), ("变少", 9), ("断更", 3),
               quotes=["最近干货变少了，好久没有新的分享"])])
    (rec,) = ctx.recommendations.items
    content = {a.text for a in playbook.themes["content"].actions}
    assert rec.kind == "corrective" and rec.frame_key == "content"
    assert set(rec.actions) <= content
    # the action named by the most complaint items comes first, with its evidence
    assert "投稿" in rec.actions[0] and rec.reasons[0] == "成员提到「干货」14 条"
    assert "排期" in rec.actions[1] and rec.reasons[1] == "成员提到「变少」9 条、「断更」3 条"
    assert not any("新人" in a or "热心成员" in a or "投诉" in a for a in rec.actions)
    assert [p.text for p in rec.phrases] == ["干货", "变少", "断更"]
    assert rec.quotes[0].text.startswith("最近干货变少了")
    assert rec.measure.watch == playbook.themes["content"].watch
    assert rec.measure.target == "下期该主题负面反馈降至 43 条以内（本期 62 条，负面占 67%）"


def test_a_discovered_theme_nothing_fits_gets_questions_not_a_generic_action():
    ctx = _context([_theme("3", "跑团·配速", "用户互动", keywords=["配速", "跑团"])], [
        _voice("3", None, ("配速", 8), ("领跑员", 5))])
    (rec,) = ctx.recommendations.items
    assert rec.kind == "judgement" and rec.actions == []
    assert "「配速」、「领跑员」" in rec.questions[0] and "93 条" in rec.questions[0]
    assert rec.lead_action.startswith("需要运营判断：")
    html = render_html(ctx, ["recommendations"])
    assert "需要运营判断" in html and "配速" in html


def test_a_discovered_theme_whose_complaints_name_an_entry_borrows_it(playbook):
    ctx = _context([_theme("4", "周三直播课", "学习与课程")], [
        _voice("4", None, ("回放", 10), ("卡顿", 6), ("讲师", 2))])
    (rec,) = ctx.recommendations.items
    tech = {a.text for a in playbook.themes["tech"].actions}
    assert rec.kind == "corrective" and rec.actions and set(rec.actions) <= tech
    assert "回放" in rec.actions[0]


def test_praise_keeps_and_amplifies_and_never_ranks_for_correction(playbook):
    themes = [
        _theme("1", "表扬·感谢", neg=(1, 3), pos=(1, 1), keywords=["感谢"]),
        _theme("2", "线下活动·用心", "活动", neg=(0, 1), pos=(5, 20), neu=(2, 6),
               keywords=["用心", "活动"]),
        _theme("5", "广告", "规则与秩序", neg=(1, 2), keywords=["广告"]),
    ]
    ctx = _context(themes, [_voice("1", "praise"), _voice("5", "spam", ("广告", 30))])
    assert [r.theme_key for r in ctx.recommendations.items] == ["5"]
    kept = {r.theme_key: r for r in ctx.recommendations.keep}
    assert set(kept) == {"1", "2"}
    corrective = {a.text for p in playbook.themes.values() if not p.amplify for a in p.actions}
    for rec in kept.values():
        assert rec.kind == "amplify" and rec.actions
        assert not set(rec.actions) & corrective
    assert "正面反馈不少于" in kept["2"].measure.target
    assert [a.theme_key for a in ctx.summary.actions] == ["5"]


def test_no_action_text_repeats_within_a_report():
    themes = [_theme(str(i), f"技术{i}", "技术与体验", neg=(1, 3 + i)) for i in range(5)]
    voices = [_voice(str(i), "tech", ("回放", 10), ("卡顿", 8), ("闪退", 5), ("登录", 3))
              for i in range(5)]
    ctx = _context(themes, voices)
    texts = [a for r in ctx.recommendations.items + ctx.recommendations.keep for a in r.actions]
    assert texts and len(texts) == len(set(texts))
    # once the entry's actions are used up, the rest are told to judge, not given repeats
    assert ctx.recommendations.items[-1].kind == "judgement"


def test_the_summary_lists_the_top_actions_with_owners_and_due_dates():
    themes = [_theme(str(i), f"主题{i}", neg=(1, 2 + i)) for i in range(4)]
    voices = [_voice("0", "spam", ("广告", 9)), _voice("1", "tech", ("回放", 4)),
              _voice("2", "events", ("通知", 3)), _voice("3", "points", ("积分", 2))]
    due = date(2026, 11, 20)
    ctx = _context(themes, voices, assignments=[
        ActionAssignment(1, theme_key="2", owner="  王 主理 ", due=due),
        ActionAssignment(2, owner="李运营")])
    actions = ctx.summary.actions
    assert [a.theme_key for a in actions] == ["3", "2", "1"]
    assert (actions[1].owner, actions[1].due) == ("王 主理", due)   # by theme key
    assert (actions[0].owner, actions[0].due) == ("", None)       # rank 1 went to theme 2
    assert actions[2].owner == "" and actions[0].says == "「积分」2 条"
    html = render_html(ctx, ["summary"])
    assert "王 主理" in html and "2026年11月20日" in html and "待指定" in html
    again = ReportContext.from_json(ctx.to_json())
    assert again.summary.actions == actions
    assert again.recommendations.items == ctx.recommendations.items


def test_the_summary_says_what_got_better_and_worse():
    from reports.context import DailySeries

    themes = [_theme("1", "积分", neg=(10, 2)), _theme("2", "广告", neg=(1, 6)),
              _theme("4", "回放", neg=(1, 2)), _theme("3", "平稳", neg=(3, 3))]
    churned = DailySeries("churned", START, [10.0] * SPLIT + [5.0] * (DAYS - SPLIT))
    dau = DailySeries("dau", START, [100.0] * SPLIT + [98.0] * (DAYS - SPLIT))  # −2%: steady
    ctx = _context(themes, metrics=[churned, dau])
    assert ctx.summary.better == ["流失成员：上期 300 → 本期 155",
                                  "「积分」负面反馈：上期 300 条 → 本期 62 条"]
    # the larger move first
    assert ctx.summary.worse == ["「广告」负面反馈：上期 30 条 → 本期 186 条",
                                 "「回放」负面反馈：上期 30 条 → 本期 62 条"]


def test_last_periods_actions_carry_their_status_now():
    from reports.assemble import FollowUpStatus

    first = _context([_theme("1", "积分", neg=(1, 5))], [_voice("1", "points", ("积分", 5))],
                     assignments=[ActionAssignment(1, owner="王主理", due=date(2026, 11, 15))])
    previous = ReportContext.from_json(first.to_json())
    nov = Period(date(2026, 11, 1), date(2026, 11, 30))
    later = _theme("1", "积分", neg=(5, 1))
    later.positive += [1] * 30
    later.neutral += [0] * 30
    later.negative += [1] * 30
    ctx = build_context(community_name="测试社群", period=nov, themes=[later],
                        previous=previous, follow_up=[
                            FollowUpStatus("1", "acted", date(2026, 11, 10))])
    (done,) = ctx.summary.previous_actions
    assert (done.owner, done.status_label, done.acted_on) == ("王主理", "已采纳",
                                                               date(2026, 11, 10))
    assert done.action == first.summary.actions[0].action
