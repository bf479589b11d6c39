"""Report rendering: a large synthetic context through charts, HTML and the sandboxed PDF
renderer, against WeasyPrint rendering the same finished HTML alone, in the same run.

The context has 2 years of daily metrics, 10 themes with quotes and word clouds, 5 surveys,
the suggestion box, interviews and a previous report to follow up. Timings are medians of
``REPEATS`` runs, alternating product and baseline so that background load hits both alike.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from datetime import date, timedelta

from bench._report import md_table, write_section

REPEATS = 3
CHART_REPEATS = 20


def _median_time(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _inputs():
    from reports.assemble import build_context
    from reports.sample import month_before, sample_inputs

    kwargs = sample_inputs(history_days=730, n_themes=10, n_surveys=5, wordclouds=True)
    earlier = dict(kwargs, period=kwargs["previous_period"],
                   previous_period=month_before(kwargs["previous_period"]),
                   generated_at=kwargs["generated_at"] - timedelta(days=31))
    kwargs["previous"] = build_context(**earlier)
    return kwargs


def _chart_timings() -> list[list[object]]:
    from reports import charts
    from reports.charts import Marker, Series

    days = [date(2024, 11, 1) + timedelta(days=i) for i in range(730)]
    daily = [float(2000 + (i % 7) * 40 + i) for i in range(730)]
    names = [f"主题{i}：积分兑换与签到" for i in range(10)]
    cases = {
        "line, 2 series × 730 days, 4 markers": lambda: charts.line_chart(
            days, [Series("日活跃成员", daily), Series("互动", [v * 0.8 for v in daily])],
            title="长期趋势", markers=[Marker(days[i], "改进上线") for i in (100, 300, 500, 700)]),
        "grouped horizontal bar, 10 × 2": lambda: charts.bar_chart(
            names, [Series("本期", list(range(10))), Series("上期", list(range(10, 0, -1)))],
            title="反馈量", horizontal=True),
        "stacked 100% bar, 10 × 3": lambda: charts.stacked_percent_chart(
            names, [Series(p, [3, 5, 7, 1, 2, 8, 4, 6, 9, 2]) for p in ("负面", "中性", "正面")],
            title="情感构成"),
        "sparkline, 12 points": lambda: charts.sparkline(daily[:12], title="趋势"),
        "NPS breakdown with 0–10 bars": lambda: charts.nps_chart(
            180, 120, 100, title="NPS", distribution=list(range(11))),
        "histogram, 5,000 values": lambda: charts.histogram(
            [((i * 7919) % 1000) / 10 for i in range(5000)], title="首次回复时长"),
    }
    rows = []
    for name, fn in cases.items():
        fn()
        seconds, svg = _median_time(fn, CHART_REPEATS)
        rows.append([name, f"{seconds * 1000:.2f}", f"{len(str(svg)) / 1024:.1f}"])
    return rows


def main() -> None:
    """Measure and write the results into docs/benchmarks.md."""
    from weasyprint import HTML

    from reports.assemble import build_context
    from reports.fetcher import SafeURLFetcher
    from reports.html import render_html
    from reports.paths import STATIC_DIR
    from reports.pdf import render_pdf

    load_before = os.getloadavg()[0]
    kwargs = _inputs()
    assemble_s, context = _median_time(lambda: build_context(**kwargs), REPEATS)
    html = render_html(context)

    def product():
        # the measured path: context → charts → HTML → PDF in the sandboxed helper
        page = render_html(context)
        return render_pdf(page)

    def weasyprint_alone():
        fetcher = SafeURLFetcher([STATIC_DIR])
        document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/",
                        url_fetcher=fetcher).render()
        return document.write_pdf(), len(document.pages)

    cold_started = time.perf_counter()
    render_pdf("<p>回声</p>")  # starts the helper process, as a worker's first report would
    cold_s = time.perf_counter() - cold_started
    HTML(string="<p style=\"font-family:'Noto Sans CJK SC'\">回声</p>").render()  # warm fonts

    product_times, baseline_times, result, baseline = [], [], None, None
    html_times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        render_html(context)
        html_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = product()
        product_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        baseline = weasyprint_alone()
        baseline_times.append(time.perf_counter() - started)
    product_s, baseline_s = statistics.median(product_times), statistics.median(baseline_times)
    html_s = statistics.median(html_times)
    own_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    charts = _chart_timings()

    rows = [
        ["(a) context → charts → HTML → PDF (sandboxed helper)", f"{product_s:.2f}"],
        ["(a) of which: charts + HTML", f"{html_s:.2f}"],
        ["(b) WeasyPrint alone on the same finished HTML, in process", f"{baseline_s:.2f}"],
        ["ratio (a) / (b)", f"{product_s / baseline_s:.2f}×"],
        ["analysis: raw inputs → context (correlations, bootstrap, findings)",
         f"{assemble_s:.2f}"],
        ["analysis + (a)", f"{assemble_s + product_s:.2f}"],
        ["first render in a fresh worker (starts the helper process)", f"{cold_s:.2f}"],
    ]
    body = "\n\n".join([
        "Context: 730 days of 9 daily metrics, 10 themes with 3 quotes and a word cloud PNG "
        "each, 5 surveys, suggestions, 3 interviews and a previous report to follow up. "
        f"Median of {REPEATS} runs; product and baseline alternate. Load average at the "
        f"start {load_before:.1f}, at the end {os.getloadavg()[0]:.1f} (on a shared machine "
        "both sides slow down alike, so the ratio is the steadier figure).",
        md_table(["step", "seconds"], rows),
        md_table(["output", "value"], [
            ["pages", result.pages],
            ["PDF size", f"{len(result.pdf) / 1024:.0f} KB (baseline {len(baseline[0]) / 1024:.0f}"
                         " KB)"],
            ["HTML size", f"{len(html.encode('utf-8')) / 1024:.0f} KB"],
            ["peak RSS of the render child", f"{result.peak_rss_mb:.0f} MB"],
            ["peak RSS of the benchmark process (includes the in-process baseline)",
             f"{own_peak_mb:.0f} MB"],
        ]),
        "Each chart kind, median of 20 renders:",
        md_table(["chart", "ms", "SVG KB"], charts),
    ])
    path = write_section("report_render", "Report rendering (reports/)", body)
    print(body)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
