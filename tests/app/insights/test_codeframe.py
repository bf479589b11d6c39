"""The code-frame page: a community renames, switches off and extends the built-in feedback
themes and adds its own, without touching the shipped frame or other communities."""

from __future__ import annotations

import pytest

from app.models import AuditEntry, CodeFrameSettings
from app.services.errors import NotFound, ServiceError
from app.services.insights import codeframe
from nlp.codeframe import load_code_frame
from tests.factories import make_member


@pytest.fixture
def operator(db, community):
    user = make_member(community, "operator")
    db.session.commit()
    return user


def test_a_new_community_uses_the_shipped_frame(app, db, community):
    rows = codeframe.frame_rows(community.id)
    assert [r.key for r in rows] == load_code_frame().keys()
    assert all(r.enabled and not r.own and r.name == r.default_name for r in rows)
    assert all(r.n_seeds >= 100 for r in rows)


def test_renaming_disabling_and_extending_change_only_this_community(
        app, db, community, other_community, operator):
    codeframe.rename(community.id, "spam", "广告与拉人", actor=operator)
    codeframe.set_enabled(community.id, "pricing", False, actor=operator)
    count = codeframe.set_phrases(community.id, "response",
                                  "交了作业没人看\n问助教三天没回，问助教三天没回", actor=operator)
    db.session.commit()
    assert count == 2
    frame = codeframe.community_frame(community.id)
    assert frame.theme("spam").name == "广告与拉人"
    assert not frame.theme("pricing").enabled
    assert {"交了作业没人看", "问助教三天没回"} <= set(frame.theme("response").seeds)
    untouched = codeframe.community_frame(other_community.id)
    assert untouched.theme("spam").name == load_code_frame().theme("spam").name
    assert untouched.theme("pricing").enabled
    assert load_code_frame().theme("spam").name == "广告刷屏与秩序"
    # Renaming back to the shipped name stores no rename at all.
    codeframe.rename(community.id, "spam", "广告刷屏与秩序", actor=operator)
    codeframe.set_enabled(community.id, "pricing", True, actor=operator)
    db.session.commit()
    custom = codeframe.custom_of(community.id)
    assert "spam" not in (custom.get("rename") or {}) and not custom.get("disable")
    assert db.session.execute(db.select(db.func.count(AuditEntry.id)).where(
        AuditEntry.target_type == "code_frame")).scalar_one() == 5


def test_a_theme_of_the_communitys_own_joins_the_frame(app, db, community, operator):
    key = codeframe.add_theme(community.id, "副本掉落", "掉率低、不出货\n副本掉落太少",
                              actor=operator)
    db.session.commit()
    theme = codeframe.community_frame(community.id).theme(key)
    assert theme.name == "副本掉落" and set(theme.seeds) == {"掉率低", "不出货", "副本掉落太少"}
    row = next(r for r in codeframe.frame_rows(community.id) if r.key == key)
    assert row.own and row.enabled
    codeframe.rename(community.id, key, "掉落与奖励", actor=operator)
    codeframe.set_phrases(community.id, key, "掉率低", actor=operator)
    db.session.commit()
    theme = codeframe.community_frame(community.id).theme(key)
    assert theme.name == "掉落与奖励" and theme.seeds == ("掉率低",)


@pytest.mark.parametrize(("call", "code"), [
    (lambda c, u: codeframe.rename(c, "spam", "  ", actor=u), "no_name"),
    (lambda c, u: codeframe.rename(c, "spam", "名" * 21, actor=u), "name_too_long"),
    (lambda c, u: codeframe.rename(c, "spam", "收费与价格", actor=u), "name_taken"),
    (lambda c, u: codeframe.set_phrases(c, "spam", "广" * 31, actor=u), "phrase_too_long"),
    (lambda c, u: codeframe.set_phrases(
        c, "spam", "\n".join(f"说法{i}" for i in range(301)), actor=u), "too_many_phrases"),
    (lambda c, u: codeframe.add_theme(c, "新主题", " \n ", actor=u), "no_phrases"),
    (lambda c, u: codeframe.add_theme(c, "回复慢/没人理", "没人回", actor=u), "name_taken"),
])
def test_bad_edits_are_refused_and_keep_what_was_stored(app, db, community, operator, call,
                                                         code):
    codeframe.rename(community.id, "spam", "广告与拉人", actor=operator)
    db.session.commit()
    before = codeframe.custom_of(community.id)
    with pytest.raises(ServiceError) as caught:
        call(community.id, operator)
    db.session.rollback()
    assert caught.value.code == code
    assert codeframe.custom_of(community.id) == before


def test_an_unknown_key_is_not_found(app, db, community, operator):
    with pytest.raises(NotFound):
        codeframe.set_enabled(community.id, "no-such-theme", False, actor=operator)


def test_own_themes_are_capped(app, db, community, operator):
    for i in range(codeframe.MAX_OWN_THEMES):
        codeframe.add_theme(community.id, f"主题{i}", f"说法{i}", actor=operator)
    with pytest.raises(ServiceError) as caught:
        codeframe.add_theme(community.id, "再来一个", "说法", actor=operator)
    assert caught.value.code == "too_many_themes"


def test_the_page_edits_the_frame_and_explains_errors_in_chinese(app, db, client, community,
                                                                 login_as):
    login_as("operator")
    base = f"/c/{community.slug}/insights/codeframe"
    page = client.get(base).get_data(as_text=True)
    assert "编码框架" in page and "回复慢/没人理" in page and "广告刷屏与秩序" in page
    done = client.post(f"{base}/spam/rename", data={"name": "广告与拉人"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已改名" in done and "原名：广告刷屏与秩序" in done
    refused = client.post(f"{base}/spam/rename", data={"name": "收费与价格"},
                          follow_redirects=True).get_data(as_text=True)
    assert "已经有叫「收费与价格」的主题了" in refused
    added = client.post(f"{base}/add", data={"name": "副本掉落", "phrases": "掉率低\n不出货"},
                        follow_redirects=True).get_data(as_text=True)
    assert "已新建主题" in added and "副本掉落" in added
    empty = client.post(f"{base}/add", data={"name": "空主题", "phrases": ""},
                        follow_redirects=True).get_data(as_text=True)
    assert "请至少填写一条短语" in empty
    assert client.post(f"{base}/nothing/toggle", data={"enabled": "0"}).status_code == 302
    stored = db.session.get(CodeFrameSettings, community.id).custom
    assert stored["rename"] == {"spam": "广告与拉人"}
    assert [t["name"] for t in stored["add"]] == ["副本掉落"]


# --- the frame in an analysis ---------------------------------------------------------------


def _frame_themes(db, community):
    from app.models import InsightTheme

    return {t.frame_key: t for t in db.session.execute(db.select(InsightTheme).where(
        InsightTheme.community_id == community.id, InsightTheme.frame_key.is_not(None),
        InsightTheme.size > 0)).scalars()}


def test_an_analysis_files_feedback_under_the_communitys_frame(app, db, community, operator):
    from tests.app.insights.conftest import analyse, seed_feedback

    seed_feedback(community, count=120)
    analyse(community)
    themes = _frame_themes(db, community)
    assert {"spam", "points", "tech"} <= set(themes)
    assert themes["spam"].name == "广告刷屏与秩序" and themes["spam"].summary
    codeframe.rename(community.id, "spam", "广告与拉人", actor=operator)
    codeframe.set_enabled(community.id, "points", False, actor=operator)
    db.session.commit()
    analyse(community)
    themes = _frame_themes(db, community)
    assert themes["spam"].name == "广告与拉人"
    assert "points" not in themes


def test_items_an_operator_pinned_teach_the_frame(app, db, community):
    from app.services.insights.analysis import frame_corrections
    from app.services.insights.item_rows import load_items
    from nlp.codeframe import NONE
    from nlp.themes import ThemeSnapshot
    from nlp.themes.types import ThemeRecord
    from tests.app.insights.conftest import add_item

    first = add_item(community, "打卡小程序又进不去了", key="a")
    second = add_item(community, "周末的读书会改到线上了", key="b")
    add_item(community, "没被改过的反馈", key="c")
    snapshot = ThemeSnapshot(
        themes=[ThemeRecord(id=3, name="直播·回放·技术故障", frame_key="tech"),
                ThemeRecord(id=7, name="读书会")],
        pinned={str(first.id): 3, str(second.id): 7})
    fixes = frame_corrections(snapshot, load_items(community.id))
    assert sorted((f.text, f.key) for f in fixes) == [
        ("周末的读书会改到线上了", NONE), ("打卡小程序又进不去了", "tech")]


def test_renaming_a_frame_theme_renames_its_current_theme_at_once(app, db, community, operator):
    from app.models import Correction
    from tests.app.insights.conftest import analyse, seed_feedback

    seed_feedback(community, count=80)
    analyse(community)
    codeframe.rename(community.id, "spam", "广告与拉人", actor=operator)
    db.session.commit()
    assert _frame_themes(db, community)["spam"].name == "广告与拉人"
    assert db.session.execute(db.select(Correction.kind)).scalars().all() == ["rename"]
    row = next(r for r in codeframe.frame_rows(community.id) if r.key == "spam")
    assert row.name == "广告与拉人" and row.default_name == "广告刷屏与秩序"
    # The next analysis keeps the name the frame and the theme now share.
    analyse(community)
    assert _frame_themes(db, community)["spam"].name == "广告与拉人"
