"""A share poster for a survey: a PNG to post in a WeChat group, with the survey's title, the
community's name, a short invitation and the link's QR code.

Drawn with Pillow and the machine's CJK font (the one word clouds use); nothing is fetched.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

from nlp.wordcloud import find_cjk_font

WIDTH, HEIGHT = 1080, 1440
MARGIN = 90
BRAND = (15, 118, 110)
BRAND_SOFT = (230, 244, 242)
INK = (27, 27, 27)
INK_SOFT = (90, 98, 104)
WHITE = (255, 255, 255)
MAX_TITLE_LINES = 3


@dataclass(frozen=True)
class PosterText:
    """What the poster says."""

    title: str
    community: str
    invitation: str
    scan_hint: str
    footer: str = ""


def _bold_variant(font: Path) -> Path:
    """The bold cut beside the regular one (Noto ships both), else the font itself."""
    bold = font.with_name(font.name.replace("Regular", "Bold"))
    return bold if bold != font and bold.is_file() else font


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (Chinese breaks between any two
    characters); the last allowed line ends in "…" when text is left over."""
    lines: list[str] = []
    line = ""
    for char in " ".join(text.split()):
        if draw.textlength(line + char, font=font) <= width:
            line += char
            continue
        lines.append(line)
        line = char.strip()
        if len(lines) == max_lines:
            break
    else:
        if line:
            lines.append(line)
        return lines
    last = lines[-1]
    while last and draw.textlength(last + "…", font=font) > width:
        last = last[:-1]
    lines[-1] = last + "…"
    return lines


def _qr_image(url: str, size: int) -> Image.Image:
    """The link's QR code, ``size`` pixels square, crisp (whole pixels per module)."""
    code = segno.make(url, error="m", micro=False)
    modules = code.symbol_size(scale=1, border=2)[0]
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=max(1, size // modules), border=2)
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return image.resize((size, size), Image.NEAREST)


def poster_png(url: str, text: PosterText, *, font_path: str | Path | None = None) -> bytes:
    """The poster as PNG bytes (1080 × 1440, 3:4 like a phone screen)."""
    regular = find_cjk_font(font_path)
    bold = _bold_variant(regular)
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN

    # The band: community name and the survey's title, white on the brand colour.
    community_font = ImageFont.truetype(str(regular), 40)
    title_font = ImageFont.truetype(str(bold), 68)
    title_lines = _wrap(draw, text.title, title_font, inner, MAX_TITLE_LINES)
    band = 90 + 76 + len(title_lines) * 90 + 50
    draw.rectangle((0, 0, WIDTH, band), fill=BRAND)
    community = _wrap(draw, text.community, community_font, inner, 1)
    draw.text((MARGIN, 90), community[0] if community else "", font=community_font,
              fill=BRAND_SOFT)
    y = 90 + 76
    for line in title_lines:
        draw.text((MARGIN, y), line, font=title_font, fill=WHITE)
        y += 90

    # The invitation.
    invite_font = ImageFont.truetype(str(regular), 44)
    y = band + 50
    for line in _wrap(draw, text.invitation, invite_font, inner, 2):
        draw.text((MARGIN, y), line, font=invite_font, fill=INK)
        y += 66

    # The QR code on a white square inside a soft card, with the hint under it.
    qr_size = 440
    card_top = y + 30
    card = (MARGIN + 80, card_top, WIDTH - MARGIN - 80, card_top + qr_size + 170)
    draw.rounded_rectangle(card, radius=36, fill=BRAND_SOFT)
    left = (WIDTH - qr_size) // 2
    image.paste(_qr_image(url, qr_size), (left, card_top + 40))
    hint_font = ImageFont.truetype(str(bold), 40)
    hint_width = draw.textlength(text.scan_hint, font=hint_font)
    draw.text(((WIDTH - hint_width) / 2, card_top + qr_size + 70), text.scan_hint,
              font=hint_font, fill=BRAND)

    if text.footer:
        footer_font = ImageFont.truetype(str(regular), 32)
        footer = _wrap(draw, text.footer, footer_font, inner, 1)[0]
        width = draw.textlength(footer, font=footer_font)
        draw.text(((WIDTH - width) / 2, HEIGHT - 100), footer, font=footer_font, fill=INK_SOFT)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
