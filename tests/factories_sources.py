"""Builders for the suggestion box and interviews."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image

from app.extensions import db
from app.models import Community, User
from app.services.interviews import records as interview_service
from app.services.suggestions import box


def enable_board(community: Community, **settings) -> None:
    """Turn on the public board (and any other box settings) for a community."""
    values = dict(community.settings or {})
    values.update({"public_board": True, **settings})
    community.settings = values
    db.session.flush()


def make_suggestion(community: Community, *, author: User | None = None, anonymous: bool = False,
                    content: str = "直播课经常卡顿，希望换一个更稳定的平台",
                    title: str | None = None, category: str = "技术与体验",
                    images: list[bytes] | None = None):
    """A suggestion; returns ``(suggestion, tracking_code)``. Without an author it is anonymous
    (the community must then allow visitors, which this builder switches on)."""
    if author is None and not box.box_settings(community).anonymous_visitors:
        values = dict(community.settings or {})
        values["anonymous_visitors"] = True
        community.settings = values
        db.session.flush()
    submitted = box.submit(community, content=content, title=title, category=category,
                           author=author, anonymous=anonymous, images=images)
    db.session.flush()
    return submitted.suggestion, submitted.tracking_code


def make_interview(community: Community, *, actor: User, notes: str = "", consent: bool = True,
                   interviewee_id: int | None = None, interviewee_name: str = "小雨",
                   tags: str = "", guide_id: int | None = None, held_on: date | None = None):
    """An interview recorded by ``actor`` (an operator)."""
    interview = interview_service.create_interview(community, interview_service.InterviewData(
        held_on=held_on or date(2026, 10, 20), channel="online", interviewer_id=actor.id,
        consent=consent, interviewee_id=interviewee_id,
        interviewee_name="" if interviewee_id else interviewee_name, tags=tags,
        guide_id=guide_id, notes=notes,
    ), actor=actor)
    db.session.flush()
    return interview


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (32, 24), color=(200, 80, 40),
                exif: bytes | None = None) -> bytes:
    """A small real image in the given format (optionally with EXIF data)."""
    out = io.BytesIO()
    img = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    img.save(out, fmt, **kwargs)
    return out.getvalue()
