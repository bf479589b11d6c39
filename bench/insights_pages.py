"""Insight workspace at 100k feedback items: server time of the inbox, the themes overview and
Chinese search on SQLite and on PostgreSQL, beside naive baselines, plus the full analysis
run and the incremental analysis of single new items.

Data: 100k messages generated from the demo story (``app/demo/vocab.py``) over 180 days, from
2,000 members (a third anonymous) through all source kinds and channels, analysed by the real
pipeline (``insights.full_run``'s code path). Pages are requested through the Flask test
client as a signed-in operator (server time, no network); each case is warmed up once and
then timed ``REPEATS`` times.

    python -m bench insights_pages          # BENCH_INSIGHTS_ITEMS=20000 for a quick run
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench._report import md_table, write_section

N_ITEMS = int(os.environ.get("BENCH_INSIGHTS_ITEMS", "100000"))
N_MEMBERS = 2000
REPEATS = int(os.environ.get("BENCH_INSIGHTS_REPEATS", "30"))
INCREMENTAL_ITEMS = 40
SLUG = "bench"
KINDS = (("import", 0.4), ("suggestion", 0.25), ("survey_answer", 0.25),
         ("interview_passage", 0.1))
QUERIES = ("积分", "直播 回放", "广告 刷屏", "保健品")
TARGET_PAGE_MS, TARGET_SEARCH_MS, TARGET_ITEM_MS = 300, 200, 20


def generate(n: int, seed: int = 7):
    """``n`` feedback texts following the demo story, with day, author and channel."""
    from app.demo.vocab import CHANNELS, DEMO_DAYS, compose, mixed, pick_theme, sentiment_for

    rng = random.Random(seed)
    kinds, weights = zip(*KINDS, strict=True)
    out = []
    for i in range(n):
        day = rng.uniform(0, DEMO_DAYS)
        theme = pick_theme(rng, day)
        text = (mixed(rng, day) if rng.random() < 0.1 else
                compose(theme, sentiment_for(theme, rng, day), rng, pii_rate=0.02))
        out.append({
            "i": i, "day": day, "text": text, "kind": rng.choices(kinds, weights)[0],
            "channel": rng.choice(CHANNELS),
            "author": None if rng.random() < 0.33 else rng.randrange(N_MEMBERS),
        })
    return out


def build(url: str, data: list[dict]):
    """A fresh database with the community, its people, the items and a full analysis."""
    from app import create_app
    from app.extensions import db
    from app.models import AnalysisRun, Community, FeedbackItem, Membership, User, utcnow
    from app.security.passwords import UNUSABLE_PASSWORD
    from nlp.pii import redact

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "INSIGHTS_AUTO_ANALYSIS": False,
        "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnop",
    })
    timings = {}
    with app.app_context():
        db.create_all()
        now = utcnow()
        start = now - timedelta(days=180)
        community = Community(slug=SLUG, name="基准社群")
        db.session.add(community)
        db.session.flush()
        operator = User(email="op@bench.example", display_name="运营",
                        password_hash=UNUSABLE_PASSWORD)
        db.session.add(operator)
        db.session.flush()
        db.session.add(Membership(user_id=operator.id, community_id=community.id,
                                  role="operator"))
        db.session.execute(db.insert(User), [
            {"email": f"m{i}@bench.example", "display_name": f"成员{i}",
             "password_hash": UNUSABLE_PASSWORD} for i in range(N_MEMBERS)])
        ids = db.session.execute(db.select(User.id).where(User.email.like("m%@bench.example"))
                                 .order_by(User.id)).scalars().all()
        rng = random.Random(3)
        db.session.execute(db.insert(Membership), [
            {"user_id": uid, "community_id": community.id, "role": "member",
             "joined_at": start + timedelta(days=rng.uniform(-60, 170))} for uid in ids])
        t0 = time.perf_counter()
        batch = []
        for row in data:
            redacted = redact(row["text"])
            batch.append({
                "community_id": community.id, "source_kind": row["kind"],
                "source_key": f"bench:{row['i']}", "raw_text": row["text"],
                "redacted_text": redacted.text,
                "pii_kinds": sorted({s.kind for s in redacted.spans}),
                "author_id": ids[row["author"]] if row["author"] is not None else None,
                "channel": row["channel"], "occurred_at": start + timedelta(days=row["day"]),
                "source_ref": {},
            })
            if len(batch) == 5000:
                db.session.execute(db.insert(FeedbackItem), batch)
                batch = []
        if batch:
            db.session.execute(db.insert(FeedbackItem), batch)
        db.session.commit()
        timings["insert_s"] = time.perf_counter() - t0
        run = AnalysisRun(community_id=community.id, trigger="manual")
        db.session.add(run)
        db.session.commit()
        from app.services.insights import analysis

        t0 = time.perf_counter()
        run = analysis.execute_run(run.id)
        timings["full_run_s"] = time.perf_counter() - t0
        timings["themes"] = run.n_themes
        operator_identity = operator.get_id()
        if db.engine.dialect.name == "sqlite":
            db.session.execute(db.text("ANALYZE"))
        else:
            db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    return app, operator_identity, timings


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def time_request(client, url: str) -> list[float]:
    """Server time in ms of ``REPEATS`` GETs of ``url`` (after one warm-up)."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    out = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        client.get(url)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def time_call(fn) -> list[float]:
    """Time ``REPEATS`` calls of ``fn`` in ms (after one warm-up)."""
    fn()
    out = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def measure(app, identity: str) -> list[tuple[str, str, list[float], float | None]]:
    """(case, kind, timings, target) for every page, search and baseline."""
    from app.extensions import db
    from app.models import Community, FeedbackItem, InsightTheme
    from app.services.insights import inbox
    from app.services.insights.inbox import InboxFilters

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = identity
        session["_fresh"] = True
    base = f"/c/{SLUG}/insights"
    results = []
    with app.app_context():
        community = db.session.execute(db.select(Community)).scalar_one()
        theme = db.session.execute(db.select(InsightTheme).where(
            InsightTheme.is_other.is_(False)).order_by(InsightTheme.size.desc())
        ).scalars().first()
        cursor = None
        for _ in range(40):
            cursor = inbox.page(community, InboxFilters(), after=cursor,
                                with_count=False).next_cursor
    pages = [
        ("inbox, newest first", f"{base}/inbox"),
        ("inbox, page 41 (keyset cursor)", f"{base}/inbox?after={cursor}"),
        ("inbox, largest theme + negative", f"{base}/inbox?theme={theme.key}&sentiment=-1"),
        ("inbox, active members + one channel", f"{base}/inbox?segment=active&channel=wx-group-1"),
        ("themes overview, 30 days", f"{base}/?period=30d"),
        ("themes overview, 180 days", f"{base}/?period=180d"),
        ("theme page, largest theme, 90 days", f"{base}/themes/{theme.key}?period=90d"),
    ]
    for name, url in pages:
        target = TARGET_PAGE_MS if not name.startswith("theme page") else None
        results.append((name, "page", time_request(client, url), target))
    for q in QUERIES:
        results.append((f"search page「{q}」", "search",
                        time_request(client, f"{base}/inbox?q={q}"), TARGET_SEARCH_MS))
    with app.app_context():
        community = db.session.execute(db.select(Community)).scalar_one()
        for q in QUERIES[:2]:
            results.append((f"search query「{q}」(page of 25 + count)", "search",
                            time_call(lambda q=q: inbox.page(community, InboxFilters(q=q))),
                            TARGET_SEARCH_MS))

        def like_scan(word="积分"):
            stmt = db.select(FeedbackItem).where(
                FeedbackItem.community_id == community.id,
                FeedbackItem.redacted_text.contains(word))
            db.session.execute(stmt.order_by(FeedbackItem.occurred_at.desc()).limit(26)).all()
            db.session.execute(db.select(db.func.count()).select_from(stmt.subquery())).scalar()

        def offset_page():
            db.session.execute(
                db.select(FeedbackItem).where(FeedbackItem.community_id == community.id)
                .order_by(FeedbackItem.occurred_at.desc(), FeedbackItem.id.desc())
                .offset(40 * 25).limit(26)).all()

        results.append(("baseline: LIKE '%积分%' substring scan (page + count)", "baseline",
                        time_call(like_scan), None))
        results.append(("baseline: OFFSET paging to page 41 (items only)", "baseline",
                        time_call(offset_page), None))
    return results


def incremental(app) -> dict:
    """Per-item time of the incremental analysis: the service (with its database writes)
    and the pipeline's ``analyze_one`` alone."""
    from app.demo.vocab import THEMES, compose
    from app.extensions import db
    from app.models import Community
    from app.services.insights import analysis, engine, incremental
    from app.services.insights.feedback import FeedbackInput, record_feedback

    rng = random.Random(11)
    with app.app_context():
        community = db.session.execute(db.select(Community)).scalar_one()
        run = analysis.current_run(community.id)
        model = engine.theme_model(run.id, run.model_bytes)
        pipe = engine.pipeline(None)
        service, alone = [], []
        for i in range(INCREMENTAL_ITEMS):
            text = compose(THEMES[i % len(THEMES)], rng.choice((-1, 0, 1)), rng)
            item = record_feedback(FeedbackInput(
                community_id=community.id, source_kind="suggestion", source_key=f"new:{i}",
                text=text))
            db.session.commit()
            t0 = time.perf_counter()
            incremental.analyze_items(community.id, [item.id])
            service.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            pipe.analyze_one(text, model)
            alone.append((time.perf_counter() - t0) * 1000)
    return {"service": service[2:], "analyze_one": alone[2:]}


def run_backend(name: str, url: str, data) -> dict:
    """Build, measure and return the figures of one database."""
    print(f"  {name}: building {len(data):,} items and analysing them…", flush=True)
    app, identity, timings = build(url, data)
    print(f"  {name}: inserted in {timings['insert_s']:.0f}s, full run "
          f"{timings['full_run_s']:.0f}s ({timings['themes']} themes); timing pages…", flush=True)
    results = measure(app, identity)
    inc = incremental(app)
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
    return {"timings": timings, "results": results, "incremental": inc}


def main() -> None:
    """Run on SQLite and PostgreSQL and write the section into docs/benchmarks.md."""
    from tests.servers import PostgresServer

    data = generate(N_ITEMS)
    started = time.perf_counter()
    figures = {}
    with tempfile.TemporaryDirectory(prefix="bench-insights-") as tmp:
        figures["SQLite"] = run_backend("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", data)
    server = PostgresServer.start()
    try:
        figures["PostgreSQL"] = run_backend("PostgreSQL", server.create_database("bench"),
                                            data)
    finally:
        server.stop()
    write_report(figures, time.perf_counter() - started)


def write_report(figures: dict, seconds: float) -> None:
    """The Markdown section: one table of cases, p50/p95 per database, against the targets."""
    rows = []
    names = list(figures)
    cases = [r[0] for r in figures[names[0]]["results"]]
    for index, case in enumerate(cases):
        row: list[object] = [case]
        target = figures[names[0]]["results"][index][3]
        verdicts = []
        for db_name in names:
            values = figures[db_name]["results"][index][2]
            p50, p95 = statistics.median(values), _percentile(values, 0.95)
            row += [f"{p50:.0f}", f"{p95:.0f}"]
            if target is not None:
                verdicts.append("yes" if p95 <= target else "**no**")
        row.append(f"≤ {target} ms: {' / '.join(verdicts)}" if target else "–")
        rows.append(row)
    headers = ["case"] + [f"{n} {p} ms" for n in names for p in ("p50", "p95")] + [
        "target (p95) met"]
    inc_rows = []
    for db_name in names:
        inc = figures[db_name]["incremental"]
        for label, key in (("incremental job body (analyse + write + index)", "service"),
                           ("pipeline analyze_one alone", "analyze_one")):
            values = inc[key]
            inc_rows.append([db_name, label, f"{statistics.median(values):.0f}",
                             f"{_percentile(values, 0.95):.0f}"])
    runs = md_table(["database", "insert items s", "full analysis s", "themes"], [
        [n, f"{f['timings']['insert_s']:.0f}", f"{f['timings']['full_run_s']:.0f}",
         f["timings"]["themes"]] for n, f in figures.items()])
    body = f"""{__doc__.split(chr(10) + chr(10))[1]}

{N_ITEMS:,} items, {REPEATS} timed requests per case after one warm-up. The baselines are
what the inbox would do without the search index and keyset paging: a substring scan with
LIKE, and OFFSET paging. Whole benchmark: {seconds / 60:.1f} minutes.

{md_table(headers, rows)}

Full analysis of all items (the nightly / on-demand run, one process):

{runs}

Incremental analysis of one new item (ms; target ≤ {TARGET_ITEM_MS} ms per item):

{md_table(["database", "what", "p50 ms", "p95 ms"], inc_rows)}
"""
    write_section("insights_pages", "Insight workspace pages at 100k items", body)
    print(body)
