"""A locked-down WeasyPrint URL fetcher: ``data:`` URLs and files under allowed directories
only. Every other URL (``file://`` elsewhere, ``http(s)://`` to any host including loopback
and private addresses, any other scheme) is refused before any I/O happens."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports.errors import URLRefusedError

MAX_RESOURCE_BYTES = 20_000_000


def _short(url: str, limit: int = 120) -> str:
    return url if len(url) <= limit else url[:limit] + "…"


class SafeURLFetcher(URLFetcher):
    """Fetches only ``data:`` URLs and regular files inside ``allowed_dirs``.

    Refusals raise ``URLRefusedError``. The fetcher is built with ``fail_on_errors=True``, so
    WeasyPrint stops the whole render instead of quietly leaving a resource out.
    """

    def __init__(self, allowed_dirs: Iterable[str | os.PathLike] = (),
                 max_bytes: int = MAX_RESOURCE_BYTES) -> None:
        super().__init__(fail_on_errors=True, allow_redirects=False, timeout=1)
        self.allowed_dirs = tuple(Path(d).resolve() for d in allowed_dirs)
        self.max_bytes = max_bytes

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Return the resource at ``url`` or raise ``URLRefusedError``."""
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            if len(url) > self.max_bytes * 4 // 3 + 100:
                raise URLRefusedError(f"refused {_short(url)!r}: data URL is too large")
            return super().fetch(url, headers)
        if scheme == "file":
            return self._file(url)
        raise URLRefusedError(
            f"refused {_short(url)!r}: reports may load only data: URLs and files under "
            f"{', '.join(str(d) for d in self.allowed_dirs) or '(no allowed directory)'}")

    def _file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise URLRefusedError(f"refused {_short(url)!r}: file URL names a remote host")
        try:
            path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
        except (OSError, RuntimeError):
            raise URLRefusedError(f"refused {_short(url)!r}: no such file") from None
        if not any(path.is_relative_to(d) for d in self.allowed_dirs):
            raise URLRefusedError(
                f"refused {_short(url)!r}: outside the report's static directories")
        if not path.is_file():
            raise URLRefusedError(f"refused {_short(url)!r}: not a regular file")
        if path.stat().st_size > self.max_bytes:
            raise URLRefusedError(f"refused {_short(url)!r}: file is too large")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})
