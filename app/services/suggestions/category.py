"""Suggest a suggestion-box category from what the member wrote.

The community's code frame (the classifier of its last analysis, or its frame trained here)
says which theme the text is about; the category whose name shares the most wording with the
theme's name and operations area is suggested. Categories are each community's own words, so
the match is made on shared character pairs, not on a fixed table: 「群规与秩序」 meets the
area 「规则与秩序」, 「积分与激励」 the theme 「积分与权益」. A text about nothing in the frame,
praise, or a theme no category resembles gets no suggestion: the member chooses.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.models import Community
from nlp.codeframe import NONE

if TYPE_CHECKING:
    from nlp.codeframe_classifier import CodeFrameClassifier

log = logging.getLogger(__name__)

#: Below this probability the frame's answer is a guess; better to let the member choose.
MIN_CONFIDENCE = 0.5
#: Joining words that say nothing about the subject (「积分与激励」「服务和响应」).
_JOINERS = re.compile(r"[与和及、/&·\s]+")


def _pairs(text: str) -> set[str]:
    """Character pairs of ``text`` without joining words (「群规与秩序」 → 群规 规秩 秩序)."""
    core = _JOINERS.sub("", text or "")
    return {core[i:i + 2] for i in range(len(core) - 1)} or ({core} if core else set())


def closest_category(categories: Sequence[str], theme_name: str, area: str | None
                     ) -> str | None:
    """The category sharing the most character pairs with the theme's name and area, or None
    when no category shares any (ties go to the earlier category, as the operator ordered
    them)."""
    about = _pairs(theme_name) | _pairs(area or "")
    best, best_score = None, 0
    for category in categories:
        score = len(_pairs(category) & about)
        if score > best_score:
            best, best_score = category, score
    return best


def _classifier(community: Community) -> CodeFrameClassifier:
    """The frame classifier of the community's current analysis, else its frame's own."""
    from app.services.insights import analysis, codeframe, engine
    from nlp.codeframe_classifier import default_classifier

    run = analysis.current_run(community.id)
    model = engine.theme_model_of(run) if run is not None else None
    fitted = getattr(model, "frame_", None) if model is not None else None
    if fitted is not None:
        return fitted
    return default_classifier(codeframe.community_frame(community.id))


def suggest_category(community: Community, text: str, categories: Sequence[str]
                     ) -> str | None:
    """The category to propose for a suggestion reading ``text``, or None."""
    text = (text or "").strip()
    if len(text) < 4 or not categories:
        return None
    try:
        classifier = _classifier(community)
        keys, confidence = classifier.predict_with_confidence([text])
    except Exception:  # a suggestion is a help: never let it break the box
        log.exception("category suggestion failed in community %s", community.id)
        return None
    key = str(keys[0])
    if key == NONE or float(confidence[0]) < MIN_CONFIDENCE:
        return None
    frame = classifier.frame
    if frame is None or key not in frame.keys():
        return None
    theme = frame.theme(key)
    if theme.area is None:
        # Themes outside every operations area (praise and thanks) are no category.
        return None
    return closest_category(categories, theme.name, theme.area)
