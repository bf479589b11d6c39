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
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff\n]")
_DOC_SEP = "\n"


def item_features(tokens: Sequence[str], char_bigrams: bool = True) -> list[str]:
    """The features of one item: its tokens, plus CJK character bigrams of their run."""
    feats = [t for t in tokens if t[:1] != BIGRAM_PREFIX]
    if char_bigrams:
        run = "".join(ch for ch in "".join(tokens) if _CJK.match(ch))
        feats.extend(BIGRAM_PREFIX + run[i : i + 2] for i in range(len(run) - 1))
    return feats


def count_features(
    token_lists: Sequence[Sequence[str]], char_bigrams: bool = True
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Items × features count matrix and the feature names, built in bulk.

    Words go through one C-level dictionary pass; the character bigrams are computed with numpy
    over the whole corpus at once (two UTF-32 code points packed in one integer), which
    keeps 100k items to well under a second.
    """
    flat = list(chain.from_iterable(token_lists))
    vocab = {w: i for i, w in enumerate(dict.fromkeys(flat))}
    if any(w[:1] == BIGRAM_PREFIX for w in vocab):
        # Words spelled like bigram features would collide with them; drop them (rare).
        token_lists = [[t for t in toks if t[:1] != BIGRAM_PREFIX] for toks in token_lists]
        flat = list(chain.from_iterable(token_lists))
        vocab = {w: i for i, w in enumerate(dict.fromkeys(flat))}
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    word_ids = np.fromiter(map(vocab.__getitem__, flat), dtype=np.int64, count=len(flat))
    word_rows = np.repeat(np.arange(len(token_lists)), lengths)
    names = list(vocab)
    rows, cols = [word_rows], [word_ids]
    if char_bigrams and len(token_lists):
        big = _NOT_CJK.sub("", _DOC_SEP.join(map("".join, token_lists)))
        codes = np.frombuffer(big.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        sep = codes == ord(_DOC_SEP)
        doc_of = np.cumsum(sep)
        ok = ~sep[:-1] & ~sep[1:]
        pair = (codes[:-1] << 21) | codes[1:]
        pair, pair_doc = pair[ok], doc_of[:-1][ok]
        uniq, inverse = np.unique(pair, return_inverse=True)
        rows.append(pair_doc)
        cols.append(inverse.ravel() + len(names))
        names.extend(BIGRAM_PREFIX + chr(c >> 21) + chr(c & 0x1FFFFF) for c in uniq.tolist())
    r, c = np.concatenate(rows), np.concatenate(cols)
    m = sparse.csr_matrix(
        (np.ones(len(r), dtype=np.float32), (r, c)), shape=(len(token_lists), len(names))
    )
    m.sum_duplicates()
    return m, np.asarray(names, dtype=str)


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

    def fit_transform(self, token_lists: Sequence[Sequence[str]]) -> np.ndarray:
        """Learn vocabulary, idf and the LSA basis from ``token_lists``; return their vectors."""
        n = len(token_lists)
        min_df = 2 if n >= 40 else 1
        max_df = self.max_df if n >= 40 else 1.0
        counts, terms = count_features(token_lists, self.char_bigrams)
        df = np.bincount(counts.indices, minlength=len(terms))
        keep = (df >= min_df) & (df <= max_df * n)
        if not keep.any():
            # Nothing survived the document-frequency limits: keep every feature instead.
            keep[:] = True
        cols = np.flatnonzero(keep)
        if len(cols) > self.max_features:
            # Most frequent first; ties broken by term so the result is deterministic.
            order = np.lexsort((terms[cols], -df[cols]))
            cols = np.sort(cols[order[: self.max_features]])
        counts = counts[:, cols].tocsr()
        self.terms_ = terms[cols]
        self.vocabulary_ = {t: i for i, t in enumerate(self.terms_.tolist())}
        self.is_word_ = ~np.char.startswith(self.terms_, BIGRAM_PREFIX)
        self.idf_ = (np.log((1.0 + n) / (1.0 + df[cols])) + 1.0).astype(np.float32)
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
            self.components_ = svd.components_.astype(np.float32)
        return self._project(tfidf)

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
        m.data = (1.0 + np.log(m.data)).astype(np.float32)
        m = m.multiply(self.idf_[None, :]).tocsr()
        return _l2(m)

    def _project(self, tfidf: sparse.csr_matrix) -> np.ndarray:
        z = np.asarray(tfidf @ self.components_.T, dtype=np.float32)
        return _unit_rows(z)


def _l2(m: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags((1.0 / norms).astype(np.float32)) @ m


def _unit_rows(z: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return z / norms

