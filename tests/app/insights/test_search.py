"""Chinese full-text search: the query is cut with the analysis dictionary and matched
against pre-segmented tokens (SQLite FTS5, PostgreSQL tsvector), on both databases."""

from __future__ import annotations

from app.extensions import db
from app.models import SearchText
from app.services.insights import inbox
from app.services.insights.inbox import InboxFilters
from app.services.insights.search import index_items, query_tokens, search_tokens
from tests.app.insights.conftest import add_item
from tests.factories import make_community


def _search(community, q):
    return [row.item.redacted_text for row in inbox.page(community, InboxFilters(q=q)).rows]


def _indexed(*items):
    index_items(items)
    db.session.commit()


def test_index_tokens_include_the_words_inside_long_words():
    tokens = search_tokens("积分兑换的商品太少了").split()
    assert "积分兑换" in tokens
    assert "积分" in tokens and "兑换" in tokens
    assert "的" not in tokens


def test_a_query_is_cut_with_the_analysis_dictionary():
    assert query_tokens("积分兑换商品") == ["积分兑换", "商品"]
    assert query_tokens("  ") == []


def test_searching_for_jifen_finds_jifen_duihuan(app, db, community):
    hit = add_item(community, "积分兑换的周边帆布包一直缺货", key="a")
    add_item(community, "直播课卡得不行，画面一直转圈", key="b")
    _indexed(*db.session.execute(db.select(type(hit))).scalars())
    assert _search(community, "积分") == [hit.redacted_text]


def test_a_lone_character_cut_off_a_query_word_is_not_required(app, db, community):
    # In the text 构图课想 is cut 构图 / 课想: a search for 构图课 still finds it.
    hit = add_item(community, "上周的构图课想再看一遍都不行", key="a")
    _indexed(hit)
    assert query_tokens("构图课") == ["构图"]
    assert _search(community, "构图课") == [hit.redacted_text]
    # Typed as a word of its own, a character is still required.
    assert query_tokens("构图 课") == ["构图", "课"]


def test_every_query_word_must_occur(app, db, community):
    both = add_item(community, "直播回放找不到，积分也没到账", key="a")
    only_live = add_item(community, "直播课很流畅", key="b")
    _indexed(both, only_live)
    assert _search(community, "直播 积分") == [both.redacted_text]
    assert set(_search(community, "直播")) == {both.redacted_text, only_live.redacted_text}


def test_a_segmented_query_does_not_match_characters_across_words(app, db, community):
    # 累积分数 is cut 累积 / 分数: it must not match a search for 积分.
    other = add_item(community, "累积分数要多久才能升级", key="a")
    _indexed(other)
    assert _search(community, "积分") == []


def test_search_follows_text_changes_and_deletions(app, db, community):
    item = add_item(community, "广告太多了", key="a")
    _indexed(item)
    assert _search(community, "广告") == ["广告太多了"]
    item = add_item(community, "活动很好玩", key="a")
    _indexed(item)
    assert _search(community, "广告") == []
    assert _search(community, "活动") == ["活动很好玩"]
    db.session.delete(item)
    db.session.commit()
    assert db.session.execute(db.select(SearchText)).first() is None
    assert _search(community, "活动") == []


def test_search_never_crosses_communities(app, db, community):
    other = make_community()
    mine = add_item(community, "积分规则改来改去", key="a")
    theirs = add_item(other, "积分规则太复杂", key="a")
    _indexed(mine, theirs)
    assert _search(community, "积分") == ["积分规则改来改去"]


def test_queries_with_quotes_and_symbols_are_safe(app, db, community):
    item = add_item(community, 'App 的 "签到" 功能坏了', key="a")
    _indexed(item)
    # FTS5 and tsquery syntax is never passed through: quotes, stars and colons are dropped.
    assert _search(community, '"签到"* ') == [item.redacted_text]
    assert _search(community, 'tokens:签到 NEAR(') == []
    assert _search(community, "app") == [item.redacted_text]
    assert _search(community, "')--") == []
