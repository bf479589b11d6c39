"""Theme features: the bulk counting equals the plain definition."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.themes.features import _unique_inverse, count_features, item_features


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 20_991 * 20_992), max_size=300),
       st.sampled_from([np.int32, np.int64]))
def test_unique_with_inverse_equals_numpys(values, dtype):
    arr = np.asarray(values, dtype=dtype)
    ours, inverse = _unique_inverse(arr)
    theirs, their_inverse = np.unique(arr, return_inverse=True)
    assert ours.dtype == theirs.dtype and ours.tolist() == theirs.tolist()
    assert inverse.tolist() == their_inverse.ravel().tolist()


def test_counted_features_are_each_items_words_and_character_bigrams():
    items = [["积分", "兑换", "积分"], ["兑换码", "app"], [], ["积分兑换"]]
    m, names = count_features(items)
    for row, tokens in enumerate(items):
        got = {names[c]: int(v) for c, v in zip(m[row].indices, m[row].data, strict=True)}
        expected: dict[str, int] = {}
        for f in item_features(tokens):
            expected[f] = expected.get(f, 0) + 1
        assert got == expected
