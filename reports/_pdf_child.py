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


WARM_UP_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30" viewBox="0 0 120 30" '
    'font-family="\'Noto Sans CJK SC\', sans-serif"><text x="2" y="20" font-size="10">'
    '回声 1,234 −5%</text><text x="60" y="20" font-size="10" font-weight="bold">图表</text>'
    "</svg>")
#: A 1×1 PNG, so that Pillow loads its image plugins before children are forked.
WARM_UP_PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAA"
               "AElFTkSuQmCC")


def _warm_up() -> None:
    """Render a small page in the report's own style once, so that fontconfig, every font
    face the report uses and the text stack are loaded before children are forked."""
    import base64

    from weasyprint import HTML

    from reports.paths import TEMPLATES_DIR

    css = (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
    svg = base64.b64encode(WARM_UP_SVG.encode("utf-8")).decode("ascii")
    HTML(string=(
        f'<html lang="zh-CN"><head><style>{css}</style></head><body>'
        '<h2 class="section-title" data-title="摘要">1 执行摘要</h2><h3>关键发现</h3>'
        "<p>「积分兑换」相关反馈较上期增长 42%，<strong>负面占 61%</strong>。</p>"
        '<table class="data"><tr><th>指标</th><th class="num">本期</th></tr>'
        '<tr><td>日活跃成员</td><td class="num">2,626</td></tr></table>'
        f'<img class="chart" src="data:image/svg+xml;base64,{svg}" alt="">'
        f'<img src="data:image/png;base64,{WARM_UP_PNG}" alt="">'
        "</body></html>")).render().write_pdf()


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
