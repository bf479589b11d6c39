"""Two machines' worth of Huisheng on one PostgreSQL and one Redis: two gunicorn servers and two
Huey consumers, each process with an instance folder of its own (as on separate machines).

With ``FILE_STORAGE=database`` a report rendered by either worker downloads from either web
server, an image uploaded on web A shows on web B, a session signed in on A works on B, and
a rate limit hit on A counts on B (``RATELIMIT_STORAGE_URI`` is Redis).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.factories_sources import image_bytes
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"  # noqa: S105 - a test account
STARTUP_TIMEOUT = 90  # a busy two-core machine can take long to import the app
JOB_TIMEOUT = 120

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


# --- processes -------------------------------------------------------------------------------


@dataclass
class Node:
    """One machine: a web server and a job worker, each with its own instance folder."""

    name: str
    port: int
    web: subprocess.Popen
    worker: subprocess.Popen
    root: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        """The last lines of both processes' output, for a failure message."""
        out = []
        for kind in ("web", "worker"):
            path = self.root / f"{kind}.log"
            lines = path.read_text(errors="replace").splitlines()[-40:] if path.exists() else []
            out.append(f"--- {self.name} {kind} ---\n" + "\n".join(lines))
        return "\n".join(out)


def _environment(base: Path, database_url: str, redis_url: str, secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"HUEY_IMMEDIATE", "REDIS_URL", "DATABASE_URL", "INSTANCE_PATH",
                        "HUEY_SQLITE_PATH", "RATELIMIT_STORAGE_URI", "FILE_STORAGE"}}
    env.update(
        PYTHONPATH=str(ROOT), FLASK_APP="app:create_app", APP_ENV="production",
        SECRET_KEY=secret, DATABASE_URL=database_url, REDIS_URL=redis_url,
        FILE_STORAGE="database", SESSION_COOKIE_SECURE="false", WEB_CONCURRENCY="1",
        LOGIN_RATE_LIMIT="6 per day",  # a day: no window can roll over during the test
        INSIGHTS_AUTO_ANALYSIS="false", INSTANCE_PATH=str(base / "unused"),
    )
    return env


def _start(cmd: list[str], env: dict[str, str], instance: Path, log: Path) -> subprocess.Popen:
    instance.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env={**env, "INSTANCE_PATH": str(instance)},
                                stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _start_node(name: str, base: Path, env: dict[str, str]) -> Node:
    root = base / name
    root.mkdir()
    port = free_port()
    web = _start([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                  "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
                  "--graceful-timeout", "5"],
                 env, root / "web-instance", root / "web.log")
    worker = _start([sys.executable, "-m", "huey.bin.huey_consumer", "app.tasks.huey",
                     "-w", "1", "-k", "thread", "-d", "0.1", "-m", "0.5"],
                    env, root / "worker-instance", root / "worker.log")
    return Node(name=name, port=port, web=web, worker=worker, root=root)


def _stop(processes: list[tuple[subprocess.Popen, int]]) -> None:
    """Signal each process (and its children: gunicorn's worker, the renderer), then wait;
    whatever is still running after 20 s is killed."""
    for process, sig in processes:
        if process.poll() is None:
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 20
    for process, _sig in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=10)


def _wait_until_ready(nodes: list[Node]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    waiting = list(nodes)
    while waiting and time.monotonic() < deadline:
        for node in list(waiting):
            for process in (node.web, node.worker):
                assert process.poll() is None, f"{node.name} stopped at start:\n{node.logs()}"
            try:
                status, _h, body = Browser().get(f"{node.url}/healthz", timeout=5)
            except OSError:
                continue
            if status == 200 and json.loads(body)["data"]["status"] == "ok":
                waiting.remove(node)
        time.sleep(0.3)
    assert not waiting, "not ready:\n" + "\n".join(n.logs() for n in waiting)


# --- a browser without a browser -------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies, CSRF tokens and multipart posts over plain HTTP. Its cookies are sent to both
    servers (a cookie belongs to a host, not a port), as a load balancer would."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects())

    def _open(self, request, timeout: float) -> tuple[int, dict, bytes]:
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get(self, url: str, timeout: float = 30) -> tuple[int, dict, bytes]:
        return self._open(urllib.request.Request(url), timeout)  # noqa: S310 - the test's servers

    def post(self, url: str, fields: list[tuple[str, str]],
             files: list[tuple[str, str, bytes, str]] = (), timeout: float = 30):
        if files:
            boundary = secrets.token_hex(16)
            body = b""
            for name, value in fields:
                body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                         f"\r\n\r\n{value}\r\n").encode()
            for name, filename, data, mime in files:
                body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                         f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n').encode()
                body += data + b"\r\n"
            body += f"--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(  # noqa: S310 - the test's own servers
            url, data=body, method="POST", headers={"Content-Type": content_type})
        return self._open(request, timeout)

    def form_page(self, url: str) -> tuple[str, dict[str, str]]:
        """A page and the values of its hidden inputs (the CSRF token, one-time keys)."""
        status, _h, body = self.get(url)
        assert status == 200, (url, status)
        page = body.decode()
        hidden = {}
        for tag in re.findall(r"<input[^>]*>", page):
            if 'type="hidden"' in tag and (name := re.search(r'name="([^"]+)"', tag)):
                value = re.search(r'value="([^"]*)"', tag)
                hidden[name.group(1)] = value.group(1) if value else ""
        return page, hidden


def _sign_in(browser: Browser, node: Node, email: str, password: str) -> int:
    _page, hidden = browser.form_page(f"{node.url}/auth/login")
    status, _h, _b = browser.post(f"{node.url}/auth/login", [
        ("csrf_token", hidden["csrf_token"]), ("email", email), ("password", password)])
    return status


# --- the world -------------------------------------------------------------------------------


def _prepare_database(pg_server, name: str) -> str:
    """A database with the schema (built from the models, as the app tests do:
    tests/app/test_migrations.py checks that the migrations build the same) and the people."""
    url = pg_server.create_database(name)
    from app import create_app
    from app.extensions import db
    from tests.conftest import make_test_config
    from tests.factories import make_community, make_member

    app = create_app(make_test_config(url))
    with app.app_context():
        db.create_all()
        community = make_community(slug="two", name="双节点社群")
        make_member(community, "manager", email="boss@example.org")
        db.session.commit()
        db.engine.dispose()
    return url


@pytest.fixture
def two_nodes(tmp_path, pg_server, redis_server):
    import redis

    redis_url = redis_server.url.rsplit("/", 1)[0] + "/7"  # a database no other test uses
    redis.Redis.from_url(redis_url).flushdb()
    name = f"two_nodes_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    pg_server.drop_database(name)
    database_url = _prepare_database(pg_server, name)
    env = _environment(tmp_path, database_url, redis_url, secrets.token_urlsafe(48))
    nodes = []
    try:
        nodes = [_start_node("a", tmp_path, env), _start_node("b", tmp_path, env)]
        _wait_until_ready(nodes)
        yield nodes, env
    finally:
        # gunicorn stops at once on SIGINT, a Huey consumer on SIGTERM; all four together
        _stop([(node.web, signal.SIGINT) for node in nodes]
              + [(node.worker, signal.SIGTERM) for node in nodes])
        redis.Redis.from_url(redis_url).flushdb()
        pg_server.drop_database(name)


def _wait_for_report(browser: Browser, node: Node, path: str, nodes: list[Node]) -> dict:
    deadline = time.monotonic() + JOB_TIMEOUT
    state = {}
    while time.monotonic() < deadline:
        status, _h, body = browser.get(f"{node.url}{path}/status")
        assert status == 200, status
        state = json.loads(body)
        if state.get("finished"):
            return state
        time.sleep(0.5)
    raise AssertionError(f"report not finished: {state}\n" + "\n".join(n.logs() for n in nodes))


def test_two_nodes_share_files_sessions_and_rate_limits(two_nodes):
    (a, b), env = two_nodes
    engine = create_engine(env["DATABASE_URL"])
    try:
        boss = Browser()
        assert _sign_in(boss, a, "boss@example.org", PASSWORD) == 302
        # The session signed on A is good on B.
        status, _h, _b = boss.get(f"{b.url}/c/two/reports/")
        assert status == 200

        # A report requested on A, rendered by one of the workers, downloads from B (and A).
        _page, hidden = boss.form_page(f"{a.url}/c/two/reports/new")
        status, headers, _b = boss.post(f"{a.url}/c/two/reports/new", [
            ("csrf_token", hidden["csrf_token"]), ("community", "two"), ("period", "custom"),
            ("start", date(2026, 9, 1).isoformat()), ("end", date(2026, 9, 30).isoformat()),
            ("sections", "summary"), ("action", "generate")])
        assert status == 302, status
        report_path = urllib.parse.urlparse(headers["Location"]).path
        state = _wait_for_report(boss, b, report_path, [a, b])
        assert state["status"] == "ready", state
        with engine.connect() as conn:
            rendered_by = conn.execute(text(
                "SELECT worker FROM job_runs WHERE name = 'reports.generate'")).scalar_one()
        worker_pids = {n.worker.pid for n in (a, b)}
        assert rendered_by and int(rendered_by.rsplit(":", 1)[1]) in worker_pids, rendered_by
        downloads = {}
        for node in (b, a):
            status, headers, pdf = boss.get(f"{node.url}{report_path}/pdf")
            assert status == 200 and pdf.startswith(b"%PDF"), (node.name, status)
            assert headers["Content-Type"] == "application/pdf"
            downloads[node.name] = pdf
        assert downloads["a"] == downloads["b"]

        # An image posted to the box on A shows on B.
        png = image_bytes("PNG", size=(48, 32), color=(10, 120, 200))
        page, hidden = boss.form_page(f"{a.url}/c/two/box")
        status, _h, _b = boss.post(f"{a.url}/c/two/box", [
            ("csrf_token", hidden["csrf_token"]),
            ("submission_key", hidden.get("submission_key", "")),
            ("content", "报名页面在手机上打不开，截图如下"), ("category", "技术与体验")],
            files=[("images", "shot.png", png, "image/png")])
        assert status == 302, (status, _b.decode(errors="replace")[:2000])
        with engine.connect() as conn:
            suggestion_id, image_id, stored = conn.execute(text(
                "SELECT suggestion_id, id, stored_name FROM suggestion_images")).one()
        status, headers, served = boss.get(
            f"{b.url}/c/two/s/{suggestion_id}/images/{image_id}")
        assert status == 200 and headers["Content-Type"] == "image/png", status
        assert served.startswith(b"\x89PNG")

        # Nothing was written to any process's instance folder: the files are in PostgreSQL.
        for node in (a, b):
            for kind in ("web-instance", "worker-instance"):
                files = [p for p in (node.root / kind).rglob("*")
                         if p.suffix in (".pdf", ".png")]
                assert not files, files
        with engine.connect() as conn:
            keys = set(conn.execute(text("SELECT key FROM stored_files")).scalars())
        assert f"uploads/suggestions/{_community_id(engine)}/{stored}" in keys
        assert any(k.startswith("reports/") and k.endswith(".pdf") for k in keys)

        # A rate limit hit on A counts on B: 6 sign-ins a day from one client, the boss's
        # included, whichever server takes them.
        stranger = Browser()
        codes = []
        for node in (a, a, b, a, b, b):
            codes.append(_sign_in(stranger, node, "nobody@example.org", "wrong-password"))
        assert codes == [200, 200, 200, 200, 200, 429], codes
    finally:
        engine.dispose()


def _community_id(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT id FROM communities WHERE slug = 'two'")).scalar_one()
