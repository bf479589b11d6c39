"""A community's improvement report end to end, through the app: a community with 100,000
feedback items and two years of daily metrics, from the database queries and aggregation
through the analysis, charts and HTML to the PDF (the sandboxed renderer), against WeasyPrint
rendering the same finished HTML alone, in the same run.

The database is a fresh SQLite file (or ``BENCH_DATABASE_URL``, e.g. a PostgreSQL database).
Feedback items are inserted directly (no PII redaction pass) to keep the set-up short; their
text comes from the demo story, or from ``../shared/corpora`` when it is there.
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

from bench._report import corpora_dir, md_table, write_section

FEEDBACK_ITEMS = 100_000
SUGGESTIONS = 5_000
METRIC_DAYS = 730
REPEATS = 3
SEED = 20261124


def _texts(rng: random.Random, n: int) -> list[str]:
    """Feedback texts: real reviews from the corpora when present, else demo sentences."""
    path = corpora_dir() / "ecommerce_reviews_unlabelled.csv"
    if path.is_file():
        import csv

        with path.open(encoding="utf-8") as fh:
            pool = [row["text"] for row in csv.DictReader(fh) if row.get("text")]
        if pool:
            return [rng.choice(pool) for _ in range(n)]
    from app.demo.vocab import THEMES, compose, sentiment_for

    pool = []
    for _ in range(5000):
        theme = rng.choice(THEMES)
        pool.append(compose(theme, sentiment_for(theme, rng), rng))
    return [rng.choice(pool) for _ in range(n)]


def _seed_feedback(community_id: int, end: date, rng: random.Random) -> float:
    from app.extensions import db
    from app.models import FeedbackItem

    started = time.perf_counter()
    texts = _texts(rng, FEEDBACK_ITEMS)
    first = datetime.combine(end - timedelta(days=METRIC_DAYS - 1), datetime.min.time())
    span = METRIC_DAYS * 86400
    kinds = ["import", "suggestion", "survey_answer", "interview_passage"]
    rows = []
    for i, text in enumerate(texts):
        when = first + timedelta(seconds=rng.randrange(span))
        rows.append({
            "community_id": community_id, "source_kind": rng.choice(kinds),
            "source_key": f"bench:{i}", "source_id": i, "source_ref": {}, "raw_text": text,
            "redacted_text": text, "pii_kinds": [], "occurred_at": when, "created_at": when,
            "updated_at": when,
        })
    for start in range(0, len(rows), 5000):
        db.session.execute(db.insert(FeedbackItem), rows[start:start + 5000])
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
    from app.services import metrics as metric_service

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
    from app.services import reports as report_service

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
    from app.services import reports as report_service
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
        metrics_s = _seed_metrics(community, end, rng)
        period, previous = report_service.resolve_period("last_month", date.today())
        _previous_report(community, period, previous)
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
    rows += [["(b) WeasyPrint alone on the same finished HTML, in process", f"{baseline_s:.2f}"],
             ["ratio (a) total / (b)", f"{ratio:.2f}×"]]
    body = "\n\n".join([
        f"A community on {backend} with {feedback_count:,} feedback items and "
        f"{SUGGESTIONS:,} suggestions (with their replies) over two years, and "
        f"{METRIC_DAYS} days of 9 daily metrics plus a custom one; a previous report is "
        f"stored for the follow-up. Report period {period.start} – {period.end}. Median of "
        f"{REPEATS} runs, product and baseline alternating. Set-up (not timed in the "
        f"report): feedback and suggestions insert {feedback_s:.1f} s, metrics upsert "
        f"{metrics_s:.1f} s. "
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
        "Sources without a provider in this build (themes, surveys) contribute nothing to "
        "the report yet; the feedback items are in the database, so their queries will be "
        "timed here as the providers land.",
    ])
    path = write_section("report_e2e", "Improvement report end to end (app)", body)
    print(body)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
