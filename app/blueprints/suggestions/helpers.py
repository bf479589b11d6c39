"""Small helpers shared by the suggestion-box views."""

from __future__ import annotations

from flask import abort, current_app, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.blueprints.suggestions import suggestions_bp
from app.extensions import db
from app.models import (
    MEMBER_SUGGESTION_STATUS_LABELS,
    SUGGESTION_STATUS_LABELS,
    Suggestion,
    SuggestionStatus,
    User,
)
from app.security.access import get_in_community


def viewer():
    """The signed-in person when they are a member of the current community, else None."""
    if g.get("role") is None or not current_user.is_authenticated:
        return None
    return current_user._get_current_object()


def load(suggestion_id: int) -> Suggestion:
    """A suggestion of the current community, or 404."""
    return get_in_community(Suggestion, suggestion_id)


def uploaded_images() -> list[bytes]:
    """The bytes of the images in the request (empty file inputs are ignored)."""
    files = [f for f in request.files.getlist("images") if f and f.filename]
    limit = current_app.config["SUGGESTION_MAX_IMAGE_BYTES"]
    # Read one byte past the limit: enough to refuse an oversized file without keeping it.
    return [f.stream.read(limit + 1) for f in files]


def categories_choices(categories) -> list[SelectChoice]:
    """Select choices for categories."""
    return [SelectChoice(c, c) for c in categories]


def require(condition: bool, status: int = 404) -> None:
    """Abort unless the condition holds (404 by default, so nothing leaks)."""
    if not condition:
        abort(status)


@suggestions_bp.app_template_global()
def suggestion_status_label(status: str, audience: str = "team") -> str:
    """The label of a suggestion status, in the page's language: the team's workflow word
    (新建), or for ``audience`` "member" what it means to members (已收到)."""
    labels = SUGGESTION_STATUS_LABELS if audience == "team" else MEMBER_SUGGESTION_STATUS_LABELS
    try:
        return str(labels[SuggestionStatus(status)])
    except ValueError:
        return status


AUDIT_LABELS = {
    "suggestion.created": _l("提交了建议"),
    "suggestion.edited": _l("修改了建议内容"),
    "suggestion.status_changed": _l("更新了状态"),
    "suggestion.replied": _l("发布了回复"),
    "suggestion.triaged": _l("修改了分类、标签或负责人"),
    "suggestion.note_added": _l("添加了内部备注"),
    "suggestion.merged": _l("合并到了另一条建议"),
    "suggestion.merge_received": _l("合并了另一条建议"),
    "suggestion.unmerged": _l("撤销了合并"),
    "suggestion.merge_undone": _l("撤销了合并到这里的建议"),
    "suggestion.hidden": _l("在建议广场隐藏"),
    "suggestion.unhidden": _l("在建议广场恢复显示"),
    "suggestion.comment_hidden": _l("隐藏了一条评论"),
    "suggestion.comment_unhidden": _l("恢复显示了一条评论"),
    "suggestion.submitter_answered": _l("提交者补充了回复"),
}


@suggestions_bp.app_template_global()
def audit_label(entry) -> str:
    """A readable line for a suggestion's audit entry, with the change it made."""
    label = str(AUDIT_LABELS.get(entry.action, entry.action))
    before, after = entry.before or {}, entry.after or {}
    details = []
    if "status" in after and before.get("status") != after.get("status"):
        details.append(f"{suggestion_status_label(before.get('status', ''))} → "
                       f"{suggestion_status_label(after['status'])}")
    if after.get("merged_into"):
        details.append(f"#{after['merged_into']}")
    if after.get("merged_from"):
        details.append(f"#{after['merged_from']}")
    if after.get("unmerged"):
        details.append(f"#{after['unmerged']}")
    if entry.action == "suggestion.triaged":
        if "category" in after:
            details.append(_("分类：%(v)s", v=after["category"]))
        if "tags" in after:
            details.append(_("标签：%(v)s", v="、".join(after["tags"]) or "–"))
        if "assignee_id" in after:
            assignee = db.session.get(User, after["assignee_id"]) if after["assignee_id"] else None
            details.append(_("负责人：%(name)s", name=assignee.display_name) if assignee
                           else _("取消了负责人"))
    if not details:
        return label
    return label + _("（%(details)s）", details=_("；").join(details))
