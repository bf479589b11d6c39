"""HTML to PDF with WeasyPrint, in a separate process with time and memory limits.

By default (``isolation="server"``) renders go to a small helper process: a fresh Python
interpreter that imports WeasyPrint and warms up fontconfig once, then forks one child per
render. The child caps its own address space with ``RLIMIT_AS`` (and CPU time with
``RLIMIT_CPU``) and is killed at the wall-clock timeout, so a hostile or huge document fails
with a specific exception instead of hanging a worker or exhausting memory. Forking happens
only in the helper, which is single-threaded, so callers may be threaded web or job workers;
the helper is started with ``subprocess`` (fork + exec), which is safe from threads too.

``isolation="subprocess"`` starts a fresh interpreter per render (slower, nothing shared).
``isolation="none"`` renders in the calling process without limits: only for trusted input,
e.g. the benchmark's WeasyPrint-alone baseline.

Results come back as JSON and raw bytes, never pickles, so a compromised renderer cannot
run code in the caller.
"""

from __future__ import annotations

import atexit
import errno
import json
import logging
import os
import select
import signal
import struct
import subprocess  # nosec B404  # the renderer's own child process, no shell
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from reports.errors import (
    RenderFailedError,
    RenderInputError,
    RenderMemoryError,
    RenderTimeoutError,
    ReportRenderError,
    URLRefusedError,
)
from reports.paths import STATIC_DIR

ERRORS: dict[str, type[ReportRenderError]] = {
    "refused": URLRefusedError,
    "timeout": RenderTimeoutError,
    "memory": RenderMemoryError,
    "input": RenderInputError,
    "failed": RenderFailedError,
}
ISOLATIONS = ("server", "subprocess", "none")
MAX_IDLE_SERVERS = 2
#: Extra seconds the caller waits beyond the render timeout before giving up on a helper.
GRACE_S = 10.0


@dataclass(frozen=True)
class RenderLimits:
    """Limits for one PDF render (see the module docstring for ``isolation``)."""

    timeout_s: float = 60.0
    memory_mb: int = 1536
    max_html_bytes: int = 20_000_000
    isolation: str = "server"


DEFAULT_LIMITS = RenderLimits()


@dataclass
class PdfResult:
    """A rendered PDF, its page count, the render time, the renderer's peak memory, and
    what WeasyPrint warned about (e.g. an image it could not load)."""

    pdf: bytes
    pages: int
    seconds: float
    peak_rss_mb: float
    warnings: list[str] = field(default_factory=list)


VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                           "meta", "source", "track", "wbr", "param"})
#: Elements whose end tag may be left out: an unclosed one is not really nested.
OPTIONAL_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot",
                          "colgroup", "caption", "option", "optgroup", "rt", "rp"})
MAX_DEPTH = 200
MAX_ELEMENTS = 200_000


class _StructureCheck(HTMLParser):
    """Counts elements and the deepest nesting, stopping at the first excess."""

    def __init__(self, max_depth: int, max_elements: int) -> None:
        super().__init__(convert_charrefs=False)
        self.max_depth, self.max_elements = max_depth, max_elements
        self.depth = self.elements = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.elements += 1
        if self.elements > self.max_elements:
            raise RenderInputError(f"the document has more than {self.max_elements:,} elements")
        if tag not in VOID_ELEMENTS and tag not in OPTIONAL_END:
            self.depth += 1
            if self.depth > self.max_depth:
                raise RenderInputError(f"the document nests elements more than "
                                       f"{self.max_depth} deep")

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID_ELEMENTS and tag not in OPTIONAL_END:
            self.depth = max(0, self.depth - 1)


def check_structure(html: str, max_depth: int = MAX_DEPTH,
                    max_elements: int = MAX_ELEMENTS) -> None:
    """Refuse, before any rendering, documents that nest too deeply or have too many
    elements (WeasyPrint's recursive layout would otherwise fail slowly or crash)."""
    checker = _StructureCheck(max_depth, max_elements)
    checker.feed(html)
    checker.close()


def render_pdf(
    html: str,
    *,
    static_dirs: Sequence[str | os.PathLike] = (STATIC_DIR,),
    base_url: str | None = None,
    limits: RenderLimits = DEFAULT_LIMITS,
) -> PdfResult:
    """Render ``html`` to PDF under ``limits``; resources only from ``static_dirs`` or
    ``data:`` URLs. ``base_url`` resolves relative URLs (default: the first static dir).

    Raises ``URLRefusedError``, ``RenderTimeoutError``, ``RenderMemoryError``,
    ``RenderInputError`` or ``RenderFailedError`` (all ``ReportRenderError``).
    """
    if limits.isolation not in ISOLATIONS:
        raise ValueError(f"unknown isolation {limits.isolation!r}; expected one of {ISOLATIONS}")
    size = len(html.encode("utf-8"))
    if size > limits.max_html_bytes:
        raise RenderInputError(f"the report HTML is {size:,} bytes; the limit is "
                               f"{limits.max_html_bytes:,}")
    check_structure(html)
    dirs = [str(Path(d).resolve()) for d in static_dirs]
    if base_url is None and dirs:
        base_url = Path(dirs[0]).as_uri() + "/"
    job = {"html": html, "static_dirs": dirs, "base_url": base_url,
           "memory_mb": limits.memory_mb, "timeout_s": limits.timeout_s}
    if limits.isolation == "none":
        return _result(*render_job(job, apply_limits=False))
    if limits.isolation == "subprocess":
        return _run_subprocess(job)
    server = _acquire_server()
    try:
        reply = server.request(job)
    except BaseException:
        server.close()
        raise
    _release_server(server)
    return _result(*reply)


# --- the render itself (runs in the child) ------------------------------------------------


def _peak_rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _apply_limits(memory_mb: int, timeout_s: float) -> None:
    import resource

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = int(timeout_s) + 5  # a backstop; the wall-clock timeout is enforced from outside
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _caused_by_memory(exc: BaseException | None) -> bool:
    """Whether an exception, or anything in its chain, is an allocation failure."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = str(exc).lower()
        if (isinstance(exc, MemoryError) or getattr(exc, "errno", None) == errno.ENOMEM
                or "insufficient memory" in text or "cannot allocate memory" in text):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class _RenderLog(logging.Handler):
    """Collects WeasyPrint's messages during one render, with any exceptions attached."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []
        self.memory_failure = False

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and _caused_by_memory(record.exc_info[1]):
            self.memory_failure = True
        if record.levelno >= logging.WARNING and len(self.messages) < 50:
            self.messages.append(record.getMessage()[:300])


def render_job(job: dict, apply_limits: bool = True) -> tuple[dict, bytes]:
    """Render one job dict; returns a JSON-able header and the PDF bytes (empty on error).

    WeasyPrint logs, rather than raises, some failures (an image it cannot load): those
    messages come back as ``warnings``, and one caused by running out of memory still
    fails the render as a memory error, whichever phase it happened in.
    """
    started = time.perf_counter()
    log = _RenderLog()
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.addHandler(log)
    logger.setLevel(logging.DEBUG)
    try:
        if apply_limits:
            _apply_limits(job["memory_mb"], job["timeout_s"])
        from weasyprint import HTML
        from weasyprint.urls import FatalURLFetchingError

        from reports.fetcher import SafeURLFetcher

        fetcher = SafeURLFetcher(job["static_dirs"])
        try:
            document = HTML(string=job["html"], base_url=job["base_url"],
                            url_fetcher=fetcher).render()
            pdf = document.write_pdf()
        except FatalURLFetchingError as exc:
            cause = exc.__cause__
            if isinstance(cause, URLRefusedError):
                return {"ok": False, "kind": "refused", "message": str(cause)}, b""
            return {"ok": False, "kind": "failed", "message": f"{exc}: {cause}"}, b""
        if log.memory_failure:
            raise MemoryError
        header = {"ok": True, "pages": len(document.pages), "warnings": log.messages,
                  "seconds": time.perf_counter() - started, "peak_rss_mb": _peak_rss_mb()}
        return header, pdf
    except MemoryError:
        return {"ok": False, "kind": "memory", "message": "the renderer ran out of memory "
                f"(limit {job['memory_mb']} MB)"}, b""
    except RecursionError:
        return {"ok": False, "kind": "input",
                "message": "the document is nested too deeply to render"}, b""
    except Exception as exc:  # anything else from WeasyPrint: pass it on, do not hide it
        if _caused_by_memory(exc):
            return {"ok": False, "kind": "memory", "message": "the renderer ran out of "
                    f"memory (limit {job['memory_mb']} MB): {exc}"}, b""
        return {"ok": False, "kind": "failed", "message": f"{type(exc).__name__}: {exc}"}, b""
    finally:
        logger.removeHandler(log)
        logger.setLevel(level)


def _result(header: dict, pdf: bytes) -> PdfResult:
    if not header.get("ok"):
        error = ERRORS.get(header.get("kind"), RenderFailedError)
        raise error(header.get("message", "rendering failed"))
    return PdfResult(pdf=pdf, pages=int(header["pages"]), seconds=float(header["seconds"]),
                     peak_rss_mb=float(header["peak_rss_mb"]),
                     warnings=[str(w) for w in header.get("warnings", [])])


def death_header(status: int, job: dict) -> dict:
    """The error header for a render child that ended with ``status`` without replying."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU:
            return {"ok": False, "kind": "timeout",
                    "message": f"rendering used more than {job['timeout_s']:g} s of CPU"}
        if sig in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS,
                   signal.SIGTRAP):
            # native code in the text stack aborts when an allocation fails under RLIMIT_AS
            return {"ok": False, "kind": "memory",
                    "message": f"the renderer was stopped by signal {sig}, most likely by "
                               f"the {job['memory_mb']} MB memory limit"}
        return {"ok": False, "kind": "failed", "message": f"the renderer died of signal {sig}"}
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
    return {"ok": False, "kind": "failed",
            "message": f"the renderer exited with code {code} without a result"}


# --- framing: 8-byte big-endian length, then the payload ------------------------------------


def write_frame(fd: int, payload: bytes) -> None:
    """Write one length-prefixed frame to file descriptor ``fd``."""
    data = memoryview(struct.pack(">Q", len(payload)) + payload)
    while data:
        written = os.write(fd, data)
        data = data[written:]


class FrameReader:
    """Reads length-prefixed frames from a file descriptor, with a deadline."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()

    def _fill(self, n: int, deadline: float) -> bool:
        while len(self.buffer) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.fd], [], [], min(remaining, 3600.0))
            if not ready:
                continue
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                return False
            self.buffer += chunk
        return True

    def read(self, deadline: float) -> bytes | None:
        """The next frame, ``None`` at end of file; ``TimeoutError`` after ``deadline``."""
        if not self._fill(8, deadline):
            return None
        (size,) = struct.unpack(">Q", self.buffer[:8])
        if not self._fill(8 + size, deadline):
            return None
        frame = bytes(self.buffer[8:8 + size])
        del self.buffer[:8 + size]
        return frame


def read_reply(reader: FrameReader, deadline: float) -> tuple[dict, bytes] | None:
    """A header frame and a PDF frame, or ``None`` if the stream ended first."""
    head = reader.read(deadline)
    if head is None:
        return None
    pdf = reader.read(deadline)
    if pdf is None:
        return None
    return json.loads(head.decode("utf-8")), pdf


# --- the helper process -------------------------------------------------------------------


def _child_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "reports._pdf_child", *args]


def _child_env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parent.parent)
    paths = [root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(paths))


class _Server:
    """One helper process; used by one render at a time."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter and module, no shell  # nosec B603
            _child_command("--serve"), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env=_child_env(), start_new_session=True)
        self.reader = FrameReader(self.process.stdout.fileno())

    def alive(self) -> bool:
        return self.process.poll() is None

    def request(self, job: dict) -> tuple[dict, bytes]:
        try:
            write_frame(self.process.stdin.fileno(), json.dumps(job).encode("utf-8"))
        except OSError as exc:
            raise RenderFailedError(f"the PDF helper process is not accepting work: {exc}") \
                from None
        # the helper enforces the render timeout itself; the grace covers its start-up
        deadline = time.monotonic() + job["timeout_s"] + GRACE_S
        try:
            reply = read_reply(self.reader, deadline)
        except TimeoutError:
            raise RenderTimeoutError(
                f"rendering took longer than {job['timeout_s']:g} s") from None
        if reply is None:
            raise RenderFailedError(f"the PDF helper process exited "
                                    f"(code {self.process.wait(5)})")
        return reply

    def close(self) -> None:
        if self.alive():
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            pass


_idle: list[_Server] = []
_idle_lock = threading.Lock()
_idle_pid = os.getpid()


def _acquire_server() -> _Server:
    global _idle_pid
    with _idle_lock:
        if _idle_pid != os.getpid():  # we were forked: those pipes belong to the parent
            _idle.clear()
            _idle_pid = os.getpid()
        while _idle:
            server = _idle.pop()
            if server.alive():
                return server
    return _Server()


def _release_server(server: _Server) -> None:
    with _idle_lock:
        if server.alive() and len(_idle) < MAX_IDLE_SERVERS and _idle_pid == os.getpid():
            _idle.append(server)
            return
    server.close()


def shutdown_servers() -> None:
    """Stop the idle helper processes (they also stop when this process exits)."""
    with _idle_lock:
        servers = list(_idle) if _idle_pid == os.getpid() else []
        _idle.clear()
    for server in servers:
        server.close()


atexit.register(shutdown_servers)


def _run_subprocess(job: dict) -> PdfResult:
    process = subprocess.Popen(  # noqa: S603 - our interpreter and module, no shell  # nosec B603
        _child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_child_env(),
        start_new_session=True)
    try:
        write_frame(process.stdin.fileno(), json.dumps(job).encode("utf-8"))
        process.stdin.close()
        reader = FrameReader(process.stdout.fileno())
        try:
            reply = read_reply(reader, time.monotonic() + job["timeout_s"])
        except TimeoutError:
            raise RenderTimeoutError(
                f"rendering took longer than {job['timeout_s']:g} s") from None
        if reply is None:
            process.wait(5)
            status = process.returncode
            raw = (-status & 0x7F) if status < 0 else (status << 8)  # as os.waitpid reports it
            reply = death_header(raw, job), b""
        return _result(*reply)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.stdout.close()
        process.wait(5)
