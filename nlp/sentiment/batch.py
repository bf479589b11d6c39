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
from nlp.sentiment.lexicon import (
    CLOSE_QUOTES,
    CONTRAST_DISCOUNT,
    DECLINE_SCOPE,
    DEGREE_SCOPE,
    EMPHATIC_DEGREE,
    EMPHATIC_NEXT,
    INTENSIFIED_NEGATOR,
    M_ASK,
    M_DECLINE,
    M_EMPHATIC,
    M_NEG_INTENSIFY,
    M_PERSIST,
    M_PROHIBIT,
    M_REQUEST,
    M_TIMESPAN,
    M_WHY,
    M_WHY_SOFT,
    NEGATED_WEIGHT,
    NEGATION_SCOPE,
    OPEN_QUOTES,
    is_modifiable,
    load_lexicon,
)

_TABLE_LIMIT = 500_000
# How a word read as a degree word is written for the n-gram features (好辛苦 → 很辛苦).
INTENSIFIER_FORMS = {"好": "很"}
_CLAUSE_END = "，,。.！!？?；;~～…、"  # what clause_text strips from a clause's end
_ASPECT_FLAGS = ("n", "vn", "nz", "ng", "nr", "ns", "nt", "eng")
# Break characters become code 0 in the character stream, so no n-gram contains one; a NUL in
# a text is a break too (the older string path deleted it), which keeps offsets fixed.
_IS_BREAK = np.zeros(0x10000, dtype=bool)
_IS_BREAK[[ord(ch) for ch in _BREAK_CHARS]] = True


# Bits of the token table's ``special`` column: tokens whose reading depends on a neighbour.
_S_PHRASE, _S_DUAL, _S_NEG_INTENSIFY, _S_EMPHATIC, _S_OPEN_QUOTE, _S_DECLINE = 1, 2, 4, 8, 16, 32


def _special(tok: str, lex, dual: float, marks: int) -> int:
    return ((_S_PHRASE if tok in lex.phrase_heads else 0) | (_S_DUAL if dual else 0)
            | (_S_NEG_INTENSIFY if marks & M_NEG_INTENSIFY else 0)
            | (_S_EMPHATIC if marks & M_EMPHATIC else 0)
            | (_S_OPEN_QUOTE if tok in OPEN_QUOTES else 0)
            | (_S_DECLINE if marks & M_DECLINE else 0))


class TokenTable:
    """What the sentiment features need to know about each distinct token, as arrays.

    Built lazily from a fitted featuriser, the lexicon and a segmenter (for content forms
    and parts of speech); ``ids`` maps a token stream to rows of the arrays, adding rows for
    tokens not seen before. Cleared when it grows past ``_TABLE_LIMIT`` tokens.
    """

    _COLUMNS = (("vid", np.int64), ("wrole", np.int8), ("lrole", np.int8),
                ("value", np.float64), ("punct", bool), ("contrast", bool), ("content", bool),
                ("word", bool), ("aspect", bool), ("form_id", np.int64), ("marks", np.int32),
                ("dual", np.float64), ("modifiable", bool), ("close_q", bool),
                ("again", bool), ("emph_next", bool), ("alias_vid", np.int64),
                ("special", np.int8))

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
        self._pairs: tuple[int, np.ndarray, np.ndarray] = (-1, np.zeros(0, np.int64),
                                                           np.zeros(0))

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
        dual = lex.degree.get(tok, 0.0) if tok in lex.polarity else 0.0
        marks = lex.marks(tok)
        return (vid, wrole, lrole, value, punct, tok in lex.contrast and not punct, content,
                bool(form), aspect, form_id, marks, dual, is_modifiable(tok, lex),
                tok in CLOSE_QUOTES, tok.startswith("再"), tok in EMPHATIC_NEXT,
                self._alias_vid(tok, vid), _special(tok, lex, dual, marks))

    def _alias_vid(self, tok: str, vid: int) -> int:
        """Vocabulary id of the form a token takes when read as a degree word (好 → 很)."""
        alias = INTENSIFIER_FORMS.get(tok)
        if alias is None or self.featurizer is None:
            return vid
        return self.featurizer.vocabulary_.get(alias, -1)

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """The lexicon's two-token phrases as sorted (row_a << 32 | row_b) keys and values.

        Only phrases whose two tokens are both in the table can occur in a scanned stream;
        the keys are rebuilt when the table has grown since the last call.
        """
        size = len(self._index)
        if self._pairs[0] != size:
            index = self._index
            found = sorted(((index[a] << 32) | index[b], v)
                           for (a, b), v in load_lexicon().phrases.items()
                           if a in index and b in index)
            keys = np.array([k for k, _ in found], dtype=np.int64)
            values = np.array([v for _, v in found], dtype=np.float64)
            self._pairs = (size, keys, values)
        return self._pairs[1], self._pairs[2]

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


# Columns of the lexicon array that scan_groups returns.
LEX_POS, LEX_NEG, LEX_NEGATED, LEX_TAIL_POS, LEX_TAIL_NEG, LEX_QUOTED = range(6)
LEX_WHY, LEX_PERSIST, LEX_REQUEST, LEX_PROHIBIT, LEX_ASK, LEX_TIMESPAN = range(6, 12)
LEX_TURNED = 12  # 1 when the group's last turn word has content before it (a mixed text)
N_LEX = 13
_MARK_COLUMNS = ((LEX_WHY, M_WHY), (LEX_PERSIST, M_PERSIST), (LEX_REQUEST, M_REQUEST),
                 (LEX_PROHIBIT, M_PROHIBIT), (LEX_ASK, M_ASK), (LEX_TIMESPAN, M_TIMESPAN))


def _same_next(j: np.ndarray, grp: np.ndarray) -> np.ndarray:
    """Whether each position of ``j`` has a next token in the same group."""
    nxt = np.minimum(j + 1, len(grp) - 1)
    return (j + 1 < len(grp)) & (grp[nxt] == grp[j])


def _resolve_roles(tid: np.ndarray, grp: np.ndarray, arrays: dict[str, np.ndarray],
                   pairs: tuple[np.ndarray, np.ndarray] | None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lexicon roles and values once neighbours are read (as ``lexicon.resolved_roles``).

    Only the few tokens that can change (phrase heads, 好 / 实在, neg-intensifiers, emphatic
    words, opening quotation marks, decline words: the table's ``special`` column) are looked
    at. Returns the roles, the values, the positions of quoted praise words, and which tokens
    became degree words (好辛苦).
    """
    n_tok = len(tid)
    lrole = arrays["lrole"][tid]
    value = arrays["value"][tid]
    intensified = np.zeros(n_tok, dtype=bool)
    special = arrays["special"][tid]
    cand = np.flatnonzero(special)
    if not len(cand):
        return lrole, value, cand, intensified
    kind = special[cand]
    nxt_tid = tid[np.minimum(cand + 1, n_tok - 1)]
    same = _same_next(cand, grp)
    touched = np.zeros(0, dtype=np.int64)
    if pairs is not None and len(pairs[0]):
        keys, vals = pairs
        sel = ((kind & _S_PHRASE) > 0) & same
        j, jn = cand[sel], nxt_tid[sel]
        code = (tid[j] << 32) | jn
        at = np.minimum(np.searchsorted(keys, code), len(keys) - 1)
        hit = keys[at] == code
        j, at = j[hit], at[hit]
        keep = ~np.isin(j - 1, j)  # a pair does not start inside the pair before it
        j, at = j[keep], at[keep]
        lrole[j] = _L_POLAR
        value[j] = vals[at]
        lrole[j + 1] = _L_POLAR
        value[j + 1] = 0.0
        touched = np.concatenate([j, j + 1])
    sel = ((kind & _S_DUAL) > 0) & same & arrays["modifiable"][nxt_tid]
    d = cand[sel]
    d = d[(lrole[d] == _L_POLAR) & ~np.isin(d, touched)]
    intensified[d] = True
    lrole[d] = _L_DEGREE
    value[d] = arrays["dual"][tid[d]]
    sel = ((kind & _S_NEG_INTENSIFY) > 0) & same & arrays["again"][nxt_tid]
    d = cand[sel]
    d = d[lrole[d] == _L_NEGATOR]
    lrole[d] = _L_DEGREE
    value[d] = INTENSIFIED_NEGATOR
    sel = ((kind & _S_EMPHATIC) > 0) & same & arrays["emph_next"][nxt_tid]
    d = cand[sel]
    value[d[lrole[d] == _L_DEGREE]] = EMPHATIC_DEGREE
    q = cand[((kind & _S_OPEN_QUOTE) > 0) & same] + 1  # the word after an opening quote
    q = q[_same_next(q, grp)]
    q = q[(lrole[q] == _L_POLAR) & (value[q] > 0)
          & arrays["close_q"][tid[np.minimum(q + 1, n_tok - 1)]]]
    value[q] = -value[q]
    d = cand[(kind & _S_DECLINE) > 0]
    d = d[lrole[d] == _L_POLAR]
    if len(d):
        # The nearest polar word before each decline word, in its clause and within reach.
        idx = np.arange(n_tok, dtype=np.int64)
        before = np.maximum(d - 1, 0)
        target = _last_before((lrole == _L_POLAR) & (value != 0), idx)[before]
        stop = _last_before((lrole == _L_BREAK) | (lrole == _L_CONTRAST), idx)[before]
        ok = (d > 0) & (target >= 0) & (target > stop) & (d - target <= DECLINE_SCOPE)
        ok &= grp[np.maximum(target, 0)] == grp[d]
        read = value.copy()
        value[target[ok]] = -read[target[ok]]
        value[d[ok]] = 0.0
    return lrole, value, q, intensified


def scan_groups(tid: np.ndarray, groups: Groups, arrays: dict[str, np.ndarray], n_vocab: int,
                pairs: tuple[np.ndarray, np.ndarray] | None = None, extra: dict | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vocabulary ids with negation scope, the lexicon reading per group, content-word counts.

    The same arithmetic as :func:`nlp.sentiment.lexicon.lexicon_scores`, position by
    position: roles are resolved from neighbours (phrases, 好 as a degree word, 不能再…,
    一点都…, quoted praise), then a negator reaches the next ``NEGATION_SCOPE`` plain tokens
    (word features) or polar-role tokens (lexicon), a degree word scales the first polar word
    within ``DEGREE_SCOPE`` polar-role tokens, punctuation (and for the lexicon, turn words)
    closes both, and every group starts fresh. ``pairs`` are the phrase keys of
    :meth:`TokenTable.pairs`. Returns ``vid`` per token, ``lex`` (groups × the ``LEX_*``
    columns) and the number of content words per group; ``extra``, when given, receives the
    mask of tokens read as degree words (``"intensified"``, for :func:`rewrite_intensifiers`).
    """
    n_tok = len(tid)
    n = groups.count
    idx = np.arange(n_tok, dtype=np.int64)
    gfirst = groups.first[groups.of_token] if n_tok else idx
    grp = groups.of_token
    lex = np.zeros((n, N_LEX))
    words = np.bincount(grp, arrays["word"][tid], minlength=n).astype(np.int64)
    if not n_tok:
        if extra is not None:
            extra["intensified"] = np.zeros(0, dtype=bool)
        return arrays["vid"][tid], lex, words
    lrole, value, quoted, intensified = _resolve_roles(tid, grp, arrays, pairs)
    if extra is not None:
        extra["intensified"] = intensified
    # A word read as a degree word is its degree form for the word features too (好辛苦 reads
    # as 很辛苦), so the praise that 好 carries in review corpora does not leak in.
    vid = np.where(intensified, arrays["alias_vid"][tid], arrays["vid"][tid])
    wrole = arrays["wrole"][tid]

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
    val = np.where(valued, value, 0.0)
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
        v = np.where(flip, -v * NEGATED_WEIGHT, v)
        v = np.where(scaled, v * value[np.maximum(deg_at, 0)], v)
        val[j] = v
    lex[:, LEX_NEGATED] = np.bincount(grp, lrole == _L_NEGATOR, minlength=n) > 0
    # What follows the group's last turn word decides a mixed text: what comes before it
    # counts CONTRAST_DISCOUNT times.
    last_c = _last_before(contrast, idx)
    ends = np.concatenate([groups.first[1:], [n_tok]]) - 1
    group_last = np.full(n, -1, dtype=np.int64)
    has_tok = ends >= groups.first
    group_last[has_tok] = last_c[ends[has_tok]]
    group_last[group_last < groups.first] = -1
    after = (idx > group_last[grp]) & (group_last >= 0)[grp]
    turned = np.where((group_last >= 0)[grp] & ~after, val * CONTRAST_DISCOUNT, val)
    before_turn = ~after & (group_last >= 0)[grp] & (idx < group_last[grp])
    lex[:, LEX_TURNED] = np.bincount(grp, before_turn & arrays["content"][tid], minlength=n) > 0
    lex[:, LEX_POS] = np.bincount(grp, np.maximum(turned, 0.0), minlength=n)
    lex[:, LEX_NEG] = np.bincount(grp, np.maximum(-turned, 0.0), minlength=n)
    lex[:, LEX_TAIL_POS] = np.bincount(grp, np.where(after, np.maximum(val, 0.0), 0.0),
                                       minlength=n)
    lex[:, LEX_TAIL_NEG] = np.bincount(grp, np.where(after, np.maximum(-val, 0.0), 0.0),
                                       minlength=n)
    lex[:, LEX_QUOTED] = np.bincount(grp[quoted], minlength=n)

    # Markers (few tokens carry any): a soft why (怎么, 咋) is a why before a persistence word
    # or a negator.
    at = np.flatnonzero(arrays["marks"][tid])
    if len(at):
        marks = arrays["marks"][tid[at]]
        nxt = tid[np.minimum(at + 1, n_tok - 1)]
        soft = ((marks & M_WHY_SOFT) > 0) & _same_next(at, grp) & (
            ((arrays["marks"][nxt] & M_PERSIST) > 0) | (arrays["wrole"][nxt] == _W_NEGATOR))
        marks = np.where(soft, marks | M_WHY, marks)
        for col, bit in _MARK_COLUMNS:
            lex[:, col] = np.bincount(grp[at], (marks & bit) > 0, minlength=n) > 0
    return vid, lex, words


# Columns of the dense block (dense_block), each scaled by the featuriser's lexicon weight.
(D_POS, D_NEG, D_NEGATED, D_TAIL_POS, D_TAIL_NEG, D_QUESTION, D_WHY, D_PERSIST, D_REQUEST,
 D_PROHIBIT, D_ASK, D_COMPLAINT_Q, D_INFO_Q, D_PLAIN_REQUEST, D_REQUEST_PROBLEM, D_SARCASM,
 D_WAIT, D_NOCUE, D_REPEAT_Q, D_REPEAT_EXCLAIM, D_ELLIPSIS, D_TURN_AGAINST,
 D_TURN_FOR) = range(23)
N_DENSE = 23

# The dense columns the polarity head reads: the lexicon mass and the rules that say which side
# a text takes. Asking, requesting and having no cue say whether it takes a side at all (the
# neutral head's question); in review corpora they go with complaints for reasons that do not
# carry over to community feedback.
POLARITY_DENSE = (D_POS, D_NEG, D_NEGATED, D_TAIL_POS, D_TAIL_NEG, D_COMPLAINT_Q,
                  D_REQUEST_PROBLEM, D_SARCASM, D_WAIT, D_REPEAT_Q, D_REPEAT_EXCLAIM, D_ELLIPSIS)
# (D_TURN_AGAINST and D_TURN_FOR are the neutral head's: in star-rated reviews a reservation
# after praise still goes with a positive rating, which does not carry over to feedback, where
# the turn's tail is the verdict; the polarity side of a reservation is the model's contrast
# pull, see SentimentModel.reservation_weight.)


def turn_lean(lex: np.ndarray) -> np.ndarray:
    """Per group, the side a mixed text turns to: -1, 0 or 1.

    In 「A，但是 B」 the tail B carries the verdict. When B has lexicon mass, that decides
    (``LEX_TAIL_*``). When B names a problem in words no lexicon lists (老师很专业，但是每次都拖堂;
    氛围不错，不过广告有点多), the turn itself says B goes against A: after praise, a turn
    introduces a reservation (-1). (After a complaint, a tail without mass is no concession:
    难吃，不过送得快 is still a complaint, so it gives 0.)
    """
    turned = lex[:, LEX_TURNED] > 0
    tail = lex[:, LEX_TAIL_POS] - lex[:, LEX_TAIL_NEG]
    head = (lex[:, LEX_POS] - lex[:, LEX_TAIL_POS]) - (lex[:, LEX_NEG] - lex[:, LEX_TAIL_NEG])
    silent = (lex[:, LEX_TAIL_POS] == 0) & (lex[:, LEX_TAIL_NEG] == 0)
    lean = np.where(silent, np.where(head > 0, -1.0, 0.0), np.sign(tail))
    return np.where(turned, lean, 0.0)


def signal_mass(lex: np.ndarray, signal: np.ndarray, courtesy: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Positive and negative mass of the stickers and emoji of each group.

    Sign-off gestures ([抱拳] [强] 👍 🙏, their polarity in ``courtesy``) count only when the
    words do not complain (more negative than positive mass, or persistence: 又 还没 一直, or a
    reproachful why): after a complaint they are politeness, not praise.
    """
    if courtesy is not None:
        complains = ((lex[:, LEX_NEG] > lex[:, LEX_POS]) | (lex[:, LEX_PERSIST] > 0)
                     | (lex[:, LEX_WHY] > 0))
        signal = signal - np.where(complains, courtesy, 0.0)
    return np.maximum(signal, 0.0), np.maximum(-signal, 0.0)


def dense_block(lex: np.ndarray, signal: np.ndarray, sarcasm: np.ndarray, flags: np.ndarray,
                weight: float, courtesy: np.ndarray | None = None) -> np.ndarray:
    """The featuriser's dense columns (``D_*``) from the lexicon reading of each group.

    ``flags`` are :func:`text_flags` of the groups' texts. Besides the lexicon mass (stickers
    and emoji included, log-scaled), these are the rule features that a linear model cannot
    build from n-grams: a question or "why" with a complaint in it (为啥…又…？) against a
    plain question for information (请问…在哪？); a request that states a problem or asks
    something to stop (能不能别再…) against a plain suggestion (建议增加…); a sarcastic
    sticker with a complaint, or praise in quotation marks (真是“稳定”呢); a stretch of time
    with a complaint (三天了还没回); no cue at all; and the punctuation of exasperation
    (？？, ！！, 。。。).
    """
    n = len(lex)
    dense = np.zeros((n, N_DENSE))
    flags = np.asarray(flags, dtype=bool).reshape(n, -1)
    question = flags[:, 0]
    sig_pos, sig_neg = signal_mass(lex, signal, courtesy)
    pos = lex[:, LEX_POS] + sig_pos
    neg = lex[:, LEX_NEG] + sig_neg
    has_neg = neg > 0
    why = lex[:, LEX_WHY] > 0
    persist = lex[:, LEX_PERSIST] > 0
    request = lex[:, LEX_REQUEST] > 0
    prohibit = lex[:, LEX_PROHIBIT] > 0
    ask = lex[:, LEX_ASK] > 0
    dense[:, D_POS] = np.log1p(pos)
    dense[:, D_NEG] = np.log1p(neg)
    dense[:, D_NEGATED] = lex[:, LEX_NEGATED]
    dense[:, D_TAIL_POS] = np.log1p(lex[:, LEX_TAIL_POS])
    dense[:, D_TAIL_NEG] = np.log1p(lex[:, LEX_TAIL_NEG])
    dense[:, D_QUESTION] = question
    dense[:, D_WHY] = why
    dense[:, D_PERSIST] = persist
    dense[:, D_REQUEST] = request
    dense[:, D_PROHIBIT] = prohibit
    dense[:, D_ASK] = ask
    dense[:, D_COMPLAINT_Q] = (question | why) & (why | persist | has_neg)
    dense[:, D_INFO_Q] = (question | ask) & ~why & ~persist & ~has_neg
    dense[:, D_PLAIN_REQUEST] = request & ~prohibit & ~persist & ~has_neg
    dense[:, D_REQUEST_PROBLEM] = (request & prohibit) | ((request | prohibit)
                                                         & (has_neg | persist))
    dense[:, D_SARCASM] = ((sarcasm > 0) & (has_neg | persist | why)) | (lex[:, LEX_QUOTED] > 0)
    dense[:, D_WAIT] = (lex[:, LEX_TIMESPAN] > 0) & (has_neg | persist
                                                      | (lex[:, LEX_NEGATED] > 0))
    dense[:, D_NOCUE] = (pos + neg) == 0
    dense[:, D_REPEAT_Q] = flags[:, 1]
    dense[:, D_REPEAT_EXCLAIM] = flags[:, 2]
    dense[:, D_ELLIPSIS] = flags[:, 3]
    # A turn after praise whose tail praises nothing is a reservation (A 不错，就是 B), and a
    # turn after a complaint whose tail complains of nothing is a concession.
    turned = lex[:, LEX_TURNED] > 0
    head = (lex[:, LEX_POS] - lex[:, LEX_TAIL_POS]) - (lex[:, LEX_NEG] - lex[:, LEX_TAIL_NEG])
    dense[:, D_TURN_AGAINST] = turned & (head > 0) & (lex[:, LEX_TAIL_POS] == 0)
    dense[:, D_TURN_FOR] = turned & (head < 0) & (lex[:, LEX_TAIL_NEG] == 0)
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


def _intensifier_offsets(flat: Sequence[str], lengths: np.ndarray, intensified: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(doc, character offset in the doc, token index) of every token to rewrite."""
    hits = np.flatnonzero(intensified)
    if not len(hits):
        return hits, hits, hits
    forms = INTENSIFIER_FORMS
    hits = hits[np.fromiter((flat[i] in forms for i in hits.tolist()), dtype=bool,
                            count=len(hits))]
    token_len = np.fromiter(map(len, flat), dtype=np.int64, count=len(flat))
    before = np.cumsum(token_len) - token_len
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    doc = np.searchsorted(first, hits, side="right") - 1
    return doc, before[hits] - before[first[doc]], hits


def rewrite_intensifiers(texts: Sequence[str], flat: Sequence[str], lengths: np.ndarray,
                         intensified: np.ndarray) -> list[str]:
    """``texts`` with each 好 read as a degree word (好辛苦, 好可怕) written as 很.

    The character n-grams then see "very tiring", not the praise character 好 that review
    corpora taught them. A token is rewritten at its offset in the text (the summed lengths of
    the tokens before it) when the text has it there; ``intensified`` comes from
    :func:`scan_groups`. :func:`rewrite_intensifier_codes` does the same on a char stream.
    """
    out = list(texts)
    doc, offset, hits = _intensifier_offsets(flat, lengths, intensified)
    for d, at, i in zip(doc.tolist(), offset.tolist(), hits.tolist(), strict=True):
        tok = flat[i]
        text = out[d]
        if text[at:at + len(tok)] == tok:
            out[d] = text[:at] + INTENSIFIER_FORMS[tok] + text[at + len(tok):]
    return out


def rewrite_intensifier_codes(codes: np.ndarray, text_lengths: np.ndarray,
                              flat: Sequence[str], lengths: np.ndarray,
                              intensified: np.ndarray) -> None:
    """:func:`rewrite_intensifiers` in place on a :func:`char_stream` of the same texts."""
    doc, offset, hits = _intensifier_offsets(flat, lengths, intensified)
    if not len(hits):
        return
    start = np.cumsum(text_lengths + 1) - (text_lengths + 1)
    for form, alias in INTENSIFIER_FORMS.items():
        # One-character forms only (好 → 很); the offsets are in characters of the text.
        sel = np.fromiter((flat[i] == form for i in hits.tolist()), dtype=bool, count=len(hits))
        pos = start[doc[sel]] + offset[sel]
        ok = (offset[sel] < text_lengths[doc[sel]]) & (codes[pos] == ord(form))
        codes[pos[ok]] = ord(alias)


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
                   weights: np.ndarray) -> np.ndarray:
    """Per row, the L2-normalised sublinear TF-IDF vector of its entries dotted with each head.

    ``weights`` is :func:`block_weights`: per column, idf × coef of each head, then idf².
    Returns an (n_rows, n_heads) array.
    """
    n_heads = weights.shape[1] - 1
    if not len(rows):
        return np.zeros((n_rows, n_heads))
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
    # One gather of each column's row of weights: much faster than one gather per head.
    w = np.take(weights, c, axis=0)
    den = np.sqrt(np.bincount(r, tf * tf * w[:, n_heads], minlength=n_rows))
    den[den == 0] = 1.0
    out = np.empty((n_rows, n_heads))
    for h in range(n_heads):
        out[:, h] = np.bincount(r, tf * w[:, h], minlength=n_rows) / den
    return out


def block_weights(idf: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """Per column, idf × coef of each head and then idf², as one contiguous float32
    (n_columns, n_heads + 1) array (what a row's dot products and norm need); ``coef`` is
    (n_heads, n_columns)."""
    idf = idf.astype(np.float64)
    # float32 halves the memory each gather reads; sums are still taken in float64.
    return np.ascontiguousarray(np.column_stack([(np.atleast_2d(coef) * idf).T, idf * idf]),
                                dtype=np.float32)


def group_decision(featurizer, weights: tuple,
                   vid: np.ndarray, groups: Groups, dense: np.ndarray, char_rows: np.ndarray,
                   char_cols: np.ndarray) -> np.ndarray:
    """Per group and head, the featuriser's full feature row dotted with the coefficients.

    ``weights`` comes from :func:`decision_weights` (no intercept is added); the result is
    (n_groups, n_heads).
    """
    char_w, word_w, dense_w = weights
    out = block_decision(char_rows, char_cols, groups.count, char_w)
    rows, cols = word_entries(vid, groups, len(featurizer.vocabulary_), featurizer.bigram_bits)
    out += block_decision(rows, cols, groups.count, word_w)
    if featurizer.use_lexicon:
        out += dense @ dense_w.T
    return out


def decision_weights(featurizer, coef: np.ndarray) -> tuple:
    """The coefficients (n_heads, n_features) split per block, as :func:`group_decision`
    needs them."""
    coef = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    n_char = 1 << featurizer.char_bits
    n_word = featurizer.n_word_features
    return (block_weights(featurizer.char_idf_, coef[:, :n_char]),
            block_weights(featurizer.word_idf_, coef[:, n_char:n_char + n_word]),
            coef[:, n_char + n_word:n_char + n_word + featurizer.N_DENSE])


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
    flags: np.ndarray  # text_flags of the groups' texts
    chars: tuple[np.ndarray, np.ndarray] | None
    sarcasm: np.ndarray | None = None
    courtesy: np.ndarray | None = None  # polarity of sign-off gestures among the signals

    def polar_mass(self) -> tuple[np.ndarray, np.ndarray]:
        """Positive and negative lexicon mass, stickers and emoji included."""
        sig_pos, sig_neg = signal_mass(self.lex, self.signal, self.courtesy)
        return self.lex[:, LEX_POS] + sig_pos, self.lex[:, LEX_NEG] + sig_neg

    def dense(self, weight: float) -> np.ndarray:
        """The featuriser's dense block for these groups (see :func:`dense_block`)."""
        sarcasm = self.sarcasm if self.sarcasm is not None else np.zeros(len(self.lex))
        return dense_block(self.lex, self.signal, sarcasm, self.flags, weight, self.courtesy)


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
    clause_flags: np.ndarray | None = None
    tid: np.ndarray | None = None
    doc_of_token: np.ndarray | None = None
    neutral: np.ndarray | None = None  # P(neutral) per text, from a model's neutral head
    flags: np.ndarray | None = None  # text_flags per text
    clause_neutral: np.ndarray | None = None


_QMARK, _EXCLAIM, _ELLIPSIS, _STOP, _DOT = (ord(c) for c in "?!…。.")


def text_flags(texts: Sequence[str]) -> np.ndarray:
    """Per text (normalised, so ？ is ?): [reads as a question (:func:`question_flags`), has a
    repeated question mark (??), a repeated exclamation mark (!!), an ellipsis (… 。。 ...)].

    The marks are found on one code-point array of the whole batch.
    """
    n = len(texts)
    out = np.zeros((n, 4), dtype=bool)
    out[:, 0] = question_flags(texts)
    if not n:
        return out
    codes = np.frombuffer("\x00".join(texts).encode("utf-32-le", "surrogatepass"),
                          dtype=np.uint32)
    if len(codes) < 2:
        return out
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    starts = np.cumsum(lengths + 1) - (lengths + 1)
    a, b = codes[:-1], codes[1:]
    for col, hit in ((1, (a == _QMARK) & (b == _QMARK)), (2, (a == _EXCLAIM) & (b == _EXCLAIM)),
                     (3, (a == _ELLIPSIS) | ((a == _STOP) & (b == _STOP))
                      | ((a == _DOT) & (b == _DOT)))):
        at = np.flatnonzero(hit)
        if len(at):
            out[np.searchsorted(starts, at, side="right") - 1, col] = True
    if (codes[-1] == _ELLIPSIS) and n:
        out[n - 1, 3] = True
    return out


def question_flags(texts: Sequence[str]) -> np.ndarray:
    """Whether each text reads as a question (ends in ？ / 吗 / 呢 … before closing marks)."""
    closing, ends = "!！。.~～ ", _QUESTION_ENDS
    return np.array([t.rstrip(closing).endswith(ends) for t in texts], dtype=bool)


def flatten(token_lists: Sequence[Sequence[str]]) -> tuple[list[str], np.ndarray]:
    """All tokens in one list, and the number per text."""
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    return list(chain.from_iterable(token_lists)), lengths
