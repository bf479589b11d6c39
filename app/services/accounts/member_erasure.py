"""A member's right to erasure (PIPL): delete one member and everything derived from their words.

Within one community this removes the member's signed suggestions (with their images and
timeline, and everyone's notifications about them), comments, votes and follows, survey
responses and unfinished sessions linked to them, interviews that name them as interviewee,
their own notifications and API tokens, and every feedback item written in their name with
the analysis built from it (sentiment, theme assignments, labels, tags, search tokens;
cascaded by the database). Themes stop quoting them and word clouds are drawn again. Stored
report contexts keep their numbers but lose the member's quotes, and their PDFs are rendered
again from that context (``reports.redact`` job). Anonymous suggestions and responses point
to nobody and stay, as do the counts of past reports.

The audit log gets one ``member.erased`` entry with counts only; older entries about the
deleted suggestions and interviews lose their before/after details (titles name people).
When the person has no other community left, their account goes too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    AnalysisRun,
    ApiToken,
    AuditEntry,
    FeedbackItem,
    InsightTheme,
    Interview,
    Membership,
    Notification,
    Report,
    ReportStatus,
    SourceKind,
    Suggestion,
    SuggestionComment,
    SuggestionFollow,
    SuggestionVote,
    SurveyResponse,
    SurveySession,
    User,
    WordCloudImage,
)
from app.security.passwords import verify_password
from app.security.roles import Role
from app.services import audit
from app.services.accounts import users as accounts
from app.services.errors import Conflict, ServiceError

#: Fewer significant characters than this are too common to tell whose words a quote is.
MIN_QUOTE_CHARS = 4
_NOT_WORD = re.compile(r"[\W_]+")


def squash(text: str) -> str:
    """Letters and digits only: how a quote is compared with the text it was cut from
    (reports drop filler, stickers, emoji and spacing and cut long sentences with …)."""
    return _NOT_WORD.sub("", text or "")


@dataclass
class TheirWords:
    """What identifies a member's text in stored reports: their texts and suggestion titles."""

    texts: list[str] = field(default_factory=list)
    titles: set[str] = field(default_factory=set)

    def said(self, quote: str) -> bool:
        """Whether ``quote`` was cut from one of the member's texts."""
        core = squash(quote.rstrip("…"))
        return len(core) >= MIN_QUOTE_CHARS and any(core in text for text in self.texts)

    def titled(self, title: str) -> bool:
        """Whether ``title`` is one of the member's suggestion titles."""
        return title in self.titles


@dataclass
class Erasure:
    """What one erasure removed, by kind (counts only: this goes into the audit log)."""

    counts: dict[str, int] = field(default_factory=dict)
    report_ids: list[int] = field(default_factory=list)
    stale_files: list[str] = field(default_factory=list)  # storage keys of old PDFs
    account_deleted: bool = False

    def add(self, kind: str, n: int) -> None:
        """Count ``n`` more removed rows of ``kind``."""
        if n:
            self.counts[kind] = self.counts.get(kind, 0) + n


def _all(statement) -> list:
    return list(db.session.execute(statement).scalars())


def _delete_rows(model, *conditions) -> int:
    result = db.session.execute(
        db.delete(model).where(*conditions).execution_options(synchronize_session=False))
    return result.rowcount or 0


def _their_words(user: User, community_id: int, suggestions: list[Suggestion]) -> TheirWords:
    words = TheirWords(titles={s.display_title for s in suggestions})
    for raw, redacted in db.session.execute(
            db.select(FeedbackItem.raw_text, FeedbackItem.redacted_text).where(
                FeedbackItem.community_id == community_id, FeedbackItem.author_id == user.id)):
        words.texts += [squash(redacted), squash(raw)]
    for s in suggestions:
        words.texts.append(squash(f"{s.title or ''}{s.content}"))
    return words


def _forget_analysis(community_id: int, item_ids: set[int], words: TheirWords) -> None:
    """Drop erased item ids from what the analysis keeps outside its per-item rows."""
    keys = {str(i) for i in item_ids}
    for theme in _all(db.select(InsightTheme).where(InsightTheme.community_id == community_id)):
        quotes = [i for i in (theme.quote_item_ids or []) if i not in item_ids]
        if quotes != list(theme.quote_item_ids or []):
            theme.quote_item_ids = quotes
        if theme.summary and words.said(theme.summary):
            theme.summary = None
    for run in _all(db.select(AnalysisRun).where(AnalysisRun.community_id == community_id)):
        if run.assignments and keys & run.assignments.keys():
            run.assignments = {k: v for k, v in run.assignments.items() if k not in keys}
        pinned = (run.snapshot or {}).get("pinned") or {}
        if keys & pinned.keys():
            run.snapshot = {**run.snapshot,
                            "pinned": {k: v for k, v in pinned.items() if k not in keys}}
    # Word clouds are drawn from every item's words; they are drawn again on demand.
    _delete_rows(WordCloudImage, WordCloudImage.community_id == community_id)


def _redact_reports(community_id: int, words: TheirWords, erasure: Erasure) -> None:
    from app.services.reports import documents as report_service

    for report in _all(db.select(Report).where(Report.community_id == community_id,
                                               Report.context_json.is_not(None))):
        old_pdf = report_service.pdf_key(report)
        if report_service.redact_context(report, words.said, words.titled):
            erasure.report_ids.append(report.id)
            if old_pdf is not None:
                erasure.stale_files.append(old_pdf)
    erasure.add("reports_redacted", len(erasure.report_ids))


def _forget_notifications_about(community, suggestion_ids: list[int]) -> None:
    """Delete everyone's notifications about the erased suggestions: their titles quote the
    member, and their links lead nowhere now."""
    for suggestion_id in suggestion_ids:
        for base in (f"/c/{community.slug}/s/{suggestion_id}",
                     f"/c/{community.slug}/suggestions/{suggestion_id}"):
            _delete_rows(Notification, Notification.community_id == community.id, db.or_(
                Notification.link == base,
                *(Notification.link.startswith(base + sep, autoescape=True)
                  for sep in "#?/")))


def _scrub_old_audit(community_id: int, targets: Iterable[tuple[str, int]]) -> None:
    for target_type, target_id in targets:
        db.session.execute(
            db.update(AuditEntry).where(
                AuditEntry.community_id == community_id, AuditEntry.target_type == target_type,
                AuditEntry.target_id == target_id)
            .values(before=None, after=None).execution_options(synchronize_session=False))


def erase_member(membership: Membership, *, actor: User | None) -> Erasure:
    """Delete ``membership``'s member from its community with everything derived from their
    words (see the module docstring). The caller commits, then calls ``after_commit``.

    Raises ``Conflict`` for the community's last admin."""
    from app.services.interviews import records as interview_service
    from app.services.suggestions import triage as triage_service
    from app.services.surveys import results as results_service

    if membership.role == Role.ADMIN:
        accounts.ensure_another_admin(membership)
    user = db.session.get(User, membership.user_id)
    community_id = membership.community_id
    erasure = Erasure()
    suggestions = _all(db.select(Suggestion).where(
        Suggestion.community_id == community_id, Suggestion.author_id == user.id))
    words = _their_words(user, community_id, suggestions)
    item_ids = set(_all(db.select(FeedbackItem.id).where(
        FeedbackItem.community_id == community_id, FeedbackItem.author_id == user.id)))
    touched: list[tuple[str, int]] = []

    _forget_notifications_about(membership.community, [s.id for s in suggestions])
    for suggestion in suggestions:
        item_ids |= set(_all(db.select(FeedbackItem.id).where(
            FeedbackItem.community_id == community_id,
            FeedbackItem.source_kind == SourceKind.SUGGESTION.value,
            FeedbackItem.source_id == suggestion.id)))
        touched.append(("suggestion", suggestion.id))
        triage_service.delete(suggestion, actor=actor, record=False)
    erasure.add("suggestions", len(suggestions))

    comments = _all(db.select(SuggestionComment).where(
        SuggestionComment.community_id == community_id, SuggestionComment.author_id == user.id))
    for comment in comments:
        db.session.delete(comment)
    erasure.add("comments", len(comments))
    in_community = db.select(Suggestion.id).where(Suggestion.community_id == community_id)
    erasure.add("votes", _delete_rows(SuggestionVote, SuggestionVote.user_id == user.id,
                                      SuggestionVote.suggestion_id.in_(in_community)))
    erasure.add("follows", _delete_rows(SuggestionFollow, SuggestionFollow.user_id == user.id,
                                        SuggestionFollow.suggestion_id.in_(in_community)))

    responses = _all(db.select(SurveyResponse).where(
        SurveyResponse.community_id == community_id, SurveyResponse.respondent_id == user.id))
    for response in responses:
        results_service.delete_response(response, actor=actor, record=False)
    erasure.add("survey_responses", len(responses))
    erasure.add("survey_sessions", _delete_rows(
        SurveySession, SurveySession.community_id == community_id,
        SurveySession.respondent_id == user.id))

    held = _all(db.select(Interview).where(
        Interview.community_id == community_id, Interview.interviewee_id == user.id))
    for interview in held:
        touched.append(("interview", interview.id))
        interview_service.delete_interview(interview, actor=actor, record=False)
    erasure.add("interviews", len(held))

    # Whatever else was recorded in their name (answers back, imports that named them).
    erasure.add("feedback_items", len(item_ids))
    _delete_rows(FeedbackItem, FeedbackItem.community_id == community_id,
                 FeedbackItem.author_id == user.id)
    db.session.flush()
    _forget_analysis(community_id, item_ids, words)
    _redact_reports(community_id, words, erasure)
    _scrub_old_audit(community_id, touched)

    erasure.add("notifications", _delete_rows(
        Notification, Notification.community_id == community_id,
        Notification.recipient_id == user.id))
    erasure.add("api_tokens", _delete_rows(
        ApiToken, ApiToken.community_id == community_id, ApiToken.user_id == user.id))

    audit.record("member.erased", "membership", membership.id,
                 actor=None if actor is None or actor.id == user.id else actor,
                 community_id=community_id,
                 after={"removed": dict(sorted(erasure.counts.items())),
                        "by_member": actor is not None and actor.id == user.id})
    db.session.delete(membership)
    db.session.flush()
    if not user.is_superuser and not _has_memberships(user):
        db.session.delete(user)
        erasure.account_deleted = True
    elif actor is None or actor.id != user.id:
        accounts.end_sessions(user)  # a copy of their session cookie stops working
    return erasure


def _has_memberships(user: User) -> bool:
    return db.session.execute(db.select(db.func.count(Membership.id)).where(
        Membership.user_id == user.id)).scalar_one() > 0


def erase_account(user: User, password: str) -> Erasure:
    """The signed-in member deletes their own account: erasure in every community, then the
    account itself. Needs their current password; the last admin of a community and site
    administrators are refused (someone must keep running the site). The caller commits."""
    if not verify_password(user.password_hash, password or ""):
        raise ServiceError(_l("密码不正确。"), code="wrong_password", field="password")
    if user.is_superuser:
        raise Conflict(_l("站点管理员不能在这里删除自己的账号，请先请另一位站点管理员取消"
                          "你的站点管理员身份。"), code="superuser")
    memberships = _all(db.select(Membership).where(Membership.user_id == user.id)
                       .order_by(Membership.id))
    for membership in memberships:
        if membership.role == Role.ADMIN:
            accounts.ensure_another_admin(membership)
    total = Erasure()
    for membership in memberships:
        one = erase_member(membership, actor=user)
        for kind, n in one.counts.items():
            total.add(kind, n)
        total.report_ids += one.report_ids
        total.stale_files += one.stale_files
        total.account_deleted = one.account_deleted
    if not memberships:
        db.session.delete(user)
        total.account_deleted = True
    return total


def after_commit(erasure: Erasure) -> None:
    """Delete the old PDFs that quoted the erased member and queue their new renders (after
    the commit: a rollback keeps the old files, and the worker must see the redacted
    contexts)."""
    from app.services import jobs
    from app.storage import file_storage

    storage = file_storage()
    for key in erasure.stale_files:
        storage.delete(key)
    db.session.commit()  # the database storage deletes in the session
    for report_id in erasure.report_ids:
        report = db.session.get(Report, report_id)
        if report is not None and report.status == ReportStatus.QUEUED:
            jobs.enqueue("reports.redact", report_id, community_id=report.community_id)
