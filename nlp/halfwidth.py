"""Full-width forms to half-width: the one table that normalisation and PII redaction share.

Chinese input methods type ASCII in full width (``１３８``, ``＠``, ``．``) and put ideographic
spaces between words. Both are mapped one character for one, so offsets in the folded text
are offsets in the original.
"""

from __future__ import annotations

import numpy as np

FULL_WIDTH_FIRST = 0xFF01  # ！
FULL_WIDTH_LAST = 0xFF5E  # ～
FULL_WIDTH_OFFSET = 0xFEE0  # ！ (U+FF01) - ! (U+0021)
IDEOGRAPHIC_SPACE = 0x3000

# For str.translate: full-width ASCII to ASCII, the ideographic space to a space.
HALF_WIDTH: dict[int, int] = {
    cp: cp - FULL_WIDTH_OFFSET for cp in range(FULL_WIDTH_FIRST, FULL_WIDTH_LAST + 1)
}
HALF_WIDTH[IDEOGRAPHIC_SPACE] = 0x20


def to_half_width(text: str) -> str:
    """``text`` with full-width ASCII and ideographic spaces in half width."""
    return text.translate(HALF_WIDTH)


def is_wide(codes: np.ndarray) -> np.ndarray:
    """Which code points (a uint32 array) :data:`HALF_WIDTH` changes."""
    return ((codes >= FULL_WIDTH_FIRST) & (codes <= FULL_WIDTH_LAST)) | (codes == IDEOGRAPHIC_SPACE)


def fold_codes(codes: np.ndarray) -> np.ndarray:
    """A copy of ``codes`` (code points, uint32) in half width: :data:`HALF_WIDTH` for arrays."""
    folded = np.where((codes >= FULL_WIDTH_FIRST) & (codes <= FULL_WIDTH_LAST),
                      codes - FULL_WIDTH_OFFSET, codes)
    folded[folded == IDEOGRAPHIC_SPACE] = 0x20
    return folded
