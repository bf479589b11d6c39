"""Demo step: the real analysis pipeline over all demo feedback, the alerts it raises, a few
operator corrections, and the 广告刷屏 theme acted on around day 128 (入群审核)."""

from __future__ import annotations

from app.demo import DemoContext, demo_step
from app.demo.vocab import intended_sentiment
from app.extensions import db
from app.models import (
    AnalysisRun,
    FeedbackItem,
    InsightTheme,
    ItemAnalysis,
    SourceKind,
    Suggestion,
    ThemeStatus,
)
from app.services import notifications
from app.services.insights import actions as action_service
from app.services.insights import alerts, analysis, corrections, hooks, labelling
from app.services.insights.periods import local_date

ACTED_ON_DAY = 128
ACTION_TITLE = "新人入群审核上线，广告关键词自动提醒"
ACTION_NOTE = (
    "针对群里广告刷屏：新成员入群先审核并阅读群规，设置了广告关键词自动提醒，"
    "并安排 3 位管理员轮值，广告一般 10 分钟内清理。欢迎继续反馈！"
)
LABELLED_ITEMS = 6


def _theme_with(community_id: int, run_id: int, word: str) -> InsightTheme | None:
    """The active theme most about ``word``: many of its items mention it, and few of its
    items do not (score: mentions² / size)."""
    mentions = dict(db.session.execute(
        db.select(ItemAnalysis.theme_key, db.func.count(ItemAnalysis.id))
        .join(FeedbackItem, FeedbackItem.id == ItemAnalysis.feedback_item_id)
        .where(ItemAnalysis.run_id == run_id, ItemAnalysis.theme_key != 0,
               FeedbackItem.redacted_text.contains(word))
        .group_by(ItemAnalysis.theme_key)
    ).all())
    themes = db.session.execute(
        db.select(InsightTheme).where(InsightTheme.community_id == community_id,
                                      InsightTheme.key.in_(list(mentions)),
                                      InsightTheme.status == ThemeStatus.ACTIVE.value)
    ).scalars().all()
    return max(themes, key=lambda t: mentions[t.key] ** 2 / max(t.size, 1), default=None)


def _rename(ctx: DemoContext, theme: InsightTheme | None, name: str) -> None:
    if theme is None or theme.name == name or theme.name_edited:
        return
    taken = db.session.execute(
        db.select(InsightTheme.id).where(InsightTheme.community_id == ctx.community.id,
                                         InsightTheme.name == name)
    ).first()
    if taken is None:
        correction = corrections.apply(ctx.community, "rename", {"theme": theme.key,
                                                                 "name": name},
                                       actor=ctx.staff["operator"])
        correction.created_at = ctx.at(ACTED_ON_DAY - 2)


def _label_some(ctx: DemoContext) -> None:
    """Label a few of the items the model is least sure about, as an operator would."""
    done = 0
    for entry in labelling.queue(ctx.community.id, limit=60):
        label = intended_sentiment(entry.text)
        if label is None or label == entry.label:
            continue
        correction = corrections.apply(ctx.community, "sentiment",
                                       {"item": entry.item_id, "label": label},
                                       actor=ctx.staff["mentor"])
        correction.created_at = ctx.at(170 + done)
        done += 1
        if done >= LABELLED_ITEMS:
            break


def _ads_suggestions(community_id: int, run_id: int, theme_key: int) -> list[int]:
    return list(db.session.execute(
        db.select(Suggestion.id).distinct()
        .join(FeedbackItem, db.and_(FeedbackItem.source_id == Suggestion.id,
                                    FeedbackItem.source_kind == SourceKind.SUGGESTION.value))
        .join(ItemAnalysis, db.and_(ItemAnalysis.feedback_item_id == FeedbackItem.id,
                                    ItemAnalysis.run_id == run_id))
        .where(Suggestion.community_id == community_id, ItemAnalysis.theme_key == theme_key,
               Suggestion.merged_into_id.is_(None))
        .limit(3)
    ).scalars())


@demo_step(90, "insights: analysis, alerts, corrections, acted-on theme")
def analyse_feedback(ctx: DemoContext) -> None:
    """Run the pipeline over every demo item, then add history an operator would have made."""
    community = ctx.community
    db.session.flush()
    run = AnalysisRun(community_id=community.id, trigger="demo", created_at=ctx.at(179.9))
    db.session.add(run)
    db.session.flush()
    run = analysis.execute_run(run.id)
    # The analysis covered every item: nothing is left for the incremental job.
    hooks.suppress_due()
    alerts.backfill_spikes(community, since=local_date(community, ctx.at(0)))

    ads = _theme_with(community.id, run.id, "广告")
    _rename(ctx, ads, "广告刷屏")
    _rename(ctx, _theme_with(community.id, run.id, "积分"), "积分兑换")
    _rename(ctx, _theme_with(community.id, run.id, "直播"), "直播卡顿与回放")
    if ads is not None:
        when = ctx.at(ACTED_ON_DAY)
        ids = _ads_suggestions(community.id, run.id, ads.key)
        action_service.act_on(community, ads, note=ACTION_NOTE, title=ACTION_TITLE,
                              suggestion_ids=ids, actor=ctx.staff["operator"], at=when)
        notifications.discard_pending_deliveries()
    _label_some(ctx)
    db.session.flush()
    hooks.suppress_due()
