"""Analysis runs: which run a community sees, the full re-analysis, and the switch that makes
a finished run visible (the incremental analysis of new items is in ``incremental``).

A full run writes its per-item rows under its own run id while the previous run stays
visible. When everything is written, one transaction catches up on items that arrived in the
meantime, replays corrections made during the run, applies the run's themes and points the
community's ``InsightState`` at the new run. A failed run changes nothing that people see.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    AnalysisRun,
    FeedbackItem,
    InsightState,
    InsightTheme,
    ItemAnalysis,
    JobRun,
    JobState,
    RunStatus,
    SearchText,
    ThemeStatus,
    utcnow,
)
from app.services import job_leases
from app.services.errors import Conflict, NotFound, PermanentFailure
from app.services.insights import codeframe, engine, shards
from app.services.insights.item_rows import (
    ItemRow,
    analysis_row,
    community_layer,
    fixed_labels,
    join_dates,
    load_items,
    segments_of,
    zone_of_community,
)
from app.services.insights.search import index_texts, search_tokens
from nlp.codeframe import NONE as FRAME_NONE
from nlp.codeframe import FrameCorrection
from nlp.themes.types import OTHER_NAME, STATUS_MERGED, ThemeSnapshot

log = logging.getLogger(__name__)

WRITE_BATCH = 2000
ACTIVE_WINDOW_DAYS = 30
KEEP_RUN_MODELS = 3
# A theme grew or shrank when its share of all items changed by a quarter and 3+ items.
CHANGE_RATIO = 1.25
CHANGE_MIN_ITEMS = 3

# Pipeline stages and where they end on the progress bar of a run.
STAGE_PROGRESS = {"prepare": 0.35, "sentiment": 0.6, "themes": 0.8, "keywords": 0.85}
RUN_STAGE_LABELS = {
    "queued": _l("排队等待"),
    "load": _l("读取反馈"),
    "prepare": _l("清洗与分词"),
    "shards": _l("分片分析"),
    "sentiment": _l("情感分析"),
    "themes": _l("主题聚类"),
    "keywords": _l("提取关键词"),
    "write": _l("写入结果"),
    "switch": _l("切换到新结果"),
    "done": _l("完成"),
}

Progress = Callable[[float, str], None]


# --------------------------------------------------------------------------- state


def get_state(community_id: int) -> InsightState:
    """The community's insight state row (created on first use)."""
    state = db.session.get(InsightState, community_id)
    if state is None:
        state = InsightState(community_id=community_id)
        db.session.add(state)
        db.session.flush()
    return state


def current_run_id(community_id: int) -> int | None:
    """The id of the run whose results the community sees, or None before the first run."""
    return db.session.execute(
        db.select(InsightState.current_run_id).where(InsightState.community_id == community_id)
    ).scalar_one_or_none()


def current_run(community_id: int) -> AnalysisRun | None:
    """The run whose results the community sees."""
    run_id = current_run_id(community_id)
    return db.session.get(AnalysisRun, run_id) if run_id else None


def active_run(community_id: int) -> AnalysisRun | None:
    """A run of the community that is queued or running, if any."""
    return db.session.execute(
        db.select(AnalysisRun).where(
            AnalysisRun.community_id == community_id,
            AnalysisRun.status.in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value]),
        ).order_by(AnalysisRun.id.desc()).limit(1)
    ).scalar_one_or_none()


def run_history(community_id: int, *, limit: int = 20) -> list[AnalysisRun]:
    """The community's runs, newest first."""
    return list(db.session.execute(
        db.select(AnalysisRun).where(AnalysisRun.community_id == community_id)
        .order_by(AnalysisRun.id.desc()).limit(limit)
    ).scalars())


def snapshot_of(run: AnalysisRun | None, *, assignments: bool = True) -> ThemeSnapshot:
    """The run's theme snapshot (empty before the first run).

    ``assignments=False`` leaves out the item → theme map (one entry per item), which only
    the next full run and corrections need; such a snapshot must not be saved back.
    """
    if run is None or not run.snapshot:
        return ThemeSnapshot()
    data = dict(run.snapshot)
    data["assignments"] = (run.assignments or {}) if assignments else {}
    return ThemeSnapshot.from_dict(data)


def save_snapshot(run: AnalysisRun, snapshot: ThemeSnapshot) -> None:
    """Store an edited snapshot on the run (new dicts, so the change is detected)."""
    data = snapshot.to_dict()
    run.assignments = data.pop("assignments")
    run.snapshot = data


# ------------------------------------------------------------------- requesting


def request_run(community, *, actor=None, trigger: str = "manual") -> AnalysisRun:
    """Queue a full re-analysis of the community; refuses while another one is on its way."""
    if active_run(community.id) is not None:
        raise Conflict(_l("已有一次分析正在进行，请等它完成。"), code="run_in_progress")
    run = AnalysisRun(
        community_id=community.id, status=RunStatus.QUEUED.value, trigger=trigger,
        requested_by_id=getattr(actor, "id", None),
        previous_run_id=current_run_id(community.id),
    )
    db.session.add(run)
    db.session.flush()
    return _enqueue(run, actor)


def retry_run(run: AnalysisRun, *, actor=None) -> AnalysisRun:
    """Queue a failed run again (its partial rows are discarded when it starts)."""
    if run.status != RunStatus.FAILED:
        raise Conflict(_l("只有失败的分析可以重试。"), code="not_retryable")
    if active_run(run.community_id) is not None:
        raise Conflict(_l("已有一次分析正在进行，请等它完成。"), code="run_in_progress")
    run.status = RunStatus.QUEUED.value
    run.error = None
    run.finished_at = None
    return _enqueue(run, actor)


def _enqueue(run: AnalysisRun, actor) -> AnalysisRun:
    from app.services import jobs

    run_id = run.id
    job = jobs.enqueue("insights.full_run", run_id, community_id=run.community_id,
                       requested_by_id=getattr(actor, "id", None))
    run = db.session.get(AnalysisRun, run_id)
    if run.job_run_id is None or run.status == RunStatus.QUEUED:
        # With an immediate queue (tests) the job has already finished by now.
        run.job_run_id = job.id
        db.session.commit()
    return run


def run_progress(run: AnalysisRun) -> dict:
    """A run's state for the progress bar: status, fraction done, stage, error."""
    job = run.job_run
    fraction = 1.0 if run.status == RunStatus.SUCCEEDED else (job.progress if job else 0.0)
    stage = (job.progress_message if job and job.progress_message else
             ("done" if run.status == RunStatus.SUCCEEDED else "queued"))
    if job is not None and job.state == JobState.RETRYING and run.status != RunStatus.FAILED:
        stage = "queued"
    if run.status == RunStatus.RUNNING and run.n_shards and (
            run.phase == "shards" or job is None or job.name != shards.MERGE_JOB):
        # The shards run on any worker; until the merge job starts, their count is the bar.
        fraction = STAGE_PROGRESS["prepare"] * run.shards_done / run.n_shards
        stage = "shards"
    return {
        "id": run.id,
        "status": run.status,
        "progress": round(float(fraction or 0.0), 3),
        "stage": stage,
        "stage_label": str(RUN_STAGE_LABELS.get(stage, stage)),
        "error": run.error,
        "finished": run.is_finished,
        "shards": ({"done": run.shards_done, "total": run.n_shards} if run.n_shards else None),
    }


# --------------------------------------------------------------------- full run


def execute_run(run_id: int, task_id: str | None = None) -> AnalysisRun:
    """The body of the ``insights.full_run`` job: analyse, write under the run id, switch."""
    from app.tasks.runtime import report_progress

    run = db.session.get(AnalysisRun, run_id)
    if run is None:
        raise NotFound(_l("分析记录不存在。"))
    if run.status == RunStatus.SUCCEEDED:
        return run

    def progress(fraction: float, stage: str) -> None:
        if task_id:
            report_progress(task_id, fraction, stage)

    community_id = run.community_id
    # A retried attempt starts clean: drop whatever a failed attempt wrote.
    db.session.execute(db.delete(ItemAnalysis).where(ItemAnalysis.run_id == run.id))
    shards.forget(run)
    run.status = RunStatus.RUNNING.value
    run.started_at = utcnow()
    run.error = None
    if task_id:
        # The run belongs to the attempt that executes it (a retry is a new job), so that a
        # lapsed lease leads the recovery to the right run.
        run.job_run_id = db.session.execute(
            db.select(JobRun.id).where(JobRun.task_id == task_id)
        ).scalar_one_or_none() or run.job_run_id
    db.session.commit()
    try:
        if shards.wanted(community_id):
            # A large community: the shards are queued for any worker, and the last one to
            # finish queues the merge (which ends in the same switch as a single run).
            shards.plan(run)
        else:
            _execute(run, progress, task_id)
    except RunTakenOver:
        db.session.rollback()
        log.warning("analysis run %s was taken over by a newer attempt", run_id)
        raise
    except Exception as exc:
        fail_run(run_id, exc)
        raise
    return db.session.get(AnalysisRun, run_id)


def fail_run(run_id: int, exc: BaseException | str) -> bool:
    """Mark a queued or running run failed and drop what it wrote (the previous run stays
    visible); False when it had already ended."""
    db.session.rollback()
    error = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    claimed = db.session.execute(
        db.update(AnalysisRun)
        .where(AnalysisRun.id == run_id,
               AnalysisRun.status.in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value]))
        .values(status=RunStatus.FAILED.value, error=error[:4000], finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        db.session.execute(db.delete(ItemAnalysis).where(ItemAnalysis.run_id == run_id))
        run = db.session.get(AnalysisRun, run_id)
        db.session.refresh(run)
        shards.forget(run)
        log.error("analysis run %s of community %s failed: %s", run_id, run.community_id,
                  error[:500])
    db.session.commit()
    return bool(claimed)


class RunTakenOver(PermanentFailure):
    """This attempt's lease lapsed and a newer attempt owns the run: it must not switch."""


def _execute(run: AnalysisRun, progress: Progress, task_id: str | None = None) -> None:
    community_id = run.community_id
    progress(0.02, "load")
    loaded_at = utcnow()
    items = load_items(community_id)
    previous, pipe = theme_pipeline(run, items)

    def on_stage(stage: str, done: int, total: int) -> None:
        if stage == "prepare":
            fraction = 0.05 + 0.30 * (done / total if total else 1.0)
        else:
            fraction = STAGE_PROGRESS.get(stage, 0.85)
        progress(fraction, stage)

    result = pipe.run([i.text for i in items], ids=[str(i.id) for i in items],
                      previous=snapshot_of(previous) if previous is not None else None,
                      progress=on_stage)
    finish_run(run, items, result, progress, task_id, loaded_at=loaded_at)


def sentiment_pipeline(community_id: int):
    """The pipeline whose per-text stages every shard of the community's run uses (the
    shared segmenter and the community's sentiment layer)."""
    return engine.pipeline(community_layer(community_id))


def theme_pipeline(run: AnalysisRun, items: Sequence[ItemRow]):
    """The run's previous run (now recorded on it) and the pipeline that fits its themes:
    the community's sentiment layer and code frame, taught by its operators' corrections."""
    community_id = run.community_id
    previous = current_run(community_id)
    run.previous_run_id = previous.id if previous else None
    pipe = engine.pipeline(community_layer(community_id),
                           frame=codeframe.community_frame(community_id),
                           frame_corrections=frame_corrections(snapshot_of(previous), items))
    db.session.commit()
    return previous, pipe


def finish_run(run: AnalysisRun, items: Sequence[ItemRow], result, progress: Progress,
               task_id: str | None, *, loaded_at: datetime) -> None:
    """Write a run's per-item rows and model, then switch to it (unless this attempt lost
    its lease to a newer one): the end of a single run and of a sharded run's merge."""
    community_id = run.community_id
    labels = fixed_labels(community_id)
    snapshot = result.snapshot
    pinned = {int(k) for k in snapshot.pinned}
    segments = segments_of(items, join_dates(community_id))
    zone = zone_of_community(community_id)
    progress(0.86, "write")
    rows_written = 0
    batch: list[dict] = []
    for item, res in zip(items, result.items, strict=True):
        batch.append(analysis_row(run.id, community_id, item, res, res.theme_id,
                                  labels.get(item.id), item.id in pinned, segments[item.id],
                                  zone))
        if len(batch) >= WRITE_BATCH:
            db.session.execute(db.insert(ItemAnalysis), batch)
            db.session.commit()
            rows_written += len(batch)
            batch = []
            progress(0.86 + 0.08 * rows_written / max(len(items), 1), "write")
    if batch:
        db.session.execute(db.insert(ItemAnalysis), batch)
        rows_written += len(batch)
    _index_missing(community_id)
    save_snapshot(run, snapshot)
    run.model_bytes = result.model_bytes()
    run.themes = [_theme_dict(t, items) for t in result.themes]
    run.n_items = len(items)
    run.n_filler = result.stats.n_filler
    run.n_themes = sum(1 for t in result.themes if not t.is_other)
    run.stats = {
        "k": result.stats.k,
        "outlier_share": round(result.stats.outlier_share, 4),
        "seconds": result.stats.seconds,
        "top_keywords": [[w, float(v)] for w, v in result.stats.top_keywords[:50]],
        "sentiment_counts": {str(k): int(v) for k, v in result.stats.sentiment_counts.items()},
        "n_with_pii": result.stats.n_with_pii,
    }
    db.session.commit()
    if not job_leases.holds_lease(task_id):
        raise RunTakenOver(_l("分析已由新的尝试接手。"))
    progress(0.95, "switch")
    switch_to(run, loaded_at=loaded_at)
    progress(1.0, "done")
    _after_switch(run)


def frame_corrections(snapshot: ThemeSnapshot, items: Sequence[ItemRow]
                      ) -> list[FrameCorrection]:
    """What operators taught the code frame: each item they pinned to a theme is an example
    of that theme's frame key, or of "none" when they pinned it to a discovered theme or 其他
    (so the frame stops claiming texts like it)."""
    if not snapshot.pinned:
        return []
    texts = {str(i.id): i.text for i in items}
    fixes = []
    for item_id, theme_id in snapshot.pinned.items():
        text = texts.get(item_id)
        if not text:
            continue
        record = snapshot.record(snapshot.resolve(theme_id))
        key = record.frame_key if record is not None and record.frame_key else FRAME_NONE
        fixes.append(FrameCorrection(text, key))
    return fixes


def _theme_dict(theme, items: Sequence[ItemRow]) -> dict:
    return {
        "key": int(theme.id),
        "name": theme.name if not theme.is_other else OTHER_NAME,
        "frame_key": theme.frame_key,
        "summary": theme.summary or "",
        "keywords": list(theme.keywords),
        "keyword_weights": {w: float(v) for w, v in theme.keyword_weights},
        "area": theme.area,
        "size": int(theme.size),
        "quote_item_ids": [items[i].id for i in theme.quote_indices if 0 <= i < len(items)],
        "status": theme.status,
        "seeded": bool(theme.seeded),
        "name_edited": bool(theme.name_edited),
        "is_other": bool(theme.is_other),
    }


def _index_missing(community_id: int) -> None:
    """Index the items that have no search tokens yet (new items are indexed as they come)."""
    missing = db.session.execute(
        db.select(FeedbackItem.id, FeedbackItem.redacted_text)
        .outerjoin(SearchText, SearchText.feedback_item_id == FeedbackItem.id)
        .where(FeedbackItem.community_id == community_id,
               SearchText.feedback_item_id.is_(None))
    ).all()
    rows = [(item_id, community_id, search_tokens(text)) for item_id, text in missing]
    for start in range(0, len(rows), WRITE_BATCH):
        index_texts(rows[start:start + WRITE_BATCH])


# ------------------------------------------------------------------------ switch


def switch_to(run: AnalysisRun, *, loaded_at: datetime | None = None) -> None:
    """Make ``run`` the visible one, in a single transaction (the commit point of a run).

    Items that arrived or changed after the run read them are analysed with the new model
    first; corrections made during the run are replayed onto it; the run's themes are
    written to the theme rows; then the community's current run moves to ``run``.
    """
    from app.services.insights import corrections

    community_id = run.community_id
    state = get_state(community_id)
    if db.session.get_bind().dialect.name == "postgresql":
        # Serialise switches and incremental writes of one community.
        db.session.execute(
            db.select(InsightState).where(InsightState.community_id == community_id)
            .with_for_update()
        )
    previous = db.session.get(AnalysisRun, state.current_run_id) if state.current_run_id else None
    _catch_up(run, loaded_at or run.started_at or utcnow())
    run.diff = _diff(previous, run)
    _apply_themes(run)
    state.current_run_id = run.id
    state.switched_at = utcnow()
    run.status = RunStatus.SUCCEEDED.value
    run.finished_at = utcnow()
    db.session.flush()
    if previous is not None:
        corrections.replay_onto(run, previous, since=run.started_at or run.created_at)
    db.session.commit()


def _catch_up(run: AnalysisRun, loaded_at: datetime) -> None:
    """Analyse, with the new model, items that the run did not see or that changed since."""
    # NOT EXISTS, not NOT IN: PostgreSQL runs NOT IN over a subquery larger than work_mem
    # as a nested loop (hours at 300k items); NOT EXISTS is an anti-join on every database.
    have = db.select(ItemAnalysis.id).where(ItemAnalysis.run_id == run.id,
                                            ItemAnalysis.feedback_item_id == FeedbackItem.id)
    in_community = FeedbackItem.community_id == run.community_id
    unseen = db.session.execute(
        db.select(FeedbackItem.id).where(in_community, ~have.exists())).scalars()
    changed = db.session.execute(
        db.select(FeedbackItem.id).where(in_community, FeedbackItem.updated_at > loaded_at)
    ).scalars()
    ids = sorted(set(unseen) | set(changed))
    if ids:
        from app.services.insights.incremental import analyze_into

        analyze_into(run, ids)


def _diff(previous: AnalysisRun | None, run: AnalysisRun) -> dict:
    """What changed between two runs: new, grown, shrunk, merged and gone themes."""
    new_themes = {t["key"]: t for t in run.themes or [] if not t["is_other"]}
    out: dict[str, list] = {"new": [], "grown": [], "shrunk": [], "merged": [], "gone": []}
    if previous is None or not previous.themes:
        out["first"] = True
        return out
    old_themes = {t["key"]: t for t in previous.themes if not t["is_other"]}
    known = set(db.session.execute(
        db.select(InsightTheme.key).where(InsightTheme.community_id == run.community_id)
    ).scalars())
    snap = snapshot_of(run)
    old_n, new_n = max(previous.n_items, 1), max(run.n_items, 1)
    for key, theme in new_themes.items():
        if key not in old_themes:
            if key not in known and theme["status"] == ThemeStatus.ACTIVE:
                out["new"].append({"key": key, "name": theme["name"], "size": theme["size"]})
            continue
        before, after = old_themes[key]["size"], theme["size"]
        ratio = (after / new_n) / (before / old_n) if before else float("inf")
        entry = {"key": key, "name": theme["name"], "before": before, "after": after}
        if ratio >= CHANGE_RATIO and after - before >= CHANGE_MIN_ITEMS:
            out["grown"].append(entry)
        elif ratio <= 1 / CHANGE_RATIO and before - after >= CHANGE_MIN_ITEMS:
            out["shrunk"].append(entry)
    for key, theme in old_themes.items():
        if key in new_themes:
            continue
        record = snap.record(key)
        if record is not None and record.status == STATUS_MERGED and record.merged_into:
            into = snap.resolve(key)
            out["merged"].append({"key": key, "name": theme["name"], "into_key": into,
                                  "into_name": new_themes.get(into, {}).get("name", "")})
        else:
            out["gone"].append({"key": key, "name": theme["name"], "before": theme["size"]})
    for name in ("grown", "shrunk"):
        out[name].sort(key=lambda e: -abs(e["after"] - e["before"]))
    return out


def _apply_themes(run: AnalysisRun) -> None:
    """Write the run's themes onto the community's theme rows."""
    snap = snapshot_of(run)
    rows = {t.key: t for t in db.session.execute(
        db.select(InsightTheme).where(InsightTheme.community_id == run.community_id)
    ).scalars()}
    mixes = _sentiment_mixes(run.id)
    seen = set()
    now = utcnow()
    for theme in run.themes or []:
        key = theme["key"]
        seen.add(key)
        row = rows.get(key)
        if row is None:
            row = InsightTheme(community_id=run.community_id, key=key, first_run_id=run.id,
                               first_seen_at=now)
            db.session.add(row)
        record = snap.record(key)
        row.name = theme["name"][:80]
        row.frame_key = theme.get("frame_key")
        row.summary = theme.get("summary") or None
        row.area = theme["area"]
        row.keywords = theme["keywords"]
        row.keyword_weights = theme["keyword_weights"]
        row.quote_item_ids = theme["quote_item_ids"]
        row.size = theme["size"]
        row.sentiment_mix = mixes.get(key, {})
        row.status = theme["status"]
        row.merged_into_key = None
        row.seed_words = list(record.seed_words) if record is not None else []
        row.name_edited = theme["name_edited"]
        row.is_other = theme["is_other"]
        row.last_run_id = run.id
    for key, row in rows.items():
        if key in seen:
            continue
        row.size = 0
        row.sentiment_mix = {}
        record = snap.record(key)
        if record is not None and record.status == STATUS_MERGED:
            row.status = ThemeStatus.MERGED.value
            row.merged_into_key = snap.resolve(key)
    db.session.flush()


def _sentiment_mixes(run_id: int) -> dict[int, dict[str, int]]:
    mixes: dict[int, dict[str, int]] = defaultdict(lambda: {"-1": 0, "0": 0, "1": 0})
    for key, label, count in db.session.execute(
        db.select(ItemAnalysis.theme_key, ItemAnalysis.sentiment_label,
                  db.func.count(ItemAnalysis.id))
        .where(ItemAnalysis.run_id == run_id)
        .group_by(ItemAnalysis.theme_key, ItemAnalysis.sentiment_label)
    ):
        mixes[int(key)][str(int(label))] = int(count)
    return dict(mixes)


def refresh_theme_stats(run_id: int, keys: Iterable[int]) -> None:
    """Recount the size and sentiment mix of some themes after items moved between them."""
    keys = set(keys)
    if not keys:
        return
    run = db.session.get(AnalysisRun, run_id)
    mixes = _sentiment_mixes(run_id)
    for row in db.session.execute(
        db.select(InsightTheme).where(InsightTheme.community_id == run.community_id,
                                      InsightTheme.key.in_(keys))
    ).scalars():
        mix = mixes.get(row.key, {})
        row.sentiment_mix = mix
        row.size = sum(mix.values())


def _after_switch(run: AnalysisRun) -> None:
    """Housekeeping once a run is visible: old rows go, alerts are checked."""
    from app.services.insights import alerts, wordclouds

    _prune(run.community_id, keep=run.id)
    wordclouds.prune(run.community_id, keep_run=run.id)
    db.session.commit()
    try:
        alerts.check_after_run(run)
        db.session.commit()
        alerts.flush_notifications()
    except Exception:  # alerts must not turn a finished run into a failed one
        db.session.rollback()
        log.exception("alert check after run %s failed", run.id)


def _prune(community_id: int, keep: int) -> None:
    """Delete per-item rows of runs that are no longer visible, and old models."""
    for old_id in db.session.execute(
        db.select(AnalysisRun.id).where(AnalysisRun.community_id == community_id,
                                        AnalysisRun.id != keep,
                                        AnalysisRun.status != RunStatus.RUNNING.value,
                                        AnalysisRun.status != RunStatus.QUEUED.value)
    ).scalars():
        db.session.execute(db.delete(ItemAnalysis).where(ItemAnalysis.run_id == old_id))
        db.session.commit()
    old = db.session.execute(
        db.select(AnalysisRun).where(AnalysisRun.community_id == community_id,
                                     AnalysisRun.model_bytes.is_not(None))
        .order_by(AnalysisRun.id.desc()).offset(KEEP_RUN_MODELS)
    ).scalars().all()
    for stale in old:
        stale.model_bytes = None
        stale.snapshot = None
        stale.assignments = None
    db.session.commit()


def has_model(run_id: int) -> bool:
    """Whether a run stored a theme model (without loading it)."""
    return bool(db.session.execute(
        db.select(AnalysisRun.model_bytes.is_not(None)).where(AnalysisRun.id == run_id)
    ).scalar())


