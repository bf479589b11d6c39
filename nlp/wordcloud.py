"""Word-cloud PNGs drawn with a CJK font that is installed on the machine, never downloaded."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
EMPTY_MESSAGE = "暂无关键词"


class FontNotFoundError(FileNotFoundError):
    """No CJK font is available for drawing Chinese words."""


def find_cjk_font(font_path: str | os.PathLike | None = None) -> Path:
    """The CJK font to draw with: ``font_path``, ``HUISHENG_CJK_FONT``, or a Debian font."""
    if font_path is not None:
        path = Path(font_path)
        if not path.is_file():
            raise FontNotFoundError(f"CJK font not found: {path}")
        return path
    env = os.environ.get("HUISHENG_CJK_FONT")
    for candidate in ([env] if env else []) + list(FONT_CANDIDATES):
        if Path(candidate).is_file():
            return Path(candidate)
    raise FontNotFoundError(
        "no CJK font found; install Debian's fonts-noto-cjk "
        "(apt-get install fonts-noto-cjk) or set HUISHENG_CJK_FONT to a .ttc/.ttf/.otf file"
    )


def wordcloud_png(
    weights: Mapping[str, float],
    font_path: str | os.PathLike | None = None,
    width: int = 1200,
    height: int = 800,
    max_words: int = 150,
    background: str = "white",
    colormap: str = "viridis",
    random_state: int = 0,
) -> bytes:
    """A PNG word cloud of ``weights`` (word -> weight); a labelled blank image when empty.

    Lone Han characters are left out (see :func:`_drawable`); the theme engine's keyword
    weights already keep phrases whole (森林人, 周年庆典).
    """
    font = str(find_cjk_font(font_path))
    clean = {str(w): float(v) for w, v in weights.items() if _drawable(str(w)) and v > 0}
    if not clean:
        return _empty_png(font, width, height, background)
    from wordcloud import WordCloud

    cloud = WordCloud(
        font_path=font,
        width=width,
        height=height,
        max_words=max_words,
        background_color=background,
        colormap=colormap,
        prefer_horizontal=0.95,
        random_state=random_state,
        collocations=False,
    ).generate_from_frequencies(clean)
    buf = io.BytesIO()
    cloud.to_image().save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _drawable(word: str) -> bool:
    """A word worth drawing: not blank, and not a lone Han character (庆 and 典 are the
    remains of 庆典 cut apart; whole words and phrases are what a cloud should show)."""
    word = word.strip()
    return bool(word) and not (len(word) == 1 and "\u4e00" <= word <= "\u9fff")


def _empty_png(font: str, width: int, height: int, background: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    face = ImageFont.truetype(font, size=max(16, height // 12))
    box = draw.textbbox((0, 0), EMPTY_MESSAGE, font=face)
    pos = ((width - (box[2] - box[0])) // 2, (height - (box[3] - box[1])) // 2)
    draw.text(pos, EMPTY_MESSAGE, fill="#888888", font=face)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()
