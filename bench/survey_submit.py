"""HTTP benchmark: survey submissions per second under load, against a bare insert endpoint.

For SQLite (WAL) and for PostgreSQL (a throwaway server started here), two apps are served by
gunicorn on loopback with the same worker settings and driven with 32 connections by the
load generator in ``bench/_http_load.py`` (asyncio; it stops cleanly, so it knows exactly which
requests the server acknowledged):

* **ours**: ``POST /api/v1/surveys/<id>/responses`` of the real app (token check, the 10-question
  survey of ``bench/survey_validate.py`` validated strictly with its logic, the response and
  its feedback items stored, the response limit counted, idempotency key enforced by a unique
  constraint) — the same ``store_response`` path as the member page;
* **bare**: a tiny Flask + Flask-SQLAlchemy app in this file that inserts the request body's
  answers as one JSON row.

Every request carries a fresh idempotency key, except that every 25th one repeats a recent
request exactly (a client retry, sometimes while the original is still in flight on another
connection); a retry must be answered with the first response and store nothing. After each
run the responses in the database must be exactly the requests acknowledged (nothing lost,
nothing duplicated).

    python -m bench survey_submit                 # both backends, 20 s per run
    BENCH_SECONDS=30 BENCH_ROUNDS=2 python -m bench survey_submit
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench._http_load import drive, http_post
from bench._report import md_table, write_section
from bench.survey_validate import bench_survey, random_answers

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 32
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
WORKER_THREADS = int(os.environ.get("BENCH_THREADS", "1"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
WARMUP_SECONDS = 4
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
RETRY_EVERY = 25
ANSWER_VARIANTS = 3000
CHANNELS = [("wx-group-1", "微信1群"), ("wx-group-2", "微信2群"), ("wx-group-3", "微信3群")]


# -- the bare baseline app --------------------------------------------------------------------

def _bare_table():
    from sqlalchemy import Column, DateTime, Integer, MetaData, Table, func

    from app.models.base import JSONType  # the same JSON / JSONB column type as ours

    return Table("bare_responses", MetaData(), Column("id", Integer, primary_key=True),
                 Column("answers", JSONType, nullable=False),
                 Column("created_at", DateTime, server_default=func.now()))


def prepare_bare(url: str) -> None:
    """Create the baseline's table."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        _bare_table().metadata.create_all(engine)
    finally:
        engine.dispose()


def bare_app():
    """The baseline: Flask + Flask-SQLAlchemy, one JSON row per request (gunicorn factory)."""
    from flask import Flask, jsonify, request
    from flask_sqlalchemy import SQLAlchemy

    import app.extensions  # noqa: F401  (the same SQLite pragmas: WAL, busy timeout)
    from app.config import engine_options  # the same pool settings as ours

    db = SQLAlchemy()
    table = _bare_table()
    web = Flask(__name__)
    web.config["SQLALCHEMY_DATABASE_URI"] = os.environ["BARE_DATABASE_URL"]
    web.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(web.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(web)

    @web.post("/submit")
    def submit():
        body = request.get_json(silent=True) or {}
        result = db.session.execute(table.insert().values(answers=body.get("answers") or {}))
        db.session.commit()
        return jsonify({"success": True, "data": {"id": result.inserted_primary_key[0]}}), 201

    @web.get("/")
    def health():
        return "ok"

    return web


# -- setting up our app's data ------------------------------------------------------------------

def prepare_ours(url: str) -> tuple[int, str]:
    """Create the schema, a community, an operator with an API token and the published
    benchmark survey; returns (survey id, token)."""
    os.environ.setdefault("APP_ENV", "development")
    from app import create_app
    from app.extensions import db
    from app.services.accounts import communities
    from app.services.accounts import users as accounts
    from app.services.surveys import lifecycle as survey_service

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "b" * 40})
    with app.app_context():
        db.create_all()
        admin = accounts.create_user("bench@example.org", "bench-password-1")
        community = communities.create_community("基准社群", "bench", actor=admin)
        survey = survey_service.create_survey(community, actor=admin)
        survey_service.save_definition(survey, bench_survey())
        survey_service.set_channels(survey, CHANNELS, actor=admin)
        survey_service.publish(survey, actor=admin)
        token = accounts.create_api_token(community, admin, "bench").secret
        db.session.commit()
        assert survey_service.closed_reason(survey) is None
        survey_id = survey.id
        db.engine.dispose()
    return survey_id, token


def count_rows(url: str, table: str) -> tuple[int, int]:
    """(rows, distinct idempotency keys) of a table (keys only for our responses)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
            keys = rows
            if table == "survey_responses":
                keys = conn.execute(text(
                    "SELECT count(DISTINCT idempotency_key) FROM survey_responses")).scalar_one()
            return int(rows), int(keys)
    finally:
        engine.dispose()


def feedback_rows(url: str) -> int:
    """Feedback items made from the benchmark's open answers."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM feedback_items")).scalar_one())
    finally:
        engine.dispose()


# -- servers ----------------------------------------------------------------------------------

def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(port: int, path: str, timeout: float = 60.0) -> None:
    """Wait until the server answers on the port."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2)  # noqa: S310
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:  # not listening yet
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


@dataclass
class Server:
    """A gunicorn process."""

    process: subprocess.Popen
    port: int

    def stop(self) -> None:
        """Stop gracefully, then for good."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def gunicorn(target: str, env: dict[str, str], health: str) -> Server:
    """Serve ``target`` with the shared worker settings on a free loopback port."""
    port = free_port()
    binary = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [binary, target, "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
         "--worker-class", WORKER_CLASS, "--threads", str(WORKER_THREADS), "--backlog", "256",
         "--log-level", "warning", "--timeout", "60"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if os.environ.get("BENCH_QUIET_SERVER") else None,
    )
    try:
        wait_http(port, health)
    except RuntimeError:
        process.kill()
        raise
    return Server(process, port)


# -- the load ----------------------------------------------------------------------------------

class Requests:
    """Request bodies: valid answers of the benchmark survey, a fresh idempotency key each,
    and every ``RETRY_EVERY``-th request a repeat of a recent one."""

    def __init__(self, path: str, auth: str | None, run: str):
        rng = random.Random(20261124)
        self.variants = [json.dumps(random_answers(rng), ensure_ascii=False,
                                    separators=(",", ":")).encode()
                         for _n in range(ANSWER_VARIANTS)]
        self.rng = random.Random(run)
        self.path, self.run = path, run
        self.headers = {"Content-Type": "application/json"}
        if auth:
            self.headers["Authorization"] = auth
        self.recent: list[tuple[bytes, str]] = []

    def __call__(self, connection: int, n: int) -> tuple[bytes, str]:
        if n % RETRY_EVERY == RETRY_EVERY - 1 and self.recent:
            return self.rng.choice(self.recent[-64:])
        key = f"{self.run}-{connection}-{n}"
        body = (b'{"answers":' + self.rng.choice(self.variants) + b',"channel":"'
                + self.rng.choice(CHANNELS)[0].encode() + b'","idempotency_key":"'
                + key.encode() + b'"}')
        request = (http_post(self.path, body, self.headers), key)
        self.recent.append(request)
        if len(self.recent) > 256:
            del self.recent[:128]
        return request


@dataclass
class Measure:
    """One measured run of one app."""

    app: str
    backend: str
    throughput: float
    p50_ms: float
    p99_ms: float
    created: int
    replayed: int
    failed: int
    stored: int
    exact: bool
    cpu_ms: float = 0.0


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by a gunicorn master and its workers (Linux /proc)."""
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()  # noqa: SIM115
    except OSError:
        return 0.0
    total = 0
    for process in [pid, *map(int, children)]:
        try:
            fields = open(f"/proc/{process}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def stored_keys(url: str, run: str) -> list[str]:
    """Idempotency keys of this run's stored responses (with repeats, if any)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(
                "SELECT idempotency_key FROM survey_responses WHERE idempotency_key LIKE :p"),
                {"p": f"api-{run}-%"}).scalars())
    finally:
        engine.dispose()


def measure(app_name: str, backend: str, server: Server, target: tuple[str, str | None],
            url: str, table: str) -> Measure:
    """Warm up, then measure one run and check what was stored against what was
    acknowledged."""
    drive(server.port, Requests(*target, f"w{secrets.token_hex(3)}"),
          connections=CONNECTIONS, seconds=WARMUP_SECONDS)
    run = f"m{secrets.token_hex(3)}"
    before, _keys = count_rows(url, table)
    cpu_before = server_cpu(server.process.pid)
    result = drive(server.port, Requests(*target, run), connections=CONNECTIONS,
                   seconds=SECONDS)
    cpu = server_cpu(server.process.pid) - cpu_before
    after, _keys = count_rows(url, table)
    created = result.keys_by_status.get(201, [])
    replayed = result.keys_by_status.get(200, [])
    failed = result.errors + sum(n for status, n in result.statuses.items()
                                 if status not in (200, 201))
    stored = after - before
    if table == "survey_responses":
        keys = stored_keys(url, run)
        acknowledged = set(created) | set(replayed)
        exact = (failed == 0 and len(keys) == len(set(keys)) == len(set(created)) == stored
                 and {k.removeprefix("api-") for k in keys} == acknowledged
                 and len(created) == len(set(created)))
    else:
        exact = failed == 0 and stored == len(created)
    return Measure(app_name, backend, (len(created) + len(replayed)) / result.seconds,
                   result.percentile(50) * 1000, result.percentile(99) * 1000, len(created),
                   len(replayed), failed, stored, exact,
                   cpu * 1000 / max(1, result.requests))


def bench_backend(backend: str, work: Path) -> list[Measure]:
    """Both apps on one database backend, ROUNDS times, alternating."""
    pg = None
    if backend == "sqlite":
        ours_url = f"sqlite:///{work / 'ours.db'}"
        bare_url = f"sqlite:///{work / 'bare.db'}"
    else:
        from tests.servers import PostgresServer

        pg = PostgresServer.start()
        ours_url = pg.create_database("bench_ours")
        bare_url = pg.create_database("bench_bare")
    try:
        survey_id, token = prepare_ours(ours_url)
        prepare_bare(bare_url)
        ours_env = {"DATABASE_URL": ours_url, "SECRET_KEY": "b" * 40, "APP_ENV": "production",
                    "RATELIMIT_ENABLED": "0", "SESSION_COOKIE_SECURE": "1",
                    "INSTANCE_PATH": str(work / "instance"),
                    # The job queue of a real installation. No worker runs during the
                    # measurement: analysing the open answers is the worker's job, which
                    # bench/insights_pages measures; a submission only queues it.
                    "HUEY_SQLITE_PATH": str(work / "huey.db")}
        bare_env = {"BARE_DATABASE_URL": bare_url}
        ours_target = (f"/api/v1/surveys/{survey_id}/responses", f"Bearer {token}")
        bare_target = ("/submit", None)
        results = []
        for _round in range(ROUNDS):
            for name in ("ours", "bare"):
                if name == "ours":
                    server = gunicorn("app:create_app()", ours_env, "/healthz")
                    target, url, table = ours_target, ours_url, "survey_responses"
                else:
                    server = gunicorn("bench.survey_submit:bare_app()", bare_env, "/")
                    target, url, table = bare_target, bare_url, "bare_responses"
                try:
                    m = measure(name, backend, server, target, url, table)
                finally:
                    server.stop()
                print(f"  {backend} {name}: {m.throughput:,.0f} req/s, p50 {m.p50_ms:.1f} ms, "
                      f"p99 {m.p99_ms:.1f} ms, server CPU {m.cpu_ms:.2f} ms/request, "
                      f"created {m.created}, retries {m.replayed}, stored {m.stored}, "
                      f"exact={m.exact}", flush=True)
                results.append(m)
        results.append(Measure("feedback", backend, 0, 0, 0, 0, 0, 0, feedback_rows(ours_url),
                               True))
        return results
    finally:
        if pg is not None:
            pg.stop()


def main() -> None:
    """Run on SQLite and PostgreSQL and write the section into docs/benchmarks.md."""
    started = time.monotonic()
    bench_survey()  # the definition must load (same survey as bench/survey_validate)
    work = Path(tempfile.mkdtemp(prefix="huisheng-bench-"))
    rows = []
    checks = []
    try:
        for backend in ("sqlite", "postgresql"):
            measures = bench_backend(backend, work)
            runs = [m for m in measures if m.app in ("ours", "bare")]
            feedback = next(m.stored for m in measures if m.app == "feedback")
            best = {name: max((m for m in runs if m.app == name), key=lambda m: m.throughput)
                    for name in ("ours", "bare")}
            ratio = best["ours"].throughput / best["bare"].throughput
            for name, label in (("bare", "bare Flask + SQLAlchemy insert (baseline)"),
                                ("ours", "survey submit (validation, feedback, idempotency)")):
                m = best[name]
                cpu = min(r.cpu_ms for r in runs if r.app == name)
                rows.append([backend, label, f"{m.throughput:,.0f}",
                             f"{m.throughput / best['bare'].throughput:.2f}",
                             f"{m.p50_ms:.1f}", f"{m.p99_ms:.1f}", f"{cpu:.2f}", f"{m.created:,}",
                             f"{m.replayed:,}", f"{m.stored:,}",
                             "yes" if all(r.exact for r in runs if r.app == name) else "NO"])
            cpu = {name: min(r.cpu_ms for r in runs if r.app == name) for name in ("ours", "bare")}
            checks.append((backend, ratio, best["ours"].p99_ms, feedback, cpu))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - started
    verdicts = "\n".join(
        f"- {backend}: ours / bare = **{ratio:.2f}×** in requests per second (target ≥ 0.6×) "
        f"and {cpu['bare'] / cpu['ours']:.2f}× in server CPU per request ({cpu['ours']:.2f} "
        f"vs {cpu['bare']:.2f} ms); ours p99 **{p99:.1f} ms** (target ≤ 100 ms); {feedback:,} "
        "feedback items were made from the open answers."
        for backend, ratio, p99, feedback, cpu in checks)
    body = (
        f"gunicorn on loopback, {WORKERS} workers ({WORKER_CLASS}, {WORKER_THREADS} thread(s) "
        f"each) for both apps; {CONNECTIONS} connections for {SECONDS} s from the load "
        f"generator of `bench/_http_load.py`, after a {WARMUP_SECONDS} s warm-up; {ROUNDS} "
        "round(s), best shown. Ours is the JSON API submit "
        "(token check, strict validation of the 10-question survey of `bench/survey_validate` "
        "with its display and skip logic, the response and its feedback items stored, the "
        "response counted in the same transaction, which refuses it atomically once the "
        "survey is closed or full, the idempotency key unique, the analysis of the open "
        "answers queued for the job worker, which is not running during the measurement: "
        "`bench/insights_pages` measures the analysis). Each server process keeps a token's "
        "credentials and the survey's description for 2 s, as in production; the baseline is "
        "a bare Flask + "
        "Flask-SQLAlchemy endpoint inserting the same answers as one JSON row. Every request "
        f"has a new idempotency key, except every {RETRY_EVERY}th, which repeats a recent "
        "request exactly (a retry, sometimes while the original is still in flight: answered "
        "200 with the first response, nothing stored). Rate limiting is off for the run (all "
        "requests come from one address). \"exact\": the responses stored during the run are "
        "exactly the acknowledged requests (every 201 and every replayed key stored once, "
        "nothing else), with no failed request. The baseline has no idempotency, so its "
        "retries are stored again. \"server CPU\" is the CPU time of the gunicorn processes "
        "per request (database server excluded): it is less sensitive to a busy machine than "
        "requests per second.\n\n"
        + md_table(["backend", "endpoint", "req/s", "× bare", "p50 ms", "p99 ms",
                    "server CPU ms/req", "created", "retries", "stored", "exact"], rows)
        + "\n\n" + verdicts
        + f"\n\nThe whole benchmark took {elapsed / 60:.1f} minutes.\n"
    )
    path = write_section("survey_submit", "Survey submissions over HTTP (gunicorn)", body)
    print(f"wrote {path} in {elapsed:.0f} s")


if __name__ == "__main__":
    main()
