"""Load benchmark: survey answers through the member page and the API, and suggestion posts,
at 32, 128 and 256 connections, on SQLite and on PostgreSQL, gunicorn with 4 web workers.

Each connection of the load generator plays one kind of visitor in a loop (a third each):

* **member page**: ``GET /s/<key>`` (the welcome page and its CSRF token), ``POST
  /s/<key>/start``, ``GET /s/<key>`` (the questions), ``POST /s/<key>`` with the answers; a
  redirect after the last post acknowledges the response;
* **API**: ``POST /api/v1/surveys/<id>/responses`` with a fresh idempotency key (201);
* **suggestion**: ``GET /c/<slug>/box`` (token and submission key), ``POST`` of a suggestion
  from an anonymous visitor carrying a unique marker; the redirect to the receipt
  acknowledges it.

Each visitor keeps its own cookies, as a browser does. After each run the database must hold
exactly what was acknowledged: every API key once, as many member-page responses as
redirects, every acknowledged suggestion's marker once. The server's error log is searched
for 「database is locked」.

    python -m bench load_submissions
    BENCH_SECONDS=20 BENCH_CONNECTIONS=32,128 BENCH_BACKENDS=sqlite python -m bench load_submissions
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from bench._report import md_table, write_section

ROOT = Path(__file__).resolve().parent.parent
WEB_WORKERS = 4
CONNECTIONS = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "32,128,256").split(",")]
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
WARMUP_SECONDS = 5
BACKENDS = os.environ.get("BENCH_BACKENDS", "sqlite,postgresql").split(",")
KINDS = ("page", "api", "box")
KIND_LABELS = {"page": "member page", "api": "API", "box": "suggestion"}
SURVEY = {
    "schema_version": 1,
    "title": "直播课满意度",
    "pages": [{"id": "p1", "title": "你的感受", "questions": [
        {"id": "nps", "type": "nps", "title": "你有多大可能把直播课推荐给朋友？", "required": True},
        {"id": "part", "type": "single_choice", "title": "你最常参加哪种活动？", "required": True,
         "options": [{"id": "live", "label": "直播课"}, {"id": "photo", "label": "外拍"},
                     {"id": "talk", "label": "分享会"}]},
        {"id": "why", "type": "long_text", "title": "有什么想对我们说的？"},
    ]}],
}
TEXTS = [
    "直播课经常卡顿，希望提供回放", "外拍活动组织得很好，老师很耐心",
    "积分规则看不懂，希望写清楚一点", "分享会的时间太晚了，下班赶不上",
    "希望多开几次人像摄影的课", "群里广告太多了，影响交流",
    "作业点评很及时，收获很大", "报名入口太难找了", "", "",
]
HIDDEN = re.compile(r"<input\b[^>]*\btype=\"hidden\"[^>]*>")
ATTR = re.compile(r'\b(name|value)="([^"]*)"')
LOCKED = "database is locked"
# A request without an answer by then counts as a connection error.
REQUEST_TIMEOUT = 60.0


# -- a small HTTP/1.1 client with cookies ------------------------------------------------------

@dataclass
class Reply:
    """One HTTP response."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)


class Connection:
    """One keep-alive connection, reopened when the server closes it."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, cookies: dict[str, str],
                      body: bytes = b"", content_type: str | None = None,
                      headers: dict[str, str] | None = None) -> Reply:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive",
                 "Accept: text/html", "Accept-Language: zh-CN"]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        if content_type:
            lines.append(f"Content-Type: {content_type}")
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        try:
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await self.writer.drain()
            reply, close = await asyncio.wait_for(self._read(), REQUEST_TIMEOUT)
        except TimeoutError as exc:
            self.close()
            raise OSError("no answer in time") from exc
        except Exception:
            self.close()
            raise
        for name, value in reply.headers:
            if name == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _sep, val = pair.partition("=")
                if val:
                    cookies[key.strip()] = val.strip()
                else:
                    cookies.pop(key.strip(), None)
        if close:
            self.close()
        return reply

    async def _read(self) -> tuple[Reply, bool]:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = []
        for line in lines[1:]:
            if ":" in line:
                name, _sep, value = line.partition(":")
                headers.append((name.strip().lower(), value.strip()))
        reply = Reply(status, headers, b"")
        if (reply.header("transfer-encoding") or "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                data = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                chunks.append(data[:-2])
            reply.body = b"".join(chunks)
        else:
            length = int(reply.header("content-length") or 0)
            reply.body = await self.reader.readexactly(length) if length else b""
        close = (reply.header("connection") or "").lower() == "close"
        return reply, close or lines[0].startswith("HTTP/1.0")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def hidden_fields(html: bytes) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, page, idempotency and submission keys)."""
    fields = {}
    for tag in HIDDEN.findall(html.decode("utf-8", "replace")):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs:
            fields[attrs["name"]] = attrs.get("value", "").replace("&#34;", '"')
    return fields


# -- the visitors -----------------------------------------------------------------------------

@dataclass
class Tally:
    """What one load run saw."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    acknowledged: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    refused: Counter = field(default_factory=Counter)
    errors: int = 0


class Visitor:
    """One connection's visitor: does its kind of submission again and again."""

    def __init__(self, setup: dict, port: int, kind: str, index: int, run: str,
                 tally: Tally, rng: random.Random):
        self.setup, self.kind, self.index, self.run = setup, kind, index, run
        self.tally, self.rng = tally, rng
        self.conn = Connection(port)

    async def _call(self, method, path, cookies, **kwargs) -> Reply:
        started = time.perf_counter()
        reply = await self.conn.request(method, path, cookies, **kwargs)
        self.tally.latencies.append(time.perf_counter() - started)
        self.tally.statuses[reply.status] += 1
        return reply

    def _answers(self) -> dict:
        return {"nps": self.rng.randint(0, 10), "part": self.rng.choice(["live", "photo", "talk"]),
                "why": self.rng.choice(TEXTS)}

    async def page(self, n: int) -> str | None:
        key, cookies = self.setup["survey_key"], {}
        welcome = await self._call("GET", f"/s/{key}?ch=web", cookies)
        if welcome.status != 200:
            return None
        started = await self._call("POST", f"/s/{key}/start", cookies,
                                   body=urlencode(hidden_fields(welcome.body)).encode(),
                                   content_type="application/x-www-form-urlencoded")
        if started.status != 302:
            return None
        page = await self._call("GET", f"/s/{key}", cookies)
        if page.status != 200:
            return None
        form = hidden_fields(page.body)
        form.update({f"a.{q}": str(v) for q, v in self._answers().items()})
        form["action"] = "next"
        done = await self._call("POST", f"/s/{key}", cookies, body=urlencode(form).encode(),
                                content_type="application/x-www-form-urlencoded")
        return form.get("idem", "?") if done.status == 302 else None

    async def api(self, n: int) -> str | None:
        key = f"{self.run}-{self.index}-{n}"
        body = json.dumps({"answers": self._answers(), "channel": "api",
                           "idempotency_key": key}, ensure_ascii=False).encode()
        reply = await self._call("POST", f"/api/v1/surveys/{self.setup['survey_id']}/responses",
                                 {}, body=body, content_type="application/json",
                                 headers={"Authorization": f"Bearer {self.setup['token']}",
                                          "Accept": "application/json"})
        return key if reply.status == 201 else None

    async def box(self, n: int) -> str | None:
        slug, cookies = self.setup["slug"], {}
        page = await self._call("GET", f"/c/{slug}/box", cookies)
        if page.status != 200:
            return None
        marker = f"{self.run}x{self.index}x{n}"
        form = hidden_fields(page.body)
        form.update({"content": f"{self.rng.choice(TEXTS) or '希望活动多一些'}（{marker}）",
                     "category": self.setup["category"], "title": "", "website": ""})
        posted = await self._call("POST", f"/c/{slug}/box", cookies,
                                  body=urlencode(form, quote_via=quote).encode(),
                                  content_type="application/x-www-form-urlencoded")
        ok = posted.status == 302 and (posted.header("location") or "").endswith("/box/thanks")
        return marker if ok else None

    async def loop(self, deadline: float) -> None:
        act = getattr(self, self.kind)
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            try:
                key = await act(n)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                self.tally.errors += 1
                continue
            if key is None:
                self.tally.refused[self.kind] += 1
            else:
                self.tally.acknowledged[self.kind].append(key)
        self.conn.close()


async def _drive(setup: dict, port: int, connections: int, seconds: float, run: str) -> Tally:
    tally = Tally()
    deadline = time.perf_counter() + seconds
    visitors = [Visitor(setup, port, KINDS[i % len(KINDS)], i, run, tally, random.Random(i))
                for i in range(connections)]
    await asyncio.gather(*(v.loop(deadline) for v in visitors))
    return tally


def drive(setup: dict, port: int, connections: int, seconds: float, run: str) -> Tally:
    """Run the visitors for ``seconds``; every request sent is waited for."""
    return asyncio.run(_drive(setup, port, connections, seconds, run))


# -- setup, servers and checks ----------------------------------------------------------------

def prepare(url: str) -> dict:
    """Schema, a community whose box takes anonymous visitors, the survey, an API token."""
    os.environ.setdefault("APP_ENV", "development")
    import surveys as domain
    from app import create_app
    from app.extensions import db
    from app.services.accounts import communities
    from app.services.accounts import users as accounts
    from app.services.suggestions import box as box_service
    from app.services.surveys import lifecycle as survey_service

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "b" * 40})
    with app.app_context():
        db.create_all()
        admin = accounts.create_user("bench@example.org", "bench-password-1")
        community = communities.create_community("负载社群", "load", actor=admin)
        settings = box_service.box_settings(community)
        box_service.update_box_settings(community, categories=settings.categories,
                                        public_board=False, anonymous_visitors=True,
                                        public_changelog=False, actor=admin)
        survey = survey_service.create_survey(community, actor=admin)
        survey_service.save_definition(survey, domain.Survey.from_dict(SURVEY))
        survey_service.set_channels(survey, [("web", "网页"), ("api", "接口")], actor=admin)
        survey_service.publish(survey, actor=admin)
        token = accounts.create_api_token(community, admin, "load").secret
        db.session.commit()
        setup = {"survey_id": survey.id, "survey_key": survey.public_key, "token": token,
                 "slug": community.slug, "category": settings.categories[0]}
        db.engine.dispose()
    return setup


def stored(url: str, run: str) -> dict[str, object]:
    """What the database holds: API keys and suggestion markers of this run, all responses."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            api = list(conn.execute(text(
                "SELECT idempotency_key FROM survey_responses WHERE idempotency_key LIKE :p"),
                {"p": f"api-{run}-%"}).scalars())
            responses = conn.execute(text("SELECT count(*) FROM survey_responses")).scalar_one()
            contents = conn.execute(text(
                "SELECT content FROM suggestions WHERE content LIKE :p"),
                {"p": f"%{run}x%"}).scalars()
            markers = [m for c in contents for m in re.findall(rf"{run}x\d+x\d+", c)]
            return {"api": api, "responses": int(responses), "box": markers}
    finally:
        engine.dispose()


def total_responses(url: str) -> int:
    """All survey responses (member page and API) in the database."""
    return int(stored(url, "-none-")["responses"])


@dataclass
class Served:
    """A gunicorn serving the app, its error log in a file."""

    process: subprocess.Popen
    port: int
    log: Path

    def stop(self) -> None:
        """Stop gracefully, then for good."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def serve(env: dict[str, str], work: Path, name: str) -> Served:
    """The app under gunicorn with the project's settings (gthread) and 4 web workers."""
    from bench.survey_submit import free_port, wait_http

    port = free_port()
    log = work / f"{name}.log"
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", "--workers", str(WEB_WORKERS), "--backlog", "2048",
         "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, **env, "WEB_CONCURRENCY": str(WEB_WORKERS)},
        stdout=subprocess.DEVNULL, stderr=log.open("w"),
    )
    try:
        wait_http(port, "/healthz")
    except RuntimeError:
        process.kill()
        raise
    return Served(process, port, log)


def app_env(url: str, work: Path, **extra: str) -> dict[str, str]:
    """A production-like environment for the app under test."""
    return {"DATABASE_URL": url, "SECRET_KEY": "b" * 40, "APP_ENV": "production",
            "RATELIMIT_ENABLED": "0", "SESSION_COOKIE_SECURE": "0",
            "INSTANCE_PATH": str(work / "instance"),
            "HUEY_SQLITE_PATH": str(work / "huey.db"), **extra}


@dataclass
class Outcome:
    """One measured run and its check."""

    backend: str
    connections: int
    seconds: float
    tally: Tally
    stored_api: int
    stored_page: int
    stored_box: int
    locked: int
    exact: bool

    @property
    def acknowledged(self) -> int:
        return sum(len(v) for v in self.tally.acknowledged.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.tally.statuses.items() if status >= 500)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.tally.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def measure(setup: dict, url: str, server: Served, backend: str, connections: int,
            seconds: float) -> Outcome:
    """One run at ``connections``; compares what was stored with what was acknowledged."""
    run = f"r{secrets.token_hex(3)}"
    before = total_responses(url)
    log_before = len(server.log_text())
    started = time.perf_counter()
    tally = drive(setup, server.port, connections, seconds, run)
    elapsed = time.perf_counter() - started
    found = stored(url, run)
    page_stored = int(found["responses"]) - before - len(found["api"])
    locked = server.log_text()[log_before:].count(LOCKED)
    ack = tally.acknowledged
    exact = (sorted(f"api-{k}" for k in ack["api"]) == sorted(found["api"])
             and sorted(ack["box"]) == sorted(found["box"])
             and page_stored == len(ack["page"]))
    return Outcome(backend, connections, elapsed, tally, len(found["api"]), page_stored,
                   len(found["box"]), locked, exact)


def run_backend(backend: str, work: Path) -> list[Outcome]:
    """Every connection count on one backend (one server, a warm-up first)."""
    pg = None
    if backend == "sqlite":
        url = f"sqlite:///{work / 'load.db'}"
    else:
        from tests.servers import PostgresServer

        pg = PostgresServer.start()
        url = pg.create_database("load")
    try:
        setup = prepare(url)
        server = serve(app_env(url, work), work, f"gunicorn-{backend}")
        try:
            drive(setup, server.port, 32, WARMUP_SECONDS, "warm")
            outcomes = []
            for connections in CONNECTIONS:
                outcome = measure(setup, url, server, backend, connections, SECONDS)
                rate = outcome.acknowledged / outcome.seconds
                print(f"  {backend} {connections} conn: {rate:.1f} submissions/s, "
                      f"p50 {outcome.percentile(50) * 1000:.0f} ms, p99 "
                      f"{outcome.percentile(99) * 1000:.0f} ms, ack {outcome.acknowledged}, "
                      f"5xx {outcome.server_errors}, locked {outcome.locked}, "
                      f"exact={outcome.exact}", flush=True)
                outcomes.append(outcome)
        finally:
            server.stop()
        return outcomes
    finally:
        if pg is not None:
            pg.stop()


def load_average() -> str:
    """The machine's load average (1, 5 and 15 minutes)."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    """Run every backend and connection count; write the section into docs/benchmarks.md."""
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="huisheng-load-"))
    load_before = load_average()
    rows = []
    try:
        for backend in BACKENDS:
            for o in run_backend(backend, work):
                ack = o.tally.acknowledged
                rows.append([
                    o.backend, o.connections, f"{o.acknowledged / o.seconds:.1f}",
                    f"{sum(o.tally.statuses.values()) / o.seconds:.0f}",
                    f"{o.percentile(50) * 1000:.0f}", f"{o.percentile(99) * 1000:.0f}",
                    f"{len(ack['page'])} / {o.stored_page}", f"{len(ack['api'])} / {o.stored_api}",
                    f"{len(ack['box'])} / {o.stored_box}", o.server_errors,
                    o.tally.errors + sum(o.tally.refused.values()), o.locked,
                    "yes" if o.exact else "NO"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - started
    body = (
        f"gunicorn with {WEB_WORKERS} web workers and the project's `gunicorn.conf.py` (gthread, "
        f"4 threads each), `APP_ENV=production`, on loopback; {SECONDS:.0f} s per run after a "
        f"{WARMUP_SECONDS} s warm-up, the load generator on the same 2-core machine. A third "
        "of the connections each: the member page (welcome, start, questions, answers: 4 "
        "requests per response), the API submit (1 request), and an anonymous suggestion "
        "(the box page, then the post: 2 requests). Rate limiting is off (every request "
        "comes from one address); no job worker runs (the submissions only queue the "
        "analysis). \"ack / stored\": submissions acknowledged (a redirect after the last "
        "page, 201, the receipt redirect) and what the database holds for this run; "
        "\"exact\": the same keys, each once. \"refused\": connection errors and flows that "
        "got an unexpected answer. Latencies are per HTTP request. "
        f"Load average (1/5/15 min) {load_before} before the runs and {load_average()} after: "
        "the machine is shared, so figures vary between runs.\n\n"
        + md_table(["backend", "conn", "submissions/s", "requests/s", "p50 ms", "p99 ms",
                    "member page ack / stored", "API ack / stored",
                    "suggestions ack / stored", "5xx", "refused", "「database is locked」",
                    "exact"], rows)
        + f"\n\nThe whole benchmark took {elapsed / 60:.1f} minutes.\n"
    )
    path = write_section("load_submissions", "Submissions under load (member page, API, "
                         "suggestion box; 4 web workers)", body)
    print(f"wrote {path} in {elapsed:.0f} s")


if __name__ == "__main__":
    main()
