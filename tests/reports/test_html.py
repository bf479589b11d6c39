"""The report HTML: every user string escaped, images checked, and the typography hooks the
PDF relies on (cover, table of contents, running headers, screen styles)."""

import base64
import re
import struct
import zlib
from html.parser import HTMLParser

from reports.html import png_data_uri, render_html

from .conftest import HOSTILE_THEME


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names, self.attributes, self.text = set(), set(), ""

    def handle_starttag(self, tag, attrs):
        self.names.add(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_data(self, data):
        self.text += data


def _png(width, height):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = zlib.compress(b"\0" * (1 + 3 * width) * height)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def test_user_strings_are_escaped_everywhere(hostile_html):
    assert HOSTILE_THEME not in hostile_html
    assert "<b>上海</b>" not in hostile_html
    assert 'onerror="alert(2)"' not in hostile_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_html
    assert "晨跑俱乐部 &amp; &lt;b&gt;上海&lt;/b&gt;" in hostile_html
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in hostile_html
    # parsed as HTML: no script element and no event-handler attribute anywhere
    tags = _Tags()
    tags.feed(hostile_html)
    assert "script" not in tags.names
    assert not [a for a in tags.attributes if a.startswith("on")]
    assert "<script>alert(1)</script>" in tags.text  # it is there, as text


def test_charts_inside_the_html_escape_user_strings_too(hostile_html):
    for data in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', hostile_html):
        svg = base64.b64decode(data).decode("utf-8")
        assert "<script>" not in svg


def test_png_images_are_checked_before_they_reach_the_renderer():
    assert png_data_uri(_png(4, 3)).startswith("data:image/png;base64,")
    assert png_data_uri(b"GIF89a....") is None
    assert png_data_uri(b"<svg onload=alert(1)>") is None
    assert png_data_uri(_png(5000, 1)) is None  # implausibly large: a decompression bomb
    assert png_data_uri(None) is None


def test_the_document_has_a_cover_a_toc_and_running_header_hooks(sample_html, sample_ctx):
    assert sample_html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in sample_html
    assert 'class="cover"' in sample_html
    toc = re.findall(r'<a href="#(sec-[a-z]+)">', sample_html)
    assert toc == [f"sec-{k}" for k in ("summary", "metrics", "surveys", "themes", "suggestions",
                                        "interviews", "recommendations", "followup", "methods")]
    for anchor in toc:
        assert f'id="{anchor}"' in sample_html
    assert "target-counter(attr(href), page)" in sample_html
    assert "string-set: section attr(data-title)" in sample_html
    assert "counter(pages)" in sample_html
    assert "@media screen" in sample_html
    assert '"Noto Sans CJK SC"' in sample_html
    assert sample_ctx.community_name in sample_html


def test_long_user_strings_are_cut_so_they_cannot_break_the_layout(sample_ctx):
    from dataclasses import replace
    themes = sample_ctx.themes
    long_theme = replace(themes.themes[0], name="长" * 5000)
    ctx = replace(sample_ctx, themes=replace(themes, themes=[long_theme, *themes.themes[1:]]))
    html = render_html(ctx, ["themes"])
    assert "长" * 60 not in html
    assert "长" * 59 + "…" in html


def test_a_minimal_context_renders(sample_ctx):
    from dataclasses import replace
    bare = replace(sample_ctx, metrics=None, surveys=None, themes=None, suggestions=None,
                   interviews=[], recommendations=None, follow_up=None)
    html = render_html(bare)
    assert 'id="sec-summary"' in html and 'id="sec-methods"' in html


def test_the_web_preview_can_point_assets_at_its_own_url(sample_ctx):
    html = render_html(sample_ctx, ["summary"], asset_base_url="/reports/static/")
    assert 'src="/reports/static/logo.svg"' in html
    assert "file://" not in html
