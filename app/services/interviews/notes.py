"""Interview notes in Markdown: splitting them into paragraphs (top-level blocks), rendering
them safely with highlight marks, and finding a selected passage in the source text.

Rendering uses markdown-it-py with raw HTML turned off, and every rendered block then goes
through nh3's allow-list sanitiser, so neither the Markdown nor anything typed into it can
bring scripts, event handlers, frames or ``javascript:`` links into the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import nh3
from markupsafe import Markup

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Only what Markdown produces, plus our own highlight marks.
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "a", "table", "thead", "tbody", "tr", "th", "td",
    "mark",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "mark": {"id", "class", "data-h"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# No style attributes at all: the page's CSP refuses inline styles (table alignment is lost).

# Highlight boundaries are marked in the source with private-use characters before rendering,
# then turned into <mark> elements. Notes can never contain them (they are stripped on save).
_START_BASE = 0xF0000
_END_BASE = 0xF8000
_MARKER_RE = re.compile("[\U000F0000-\U000FFFFD]")

# Block kinds whose text is the interviewee's words (headings are the guide's questions).
TEXT_KINDS = {"paragraph", "bullet_list", "ordered_list", "blockquote", "table"}
MAX_NOTES = 100_000


@cache
def _markdown() -> MarkdownIt:
    """The one Markdown parser (imported on first use: a worker that never renders notes
    does not load it)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    return md



def strip_markers(text: str) -> str:
    """Remove the private-use characters that mark highlights (never valid in notes)."""
    return _MARKER_RE.sub("", text or "")


def clean_notes(text: str | None) -> str:
    """Notes as stored: normalised line endings, no marker characters, no trailing spaces."""
    text = strip_markers((text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return text.strip("\n")


@dataclass
class NoteBlock:
    """One paragraph of the notes: a top-level Markdown block."""

    index: int
    kind: str
    source: str  # the block's Markdown, offsets of highlights refer to this text
    plain: str  # the text a reader sees
    start_line: int
    end_line: int
    heading: str | None = None  # the nearest heading above (the guide question)
    tokens: list = field(default_factory=list, repr=False)

    @property
    def is_text(self) -> bool:
        """Whether this block is interview content (and so a feedback item)."""
        return self.kind in TEXT_KINDS and bool(self.plain.strip())

    @property
    def anchor(self) -> str:
        """The fragment id of the block in the rendered notes."""
        return f"p-{self.index}"


def _plain_of(tokens) -> str:
    parts: list[str] = []
    for tok in tokens:
        if tok.type == "inline":
            text = []
            for child in tok.children or []:
                if child.type in ("text", "code_inline"):
                    text.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    text.append("\n")
                elif child.type == "image":
                    text.append(child.content)
            parts.append("".join(text))
        elif tok.type in ("fence", "code_block"):
            parts.append(tok.content.rstrip("\n"))
    return "\n".join(p for p in parts if p)


def _line_starts(source: str) -> list[int]:
    starts = [0]
    for match in re.finditer("\n", source):
        starts.append(match.end())
    return starts


def parse_notes(source: str) -> list[NoteBlock]:
    """Split notes into top-level blocks with their source text and plain text."""
    source = source or ""
    tokens = _markdown().parse(source)
    lines = source.split("\n")
    blocks: list[NoteBlock] = []
    heading: str | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        j = i
        if tok.nesting == 1:
            depth = 0
            while j < len(tokens):
                depth += tokens[j].nesting
                if depth == 0:
                    break
                j += 1
        group = tokens[i:j + 1]
        kind = tok.type[:-5] if tok.type.endswith("_open") else tok.type
        start, end = tok.map or (0, 0)
        block_source = "\n".join(lines[start:end]).rstrip("\n ")
        plain = _plain_of(group)
        if kind == "heading":
            heading = plain.strip() or None
        blocks.append(NoteBlock(
            index=len(blocks), kind=kind, source=block_source, plain=plain,
            start_line=start, end_line=end, heading=heading if kind != "heading" else None,
            tokens=group,
        ))
        i = j + 1
    return blocks


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(source: str) -> Markup:
    """Render any Markdown text safely (for short texts such as guide descriptions)."""
    # markdown-it renders no raw HTML, and sanitize_html keeps only allow-listed tags
    return Markup(sanitize_html(_markdown().render(strip_markers(source or ""))))  # noqa: S704  # nosec B704


@dataclass
class MarkSpan:
    """A highlight to mark: its id and its source offsets inside one block."""

    highlight_id: int
    paragraph_index: int
    start: int
    end: int


@dataclass
class RenderedBlock:
    """A block of rendered notes, ready to place in the page."""

    block: NoteBlock
    html: Markup


def render_notes(source: str, marks: list[MarkSpan] | None = None) -> list[RenderedBlock]:
    """Render notes block by block, with ``<mark>`` around each highlight's passage."""
    source = clean_notes(source)
    blocks = parse_notes(source)
    marks = [m for m in (marks or []) if 0 <= m.paragraph_index < len(blocks)]
    groups = [b.tokens for b in blocks]
    if marks:
        marked = parse_notes(_insert_markers(source, blocks, marks))
        # A marker never changes the block structure; if it somehow did, render without marks.
        if [b.kind for b in marked] == [b.kind for b in blocks]:
            groups = [b.tokens for b in marked]
        else:
            marks = []
    by_index = dict(enumerate(marks))
    rendered = []
    for block, group in zip(blocks, groups, strict=True):
        md = _markdown()
        html = md.renderer.render(group, md.options, {})
        html = _replace_markers(html, by_index)
        # sanitized like render_markdown: only allow-listed tags and attributes remain
        rendered.append(RenderedBlock(block, Markup(sanitize_html(html))))  # noqa: S704  # nosec B704
    return rendered


def _insert_markers(source: str, blocks: list[NoteBlock], marks: list[MarkSpan]) -> str:
    starts = _line_starts(source)
    inserts: list[tuple[int, int, str]] = []
    for k, mark in enumerate(marks):
        block = blocks[mark.paragraph_index]
        base = starts[block.start_line] if block.start_line < len(starts) else len(source)
        if not 0 <= mark.start < mark.end <= len(block.source):
            continue
        # End markers sort before start markers at the same offset, so adjacent marks nest.
        inserts.append((base + mark.start, 1, chr(_START_BASE + k)))
        inserts.append((base + mark.end, 0, chr(_END_BASE + k)))
    out = source
    for offset, _order, char in sorted(inserts, key=lambda t: (t[0], t[1]), reverse=True):
        out = out[:offset] + char + out[offset:]
    return out


_TAG_SPLIT = re.compile(r"(<[^>]*>)")


def _replace_markers(html: str, by_index: dict[int, MarkSpan]) -> str:
    """Turn marker characters into ``<mark>`` elements that wrap text runs only.

    A passage may start inside ``<strong>`` and end after a link; wrapping each text run
    separately keeps the HTML well nested. The first run of a highlight carries its id.
    """
    active: list[int] = []
    opened: set[int] = set()
    out: list[str] = []

    def wrap(text: str) -> None:
        if not text:
            return
        if not active:
            out.append(text)
            return
        for k in active:
            hid = int(by_index[k].highlight_id)
            ident = f' id="h-{hid}"' if k not in opened else ""
            opened.add(k)
            out.append(f'<mark class="hl"{ident} data-h="{hid}">')
        out.append(text)
        out.append("</mark>" * len(active))

    for piece in _TAG_SPLIT.split(html):
        if piece.startswith("<"):
            out.append(piece)
            continue
        last = 0
        for match in _MARKER_RE.finditer(piece):
            wrap(piece[last:match.start()])
            last = match.end()
            code = ord(match.group(0))
            k = code - (_END_BASE if code >= _END_BASE else _START_BASE)
            if k not in by_index:
                continue
            if code >= _END_BASE:
                if k in active:
                    active.remove(k)
            elif k not in active:
                active.append(k)
        wrap(piece[last:])
    return "".join(out)


# --- finding a selected passage in the source --------------------------------------------------

_LINE_MARKER = re.compile(r"[ \t]*(?:>[ \t]?)*(?:[-+*][ \t]+|\d{1,9}[.)][ \t]+|#{1,6}[ \t]+)?")
_INLINE_MARKUP = set("*_~`|")


def _projection(source: str, *, strip_markup: bool) -> list[tuple[str, int]]:
    """The source's visible characters (no whitespace) with their offsets in the source."""
    chars: list[tuple[str, int]] = []
    i = 0
    at_line_start = True
    n = len(source)
    while i < n:
        if strip_markup and at_line_start:
            match = _LINE_MARKER.match(source, i)
            if match and match.end() > i:
                i = match.end()
            at_line_start = False
            continue
        ch = source[i]
        if ch == "\n":
            at_line_start = True
            i += 1
            continue
        if strip_markup:
            if ch == "\\" and i + 1 < n and not source[i + 1].isspace():
                chars.append((source[i + 1], i + 1))
                i += 2
                continue
            if ch == "]" and source.startswith("(", i + 1):
                close = source.find(")", i + 2)
                if close != -1:
                    i = close + 1
                    continue
            if ch in _INLINE_MARKUP or ch == "[" or (ch == "!" and source.startswith("[", i + 1)):
                i += 1
                continue
        if not ch.isspace():
            chars.append((ch, i))
        i += 1
    return chars


def _nearest(positions: list[int], hint: int | None) -> int:
    if hint is None:
        return positions[0]
    return min(positions, key=lambda p: (abs(p - hint), p))


def locate(source: str, quote: str, hint: int | None = None) -> tuple[int, int] | None:
    """Source offsets ``(start, end)`` of a passage selected in the rendered block.

    ``quote`` is the plain text the reader selected and ``hint`` roughly where it started; the
    occurrence nearest to the hint wins. Markup inside the passage (bold, links…) and line
    breaks are allowed; None when the text is not in the block.
    """
    quote = (quote or "").strip()
    if not quote or not source:
        return None
    exact = [m.start() for m in re.finditer(re.escape(quote), source)]
    if exact:
        start = _nearest(exact, hint)
        return start, start + len(quote)
    for strip_markup in (False, True):
        wanted = "".join(quote.split())
        if strip_markup:
            # Literal * _ ~ ` | in the text are dropped from both sides alike.
            wanted = "".join(c for c in wanted if c not in _INLINE_MARKUP)
            if not wanted:
                return None
        chars = _projection(source, strip_markup=strip_markup)
        text = "".join(c for c, _ in chars)
        found = [m.start() for m in re.finditer(re.escape(wanted), text)]
        if found:
            hits = [chars[f][1] for f in found]
            pick = found[hits.index(_nearest(hits, hint))]
            start = chars[pick][1]
            end = chars[pick + len(wanted) - 1][1] + 1
            return start, end
    return None


def guide_template(questions: list[str]) -> str:
    """Notes skeleton for a guide: a section per question, with room to write under each."""
    sections = [f"## {' '.join(q.split())}" for q in questions if q.strip()]
    return "\n\n\n".join(sections) + "\n\n" if sections else ""
