"""PII redaction: phone and ID numbers, emails, bank cards, WeChat/QQ IDs become typed placeholders.

The app calls :func:`redact` before any text is stored or analysed. Detection runs on a
half-width copy of the text (one character for one, so offsets line up), which catches
full-width digits, ``＠`` and ``．``. Numbers are validated, not just pattern-matched: ID numbers
need a real province code, a plausible birth date and (18 digits) the GB 11643 check digit;
bank cards need the Luhn check and a card-like prefix or a bank cue word. That keeps prices,
dates, order numbers and model numbers in ordinary reviews intact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from nlp.halfwidth import HALF_WIDTH, fold_codes

PLACEHOLDERS: dict[str, str] = {
    "email": "[邮箱]",
    "id_card": "[身份证号]",
    "bank_card": "[银行卡号]",
    "mobile": "[手机号]",
    "landline": "[座机]",
    "wechat": "[微信号]",
    "qq": "[QQ号]",
}

_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83 91".split()
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
# A number must not be a piece of a longer digit group ("6222 0212 3456 7890") or of a code
# that starts with letters (courier numbers such as SF0208…).
_NO_DIGITS_BEFORE = r"(?<![0-9A-Za-z])(?<![0-9][ \-])"
_NO_DIGITS_AFTER = r"(?![ \-]?[0-9])"
_SEP = r"[ \-]?"

_RE_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}\s?@\s?"
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62})(?:[.。][A-Za-z0-9\-]{1,63})*[.。][A-Za-z]{2,12}"
    r"(?![A-Za-z])"
)
_RE_ID18 = re.compile(_NOT_ALNUM_BEFORE + r"[1-9]\d{16}[\dXx]" + _NOT_ALNUM_AFTER)
_RE_ID15 = re.compile(_NOT_ALNUM_BEFORE + r"[1-9]\d{14}" + _NOT_ALNUM_AFTER)
_RE_CARD = re.compile(
    _NO_DIGITS_BEFORE + r"(?:(?:\d{4}[ \-]){3,4}\d{1,4}|\d{15,19})" + _NO_DIGITS_AFTER
)
_RE_MOBILE = re.compile(
    _NO_DIGITS_BEFORE + r"(?:(?:\+|00)?86[ \-]?|\(\+?86\)[ \-]?)?1[3-9]\d" + _SEP + r"\d{4}"
    + _SEP + r"\d{4}" + _NO_DIGITS_AFTER
)
_RE_LANDLINE = re.compile(
    _NO_DIGITS_BEFORE + r"(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[ \-]?[2-9]\d{2,3}[ \-]?\d{4}"
    r"(?:\s?(?:转|ext\.?|-)\s?\d{1,6})?" + _NO_DIGITS_AFTER
)
_WECHAT_CUE = r"(?:微信[号號]?|威信|薇信|v信|vx|wx|weixin|wechat|加v|\+v|加我v|加我)"
_QQ_CUE = r"(?:qq[号號]?|扣扣|企[鹅鵝][号號]?|q[号號]|加q|\+q|加我q|加我)"
_CUE_GLUE = r"[ :：是为為\-]{0,3}(?:[号號][码碼]?|id)?[ :：是为為\-]{0,3}"
_RE_WECHAT = re.compile(
    _WECHAT_CUE + _CUE_GLUE + r"(?P<id>[a-zA-Z][-_a-zA-Z0-9]{5,19})(?![-_a-zA-Z0-9])",
    re.I,
)
_RE_QQ = re.compile(_QQ_CUE + _CUE_GLUE + r"(?P<id>[1-9]\d{4,11})(?![0-9])", re.I)
_ORDER_CUE = re.compile(
    r"(订单|单号|运单|快递单|物流单|编号|条码|序列号|批号|型号|货号|"
    r"訂單|單號|運單|快遞單|物流單|編號|條碼|序列號|批號|型號|貨號|sn|SN|No\.?)"
    r"[号码是为號碼為:：\s#\-]{0,4}$"
)
_BANK_CUE = re.compile(
    r"(银行|卡号|账号|帐号|转账|汇款|收款|储蓄卡|信用卡|借记卡|工行|建行|农行|中行|招行|"
    r"銀行|卡號|賬號|帳號|轉賬|轉帳|匯款|儲蓄卡|借記卡|農行)"
)
_CARD_PREFIX = re.compile(r"^(?:62|60|4|5[1-5]|2[2-7]|3[47]|35|9[45])")


@dataclass(frozen=True)
class PiiSpan:
    """One redacted item: its kind and its [start, end) offsets in the original text."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Redaction:
    """The redacted text and the spans (in the original text) that were replaced."""

    text: str
    spans: list[PiiSpan] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        """The kinds found, in text order."""
        return [s.kind for s in self.spans]


def id_checksum_ok(number: str) -> bool:
    """GB 11643 check digit of an 18-character ID number."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def _plausible_birth(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def is_valid_id_number(number: str) -> bool:
    """True for an 18-digit ID with valid check digit, or a 15-digit one, with real birth date."""
    if number[:2] not in _PROVINCES:
        return False
    if len(number) == 18:
        return id_checksum_ok(number) and _plausible_birth(
            int(number[6:10]), int(number[10:12]), int(number[12:14])
        )
    if len(number) == 15 and number.isdigit():
        return _plausible_birth(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    return False


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check used by bank card numbers."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _find_emails(text: str) -> list[PiiSpan]:
    return [PiiSpan("email", m.start(), m.end()) for m in _RE_EMAIL.finditer(text)]


def _find_ids(text: str) -> list[PiiSpan]:
    spans = [PiiSpan("id_card", m.start(), m.end()) for m in _RE_ID18.finditer(text)
             if is_valid_id_number(m.group())]
    spans += [PiiSpan("id_card", m.start(), m.end()) for m in _RE_ID15.finditer(text)
              if is_valid_id_number(m.group())]
    return spans


def _find_cards(text: str) -> list[PiiSpan]:
    spans = []
    for m in _RE_CARD.finditer(text):
        digits = re.sub(r"[ \-]", "", m.group())
        if not 15 <= len(digits) <= 19 or not luhn_ok(digits):
            continue
        if _CARD_PREFIX.match(digits) or _BANK_CUE.search(text[max(0, m.start() - 16): m.start()]):
            spans.append(PiiSpan("bank_card", m.start(), m.end()))
    return spans


def _find_mobiles(text: str) -> list[PiiSpan]:
    return [PiiSpan("mobile", m.start(), m.end()) for m in _RE_MOBILE.finditer(text)]


def _find_landlines(text: str) -> list[PiiSpan]:
    return [PiiSpan("landline", m.start(), m.end()) for m in _RE_LANDLINE.finditer(text)]


def _find_wechat(text: str) -> list[PiiSpan]:
    return [PiiSpan("wechat", m.start("id"), m.end("id")) for m in _RE_WECHAT.finditer(text)]


def _find_qq(text: str) -> list[PiiSpan]:
    return [PiiSpan("qq", m.start("id"), m.end("id")) for m in _RE_QQ.finditer(text)]


# In priority order: when two candidates overlap, the earlier detector wins.
DETECTORS: dict[str, Callable[[str], list[PiiSpan]]] = {
    "email": _find_emails,
    "id_card": _find_ids,
    "bank_card": _find_cards,
    "mobile": _find_mobiles,
    "landline": _find_landlines,
    "wechat": _find_wechat,
    "qq": _find_qq,
}

_QUICK_CHECK = re.compile(r"\d{5}|@")
# Numbers right after 订单号 / 快递 / 型号 … are order, courier or model numbers when they
# could be one by chance: a Luhn-valid card number (one random number in ten), or a number
# shaped like a phone number. An ID number is never exempt: a random 18-digit number passes
# the province, birth date and GB 11643 check digit about once in 55,000 (a 15-digit one,
# which has no check digit, about once in 70), and missing a real one after 编号 or 单号
# would leak it; over-redacting an order number now and then costs little.
_CUE_EXEMPT_KINDS = frozenset({"bank_card", "mobile", "landline"})


def get_detector(kind: str) -> Callable[[str], list[PiiSpan]]:
    """The detector function for one PII kind."""
    try:
        return DETECTORS[kind]
    except KeyError:
        raise KeyError(f"unknown PII kind {kind!r}; known: {', '.join(DETECTORS)}") from None


def find_pii(text: str) -> list[PiiSpan]:
    """All PII spans in ``text``, non-overlapping, in text order."""
    if not text:
        return []
    folded = text.translate(HALF_WIDTH)
    # Everything we redact contains 5+ digits in a row or an @, except grouped numbers
    # ("138 1234 5678") and cue-word IDs, which the detectors see anyway; the quick check
    # skips most ordinary sentences cheaply.
    squeezed = re.sub(r"(?<=\d)[ \-](?=\d)", "", folded)
    if not _QUICK_CHECK.search(squeezed) and not _RE_WECHAT.search(folded):
        return []
    chosen: list[PiiSpan] = []
    taken = [False] * len(text)
    for detector in DETECTORS.values():
        for span in detector(folded):
            if any(taken[span.start:span.end]):
                continue
            if span.kind in _CUE_EXEMPT_KINDS and _ORDER_CUE.search(
                folded[max(0, span.start - 12):span.start]
            ):
                continue
            chosen.append(span)
            for i in range(span.start, span.end):
                taken[i] = True
    return sorted(chosen, key=lambda s: s.start)


def redact(text: str | None) -> Redaction:
    """Replace every PII item in ``text`` with its typed placeholder (see ``PLACEHOLDERS``)."""
    if not text:
        return Redaction(text or "", [])
    spans = find_pii(text)
    if not spans:
        return Redaction(text, [])
    parts = []
    pos = 0
    for span in spans:
        parts.append(text[pos:span.start])
        parts.append(PLACEHOLDERS[span.kind])
        pos = span.end
    parts.append(text[pos:])
    return Redaction("".join(parts), spans)


def redact_text(text: str | None) -> str:
    """:func:`redact`, returning only the redacted text."""
    return redact(text).text


def redact_many(texts: list[str]) -> list[str]:
    """Redact many texts, returning the redacted strings."""
    return [r.text for r in redact_all(texts)]


# What every detector needs somewhere in the text: 5 digits (possibly grouped) or an @; a
# WeChat ID also needs 6 letters, digits, - or _ in a row (checked with numpy).
_RE_DIGITS_OR_AT = re.compile(r"\d(?:[ \-]?\d){4}|@")
_ID_CHARS = np.zeros(128, dtype=bool)
_ID_CHARS[[ord(c) for c in "-_0123456789"]] = True
_ID_CHARS[ord("a"):ord("z") + 1] = _ID_CHARS[ord("A"):ord("Z") + 1] = True


def redact_all(texts: Sequence[str | None]) -> list[Redaction]:
    """:func:`redact` over many texts; only the texts :func:`pii_candidates` flags are
    searched."""
    texts = [t or "" for t in texts]
    flags = pii_candidates(texts)
    return [redact(t) if f else Redaction(t, []) for t, f in zip(texts, flags, strict=True)]


def pii_candidates(texts: Sequence[str]) -> list[bool]:
    """Per text, False when :func:`redact` would certainly leave it unchanged.

    One scan of the whole batch: a text is a candidate when it has 5 digits (possibly
    grouped) or an @ (after folding full-width forms), or 6 letters, digits, - or _ in a row
    (a WeChat ID). Most texts are neither, and skip the detectors.
    """
    if not texts:
        return []
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    starts = np.cumsum(lengths) - lengths
    codes = np.frombuffer("\x00".join(texts).encode("utf-32-le", "surrogatepass"),
                          dtype=np.uint32)
    folded = fold_codes(codes)
    hit = np.zeros(len(texts), dtype=bool)
    found = [m.start() for m in _RE_DIGITS_OR_AT.finditer(
        folded.tobytes().decode("utf-32-le", "surrogatepass"))]
    if found:
        hit[np.searchsorted(starts, found, side="right") - 1] = True
    run = np.cumsum(_ID_CHARS[np.minimum(folded, 127)] & (folded < 128), dtype=np.int32)
    if len(run) >= 6:
        window = run[5:] - np.concatenate([[0], run[:-6]])
        at = np.flatnonzero(window == 6)
        if len(at):
            hit[np.searchsorted(starts, at, side="right") - 1] = True
    return hit.tolist()
