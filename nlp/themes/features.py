"""Turn token lists into the vectors the themes are clustered in: TF-IDF, then LSA.

Features are the content words plus the character bigrams inside the content words
(prefixed with ``#``). The bigrams let short texts that share no whole word still meet
(e.g. 积分兑换 and 兑换码), which matters most for headline-length feedback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD

BIGRAM_PREFIX = "#"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DOC_SEP = "\n"
_N_CJK = 0x9FFF - 0x4E00 + 1
N_CJK = _N_CJK


def item_features(tokens: Sequence[str], char_bigrams: bool = True) -> list[str]:
    """The features of one item: its tokens, plus CJK character bigrams of their run."""
    feats = [t for t in tokens if t[:1] != BIGRAM_PREFIX]
    if char_bigrams:
        run = "".join(ch for ch in "".join(tokens) if _CJK.match(ch))
        feats.extend(BIGRAM_PREFIX + run[i : i + 2] for i in range(len(run) - 1))
    return feats


def feature_entries(
    token_lists: Sequence[Sequence[str]], char_bigrams: bool = True
) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Every feature occurrence as (row, column), plus the column names' ingredients.

    Columns are the words in order of first appearance, then the character bigrams in code
    point order; a bigram column's name is built from its two code points only when asked
    (:func:`_names`). Words go through one C-level dictionary pass; the bigrams are computed
    with numpy over the whole corpus at once (two code points packed in one integer).
    """
    flat = list(chain.from_iterable(token_lists))
    vocab = dict.fromkeys(flat)
    if any(w[:1] == BIGRAM_PREFIX for w in vocab):
        # Words spelled like bigram features would collide with them; drop them (rare).
        token_lists = [[t for t in toks if t[:1] != BIGRAM_PREFIX] for toks in token_lists]
        flat = list(chain.from_iterable(token_lists))
        vocab = dict.fromkeys(flat)
    words = list(vocab)
    index = {w: i for i, w in enumerate(words)}
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    word_ids = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))
    rows = [np.repeat(np.arange(len(token_lists), dtype=np.int64), lengths)]
    cols = [word_ids]
    pairs = np.zeros(0, dtype=np.int64)
    if char_bigrams and len(token_lists):
        joined = _DOC_SEP.join(map("".join, token_lists))
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        sep = codes == ord(_DOC_SEP)
        doc_of = np.cumsum(sep)
        cjk = (codes >= 0x4E00) & (codes <= 0x9FFF)
        # Bigrams of the CJK characters of each item, non-CJK characters skipped.
        keep = cjk | sep
        codes, sep, doc_of = codes[keep].astype(np.int32) - 0x4E00, sep[keep], doc_of[keep]
        ok = ~sep[:-1] & ~sep[1:]
        # Two code points in one int32 (CJK Unified Ideographs: 20992 of them), so the sort
        # is on 32-bit keys; the order is the code points' order.
        pair = (codes[:-1] * _N_CJK + codes[1:])[ok]
        pairs, inverse = _unique_inverse(pair)
        rows.append(doc_of[:-1][ok])
        cols.append(inverse + len(words))
    return np.concatenate(rows), np.concatenate(cols), words, pairs


_entries = feature_entries


def _unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` of a 1-D integer array, about a third
    quicker: numpy's stable argsort of 32-bit integers beats the sort ``unique`` uses."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _names(columns: np.ndarray, words: list[str], pairs: np.ndarray) -> np.ndarray:
    """Names of the given columns (words, or ``#`` + a character bigram).

    Bigram names are built in bulk: the two code points of each pair, with the prefix,
    viewed as one three-character numpy string each.
    """
    columns = np.asarray(columns, dtype=np.int64)
    if not len(columns):
        return np.zeros(0, dtype=str)
    n_words = len(words)
    is_word = columns < n_words
    out = np.empty(len(columns), dtype=object)
    out[is_word] = [words[c] for c in columns[is_word].tolist()]
    if (~is_word).any():
        first, second = np.divmod(pairs[columns[~is_word] - n_words].astype(np.int64), _N_CJK)
        codes = np.stack(
            [np.full(len(first), ord(BIGRAM_PREFIX)), first + 0x4E00, second + 0x4E00], axis=1
        ).astype(np.uint32)
        out[~is_word] = codes.view("<U3").ravel().tolist()
    return out.astype(str)


def _dedupe(rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (row, column) pairs, sorted, with how often each occurred."""
    if not len(rows):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    key = rows << 32
    key |= cols
    key.sort(kind="stable")
    first = np.empty(len(key), dtype=bool)
    first[0] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=len(key))
    uk = key[starts]
    return uk >> 32, uk & 0xFFFFFFFF, counts


def count_features(
    token_lists: Sequence[Sequence[str]], char_bigrams: bool = True
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Items × features count matrix and the feature names, built in bulk."""
    rows, cols, words, pairs = _entries(token_lists, char_bigrams)
    r, c, counts = _dedupe(rows, cols)
    n_cols = len(words) + len(pairs)
    m = _csr(r, c, counts, len(token_lists), n_cols)
    return m, _names(np.arange(n_cols), words, pairs)


def _csr(r: np.ndarray, c: np.ndarray, counts: np.ndarray, n_rows: int, n_cols: int
         ) -> sparse.csr_matrix:
    """A CSR matrix from entries already sorted by row, then column, without duplicates."""
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(r, minlength=n_rows), out=indptr[1:])
    return sparse.csr_matrix(
        (counts.astype(np.float32), c.astype(np.int32), indptr), shape=(n_rows, n_cols)
    )


class ThemeVectorizer:
    """TF-IDF (sublinear tf, smoothed idf, l2) over item features, reduced by truncated SVD.

    ``fit_transform`` returns unit-length LSA vectors; ``counts_`` keeps the raw feature
    counts of the fitted items, which keyword extraction reuses instead of re-counting.
    """

    def __init__(
        self,
        n_components: int = 100,
        char_bigrams: bool = True,
        max_df: float = 0.5,
        max_features: int = 40_000,
        svd_sample: int = 10_000,
        random_state: int = 0,
    ):
        self.n_components = n_components
        self.char_bigrams = char_bigrams
        self.max_df = max_df
        self.max_features = max_features
        self.svd_sample = svd_sample
        self.random_state = random_state

    def fit_transform(self, token_lists: Sequence[Sequence[str]], entries=None) -> np.ndarray:
        """Learn vocabulary, idf and the LSA basis from ``token_lists``; return their vectors.

        ``entries`` is :func:`feature_entries` of the same token lists when the caller has
        it already (the theme model shares it with the code-frame classifier).
        """
        n = len(token_lists)
        min_df = 2 if n >= 40 else 1
        max_df = self.max_df if n >= 40 else 1.0
        if entries is None:
            entries = feature_entries(token_lists, self.char_bigrams)
        rows, cols, words, pairs = entries
        r, c, counts = _dedupe(rows, cols)
        del rows, cols
        n_terms = len(words) + len(pairs)
        df = np.bincount(c, minlength=n_terms)
        keep = (df >= min_df) & (df <= max_df * n)
        if not keep.any():
            # Nothing survived the document-frequency limits: keep every feature instead.
            keep[:] = True
        kept = np.flatnonzero(keep)
        if len(kept) > self.max_features:
            kept = self._most_frequent(kept, df, words, pairs)
        remap = np.full(n_terms, -1, dtype=np.int64)
        remap[kept] = np.arange(len(kept))
        new_c = remap[c]
        sel = new_c >= 0
        counts = _csr(r[sel], new_c[sel], counts[sel], n, len(kept))
        self.terms_ = _names(kept, words, pairs)
        self.vocabulary_ = {t: i for i, t in enumerate(self.terms_.tolist())}
        self.is_word_ = kept < len(words)
        self.idf_ = (np.log((1.0 + n) / (1.0 + df[kept])) + 1.0).astype(np.float32)
        self.counts_ = counts
        tfidf = self._weight(counts)
        d = max(1, min(self.n_components, tfidf.shape[1] - 1, max(n // 3, 2), n - 1))
        if d < 2 or tfidf.shape[1] < 3:
            self.components_ = np.eye(tfidf.shape[1], dtype=np.float32)
        else:
            rng = np.random.default_rng(self.random_state)
            rows = (
                rng.choice(n, self.svd_sample, replace=False) if n > self.svd_sample else None
            )
            svd = TruncatedSVD(d, n_iter=4, random_state=self.random_state)
            svd.fit(tfidf[rows] if rows is not None else tfidf)
            # Rounded to float16 as stored (storage.py), so a loaded model projects items
            # exactly as the fitted one did and assigns them the same themes.
            self.components_ = svd.components_.astype(np.float16).astype(np.float32)
        return self._project(tfidf)

    def _most_frequent(self, cols: np.ndarray, df: np.ndarray, words: list[str],
                       pairs: np.ndarray) -> np.ndarray:
        """The ``max_features`` columns with the highest document frequency, sorted.

        Ties at the cut are broken by name, so the result is deterministic; only the tied
        columns need their names built.
        """
        limit = self.max_features
        freq = df[cols]
        cut = np.sort(freq)[::-1][limit - 1]
        above = cols[freq > cut]
        tied = cols[freq == cut]
        names = _names(tied, words, pairs)
        chosen = tied[np.argsort(names, kind="stable")[: limit - len(above)]]
        return np.sort(np.concatenate([above, chosen]))

    def transform(self, token_lists: Iterable[Sequence[str]]) -> np.ndarray:
        """Unit LSA vectors of new items in the fitted space (zero rows for unknown words)."""
        return self._project(self._weight(self.count(token_lists)))

    def count(self, token_lists: Iterable[Sequence[str]]) -> sparse.csr_matrix:
        """Raw feature counts of items against the fitted vocabulary."""
        indptr, indices = [0], []
        vocab = self.vocabulary_
        for toks in token_lists:
            for f in item_features(toks, self.char_bigrams):
                j = vocab.get(f)
                if j is not None:
                    indices.append(j)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        m = sparse.csr_matrix(
            (data, np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
            shape=(len(indptr) - 1, len(self.terms_)),
        )
        m.sum_duplicates()
        return m

    def term_vector(self, weights: dict[str, float]) -> np.ndarray:
        """Project a bag of weighted terms (e.g. a stored theme profile) into the LSA space."""
        cols, vals = [], []
        for term, w in weights.items():
            j = self.vocabulary_.get(term)
            if j is not None:
                cols.append(j)
                vals.append(w)
        row = sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (np.zeros(len(cols), dtype=np.int32), cols)),
            shape=(1, len(self.terms_)),
        )
        return self._project(_l2(row))[0]

    def _weight(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        m = counts.copy()
        m.data = (1.0 + np.log(m.data)).astype(np.float32) * self.idf_[m.indices]
        return _l2(m)

    def _project(self, tfidf: sparse.csr_matrix) -> np.ndarray:
        z = np.asarray(tfidf @ self.components_.T, dtype=np.float32)
        return _unit_rows(z)


def _l2(m: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows scaled to unit length, in place on the CSR data."""
    m = m.tocsr()
    row = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    norms = np.sqrt(np.bincount(row, m.data.astype(np.float64) ** 2, minlength=m.shape[0]))
    norms[norms == 0] = 1.0
    m.data = (m.data / norms[row]).astype(np.float32)
    return m


def _unit_rows(z: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return z / norms

