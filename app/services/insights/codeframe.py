"""A community's code frame (编码框架): the built-in themes that community feedback keeps
returning to, as this community renamed, switched off or extended them, plus its own themes.

The shipped frame (``nlp/data/codeframe``) is never changed; each community's edits are one
JSON document (``CodeFrameSettings.custom``) that ``CodeFrame.customised`` applies. Edits take
effect at the next full analysis, which the page offers to start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import CodeFrameSettings, InsightTheme, ThemeStatus
from app.services import audit
from app.services.errors import NotFound, ServiceError
from nlp.codeframe import CodeFrame, load_code_frame

MAX_NAME = 20
MAX_PHRASE = 30
MAX_PHRASES = 300
MAX_OWN_THEMES = 12
OWN_PREFIX = "own-"
# Phrases are entered one per line; commas and 、 separate them too.
_SPLIT = re.compile(r"[\n\r,，、;；]+")


@dataclass(frozen=True)
class FrameRow:
    """One code-frame theme as the settings page shows it."""

    key: str
    name: str
    default_name: str
    description: str
    enabled: bool
    own: bool
    n_seeds: int
    extra_phrases: list[str]
    theme_key: int | None
    size: int


def custom_of(community_id: int) -> dict:
    """The community's stored edits (an empty dict when it has none)."""
    row = db.session.get(CodeFrameSettings, community_id)
    return dict(row.custom or {}) if row is not None else {}


def community_frame(community_id: int) -> CodeFrame:
    """The code frame the community's analyses use."""
    return load_code_frame().customised(custom_of(community_id))


def frame_rows(community_id: int) -> list[FrameRow]:
    """Every theme of the community's frame, in frame order, with its current theme's size."""
    default = {t.key: t for t in load_code_frame()}
    custom = custom_of(community_id)
    extra = custom.get("extend") or {}
    themes = {t.frame_key: t for t in db.session.execute(
        db.select(InsightTheme).where(InsightTheme.community_id == community_id,
                                      InsightTheme.frame_key.is_not(None),
                                      InsightTheme.status == ThemeStatus.ACTIVE.value)
    ).scalars()}
    rows = []
    for theme in load_code_frame().customised(custom):
        shipped = default.get(theme.key)
        current = themes.get(theme.key)
        rows.append(FrameRow(
            # The theme's own row carries a name given on its page since the last analysis.
            key=theme.key, name=current.name if current is not None else theme.name,
            default_name=shipped.name if shipped else theme.name,
            description=theme.description, enabled=theme.enabled, own=shipped is None,
            n_seeds=len(theme.seeds), extra_phrases=list(extra.get(theme.key, [])),
            theme_key=current.key if current is not None else None,
            size=current.size if current is not None else 0))
    return rows


def parse_phrases(text: str | Iterable[str]) -> list[str]:
    """Phrases from a text box (one per line, or separated by commas or 、), de-duplicated.

    Raises ServiceError when a phrase is too long or there are too many.
    """
    parts = _SPLIT.split(text) if isinstance(text, str) else list(text)
    phrases = list(dict.fromkeys(p.strip() for p in parts if p and p.strip()))
    too_long = [p for p in phrases if len(p) > MAX_PHRASE]
    if too_long:
        raise ServiceError(_l("短语「%(p)s…」太长了：每条最多 %(n)d 个字。",
                              p=too_long[0][:10], n=MAX_PHRASE),
                           code="phrase_too_long", field="phrases")
    if len(phrases) > MAX_PHRASES:
        raise ServiceError(_l("短语太多了：一个主题最多补充 %(n)d 条。", n=MAX_PHRASES),
                           code="too_many_phrases", field="phrases")
    return phrases


def rename(community_id: int, key: str, name: str, *, actor) -> None:
    """Show a frame theme under another name (the shipped name again when ``name`` is it)."""
    frame = community_frame(community_id)
    theme = _theme(frame, key)
    name = _valid_name(name, frame, key)
    if name == theme.name and name == _current_name(community_id, key):
        return
    custom = custom_of(community_id)
    renames = dict(custom.get("rename") or {})
    own = _own_index(custom, key)
    if own is not None:
        custom["add"][own] = {**custom["add"][own], "name": name}
    elif name == _shipped_name(key):
        renames.pop(key, None)
    else:
        renames[key] = name
    custom["rename"] = renames
    _save(community_id, custom, actor, "codeframe.rename", {"key": key, "from": theme.name,
                                                            "to": name})
    _rename_current_theme(community_id, key, name, actor)


def _rename_current_theme(community_id: int, key: str, name: str, actor) -> None:
    """Give the frame theme's current theme the new name now, as a correction (so the theme
    pages and the next analysis agree with the frame, and the rename can be undone there)."""
    from app.models import Community
    from app.services.insights import corrections

    row = db.session.execute(
        db.select(InsightTheme).where(InsightTheme.community_id == community_id,
                                      InsightTheme.frame_key == key)
    ).scalars().first()
    if row is not None and row.name != name:
        corrections.apply(db.session.get(Community, community_id), "rename",
                          {"theme": row.key, "name": name}, actor=actor)


def set_enabled(community_id: int, key: str, enabled: bool, *, actor) -> None:
    """Switch a frame theme on or off (its feedback goes to discovered themes when off)."""
    _theme(community_frame(community_id), key)
    custom = custom_of(community_id)
    disabled = [k for k in custom.get("disable") or [] if k != key]
    if not enabled:
        disabled.append(key)
    custom["disable"] = disabled
    _save(community_id, custom, actor, "codeframe.enable" if enabled else "codeframe.disable",
          {"key": key})


def set_phrases(community_id: int, key: str, text: str | Iterable[str], *, actor) -> int:
    """Replace the community's own phrases for a frame theme; returns how many it has now."""
    _theme(community_frame(community_id), key)
    phrases = parse_phrases(text)
    custom = custom_of(community_id)
    own = _own_index(custom, key)
    if own is not None:
        if not phrases:
            raise ServiceError(_l("自建主题至少需要一条短语。"), code="no_phrases",
                               field="phrases")
        custom["add"][own] = {**custom["add"][own], "phrases": phrases}
    else:
        extend = dict(custom.get("extend") or {})
        if phrases:
            extend[key] = phrases
        else:
            extend.pop(key, None)
        custom["extend"] = extend
    _save(community_id, custom, actor, "codeframe.phrases", {"key": key, "n": len(phrases)})
    return len(phrases)


def add_theme(community_id: int, name: str, text: str | Iterable[str], *, actor) -> str:
    """Add a theme of the community's own (a name and its phrases); returns its key."""
    frame = community_frame(community_id)
    name = _valid_name(name, frame, None)
    phrases = parse_phrases(text)
    if not phrases:
        raise ServiceError(_l("请至少填写一条短语：成员说到这些话时，反馈就归入这个主题。"),
                           code="no_phrases", field="phrases")
    custom = custom_of(community_id)
    own = list(custom.get("add") or [])
    if len(own) >= MAX_OWN_THEMES:
        raise ServiceError(_l("自建主题最多 %(n)d 个，可以先停用不再需要的主题。",
                              n=MAX_OWN_THEMES), code="too_many_themes")
    taken = set(frame.keys())
    number = len(own) + 1
    while f"{OWN_PREFIX}{number}" in taken:
        number += 1
    key = f"{OWN_PREFIX}{number}"
    own.append({"key": key, "name": name, "phrases": phrases})
    custom["add"] = own
    _save(community_id, custom, actor, "codeframe.add", {"key": key, "name": name})
    return key


def _current_name(community_id: int, key: str) -> str | None:
    return db.session.execute(
        db.select(InsightTheme.name).where(InsightTheme.community_id == community_id,
                                           InsightTheme.frame_key == key)
    ).scalars().first()


def _theme(frame: CodeFrame, key: str):
    try:
        return frame.theme(key)
    except KeyError:
        raise NotFound(_l("编码框架里没有这个主题。")) from None


def _shipped_name(key: str) -> str | None:
    try:
        return load_code_frame().theme(key).name
    except KeyError:
        return None


def _own_index(custom: dict, key: str) -> int | None:
    for index, item in enumerate(custom.get("add") or []):
        if item.get("key") == key:
            return index
    return None


def _valid_name(name: str, frame: CodeFrame, key: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ServiceError(_l("请填写主题名称。"), code="no_name", field="name")
    if len(name) > MAX_NAME:
        raise ServiceError(_l("主题名称最多 %(n)d 个字。", n=MAX_NAME), code="name_too_long",
                           field="name")
    if any(t.name == name and t.key != key for t in frame):
        raise ServiceError(_l("已经有叫「%(name)s」的主题了。", name=name), code="name_taken",
                           field="name")
    return name


def _save(community_id: int, custom: dict, actor, action: str, details: dict) -> None:
    # Rebuilding the frame proves the edit applies before anything is stored.
    try:
        load_code_frame().customised(custom)
    except (KeyError, ValueError) as exc:
        raise ServiceError(_l("编码框架的修改无法应用：%(e)s", e=str(exc)),
                           code="invalid_frame") from None
    row = db.session.get(CodeFrameSettings, community_id)
    if row is None:
        row = CodeFrameSettings(community_id=community_id)
        db.session.add(row)
    row.custom = {k: v for k, v in custom.items() if v}
    row.updated_by_id = getattr(actor, "id", None)
    audit.record(action, "code_frame", None, actor=actor, community_id=community_id,
                 after=details)
    db.session.flush()
