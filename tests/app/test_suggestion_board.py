"""The public board: members see each other's suggestions (never an anonymous author), vote,
follow and comment; moderators hide comments; and objects stay inside their community."""

from __future__ import annotations

import pytest

from app.models import FeedbackItem, SuggestionComment, SuggestionFollow, SuggestionVote
from tests.conftest import sign_in
from tests.factories import make_member
from tests.factories_sources import enable_board, make_suggestion


@pytest.fixture
def board_world(db, community):
    enable_board(community)
    author = make_member(community, display_name="署名的阿青")
    reader = make_member(community, display_name="读者小鹿")
    operator = make_member(community, "operator")
    signed, _ = make_suggestion(community, author=author, content="希望多办周末线下活动")
    anon, _ = make_suggestion(community, author=author, anonymous=True,
                              content="匿名：活动费用太贵了")
    db.session.commit()
    return author, reader, operator, signed, anon


def test_members_see_the_board_without_anonymous_authors(app, db, client, community,
                                                         board_world):
    author, reader, _op, signed, anon = board_world
    sign_in(client, reader)
    page = client.get(f"/c/{community.slug}/board").get_data(as_text=True)
    assert "希望多办周末线下活动" in page and "匿名：活动费用太贵了" in page
    detail = client.get(f"/c/{community.slug}/s/{anon.id}").get_data(as_text=True)
    assert author.display_name not in detail


def test_a_closed_board_shows_members_only_their_own(app, db, client, community, board_world):
    author, reader, _op, signed, _anon = board_world
    enable_board(community, public_board=False)
    db.session.commit()
    sign_in(client, reader)
    assert "没有开放建议广场" in client.get(f"/c/{community.slug}/board").get_data(as_text=True)
    assert client.get(f"/c/{community.slug}/s/{signed.id}").status_code == 404
    sign_in(client, author)
    assert client.get(f"/c/{community.slug}/s/{signed.id}").status_code == 200


def test_voting_toggles_and_follows(app, db, client, community, board_world):
    _a, reader, _op, signed, _anon = board_world
    sign_in(client, reader)
    client.post(f"/c/{community.slug}/s/{signed.id}/vote")
    assert db.session.execute(db.select(SuggestionVote.user_id)).scalars().all() == [reader.id]
    assert reader.id in db.session.execute(db.select(SuggestionFollow.user_id)).scalars().all()
    page = client.get(f"/c/{community.slug}/s/{signed.id}").get_data(as_text=True)
    assert "我也想要 · 1" in page
    client.post(f"/c/{community.slug}/s/{signed.id}/vote")
    assert db.session.execute(db.select(SuggestionVote)).first() is None
    client.post(f"/c/{community.slug}/s/{signed.id}/follow", data={"follow": "0"})
    assert reader.id not in db.session.execute(
        db.select(SuggestionFollow.user_id)).scalars().all()


def test_vote_redirects_only_inside_the_site(app, db, client, community, board_world):
    _a, reader, _op, signed, _anon = board_world
    sign_in(client, reader)
    response = client.post(f"/c/{community.slug}/s/{signed.id}/vote",
                           data={"next": "https://evil.example/"})
    assert response.headers["Location"].endswith(f"/c/{community.slug}/s/{signed.id}")


def test_comments_signed_or_anonymous_become_feedback_and_can_be_moderated(
        app, db, client, community, board_world):
    _a, reader, operator, signed, _anon = board_world
    sign_in(client, reader)
    client.post(f"/c/{community.slug}/s/{signed.id}/comments", data={"body": "西湖边拍日落吧"})
    client.post(f"/c/{community.slug}/s/{signed.id}/comments",
                data={"body": "上次活动组织有点乱", "anonymous": "y"})
    comments = db.session.execute(db.select(SuggestionComment).order_by(SuggestionComment.id)
                                  ).scalars().all()
    assert [c.author_id for c in comments] == [reader.id, None]
    items = {i.source_key: i for i in db.session.execute(db.select(FeedbackItem)).scalars()}
    key = f"suggestion:{signed.id}:comment:{comments[1].id}"
    assert items[key].author_id is None and items[key].source_ref["comment_id"] == comments[1].id
    page = client.get(f"/c/{community.slug}/s/{signed.id}").get_data(as_text=True)
    assert "匿名成员" in page and reader.display_name in page
    sign_in(client, operator)
    client.post(f"/c/{community.slug}/suggestions/{signed.id}/comments/{comments[0].id}"
                "/visibility", data={"hidden": "1"})
    assert f"suggestion:{signed.id}:comment:{comments[0].id}" not in {
        i.source_key for i in db.session.execute(db.select(FeedbackItem)).scalars()}
    sign_in(client, reader)
    assert "西湖边拍日落吧" not in client.get(
        f"/c/{community.slug}/s/{signed.id}").get_data(as_text=True)


def test_members_delete_only_their_own_comments(app, db, client, community, board_world):
    author, reader, _op, signed, _anon = board_world
    sign_in(client, reader)
    client.post(f"/c/{community.slug}/s/{signed.id}/comments", data={"body": "我的评论"})
    comment = db.session.execute(db.select(SuggestionComment)).scalar_one()
    sign_in(client, author)
    url = f"/c/{community.slug}/s/{signed.id}/comments/{comment.id}/delete"
    assert client.post(url).status_code == 403
    sign_in(client, reader)
    assert client.post(url).status_code == 302
    assert db.session.execute(db.select(SuggestionComment)).first() is None


def test_empty_and_oversized_comments_are_refused(app, db, client, community, board_world):
    _a, reader, _op, signed, _anon = board_world
    sign_in(client, reader)
    for body, message in (("  ", "请填写评论内容"), ("长" * 1001, "不能超过 1000")):
        response = client.post(f"/c/{community.slug}/s/{signed.id}/comments",
                               data={"body": body})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.execute(db.select(SuggestionComment)).first() is None


def test_similar_suggestions_are_offered_only_to_members_of_an_open_board(
        app, db, client, community, board_world):
    author, reader, _op, signed, _anon = board_world
    url = f"/c/{community.slug}/box/similar"
    visitor = client.post(url, json={"text": "希望周末多办线下活动"})
    assert visitor.status_code == 200 and visitor.get_json()["data"]["items"] == []
    sign_in(client, reader)
    found = client.post(url, json={"text": "希望周末多办线下活动"}).get_json()["data"]["items"]
    assert found and found[0]["id"] == signed.id
    assert set(found[0]) == {"id", "title", "status", "status_label", "score", "url"}
    assert author.display_name not in str(found)
    enable_board(community, public_board=False)
    db.session.commit()
    assert client.post(url, json={"text": "希望周末多办线下活动"}).get_json()["data"]["items"] == []


def test_objects_of_another_community_are_not_found_through_this_ones_urls(
        app, db, client, community, other_community, board_world):
    _a, _reader, _op, signed, _anon = board_world
    enable_board(other_community)
    stranger = make_member(other_community)
    theirs, code = make_suggestion(other_community, author=stranger, content="别处的建议")
    op_b = make_member(other_community, "operator")
    db.session.commit()
    sign_in(client, make_member(community, "admin"))
    db.session.commit()
    slug = community.slug
    for method, url in [
        ("get", f"/c/{slug}/s/{theirs.id}"), ("get", f"/c/{slug}/suggestions/{theirs.id}"),
        ("post", f"/c/{slug}/s/{theirs.id}/vote"),
        ("post", f"/c/{slug}/suggestions/{theirs.id}/status"),
        ("post", f"/c/{slug}/suggestions/{signed.id}/merge"),
        ("get", f"/c/{slug}/t/{code}"),
    ]:
        data = {"target": str(theirs.id), "status": "done", "reply": "x"}
        response = getattr(client, method)(url, data=data) if method == "post" else client.get(url)
        assert response.status_code == 404, url
    sign_in(client, op_b)
    assert client.get(f"/c/{slug}/suggestions/{signed.id}").status_code == 404
    assert client.get(f"/c/{other_community.slug}/suggestions/{signed.id}").status_code == 404


def test_the_roadmap_shows_planned_in_progress_and_done_suggestions(app, db, client,
                                                                   community):
    from app.models import utcnow

    member = make_member(community, display_name="阿青")
    made = {}
    for key, status in (("plan", "planned"), ("work", "in_progress"), ("done", "done"),
                        ("new", "new"), ("hidden", "planned")):
        suggestion, _code = make_suggestion(community, author=member,
                                            content=f"路线图测试建议：{key} 的内容")
        suggestion.status = status
        made[key] = suggestion
    made["hidden"].hidden_at = utcnow()
    db.session.commit()
    sign_in(client, member)
    closed = client.get(f"/c/{community.slug}/board/roadmap").get_data(as_text=True)
    assert "路线图测试建议" not in closed
    enable_board(community)
    db.session.commit()
    page = client.get(f"/c/{community.slug}/board/roadmap").get_data(as_text=True)
    columns = {status: page.split(f'id="roadmap-{status}"')[1].split("</section>")[0]
               for status in ("planned", "in_progress", "done")}
    assert "plan 的内容" in columns["planned"] and "work 的内容" in columns["in_progress"]
    assert "done 的内容" in columns["done"]
    assert "new 的内容" not in page and "hidden 的内容" not in page
    assert page.index('id="roadmap-planned"') < page.index('id="roadmap-in_progress"') < \
        page.index('id="roadmap-done"')
