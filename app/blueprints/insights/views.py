"""Insight pages: the themes overview, a theme, the inbox, the labelling queue, corrections,
analysis runs and alerts. Operators, managers and admins only."""

from __future__ import annotations

from flask import Response, abort, g, render_template, request
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app.blueprints.insights import insights_bp
from app.blueprints.insights.forms import (
    ActForm,
    ConfirmForm,
    InboxFilterForm,
    MergeForm,
    MoveForm,
    PeriodForm,
    RenameForm,
    SeedForm,
    SentimentForm,
    SplitForm,
    TagsForm,
)
from app.blueprints.insights.presenters import (
    highlight,
    link_for,
    mix_bar,
    sentiment_chart,
    sources_chart,
    trend_line,
)
from app.extensions import db
from app.models import (
    ALERT_KIND_LABELS,
    CORRECTION_KIND_LABELS,
    RUN_STATUS_LABELS,
    RUN_TRIGGER_LABELS,
    SOURCE_KIND_LABELS,
    SUGGESTION_STATUS_LABELS,
    THEME_STATUS_LABELS,
    AnalysisRun,
    InsightTheme,
    ThemeStatus,
)
from app.models.insights import SENTIMENT_KEYS, SENTIMENT_LABELS
from app.security.access import community_required, get_in_community
from app.security.roles import Role
from app.services.channels import channel_name, channel_names
from app.services.insights import (
    alerts,
    analysis,
    corrections,
    detail,
    inbox,
    labelling,
    overview,
    wordclouds,
)
from app.services.insights.inbox import InboxFilters
from app.services.insights.periods import parse_day, period_from
from app.services.insights.segments import SEGMENTS
from app.services.insights.tags import tags_in_use
from nlp.normalize import stickers_to_emoji

NAV = "insights"


def _period():
    form = PeriodForm(request.args)
    return period_from(g.community, form.period.data, parse_day(form.start.data),
                       parse_day(form.end.data)), form


def _period_args(period) -> dict:
    if period.preset:
        return {"period": period.preset}
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def _theme_choices(themes, *, blank=None, exclude=None) -> list[SelectChoice]:
    choices = [SelectChoice("", blank)] if blank is not None else []
    for theme in themes:
        if theme.key != exclude:
            choices.append(SelectChoice(str(theme.key), theme.name))
    return choices


def active_themes(community_id: int) -> list[InsightTheme]:
    """Themes that items can be moved or merged into, by name."""
    return list(db.session.execute(
        db.select(InsightTheme).where(InsightTheme.community_id == community_id,
                                      InsightTheme.status == ThemeStatus.ACTIVE.value)
        .order_by(InsightTheme.is_other, InsightTheme.name)
    ).scalars())


def ui_texts() -> dict:
    """Labels used on every item of a page, translated once per page instead of per item."""
    return {
        -1: _("负面"), 0: _("中性"), 1: _("正面"), "corrected": _("运营者修正过"),
        "pending": _("分析中"), "change": _("修改情感"), "source": _("查看原文"),
        "identified": _("实名"), "anonymous": _("匿名"), "select": _("选择这条反馈"),
        "add_tags": _("加标签"), "save": _("保存"), "tags": _("标签"), "other": _("其他"),
        "kinds": {str(k): str(v) for k, v in SOURCE_KIND_LABELS.items()},
    }


def _common() -> dict:
    run = analysis.current_run(g.community.id)
    return {
        "ui": ui_texts(),
        "active_nav": NAV,
        "run": run,
        "active_run": analysis.active_run(g.community.id),
        "open_alerts": alerts.open_count(g.community.id),
        "sentiment_labels": SENTIMENT_LABELS,
        "sentiment_keys": SENTIMENT_KEYS,
        "theme_status_labels": THEME_STATUS_LABELS,
        "confirm_form": ConfirmForm(),
    }


@insights_bp.route("/")
@community_required(Role.OPERATOR)
def overview_page(slug: str):
    """The themes overview for a period compared with the previous one."""
    period, period_form = _period()
    sort = request.args.get("sort", "volume")
    sort = sort if sort in overview.SORTS else "volume"
    data = overview.overview(g.community, period, sort=sort)
    return render_template(
        "insights/overview.html", data=data, period=period, period_form=period_form,
        period_args=_period_args(period), sort=sort, seed_form=SeedForm(formdata=None),
        mix_bar=mix_bar, trend_line=trend_line,
        queue_size=labelling.queue_size(g.community.id), **_common(),
    )


@insights_bp.route("/cloud.png")
@community_required(Role.OPERATOR)
def period_cloud(slug: str):
    """The word cloud of a period (its themes' keywords by volume)."""
    period, _form = _period()
    data = overview.overview(g.community, period)
    png = wordclouds.cloud_png(g.community, wordclouds.period_weights(data.themes),
                               size="large")
    return _png(png)


@insights_bp.route("/themes/<int:key>/cloud.png")
@community_required(Role.OPERATOR)
def theme_cloud(slug: str, key: int):
    """A theme's word cloud."""
    theme = detail.theme_by_key(g.community, key)
    if theme is None:
        abort(404)
    size = "small" if request.args.get("size") == "small" else "large"
    return _png(wordclouds.cloud_png(g.community, wordclouds.theme_weights(theme), size=size))


def _png(data: bytes) -> Response:
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@insights_bp.route("/themes/<int:key>")
@community_required(Role.OPERATOR)
def theme(slug: str, key: int):
    """One theme: quotes, sources, sentiment over time, negative aspects, suggestions,
    interview highlights, actions, and the corrections panel."""
    period, period_form = _period()
    data = detail.detail(g.community, key, period)
    if data is None:
        abort(404)
    themes = active_themes(g.community.id)
    merge_form = MergeForm(formdata=None)
    merge_form.target.choices = _theme_choices(
        [t for t in themes if not t.is_other], blank=_("选择主题"), exclude=key)
    act_form = ActForm(formdata=None)
    act_form.suggestions.choices = [
        SelectChoice(s.suggestion.id, stickers_to_emoji(s.suggestion.display_title))
        for s in data.suggestions
        if s.suggestion.status not in ("done", "duplicate") and not s.suggestion.merged_into_id]
    rename_form = RenameForm(formdata=None)
    rename_form.name.data = data.theme.name
    link = link_for(g.community.slug)
    markers = [(a.acted_on_at.date(), _("已改进")) for a in data.actions]
    return render_template(
        "insights/theme.html", d=data, period=period, period_form=period_form,
        period_args=_period_args(period), rename_form=rename_form, merge_form=merge_form,
        split_form=SplitForm(formdata=None), act_form=act_form,
        sentiment_form=SentimentForm(formdata=None), link=link,
        chart=sentiment_chart(data.weeks, data.weekly, title=_("每周情感变化"), markers=markers),
        sources=sources_chart(data.sources, SOURCE_KIND_LABELS, title=_("反馈来源")) if
        data.sources else None,
        suggestion_status_labels=SUGGESTION_STATUS_LABELS,
        correction_labels=CORRECTION_KIND_LABELS, alert_labels=ALERT_KIND_LABELS,
        undoable=corrections.undoable, **_common(),
    )


def _inbox_filters(form: InboxFilterForm) -> InboxFilters:
    survey_id, question_id = None, None
    if form.survey.data:
        raw_survey, _sep, raw_question = str(form.survey.data).partition(":")
        if raw_survey.isdigit():
            survey_id, question_id = int(raw_survey), raw_question or None
    sentiment = form.sentiment.data if form.sentiment.data in (-1, 0, 1) else None
    known = {str(c.value) for c in form.kind.choices}
    kinds = tuple(k for k in (form.kind.data or []) if k in known)
    return InboxFilters(
        kinds=kinds, survey_id=survey_id, question_id=question_id,
        channel=form.channel.data or None,
        date_from=parse_day(form.start.data), date_to=parse_day(form.end.data),
        theme=form.theme.data, sentiment=sentiment, tag=form.tag.data or None,
        segment=form.segment.data if form.segment.data in SEGMENTS else None,
        q=(form.q.data or "").strip()[:100] or None,
        corrected=request.args.get("corrected") == "1",
    )


@insights_bp.route("/inbox")
@community_required(Role.OPERATOR)
def inbox_page(slug: str):
    """Every feedback item with filters, Chinese full-text search and keyset paging."""
    form = InboxFilterForm(request.args)
    themes = active_themes(g.community.id)
    form.theme.choices = _theme_choices(themes, blank=_("全部主题"))
    names = channel_names(g.community.id)
    form.channel.choices = [SelectChoice("", _("全部渠道"))] + sorted(
        (SelectChoice(c, channel_name(c, names)) for c in inbox.channels(g.community.id)),
        key=lambda choice: choice.label)
    form.tag.choices = [SelectChoice("", _("全部标签"))] + [
        SelectChoice(name, f"{name}（{n}）") for name, n in tags_in_use(g.community.id)[:100]]
    form.survey.choices = [SelectChoice("", _("全部问卷"))] + survey_choices(g.community)
    filters = _inbox_filters(form)
    result = inbox.page(g.community, filters, after=request.args.get("after"),
                        before=request.args.get("before"), link_for=link_for(g.community.slug))
    move_form = MoveForm(formdata=None)
    move_form.target.choices = _theme_choices(themes, blank=_("移动到主题…"))
    return render_template(
        "insights/inbox.html", form=form, filters=filters, result=result,
        args=filters.as_args(), move_form=move_form, sentiment_form=SentimentForm(formdata=None),
        tags_form=TagsForm(formdata=None), highlight=highlight, themes=themes,
        channel_names=names, **_common(),
    )


def survey_choices(community) -> list[SelectChoice]:
    """Survey and question options for the inbox filter (surveys that feed feedback)."""
    try:
        from app.services.surveys.metrics import feedback_questions
    except ImportError:  # the surveys feature is not part of this build
        return []
    choices, seen = [], set()
    for q in feedback_questions(community):
        if q.survey_id not in seen:
            seen.add(q.survey_id)
            choices.append(SelectChoice(str(q.survey_id), q.survey_title))
        choices.append(SelectChoice(f"{q.survey_id}:{q.question_id}",
                                    f"　{q.survey_title} · {q.question_title}"))
    return choices


@insights_bp.route("/queue")
@community_required(Role.OPERATOR)
def queue(slug: str):
    """待标注: the items the sentiment model is least sure about, labelled with one click."""
    theme_key = request.args.get("theme", type=int)
    items = labelling.queue(g.community.id, limit=20, theme_key=theme_key)
    return render_template(
        "insights/queue.html", items=items, theme_key=theme_key,
        names=inbox.theme_names(g.community.id), sentiment_form=SentimentForm(formdata=None),
        labelled=labelling.labelled_count(g.community.id),
        layer=labelling.layer_info(g.community.id),
        remaining=labelling.queue_size(g.community.id), **_common(),
    )


@insights_bp.route("/corrections")
@community_required(Role.OPERATOR)
def corrections_page(slug: str):
    """Every correction with who made it and when, and undo."""
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows = corrections.history(g.community.id, limit=51, offset=(page - 1) * 50)
    return render_template(
        "insights/corrections.html", rows=rows[:50], page=page, has_next=len(rows) > 50,
        labels=CORRECTION_KIND_LABELS, undoable=corrections.undoable, **_common(),
    )


@insights_bp.route("/runs")
@community_required(Role.OPERATOR)
def runs(slug: str):
    """Analysis runs: progress of the current one, history with what changed, retry."""
    return render_template(
        "insights/runs.html", history=analysis.run_history(g.community.id),
        status_labels=RUN_STATUS_LABELS, trigger_labels=RUN_TRIGGER_LABELS,
        progress=analysis.run_progress, **_common(),
    )


@insights_bp.route("/runs/<int:run_id>/status")
@community_required(Role.OPERATOR)
def run_status(slug: str, run_id: int):
    """A run's progress as JSON (polled by the progress bar)."""
    run = get_in_community(AnalysisRun, run_id)
    state = analysis.run_progress(run)
    state["status_label"] = str(RUN_STATUS_LABELS.get(run.status, run.status))
    return state


@insights_bp.route("/alerts")
@community_required(Role.OPERATOR)
def alerts_page(slug: str):
    """Alerts about negative spikes and new themes."""
    show = request.args.get("show", "open")
    rows = alerts.list_alerts(g.community.id, open_only=show != "all", limit=100)
    return render_template("insights/alerts.html", rows=rows, show=show,
                           labels=ALERT_KIND_LABELS, names=inbox.theme_names(g.community.id),
                           **_common())
