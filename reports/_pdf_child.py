"""The PDF render helper, run as ``python -m reports._pdf_child``.

Without arguments it renders one job: a framed JSON job on stdin, a framed JSON header and a
framed PDF on stdout. With ``--serve`` it imports WeasyPrint, warms up the fonts, then for
every job read from stdin forks a child that applies the limits and renders, enforces the
wall-clock timeout on that child, and writes the reply to stdout.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

from reports.pdf import FrameReader, death_header, read_reply, render_job, write_frame

FOREVER = float("inf")


def _warm_up() -> None:
    """Load fontconfig and the CJK fonts once, so that forked children start warm."""
    from weasyprint import HTML

    HTML(string='<p style="font-family:\'Noto Sans CJK SC\'">回声 Huisheng 2026</p>').render()


def _forked_render(job: dict) -> tuple[dict, bytes]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render under limits, reply through the pipe, never return
        status = 0
        try:
            os.close(read_end)
            header, pdf = render_job(job)
            write_frame(write_end, json.dumps(header).encode("utf-8"))
            write_frame(write_end, pdf)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    reader = FrameReader(read_end)
    try:
        reply = read_reply(reader, time.monotonic() + job["timeout_s"])
    except TimeoutError:
        os.kill(pid, signal.SIGKILL)
        reply = ({"ok": False, "kind": "timeout",
                  "message": f"rendering took longer than {job['timeout_s']:g} s"}, b"")
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    return reply if reply is not None else (death_header(status, job), b"")


def serve() -> int:
    """Render jobs from stdin until it closes."""
    _warm_up()
    reader = FrameReader(sys.stdin.fileno())
    while True:
        frame = reader.read(FOREVER)
        if frame is None:
            return 0
        header, pdf = _forked_render(json.loads(frame.decode("utf-8")))
        write_frame(sys.stdout.fileno(), json.dumps(header).encode("utf-8"))
        write_frame(sys.stdout.fileno(), pdf)


def render_once() -> int:
    """Render the single job on stdin."""
    frame = FrameReader(sys.stdin.fileno()).read(FOREVER)
    if frame is None:
        return 1
    header, pdf = render_job(json.loads(frame.decode("utf-8")))
    write_frame(sys.stdout.fileno(), json.dumps(header).encode("utf-8"))
    write_frame(sys.stdout.fileno(), pdf)
    return 0


if __name__ == "__main__":
    sys.exit(serve() if sys.argv[1:] == ["--serve"] else render_once())
