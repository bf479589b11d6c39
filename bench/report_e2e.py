"""A community's improvement report end to end, through the app: a community with 100,000
feedback items and two years of daily metrics, from the database queries and aggregation
through the analysis, charts and HTML to the PDF (the sandboxed renderer), against WeasyPrint
rendering the same finished HTML alone, in the same run.

The database is a fresh SQLite file (or ``BENCH_DATABASE_URL``, e.g. a PostgreSQL database).
The set-up inserts in bulk what the app would have stored by then: feedback items written
from the demo story's ten themes, an analysis run that assigned each item its theme and
sentiment (theme rows with keyword profiles and representative items, one ``ItemAnalysis``
row per item, the run made current), a theme acted on, suggestions with replies, a survey
with NPS and CSAT answers, and the metrics. So the report reads the same tables, through the
same queries, as for a real community; only the NLP that filled them is skipped.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from bench._report import md_table, write_section

FEEDBACK_ITEMS = 100_000
SUGGESTIONS = 5_000
METRIC_DAYS = 730
REPEATS = 3
SEED = 20261124


THEME_COUNT_NOTE = "the ten demo themes"


def _local_day(when: datetime) -> date:
    """The Asia/Shanghai day of a naive-UTC time (the community's zone)."""
    return (when + timedelta(hours=8)).date()


def _theme_weight(index: int, day_index: int) -> float:
    """How much of a day's feedback a theme gets: a base, a slow seasonal wave with a phase of
    its own, and a few months in which it flares up (as themes do)."""
    import math

    wave = 1 + 0.5 * math.sin(2 * math.pi * (day_index / 365 + index / 10))
    flare = 2.5 if (day_index // 30) % 7 == index % 7 else 1.0
    return (1.0 + (index % 3) * 0.4) * wave * flare


def _keyword_weights(texts: list[str], top: int = 40) -> dict[str, float]:
    """A theme's word profile from its texts (what the analysis stores as keyword weights)."""
    import jieba

    counts: dict[str, int] = {}
    for text in texts:
        for word in jieba.lcut(text):
            if len(word) >= 2 and not word.isascii():
                counts[word] = counts.get(word, 0) + 1
    best = sorted(counts.items(), key=lambda kv: -kv[1])[:top]
    peak = best[0][1] if best else 1
    return {w: round(n / peak, 4) for w, n in best}


def _seed_feedback(community_id: int, end: date, rng: random.Random) -> float:
    """100k feedback items over two years with their analysis stored as a finished run does
    (theme rows, one ItemAnalysis row per item, the run made current), by bulk inserts; and
    the largest theme marked as acted on in the report period."""
    from app.demo.vocab import THEMES, compose, sentiment_for
    from app.extensions import db
    from app.models import (
        AnalysisRun,
        FeedbackItem,
        InsightState,
        InsightTheme,
        InsightThemeAction,
        ItemAnalysis,
        RunStatus,
    )

    started = time.perf_counter()
    first = datetime.combine(end - timedelta(days=METRIC_DAYS - 1), datetime.min.time())
    pools = {(t.key, s): [compose(t, s, rng) for _ in range(300)]
             for t in THEMES for s in (-1, 0, 1)}
    kinds = ["import", "suggestion", "survey_answer", "interview_passage"]
    weights = [[_theme_weight(i, d) for i in range(len(THEMES))] for d in range(METRIC_DAYS)]
    items, plan = [], []
    for i in range(FEEDBACK_ITEMS):
        day_index = rng.randrange(METRIC_DAYS)
        when = first + timedelta(days=day_index, seconds=rng.randrange(86400))
        index = rng.choices(range(len(THEMES)), weights=weights[day_index])[0]
        theme = THEMES[index]
        label = sentiment_for(theme, rng)
        text = rng.choice(pools[(theme.key, label)])
        kind = rng.choice(kinds)
        items.append({
            "community_id": community_id, "source_kind": kind,
            "source_key": f"bench:{i}", "source_id": i, "source_ref": {}, "raw_text": text,
            "redacted_text": text, "pii_kinds": [], "occurred_at": when, "created_at": when,
            "updated_at": when,
        })
        plan.append((index + 1, label, kind, when))
    for start in range(0, len(items), 5000):
        db.session.execute(db.insert(FeedbackItem), items[start:start + 5000])
    run = AnalysisRun(community_id=community_id, status=RunStatus.SUCCEEDED.value,
                      trigger="manual", n_items=FEEDBACK_ITEMS, n_themes=len(THEMES),
                      started_at=first, finished_at=first)
    db.session.add(run)
    db.session.flush()
    db.session.add(InsightState(community_id=community_id, current_run_id=run.id))
    ids = dict(db.session.execute(
        db.select(FeedbackItem.source_id, FeedbackItem.id)
        .where(FeedbackItem.community_id == community_id)).all())
    rows, recent = [], {}
    recent_from = datetime.combine(end - timedelta(days=60), datetime.min.time())
    for i, (key, label, kind, when) in enumerate(plan):
        rows.append({
            "run_id": run.id, "community_id": community_id, "feedback_item_id": ids[i],
            "occurred_at": when, "day": _local_day(when).toordinal(), "source_kind": kind,
            "theme_key": key, "sentiment_label": label, "model_label": label,
            "sentiment_score": {-1: 0.15, 0: 0.5, 1: 0.85}[label],
            "confidence": round(rng.uniform(0.5, 1.0), 3), "clauses": [], "keywords": [],
            "is_filler": False, "sentiment_corrected": False, "theme_corrected": False,
            "author_recent": 0, "analyzed_at": when,
        })
        if when >= recent_from and len(recent.setdefault(key, [])) < 5:
            recent[key].append(ids[i])
    for start in range(0, len(rows), 5000):
        db.session.execute(db.insert(ItemAnalysis), rows[start:start + 5000])
    for index, theme in enumerate(THEMES):
        key = index + 1
        texts = [t for s in (-1, 0, 1) for t in pools[(theme.key, s)][:100]]
        profile = _keyword_weights(texts)
        db.session.add(InsightTheme(
            community_id=community_id, key=key, name=theme.name, area=theme.area,
            keywords=list(profile)[:12], keyword_weights=profile,
            quote_item_ids=recent.get(key, []), size=sum(1 for p in plan if p[0] == key),
            first_run_id=run.id, last_run_id=run.id))
    acted = datetime.combine(end.replace(day=1) - timedelta(days=20), datetime.min.time())
    db.session.add(InsightThemeAction(
        community_id=community_id, theme_key=1, theme_name=THEMES[0].name,
        note="新成员入群先审核，广告关键词自动提醒", acted_on_at=acted))
    db.session.commit()
    return time.perf_counter() - started


def _seed_survey(community_id: int, end: date, rng: random.Random) -> float:
    """A published survey (NPS, CSAT, one choice question) with 3,000 responses over two
    years, bulk-inserted."""
    import surveys as domain
    from app.extensions import db
    from app.models import Community, SurveyResponse
    from app.services.surveys import lifecycle as survey_service

    started = time.perf_counter()
    community = db.session.get(Community, community_id)
    survey = survey_service.create_survey(community, actor=None)
    survey_service.save_definition(survey, domain.Survey.from_dict({
        "schema_version": 1, "title": "社群满意度季度调查",
        "pages": [{"id": "p1", "title": "打分", "questions": [
            {"id": "nps", "type": "nps", "title": "推荐意愿", "required": True},
            {"id": "csat", "type": "csat", "title": "整体满意度", "required": True},
            {"id": "likes", "type": "single_choice", "title": "最喜欢的内容",
             "options": [{"id": "dry", "label": "干货分享"}, {"id": "events", "label": "线下活动"},
                         {"id": "live", "label": "直播课"}]}]}]}))
    survey_service.publish(survey, actor=None)
    version, _definition = survey_service.live_definition(survey)
    first = datetime.combine(end - timedelta(days=METRIC_DAYS - 1), datetime.min.time())
    rows = []
    for _ in range(3000):
        when = first + timedelta(seconds=rng.randrange(METRIC_DAYS * 86400))
        rows.append({"survey_id": survey.id, "community_id": community_id,
                     "version_id": version.id, "source": "web", "submitted_at": when,
                     "answers": {"nps": min(10, max(0, round(rng.gauss(7.5, 2.2)))),
                                 "csat": min(5, max(1, round(rng.gauss(3.9, 0.9)))),
                                 "likes": rng.choice(["dry", "events", "live"])}})
    db.session.execute(db.insert(SurveyResponse), rows)
    db.session.commit()
    return time.perf_counter() - started


def _seed_suggestions(community_id: int, end: date, rng: random.Random) -> float:
    """Suggestions over two years, most replied to within days and many resolved."""
    import secrets

    from app.extensions import db
    from app.models import Suggestion, SuggestionUpdate

    started = time.perf_counter()
    first = datetime.combine(end - timedelta(days=METRIC_DAYS - 1), datetime.min.time())
    statuses = ["new", "in_progress", "planned", "done", "declined"]
    rows = []
    for i in range(SUGGESTIONS):
        when = first + timedelta(seconds=rng.randrange(METRIC_DAYS * 86400))
        rows.append({"community_id": community_id, "content": f"建议 {i}：希望改进直播和积分",
                     "category": "其他", "status": rng.choice(statuses),
                     "tracking_hash": secrets.token_hex(32), "created_at": when,
                     "updated_at": when})
    db.session.execute(db.insert(Suggestion), rows)
    ids = db.session.execute(db.select(Suggestion.id, Suggestion.created_at, Suggestion.status)
                             .where(Suggestion.community_id == community_id)).all()
    updates = []
    for sid, created, status in ids:
        if status == "new":
            continue
        at = created + timedelta(hours=rng.uniform(1, 240))
        updates.append({"suggestion_id": sid, "community_id": community_id, "kind": "status",
                        "from_status": "new", "to_status": status, "body": "收到，谢谢建议",
                        "public": True, "created_at": at})
    db.session.execute(db.insert(SuggestionUpdate), updates)
    db.session.commit()
    return time.perf_counter() - started


def _seed_metrics(community, end: date, rng: random.Random) -> float:
    from app.extensions import db
    from app.services.metrics import values as metric_service

    started = time.perf_counter()
    first = end - timedelta(days=METRIC_DAYS - 1)
    metric_service.create_custom_metric(community, key="checkins", name="作业打卡", unit="人次")
    triples = []
    total = 5000.0
    for i in range(METRIC_DAYS):
        day = first + timedelta(days=i)
        weekly = 1.12 if day.weekday() >= 5 else 0.97
        season = 1 + 0.08 * ((i % 365) / 365)
        new, churned = rng.randint(10, 40), rng.randint(3, 15)
        total += new - churned
        dau = total * 0.21 * weekly * season * rng.gauss(1, 0.04)
        views = dau * 2.5 * rng.gauss(1, 0.05)
        values = {
            "new_members": new, "churned": churned, "total_members": total,
            "dau": round(dau), "interactions": round(dau * 3 * rng.gauss(1, 0.05)),
            "content_views": round(views), "clicks": round(views * 0.11),
            "event_participants": rng.randint(0, 200) if day.weekday() == 5 else 0,
            "checkins": round(dau * 0.3),
        }
        triples += [(day, key, float(value)) for key, value in values.items()]
    metric_service.upsert_values(community.id, triples, source="api")
    db.session.commit()
    return time.perf_counter() - started


def _previous_report(community, period, previous):
    """Store a ready report for the previous period, so the follow-up section runs."""
    from app.extensions import db
    from app.models import ReportStatus
    from app.services.reports import documents as report_service

    assembled = report_service.assemble(community, previous, previous.previous())
    stored = report_service.create_report(community, period_kind="custom", period=previous,
                                          previous_period=previous.previous(), sections=[])
    stored.status, stored.context_json = ReportStatus.READY.value, assembled.context.to_json()
    db.session.commit()


def main() -> None:
    """Measure and write the results into docs/benchmarks.md."""
    workdir = Path(tempfile.mkdtemp(prefix="huisheng-bench-"))
    os.environ.setdefault("INSTANCE_PATH", str(workdir / "instance"))
    os.environ.setdefault("HUEY_IMMEDIATE", "1")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"

    from weasyprint import HTML

    from app import create_app
    from app.extensions import db
    from app.services.reports import documents as report_service
    from app.services.reports.data import DataRequest, get_provider
    from reports import render_html
    from reports.fetcher import SafeURLFetcher
    from reports.paths import STATIC_DIR

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REPORT_RENDER_TIMEOUT": 120})
    load_before = os.getloadavg()[0]
    rng = random.Random(SEED)
    with app.app_context():
        db.drop_all()
        db.create_all()
        from app.models import Community

        community = Community(slug="bench", name="晨跑俱乐部 · 上海站")
        db.session.add(community)
        db.session.commit()
        end = date.today() - timedelta(days=1)
        feedback_s = _seed_feedback(community.id, end, rng)
        feedback_s += _seed_suggestions(community.id, end, rng)
        feedback_s += _seed_survey(community.id, end, rng)
        metrics_s = _seed_metrics(community, end, rng)
        period, previous = report_service.resolve_period("last_month", date.today())
        mark = time.perf_counter()
        _previous_report(community, period, previous)
        first_report_s = time.perf_counter() - mark
        report_service.render_document("<p>回声</p>")  # start the render helper, as a worker does

        def end_to_end():
            """What the generation job does: query and aggregate, analyse, charts + HTML,
            PDF in the sandbox."""
            times = {}
            started = time.perf_counter()
            assembled = report_service.assemble(community, period, previous)
            times["query + analysis"] = time.perf_counter() - started
            mark = time.perf_counter()
            html = render_html(assembled.context)
            times["charts + HTML"] = time.perf_counter() - mark
            mark = time.perf_counter()
            result = report_service.render_document(html)
            times["PDF (sandboxed helper)"] = time.perf_counter() - mark
            times["total"] = time.perf_counter() - started
            return times, html, result, assembled

        def weasyprint_alone(html: str):
            fetcher = SafeURLFetcher([STATIC_DIR])
            document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/",
                            url_fetcher=fetcher).render()
            return document.write_pdf(), len(document.pages)

        HTML(string="<p style=\"font-family:'Noto Sans CJK SC'\">回声</p>").render()
        runs, baselines = [], []
        html = result = assembled = None
        for _ in range(REPEATS):
            times, html, result, assembled = end_to_end()
            runs.append(times)
            started = time.perf_counter()
            weasyprint_alone(html)
            baselines.append(time.perf_counter() - started)
        # the sources' own queries, timed apart from the runs (each also ran inside them)
        request = DataRequest(community=community, period=period, previous_period=previous)
        provider_s = {}
        for key in ("themes", "surveys", "metrics", "suggestions"):
            mark = time.perf_counter()
            get_provider(key).collect(request)
            provider_s[key] = time.perf_counter() - mark
        sections = assembled.available()
        with_data, without = assembled.inputs.with_data, assembled.inputs.without_data
        feedback_count = db.session.execute(
            db.text("SELECT count(*) FROM feedback_items")).scalar_one()
        backend = db.engine.dialect.name
        db.session.remove()
        db.engine.dispose()

    median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    baseline_s = statistics.median(baselines)
    own_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = median["total"] / baseline_s
    rows = [[f"(a) {step}", f"{seconds:.2f}"] for step, seconds in median.items()]
    rows += [[f"&nbsp;&nbsp;of the query step: {key} data (timed alone)", f"{seconds:.2f}"]
             for key, seconds in provider_s.items()]
    rows += [["(b) WeasyPrint alone on the same finished HTML, in process", f"{baseline_s:.2f}"],
             ["ratio (a) total / (b)", f"{ratio:.2f}×"]]
    body = "\n\n".join([
        f"A community on {backend} with {feedback_count:,} analysed feedback items in "
        f"{THEME_COUNT_NOTE} (theme and sentiment per item stored as an analysis run stores "
        f"them), {SUGGESTIONS:,} suggestions (with their replies) and a survey with 3,000 "
        f"NPS/CSAT responses over two years, and {METRIC_DAYS} days of 9 daily metrics plus "
        f"a custom one; a previous report is stored for the follow-up. Report period "
        f"{period.start} – {period.end}. Median of {REPEATS} runs, product and baseline "
        f"alternating. Set-up (not timed in the report): bulk inserts of items, analysis "
        f"rows, suggestions and survey responses {feedback_s:.1f} s, metrics upsert "
        f"{metrics_s:.1f} s. The previous report's data (assembled first, untimed in the "
        f"table) took {first_report_s:.1f} s including drawing the top themes' word clouds, "
        f"which are then cached per analysis run (the insight pages share the cache); the "
        f"timed runs read them from the cache. "
        f"Load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.",
        md_table(["step", "seconds"], rows),
        md_table(["output", "value"], [
            ["targets", "(a) total ≤ 10 s, and ≤ 2× (b)"],
            ["met", "yes" if median["total"] <= 10 and ratio <= 2 else "no"],
            ["sections with data", ", ".join(sections)],
            ["sources with data / without", f"{', '.join(with_data)} / "
                                            f"{', '.join(without) or '–'}"],
            ["pages", result.pages],
            ["PDF size", f"{len(result.pdf) / 1024:.0f} KB"],
            ["HTML size", f"{len(html.encode('utf-8')) / 1024:.0f} KB"],
            ["peak RSS of the render child", f"{result.peak_rss_mb:.0f} MB"],
            ["peak RSS of the benchmark process (app, queries, in-process baseline)",
             f"{own_peak_mb:.0f} MB"],
        ]),
    ])
    path = write_section("report_e2e", "Improvement report end to end (app)", body)
    print(body)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
