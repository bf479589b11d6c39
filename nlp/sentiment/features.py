"""Sentiment features: hashed character n-grams, word n-grams with negation scope, lexicon scores.

The character n-grams are computed for a whole batch at once with numpy (code points, rolling
hash, sparse counts), so featurising costs a few microseconds per short text instead of a
Python loop per n-gram. Word features read the segmenter's tokens: a token inside a negation
scope (不 没 别 无 非 毫无 并不 … up to the next punctuation or three tokens) becomes its own
"negated" feature, so 不好 and 好 pull in opposite directions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

from nlp.sentiment.lexicon import (
    CLAUSE_BREAKS,
    NEGATION_SCOPE,
    Lexicon,
    lexicon_scores,
    load_lexicon,
)

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MUL = np.uint64(1000003)
_QUESTION_ENDS = ("?", "？", "吗", "呢", "么", "嘛")


@dataclass(frozen=True)
class SentimentDoc:
    """What the featuriser needs for one text: normalised text, its tokens, sticker polarity."""

    text: str
    tokens: list[str]
    signal_polarity: float = 0.0


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads rolling-hash values over the buckets."""
    h = h ^ (h >> np.uint64(30))
    h = h * _M1
    h = h ^ (h >> np.uint64(27))
    h = h * _M2
    return h ^ (h >> np.uint64(31))


# Punctuation and spaces end a character run: no n-gram contains or crosses them, so the
# n-grams say what was written, not how it was punctuated (in the training reviews "!" leans
# negative, which does not carry over to community feedback).
_BREAK_CHARS = "，,。.！!？?；;：:、~～…\"'“”‘’（）()【】[]《》<>-—_/\\|·*#@&%$^=+ \t\r\n"
_BREAK_TABLE = {ord(ch): 0 for ch in _BREAK_CHARS} | {0: None}


def char_ngram_counts(texts: Sequence[str], ngram_range: tuple[int, int], bits: int,
                      break_punctuation: bool = True) -> sp.csr_matrix:
    """Counts of hashed character n-grams per text, as a CSR matrix of width ``2**bits``."""
    n_docs = len(texts)
    width = 1 << bits
    if n_docs == 0:
        return sp.csr_matrix((0, width), dtype=np.float64)
    if break_punctuation:
        clean = [t.translate(_BREAK_TABLE) for t in texts]
    else:
        clean = [t.replace("\x00", "") for t in texts]
    joined = "\x00".join(clean)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(t) + 1 for t in clean), dtype=np.int64, count=n_docs)
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)[: len(codes)]
    rows, cols = [], []
    lo, hi = ngram_range
    for n in range(lo, hi + 1):
        m = len(codes) - n + 1
        if m <= 0:
            continue
        h = codes[:m].copy()
        valid = codes[:m] != 0
        for k in range(1, n):
            c = codes[k:k + m]
            h = h * _MUL ^ c
            valid &= c != 0
        h = _mix(h ^ np.uint64(n * 0x9E3779B1))
        rows.append(doc_of[:m][valid])
        cols.append((h % np.uint64(width)).astype(np.int64)[valid])
    if not rows:
        return sp.csr_matrix((n_docs, width), dtype=np.float64)
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    mat = sp.csr_matrix((np.ones(len(r), dtype=np.float64), (r, c)), shape=(n_docs, width))
    mat.sum_duplicates()
    return mat


def _l2_rows(mat: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.diags(1.0 / norms) @ mat


class SentimentFeaturizer:
    """Turn :class:`SentimentDoc` objects into a sparse feature matrix (scikit-learn style).

    Blocks, each L2-normalised: hashed character n-grams (TF-IDF, sublinear tf); word unigrams
    and hashed word bigrams (TF-IDF) with negation-scoped tokens as separate features; then a
    few dense lexicon features (positive and negative lexicon mass with negation and degree,
    sticker/emoji polarity, negators present, question form).
    """

    def __init__(self, *, char_ngrams: tuple[int, int] = (1, 3), char_bits: int = 20,
                 bigram_bits: int = 19, min_df: int = 2, use_lexicon: bool = True,
                 lexicon_weight: float = 0.5, use_punctuation: bool = False) -> None:
        self.char_ngrams = char_ngrams
        self.use_punctuation = use_punctuation
        self.char_bits = char_bits
        self.bigram_bits = bigram_bits
        self.min_df = min_df
        self.use_lexicon = use_lexicon
        self.lexicon_weight = lexicon_weight

    # -- fitting -------------------------------------------------------------------------------

    def fit(self, docs: Sequence[SentimentDoc], y=None, sample_weight=None) -> SentimentFeaturizer:
        """Learn the word vocabulary and the IDF weights; returns self."""
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs: Sequence[SentimentDoc], y=None) -> sp.csr_matrix:
        """Fit, then transform the same documents."""
        df = Counter()
        for doc in docs:
            df.update(set(doc.tokens))
        vocab = sorted(t for t, c in df.items() if c >= self.min_df and t.strip())
        self.vocabulary_ = {t: i for i, t in enumerate(vocab)}
        char_counts, word_counts = self._counts(docs)
        self.char_idf_ = self._idf(char_counts)
        self.word_idf_ = self._idf(word_counts)
        return self._finish(char_counts, word_counts, self._dense(docs, load_lexicon()))

    def _idf(self, counts: sp.csr_matrix) -> np.ndarray:
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        idf[df < self.min_df] = 0.0
        return idf

    # -- transforming --------------------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "vocabulary_"):
            raise NotFittedError("SentimentFeaturizer is not fitted yet; call fit() first")

    @property
    def n_word_features(self) -> int:
        """Width of the word block: plain and negated unigrams, then hashed bigrams."""
        return 2 * len(self.vocabulary_) + (1 << self.bigram_bits)

    def transform(self, docs: Sequence[SentimentDoc]) -> sp.csr_matrix:
        """Feature matrix for ``docs``."""
        return self.transform_with_cues(docs)[0]

    def transform_with_cues(self, docs: Sequence[SentimentDoc]) -> tuple[sp.csr_matrix, np.ndarray]:
        """Feature matrix plus, per doc, whether it has any sentiment cue (lexicon word/sticker)."""
        self._check_fitted()
        char_counts, word_counts = self._counts(docs)
        dense = self._dense(docs, load_lexicon())
        cues = (dense[:, 0] + dense[:, 1]) > 0
        return self._finish(char_counts, word_counts, dense), cues

    def _counts(self, docs: Sequence[SentimentDoc]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        chars = char_ngram_counts([d.text.lower() for d in docs], self.char_ngrams,
                                  self.char_bits, break_punctuation=not self.use_punctuation)
        return chars, self._word_counts(docs)

    def _word_counts(self, docs: Sequence[SentimentDoc]) -> sp.csr_matrix:
        vocab = self.vocabulary_
        n_vocab = len(vocab)
        negators = load_lexicon().negators
        breaks = CLAUSE_BREAKS
        keep_punct = self.use_punctuation
        ids: list[int] = []
        doc_idx: list[int] = []
        for i, doc in enumerate(docs):
            scope = 0
            for tok in doc.tokens:
                if tok in breaks or not tok.strip():
                    scope = 0
                    ids.append(vocab.get(tok, -1) if keep_punct else -1)
                elif tok in negators:
                    scope = NEGATION_SCOPE
                    ids.append(vocab.get(tok, -1))
                else:
                    j = vocab.get(tok, -1)
                    if scope:
                        scope -= 1
                        if j >= 0:
                            j += n_vocab
                    ids.append(j)
                doc_idx.append(i)
        width = self.n_word_features
        n_docs = len(docs)
        if not ids:
            return sp.csr_matrix((n_docs, width), dtype=np.float64)
        arr = np.asarray(ids, dtype=np.int64)
        rows = np.asarray(doc_idx, dtype=np.int64)
        uni = arr >= 0
        same = rows[1:] == rows[:-1]
        pair_ok = same & (arr[1:] >= 0) & (arr[:-1] >= 0)
        a = arr[:-1][pair_ok].astype(np.uint64)
        b = arr[1:][pair_ok].astype(np.uint64)
        h = _mix(a * np.uint64(2 * n_vocab + 1) + b)
        bigram_cols = (h % np.uint64(1 << self.bigram_bits)).astype(np.int64) + 2 * n_vocab
        r = np.concatenate([rows[uni], rows[1:][pair_ok]])
        c = np.concatenate([arr[uni], bigram_cols])
        mat = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(n_docs, width))
        mat.sum_duplicates()
        return mat

    N_DENSE = 6

    def _dense(self, docs: Sequence[SentimentDoc], lex: Lexicon) -> np.ndarray:
        out = np.zeros((len(docs), self.N_DENSE))
        contrast = lex.contrast
        for i, doc in enumerate(docs):
            toks = doc.tokens
            pos, neg, negated = lexicon_scores(toks, lex)
            # Stickers and emoji count like lexicon words, so the weight the model learns for
            # lexicon mass carries over to them (the training reviews have almost none).
            sig = doc.signal_polarity
            pos += max(sig, 0.0)
            neg += max(-sig, 0.0)
            # What follows the last turn word (但是 / 就是 / 不过 …) usually carries the verdict.
            last = max((k for k, t in enumerate(toks) if t in contrast), default=-1)
            tail_pos, tail_neg = lexicon_scores(toks[last + 1:], lex)[:2] if last >= 0 else (0, 0)
            out[i] = (
                np.log1p(pos), np.log1p(neg), 1.0 if negated else 0.0,
                np.log1p(tail_pos), np.log1p(tail_neg),
                1.0 if doc.text.rstrip("!！。.~～ ").endswith(_QUESTION_ENDS) else 0.0,
            )
        return out * self.lexicon_weight

    def _finish(self, char_counts, word_counts, dense: np.ndarray) -> sp.csr_matrix:
        blocks = []
        for counts, idf in ((char_counts, self.char_idf_), (word_counts, self.word_idf_)):
            m = counts.copy()
            m.data = 1.0 + np.log(m.data)
            m = m @ sp.diags(idf)
            blocks.append(_l2_rows(m.tocsr()))
        if self.use_lexicon:
            blocks.append(sp.csr_matrix(dense))
        return sp.hstack(blocks, format="csr")
