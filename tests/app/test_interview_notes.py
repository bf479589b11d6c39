"""Interview notes: Markdown rendered safely (XSS payloads stay text), split into paragraphs,
with highlights marked, and selected passages found in the source text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from app.services.interviews.notes import (
    MarkSpan,
    clean_notes,
    guide_template,
    locate,
    parse_notes,
    render_markdown,
    render_notes,
    sanitize_html,
)

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    "[点我](&#106;avascript:alert(1))",
    "[点我](vbscript:msgbox(1))",
    "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<svg onload=alert(1)><use href=\"data:image/svg+xml,<svg id='x' onload='alert(1)'/>\"/></svg>",
    "![x](x\" onerror=\"alert(1))",
    "<a href=\"javascript:alert(1)\">链接</a>",
    "<style>body{display:none}</style>",
    "<div style=\"background:url(javascript:alert(1))\">样式</div>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "```html\n<script>alert(1)</script>\n```",
    "<details open ontoggle=alert(1)>",
    "<form action=\"https://evil.example\"><input name=x></form>",
]


def _all_html(source: str) -> str:
    return "".join(str(b.html) for b in render_notes(source))


class TagCollector(HTMLParser):
    """The elements and attributes that a browser would build from some HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)


SAFE_TAGS = {"p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol",
             "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "a", "table", "thead", "tbody",
             "tr", "th", "td", "mark"}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_and_xss_payloads_never_become_active_html(payload):
    html = _all_html(f"受访者说：\n\n{payload}\n\n后面的话")
    parsed = TagCollector()
    parsed.feed(html)
    for tag, attrs in parsed.elements:
        assert tag in SAFE_TAGS, f"{tag} survived"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler {name} survived"
            assert name not in ("style", "src", "srcdoc", "action", "formaction")
            if name == "href":
                assert urlsplit(value.strip()).scheme.lower() in ("http", "https", "mailto", "")
    assert "后面的话" in "".join(parsed.text), "the rest of the notes still renders"


def test_markdown_formatting_survives_sanitising():
    html = _all_html("## 问题一\n\n**很重要**的*一点*，见[官网](https://example.com)\n\n"
                     "- 第一\n- 第二\n\n> 原话引用\n\n| 项目 | 评分 |\n|---|---|\n| 直播 | 3 |")
    for tag in ("<h2>", "<strong>很重要</strong>", "<em>一点</em>", "<li>第一</li>",
                "<blockquote>", "<table>", "<td>直播</td>"):
        assert tag in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">官网</a>' in html


def test_the_sanitiser_itself_drops_what_is_not_allow_listed():
    dirty = ('<p onclick="x()">文字<script>bad()</script><a href="javascript:x()">a</a>'
             '<mark id="h-1" onmouseover="x()">m</mark></p>')
    clean = sanitize_html(dirty)
    assert "onclick" not in clean and "<script" not in clean and "javascript" not in clean
    assert "onmouseover" not in clean and '<mark id="h-1">m</mark>' in clean


def test_render_markdown_for_short_texts_is_sanitised_too():
    html = str(render_markdown("**提纲说明** <script>alert(1)</script>"))
    assert "<strong>提纲说明</strong>" in html and "<script" not in html


def test_notes_are_split_into_top_level_paragraphs_with_their_question():
    notes = ("## 你怎么加入社群的？\n\n朋友推荐的，\n第一周就交了作业。\n\n"
             "- 喜欢作业点评\n- 不喜欢广告\n\n## 有什么建议？\n\n希望有直播回放")
    blocks = parse_notes(notes)
    assert [b.kind for b in blocks] == ["heading", "paragraph", "bullet_list", "heading",
                                        "paragraph"]
    assert [b.index for b in blocks] == [0, 1, 2, 3, 4]
    assert blocks[1].source == "朋友推荐的，\n第一周就交了作业。"
    assert blocks[1].plain == "朋友推荐的，\n第一周就交了作业。"
    assert blocks[2].plain == "喜欢作业点评\n不喜欢广告"
    assert blocks[1].heading == "你怎么加入社群的？" and blocks[4].heading == "有什么建议？"
    assert [b.is_text for b in blocks] == [False, True, True, False, True]
    rendered = render_notes(notes)
    assert [b.block.anchor for b in rendered] == ["p-0", "p-1", "p-2", "p-3", "p-4"]


@pytest.mark.parametrize("source, quote, expected", [
    ("广告太多了，正经讨论都被淹没了", "正经讨论", "正经讨论"),
    ("第一段**很重要**的话", "很重要的话", "很重要**的话"),
    ("看[官网](https://a.example/x_y)上的说明", "官网上的", "官网](https://a.example/x_y)上的"),
    ("- 喜欢作业点评\n- 不喜欢广告", "作业点评 不喜欢", "作业点评\n- 不喜欢"),
    ("> 原话：直播太卡", "原话：直播太卡", "原话：直播太卡"),
    ("snake_case 的 *变量*", "snake_case 的 变量", "snake_case 的 *变量"),
])
def test_a_selected_passage_is_found_in_the_source(source, quote, expected):
    span = locate(source, quote)
    assert span is not None
    assert source[span[0]:span[1]] == expected


def test_the_occurrence_nearest_to_the_hint_wins_and_missing_text_is_none():
    source = "卡顿，卡顿，还是卡顿"
    assert locate(source, "卡顿", hint=7) == (8, 10)
    assert locate(source, "卡顿", hint=0) == (0, 2)
    assert locate(source, "广告") is None
    assert locate(source, "   ") is None


def test_highlights_are_marked_with_an_anchor_even_across_formatting():
    notes = "开头\n\n第一段**很重要**的话，还有[链接](https://a.example)真不错"
    block = parse_notes(notes)[1]
    start, end = locate(block.source, "很重要的话，还有链接真")
    html = str(render_notes(notes, [MarkSpan(42, 1, start, end)])[1].html)
    assert html.count('id="h-42"') == 1
    assert re.sub(r"<[^>]+>", "", html).strip() == "第一段很重要的话，还有链接真不错"
    marked = "".join(re.findall(r'<mark class="hl"[^>]*>([^<]*)</mark>', html))
    assert marked == "很重要的话，还有链接真"
    assert html.count("<mark") == html.count("</mark>")


def test_marker_characters_typed_into_notes_are_removed():
    sneaky = "正常\U000F0000文字\U000F8000"
    assert clean_notes(sneaky) == "正常文字"
    assert "<mark" not in "".join(str(b.html) for b in render_notes(sneaky))


def test_a_guide_becomes_a_section_per_question():
    notes = guide_template(["你怎么加入社群的？", "  有什么建议？ "])
    blocks = parse_notes(notes)
    assert [(b.kind, b.plain) for b in blocks] == [("heading", "你怎么加入社群的？"),
                                                   ("heading", "有什么建议？")]
