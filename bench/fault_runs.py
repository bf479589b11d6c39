"""Fault runs on a production-like setup: PostgreSQL, Redis, a Huey consumer and gunicorn
with 4 web workers, all started here.

1. ``kill -9`` of the consumer during a full analysis: the run must be failed when its lease
   lapses, retried under the same id, and complete, with the previous run's results visible
   meanwhile and no duplicate themes or analysis rows.
2. ``kill -9`` of the consumer during a report render: the report must end ready, rendered
   once more, with no second report.
3. Redis stopped for a while during submissions (member page, API, suggestions): every
   submission must succeed, what was acknowledged must be stored, and the analysis jobs
   queued meanwhile must run once Redis is back (the outbox).
4. PostgreSQL restarted during submissions: clean 503s while it is down (no 500), nothing
   acknowledged lost, and the same processes serve again once it is back.

The consumer is restarted at once after a kill, as systemd would (``Restart=always``). Job
leases are shortened to ``BENCH_LEASE_SECONDS`` (default 15 s) so the runs stay short; the
recovery runs at each scheduler minute and at worker start.

    python -m bench fault_runs
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from bench._report import write_section

ROOT = Path(__file__).resolve().parent.parent
ITEMS = int(os.environ.get("BENCH_ITEMS", "8000"))
LEASE_SECONDS = int(os.environ.get("BENCH_LEASE_SECONDS", "15"))
STRANDED_SECONDS = int(os.environ.get("BENCH_STRANDED_SECONDS", "30"))
LOAD_SECONDS = float(os.environ.get("BENCH_FAULT_LOAD_SECONDS", "45"))
OUTAGE_AT, OUTAGE_FOR = 10.0, 15.0
CONNECTIONS = 32
WAIT_LIMIT = 300.0


def _env(url: str, redis_url: str, work: Path) -> dict[str, str]:
    from bench.load_submissions import app_env

    env = app_env(url, work, REDIS_URL=redis_url, JOB_LEASE_SECONDS=str(LEASE_SECONDS),
                  JOB_STRANDED_SECONDS=str(STRANDED_SECONDS))
    env.pop("HUEY_SQLITE_PATH")
    return env


class Consumer:
    """A Huey consumer process (2 worker threads), restartable."""

    def __init__(self, env: dict[str, str], work: Path):
        self.env, self.work = {**os.environ, **env}, work
        self.env.pop("HUEY_IMMEDIATE", None)
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = (self.work / f"consumer-{self.starts}.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "huey.bin.huey_consumer", "app.tasks.huey", "-w", "2",
             "-k", "thread", "-m", "1"], cwd=ROOT, env=self.env, stdout=log,
            stderr=subprocess.STDOUT)

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _wait(check, what: str, limit: float = WAIT_LIMIT, every: float = 0.1, *,
          required: bool = True):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    if required:
        raise RuntimeError(f"timed out waiting for {what}")
    return None


def kill_during_analysis(app, consumer: Consumer, slug: str) -> dict:
    """Kill the consumer in the middle of a full analysis; see it retried and complete."""
    from app.extensions import db
    from app.models import AnalysisRun, Community, InsightTheme, ItemAnalysis, JobRun
    from app.services.insights import analysis
    from app.services.job_leases import gave_up_message

    with app.app_context():
        community = db.session.execute(db.select(Community).filter_by(slug=slug)).scalar_one()
        first = analysis.current_run_id(community.id)
        run = analysis.request_run(community, trigger="manual")
        run_id, job_id = run.id, run.job_run_id
        items = db.session.execute(db.select(db.func.count()).select_from(
            db.text("feedback_items")).where(db.text(f"community_id = {community.id}"))
        ).scalar_one()

        def progressing():
            db.session.rollback()
            job = db.session.get(JobRun, job_id)
            db.session.refresh(job)
            return job.state == "running" and job.progress >= 0.2

        _wait(progressing, "the analysis to be under way", every=0.05)
        consumer.kill9()
        killed = time.monotonic()
        consumer.start()
        visible = []

        def finished():
            db.session.rollback()
            visible.append(analysis.current_run_id(community.id))
            current = db.session.get(AnalysisRun, run_id)
            db.session.refresh(current)
            # "failed" in between is the recovery at work; only a given-up run stays failed
            gave_up = current.status == "failed" and current.error == gave_up_message()
            return (current.status == "succeeded" or gave_up) and current

        done = _wait(finished, "the retried analysis", every=0.5)
        recovered = time.monotonic() - killed

        def job_ended():
            db.session.rollback()
            return not db.session.execute(db.select(JobRun.id).where(
                JobRun.name == "insights.full_run", JobRun.state == "running")).first()

        _wait(job_ended, "the retried job to record its end", every=0.2)
        jobs = db.session.execute(db.select(JobRun.state, JobRun.error).where(
            JobRun.name == "insights.full_run").order_by(JobRun.id)).all()
        keys = db.session.execute(db.select(InsightTheme.key).where(
            InsightTheme.community_id == community.id)).scalars().all()
        rows = db.session.execute(db.select(db.func.count(ItemAnalysis.id)).where(
            ItemAnalysis.run_id == run_id)).scalar_one()
        distinct_rows = db.session.execute(db.select(db.func.count(
            db.distinct(ItemAnalysis.feedback_item_id))).where(
            ItemAnalysis.run_id == run_id)).scalar_one()
        runs = db.session.execute(db.select(db.func.count(AnalysisRun.id)).where(
            AnalysisRun.community_id == community.id)).scalar_one()
        return {
            "status": done.status, "same_run": analysis.current_run_id(community.id) == run_id,
            "recovered_s": recovered, "items": items, "rows": rows,
            "duplicate_rows": rows - distinct_rows, "themes": len(keys),
            "duplicate_themes": len(keys) - len(set(keys)), "runs": runs,
            "previous_visible": all(v == first for v in visible[:-1]),
            "jobs": [state for state, _error in jobs],
            "lapsed": sum(1 for _s, error in jobs if error and "lease" in error),
        }


def kill_during_render(app, consumer: Consumer, slug: str) -> dict:
    """Kill the consumer while a report renders; see it rendered once and ready."""
    from app.extensions import db
    from app.models import Community, JobRun, Report
    from app.services.reports import documents as report_service

    with app.app_context():
        community = db.session.execute(db.select(Community).filter_by(slug=slug)).scalar_one()
        today = date.today()
        period, previous = report_service.resolve_period("last_month", today)
        report = report_service.create_report(
            community, period_kind="last_month", period=period, previous_period=previous,
            sections=[s.key for s in report_service.all_sections()])
        db.session.commit()
        report_service.enqueue_generation(report)
        report_id = report.id

        def rendering():
            db.session.rollback()
            current = db.session.get(Report, report_id)
            db.session.refresh(current)
            return current.status in ("running", "ready", "failed") and current.status

        state = _wait(rendering, "the render to start", every=0.02)
        if state == "running":
            time.sleep(0.3)  # inside the render rather than its first query
        consumer.kill9()
        killed = time.monotonic()
        consumer.start()

        def finished():
            db.session.rollback()
            current = db.session.get(Report, report_id)
            db.session.refresh(current)
            return current.status in ("ready", "failed") and current

        done = _wait(finished, "the report", every=0.5)
        recovered = time.monotonic() - killed
        jobs = db.session.execute(db.select(JobRun.state, JobRun.error).where(
            JobRun.name == "reports.generate").order_by(JobRun.id)).all()
        reports = db.session.execute(db.select(db.func.count(Report.id)).where(
            Report.community_id == community.id)).scalar_one()
        pdf = report_service.reports_dir(community.id) / (done.pdf_name or "-")
        return {"status": done.status, "killed_while": state, "recovered_s": recovered,
                "reports": reports, "pdf": pdf.exists(), "pages": done.page_count,
                "jobs": [s for s, _e in jobs],
                "lapsed": sum(1 for _s, error in jobs if error and "lease" in error)}


def _load_with_outage(setup: dict, url: str, server, stop, start) -> tuple:
    """Drive submissions for LOAD_SECONDS; stop a service at OUTAGE_AT for OUTAGE_FOR."""
    from bench import load_submissions as load

    result = {}
    run = f"f{os.getpid() % 1000}{int(time.time()) % 100000}"
    before = load.total_responses(url)
    log_before = len(server.log_text())
    began = time.perf_counter()
    thread = threading.Thread(target=lambda: result.setdefault(
        "tally", load.drive(setup, server.port, CONNECTIONS, LOAD_SECONDS, run)))
    thread.start()
    time.sleep(OUTAGE_AT)
    stopped = time.perf_counter() - began
    stop()
    time.sleep(OUTAGE_FOR)
    start()
    restored = time.perf_counter() - began
    thread.join()
    tally = result["tally"]
    found = load.stored(url, run)
    ack = tally.acknowledged
    page_stored = int(found["responses"]) - before - len(found["api"])
    api_ack, api_stored = {f"api-{k}" for k in ack["api"]}, set(found["api"])
    box_ack, box_stored = set(ack["box"]), set(found["box"])
    # Acknowledged but not stored is data lost; stored but not acknowledged is a commit that
    # went through just before the connection dropped (sending it again is harmless).
    lost = (len(api_ack - api_stored) + len(box_ack - box_stored)
            + max(0, len(ack["page"]) - page_stored))
    unacknowledged = (len(api_stored - api_ack) + len(box_stored - box_ack)
                      + max(0, page_stored - len(ack["page"])))
    exact = (lost == 0 and unacknowledged == 0 and len(found["api"]) == len(api_stored)
             and len(found["box"]) == len(box_stored))
    log = server.log_text()[log_before:]
    return tally, {"stopped_at": stopped, "restored_at": restored, "exact": exact,
                   "lost": lost, "unacknowledged": unacknowledged,
                   "ack": {k: len(v) for k, v in ack.items()},
                   "stored": {"page": page_stored, "api": len(found["api"]),
                              "box": len(found["box"])},
                   "tracebacks": log.count("Traceback"), "locked": log.count("database is locked")}


def redis_down_during_load(app, setup: dict, url: str, server, broker: dict) -> dict:
    """Stop Redis in the middle of submissions, start it again; the outbox drains."""
    from app.extensions import db
    from app.models import JobRun

    def stop():
        broker["server"].stop()

    def start():
        broker["server"] = broker["server"].restart()

    with app.app_context():
        first_id = (db.session.execute(db.select(db.func.max(JobRun.id))).scalar() or 0) + 1
        db.session.rollback()
    tally, figures = _load_with_outage(setup, url, server, stop, start)
    back = time.monotonic()
    with app.app_context():
        ours = JobRun.id >= first_id

        def count(*states):
            db.session.rollback()
            return db.session.execute(db.select(db.func.count(JobRun.id)).where(
                ours, JobRun.state.in_(states))).scalar_one()

        figures["pending_after_load"] = count("pending")
        drained = _wait(lambda: count("pending") == 0, "the outbox to drain", every=1.0,
                        required=False)
        figures["drained_s"] = time.monotonic() - back if drained else None
        _wait(lambda: count("pending", "queued", "running") == 0, "the jobs to finish",
              every=1.0, required=False)
        figures["unfinished"] = count("pending", "queued", "running")
        states = dict(db.session.execute(db.select(JobRun.state, db.func.count(JobRun.id))
                                         .where(ours, JobRun.name == "insights.analyze_items")
                                         .group_by(JobRun.state)).all())
        # Queued before this scenario and never started: taken by a worker killed above
        # before it began them, or held by the Redis that restarted empty.
        figures["stranded"] = db.session.execute(db.select(db.func.count(JobRun.id)).where(
            JobRun.id < first_id, JobRun.state == "queued", JobRun.attempts == 0)).scalar_one()
    figures["analysis_jobs"] = states
    figures["statuses"] = dict(tally.statuses)
    figures["errors"] = tally.errors
    return figures


def postgres_restart_during_load(setup: dict, url: str, server, pg) -> dict:
    """Stop PostgreSQL in the middle of submissions and start it again."""
    marks = {}

    def stop():
        pg.pause()

    def start():
        pg.resume()
        marks["resumed"] = time.perf_counter()

    tally, figures = _load_with_outage(setup, url, server, stop, start)
    figures["statuses"] = dict(tally.statuses)
    figures["errors"] = tally.errors
    figures["refused"] = dict(tally.refused)
    return figures


def main() -> None:
    """Run the four faults and write the section into docs/benchmarks.md."""
    os.environ.pop("HUEY_IMMEDIATE", None)
    from bench import load_submissions as load
    from bench.insights_pages import SLUG, build, generate
    from tests.servers import PostgresServer, RedisServer

    started = time.monotonic()
    load_before = load.load_average()
    work = Path(tempfile.mkdtemp(prefix="huisheng-faults-"))
    pg = PostgresServer.start()
    broker = {"server": RedisServer.start()}
    consumer = server = None
    try:
        url = pg.create_database("faults")
        env = _env(url, broker["server"].url, work)
        os.environ.update(env)  # this process queues jobs on the same Redis
        t0 = time.perf_counter()
        app, _identity, timings = build(url, generate(ITEMS))
        print(f"  built {ITEMS} items and a first analysis in {time.perf_counter() - t0:.0f} s",
              flush=True)
        setup = load.prepare(url)
        consumer = Consumer(env, work)
        consumer.start()
        analysis_fig = kill_during_analysis(app, consumer, SLUG)
        print(f"  analysis: {analysis_fig}", flush=True)
        render_fig = kill_during_render(app, consumer, SLUG)
        print(f"  render: {render_fig}", flush=True)
        server = load.serve(env, work, "gunicorn-faults")
        redis_fig = redis_down_during_load(app, setup, url, server, broker)
        print(f"  redis down: {redis_fig}", flush=True)
        pg_fig = postgres_restart_during_load(setup, url, server, pg)
        print(f"  postgresql restart: {pg_fig}", flush=True)
    finally:
        if server is not None:
            server.stop()
        if consumer is not None:
            consumer.stop()
        broker["server"].stop()
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - started
    write_report(analysis_fig, render_fig, redis_fig, pg_fig, timings, load_before, elapsed)


def _statuses(figures: dict) -> str:
    return ", ".join(f"{status}: {n}" for status, n in sorted(figures["statuses"].items()))


def write_report(analysis_fig, render_fig, redis_fig, pg_fig, timings, load_before,
                 elapsed) -> None:
    """The section of docs/benchmarks.md."""
    from bench import load_submissions as load

    def ack_line(f):
        return ", ".join(f"{load.KIND_LABELS[k]} {f['ack'][k]} / {f['stored'][k]}"
                         for k in load.KINDS)

    a, r = analysis_fig, render_fig
    drained = ("at once" if redis_fig["drained_s"] is not None and redis_fig["drained_s"] < 1
               else f"{redis_fig['drained_s']:.0f} s after that"
               if redis_fig["drained_s"] is not None else f"NOT within {WAIT_LIMIT:.0f} s")
    body = f"""PostgreSQL, Redis, one Huey consumer (`-w 2 -k thread -m 1`) and gunicorn (4 web
workers, gthread) on this machine; job leases shortened to {LEASE_SECONDS} s (production:
90 s) and `JOB_STRANDED_SECONDS` to {STRANDED_SECONDS} s (production: 600 s), the consumer
restarted at once after each kill. Load average (1/5/15 min)
{load_before} before and {load.load_average()} after: the machine is shared with other work.

**kill -9 of the consumer during a full analysis** ({a['items']:,} items; the first analysis
took {timings['full_run_s']:.0f} s in-process): killed at ≥ 20 % progress, the run was
**{a['status']}** {a['recovered_s']:.0f} s later under the same run id
({'yes' if a['same_run'] else 'NO'}); its job runs: {', '.join(a['jobs'])} ({a['lapsed']}
failed by the lapsed lease). The previous run's themes stayed visible until the switch:
{'yes' if a['previous_visible'] else 'NO'}. {a['rows']:,} analysis rows for {a['items']:,}
items ({a['duplicate_rows']} duplicates), {a['themes']} themes ({a['duplicate_themes']}
duplicate keys), {a['runs']} runs in all (the first and the retried one).

**kill -9 of the consumer during a report render** (a monthly report with every section;
killed while the report was `{r['killed_while']}`): the report was **{r['status']}**
{r['recovered_s']:.0f} s later, {r['pages']} pages, its PDF on disk: {'yes' if r['pdf'] else
'NO'}; {r['reports']} report row(s) in the community; its job runs: {', '.join(r['jobs'])}
({r['lapsed']} failed by the lapsed lease).

**Redis stopped during submissions** ({CONNECTIONS} connections for {LOAD_SECONDS:.0f} s; Redis
stopped at {redis_fig['stopped_at']:.0f} s and started again, empty (no persistence), at
{redis_fig['restored_at']:.0f} s): responses {_statuses(redis_fig)}; connection errors
{redis_fig['errors']}. Acknowledged / stored: {ack_line(redis_fig)}; exact:
**{'yes' if redis_fig['exact'] else 'NO'}**. {redis_fig['pending_after_load']} job run(s)
waited in the outbox when the load ended; the outbox was empty {drained}, and the analysis
jobs of the run ended {redis_fig['analysis_jobs']} ({redis_fig['unfinished']} unfinished).
Tracebacks in the server log: {redis_fig['tracebacks']}. Job runs queued before this step and
never started: {redis_fig['stranded']}.

**PostgreSQL restarted during submissions** (same load; `pg_ctl stop -m fast` at
{pg_fig['stopped_at']:.0f} s, started again at {pg_fig['restored_at']:.0f} s): responses
{_statuses(pg_fig)}; connection errors {pg_fig['errors']}; flows cut short by the outage:
{sum(pg_fig['refused'].values())}. Acknowledged / stored: {ack_line(pg_fig)}; acknowledged but
lost: **{pg_fig['lost']}**; stored but answered with a 503 (the commit went through as the
connection dropped): {pg_fig['unacknowledged']}; exact: {'yes' if pg_fig['exact'] else 'no'}.
Tracebacks in the server log: {pg_fig['tracebacks']}; the same gunicorn and consumer processes
served on after the restart.

The whole run took {elapsed / 60:.1f} minutes.
"""
    path = write_section("fault_runs", "Fault runs (kill -9 of the job worker, Redis down, "
                         "PostgreSQL restart)", body)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
