"""Canned replies (常用回复): the community's ready-made official replies that operators pick
when answering a suggestion, alone or for several at once, and then adjust."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.models import Community, User
from app.services import audit
from app.services.errors import ServiceError
from app.services.suggestions.box import MAX_REPLY

SETTING = "canned_replies"
MAX_REPLIES = 30
MAX_NAME = 30


@dataclass(frozen=True)
class CannedReply:
    """A named reply text."""

    name: str
    body: str


def canned_replies(community: Community) -> list[CannedReply]:
    """The community's canned replies, in the order the operators wrote them."""
    return [CannedReply(r["name"], r["body"]) for r in community.setting(SETTING, []) or []]


def parse(text: str) -> list[CannedReply]:
    """Replies from the settings textarea: blocks separated by a blank line, the first line of
    each block its name and the rest its text."""
    replies: list[CannedReply] = []
    blocks = [b.strip() for b in (text or "").replace("\r\n", "\n").split("\n\n")]
    for block in filter(None, blocks):
        name, _sep, body = block.partition("\n")
        name, body = " ".join(name.split()), body.strip()
        if not body:
            raise ServiceError(_l("常用回复「%(name)s」只有名称：第一行写名称，下面写回复内容。",
                                  name=name[:MAX_NAME]), code="reply_body_required",
                               field="replies")
        if len(name) > MAX_NAME:
            raise ServiceError(_l("常用回复的名称不超过 %(n)d 个字。", n=MAX_NAME),
                               code="reply_name_too_long", field="replies")
        if len(body) > MAX_REPLY:
            raise ServiceError(_l("回复不能超过 %(n)d 个字。", n=MAX_REPLY),
                               code="reply_too_long", field="replies")
        replies.append(CannedReply(name, body))
    if len(replies) > MAX_REPLIES:
        raise ServiceError(_l("常用回复最多 %(n)d 条。", n=MAX_REPLIES), code="too_many_replies",
                           field="replies")
    return replies


def as_text(replies: list[CannedReply]) -> str:
    """The replies as the settings textarea shows them."""
    return "\n\n".join(f"{r.name}\n{r.body}" for r in replies)


def set_canned_replies(community: Community, text: str, *, actor: User) -> list[CannedReply]:
    """Replace the community's canned replies with those written in ``text``."""
    replies = parse(text)
    before = [r.__dict__ for r in canned_replies(community)]
    after = [r.__dict__ for r in replies]
    if before != after:
        # a new dict, so that the JSON column sees the change
        community.settings = {**(community.settings or {}), SETTING: after}
        audit.record("suggestion_box.canned_replies_changed", "community", community.id,
                     actor=actor, community_id=community.id,
                     before={"names": [r["name"] for r in before]},
                     after={"names": [r["name"] for r in after]})
    return replies
