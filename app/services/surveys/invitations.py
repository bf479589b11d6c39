"""One-time invitation links for token-mode surveys: generate, list, revoke and export.

Only a SHA-256 hash of each token is stored, so the links themselves exist only in the
answer to the request that created them (the page and its CSV download); a lost link is
revoked and replaced, never recovered.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import AccessMode, Survey, SurveyInvitation, SurveyResponse, User, utcnow
from app.services import audit
from app.services.errors import ServiceError
from app.services.surveys.responses import token_hash
from surveys.spreadsheet import write_csv

MAX_BATCH = 1000
MAX_LABEL = 80


@dataclass(frozen=True)
class IssuedLink:
    """A new invitation and its link (shown once)."""

    invitation: SurveyInvitation
    token: str
    url: str


def create_invitations(survey: Survey, *, count: int, labels: Sequence[str] = (),
                       actor: User | None, link_for: Callable[[str], str]) -> list[IssuedLink]:
    """Create ``count`` links, or one per label when labels are given (e.g. member names).
    ``link_for(token)`` builds the absolute URL of a token."""
    if survey.access_mode != AccessMode.TOKEN.value:
        raise ServiceError(_l("只有「一次性邀请链接」方式的问卷需要生成邀请链接。"),
                           code="not_token_mode")
    labels = [label.strip()[:MAX_LABEL] for label in labels if label.strip()]
    total = len(labels) if labels else count
    if not 1 <= total <= MAX_BATCH:
        raise ServiceError(_l("每次可生成 1 到 %(n)d 个链接。", n=MAX_BATCH), code="invalid_count",
                           field="count")
    now = utcnow()
    issued: list[IssuedLink] = []
    for n in range(total):
        token = secrets.token_urlsafe(18)
        invitation = SurveyInvitation(
            survey_id=survey.id, community_id=survey.community_id,
            token_hash=token_hash(token), label=labels[n] if labels else None,
            created_by_id=getattr(actor, "id", None), created_at=now,
        )
        db.session.add(invitation)
        issued.append(IssuedLink(invitation, token, link_for(token)))
    db.session.flush()
    audit.record("survey.invitations_created", "survey", survey.id, actor=actor,
                 community_id=survey.community_id, after={"count": total})
    return issued


def links_csv(issued: Sequence[IssuedLink]) -> bytes:
    """The new links as CSV (UTF-8 with BOM for Excel; labels defused)."""
    rows = [(link.invitation.id, link.invitation.label or "", link.url) for link in issued]
    return write_csv(["编号", "标注", "专属链接"], rows)


def list_invitations(survey: Survey, *, limit: int = 200, offset: int = 0
                     ) -> tuple[list[tuple[SurveyInvitation, int | None]], int]:
    """Invitations newest first, each with the id of the response that spent it, and the
    total count."""
    total = db.session.execute(
        db.select(db.func.count(SurveyInvitation.id)).where(
            SurveyInvitation.survey_id == survey.id)).scalar_one()
    rows = db.session.execute(
        db.select(SurveyInvitation, SurveyResponse.id)
        .outerjoin(SurveyResponse, SurveyResponse.invitation_id == SurveyInvitation.id)
        .where(SurveyInvitation.survey_id == survey.id)
        .order_by(SurveyInvitation.created_at.desc(), SurveyInvitation.id.desc())
        .limit(limit).offset(offset)
    ).all()
    return [(inv, rid) for inv, rid in rows], int(total)


def counts(survey: Survey) -> dict[str, int]:
    """How many invitations are unused, used and revoked."""
    rows = db.session.execute(
        db.select(SurveyInvitation.used_at.is_not(None), SurveyInvitation.revoked_at.is_not(None),
                  db.func.count(SurveyInvitation.id))
        .where(SurveyInvitation.survey_id == survey.id)
        .group_by(SurveyInvitation.used_at.is_not(None),
                  SurveyInvitation.revoked_at.is_not(None))
    ).all()
    out = {"unused": 0, "used": 0, "revoked": 0}
    for used, revoked, n in rows:
        key = "used" if used else "revoked" if revoked else "unused"
        out[key] += n
    return out


def revoke(invitation: SurveyInvitation, *, actor: User | None) -> None:
    """Stop an unused link from working (a used one keeps its response)."""
    if invitation.used_at is not None:
        raise ServiceError(_l("这个链接已经提交过回答，无需作废。"), code="invitation_used")
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        audit.record("survey.invitation_revoked", "survey_invitation", invitation.id,
                     actor=actor, community_id=invitation.community_id)


def status_csv(survey: Survey) -> bytes:
    """Every invitation's label and state (no links: they are not stored)."""
    rows, _total = list_invitations(survey, limit=100_000)
    out = []
    for inv, response_id in rows:
        state = "已作废" if inv.revoked_at else "已提交" if inv.used_at else "未使用"
        out.append((inv.id, inv.label or "", state, inv.created_at, inv.used_at, response_id))
    return write_csv(
        ["编号", "标注", "状态", "生成时间 (UTC)", "提交时间 (UTC)", "回答编号"], out)
