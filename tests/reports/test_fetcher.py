"""The WeasyPrint URL fetcher allows data: URLs and the report's static files, nothing else."""

import os

import pytest

from reports.errors import URLRefusedError
from reports.fetcher import SafeURLFetcher
from reports.paths import STATIC_DIR


@pytest.fixture
def fetcher():
    return SafeURLFetcher([STATIC_DIR])


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "file://localhost/etc/passwd",
    "file://otherhost/share/x.png",
    "http://127.0.0.1:8000/admin",
    "http://127.0.0.1/",
    "http://localhost/",
    "http://localhost:5000/static/logo.svg",
    "http://[::1]/",
    "http://10.0.0.8/internal",
    "http://169.254.169.254/latest/meta-data/",
    "http://example.com/",
    "https://example.com/logo.png",
    "ftp://example.com/file",
    "gopher://example.com/",
    "javascript:alert(1)",
])
def test_everything_but_data_and_static_files_is_refused(fetcher, url):
    with pytest.raises(URLRefusedError, match="refused"):
        fetcher.fetch(url)


def test_paths_that_escape_the_static_dir_are_refused(fetcher, tmp_path):
    escape = STATIC_DIR.as_uri() + "/../../../../../etc/passwd"
    with pytest.raises(URLRefusedError):
        fetcher.fetch(escape)
    inside = tmp_path / "static"
    inside.mkdir()
    (inside / "link.txt").symlink_to("/etc/passwd")
    with pytest.raises(URLRefusedError, match="outside"):
        SafeURLFetcher([inside]).fetch((inside / "link.txt").as_uri())
    with pytest.raises(URLRefusedError, match="no such file"):
        fetcher.fetch(STATIC_DIR.as_uri() + "/missing.png")
    with pytest.raises(URLRefusedError, match="not a regular file"):
        fetcher.fetch(STATIC_DIR.as_uri() + "/")


def test_data_urls_are_allowed(fetcher):
    response = fetcher.fetch("data:text/plain;base64,5Zue5aOw")
    assert response.read().decode("utf-8") == "回声"


def test_allowed_static_files_are_served_with_their_type(fetcher):
    response = fetcher.fetch((STATIC_DIR / "logo.svg").as_uri())
    assert response.content_type == "image/svg+xml"
    assert response.read().startswith(b"<svg")


def test_a_fetcher_without_allowed_dirs_serves_no_files():
    with pytest.raises(URLRefusedError):
        SafeURLFetcher([]).fetch((STATIC_DIR / "logo.svg").as_uri())


def test_oversized_resources_are_refused(tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(2048))
    with pytest.raises(URLRefusedError, match="too large"):
        SafeURLFetcher([tmp_path], max_bytes=1024).fetch(big.as_uri())
