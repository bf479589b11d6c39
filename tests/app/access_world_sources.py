"""Objects of the suggestion box, notifications, changelog and interviews for the access world."""

from __future__ import annotations

from app.services import notifications
from app.services.interviews import records as interviews
from app.services.suggestions import board, changelog, triage
from tests.app.access_world import world_builder
from tests.factories_sources import enable_board, image_bytes, make_interview, make_suggestion

NOTES = "## 你怎么看群里的广告？\n\n广告太多了，正经讨论都被淹没了。\n\n希望新人入群先审核。"


@world_builder
def suggestion_box(w) -> None:
    """A board with a member's suggestion, an anonymous one, a merged pair, a comment."""
    enable_board(w.a)
    member = w.users["member"]
    operator = w.users["operator"]
    w.suggestion, w.suggestion_code = make_suggestion(w.a, author=w.extra_member,
                                                      content="积分商城能兑换的东西太少了",
                                                      images=[image_bytes()])
    w.anon_suggestion, w.anon_code = make_suggestion(w.a, content="群里广告太多，希望加强管理",
                                                     images=[image_bytes("JPEG")])
    w.member_suggestion, _code = make_suggestion(w.a, author=member, content="直播经常卡顿")
    w.merge_target, _code = make_suggestion(w.a, author=w.extra_member, content="直播课卡顿严重")
    w.merged, _code = make_suggestion(w.a, author=w.extra_member, content="直播太卡了，画面转圈")
    triage.merge(w.merged, w.merge_target, actor=operator)
    w.comment = board.add_comment(w.suggestion, w.extra_member, "同意，积分兑换选项太少")
    w.own_comment = board.add_comment(w.suggestion, member, "我也觉得")
    w.entry = changelog.add_entry(w.a, title="新人入群审核上线了", actor=operator)
    notes = notifications.notify([member, w.users["operator"], w.users["manager"],
                                  w.users["admin"], w.users["superuser"]],
                                 kind="test", title="测试通知", community=w.a,
                                 link=f"/c/{w.a.slug}/box")
    w.notification_for = {n.recipient_id: n for n in notes}
    notifications.discard_pending_deliveries()


@world_builder
def interview_notes(w) -> None:
    """A guide, an interview with a highlight."""
    operator = w.users["operator"]
    w.guide = interviews.create_guide(w.a, title="新人访谈", questions="你怎么看群里的广告？",
                                      actor=operator)
    w.interview = make_interview(w.a, actor=operator, notes=NOTES, tags="广告")
    w.highlight = interviews.create_highlight(w.interview, paragraph_index=1, quote="广告太多了",
                                              actor=operator)
