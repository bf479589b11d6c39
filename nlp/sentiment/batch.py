"""Vectorised scoring: many texts and all their clauses from one pass over the tokens.

The per-token work of the sentiment features (vocabulary ids with negation scope, lexicon
mass with negation and degree, clause boundaries, aspect nouns) is done once per distinct
token and cached in a :class:`TokenTable`; everything per occurrence is numpy over the flat
token stream of a whole batch. Clauses are groups of that same stream, so scoring every
clause of every text costs a second grouping of arrays already built, not a second pass of
featurisation. Each block's TF-IDF row and its dot product with the coefficients are taken
from (row, column, count) triples, so no 2**20-wide matrix is ever built.

The results equal :meth:`SentimentFeaturizer.transform` times the coefficients (a test checks
it), and a clause scores exactly as its own text would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from nlp.sentiment.clauses import CLAUSE_PUNCTUATION
from nlp.sentiment.features import (
    _BREAK_CHARS,
    _L_BREAK,
    _L_CONTRAST,
    _L_DEGREE,
    _L_NEGATOR,
    _L_POLAR,
    _MUL,
    _QUESTION_ENDS,
    _W_BREAK,
    _W_NEGATOR,
    _W_PLAIN,
    _mix,
    token_entry,
)
from nlp.sentiment.lexicon import DEGREE_SCOPE, NEGATION_SCOPE, load_lexicon

_TABLE_LIMIT = 500_000
_CLAUSE_END = "，,。.！!？?；;~～…、"  # what clause_text strips from a clause's end
_ASPECT_FLAGS = ("n", "vn", "nz", "ng", "nr", "ns", "nt", "eng")
# Break characters become code 0 in the character stream, so no n-gram contains one; a NUL in
# a text is a break too (the older string path deleted it), which keeps offsets fixed.
_IS_BREAK = np.zeros(0x10000, dtype=bool)
_IS_BREAK[[ord(ch) for ch in _BREAK_CHARS]] = True


class TokenTable:
    """What the sentiment features need to know about each distinct token, as arrays.

    Built lazily from a fitted featuriser, the lexicon and a segmenter (for content forms
    and parts of speech); ``ids`` maps a token stream to rows of the arrays, adding rows for
    tokens not seen before. Cleared when it grows past ``_TABLE_LIMIT`` tokens.
    """

    _COLUMNS = (("vid", np.int64), ("wrole", np.int8), ("lrole", np.int8),
                ("value", np.float64), ("punct", bool), ("contrast", bool), ("content", bool),
                ("word", bool), ("aspect", bool), ("form_id", np.int64))

    def __init__(self, featurizer, segmenter) -> None:
        self.featurizer = featurizer
        self.segmenter = segmenter
        self._index: dict[str, int] = {}
        self._pending: list[tuple] = []
        self._form_index: dict[str, int] = {}
        self._forms: list[str] = []
        self._arrays: dict[str, np.ndarray] = {
            name: np.zeros(0, dtype=dtype) for name, dtype in self._COLUMNS
        }
        self._arrays["form"] = np.zeros(0, dtype=object)
        self._store: dict[str, np.ndarray] = {}

    def _entry(self, tok: str, lex) -> tuple:
        featurizer = self.featurizer
        if featurizer is not None:
            vid, wrole, lrole, value = token_entry(tok, lex, featurizer.vocabulary_,
                                                   featurizer.use_punctuation)
        else:
            vid, wrole, lrole, value = token_entry(tok, lex, {})
        punct = tok in CLAUSE_PUNCTUATION
        content = not punct and bool(tok.strip())
        seg = self.segmenter
        form = seg._content_form(tok) if seg is not None else ""
        aspect = bool(form) and seg.pos_of(form).startswith(_ASPECT_FLAGS)
        form_id = -1
        if aspect:
            form_id = self._form_index.get(form, -1)
            if form_id < 0:
                form_id = self._form_index[form] = len(self._forms)
                self._forms.append(form)
        return (vid, wrole, lrole, value, punct, tok in lex.contrast and not punct, content,
                bool(form), aspect, form_id)

    def ids(self, flat: list[str]) -> np.ndarray:
        """Row of every token of ``flat`` (new tokens are added)."""
        if len(self._index) > _TABLE_LIMIT:
            self.__init__(self.featurizer, self.segmenter)
        index = self._index
        missing = set(flat).difference(index)
        if missing:
            lex = load_lexicon()
            for tok in sorted(missing):
                index[tok] = len(index)
                self._pending.append(self._entry(tok, lex))
        return np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))

    @property
    def arrays(self) -> dict[str, np.ndarray]:
        """Column arrays of the table (the rows added since last time are appended)."""
        if self._pending:
            cols = list(zip(*self._pending, strict=True))
            n_old = len(self._arrays["vid"])
            n_new = n_old + len(self._pending)
            for (name, dtype), col in zip(self._COLUMNS, cols, strict=True):
                store = self._store.get(name)
                if store is None or len(store) < n_new:
                    # Grow by doubling, so adding tokens chunk after chunk stays linear.
                    bigger = np.zeros(max(2 * n_new, 1024), dtype=dtype)
                    bigger[:n_old] = self._arrays[name]
                    store = self._store[name] = bigger
                store[n_old:n_new] = np.asarray(col, dtype=dtype)
                self._arrays[name] = store[:n_new]
            self._pending = []
            if len(self._arrays.get("form", ())) != len(self._forms):
                self._arrays["form"] = np.asarray(self._forms, dtype=object)
        return self._arrays


def grouped_aspects(tid: np.ndarray, group: np.ndarray, wanted: np.ndarray,
                    arrays: dict[str, np.ndarray]) -> list[list[str]]:
    """Per wanted group (sorted), the nouns among its tokens, in order and once each.

    ``tid`` and ``group`` are the tokens of the wanted groups, in stream order; nouns are
    content words whose dictionary part of speech is n…, vn or eng.
    """
    at = np.flatnonzero(arrays["aspect"][tid])
    form_id = arrays["form_id"][tid[at]]
    if len(at):
        # Keep each (group, noun) pair's first occurrence only.
        key = group[at] * (int(form_id.max()) + 1) + form_id
        order = np.argsort(key, kind="stable")
        first = np.ones(len(at), dtype=bool)
        first[1:] = key[order[1:]] != key[order[:-1]]
        keep = np.zeros(len(at), dtype=bool)
        keep[order[first]] = True
        at, form_id = at[keep], form_id[keep]
    forms = arrays["form"][form_id].tolist() if len(at) else []
    bounds = np.searchsorted(group[at], wanted).tolist() + [len(at)]
    return [forms[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


@dataclass
class Groups:
    """A grouping of a token stream: per token its group, per group its first token."""

    of_token: np.ndarray  # group index per token (non-decreasing)
    first: np.ndarray  # index (in the stream) of each group's first token
    count: int


def groups_from_lengths(lengths: np.ndarray) -> Groups:
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    of_token = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    return Groups(of_token, first if len(lengths) else np.zeros(0, np.int64), len(lengths))


def _last_before(mask: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Per position, the index of the last position at or before it where ``mask`` holds."""
    return np.maximum.accumulate(np.where(mask, idx, -1)) if len(idx) else idx


def _count_between(cum: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """How many flagged positions lie strictly between ``start`` and ``end`` (start < end)."""
    return cum[end - 1] - cum[np.maximum(start, 0)]


def scan_groups(tid: np.ndarray, groups: Groups, arrays: dict[str, np.ndarray], n_vocab: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vocabulary ids with negation scope, the five lexicon sums, and content-word counts.

    The same arithmetic as :meth:`SentimentFeaturizer._scan`, position by position: a negator
    reaches the next ``NEGATION_SCOPE`` plain tokens (word features) or polar-role tokens
    (lexicon), a degree word scales the first polar word within ``DEGREE_SCOPE`` polar-role
    tokens, punctuation (and for the lexicon, turn words) closes both, and every group starts
    fresh. Returns ``vid`` per token, ``lex`` (groups × [pos, neg, negated, tail_pos,
    tail_neg]) and the number of content words per group.
    """
    n_tok = len(tid)
    n = groups.count
    idx = np.arange(n_tok, dtype=np.int64)
    gfirst = groups.first[groups.of_token] if n_tok else idx
    vid = arrays["vid"][tid]
    wrole = arrays["wrole"][tid]
    lrole = arrays["lrole"][tid]
    value = arrays["value"][tid]

    # Word features: plain tokens within reach of a negator become "negated" features.
    plain = wrole == _W_PLAIN
    last_neg = _last_before(wrole == _W_NEGATOR, idx)
    last_brk = _last_before(wrole == _W_BREAK, idx)
    cum_plain = np.cumsum(plain)
    live = plain & (last_neg >= gfirst) & (last_neg > last_brk)
    if live.any():
        reach = np.zeros(n_tok, dtype=bool)
        j = np.flatnonzero(live)
        reach[j] = _count_between(cum_plain, last_neg[j], j) < NEGATION_SCOPE
        vid = np.where(reach & (vid >= 0), vid + n_vocab, vid)

    # Lexicon sums.
    polar = lrole == _L_POLAR
    valued = polar & (value != 0)
    contrast = lrole == _L_CONTRAST
    reset = _last_before((lrole == _L_BREAK) | contrast, idx)
    val = value.copy()
    val[~valued] = 0.0
    cum_polar = np.cumsum(polar)
    j = np.flatnonzero(valued)
    if len(j):
        neg_at = _last_before(lrole == _L_NEGATOR, idx)[j]
        flip = (neg_at >= gfirst[j]) & (neg_at > reset[j])
        flip &= _count_between(cum_polar, neg_at, j) < NEGATION_SCOPE
        deg_at = _last_before(lrole == _L_DEGREE, idx)[j]
        prev_valued = _last_before(valued, idx)[np.maximum(j - 1, 0)]
        prev_valued[j == 0] = -1
        scaled = (deg_at >= gfirst[j]) & (deg_at > reset[j]) & (prev_valued < deg_at)
        scaled &= _count_between(cum_polar, deg_at, j) < DEGREE_SCOPE
        v = val[j]
        v = np.where(flip, -v * 0.8, v)
        v = np.where(scaled, v * value[np.maximum(deg_at, 0)], v)
        val[j] = v
    grp = groups.of_token
    pos = np.bincount(grp, np.maximum(val, 0.0), minlength=n)
    neg = np.bincount(grp, np.maximum(-val, 0.0), minlength=n)
    negated = np.bincount(grp, lrole == _L_NEGATOR, minlength=n) > 0
    # What follows the group's last turn word.
    last_c = _last_before(contrast, idx)
    group_last = np.full(n, -1, dtype=np.int64)
    if n_tok:
        ends = np.concatenate([groups.first[1:], [n_tok]]) - 1
        has_tok = ends >= groups.first
        group_last[has_tok] = last_c[ends[has_tok]]
        group_last[group_last < groups.first] = -1
    after = idx > group_last[grp] if n_tok else np.zeros(0, dtype=bool)
    after &= (group_last >= 0)[grp] if n_tok else after
    tail_pos = np.bincount(grp, np.where(after, np.maximum(val, 0.0), 0.0), minlength=n)
    tail_neg = np.bincount(grp, np.where(after, np.maximum(-val, 0.0), 0.0), minlength=n)
    lex = np.column_stack([pos, neg, negated.astype(float), tail_pos, tail_neg])
    words = np.bincount(grp, arrays["word"][tid], minlength=n).astype(np.int64)
    return vid, lex, words


def dense_block(lex: np.ndarray, signal: np.ndarray, question: np.ndarray, weight: float
                ) -> np.ndarray:
    """The featuriser's dense lexicon columns from the lexicon sums (see ``_scan``)."""
    dense = np.zeros((len(lex), 6))
    dense[:, :5] = lex
    dense[:, 0] += np.maximum(signal, 0.0)
    dense[:, 1] += np.maximum(-signal, 0.0)
    dense[:, 5] = question
    dense[:, [0, 1, 3, 4]] = np.log1p(dense[:, [0, 1, 3, 4]])
    return dense * weight


def word_entries(vid: np.ndarray, groups: Groups, n_vocab: int, bigram_bits: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(group, column) of every unigram and hashed bigram occurrence (as ``_word_matrix``)."""
    grp = groups.of_token
    uni = vid >= 0
    same = grp[1:] == grp[:-1]
    pair = same & uni[1:] & uni[:-1]
    a = vid[:-1][pair].astype(np.uint64)
    b = vid[1:][pair].astype(np.uint64)
    h = _mix(a * np.uint64(2 * n_vocab + 1) + b)
    bigram = (h & np.uint64((1 << bigram_bits) - 1)).astype(np.int64) + 2 * n_vocab
    return (np.concatenate([grp[uni], grp[1:][pair]]), np.concatenate([vid[uni], bigram]))


def char_stream(texts: Sequence[str], use_punctuation: bool = False
                ) -> tuple[np.ndarray, np.ndarray]:
    """The lower-cased texts as one code-point stream, a 0 between texts.

    Punctuation and spaces become 0 too (unless ``use_punctuation``), so no n-gram contains
    them. Returns the codes and each lower-cased text's length.
    """
    lowered = [t.lower() for t in texts]
    joined = "\x00".join(lowered)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if not use_punctuation:
        codes = np.where(_IS_BREAK[np.minimum(codes, 0xFFFF)] & (codes <= 0xFFFF), 0, codes)
    lengths = np.fromiter(map(len, lowered), dtype=np.int64, count=len(lowered))
    return codes.astype(np.uint64), lengths


def doc_char_labels(lengths: np.ndarray) -> np.ndarray:
    """Per position of a :func:`char_stream`, its text's index (-1 on the separators)."""
    if not len(lengths):
        return np.zeros(0, dtype=np.int64)
    labels = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths + 1)[:-1]
    labels[np.cumsum(lengths + 1)[:-1] - 1] = -1
    return labels


def char_entries(codes: np.ndarray, ngram_range: tuple[int, int], bits: int,
                 labels: Sequence[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(row, column) of hashed character n-grams, for each row labelling of the stream.

    ``labels`` are arrays over the stream giving each character's row (-1 for none); an
    n-gram belongs to a row when all its characters carry that row and none is a break.
    Hashes equal :func:`~nlp.sentiment.features.char_ngram_counts`.
    """
    out: list[tuple[list, list]] = [([], []) for _ in labels]
    lo, hi = ngram_range
    mask = np.uint64((1 << bits) - 1)
    nonzero = codes != 0
    h = None
    valid = None
    for n in range(1, hi + 1):
        m = len(codes) - n + 1
        if m <= 0:
            break
        if n == 1:
            h = codes.copy()
            valid = nonzero.copy()
        else:
            h = h[:m] * _MUL ^ codes[n - 1:n - 1 + m]
            valid = valid[:m] & nonzero[n - 1:n - 1 + m]
        if n < lo:
            continue
        pos = np.flatnonzero(valid)
        cols = (_mix(h[pos] ^ np.uint64(n * 0x9E3779B1)) & mask).astype(np.int64)
        for (rows, cs), lab in zip(out, labels, strict=True):
            start = lab[pos]
            keep = (start >= 0) & (start == lab[pos + n - 1])
            rows.append(start[keep])
            cs.append(cols[keep])
    return [
        (np.concatenate(r) if r else np.zeros(0, np.int64),
         np.concatenate(c) if c else np.zeros(0, np.int64))
        for r, c in out
    ]


def block_decision(rows: np.ndarray, cols: np.ndarray, n_rows: int,
                   weights: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Per row, the L2-normalised sublinear TF-IDF vector of its entries dotted with coef.

    ``weights`` holds, per column, idf × coef and idf² (see :func:`block_weights`).
    """
    ic, i2 = weights
    if not len(rows):
        return np.zeros(n_rows)
    key = rows.astype(np.int64) << 32
    key |= cols
    key.sort(kind="stable")
    first = np.empty(len(key), dtype=bool)
    first[0] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=len(key))
    uk = key[starts]
    c = uk & 0xFFFFFFFF
    r = uk >> 32
    tf = np.ones(len(uk))
    many = counts > 1
    tf[many] += np.log(counts[many])
    # Two 1-d gathers: much faster than one gather of rows from a 2-d table.
    num = np.bincount(r, tf * np.take(ic, c), minlength=n_rows)
    den = np.sqrt(np.bincount(r, tf * tf * np.take(i2, c), minlength=n_rows))
    den[den == 0] = 1.0
    return num / den


def block_weights(idf: np.ndarray, coef: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column, idf × coef and idf² (what a row's dot product and norm need)."""
    idf = idf.astype(np.float64)
    return idf * coef, idf * idf


def group_decision(featurizer, weights: tuple,
                   vid: np.ndarray, groups: Groups, dense: np.ndarray, char_rows: np.ndarray,
                   char_cols: np.ndarray) -> np.ndarray:
    """Per group, the featuriser's full feature row dotted with the coefficients.

    ``weights`` comes from :func:`decision_weights` (no intercept is added).
    """
    char_w, word_w, dense_w = weights
    out = block_decision(char_rows, char_cols, groups.count, char_w)
    rows, cols = word_entries(vid, groups, len(featurizer.vocabulary_), featurizer.bigram_bits)
    out += block_decision(rows, cols, groups.count, word_w)
    if featurizer.use_lexicon:
        out += dense @ dense_w
    return out


def decision_weights(featurizer, coef: np.ndarray) -> tuple:
    """The coefficients split per block, as :func:`group_decision` needs them."""
    coef = np.asarray(coef, dtype=np.float64)
    n_char = 1 << featurizer.char_bits
    n_word = featurizer.n_word_features
    return (block_weights(featurizer.char_idf_, coef[:n_char]),
            block_weights(featurizer.word_idf_, coef[n_char:n_char + n_word]),
            coef[n_char + n_word:n_char + n_word + featurizer.N_DENSE])


@dataclass
class ClausePlan:
    """Where the clauses of a batch are: per kept clause its doc and token range."""

    token_clause: np.ndarray  # clause index per token, -1 outside scored clauses
    doc: np.ndarray  # doc index per clause
    start: np.ndarray  # first token (stream index) per clause
    end: np.ndarray  # one past the last token per clause
    split_docs: np.ndarray  # bool per doc: scored clause by clause


def plan_clauses(tid: np.ndarray, docs: Groups, arrays: dict[str, np.ndarray],
                 aligned: np.ndarray) -> ClausePlan:
    """The clauses of :func:`~nlp.sentiment.clauses.split_clauses`, for every doc at once.

    A clause ends after punctuation; a turn word starts a new one when its punctuation
    segment already has content; clauses without content are dropped. Docs with two or more
    clauses (and whose tokens spell their text) are split.
    """
    n_tok = len(tid)
    empty = np.zeros(0, dtype=np.int64)
    if not n_tok:
        return ClausePlan(np.full(0, -1, np.int64), empty, empty, empty,
                          np.zeros(docs.count, dtype=bool))
    punct = arrays["punct"][tid]
    content = arrays["content"][tid]
    contrast = arrays["contrast"][tid]
    seg_start = np.zeros(n_tok, dtype=bool)
    seg_start[docs.first[docs.first < n_tok]] = True
    seg_start[1:] |= punct[:-1]
    seg_id = np.cumsum(seg_start) - 1
    seg_first = np.flatnonzero(seg_start)
    cum = np.cumsum(content)
    before_seg = cum[seg_first] - content[seg_first]
    content_before = cum - content - before_seg[seg_id]
    starts = seg_start | (contrast & (content_before > 0))
    raw = np.cumsum(starts) - 1
    first_tok = np.flatnonzero(starts)
    kept = np.bincount(raw, content, minlength=len(first_tok)) > 0
    clause_doc = docs.of_token[first_tok]
    per_doc = np.bincount(clause_doc[kept], minlength=docs.count)
    split = (per_doc >= 2) & aligned
    use = kept & split[clause_doc]
    new_id = np.cumsum(use) - 1
    token_clause = np.where(use[raw], new_id[raw], -1)
    ends = np.append(first_tok[1:], n_tok)
    return ClausePlan(token_clause, clause_doc[use], first_tok[use], ends[use], split)


def aligned(texts: Sequence[str], cuts: Sequence[Sequence[str]]) -> np.ndarray:
    """Per text, whether its tokens spell it exactly (and lower-casing keeps its length).

    Only then do clause offsets in the tokens match offsets in the text; a text whose cut came
    from elsewhere is not split into clauses.
    """
    return np.fromiter(
        (t == "".join(c) and len(t.lower()) == len(t) for t, c in zip(texts, cuts, strict=True)),
        dtype=bool, count=len(texts),
    )


def clause_texts(plan: ClausePlan, docs: Groups, texts: Sequence[str], flat: list[str]
                 ) -> list[str]:
    """The text of every planned clause, without surrounding spaces and closing punctuation.

    Planned clauses belong to aligned texts, so each is a slice of its text at the offsets
    of its first and last token.
    """
    if not len(plan.doc):
        return []
    token_len = np.fromiter(map(len, flat), dtype=np.int64, count=len(flat))
    before = np.append(np.cumsum(token_len) - token_len, token_len.sum())
    base = before[docs.first[plan.doc]]
    lo = (before[plan.start] - base).tolist()
    hi = (before[plan.end] - base).tolist()
    ends = _CLAUSE_END
    return [texts[d][a:b].strip().rstrip(ends).strip()
            for d, a, b in zip(plan.doc.tolist(), lo, hi, strict=True)]


def clause_groups(plan: ClausePlan) -> tuple[np.ndarray, Groups]:
    """The stream positions inside clauses, and the clause grouping of that sub-stream."""
    sub = np.flatnonzero(plan.token_clause >= 0)
    of_token = plan.token_clause[sub]
    first = np.searchsorted(sub, plan.start)
    return sub, Groups(of_token, first, len(plan.doc))


def clause_char_labels(plan: ClausePlan, docs: Groups, flat: list[str],
                       text_lengths: np.ndarray) -> np.ndarray:
    """Per position of the :func:`char_stream`, its clause (-1 outside clauses).

    Only split texts have clauses, and those are aligned (:func:`aligned`): a token's
    characters sit at its offset in the text.
    """
    n = len(text_lengths)
    labels = np.full(int(text_lengths.sum()) + max(n - 1, 0), -1, dtype=np.int64)
    inside = np.flatnonzero(plan.token_clause >= 0)
    if not len(inside):
        return labels
    token_len = np.fromiter(map(len, flat), dtype=np.int64, count=len(flat))
    before = np.cumsum(token_len) - token_len  # characters before each token in the stream
    text_start = np.cumsum(text_lengths + 1) - (text_lengths + 1)
    doc = docs.of_token[inside]
    first = docs.first[doc]
    start = text_start[doc] + before[inside] - before[first]
    lens = token_len[inside]
    step = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
    labels[np.repeat(start, lens) + step] = np.repeat(plan.token_clause[inside], lens)
    return labels


@dataclass
class GroupParts:
    """What scoring needs about a batch of groups (texts or clauses)."""

    vid: np.ndarray
    groups: Groups
    lex: np.ndarray
    signal: np.ndarray
    words: np.ndarray
    question: np.ndarray
    chars: tuple[np.ndarray, np.ndarray] | None

    def polar_mass(self) -> tuple[np.ndarray, np.ndarray]:
        """Positive and negative lexicon mass, stickers and emoji included."""
        return (self.lex[:, 0] + np.maximum(self.signal, 0.0),
                self.lex[:, 1] + np.maximum(-self.signal, 0.0))


@dataclass
class Scored:
    """Scores of a batch, and of its clauses when they were planned."""

    score: np.ndarray
    cue: np.ndarray
    empty: np.ndarray
    plan: ClausePlan | None
    clause_texts: list[str]
    clause_score: np.ndarray | None = None
    clause_cue: np.ndarray | None = None
    clause_question: np.ndarray | None = None
    tid: np.ndarray | None = None
    doc_of_token: np.ndarray | None = None


def question_flags(texts: Sequence[str]) -> np.ndarray:
    """Whether each text reads as a question (ends in ？ / 吗 / 呢 … before closing marks)."""
    closing, ends = "!！。.~～ ", _QUESTION_ENDS
    return np.array([t.rstrip(closing).endswith(ends) for t in texts], dtype=bool)


def flatten(token_lists: Sequence[Sequence[str]]) -> tuple[list[str], np.ndarray]:
    """All tokens in one list, and the number per text."""
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    return list(chain.from_iterable(token_lists)), lengths
