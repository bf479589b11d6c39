"""Text normalisation: half-width, simplified Chinese, no URLs/mentions/stickers, filler detection.

Stickers (``[捂脸]``) and emoji are removed from the text but returned as :class:`Signal`
objects with a polarity, so sentiment can still use them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from nlp.halfwidth import HALF_WIDTH, fold_codes, is_wide

DATA_DIR = Path(__file__).resolve().parent / "data"
STICKERS_PATH = DATA_DIR / "stickers.txt"
EMOJI_PATH = DATA_DIR / "emoji_polarity.txt"
FILLERS_PATH = DATA_DIR / "fillers.txt"

_RE_URL = re.compile(
    r"(?:https?://|ftp://|www\.)[^\s\u4e00-\u9fff，。！？；：“”‘’（）【】《》,]+"
    r"|(?<![@A-Za-z0-9.\-])[a-zA-Z0-9][a-zA-Z0-9-]{0,62}(?:\.[a-zA-Z0-9-]{1,63})*"
    r"\.(?:com|cn|net|org|top|xyz|cc|io|me|info|vip|shop|site|link)\b"
    r"(?:/[^\s\u4e00-\u9fff，。！？；：“”‘’（）【】《》]*)?",
    re.I,
)
# A mention ends at whitespace (WeChat puts U+2005 after it), punctuation or the end.
_RE_MENTION = re.compile(
    r"(?<![A-Za-z0-9._%+\-])@[^\s@,，。.!！?？:：;；、()（）\[\]【】]{1,16}"
    r"(?=[\s\u2005,，。.!！?？:：;；、()（）\[\]【】]|$)"
)
_RE_BRACKET_CODE = re.compile(r"\[([^\[\]\s]{1,8})\]")
# Emoji and pictographs: the supplementary symbol planes, dingbats, misc symbols, plus the
# joiners and variation selectors that glue emoji sequences together.
_RE_EMOJI = re.compile(
    "[\U0001F000-\U0001FAFF\U00002600-\U000027BF\U00002B00-\U00002BFF"
    "\U0001F1E6-\U0001F1FF\u200d\ufe0e\ufe0f\u20e3\U000E0020-\U000E007F]+"
)
# Lone surrogates (from broken input) cannot be encoded; they become U+FFFD.
_RE_SURROGATE = re.compile("[\ud800-\udfff]")
_RE_SPACES = re.compile(r"[\s\u2005\u200b\u3000]+")
# Characters ignored when deciding whether an answer is a filler.
_RE_FILLER_NOISE = re.compile(r"[\s\W_]+", re.U)
_RE_ONLY_PUNCT = re.compile(r"^[\W_]*$", re.U)


@dataclass(frozen=True)
class Signal:
    """A sentiment-bearing mark taken out of the text (a sticker code or an emoji)."""

    kind: str  # "sticker" or "emoji"
    token: str
    polarity: int  # -1, 0 or 1
    # Smiles that read as sarcasm after a complaint ([微笑] [旺柴] 🙂): on their own they count
    # as their polarity; with a complaint, sentiment reads them as scorn.
    sarcastic: bool = False
    # Sign-off gestures ([抱拳] [强] 👍 🙏): praise only when the words do not complain.
    courtesy: bool = False


@dataclass(frozen=True)
class NormalizedText:
    """A normalised text, the signals removed from it, and whether it is a filler answer."""

    text: str
    signals: tuple[Signal, ...] = field(default_factory=tuple)
    is_filler: bool = False

    @property
    def polarity(self) -> int:
        """Sum of the signals' polarities (positive > 0, negative < 0)."""
        return sum(s.polarity for s in self.signals)

    @property
    def sarcasm(self) -> int:
        """How many of the signals are sarcastic smiles ([微笑] [旺柴] 🙂 …)."""
        return sum(1 for s in self.signals if s.sarcastic)

    @property
    def courtesy(self) -> int:
        """The polarity carried by sign-off gestures ([抱拳] [强] 👍 🙏) among the signals."""
        return sum(s.polarity for s in self.signals if s.courtesy)


def _table_rows(path: Path) -> Iterable[list[str]]:
    """The whitespace-separated fields of each entry line (``#`` comments, blank lines
    skipped)."""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            yield line.split()


MARKS = frozenset({"sarcastic", "courtesy"})


def _read_table(path: Path) -> tuple[dict[str, int], frozenset[str], frozenset[str]]:
    """Read ``token polarity [sarcastic|courtesy] [emoji]`` lines; returns the polarities,
    the tokens marked sarcastic and those marked courtesy."""
    table: dict[str, int] = {}
    sarcastic: set[str] = set()
    courtesy: set[str] = set()
    for parts in _table_rows(path):
        table[parts[0]] = int(parts[1])
        if "sarcastic" in parts[2:]:
            sarcastic.add(parts[0])
        if "courtesy" in parts[2:]:
            courtesy.add(parts[0])
    return table, frozenset(sarcastic), frozenset(courtesy)


def _row_emoji(parts: list[str]) -> str | None:
    """The display emoji of a sticker row: its last field after the polarity, unless that
    is a mark (``sarcastic``, ``courtesy``)."""
    extra = [p for p in parts[2:] if p not in MARKS]
    return extra[-1] if extra else None


@lru_cache(maxsize=1)
def _sticker_table() -> tuple[dict[str, int], frozenset[str], frozenset[str]]:
    return _read_table(STICKERS_PATH)


@lru_cache(maxsize=1)
def _emoji_table() -> tuple[dict[str, int], frozenset[str], frozenset[str]]:
    return _read_table(EMOJI_PATH)


def sticker_polarity() -> dict[str, int]:
    """Known WeChat / QQ / Weibo sticker codes (without brackets) and their polarity."""
    return _sticker_table()[0]


@lru_cache(maxsize=1)
def sticker_emoji() -> dict[str, str]:
    """Sticker codes (without brackets) and the emoji that shows them; codes without one
    (media markers such as ``[图片]``) are not listed."""
    return {parts[0]: emoji for parts in _table_rows(STICKERS_PATH)
            if (emoji := _row_emoji(parts))}


def stickers_to_emoji(text: str) -> str:
    """``text`` with each known sticker code (``[捂脸]``) replaced by its emoji (🤦).

    Only listed codes change, so PII placeholders (``[手机号]``) and ordinary bracketed
    words stay as written.
    """
    if not text or "[" not in text:
        return text
    table = sticker_emoji()
    return _RE_BRACKET_CODE.sub(lambda m: table.get(m.group(1), m.group(0)), text)


def sticker_rows_without_emoji() -> bytes:
    """The sticker list as the sentiment features read it: its entry lines without the emoji
    column, so a display emoji or a comment changed does not invalidate a trained model."""
    lines = []
    for parts in _table_rows(STICKERS_PATH):
        emoji = _row_emoji(parts)
        kept = parts[:-1] if emoji is not None and parts[-1] == emoji else parts
        lines.append(" ".join(kept) + "\n")
    return "".join(lines).encode("utf-8")


def emoji_polarity() -> dict[str, int]:
    """Emoji and their polarity; emoji not listed count as neutral."""
    return _emoji_table()[0]


def sarcastic_signals() -> frozenset[str]:
    """Sticker codes and emoji that read as sarcasm after a complaint ([微笑] [旺柴] 🙂)."""
    return _sticker_table()[1] | _emoji_table()[1]


@lru_cache(maxsize=1)
def filler_phrases() -> frozenset[str]:
    """Answers that say nothing (无, 没有, 还行, 都挺好 …), compared after removing punctuation."""
    lines = FILLERS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


_PARTICLES = "了啦吧呢哈呀啊哦的"


def is_filler_text(text: str) -> bool:
    """True when ``text`` (already normalised) is empty, only punctuation, or a filler phrase.

    A filler phrase may come in several pieces that are each a filler (「+1，同样遇到过」,
    「同意！顶一下」): a reply that only agrees names no topic of its own.
    """
    if _RE_ONLY_PUNCT.match(text):
        return True
    # A filler is a short phrase, or a short unit repeated (with punctuation around it): a
    # longer text with many different characters is neither, and most texts stop here.
    if len(text) > 12 and len(set(text)) > 12:
        return False
    core = _RE_FILLER_NOISE.sub("", text).lower()
    if not core:
        return True
    if _is_filler_core(core):
        return True
    pieces = [p for p in _RE_FILLER_NOISE.split(text.lower()) if p]
    return len(pieces) > 1 and all(_is_filler_core(p) for p in pieces)


def _is_filler_core(core: str) -> bool:
    fillers = filler_phrases()
    if core in fillers:
        return True
    # Repeated fillers ("没有没有", "无无") and a trailing particle ("没有啦", "还行吧").
    if core[-1] in _PARTICLES and core[:-1] in fillers:
        return True
    for size in range(1, min(len(core) // 2, 4) + 1):
        unit = core[:size]
        if len(core) % size == 0 and unit * (len(core) // size) == core and unit in fillers:
            return True
    return False


class Normalizer:
    """Normalise raw community text for analysis.

    Steps, in order: full-width to half-width; traditional to simplified Chinese (OpenCC
    ``t2s``, phrase-aware); URLs and @mentions removed; sticker codes such as ``[捂脸]`` and
    emoji removed and returned as :class:`Signal`; whitespace collapsed; filler answers flagged.
    Placeholders such as ``[手机号]`` from PII redaction are kept, since only known sticker
    codes are removed.
    """

    def __init__(self, *, to_simplified: bool = True, strip_urls: bool = True,
                 strip_mentions: bool = True) -> None:
        self.to_simplified = to_simplified
        self.strip_urls = strip_urls
        self.strip_mentions = strip_mentions
        self._converter = None

    def __getstate__(self) -> dict:
        """Pickle the parameters; the OpenCC converter is rebuilt where it is used."""
        return {k: v for k, v in self.__dict__.items() if k != "_converter"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._converter = None

    def _t2s(self, text: str) -> str:
        if self._converter is None:
            import opencc

            self._converter = opencc.OpenCC("t2s")
        return self._converter.convert(text)

    def normalize(self, text: str | None) -> NormalizedText:
        """Normalise one text; never raises on empty or odd input."""
        if not text:
            return NormalizedText("", (), True)
        text = str(text).translate(HALF_WIDTH)
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                text = _RE_SURROGATE.sub("\ufffd", text)
        return self._normalize_half(text, not text.isascii(), True, True)

    def _normalize_half(self, text: str, non_ascii: bool, emoji: bool, spaces: bool
                        ) -> NormalizedText:
        """Every step after the half-width mapping; the flags say which steps can apply."""
        if self.to_simplified and non_ascii:
            text = self._t2s(text)
        signals: list[Signal] = []
        before = text
        if self.strip_urls and ("." in text or "/" in text):
            text = _RE_URL.sub(" ", text)
        if self.strip_mentions and "@" in text:
            text = _RE_MENTION.sub(" ", text)
        if "[" in text:
            text = self._take_stickers(text, signals)
        if emoji and non_ascii:
            text = self._take_emoji(text, signals)
        if spaces or text is not before and text != before:
            text = _RE_SPACES.sub(" ", text).strip()
        return NormalizedText(text, tuple(signals), is_filler_text(text))

    def normalize_many(self, texts: Iterable[str | None]) -> list[NormalizedText]:
        """Normalise many texts (the batch path used by the pipeline).

        The half-width mapping and the checks for emoji and whitespace run with numpy over
        the whole batch at once, so each text only goes through the steps that can change it.
        """
        texts = [str(t) if t else "" for t in texts]
        if len(texts) < 8:
            return [self.normalize(t) for t in texts]
        half, flags = _half_width_batch(texts)
        empty = NormalizedText("", (), True)
        step = self._normalize_half
        return [
            step(h, non_ascii, emoji, spaces) if h else empty
            for h, (non_ascii, emoji, spaces) in zip(half, flags, strict=True)
        ]

    @staticmethod
    def _take_stickers(text: str, signals: list[Signal]) -> str:
        table, sarcastic, courtesy = _sticker_table()

        def repl(m: re.Match) -> str:
            code = m.group(1)
            if code not in table:
                return m.group(0)
            signals.append(Signal("sticker", code, table[code], code in sarcastic,
                                  code in courtesy))
            return " "

        return _RE_BRACKET_CODE.sub(repl, text)

    @staticmethod
    def _take_emoji(text: str, signals: list[Signal]) -> str:
        table, sarcastic, courtesy = _emoji_table()

        def repl(m: re.Match) -> str:
            for ch in m.group(0):
                if ch in "\u200d\ufe0e\ufe0f\u20e3" or "\U000E0020" <= ch <= "\U000E007F":
                    continue
                signals.append(Signal("emoji", ch, table.get(ch, 0), ch in sarcastic,
                                      ch in courtesy))
            return " "

        return _RE_EMOJI.sub(repl, text)


_NON_ASCII, _EMOJI, _SPACE = 1, 2, 4


@lru_cache(maxsize=1)
def _code_flags() -> np.ndarray:
    """Per code point, bit flags: non-ASCII, could belong to an emoji (see ``_RE_EMOJI``),
    whitespace (see ``_RE_SPACES``)."""
    flags = np.full(0x110000, _NON_ASCII, dtype=np.uint8)
    flags[:128] = 0
    for lo, hi in ((0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2B00, 0x2BFF), (0xE0020, 0xE007F)):
        flags[lo:hi + 1] |= _EMOJI
    flags[[0x200D, 0xFE0E, 0xFE0F, 0x20E3]] |= _EMOJI
    flags[[cp for cp in range(0x3100) if chr(cp).isspace()] + [0x2005, 0x200B]] |= _SPACE
    return flags


def _half_width_batch(texts: list[str]) -> tuple[list[str], list[tuple[bool, bool, bool]]]:
    """Half-width forms of ``texts`` and, per text, (has non-ASCII, may hold emoji, has
    whitespace), computed on one code-point array for the whole batch."""
    joined = "".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    broken = (codes >= 0xD800) & (codes <= 0xDFFF)
    if is_wide(codes).any() or broken.any():
        codes = fold_codes(codes)
        codes[broken] = 0xFFFD
        joined = codes.tobytes().decode("utf-32-le")
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    half = [joined[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    flags = np.zeros(len(texts), dtype=np.uint8)
    if len(codes):
        has = lengths > 0
        flags[has] = np.bitwise_or.reduceat(_code_flags()[codes], starts[has])
    bits = [(bool(f & _NON_ASCII), bool(f & _EMOJI), bool(f & _SPACE)) for f in flags.tolist()]
    return half, bits


def normalize(text: str | None) -> NormalizedText:
    """Normalise one text with a default :class:`Normalizer`."""
    return _default().normalize(text)


def normalize_many(texts: Sequence[str | None]) -> list[NormalizedText]:
    """Normalise many texts with a default :class:`Normalizer`."""
    return _default().normalize_many(texts)


@lru_cache(maxsize=1)
def _default() -> Normalizer:
    return Normalizer()
