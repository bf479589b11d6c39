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
    ROLE_BREAK,
    ROLE_CONTRAST,
    ROLE_DEGREE,
    ROLE_NEGATOR,
    ROLE_POLAR,
    Lexicon,
    token_role,
)

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MUL = np.uint64(1000003)
_QUESTION_ENDS = ("?", "？", "吗", "呢", "么", "嘛")
# Token roles for the word features and for the lexicon arithmetic (see SentimentFeaturizer._scan).
_W_PLAIN, _W_BREAK, _W_NEGATOR = 0, 1, 2
_L_POLAR, _L_BREAK, _L_CONTRAST, _L_NEGATOR, _L_DEGREE = (
    ROLE_POLAR, ROLE_BREAK, ROLE_CONTRAST, ROLE_NEGATOR, ROLE_DEGREE)


def token_entry(tok: str, lex: Lexicon, vocabulary: dict[str, int], use_punctuation: bool = False
                ) -> tuple[int, int, int, float]:
    """(vocabulary id, word role, lexicon role, value) of one token.

    Word roles: plain, break (punctuation or space: closes a negation scope) or negator.
    Lexicon roles and values: see :func:`nlp.sentiment.lexicon.token_role`.
    """
    vid = vocabulary.get(tok, -1)
    if tok in CLAUSE_BREAKS or not tok.strip():
        return (vid if use_punctuation else -1), _W_BREAK, _L_BREAK, 0.0
    word_role = _W_NEGATOR if tok in lex.negators else _W_PLAIN
    role, value = token_role(tok, lex)
    return vid, word_role, role, value


@dataclass(frozen=True)
class SentimentDoc:
    """What the featuriser needs for one text: normalised text, its tokens, sticker polarity."""

    text: str
    tokens: list[str]
    signal_polarity: float = 0.0
    sarcasm: float = 0.0  # sarcastic stickers and emoji ([微笑] [旺柴] 🙂)
    courtesy: float = 0.0  # polarity of sign-off gestures ([抱拳] [强] 👍 🙏)


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
        cols.append((h & np.uint64(width - 1)).astype(np.int64)[valid])
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

    Blocks: hashed character n-grams and word unigrams and hashed word bigrams (each TF-IDF
    with sublinear tf, L2-normalised; negation-scoped tokens are separate features, and a 好
    read as a degree word counts as 很); then the dense lexicon and rule features of
    :func:`nlp.sentiment.batch.dense_block`.
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
        self._tokens = None
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
        return self._finish(char_counts, word_counts, dense), self._cues(dense)

    def _cues(self, dense: np.ndarray) -> np.ndarray:
        from nlp.sentiment import batch

        return dense[:, batch.D_NOCUE] == 0

    def __getstate__(self) -> dict:
        """Pickle without the per-token lookup cache (it is rebuilt as tokens are seen)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_table", "_tokens")}

    def _counts(self, docs: Sequence[SentimentDoc]
                ) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
        ids, lengths, dense, texts = self._scan(docs)
        chars = char_ngram_counts([t.lower() for t in texts], self.char_ngrams,
                                  self.char_bits, break_punctuation=not self.use_punctuation)
        return chars, self._word_matrix(ids, lengths, len(docs)), dense

    def _token_entry(self, tok: str, lex: Lexicon) -> tuple[int, int, int, float]:
        """(vocab id, word role, lexicon role, value) of a token; see :func:`token_entry`."""
        return token_entry(tok, lex, self.vocabulary_, self.use_punctuation)

    def _token_table(self):
        """Per-token attributes for the vectorised scan, built as tokens are seen."""
        from nlp.sentiment.batch import TokenTable

        table = self.__dict__.get("_tokens")
        if table is None:
            table = self._tokens = TokenTable(self, None)
        return table

    def _scan(self, docs: Sequence[SentimentDoc]
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
        """Word ids with negation scope, tokens per doc, the dense lexicon features, and the
        texts the character n-grams read (:func:`~nlp.sentiment.batch.rewrite_intensifiers`).

        A token inside a negation scope (up to ``NEGATION_SCOPE`` tokens after a negator, until
        punctuation) becomes its own "negated" feature; the dense block holds the lexicon
        reading (:func:`~nlp.sentiment.lexicon.lexicon_scores`) and the rule features built
        on it (:func:`~nlp.sentiment.batch.dense_block`). Each distinct token is classified
        once; the rest is numpy over all tokens (:mod:`nlp.sentiment.batch`).
        """
        from nlp.sentiment import batch

        table = self._token_table()
        flat, lengths = batch.flatten([d.tokens for d in docs])
        tid = table.ids(flat)
        groups = batch.groups_from_lengths(lengths)
        extra: dict = {}
        vid, lex, _ = batch.scan_groups(tid, groups, table.arrays, len(self.vocabulary_),
                                        table.pairs(), extra)
        texts = batch.rewrite_intensifiers([d.text for d in docs], flat, lengths,
                                           extra["intensified"])
        return vid, lengths, self._dense(docs, lex), texts

    def _dense(self, docs: Sequence[SentimentDoc], lex: np.ndarray) -> np.ndarray:
        from nlp.sentiment import batch

        signal = np.fromiter((d.signal_polarity for d in docs), dtype=float, count=len(docs))
        sarcasm = np.fromiter((d.sarcasm for d in docs), dtype=float, count=len(docs))
        courtesy = np.fromiter((d.courtesy for d in docs), dtype=float, count=len(docs))
        flags = batch.text_flags([d.text for d in docs])
        return batch.dense_block(lex, signal, sarcasm, flags, self.lexicon_weight, courtesy)

    def _word_matrix(self, ids: np.ndarray, lengths: np.ndarray, n_docs: int) -> sp.csr_matrix:
        """Unigram and hashed bigram counts from the scanned word ids."""
        n_vocab = len(self.vocabulary_)
        width = self.n_word_features
        if not len(ids):
            return sp.csr_matrix((n_docs, width), dtype=np.float64)
        arr = np.asarray(ids, dtype=np.int64)
        rows = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
        uni = arr >= 0
        same = rows[1:] == rows[:-1]
        pair_ok = same & (arr[1:] >= 0) & (arr[:-1] >= 0)
        a = arr[:-1][pair_ok].astype(np.uint64)
        b = arr[1:][pair_ok].astype(np.uint64)
        h = _mix(a * np.uint64(2 * n_vocab + 1) + b)
        bigram_cols = (h & np.uint64((1 << self.bigram_bits) - 1)).astype(np.int64) + 2 * n_vocab
        r = np.concatenate([rows[uni], rows[1:][pair_ok]])
        c = np.concatenate([arr[uni], bigram_cols])
        mat = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(n_docs, width))
        mat.sum_duplicates()
        return mat

    N_DENSE = 23  # see nlp.sentiment.batch.dense_block

    def _blocks(self, char_counts, word_counts, dense: np.ndarray) -> list:
        blocks = [_tfidf_l2(char_counts, self.char_idf_), _tfidf_l2(word_counts, self.word_idf_)]
        if self.use_lexicon:
            blocks.append(dense)
        return blocks

    def _finish(self, char_counts, word_counts, dense: np.ndarray) -> sp.csr_matrix:
        blocks = self._blocks(char_counts, word_counts, dense)
        return sp.hstack([sp.csr_matrix(b) for b in blocks], format="csr")

    def decision_with_cues(self, docs: Sequence[SentimentDoc], coef: np.ndarray,
                           intercept=0.0) -> tuple[np.ndarray, np.ndarray]:
        """``X @ coef.T + intercept`` without building X as one matrix, plus the cue mask.

        The fast path for prediction: each block's TF-IDF rows are dotted with its slice of
        ``coef`` (one row per head, or a single vector) straight from (row, column, count)
        triples.
        """
        from nlp.sentiment import batch

        self._check_fitted()
        table = self._token_table()
        flat, lengths = batch.flatten([d.tokens for d in docs])
        tid = table.ids(flat)
        groups = batch.groups_from_lengths(lengths)
        extra: dict = {}
        vid, lex, _ = batch.scan_groups(tid, groups, table.arrays, len(self.vocabulary_),
                                        table.pairs(), extra)
        dense = self._dense(docs, lex)
        codes, text_lengths = batch.char_stream([d.text for d in docs], self.use_punctuation)
        batch.rewrite_intensifier_codes(codes, text_lengths, flat, lengths, extra["intensified"])
        ((rows, cols),) = batch.char_entries(codes, self.char_ngrams, self.char_bits,
                                             [batch.doc_char_labels(text_lengths)])
        coef = np.asarray(coef, dtype=np.float64)
        weights = batch.decision_weights(self, np.atleast_2d(coef))
        decision = batch.group_decision(self, weights, vid, groups, dense, rows, cols)
        decision = decision + np.asarray(intercept, dtype=np.float64)
        return (decision[:, 0] if coef.ndim == 1 else decision), self._cues(dense)
