"""One half-width table for normalisation and PII redaction."""

from __future__ import annotations

import numpy as np

from nlp import halfwidth, normalize, pii


def test_normalisation_and_redaction_share_the_table():
    assert normalize.HALF_WIDTH is halfwidth.HALF_WIDTH
    assert pii.HALF_WIDTH is halfwidth.HALF_WIDTH
    assert pii.fold_codes is normalize.fold_codes is halfwidth.fold_codes


def test_the_array_fold_matches_the_table_on_every_code_point_it_could_touch():
    codes = np.arange(0x2F00, 0x10000, dtype=np.uint32)
    codes = codes[(codes < 0xD800) | (codes > 0xDFFF)]
    text = codes.tobytes().decode("utf-32-le")
    folded = halfwidth.fold_codes(codes).tobytes().decode("utf-32-le")
    assert folded == halfwidth.to_half_width(text)
    assert halfwidth.is_wide(codes).sum() == len(halfwidth.HALF_WIDTH)


def test_full_width_input_is_folded_one_for_one():
    assert halfwidth.to_half_width("手机１３８　１２３４＠ｑｑ．ｃｏｍ") == "手机138 1234@qq.com"
    assert normalize.normalize("ＡＢＣ　１２３").text.startswith("ABC")
    assert pii.redact_text("电话１３８１２３４５６７８") == "电话[手机号]"
