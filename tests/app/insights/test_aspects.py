"""「大家具体在抱怨什么」: the words of members' complaints, not the filler around them."""

from __future__ import annotations

from datetime import date, timedelta

from app.models import ItemAnalysis
from app.services.insights.detail import negative_aspects

from .conftest import add_item, analyse

COMPLAINTS = [
    "作为老成员，直播回放总是打不开，太影响学习了",
    "作为老成员，说实话直播回放一直加载失败，很失望",
    "个人感觉直播回放的画质太差了，根本看不清",
    "作为老成员，回放链接又失效了，每次都要找半天",
    "说实话，直播回放总是卡住，体验很差",
    "作为老成员，直播回放没声音，太糟糕了",
]


def test_complaint_words_leave_out_the_filler_around_them(app, db, community):
    for i, text in enumerate(COMPLAINTS * 3):
        add_item(community, f"{text}（{i}）", key=f"import:aspects:{i}")
    run = analyse(community)
    keys = set(db.session.execute(db.select(ItemAnalysis.theme_key).where(
        ItemAnalysis.run_id == run.id)).scalars())
    start = date.today() - timedelta(days=30)
    end = date.today() + timedelta(days=2)
    words = {a.word for key in keys
             for a in negative_aspects(run.id, key, start.toordinal(), end.toordinal())}
    assert "回放" in words or "直播回放" in words, words
    assert not words & {"老成员", "个人感觉", "说实话"}, words
