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
    DEGREE_SCOPE,
    NEGATION_SCOPE,
    Lexicon,
    load_lexicon,
    token_polarity,
)

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MUL = np.uint64(1000003)
_QUESTION_ENDS = ("?", "？", "吗", "呢", "么", "嘛")
_TABLE_LIMIT = 500_000
# Token roles for the word features and for the lexicon arithmetic (see SentimentFeaturizer._scan).
_W_PLAIN, _W_BREAK, _W_NEGATOR = 0, 1, 2
_L_POLAR, _L_BREAK, _L_CONTRAST, _L_NEGATOR, _L_DEGREE = 0, 1, 2, 3, 4


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


def _tfidf_l2(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf times idf, then L2-normalised rows, computed on the CSR data in place."""
    m = counts.copy()
    if m.nnz:
        m.data = (1.0 + np.log(m.data)) * idf[m.indices]
        rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        norms = np.sqrt(np.bincount(rows, weights=m.data * m.data, minlength=m.shape[0]))
        norms[norms == 0] = 1.0
        m.data /= norms[rows]
    return m


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
        self._table = {}
        char_counts, word_counts, dense = self._counts(docs)
        self.char_idf_ = self._idf(char_counts)
        self.word_idf_ = self._idf(word_counts)
        return self._finish(char_counts, word_counts, dense)

    def _idf(self, counts: sp.csr_matrix) -> np.ndarray:
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        idf[df < self.min_df] = 0.0
        return idf.astype(np.float32)  # halves the saved model; float32 is precise enough

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
        char_counts, word_counts, dense = self._counts(docs)
        cues = (dense[:, 0] + dense[:, 1]) > 0
        return self._finish(char_counts, word_counts, dense), cues

    def __getstate__(self) -> dict:
        """Pickle without the per-token lookup cache (it is rebuilt as tokens are seen)."""
        return {k: v for k, v in self.__dict__.items() if k != "_table"}

    def _counts(self, docs: Sequence[SentimentDoc]
                ) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
        chars = char_ngram_counts([d.text.lower() for d in docs], self.char_ngrams,
                                  self.char_bits, break_punctuation=not self.use_punctuation)
        ids, lengths, dense = self._scan(docs)
        return chars, self._word_matrix(ids, lengths, len(docs)), dense

    def _token_entry(self, tok: str, lex: Lexicon) -> tuple[int, int, int, float]:
        """(vocab id, word role, lexicon role, value) of a token; see :meth:`_scan`."""
        vid = self.vocabulary_.get(tok, -1)
        if tok in CLAUSE_BREAKS or not tok.strip():
            return (vid if self.use_punctuation else -1), _W_BREAK, _L_BREAK, 0.0
        word_role = _W_NEGATOR if tok in lex.negators else _W_PLAIN
        if tok in lex.contrast:
            return vid, word_role, _L_CONTRAST, 0.0
        if tok in lex.negators:
            return vid, word_role, _L_NEGATOR, 0.0
        if tok in lex.degree and tok not in lex.polarity:
            return vid, word_role, _L_DEGREE, lex.degree[tok]
        return vid, word_role, _L_POLAR, token_polarity(tok, lex)

    def _scan(self, docs: Sequence[SentimentDoc]) -> tuple[list[int], np.ndarray, np.ndarray]:
        """One pass over all tokens: word ids with negation scope, and the lexicon features.

        Each distinct token is classified once (cached), so the per-token work is one dict
        lookup and a few branches. The lexicon arithmetic equals :func:`lexicon_scores` on the
        whole text and on the part after the last turn word.
        """
        lex = load_lexicon()
        table = self.__dict__.setdefault("_table", {})
        if len(table) > _TABLE_LIMIT:
            table.clear()
        n_vocab = len(self.vocabulary_)
        ids: list[int] = []
        push = ids.append
        lengths = np.zeros(len(docs), dtype=np.int64)
        dense = np.zeros((len(docs), self.N_DENSE))
        for i, doc in enumerate(docs):
            scope = neg_left = deg_left = 0
            scale = 1.0
            pos = neg = tail_pos = tail_neg = 0.0
            negated = 0
            contrast_seen = False
            for tok in doc.tokens:
                entry = table.get(tok)
                if entry is None:
                    entry = table[tok] = self._token_entry(tok, lex)
                vid, word_role, lex_role, value = entry
                if word_role == _W_PLAIN:
                    if scope:
                        scope -= 1
                        if vid >= 0:
                            vid += n_vocab
                elif word_role == _W_BREAK:
                    scope = 0
                else:
                    scope = NEGATION_SCOPE
                push(vid)
                if lex_role == _L_POLAR:
                    if value:
                        if neg_left > 0:
                            value = -value * 0.8
                        if deg_left > 0:
                            value *= scale
                        if value > 0:
                            pos += value
                            tail_pos += value
                        else:
                            neg -= value
                            tail_neg -= value
                        scale, deg_left = 1.0, 0
                    if neg_left:
                        neg_left -= 1
                    if deg_left:
                        deg_left -= 1
                elif lex_role == _L_BREAK or lex_role == _L_CONTRAST:
                    neg_left = deg_left = 0
                    scale = 1.0
                    if lex_role == _L_CONTRAST:
                        contrast_seen = True
                        tail_pos = tail_neg = 0.0
                elif lex_role == _L_NEGATOR:
                    neg_left = NEGATION_SCOPE
                    negated += 1
                else:
                    scale = value
                    deg_left = DEGREE_SCOPE
            lengths[i] = len(doc.tokens)
            # Stickers and emoji count like lexicon words, so the weight the model learns for
            # lexicon mass carries over to them (the training reviews have almost none).
            sig = doc.signal_polarity
            pos += max(sig, 0.0)
            neg += max(-sig, 0.0)
            # What follows the last turn word (但是 / 就是 / 不过 …) usually carries the verdict.
            if not contrast_seen:
                tail_pos = tail_neg = 0.0
            row = dense[i]
            row[0] = pos
            row[1] = neg
            row[2] = 1.0 if negated else 0.0
            row[3] = tail_pos
            row[4] = tail_neg
            row[5] = 1.0 if doc.text.rstrip("!！。.~～ ").endswith(_QUESTION_ENDS) else 0.0
        dense[:, [0, 1, 3, 4]] = np.log1p(dense[:, [0, 1, 3, 4]])
        return ids, lengths, dense * self.lexicon_weight

    def _word_matrix(self, ids: list[int], lengths: np.ndarray, n_docs: int) -> sp.csr_matrix:
        """Unigram and hashed bigram counts from the scanned word ids."""
        n_vocab = len(self.vocabulary_)
        width = self.n_word_features
        if not ids:
            return sp.csr_matrix((n_docs, width), dtype=np.float64)
        arr = np.asarray(ids, dtype=np.int64)
        rows = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
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

    def _blocks(self, char_counts, word_counts, dense: np.ndarray) -> list:
        blocks = [_tfidf_l2(char_counts, self.char_idf_), _tfidf_l2(word_counts, self.word_idf_)]
        if self.use_lexicon:
            blocks.append(dense)
        return blocks

    def _finish(self, char_counts, word_counts, dense: np.ndarray) -> sp.csr_matrix:
        blocks = self._blocks(char_counts, word_counts, dense)
        return sp.hstack([sp.csr_matrix(b) for b in blocks], format="csr")

    def decision_with_cues(self, docs: Sequence[SentimentDoc], coef: np.ndarray,
                           intercept: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """``X @ coef + intercept`` without building X as one matrix, plus the cue mask.

        The fast path for prediction: each block is multiplied by its slice of ``coef``.
        """
        self._check_fitted()
        char_counts, word_counts, dense = self._counts(docs)
        out = np.full(len(docs), float(intercept))
        start = 0
        for block in self._blocks(char_counts, word_counts, dense):
            width = block.shape[1]
            out += block @ coef[start:start + width]
            start += width
        return out, (dense[:, 0] + dense[:, 1]) > 0
