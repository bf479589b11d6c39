"""Word clouds of themes and periods (PNG, drawn by ``nlp.wordcloud`` with the installed CJK
font), cached in the database per run and keyword set so that every web process shares them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Community, InsightTheme, WordCloudImage
from app.services.insights import analysis
from nlp.wordcloud import wordcloud_png

SIZES = {"small": (360, 200), "large": (720, 400)}


def _cache_key(weights: Mapping[str, float], size: str) -> str:
    payload = json.dumps(sorted((w, round(float(v), 3)) for w, v in weights.items()),
                         ensure_ascii=False) + size
    return hashlib.sha256(payload.encode()).hexdigest()[:40]


def cloud_png(community: Community, weights: Mapping[str, float], *, size: str = "large"
              ) -> bytes:
    """The PNG of a word cloud of ``weights``, from the cache or drawn now and cached."""
    size = size if size in SIZES else "large"
    key = _cache_key(weights, size)
    cached = db.session.execute(
        db.select(WordCloudImage.png).where(WordCloudImage.community_id == community.id,
                                            WordCloudImage.cache_key == key)
    ).scalar_one_or_none()
    if cached is not None:
        return cached
    width, height = SIZES[size]
    font = current_app.config.get("CJK_FONT_PATH") or None
    png = wordcloud_png(dict(weights), font_path=font, width=width, height=height,
                        max_words=60, colormap="viridis")
    try:
        db.session.add(WordCloudImage(community_id=community.id, cache_key=key, png=png,
                                      run_id=analysis.current_run_id(community.id)))
        db.session.commit()
    except IntegrityError:  # another process drew the same cloud at the same time
        db.session.rollback()
    return png


def theme_weights(theme: InsightTheme) -> dict[str, float]:
    """A theme's keyword weights (its c-TF-IDF profile)."""
    return {w: float(v) for w, v in (theme.keyword_weights or {}).items() if v > 0}


def period_weights(stats) -> dict[str, float]:
    """Keyword weights of a period: each theme's keywords scaled by its volume in it."""
    weights: dict[str, float] = {}
    for stat in stats:
        if not stat.volume:
            continue
        for word, value in theme_weights(stat.theme).items():
            weights[word] = weights.get(word, 0.0) + value * stat.volume
    top = max(weights.values(), default=0.0)
    if top <= 0:
        return {}
    best = sorted(weights.items(), key=lambda kv: -kv[1])[:80]
    return {w: round(v / top, 4) for w, v in best}


def prune(community_id: int, keep_run: int) -> None:
    """Drop cached clouds of older runs."""
    db.session.execute(db.delete(WordCloudImage).where(
        WordCloudImage.community_id == community_id, WordCloudImage.run_id != keep_run))
