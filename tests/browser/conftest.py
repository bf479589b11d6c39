"""Browser tests: Debian's Chromium driven by Playwright against a live server in a thread."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import sentiment_model_cache

ROOT = Path(__file__).resolve().parents[2]
# The documentation's screenshots are refreshed on request (`make screenshots`); an ordinary
# test run keeps its screenshots out of the work tree.
SCREENSHOTS = (ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1"
               else Path(tempfile.gettempdir()) / "huisheng-test-screenshots")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Use Debian's Chromium; never let Playwright download a browser."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Chinese locale and a desktop viewport by default."""
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}


class LiveServer:
    """The app served over HTTP on a free loopback port, from a background thread."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_app(tmp_path):
    """A fresh app on its own SQLite file, with CSRF and everything else as in production."""
    from app import create_app
    from app.extensions import db

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'browser.db'}",
        "SECRET_KEY": "browser-test-secret-key-0123456789-abcdef",
        "RATELIMIT_ENABLED": False,
        "TESTING": False,
        "INSIGHTS_AUTO_ANALYSIS": False,
        "INSIGHTS_SENTIMENT_MODEL": str(sentiment_model_cache()),
    })
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_server(live_app):
    """Serve ``live_app`` while the test runs."""
    server = LiveServer(live_app).start()
    yield server
    server.stop()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot (under docs/screenshots/ with ``UPDATE_SCREENSHOTS=1``)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
