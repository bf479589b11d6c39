"""Sharded full analysis: one community's run split across Huey consumers on PostgreSQL.

Items of 35–65 characters are cut from the review corpora exactly as in the pipeline speed
benchmark (``bench.nlp_pipeline.make_items``), stored as one community's feedback in a fresh
PostgreSQL database (COPY) and indexed for search as they would be on arrival (set-up, not
timed). Each measured run starts from the same state (no previous run, no themes) and goes
through the product's own path: ``analysis.request_run`` queues ``insights.full_run``, real
``huey_consumer`` processes (one worker thread each, like one small machine each) plan the
shards, take ``insights.analyze_shard`` jobs as they come and the one that finishes the last
shard queues ``insights.merge_run``, which fits the themes, writes one row per item and
switches. The clock runs from the request until the run has switched. The single-job row
(below the shard threshold) runs the unsharded ``insights.full_run`` in one consumer.
Plain ``jieba.lcut`` over the same texts runs in the benchmark process between the runs
(dictionary loaded before timing). Every run's per-item sentiment and theme are digested
(md5 over item id, sentiment, theme key) to show that the runs agree item for item.

    python -m bench nlp_shards        # BENCH_SHARD_SIZES=20000 for a quick run
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._report import ROOT, md_table, write_section

SIZES = [int(s) for s in os.environ.get("BENCH_SHARD_SIZES", "100000,1000000").split(",")]
SHARD_ITEMS = int(os.environ.get("BENCH_SHARD_ITEMS", "25000"))
# (label, consumers, sharded): the single job only where it is cheap enough to run too.
SINGLE_JOB_MAX = int(os.environ.get("BENCH_SHARD_SINGLE_MAX", "100000"))
TARGET_ITEMS = 1_000_000
RUN_TIMEOUT = float(os.environ.get("BENCH_SHARD_TIMEOUT", "3600"))
SECRET = secrets.token_hex(32)
TITLE = "Sharded full analysis (1 and 2 job consumers, PostgreSQL)"


def _env(tmp: Path, url: str, sharded: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"HUEY_IMMEDIATE", "REDIS_URL"}}
    env.update({
        "DATABASE_URL": url, "INSTANCE_PATH": str(tmp / "instance"),
        "HUEY_SQLITE_PATH": str(tmp / "huey.db"), "SECRET_KEY": SECRET,
        "INSIGHTS_AUTO_ANALYSIS": "0", "APP_ENV": "development",
        "INSIGHTS_SHARD_MIN_ITEMS": "1" if sharded else "0",
        "INSIGHTS_SHARD_ITEMS": str(SHARD_ITEMS),
        "PYTHONPATH": str(ROOT),
    })
    return env


def _copy_items(app, community_id: int, texts: list[str]) -> None:
    """Store the texts as feedback items with COPY (redacted like record_feedback does)."""
    from datetime import timedelta

    from app.extensions import db
    from app.models import utcnow
    from nlp import pii

    flags = pii.pii_candidates(texts)
    start = utcnow() - timedelta(days=180)
    step = timedelta(days=180) / max(len(texts), 1)
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cur = raw.cursor()
            columns = ("community_id, source_kind, source_key, source_ref, raw_text, "
                       "redacted_text, pii_kinds, channel, occurred_at, created_at, updated_at")
            with cur.copy(f"COPY feedback_items ({columns}) FROM STDIN") as copy:
                for i, text in enumerate(texts):
                    shown, kinds = text, []
                    if flags[i]:
                        found = pii.redact(text)
                        shown, kinds = found.text, sorted(set(found.kinds))
                    when = start + step * i
                    copy.write_row((community_id, "import", f"bench:{i}", "{}", text, shown,
                                    json.dumps(kinds), "wx-group-1", when, when, when))
            raw.commit()
        finally:
            raw.close()


def build(url: str, texts: list[str], tmp: Path) -> tuple[object, int, dict]:
    """A fresh database with one community and its items, indexed for search."""
    for key, value in _env(tmp, url, True).items():
        os.environ[key] = value
    from app import create_app
    from app.extensions import db
    from app.models import Community
    from app.services.insights import analysis

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    timings = {}
    with app.app_context():
        db.create_all()
        community = Community(slug="bench", name="基准社群")
        db.session.add(community)
        db.session.commit()
        community_id = community.id
    t0 = time.perf_counter()
    _copy_items(app, community_id, texts)
    timings["insert_s"] = time.perf_counter() - t0
    with app.app_context():
        t0 = time.perf_counter()
        analysis._index_missing(community_id)
        db.session.commit()
        timings["index_s"] = time.perf_counter() - t0
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    return app, community_id, timings


def reset(app, community_id: int) -> None:
    """Back to "never analysed": no runs, rows, themes or shards (not timed)."""
    from app.extensions import db
    from app.models import AnalysisRun, InsightState, InsightTheme, ItemAnalysis

    with app.app_context():
        db.session.execute(db.update(InsightState).values(current_run_id=None))
        for model in (ItemAnalysis, InsightTheme, AnalysisRun):
            db.session.execute(db.delete(model).where(model.community_id == community_id))
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def _start_consumers(n: int, env: dict[str, str], log_dir: Path) -> list[subprocess.Popen]:
    procs = []
    for k in range(n):
        log = open(log_dir / f"consumer-{n}-{k}.log", "a")  # noqa: SIM115 (closed with the process)
        procs.append(subprocess.Popen(
            [str(Path(sys.executable).with_name("huey_consumer")), "app.tasks.huey",
             "-w", "1", "-k", "thread", "-m", "1"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
    return procs


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _stop(procs: list[subprocess.Popen]) -> list[float]:
    peaks = [_peak_rss_mb(p.pid) for p in procs]
    for p in procs:
        p.send_signal(signal.SIGINT)
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return peaks


def measure(app, community_id: int, url: str, tmp: Path, consumers: int,
            sharded: bool) -> dict:
    """One full run through ``consumers`` Huey consumer processes; seconds and digests."""
    from sqlalchemy.dialects.postgresql import aggregate_order_by

    from app.extensions import db
    from app.models import AnalysisRun, AnalysisShard, Community, ItemAnalysis, JobRun
    from app.services.insights import analysis

    reset(app, community_id)
    procs = _start_consumers(consumers, _env(tmp, url, sharded), tmp)
    time.sleep(3)  # let the consumers start listening
    load_before = os.getloadavg()[0]
    try:
        with app.app_context():
            community = db.session.get(Community, community_id)
            t0 = time.perf_counter()
            run_id = analysis.request_run(community).id
            db.session.remove()
        status = None
        while time.perf_counter() - t0 < RUN_TIMEOUT:
            with app.app_context():
                status = db.session.execute(db.select(AnalysisRun.status).where(
                    AnalysisRun.id == run_id)).scalar_one()
                db.session.remove()
            if status in {"succeeded", "failed"}:
                break
            time.sleep(0.5)
        total = time.perf_counter() - t0
    finally:
        peaks = _stop(procs)
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        if run.status != "succeeded":
            raise SystemExit(f"run {run_id} ended {run.status}: {run.error}")
        shard_rows = db.session.execute(db.select(
            AnalysisShard.started_at, AnalysisShard.finished_at, AnalysisShard.seconds,
            AnalysisShard.worker).where(AnalysisShard.run_id == run_id)).all()
        merge = db.session.execute(db.select(JobRun.started_at, JobRun.finished_at).where(
            JobRun.name == "insights.merge_run").order_by(JobRun.id.desc()).limit(1)).first()
        single = db.session.execute(db.select(JobRun.started_at, JobRun.finished_at).where(
            JobRun.name == "insights.full_run").order_by(JobRun.id.desc()).limit(1)).first()
        digest = db.session.execute(db.select(db.func.md5(db.func.string_agg(
            db.func.concat(ItemAnalysis.feedback_item_id, ":", ItemAnalysis.sentiment_label,
                           ":", ItemAnalysis.theme_key),
            aggregate_order_by(db.literal(","), ItemAnalysis.feedback_item_id)))).where(
            ItemAnalysis.run_id == run_id)).scalar_one()
        out = {
            "consumers": consumers, "sharded": sharded, "total_s": total,
            "n_items": run.n_items, "themes": run.n_themes, "k": run.stats.get("k"),
            "digest": digest, "peak_rss_mb": peaks, "load_before": load_before,
            "load_after": os.getloadavg()[0],
            "theme_names": sorted(t["name"] for t in run.themes or [] if not t["is_other"]),
            "stage_s": run.stats.get("seconds", {}),
        }
        if shard_rows:
            starts = [r.started_at for r in shard_rows]
            ends = [r.finished_at for r in shard_rows]
            out["shards"] = len(shard_rows)
            out["shard_phase_s"] = (max(ends) - min(starts)).total_seconds()
            out["shard_cpu_s"] = sum(r.seconds or 0 for r in shard_rows)
            out["workers_used"] = len({r.worker for r in shard_rows})
            out["merge_s"] = ((merge.finished_at - merge.started_at).total_seconds()
                              if merge and merge.finished_at else None)
        else:
            out["single_s"] = ((single.finished_at - single.started_at).total_seconds()
                               if single and single.finished_at else None)
    return out


def jieba_seconds(texts: list[str]) -> float:
    """Plain ``jieba.lcut`` over the texts, one process, dictionary loaded before timing."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    jieba.lcut(texts[0])
    start = time.perf_counter()
    for t in texts:
        jieba.lcut(t)
    return time.perf_counter() - start


def bench_size(server, n: int, tmp: Path) -> dict:
    """Every configuration at ``n`` items in one fresh database (``tmp`` holds the instance
    folder and the job queue that the benchmark and its consumers share)."""
    from bench.nlp_pipeline import make_items

    texts = make_items(n)
    url = server.create_database(f"shards_{n}")
    (tmp / "instance").mkdir(exist_ok=True)
    print(f"[{n:,}] building", flush=True)
    app, community_id, setup = build(url, texts, tmp)
    configs = [(1, True), (2, True)]
    if n <= SINGLE_JOB_MAX:
        configs.insert(0, (1, False))
    runs = []
    for k, (consumers, sharded) in enumerate(configs):
        print(f"[{n:,}] {consumers} consumer(s), sharded={sharded}", flush=True)
        runs.append(measure(app, community_id, url, tmp, consumers, sharded))
        print(json.dumps(runs[-1], ensure_ascii=False, default=str), flush=True)
        if k == 0:
            print(f"[{n:,}] plain jieba", flush=True)
            jieba_s = jieba_seconds(texts)
    from app.extensions import db

    with app.app_context():
        db.engine.dispose()
    server.drop_database(f"shards_{n}")
    return {"n": n, "setup": setup, "runs": runs, "jieba_s": jieba_s,
            "chars": sum(map(len, texts))}


def _row(size: dict, r: dict, base: float) -> list[object]:
    what = (f"sharded, {r['consumers']} consumer{'s' if r['consumers'] > 1 else ''}"
            if r["sharded"] else "single job, 1 consumer")
    return [
        f"{size['n']:,}", what, f"{r['total_s']:.1f}",
        f"{r['shard_phase_s']:.1f}" if r.get("shard_phase_s") is not None else "–",
        f"{r['merge_s']:.1f}" if r.get("merge_s") is not None else "–",
        f"{base / r['total_s']:.2f}×", f"{r['total_s'] / size['jieba_s']:.2f}×",
        r["themes"], " / ".join(f"{p:.0f}" for p in r["peak_rss_mb"]),
        r["digest"][:8], f"{r['load_before']:.1f} → {r['load_after']:.1f}",
    ]


def report(sizes: list[dict], load_start: float, seconds: float,
           extra: str | None = None) -> str:
    """The Markdown section (``extra``: a remark on how the figures were gathered)."""
    rows = []
    notes = [extra + "\n"] if extra else []
    for size in sizes:
        base = next(r for r in size["runs"] if r["sharded"] and r["consumers"] == 1)["total_s"]
        rows += [_row(size, r, base) for r in size["runs"]]
        digests = {r["digest"] for r in size["runs"]}
        names = {tuple(r["theme_names"]) for r in size["runs"]}
        two = next(r for r in size["runs"] if r["sharded"] and r["consumers"] == 2)
        one = next(r for r in size["runs"] if r["sharded"] and r["consumers"] == 1)
        notes.append(
            f"- {size['n']:,} items ({size['chars'] / size['n']:.1f} characters on average, "
            f"{one['shards']} shards of ≤ {SHARD_ITEMS:,}): set-up COPY "
            f"{size['setup']['insert_s']:.0f} s, search index {size['setup']['index_s']:.0f} s; "
            f"plain jieba.lcut {size['jieba_s']:.1f} s. Shard phase "
            f"{one['shard_phase_s']:.1f} s with one consumer, {two['shard_phase_s']:.1f} s with "
            f"two ({one['shard_phase_s'] / two['shard_phase_s']:.2f}×, shards taken by "
            f"{two['workers_used']} processes; {one['shard_cpu_s']:.0f} s of shard time in all)."
            f" Every run gave the same sentiment and theme per item: "
            f"{'yes' if len(digests) == 1 and len(names) == 1 else '**no**'} "
            f"({len(digests)} digest{'s' if len(digests) > 1 else ''}).")
        stage = one.get("stage_s") or {}
        if stage:
            notes.append(
                f"  The merge is {one['merge_s'] / one['total_s']:.0%} of the one-consumer run "
                f"and {two['merge_s'] / two['total_s']:.0%} of the two-consumer run: it runs in "
                f"one process whatever the number of consumers (themes "
                f"{stage.get('themes', 0):.1f} s and keywords {stage.get('keywords', 0):.1f} s "
                f"of it; the rest reads the shards, writes one row per item and switches).")
        single = next((r for r in size["runs"] if not r["sharded"]), None)
        if single is not None:
            notes.append(
                f"  The single job took {single['total_s']:.1f} s; splitting the same work into "
                f"shards on one consumer costs {one['total_s'] - single['total_s']:+.1f} s "
                f"(the shards' results go through the database, and each job waits for a "
                f"consumer to poll).")
    largest = max(sizes, key=lambda size: size["n"])
    if largest["n"] < TARGET_ITEMS:
        one = next(r for r in largest["runs"] if r["sharded"] and r["consumers"] == 1)
        notes.append(
            f"\n{TARGET_ITEMS:,} items were not measured in this run (the largest size was "
            f"{largest['n']:,}, set with BENCH_SHARD_SIZES): at this run's pace, scaled "
            f"linearly, one consumer would need about "
            f"{one['total_s'] * TARGET_ITEMS / largest['n'] / 60:.0f} minutes for them.")
    body = (
        __doc__.split("\n", 1)[1].split("\n\n    python")[0].strip()
        + "\n\n"
        + md_table(["items", "run", "request → switched s", "shard phase s", "merge s",
                    "speed-up vs 1 consumer", "vs plain jieba", "themes",
                    "consumer peak RSS MB", "digest", "load avg"], rows)
        + "\n\n" + "\n".join(notes)
        + f"\n\nLoad average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
        f"({os.cpu_count()} cores, shared with other work; the load column gives it before and "
        f"after each run). Whole benchmark: {seconds / 60:.1f} minutes."
    )
    return body


def rewrite_from(paths: list[Path], load_start: float, minutes: float,
                 extra: str | None = None) -> str:
    """Write the section again from the figures runs saved (``bench-shards.json``), for
    sizes measured in separate runs."""
    sizes = [size for path in paths for size in json.loads(Path(path).read_text())]
    body = report(sorted(sizes, key=lambda size: size["n"]), load_start, minutes * 60, extra)
    write_section("nlp_shards", TITLE, body)
    return body


def main() -> None:
    """Run every size and write the section into docs/benchmarks.md."""
    from tests.servers import PostgresServer

    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    server = PostgresServer.start()
    sizes = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-shards-") as name:
            for n in SIZES:
                sizes.append(bench_size(server, n, Path(name)))
                Path(tempfile.gettempdir(), "bench-shards.json").write_text(
                    json.dumps(sizes, default=str))
    finally:
        server.stop()
    body = report(sizes, load_start, time.perf_counter() - started)
    write_section("nlp_shards", TITLE, body)
    print(body)


if __name__ == "__main__":
    main()
