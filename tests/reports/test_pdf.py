"""The rendered PDF: Chinese section titles and numbers, a table of contents with page
numbers, running headers, embedded CJK fonts; the sandbox refuses foreign URLs and stops
hostile documents with specific errors."""

import base64
import re
import struct
import zlib

import pytest

from reports.errors import (
    RenderInputError,
    RenderMemoryError,
    RenderTimeoutError,
    URLRefusedError,
)
from reports.formatting import fmt_float, fmt_int, fmt_score
from reports.pdf import RenderLimits, render_pdf
from reports.sections import select_sections

from .conftest import HOSTILE_COMMUNITY, HOSTILE_QUOTE, HOSTILE_THEME

TITLES = ["执行摘要", "社群指标", "问卷结果", "热点主题", "意见箱处理", "访谈要点", "改进建议",
          "上期建议跟进", "方法与说明"]


def _flat(text: str) -> str:
    """Page text without the line breaks and spaces that layout inserts."""
    return re.sub(r"\s+", "", text)


def test_pdf_contains_every_section_title_and_key_numbers(hostile_ctx, pdf_text):
    flat = _flat(pdf_text)
    for title in TITLES:
        if title == "上期建议跟进":
            continue  # the hostile context has no previous report
        assert title in pdf_text
    m = hostile_ctx.metrics
    assert fmt_int(m.summary("total_members").value) in pdf_text
    assert fmt_int(m.summary("new_members").value) in pdf_text
    assert f"NPS为{fmt_score(hostile_ctx.surveys.nps.score)}" in flat
    top = hostile_ctx.recommendations.items[0]
    assert f"优先级{fmt_float(top.priority.score)}" in flat
    assert "优先级=100×V×N×G" in flat
    assert _flat(hostile_ctx.summary.findings[0].text)[:30] in flat
    assert "Bonferroni" in pdf_text and "有效样本量" in pdf_text  # the method and its caveats


def test_user_strings_appear_as_literal_text(pdf_text):
    assert HOSTILE_THEME in pdf_text
    assert HOSTILE_COMMUNITY in pdf_text
    assert "onerror" in _flat(pdf_text) and _flat(HOSTILE_QUOTE)[:8] in _flat(pdf_text)


def test_page_count_matches_the_file(hostile_pdf, poppler, pdf_file):
    info = poppler("pdfinfo", str(pdf_file))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages == hostile_pdf.pages
    assert 10 <= pages <= 40
    assert re.search(r"^Title:\s+社群改进报告", info, re.M)


def test_table_of_contents_lists_the_right_page_numbers(hostile_ctx, pdf_pages_text):
    toc = pdf_pages_text[1]
    assert "目录" in toc
    sections = select_sections(hostile_ctx)
    for section in sections:
        match = re.search(rf"{section.title}[\s·.]*?(\d+)\s*$", toc, re.M)
        assert match, f"{section.title} has no page number in the table of contents"
        page = int(match.group(1))
        heading = pdf_pages_text[page - 1]
        assert re.search(rf"^\s*\d+\s+{section.title}\s*$", heading, re.M), (section.title, page)


def test_pages_have_running_headers_and_numbers(hostile_pdf, pdf_pages_text):
    total = hostile_pdf.pages
    summary_page = pdf_pages_text[2]
    assert HOSTILE_COMMUNITY in summary_page
    assert "执行摘要" in summary_page
    assert f"第 3 页 / 共 {total} 页" in summary_page
    assert "第 1 页" not in pdf_pages_text[0]  # the cover has no header or footer


def test_cjk_fonts_are_embedded_as_subsets_and_the_file_stays_small(hostile_pdf, poppler,
                                                                      pdf_file):
    fonts = poppler("pdffonts", str(pdf_file))
    assert re.search(r"\+Noto-?Sans-?CJK-?SC", fonts.replace(" ", "-"))
    lines = [ln for ln in fonts.splitlines()[2:] if ln.strip()]
    assert all(" yes yes " in ln for ln in lines), fonts  # embedded and subset
    assert len(hostile_pdf.pdf) < 2_500_000
    assert len(hostile_pdf.pdf) / hostile_pdf.pages < 150_000


def test_word_clouds_pass_through_as_images(hostile_ctx, hostile_pdf):
    clouds = sum(1 for t in hostile_ctx.themes.themes if t.wordcloud_png)
    assert hostile_pdf.pdf.count(b"/Subtype /Image") >= clouds > 0


# --- the sandbox ---------------------------------------------------------------------------


@pytest.mark.parametrize("html", [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://127.0.0.1:9/steal.css">',
    '<p style="background: url(http://localhost/x.png)">x</p>',
    '<img src="http://example.com/pixel.png">',
])
def test_rendering_stops_at_a_foreign_resource(html):
    with pytest.raises(URLRefusedError, match="refused"):
        render_pdf(f"<html><body><p>报告</p>{html}</body></html>")


def test_relative_urls_resolve_inside_the_static_dir_only():
    ok = render_pdf('<html><body><img src="logo.svg" alt=""></body></html>')
    assert ok.pages == 1
    with pytest.raises(URLRefusedError):
        render_pdf('<html><body><img src="../../../../etc/passwd"></body></html>')


def test_deeply_nested_markup_is_refused_before_rendering():
    with pytest.raises(RenderInputError, match="deep"):
        render_pdf("<div>" * 50_000 + "深" + "</div>" * 50_000)


def test_oversized_documents_are_refused_before_rendering():
    with pytest.raises(RenderInputError, match="limit"):
        render_pdf("<p>" + "字" * 2_000_000 + "</p>", limits=RenderLimits(max_html_bytes=5_000_000))


def test_an_enormous_table_hits_the_time_limit():
    table = "<table>" + "<tr><td>成员</td><td>反馈</td></tr>" * 60_000 + "</table>"
    with pytest.raises(RenderTimeoutError):
        render_pdf(table, limits=RenderLimits(timeout_s=2))


def _png_bomb(side: int) -> bytes:
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    compressor = zlib.compressobj(1)
    rows = (b"\0" * (1 + 3 * side)) * 100
    body = b"".join(compressor.compress(rows) for _ in range(side // 100)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND",
                                                                                     b"")


def test_an_image_that_decompresses_to_hundreds_of_megabytes_hits_the_memory_limit():
    bomb = base64.b64encode(_png_bomb(8000)).decode("ascii")  # under 1 MB, 192 MB decoded
    html = f'<img style="width:10cm" src="data:image/png;base64,{bomb}">'
    with pytest.raises(RenderMemoryError):
        render_pdf(html, limits=RenderLimits(memory_mb=400, timeout_s=60))


def test_resources_weasyprint_skips_are_reported_as_warnings():
    result = render_pdf('<p>图</p><img src="data:image/png;base64,iVBORw0KGgoAAAA=">')
    assert result.pages == 1
    assert any("Failed to load image" in w for w in result.warnings)
    assert render_pdf("<p>干净</p>").warnings == []


def test_the_renderer_recovers_after_failures():
    with pytest.raises(RenderTimeoutError):
        render_pdf("<table>" + "<tr><td>x</td></tr>" * 50_000 + "</table>",
                   limits=RenderLimits(timeout_s=1))
    assert render_pdf("<p>恢复正常</p>").pages == 1


def test_a_fresh_interpreter_per_render_works_and_is_sandboxed_the_same_way():
    limits = RenderLimits(isolation="subprocess", timeout_s=60)
    assert render_pdf("<p>独立进程</p>", limits=limits).pages == 1
    with pytest.raises(URLRefusedError):
        render_pdf('<img src="http://127.0.0.1/">', limits=limits)


def test_unknown_isolation_is_rejected():
    with pytest.raises(ValueError, match="isolation"):
        render_pdf("<p>x</p>", limits=RenderLimits(isolation="thread"))
