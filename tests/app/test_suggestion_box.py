"""Submitting to the box: members and visitors, anonymous or signed, with clear errors for
bad input (and nothing stored), the honeypot, the rate limit, images, the private tracking
link, and the member's own list."""

from __future__ import annotations

import io
import os
import re

import pytest
from PIL import Image

from app.models import AuditEntry, FeedbackItem, Suggestion, SuggestionImage, SuggestionUpdate
from app.services.suggestions import box, triage
from app.storage import file_storage
from tests.conftest import sign_in
from tests.factories import make_member
from tests.factories_sources import enable_board, image_bytes, make_suggestion


def count(db, model) -> int:
    return db.session.execute(db.select(db.func.count(model.id))).scalar_one()


def submit(client, slug, **data):
    form = {"content": "直播课经常卡顿，希望提供回放", "category": "技术与体验", **data}
    return client.post(f"/c/{slug}/box", data=form, content_type="multipart/form-data")


def tracking_code_from(client, slug) -> str:
    page = client.get(f"/c/{slug}/box/thanks").get_data(as_text=True)
    return re.search(r'id="tracking-code">([A-Z0-9-]+)<', page).group(1)


# --- submitting ------------------------------------------------------------------------------


def test_a_member_submits_a_signed_suggestion_that_becomes_a_feedback_item(
        app, db, client, login_as, community):
    member = login_as("member")
    response = submit(client, community.slug, title="希望有直播回放")
    assert response.status_code == 302 and response.headers["Location"].endswith("/box/thanks")
    suggestion = db.session.execute(db.select(Suggestion)).scalar_one()
    assert suggestion.author_id == member.id and suggestion.status == "new"
    item = db.session.execute(db.select(FeedbackItem)).scalar_one()
    assert item.source_kind == "suggestion" and item.source_key == f"suggestion:{suggestion.id}"
    assert item.source_ref["suggestion_id"] == suggestion.id
    assert item.author_id == member.id
    assert "希望有直播回放" in item.raw_text and "直播课经常卡顿" in item.raw_text
    mine = client.get(f"/c/{community.slug}/box/mine").get_data(as_text=True)
    assert "希望有直播回放" in mine


def test_the_thanks_page_shows_the_tracking_code_once(app, db, client, login_as, community):
    login_as("member")
    submit(client, community.slug, anonymous="y")
    code = tracking_code_from(client, community.slug)
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code)
    again = client.get(f"/c/{community.slug}/box/thanks")
    assert again.status_code == 302, "the code is shown only once"
    suggestion = db.session.execute(db.select(Suggestion)).scalar_one()
    assert suggestion.tracking_hash != code.replace("-", "")
    assert suggestion.tracking_hash == box.tracking_hash(code)


@pytest.mark.parametrize("content, message", [
    ("", "请填写建议内容"),
    ("   \n\t ", "请填写建议内容"),
    ("广" * 2001, "不能超过 2000"),
])
def test_empty_or_oversized_content_gets_a_clear_error_and_nothing_is_stored(
        app, db, client, login_as, community, content, message):
    login_as("member")
    response = submit(client, community.slug, content=content)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(db, Suggestion) == 0 and count(db, FeedbackItem) == 0
    assert db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action == "suggestion.created")).first() is None


def test_an_oversized_title_or_an_unknown_category_is_refused(app, db, client, login_as,
                                                                community):
    login_as("member")
    page = submit(client, community.slug, title="标" * 81).get_data(as_text=True)
    assert "标题不能超过 80 个字" in page
    page = submit(client, community.slug, category="火星").get_data(as_text=True)
    assert "请选择一个分类" in page
    assert count(db, Suggestion) == 0


def test_a_visitor_may_post_anonymously_only_when_the_community_allows_it(app, db, client,
                                                                          community):
    closed = submit(client, community.slug)
    assert closed.status_code == 302 and "/auth/login" in closed.headers["Location"]
    assert count(db, Suggestion) == 0
    enable_board(community, anonymous_visitors=True)
    db.session.commit()
    page = client.get(f"/c/{community.slug}/box").get_data(as_text=True)
    assert "会匿名提交" in page
    assert submit(client, community.slug).status_code == 302
    suggestion = db.session.execute(db.select(Suggestion)).scalar_one()
    assert suggestion.author_id is None


def test_the_honeypot_keeps_bots_out_without_telling_them(app, db, client, community, caplog):
    enable_board(community, anonymous_visitors=True)
    db.session.commit()
    with caplog.at_level("INFO"):
        response = submit(client, community.slug, website="http://spam.example")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "已收到你的建议" in page and "tracking-code" not in page
    assert count(db, Suggestion) == 0 and count(db, FeedbackItem) == 0
    assert "honeypot" in caplog.text


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True,
                                         "ANON_RATE_LIMIT": "3 per minute"}])
def test_anonymous_submissions_are_rate_limited(app, app_config, db, client, community):
    enable_board(community, anonymous_visitors=True)
    db.session.commit()
    statuses = [submit(client, community.slug, content=f"第{i}条：群里广告太多").status_code
                for i in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert count(db, Suggestion) == 3
    refused = submit(client, community.slug)
    assert "操作太频繁" in refused.get_data(as_text=True)


def test_categories_come_from_the_community_settings(app, db, client, login_as, community):
    admin = login_as("admin")
    response = client.post(f"/c/{community.slug}/suggestions/settings", data={
        "categories": "直播\n积分\n直播\n", "public_board": "y"})
    assert response.status_code == 302
    db.session.refresh(community)
    settings = box.box_settings(community)
    assert settings.categories == ("直播", "积分") and settings.public_board
    assert settings.anonymous_visitors is False
    entry = db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action == "suggestion_box.settings_changed")).scalar_one()
    assert entry.actor_id == admin.id and entry.after["categories"] == ["直播", "积分"]
    member = make_member(community)
    db.session.commit()
    sign_in(client, member)
    page = client.get(f"/c/{community.slug}/box").get_data(as_text=True)
    assert 'value="直播"' in page and 'value="内容"' not in page


# --- images ----------------------------------------------------------------------------------


def _exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (30.0, 15.0, 0.0), 1: "N"}  # GPS IFD: latitude
    return exif.tobytes()


def test_images_are_verified_stripped_of_metadata_and_stored_outside_static(
        app, db, client, login_as, community):
    login_as("member")
    jpeg = image_bytes("JPEG", size=(64, 48), exif=_exif_with_gps())
    assert b"PhoneMaker" in jpeg
    response = client.post(f"/c/{community.slug}/box", data={
        "content": "打卡小程序提交失败，截图如下", "category": "技术与体验",
        "images": [(io.BytesIO(jpeg), "shot.jpg"), (io.BytesIO(image_bytes("PNG")), "b.png")],
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    images = db.session.execute(db.select(SuggestionImage).order_by(SuggestionImage.position)
                                ).scalars().all()
    assert [i.mime_type for i in images] == ["image/jpeg", "image/png"]
    from app.services.suggestions.images import stored_key

    stored = file_storage().path(stored_key(images[0]))
    assert str(app.instance_path) in str(stored) and "static" not in stored.parts
    data = stored.read_bytes()
    assert b"PhoneMaker" not in data and b"Exif" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert not img.getexif() and img.size == (64, 48)


@pytest.mark.parametrize("files, message", [
    ([("x.png", image_bytes())] * 4, "最多上传 3 张图片"),
    ([("fake.jpg", b"<script>alert(1)</script>")], "无法识别这张图片"),
    ([("anim.gif", image_bytes("GIF"))], "只支持 JPG、PNG 和 WebP"),
])
def test_image_limits_give_clear_errors_and_store_nothing(app, db, client, login_as, community,
                                                         files, message):
    login_as("member")
    response = client.post(f"/c/{community.slug}/box", data={
        "content": "看图", "category": "其他",
        "images": [(io.BytesIO(data), name) for name, data in files],
    }, content_type="multipart/form-data")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(db, Suggestion) == 0 and count(db, SuggestionImage) == 0


@pytest.mark.parametrize("app_config", [{"SUGGESTION_MAX_IMAGE_BYTES": 2000}])
def test_an_image_over_the_size_limit_is_refused(app, app_config, db, client, login_as,
                                                 community):
    login_as("member")
    noise = Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    big = out.getvalue()
    assert len(big) > 2000
    response = client.post(f"/c/{community.slug}/box", data={
        "content": "看图", "category": "其他", "images": [(io.BytesIO(big), "big.png")],
    }, content_type="multipart/form-data")
    assert "每张图片不能超过" in response.get_data(as_text=True)
    assert count(db, Suggestion) == 0


def test_images_are_served_as_attachments_only_to_those_who_may_see_them(
        app, db, client, login_as, community, other_community):
    author = make_member(community)
    suggestion, code = make_suggestion(community, author=author, images=[image_bytes()])
    db.session.commit()
    image = suggestion.images[0]
    url = f"/c/{community.slug}/s/{suggestion.id}/images/{image.id}"
    sign_in(client, author)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "image/png"
    tracked = client.get(f"/c/{community.slug}/t/{code}/images/{image.id}")
    assert tracked.status_code == 200
    login_as("member")  # another member, and the board is closed
    assert client.get(url).status_code == 404
    login_as("operator")
    assert client.get(url).status_code == 200
    login_as("operator", target=other_community)
    assert client.get(url).status_code == 404
    assert client.get(f"/c/{other_community.slug}/s/{suggestion.id}/images/{image.id}"
                      ).status_code == 404


# --- the tracking link -----------------------------------------------------------------------


def test_the_tracking_link_shows_the_reply_and_status_and_lets_the_submitter_answer(
        app, db, client, login_as, community):
    operator = make_member(community, "operator")
    suggestion, code = make_suggestion(community, content="群里广告太多了")
    triage.change_status(suggestion, status="in_progress", reply="正在试用入群审核", actor=operator)
    db.session.commit()
    page = client.get(f"/c/{community.slug}/t/{code}").get_data(as_text=True)
    assert "群里广告太多了" in page
    assert "正在试用入群审核" in page and "正在处理" in page and "新建" not in page
    assert operator.display_name not in page, "members see the team, not the operator's name"
    response = client.post(f"/c/{community.slug}/t/{code}/answer",
                           data={"body": "晚上八点到十点最严重"})
    assert response.status_code == 302
    answer = db.session.execute(db.select(SuggestionUpdate).where(
        SuggestionUpdate.kind == "submitter")).scalar_one()
    assert answer.actor_id is None and answer.public is False
    assert "晚上八点到十点最严重" in client.get(f"/c/{community.slug}/t/{code}").get_data(
        as_text=True)
    sign_in(client, operator)
    team = client.get(f"/c/{community.slug}/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "晚上八点到十点最严重" in team


def test_a_code_can_be_typed_in_any_case_with_or_without_dashes(app, db, client, community):
    suggestion, code = make_suggestion(community)
    db.session.commit()
    typed = box.format_tracking_code(code).lower().replace("-", " ")
    response = client.post(f"/c/{community.slug}/track", data={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/{code}")


def test_a_wrong_code_or_another_communitys_link_is_not_found(app, db, client, community,
                                                              other_community):
    _suggestion, code = make_suggestion(community)
    db.session.commit()
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert client.get(f"/c/{community.slug}/t/{wrong}").status_code == 404
    assert client.get(f"/c/{community.slug}/t/short").status_code == 404
    assert client.get(f"/c/{other_community.slug}/t/{code}").status_code == 404
    assert client.post(f"/c/{community.slug}/t/{wrong}/answer",
                       data={"body": "hi"}).status_code == 404
    page = client.post(f"/c/{community.slug}/track", data={"code": wrong}).get_data(as_text=True)
    assert "没有找到这个查询码" in page


def test_the_submitter_can_edit_only_while_the_suggestion_is_new(app, db, client, community):
    operator = make_member(community, "operator")
    suggestion, code = make_suggestion(community, content="积分太少")
    db.session.commit()
    response = client.post(f"/c/{community.slug}/t/{code}/edit",
                           data={"content": "积分商城可兑换的礼品太少", "category": "积分与激励"})
    assert response.status_code == 302
    db.session.refresh(suggestion)
    assert suggestion.content == "积分商城可兑换的礼品太少"
    item = db.session.execute(db.select(FeedbackItem)).scalar_one()
    assert item.raw_text == "积分商城可兑换的礼品太少"
    assert item.source_ref["category"] == "积分与激励"
    triage.change_status(suggestion, status="planned", reply="下个月上新", actor=operator)
    db.session.commit()
    client.post(f"/c/{community.slug}/t/{code}/edit",
                data={"content": "改掉", "category": "其他"})
    db.session.refresh(suggestion)
    assert suggestion.content == "积分商城可兑换的礼品太少"


def test_my_suggestions_lists_only_my_signed_suggestions_with_the_latest_reply(
        app, db, client, login_as, community):
    operator = make_member(community, "operator")
    me = login_as("member")
    signed, _c = make_suggestion(community, author=me, content="希望多办线下活动")
    make_suggestion(community, author=me, anonymous=True, content="匿名：群主太凶了")
    make_suggestion(community, author=operator, content="别人的建议")
    triage.change_status(signed, status="planned", reply="下个月在西湖办一次", actor=operator)
    db.session.commit()
    page = client.get(f"/c/{community.slug}/box/mine").get_data(as_text=True)
    assert "希望多办线下活动" in page and "下个月在西湖办一次" in page
    assert "群主太凶了" not in page and "别人的建议" not in page


def test_no_category_is_preselected_and_one_is_proposed_from_the_text(app, db, client,
                                                                      login_as, community):
    from app.models import Suggestion

    login_as("member")
    page = client.get(f"/c/{community.slug}/box").get_data(as_text=True)
    assert 'name="category" value="其他" checked' not in page
    assert re.search(r'name="category" value="[^"]+" checked', page) is None
    # Sent without a category: nothing is stored, the text's category is proposed.
    sent = submit(client, community.slug, category="",
                  content="周四的直播课又卡了，画面一直转圈，回放也找不到")
    html = sent.get_data(as_text=True)
    assert count(db, Suggestion) == 0
    assert 'name="category" value="技术与体验" checked' in html
    assert "根据你写的内容推荐了「技术与体验」" in html
    # While typing, the same proposal comes with the similar suggestions.
    found = client.post(f"/c/{community.slug}/box/similar",
                        json={"text": "群里广告太多了，天天有人刷屏发二维码"}).get_json()
    assert found["data"]["category"] == "群规与秩序"
    praise = client.post(f"/c/{community.slug}/box/similar",
                         json={"text": "谢谢群主和助教，辛苦了，这个群真好"}).get_json()
    assert praise["data"]["category"] is None


def test_the_closest_category_is_found_in_the_communitys_own_words():
    from app.services.suggestions.category import closest_category

    assert closest_category(("内容", "积分与激励", "群规与秩序", "其他"), "积分与权益",
                            "激励与积分") == "积分与激励"
    assert closest_category(("课程", "活动"), "作业点评与学习辅导", "学习与课程") == "课程"
    assert closest_category(("内容", "其他"), "隐私与安全", "规则与秩序") is None
