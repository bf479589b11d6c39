"""The suggestion box for submitters: the box's settings, submitting (also anonymously),
the private tracking code, the submitter's conversation with the team, and "my suggestions".

Anonymity rules, enforced here: an anonymous suggestion stores no author, no follower or vote
row for the submitter, no audit actor and no client address; the submitter's answers through
the tracking link store no author either.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    Community,
    SourceKind,
    Suggestion,
    SuggestionFollow,
    SuggestionImage,
    SuggestionStatus,
    SuggestionUpdate,
    UpdateKind,
    User,
    utcnow,
)
from app.services import audit, notifications, webhooks
from app.services.channels import SUGGESTION_BOX_CHANNEL
from app.services.errors import ServiceError
from app.services.insights.feedback import FeedbackInput, delete_feedback, record_feedback
from app.services.suggestions import submissions
from app.services.suggestions.images import prepare_images, store_image
from nlp.pii import redact_text

MAX_CONTENT = 2000
MAX_TITLE = 80
MAX_REPLY = 1000
DEFAULT_CATEGORIES = ("内容", "活动", "积分与激励", "技术与体验", "群规与秩序", "服务", "其他")
MAX_CATEGORIES = 20
FEEDBACK_CHANNEL = SUGGESTION_BOX_CHANNEL

# Tracking codes: 16 characters from an alphabet without look-alikes (0/O, 1/I/L, U),
# about 78 bits of entropy; shown as XXXX-XXXX-XXXX-XXXX.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
TRACKING_LENGTH = 16


# --- settings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoxSettings:
    """A community's suggestion-box settings."""

    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    public_board: bool = False
    anonymous_visitors: bool = False
    public_changelog: bool = True


def box_settings(community: Community) -> BoxSettings:
    """The community's box settings, with defaults for anything unset."""
    categories = community.setting("suggestion_categories") or DEFAULT_CATEGORIES
    return BoxSettings(
        categories=tuple(categories),
        public_board=bool(community.setting("public_board", False)),
        anonymous_visitors=bool(community.setting("anonymous_visitors", False)),
        public_changelog=bool(community.setting("public_changelog", True)),
    )


def parse_categories(text: str) -> list[str]:
    """Categories from a textarea, one per line (commas also separate)."""
    names: list[str] = []
    for line in (text or "").replace("，", "\n").replace(",", "\n").splitlines():
        name = " ".join(line.split())
        if not name:
            continue
        if len(name) > 20:
            raise ServiceError(_l("每个分类不超过 20 个字。"), code="category_too_long",
                               field="categories")
        if name not in names:
            names.append(name)
    if not names:
        raise ServiceError(_l("至少需要一个分类。"), code="categories_required",
                           field="categories")
    if len(names) > MAX_CATEGORIES:
        raise ServiceError(_l("分类最多 %(n)d 个。", n=MAX_CATEGORIES), code="too_many_categories",
                           field="categories")
    return names


def update_box_settings(
    community: Community,
    *,
    categories: list[str],
    public_board: bool,
    anonymous_visitors: bool,
    public_changelog: bool,
    actor,
) -> None:
    """Change the box settings (categories, public board, visitors, public changelog)."""
    before = box_settings(community)
    settings = dict(community.settings or {})
    settings.update(
        suggestion_categories=list(categories),
        public_board=bool(public_board),
        anonymous_visitors=bool(anonymous_visitors),
        public_changelog=bool(public_changelog),
    )
    community.settings = settings  # a new dict, so that the JSON column is saved
    after = box_settings(community)
    if before != after:
        audit.record(
            "suggestion_box.settings_changed", "community", community.id, actor=actor,
            community_id=community.id,
            before={k: list(v) if isinstance(v, tuple) else v for k, v in before.__dict__.items()},
            after={k: list(v) if isinstance(v, tuple) else v for k, v in after.__dict__.items()},
        )


# --- tracking codes --------------------------------------------------------------------------


def new_tracking_code() -> str:
    """A fresh private tracking code (normalised form, without dashes)."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def normalise_tracking_code(code: str) -> str:
    """Upper-case, without spaces and dashes, as people may type it."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def format_tracking_code(code: str) -> str:
    """A code in groups of four for reading and copying."""
    code = normalise_tracking_code(code)
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def tracking_hash(code: str) -> str:
    """What is stored for a tracking code: its SHA-256."""
    return hashlib.sha256(normalise_tracking_code(code).encode()).hexdigest()


def find_by_tracking_code(community: Community, code: str) -> Suggestion | None:
    """The suggestion behind a tracking code in this community, or None."""
    normalised = normalise_tracking_code(code)
    if len(normalised) != TRACKING_LENGTH:
        return None
    return db.session.execute(
        db.select(Suggestion).where(
            Suggestion.community_id == community.id,
            Suggestion.tracking_hash == tracking_hash(normalised),
        )
    ).scalar_one_or_none()


# --- feedback items --------------------------------------------------------------------------


def feedback_key(suggestion: Suggestion) -> str:
    """The feedback item key of a suggestion's own text."""
    return f"suggestion:{suggestion.id}"


def feedback_text(suggestion: Suggestion) -> str:
    """The text that goes to the analysis: the title (when given) and the content."""
    if suggestion.title and suggestion.title.strip() not in suggestion.content:
        return f"{suggestion.title.strip()}。{suggestion.content}"
    return suggestion.content


def sync_feedback(suggestion: Suggestion) -> None:
    """Write (or update) the suggestion's feedback item from its current state."""
    record_feedback(FeedbackInput(
        community_id=suggestion.community_id,
        source_kind=SourceKind.SUGGESTION,
        source_key=feedback_key(suggestion),
        source_id=suggestion.id,
        source_ref={
            "suggestion_id": suggestion.id,
            "part": "suggestion",
            "title": suggestion.title,
            "category": suggestion.category,
            "status": suggestion.status,
            "merged_into": suggestion.merged_into_id,
            "hidden": suggestion.is_hidden,
        },
        text=feedback_text(suggestion),
        author_id=suggestion.author_id,
        channel=FEEDBACK_CHANNEL,
        occurred_at=suggestion.created_at,
    ))


def record_part_feedback(suggestion: Suggestion, *, part: str, part_id: int, text: str,
                         author_id: int | None, occurred_at: datetime | None) -> None:
    """Record member text attached to a suggestion (a comment, a submitter's answer)."""
    record_feedback(FeedbackInput(
        community_id=suggestion.community_id,
        source_kind=SourceKind.SUGGESTION,
        source_key=f"suggestion:{suggestion.id}:{part}:{part_id}",
        source_id=suggestion.id,
        source_ref={"suggestion_id": suggestion.id, "part": part, f"{part}_id": part_id},
        text=text,
        author_id=author_id,
        channel=FEEDBACK_CHANNEL,
        occurred_at=occurred_at,
    ))


def remove_part_feedback(suggestion: Suggestion, *, part: str, part_id: int) -> None:
    """Drop the feedback item of a comment or answer that is gone or hidden."""
    delete_feedback(suggestion.community_id, f"suggestion:{suggestion.id}:{part}:{part_id}")


# --- submitting ------------------------------------------------------------------------------


def _clean_text(value: str | None) -> str:
    # Normalise line endings and trim, but keep the member's own line breaks.
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def validate_content(content: str | None, title: str | None = None) -> tuple[str, str | None]:
    """The cleaned content and title, or a ServiceError with a clear message."""
    content = _clean_text(content)
    title = " ".join((title or "").split()) or None
    if not content:
        raise ServiceError(_l("请填写建议内容。"), code="content_required", field="content")
    if len(content) > MAX_CONTENT:
        raise ServiceError(_l("建议内容不能超过 %(n)d 个字（现在是 %(m)d 个字）。", n=MAX_CONTENT,
                              m=len(content)), code="content_too_long", field="content")
    if title and len(title) > MAX_TITLE:
        raise ServiceError(_l("标题不能超过 %(n)d 个字。", n=MAX_TITLE), code="title_too_long",
                           field="title")
    return content, title


def validate_category(community: Community, category: str | None) -> str:
    """A category of this community's list."""
    categories = box_settings(community).categories
    if category not in categories:
        raise ServiceError(_l("请选择一个分类。"), code="category_invalid", field="category")
    return category


@dataclass
class Submitted:
    """A new suggestion and its private tracking code (shown once, stored only as a hash)."""

    suggestion: Suggestion
    tracking_code: str
    notifications: list = field(default_factory=list)

    @property
    def formatted_code(self) -> str:
        """The code in groups of four."""
        return format_tracking_code(self.tracking_code)


def submit(
    community: Community,
    *,
    content: str,
    category: str,
    title: str | None = None,
    author: User | None = None,
    anonymous: bool = False,
    images: list[bytes] | None = None,
    created_at: datetime | None = None,
    submission_key: str | None = None,
) -> Submitted:
    """Drop a suggestion into the box.

    ``author`` is the signed-in member (None for a visitor). With ``anonymous`` (forced for
    visitors, who may only post when the community allows it) nothing about the person is kept.
    Images are verified and re-encoded before anything is stored. ``submission_key`` is the
    box form's one-time key (``submissions``): a second post of the form raises an
    IntegrityError at the flush instead of storing a second suggestion.
    """
    content, title = validate_content(content, title)
    category = validate_category(community, category)
    if author is None:
        if not box_settings(community).anonymous_visitors:
            raise ServiceError(_l("请先登录再提交建议。"), code="login_required")
        anonymous = True
    prepared = prepare_images(images or [])
    code = new_tracking_code()
    when = created_at or utcnow()
    suggestion = Suggestion(
        community_id=community.id,
        title=title,
        content=content,
        category=category,
        status=SuggestionStatus.NEW.value,
        author_id=None if anonymous else author.id,
        tracking_hash=tracking_hash(code),
        created_at=when,
        updated_at=when,
    )
    if submissions.is_key(submission_key):
        suggestion.submission_key_hash = submissions.key_hash(submission_key)
        suggestion.tracking_code_sealed = submissions.seal(code, submission_key)
    db.session.add(suggestion)
    db.session.flush()
    for position, image in enumerate(prepared):
        db.session.add(store_image(image, suggestion_id=suggestion.id,
                                   community_id=community.id, position=position))
    if not anonymous:
        db.session.add(SuggestionFollow(suggestion_id=suggestion.id, user_id=author.id,
                                        created_at=when))
    sync_feedback(suggestion)
    audit.record(
        "suggestion.created", "suggestion", suggestion.id,
        actor=None if anonymous else author, community_id=community.id,
        after={"category": category, "anonymous": anonymous, "images": len(prepared)},
    )
    _announce_new(community, suggestion)
    return Submitted(suggestion, code)


def _announce_new(community: Community, suggestion: Suggestion) -> None:
    """Tell the community's group-chat robots; the text leaves the site, so personal data
    (phones, emails, IDs…) is redacted and the author is never named."""
    webhooks.announce(
        community, "suggestion.new",
        title=_l("新建议：%(title)s", title=redact_text(suggestion.short_title(40))),
        body=redact_text(suggestion.content),
        link=f"/c/{community.slug}/suggestions/{suggestion.id}",
    )


def edit_by_submitter(suggestion: Suggestion, *, content: str, title: str | None,
                      category: str, author: User | None = None) -> None:
    """The submitter corrects their suggestion; only while it is still new."""
    if suggestion.status != SuggestionStatus.NEW:
        raise ServiceError(_l("运营团队已经开始处理这条建议，不能再修改了。你可以在下方补充说明。"),
                           code="not_editable")
    community = db.session.get(Community, suggestion.community_id)
    content, title = validate_content(content, title)
    category = validate_category(community, category)
    before = {"title": suggestion.title, "category": suggestion.category}
    suggestion.content, suggestion.title, suggestion.category = content, title, category
    sync_feedback(suggestion)
    audit.record(
        "suggestion.edited", "suggestion", suggestion.id,
        actor=None if suggestion.is_anonymous else author, community_id=suggestion.community_id,
        before=before, after={"title": title, "category": category},
    )


def answer_back(suggestion: Suggestion, body: str, *, author: User | None = None,
                created_at: datetime | None = None) -> SuggestionUpdate:
    """The submitter answers the team (through the tracking link or their own page).

    Stored without any author; the assignee (or, when nobody is assigned, nobody) is told.
    """
    body = _clean_text(body)
    if not body:
        raise ServiceError(_l("请填写回复内容。"), code="body_required", field="body")
    if len(body) > MAX_REPLY:
        raise ServiceError(_l("回复不能超过 %(n)d 个字。", n=MAX_REPLY), code="body_too_long",
                           field="body")
    when = created_at or utcnow()
    update = SuggestionUpdate(
        suggestion_id=suggestion.id, community_id=suggestion.community_id,
        kind=UpdateKind.SUBMITTER.value, body=body, public=False, created_at=when,
    )
    db.session.add(update)
    db.session.flush()
    suggestion.updated_at = when
    record_part_feedback(suggestion, part="answer", part_id=update.id, text=body,
                         author_id=suggestion.author_id, occurred_at=when)
    audit.record(
        "suggestion.submitter_answered", "suggestion", suggestion.id,
        actor=None if suggestion.is_anonymous else author, community_id=suggestion.community_id,
        after={"update_id": update.id},
    )
    if suggestion.assignee_id:
        community = db.session.get(Community, suggestion.community_id)
        notifications.notify(
            [suggestion.assignee_id], community=community, kind="suggestion.answer",
            title=_l("提交者回复了建议「%(title)s」", title=suggestion.short_title()),
            body=body,
            link=f"/c/{community.slug}/suggestions/{suggestion.id}#timeline",
            channels=("in_app",), created_at=when,
        )
    return update


# --- reading ---------------------------------------------------------------------------------


def timeline(suggestion: Suggestion, *, include_private: bool) -> list[SuggestionUpdate]:
    """The suggestion's updates, oldest first; private ones (the submitter's conversation) only
    for the submitter and the team."""
    stmt = db.select(SuggestionUpdate).where(SuggestionUpdate.suggestion_id == suggestion.id)
    if not include_private:
        stmt = stmt.where(SuggestionUpdate.public.is_(True))
    return list(db.session.execute(
        stmt.order_by(SuggestionUpdate.created_at, SuggestionUpdate.id)
    ).scalars())


def latest_reply(suggestion: Suggestion) -> SuggestionUpdate | None:
    """The newest official update with a reply."""
    return db.session.execute(
        db.select(SuggestionUpdate).where(
            SuggestionUpdate.suggestion_id == suggestion.id,
            SuggestionUpdate.public.is_(True),
            SuggestionUpdate.body.is_not(None),
        ).order_by(SuggestionUpdate.created_at.desc(), SuggestionUpdate.id.desc()).limit(1)
    ).scalar_one_or_none()


def mine(community: Community, user: User) -> list[Suggestion]:
    """The person's own (non-anonymous) suggestions in the community, newest first."""
    return list(db.session.execute(
        db.select(Suggestion).where(
            Suggestion.community_id == community.id, Suggestion.author_id == user.id
        ).order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
    ).scalars())


def image_of(suggestion: Suggestion, image_id: int) -> SuggestionImage | None:
    """One of the suggestion's images."""
    return next((img for img in suggestion.images if img.id == image_id), None)


def merge_target_chain(suggestion: Suggestion) -> Suggestion | None:
    """Where a merged suggestion lives on now (following chains of merges)."""
    seen = {suggestion.id}
    current = suggestion
    while current.merged_into_id and current.merged_into_id not in seen:
        current = db.session.get(Suggestion, current.merged_into_id)
        if current is None:
            return None
        seen.add(current.id)
    return current if current.id != suggestion.id else None
