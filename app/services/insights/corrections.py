"""Operator corrections of themes and sentiment, each recorded and undoable.

Every kind is a function in ``CORRECTIONS`` that edits the current run through an
:class:`Edit`. The edit notes the exact state of everything it touches (theme rows, item
rows, operator labels and the parts of the run's theme snapshot) before and after, so undo
puts back precisely what was there. Corrections live on in the snapshot (names, merges,
archives, pinned items, seed themes) and in the operator labels, which every later run keeps;
one made while a full run is in progress is replayed onto that run when it finishes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    AnalysisRun,
    Correction,
    CorrectionKind,
    FeedbackItem,
    InsightState,
    InsightTheme,
    ItemAnalysis,
    ItemLabel,
    ThemeStatus,
    utcnow,
)
from app.services import after_commit
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.insights import analysis, engine
from nlp.themes.seeds import area_for
from nlp.themes.types import (
    OTHER_ID,
    OTHER_NAME,
    STATUS_ACTIVE,
    STATUS_ARCHIVED,
    ThemeRecord,
    ThemeSnapshot,
)

# Communities whose sentiment layer a committed correction changed.
_TRAIN_KEY = "insights.train_layer"

log = logging.getLogger(__name__)

MAX_NAME = 40
MAX_SEED_WORDS = 20
MAX_SEED_WORD = 20
MAX_MOVE = 500
SPLIT_MIN, SPLIT_MAX = 2, 8
THEME_FIELDS = ("name", "area", "status", "merged_into_key", "parent_key", "keywords",
                "keyword_weights", "quote_item_ids", "size", "sentiment_mix", "seed_words",
                "name_edited", "is_other")
ITEM_FIELDS = ("theme_key", "sentiment_label", "sentiment_corrected", "theme_corrected")


class Edit:
    """Changes to the current run, with the before and after state of everything touched."""

    def __init__(self, run: AnalysisRun):
        self.run = run
        self.snap = analysis.snapshot_of(run)
        self._snap_before = self.snap.to_dict()
        self.themes: dict[int, InsightTheme | None] = {}
        self._themes_before: dict[int, dict | None] = {}
        self._items_before: dict[int, list] = {}
        self._labels_before: dict[int, int | None] = {}
        self.item_rows: dict[int, ItemAnalysis] = {}
        self.touched_keys: set[int] = set()

    # -- reading and touching ---------------------------------------------------------------

    def theme(self, key: int) -> InsightTheme | None:
        """The theme row with ``key`` (noted before it changes)."""
        if key not in self.themes:
            row = db.session.execute(
                db.select(InsightTheme).where(InsightTheme.community_id == self.run.community_id,
                                              InsightTheme.key == key)
            ).scalar_one_or_none()
            self.themes[key] = row
            self._themes_before[key] = _theme_state(row)
        self.touched_keys.add(key)
        return self.themes[key]

    def new_theme(self, key: int, **fields) -> InsightTheme:
        """Create a theme row (undo deletes it)."""
        self.theme(key)
        row = InsightTheme(community_id=self.run.community_id, key=key, first_run_id=self.run.id,
                           last_run_id=self.run.id, **fields)
        db.session.add(row)
        self.themes[key] = row
        return row

    def items(self, ids: Iterable[int]) -> list[ItemAnalysis]:
        """The current run's rows of these items (noted before they change)."""
        ids = [int(i) for i in ids if int(i) not in self.item_rows]
        for start in range(0, len(ids), 900):
            for row in db.session.execute(
                db.select(ItemAnalysis).where(ItemAnalysis.run_id == self.run.id,
                                              ItemAnalysis.feedback_item_id.in_(
                                                  ids[start:start + 900]))
            ).scalars():
                self.item_rows[row.feedback_item_id] = row
                self._items_before[row.feedback_item_id] = [getattr(row, f) for f in ITEM_FIELDS]
        return list(self.item_rows.values())

    def items_of_theme(self, key: int) -> list[ItemAnalysis]:
        """Every row of the current run in theme ``key``."""
        ids = db.session.execute(
            db.select(ItemAnalysis.feedback_item_id).where(ItemAnalysis.run_id == self.run.id,
                                                           ItemAnalysis.theme_key == key)
        ).scalars().all()
        self.items(ids)
        return [self.item_rows[i] for i in ids if i in self.item_rows]

    def set_label(self, item_id: int, label: int | None, actor) -> None:
        """Set (or clear) an operator's sentiment label."""
        row = db.session.execute(
            db.select(ItemLabel).where(ItemLabel.feedback_item_id == item_id)
        ).scalar_one_or_none()
        if item_id not in self._labels_before:
            self._labels_before[item_id] = row.sentiment_label if row is not None else None
        _write_label(self.run.community_id, item_id, label, getattr(actor, "id", None), row)

    # -- finishing ----------------------------------------------------------------------------

    def finish(self) -> tuple[dict, dict]:
        """Save the snapshot and refresh counts; returns the (before, after) states."""
        analysis.save_snapshot(self.run, self.snap)
        db.session.flush()
        counted = {k for k in self.touched_keys if self.themes.get(k) is not None}
        analysis.refresh_theme_stats(self.run.id, counted)
        db.session.flush()
        snap_after = self.snap.to_dict()
        before_snap, after_snap = _snapshot_diff(self._snap_before, snap_after)
        before = {
            "themes": {str(k): v for k, v in self._themes_before.items()},
            "items": {str(k): v for k, v in self._items_before.items()},
            "labels": {str(k): v for k, v in self._labels_before.items()},
            "snapshot": before_snap,
        }
        after = {
            "themes": {str(k): _theme_state(self.themes.get(k)) for k in self._themes_before},
            "items": {str(k): [getattr(self.item_rows[k], f) for f in ITEM_FIELDS]
                      for k in self._items_before},
            "labels": {str(k): _label_of(k) for k in self._labels_before},
            "snapshot": after_snap,
        }
        return before, after


def _theme_state(row: InsightTheme | None) -> dict | None:
    if row is None:
        return None
    return {f: _plain(getattr(row, f)) for f in THEME_FIELDS}


def _plain(value):
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value


def _label_of(item_id: int) -> int | None:
    return db.session.execute(
        db.select(ItemLabel.sentiment_label).where(ItemLabel.feedback_item_id == item_id)
    ).scalar_one_or_none()


def _write_label(community_id: int, item_id: int, label: int | None, actor_id: int | None,
                 row: ItemLabel | None = None) -> None:
    if row is None:
        row = db.session.execute(
            db.select(ItemLabel).where(ItemLabel.feedback_item_id == item_id)
        ).scalar_one_or_none()
    if label is None:
        if row is not None:
            db.session.delete(row)
        return
    if row is None:
        db.session.add(ItemLabel(community_id=community_id, feedback_item_id=item_id,
                                 sentiment_label=int(label), labelled_by_id=actor_id))
    else:
        row.sentiment_label = int(label)
        row.labelled_by_id = actor_id
        row.created_at = utcnow()


def _snapshot_diff(before: dict, after: dict) -> tuple[dict, dict]:
    """The parts of two snapshot dicts that differ: records by id, pins, assignments."""
    out_before: dict[str, Any] = {"records": {}, "pinned": {}, "assignments": {}}
    out_after: dict[str, Any] = {"records": {}, "pinned": {}, "assignments": {}}
    rec_b = {r["id"]: r for r in before.get("themes", [])}
    rec_a = {r["id"]: r for r in after.get("themes", [])}
    for rid in set(rec_b) | set(rec_a):
        if rec_b.get(rid) != rec_a.get(rid):
            out_before["records"][str(rid)] = rec_b.get(rid)
            out_after["records"][str(rid)] = rec_a.get(rid)
    for part in ("pinned", "assignments"):
        b, a = before.get(part, {}), after.get(part, {})
        for key in set(b) | set(a):
            if b.get(key) != a.get(key):
                out_before[part][key] = b.get(key)
                out_after[part][key] = a.get(key)
    out_before["next_id"] = before.get("next_id", 1)
    out_after["next_id"] = after.get("next_id", 1)
    return out_before, out_after


def _apply_snapshot_part(snap: ThemeSnapshot, part: dict) -> None:
    records = {r.id: r for r in snap.themes}
    for rid, data in part.get("records", {}).items():
        rid = int(rid)
        if data is None:
            records.pop(rid, None)
        else:
            records[rid] = ThemeRecord(**data)
    snap.themes = list(records.values())
    for name in ("pinned", "assignments"):
        target = getattr(snap, name)
        for key, value in part.get(name, {}).items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = int(value)
    snap.next_id = int(part.get("next_id", snap.next_id))


# ------------------------------------------------------------------------- helpers


def _lock(community_id: int) -> None:
    """Serialise corrections and run switches of one community (PostgreSQL row lock)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            db.select(InsightState).where(InsightState.community_id == community_id)
            .with_for_update()
        )


def _require_run(community_id: int) -> AnalysisRun:
    run = analysis.current_run(community_id)
    if run is None or not run.snapshot:
        raise ServiceError(_l("还没有分析结果，请先运行一次分析。"), code="no_analysis")
    return run


def _active_theme(edit: Edit, key: int, *, allow_archived: bool = False) -> InsightTheme:
    row = edit.theme(int(key)) if key is not None else None
    if row is None or row.is_other:
        raise NotFound(_l("主题不存在。"), code="theme_not_found")
    allowed = {ThemeStatus.ACTIVE.value} | ({ThemeStatus.ARCHIVED.value} if allow_archived
                                            else set())
    if row.status not in allowed:
        raise ServiceError(_l("该主题已合并、拆分或归档，不能再修改。"), code="theme_inactive")
    return row


def _clean_name(name: str | None, edit: Edit, *, except_key: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(_l("请填写主题名称。"), code="name_required", field="name")
    if len(name) > MAX_NAME:
        raise ServiceError(_l("主题名称不能超过 %(n)d 个字。", n=MAX_NAME), code="name_too_long",
                           field="name")
    if name == OTHER_NAME:
        raise ServiceError(_l("「其他」是保留名称，请换一个。"), code="name_reserved",
                           field="name")
    clash = db.session.execute(
        db.select(InsightTheme.key).where(
            InsightTheme.community_id == edit.run.community_id, InsightTheme.name == name,
            InsightTheme.status == ThemeStatus.ACTIVE.value,
            InsightTheme.key != (except_key if except_key is not None else -1))
    ).first()
    if clash is not None:
        raise ServiceError(_l("已有同名主题「%(name)s」。", name=name), code="name_taken",
                           field="name")
    return name


def _move_rows(edit: Edit, rows: Iterable[ItemAnalysis], target: int, *, pin: bool) -> int:
    moved = 0
    for row in rows:
        if row.theme_key != target:
            edit.touched_keys.add(row.theme_key)
            edit.theme(row.theme_key)
            moved += 1
        row.theme_key = target
        edit.snap.assignments[str(row.feedback_item_id)] = target
        if pin:
            edit.snap.pin(str(row.feedback_item_id), target)
            row.theme_corrected = True
    edit.theme(target)
    return moved


# --------------------------------------------------------------------------- kinds


def rename(edit: Edit, params: dict, actor) -> dict:
    """Give a theme a name that later runs keep."""
    key = int(params.get("theme", -1))
    row = _active_theme(edit, key, allow_archived=True)
    name = _clean_name(params.get("name"), edit, except_key=key)
    old = row.name
    row.name = name
    row.name_edited = True
    edit.snap.rename(key, name)
    return {"theme": old, "to": name}


def merge(edit: Edit, params: dict, actor) -> dict:
    """Fold theme ``source`` into ``target``: its items move, and later runs keep it so."""
    source, target = int(params.get("source", -1)), int(params.get("target", -1))
    if source == target:
        raise ServiceError(_l("不能把主题合并到它自己。"), code="same_theme", field="target")
    src = _active_theme(edit, source)
    dst = _active_theme(edit, target)
    rows = edit.items_of_theme(source)
    _move_rows(edit, rows, target, pin=False)
    edit.snap.merge(source, target)
    # Items an operator pinned to the source now belong to the target.
    for item, pinned in list(edit.snap.pinned.items()):
        if pinned == source:
            edit.snap.pinned[item] = target
    src.status = ThemeStatus.MERGED.value
    src.merged_into_key = target
    return {"theme": src.name, "into": dst.name, "items": len(rows)}


def archive(edit: Edit, params: dict, actor) -> dict:
    """Hide a theme from the overview; its items stay where they are."""
    key = int(params.get("theme", -1))
    row = _active_theme(edit, key)
    row.status = ThemeStatus.ARCHIVED.value
    edit.snap.archive(key)
    return {"theme": row.name}


def restore(edit: Edit, params: dict, actor) -> dict:
    """Show an archived theme again."""
    key = int(params.get("theme", -1))
    row = _active_theme(edit, key, allow_archived=True)
    if row.status != ThemeStatus.ARCHIVED:
        raise ServiceError(_l("该主题没有归档。"), code="not_archived")
    row.status = ThemeStatus.ACTIVE.value
    record = edit.snap.record(key)
    if record is not None:
        record.status = STATUS_ACTIVE
    return {"theme": row.name}


def move(edit: Edit, params: dict, actor) -> dict:
    """Move items to another theme (or to 其他); every later run keeps them there."""
    ids = sorted({int(i) for i in params.get("items", [])})
    if not ids:
        raise ServiceError(_l("请先选择要移动的反馈。"), code="no_items", field="items")
    if len(ids) > MAX_MOVE:
        raise ServiceError(_l("一次最多移动 %(n)d 条反馈。", n=MAX_MOVE), code="too_many_items")
    target = int(params.get("target", -1))
    if target == OTHER_ID:
        dst = edit.theme(OTHER_ID)
        name = OTHER_NAME
    else:
        dst = _active_theme(edit, target)
        name = dst.name
    rows = edit.items(ids)
    if len(rows) != len(ids):
        raise NotFound(_l("有反馈不存在或尚未分析。"), code="item_not_found", field="items")
    if dst is None:
        raise NotFound(_l("主题不存在。"), code="theme_not_found")
    _move_rows(edit, rows, target, pin=True)
    return {"items": len(rows), "to": name}


def set_sentiment(edit: Edit, params: dict, actor) -> dict:
    """Set an item's sentiment; every run keeps it and it trains the community's layer."""
    item_id = int(params.get("item", -1))
    label = params.get("label")
    if label not in (-1, 0, 1):
        raise ServiceError(_l("请选择正面、中性或负面。"), code="invalid_label", field="label")
    rows = edit.items([item_id])
    if not rows:
        raise NotFound(_l("反馈不存在或尚未分析。"), code="item_not_found")
    row = rows[0]
    old = row.sentiment_label
    row.sentiment_label = int(label)
    row.sentiment_corrected = True
    edit.set_label(item_id, int(label), actor)
    edit.theme(row.theme_key)
    return {"item": item_id, "from": int(old), "to": int(label)}


def seed(edit: Edit, params: dict, actor) -> dict:
    """Create a theme from seed words: items that use them join it, now and in later runs."""
    name = _clean_name(params.get("name"), edit)
    words = []
    for word in params.get("words", []):
        word = "".join(str(word).split())
        if word and word not in words:
            words.append(word)
    if not words:
        raise ServiceError(_l("请至少填写一个种子词。"), code="words_required", field="words")
    if len(words) > MAX_SEED_WORDS or any(len(w) > MAX_SEED_WORD for w in words):
        raise ServiceError(_l("最多 %(n)d 个种子词，每个不超过 %(m)d 个字。", n=MAX_SEED_WORDS,
                              m=MAX_SEED_WORD), code="too_many_words", field="words")
    snap = edit.snap
    key = max(snap.next_id, max((r.id for r in snap.themes), default=0) + 1)
    snap.next_id = key + 1
    area = area_for(dict.fromkeys(words, 1.0))
    snap.themes.append(ThemeRecord(id=key, name=name, term_weights=dict.fromkeys(words, 1.0),
                                   name_edited=True, seed_words=words, area=area))
    edit.new_theme(key, name=name, area=area, keywords=words,
                   keyword_weights=dict.fromkeys(words, 1.0), seed_words=words, name_edited=True,
                   status=ThemeStatus.ACTIVE.value, size=0, sentiment_mix={}, quote_item_ids=[])
    ids = _items_using(edit.run, words)
    pinned = {int(k) for k in snap.pinned}
    rows = [r for r in edit.items(ids) if r.feedback_item_id not in pinned and not r.is_filler]
    _move_rows(edit, rows, key, pin=False)
    edit.themes[key].quote_item_ids = [r.feedback_item_id for r in rows[:5]]
    return {"theme": name, "words": words, "items": len(rows)}


def _items_using(run: AnalysisRun, words: list[str]) -> list[int]:
    """Items of the run whose text contains any of the words as a token."""
    from app.services.insights.search import matching_ids

    ids: set[int] = set()
    for word in words:
        for query in _word_queries(word):
            ids.update(db.session.execute(
                db.select(ItemAnalysis.feedback_item_id).where(
                    ItemAnalysis.run_id == run.id,
                    ItemAnalysis.feedback_item_id.in_(matching_ids(query)))
            ).scalars())
    return sorted(ids)


def _word_queries(word: str) -> list[list[str]]:
    from app.services.insights.search import query_tokens

    tokens = query_tokens(word)
    return [tokens] if tokens else []


def split(edit: Edit, params: dict, actor) -> dict:
    """Re-cluster one theme's items into 2–8 new themes; its items are pinned to them."""
    key = int(params.get("theme", -1))
    parts = params.get("parts", 2)
    try:
        parts = int(parts)
    except (TypeError, ValueError):
        parts = 0
    if not SPLIT_MIN <= parts <= SPLIT_MAX:
        raise ServiceError(_l("请拆分成 %(a)d 到 %(b)d 个主题。", a=SPLIT_MIN, b=SPLIT_MAX),
                           code="invalid_parts", field="parts")
    parent = _active_theme(edit, key)
    rows = edit.items_of_theme(key)
    if len(rows) < 3 * parts:
        raise ServiceError(_l("这个主题的反馈太少，无法拆分成 %(n)d 个。", n=parts),
                           code="too_few_items")
    texts = dict(db.session.execute(
        db.select(FeedbackItem.id, FeedbackItem.redacted_text)
        .where(FeedbackItem.id.in_([r.feedback_item_id for r in rows]))
    ).all())
    rows = [r for r in rows if r.feedback_item_id in texts]
    seg = engine.segmenter()
    tokens = [seg.tokens(texts[r.feedback_item_id]) for r in rows]
    from nlp.themes.model import ThemeModel  # scikit-learn: only when a theme is split

    model = ThemeModel(k=parts, min_theme_size=2, max_outlier_share=0.0, areas=[])
    model.fit(tokens, texts=[texts[r.feedback_item_id] for r in rows],
              ids=[str(r.feedback_item_id) for r in rows],
              sentiments=[r.sentiment_label for r in rows])
    # Small themes are grouped by similarity rather than into exactly k parts: keep the
    # largest ``parts`` groups.
    themes = sorted((t for t in model.themes_ if not t.is_other), key=lambda t: -t.size)[:parts]
    if len(themes) < 2:
        raise ServiceError(_l("这个主题的反馈太相似，分不出不同的子主题。"), code="not_separable")
    kept = {t.id for t in themes}
    labels = [int(lab) for lab in model.labels_]
    if any(lab not in kept for lab in labels):
        # Items the sub-clustering left over go to their most similar kept part.
        sims = model.transform(tokens)
        columns = [j for j, tid in enumerate(model.theme_ids_) if int(tid) in kept]
        for i, lab in enumerate(labels):
            if lab not in kept:
                if columns:
                    best = max(columns, key=lambda j, row=sims[i]: row[j])
                    labels[i] = int(model.theme_ids_[best])
                else:
                    labels[i] = themes[0].id
    snap = edit.snap
    next_key = max(snap.next_id, max((r.id for r in snap.themes), default=0) + 1)
    taken = set(db.session.execute(
        db.select(InsightTheme.name).where(InsightTheme.community_id == edit.run.community_id,
                                           InsightTheme.status == ThemeStatus.ACTIVE.value)
    ).scalars())
    new_keys: dict[int, int] = {}
    names = []
    for theme in themes:
        new_key = next_key
        next_key += 1
        new_keys[theme.id] = new_key
        name = _unique_name(theme.name or parent.name, taken)
        taken.add(name)
        names.append(name)
        weights = dict(theme.keyword_weights)
        snap.themes.append(ThemeRecord(id=new_key, name=name, term_weights=weights,
                                       area=parent.area))
        edit.new_theme(new_key, name=name, area=parent.area, keywords=list(theme.keywords),
                       keyword_weights=weights, parent_key=key, status=ThemeStatus.ACTIVE.value,
                       size=0, sentiment_mix={},
                       quote_item_ids=[rows[i].feedback_item_id for i in theme.quote_indices])
    snap.next_id = next_key
    for row, lab in zip(rows, labels, strict=True):
        _move_rows(edit, [row], new_keys[int(lab)], pin=True)
    parent.status = ThemeStatus.SPLIT.value
    record = snap.record(key)
    if record is not None:
        # The parent stops attracting items; its look-alikes now go to the parts.
        record.status = STATUS_ARCHIVED
        record.term_weights = {}
    return {"theme": parent.name, "into": names}


def _unique_name(name: str, taken: set[str]) -> str:
    name = name[:MAX_NAME] or "主题"
    if name not in taken:
        return name
    for n in range(2, 100):
        candidate = f"{name[:MAX_NAME - 3]}（{n}）"
        if candidate not in taken:
            return candidate
    return name


Handler = Callable[[Edit, dict, Any], dict]
CORRECTIONS: dict[str, Handler] = {
    CorrectionKind.RENAME.value: rename,
    CorrectionKind.MERGE.value: merge,
    CorrectionKind.SPLIT.value: split,
    CorrectionKind.MOVE.value: move,
    CorrectionKind.SENTIMENT.value: set_sentiment,
    CorrectionKind.SEED.value: seed,
    CorrectionKind.ARCHIVE.value: archive,
    CorrectionKind.RESTORE.value: restore,
}


def get_correction(kind: str) -> Handler:
    """The handler of a correction kind."""
    try:
        return CORRECTIONS[kind]
    except KeyError:
        raise ServiceError(_l("不支持的修改类型。"), code="invalid_kind", field="kind") from None


# ------------------------------------------------------------------------ public API


def apply(community, kind: str, params: dict, *, actor) -> Correction:
    """Apply and record a correction to the community's current analysis.

    The caller commits. Sentiment corrections also queue training of the community's layer
    after the commit (see :func:`after_commit`).
    """
    handler = get_correction(kind)
    _lock(community.id)
    run = _require_run(community.id)
    edit = Edit(run)
    summary = handler(edit, dict(params), actor)
    before, after = edit.finish()
    correction = Correction(
        community_id=community.id, run_id=run.id, actor_id=getattr(actor, "id", None),
        kind=kind, params=_json_params(params), summary=summary,
        theme_keys=sorted(int(k) for k in edit.touched_keys),
        item_ids=sorted(int(i) for i in before["items"]) + sorted(
            int(i) for i in before["labels"] if i not in before["items"]),
        before=before, after=after,
    )
    db.session.add(correction)
    db.session.flush()
    if kind == CorrectionKind.SENTIMENT.value:
        after_commit.stage(_TRAIN_KEY, [community.id])
    return correction


def _json_params(params: dict) -> dict:
    out = {}
    for key, value in params.items():
        if isinstance(value, (list, tuple, set)):
            out[key] = list(value)
        else:
            out[key] = value
    return out


@after_commit.queues_when_committed
def queue_training(_base_url: str | None = None) -> None:
    """Queue the community layer's training when committed corrections changed sentiment
    labels (a request does it when it ends; a job or command after its commit)."""
    from app.services import jobs

    for community_id in dict.fromkeys(after_commit.take(_TRAIN_KEY, committed_only=True)):
        jobs.enqueue("insights.train_layer", community_id, community_id=community_id)


def undoable(correction: Correction) -> bool:
    """Whether the correction can still be undone (see :func:`undo`)."""
    return correction.undone_at is None and correction.run_id == analysis.current_run_id(
        correction.community_id)


def undo(correction: Correction, *, actor) -> Correction:
    """Put back exactly the state before the correction.

    Only corrections on the current analysis can be undone, and only when no later
    correction still in force touched the same themes or items (undo that one first).
    """
    if correction.undone_at is not None:
        raise Conflict(_l("这条修改已经撤销过了。"), code="already_undone")
    _lock(correction.community_id)
    run = analysis.current_run(correction.community_id)
    if run is None or correction.run_id != run.id:
        raise Conflict(_l("这条修改已被之后的重新分析采纳，不能再撤销；可以直接再做一次修改。"),
                       code="superseded")
    later = db.session.execute(
        db.select(Correction).where(Correction.community_id == correction.community_id,
                                    Correction.run_id == run.id, Correction.id > correction.id,
                                    Correction.undone_at.is_(None))
    ).scalars().all()
    mine_themes, mine_items = set(correction.theme_keys), set(correction.item_ids)
    for other in later:
        if mine_themes & set(other.theme_keys) or mine_items & set(other.item_ids):
            raise Conflict(_l("之后的修改也改动了同一主题或反馈，请先撤销那条修改。"),
                           code="undo_later_first")
    _restore(run, correction.before, actor)
    correction.undone_at = utcnow()
    correction.undone_by_id = getattr(actor, "id", None)
    if correction.kind == CorrectionKind.SENTIMENT.value:
        after_commit.stage(_TRAIN_KEY, [correction.community_id])
    db.session.flush()
    return correction


def _restore(run: AnalysisRun, state: dict, actor) -> None:
    """Write a recorded state back: theme rows, item rows, labels and snapshot parts."""
    for key, fields in state.get("themes", {}).items():
        row = db.session.execute(
            db.select(InsightTheme).where(InsightTheme.community_id == run.community_id,
                                          InsightTheme.key == int(key))
        ).scalar_one_or_none()
        if fields is None:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = InsightTheme(community_id=run.community_id, key=int(key))
            db.session.add(row)
        for name, value in fields.items():
            setattr(row, name, _plain(value))
    items = state.get("items", {})
    ids = [int(i) for i in items]
    for start in range(0, len(ids), 900):
        for row in db.session.execute(
            db.select(ItemAnalysis).where(ItemAnalysis.run_id == run.id,
                                          ItemAnalysis.feedback_item_id.in_(ids[start:start + 900]))
        ).scalars():
            for name, value in zip(ITEM_FIELDS, items[str(row.feedback_item_id)], strict=True):
                setattr(row, name, value)
    for item_id, label in state.get("labels", {}).items():
        _write_label(run.community_id, int(item_id), label, getattr(actor, "id", None))
    snap = analysis.snapshot_of(run)
    _apply_snapshot_part(snap, state.get("snapshot", {}))
    analysis.save_snapshot(run, snap)


def replay_onto(run: AnalysisRun, previous: AnalysisRun, *, since) -> int:
    """Re-apply corrections made on ``previous`` while ``run`` was being computed.

    Each one is bound to the new run with its new before/after state, so it stays undoable.
    Returns how many were replayed.
    """
    pending = db.session.execute(
        db.select(Correction).where(Correction.community_id == run.community_id,
                                    Correction.run_id == previous.id,
                                    Correction.created_at >= since,
                                    Correction.undone_at.is_(None))
        .order_by(Correction.id)
    ).scalars().all()
    replayed = 0
    for correction in pending:
        edit = Edit(run)
        try:
            # Every kind checks its input before it changes anything, so a refusal leaves
            # nothing half-applied (no savepoint needed).
            summary = get_correction(correction.kind)(edit, dict(correction.params),
                                                      correction.actor)
        except ServiceError as exc:
            log.info("correction %s not replayed: %s", correction.id, exc.message)
            correction.summary = {**correction.summary, "not_replayed": exc.code}
            continue
        before, after = edit.finish()
        correction.run_id = run.id
        correction.summary = summary
        correction.before, correction.after = before, after
        correction.theme_keys = sorted(int(k) for k in edit.touched_keys)
        replayed += 1
    return replayed


def history(community_id: int, *, limit: int = 50, offset: int = 0) -> list[Correction]:
    """The community's corrections, newest first."""
    return list(db.session.execute(
        db.select(Correction).where(Correction.community_id == community_id)
        .order_by(Correction.id.desc()).limit(limit).offset(offset)
    ).scalars())


def record_dict(record: ThemeRecord) -> dict:
    """A snapshot record as a plain dict (for tests and the API)."""
    return asdict(record)
