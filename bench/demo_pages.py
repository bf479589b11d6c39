"""Every page of the demo community: server time per page against the 300 ms p95 target.

The demo community (``flask demo load``: six months of members, surveys, suggestions,
interviews, imported chats, metrics and reports, analysed) is loaded into a fresh SQLite
database. Its pages are found by crawling, as a signed-in admin, from the community's home:
every HTML page linked from a page already seen, inside the community and the account
pages, one address per view (the first one found), without downloads or exports. Each page
is requested through the Flask test client (server time, no network), warmed up once and then
timed ``REPEATS`` times. The baseline is the cheapest page of the app, the sign-in form.
Beside the wall time, each request's CPU time in this process (``time.process_time``) is
what the page costs the server itself: on a machine busy with other work the wall time
grows with the load, the CPU time does not, so it stands in for the idle machine's time.

    python -m bench demo_pages          # BENCH_DEMO_REPEATS=5 for a quick run
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
import time
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException

from bench._report import md_table, write_section

REPEATS = int(os.environ.get("BENCH_DEMO_REPEATS", "20"))
MAX_PAGES = int(os.environ.get("BENCH_DEMO_MAX_PAGES", "200"))
TARGET_MS = 300
_HREF = re.compile(r'href="(/[^"#]*)')
# Links that leave the page for a file, change state on GET by design, or sign out.
_SKIP = re.compile(r"(\.(csv|xlsx|png|svg|pdf|json|zip)$)|/export|/download|/logout|/static/"
                   r"|/qr\.|/images/|/preview/")


def build(path: Path):
    """The app on a fresh SQLite file with the demo community loaded; (app, admin identity)."""
    from app import create_app
    from app.demo import DEMO_LOGINS, load_demo
    from app.extensions import db
    from app.models import User

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "TESTING": True,
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
        "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnop",
    })
    with app.app_context():
        db.create_all()
        load_demo(log=lambda _line: None)
        admin = next(login for login in DEMO_LOGINS if login.key == "admin")
        user = db.session.execute(db.select(User).where(User.email == admin.email)).scalar_one()
        return app, user.get_id()


def crawl(client, start: str, prefixes: tuple[str, ...]) -> dict[str, str]:
    """One address per view (endpoint), found by following links from ``start``."""
    adapter = client.application.url_map.bind("localhost")
    found: dict[str, str] = {}
    seen: set[str] = set()
    queue = deque([start])
    while queue and len(found) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        try:
            endpoint, _args = adapter.match(parts.path, method="GET")
        except HTTPException:
            continue  # not a page of the app, or not one to GET
        if endpoint in found:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        found[endpoint] = url
        for href in _HREF.findall(response.get_data(as_text=True)):
            href = href.replace("&amp;", "&")
            if href.startswith(prefixes) and not _SKIP.search(urlsplit(href).path):
                queue.append(href)
    return found


def time_page(client, url: str) -> tuple[list[float], list[float]]:
    """Server wall time and CPU time in ms of ``REPEATS`` GETs of ``url`` after one
    warm-up."""
    client.get(url)
    wall, cpu = [], []
    for _ in range(REPEATS):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return wall, cpu


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    """Load the demo, crawl its pages, time each one and write docs/benchmarks.md."""
    from app.demo.vocab import COMMUNITY_SLUG

    started = time.perf_counter()
    load_avg = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        app, identity = build(Path(tmp) / "demo.db")
        load_s = time.perf_counter() - t0
        client = app.test_client()
        baseline, _cpu = time_page(client, "/auth/login")
        with client.session_transaction() as session:
            session["_user_id"] = identity
            session["_fresh"] = True
        pages = crawl(client, f"/c/{COMMUNITY_SLUG}/",
                      (f"/c/{COMMUNITY_SLUG}/", "/account", "/notifications", "/admin"))
        results = []
        for endpoint, url in pages.items():
            values, cpu = time_page(client, url)
            results.append((endpoint, url, values, cpu))
            print(f"  {statistics.median(values):7.1f} {_p95(values):7.1f} "
                  f"{_p95(cpu):7.1f}  {url}", flush=True)
    results.sort(key=lambda r: -_p95(r[2]))
    write_report(results, baseline, load_s, load_avg, time.perf_counter() - started)


def write_report(results, baseline: list[float], load_s: float, load_avg: float,
                 seconds: float) -> None:
    """The Markdown section: every page with p50 and p95 (wall and CPU), slowest first."""
    rows = [[endpoint, f"`{url}`", f"{statistics.median(values):.0f}", f"{_p95(values):.0f}",
             f"{_p95(cpu):.0f}", "yes" if _p95(values) <= TARGET_MS else "**no**",
             "yes" if _p95(cpu) <= TARGET_MS else "**no**"]
            for endpoint, url, values, cpu in results]
    over = [r for r in results if _p95(r[2]) > TARGET_MS]
    over_cpu = [r for r in results if _p95(r[3]) > TARGET_MS]
    worst = results[0] if results else None
    costliest = max(results, key=lambda r: _p95(r[3])) if results else None
    summary = (f"{len(results)} pages; {len(results) - len(over)} meet the target "
               f"(p95 ≤ {TARGET_MS} ms) in wall time and {len(results) - len(over_cpu)} in "
               "CPU time" + (f"; slowest: {worst[0]} at p95 {_p95(worst[2]):.0f} ms; "
                             f"costliest: {costliest[0]} at p95 {_p95(costliest[3]):.0f} ms "
                             "CPU" if worst else ""))
    body = f"""{__doc__.split(chr(10) + chr(10))[1]}

Baseline, the sign-in form: p50 {statistics.median(baseline):.1f} ms, p95
{_p95(baseline):.1f} ms. Loading the demo took {load_s:.0f} s; load average at the start
{load_avg:.1f} (on a busy machine every page slows down alike). Whole benchmark:
{seconds / 60:.1f} minutes, {REPEATS} timed requests per page.

**{summary}.**

{md_table(["view", "address", "p50 ms", "p95 ms", "p95 CPU ms", f"p95 ≤ {TARGET_MS} ms",
           f"CPU p95 ≤ {TARGET_MS} ms"], rows)}
"""
    write_section("demo_pages", "Demo pages (every page of the demo community)", body)


__all__ = ["main"]
