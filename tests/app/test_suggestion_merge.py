"""Merging duplicates keeps votes and followers on the original (deduplicated), and undoing a
merge gives the duplicate back exactly its own votes, followers and status."""

from __future__ import annotations

import pytest

from app.models import (
    AuditEntry,
    FeedbackItem,
    Notification,
    Suggestion,
    SuggestionFollow,
    SuggestionUpdate,
    SuggestionVote,
)
from app.services.errors import ServiceError
from app.services.suggestions import board, triage
from tests.conftest import sign_in
from tests.factories import make_member
from tests.factories_sources import enable_board, make_suggestion


def voters(db, suggestion) -> set[int]:
    return set(db.session.execute(db.select(SuggestionVote.user_id).where(
        SuggestionVote.suggestion_id == suggestion.id)).scalars())


def followers(db, suggestion) -> set[int]:
    return set(db.session.execute(db.select(SuggestionFollow.user_id).where(
        SuggestionFollow.suggestion_id == suggestion.id)).scalars())


@pytest.fixture
def pair(db, community):
    """A (original) and B (duplicate), with overlapping supporters."""
    enable_board(community)
    operator = make_member(community, "operator")
    people = [make_member(community) for _ in range(5)]
    a_author, b_author, both, only_b, only_a = people
    a, _ = make_suggestion(community, author=a_author, content="直播课经常卡顿")
    b, _ = make_suggestion(community, author=b_author, content="直播太卡了，画面一直转圈")
    for person in (both, only_a):
        board.toggle_vote(a, person)
    for person in (both, only_b):
        board.toggle_vote(b, person)
    triage.change_status(b, status="in_progress", reply="在排查", actor=operator)
    db.session.commit()
    return operator, a, b, {"a_author": a_author, "b_author": b_author, "both": both,
                            "only_b": only_b, "only_a": only_a}


def test_merge_moves_votes_and_followers_to_the_original_deduplicated(app, db, community, pair):
    operator, a, b, p = pair
    before_b = (voters(db, b), followers(db, b), b.status)
    triage.merge(b, a, actor=operator, note="和 #A 是同一件事")
    db.session.commit()
    assert voters(db, a) == {p["both"].id, p["only_a"].id, p["only_b"].id}
    assert followers(db, a) == {p["a_author"].id, p["b_author"].id, p["both"].id,
                                p["only_a"].id, p["only_b"].id}
    assert db.session.execute(db.select(db.func.count(SuggestionVote.id)).where(
        SuggestionVote.suggestion_id == a.id)).scalar_one() == 3, "one vote per person"
    db.session.refresh(b)
    assert b.status == "duplicate" and b.merged_into_id == a.id
    assert before_b[2] == "in_progress"
    item = db.session.execute(db.select(FeedbackItem).where(
        FeedbackItem.source_key == f"suggestion:{b.id}")).scalar_one()
    assert item.source_ref["merged_into"] == a.id and item.source_ref["status"] == "duplicate"
    merged = db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action == "suggestion.merged")).scalar_one()
    assert merged.before == {"status": "in_progress", "merged_into": None}
    assert merged.after["merged_into"] == a.id and merged.after["votes_moved"] == 1
    # B's submitter and followers hear about it, and follow A from now on.
    told = set(db.session.execute(db.select(Notification.recipient_id).where(
        Notification.kind == "suggestion.merged")).scalars())
    assert told == {p["b_author"].id, p["both"].id, p["only_b"].id}
    triage.change_status(a, status="done", reply="换了直播线路", actor=operator)
    db.session.commit()
    told = set(db.session.execute(db.select(Notification.recipient_id).where(
        Notification.kind == "suggestion.status")).scalars())
    assert {p["b_author"].id, p["only_b"].id} <= told


def test_unmerge_restores_exactly_the_duplicates_own_votes_followers_and_status(
        app, db, client, community, pair):
    operator, a, b, p = pair
    a_before = (voters(db, a), followers(db, a))
    b_before = (voters(db, b), followers(db, b), b.status)
    b_updates = db.session.execute(db.select(SuggestionUpdate.id).where(
        SuggestionUpdate.suggestion_id == b.id)).scalars().all()
    sign_in(client, operator)
    response = client.post(f"/c/{community.slug}/suggestions/{b.id}/merge",
                           data={"target": str(a.id)})
    assert response.status_code == 302
    response = client.post(f"/c/{community.slug}/suggestions/{b.id}/unmerge")
    assert response.status_code == 302
    db.session.expire_all()
    a, b = db.session.get(Suggestion, a.id), db.session.get(Suggestion, b.id)
    assert (voters(db, a), followers(db, a)) == a_before
    assert (voters(db, b), followers(db, b), b.status) == b_before
    assert b.merged_into_id is None
    assert db.session.execute(db.select(SuggestionUpdate.id).where(
        SuggestionUpdate.suggestion_id == b.id)).scalars().all() == b_updates
    actions = [e.action for e in db.session.execute(
        db.select(AuditEntry).where(AuditEntry.target_id == b.id).order_by(AuditEntry.id)
    ).scalars() if e.target_type == "suggestion"]
    assert actions[-2:] == ["suggestion.merged", "suggestion.unmerged"]


def test_votes_after_a_merge_stay_with_the_original_when_it_is_undone(app, db, community, pair):
    operator, a, b, p = pair
    triage.merge(b, a, actor=operator)
    newcomer = make_member(community)
    board.toggle_vote(a, newcomer)
    triage.unmerge(b, actor=operator)
    db.session.commit()
    assert newcomer.id in voters(db, a) and newcomer.id not in voters(db, b)


def test_merged_suggestions_take_no_new_votes_follows_or_comments(app, db, community, pair):
    operator, a, b, p = pair
    triage.merge(b, a, actor=operator)
    db.session.commit()
    someone = make_member(community)
    for action in (lambda: board.toggle_vote(b, someone),
                   lambda: board.set_following(b, someone, True),
                   lambda: board.add_comment(b, someone, "+1")):
        with pytest.raises(ServiceError, match="已合并"):
            action()


@pytest.mark.parametrize("case", ["self", "already_merged", "target_merged"])
def test_merges_that_make_no_sense_are_refused(app, db, community, pair, case):
    operator, a, b, p = pair
    c, _ = make_suggestion(community, author=p["only_a"], content="直播卡")
    if case == "self":
        with pytest.raises(ServiceError, match="自己"):
            triage.merge(a, a, actor=operator)
    elif case == "already_merged":
        triage.merge(b, a, actor=operator)
        with pytest.raises(ServiceError, match="已经合并过"):
            triage.merge(b, c, actor=operator)
    else:
        triage.merge(a, c, actor=operator)
        with pytest.raises(ServiceError, match="请直接合并到那条建议"):
            triage.merge(b, a, actor=operator)


def test_a_chain_of_merges_is_undone_in_order(app, db, community, pair):
    operator, a, b, p = pair
    c, _ = make_suggestion(community, author=p["only_a"], content="直播画面卡住")
    db.session.commit()
    everyone = voters(db, a) | voters(db, b)
    triage.merge(b, a, actor=operator)
    triage.merge(a, c, actor=operator)
    assert voters(db, c) == everyone
    with pytest.raises(ServiceError, match="请先撤销它的合并"):
        triage.unmerge(b, actor=operator)
    triage.unmerge(a, actor=operator)
    triage.unmerge(b, actor=operator)
    db.session.commit()
    assert voters(db, c) == set()
    assert voters(db, a) == {p["both"].id, p["only_a"].id}
    assert voters(db, b) == {p["both"].id, p["only_b"].id}


def test_the_merge_is_shown_to_members_and_on_the_tracking_link(app, db, client, community,
                                                                 pair):
    operator, a, b, p = pair
    anon, code = make_suggestion(community, content="直播总是卡住，没法看")
    triage.merge(anon, a, actor=operator, note="已合并，一起跟进")
    triage.change_status(a, status="planned", reply="下周换直播平台", actor=operator)
    db.session.commit()
    page = client.get(f"/c/{community.slug}/t/{code}").get_data(as_text=True)
    assert "已与另一条建议合并" in page and "下周换直播平台" in page
    assert "已合并，一起跟进" in page
    sign_in(client, p["b_author"])
    assert client.get(f"/c/{community.slug}/board").get_data(as_text=True).count(
        "直播总是卡住") == 0, "duplicates leave the board"


def test_an_obvious_duplicate_is_found_with_the_insights_text_similarity(app, db, community):
    from app.services.suggestions import similarity

    suggest = make_suggestion
    first, _code = suggest(community, content="打卡积分计算有误，少算了我三天")
    suggest(community, content="希望多组织周末的线下约拍活动")
    suggest(community, content="积分商城能兑换的东西太少了")
    again, _code = suggest(community, content="积分算错了，打卡记录和积分对不上")
    db.session.commit()
    similarity.clear_cache()
    found = similarity.similar_to(again)
    assert found and found[0].suggestion.id == first.id and found[0].score >= 0.5
    counts = similarity.duplicate_counts(community, [first, again])
    assert counts == {first.id: 1, again.id: 1}
