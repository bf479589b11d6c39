"""Specification of the full pipeline: every stage once per text, plain results, progress."""

import pytest

import nlp.pipeline as pipeline_module
from nlp.pipeline import Pipeline, SentimentOutcome
from nlp.segment import Segmenter
from nlp.themes import OTHER_ID, model_from_bytes
from tests.nlp.themes.feedback_factory import FILLERS, make_items


class KeywordSentiment:
    """A stand-in sentiment stage: positive for 好/喜欢, negative for 差/太/烦."""

    def analyze_many(self, normalized, cut_tokens):
        out = []
        for text in (n.text for n in normalized):
            if any(w in text for w in ("差", "太", "烦", "慢")):
                out.append(SentimentOutcome(-1, 0.1))
            elif any(w in text for w in ("好", "喜欢", "收获")):
                out.append(SentimentOutcome(1, 0.9))
            else:
                out.append(SentimentOutcome(0, 0.5))
        return out


class CountingSegmenter:
    """Wraps the real segmenter and counts how often each text is cut."""

    def __init__(self, inner):
        self.inner = inner
        self.calls = 0

    def cut(self, text):
        self.calls += 1
        return self.inner.cut(text)

    def is_content(self, token):
        return self.inner.is_content(token)


@pytest.fixture(scope="session")
def shared_segmenter(tmp_path_factory):
    return Segmenter(cache_dir=tmp_path_factory.mktemp("jieba"))


@pytest.fixture(scope="session")
def feedback():
    texts, truth = make_items(30, seed=4)
    texts = list(texts) + ["手机号13812345678，积分兑换太难了", "没有", "暂无", "還行"]
    return texts


@pytest.fixture(scope="session")
def counted(shared_segmenter):
    return CountingSegmenter(shared_segmenter)


@pytest.fixture(scope="session")
def result(feedback, counted):
    pipe = Pipeline(segmenter=counted, sentiment=KeywordSentiment())
    return pipe.run(feedback, ids=[f"f{i}" for i in range(len(feedback))]), pipe


def test_each_text_is_segmented_exactly_once(result, feedback, counted):
    assert counted.calls == len(feedback)


def test_every_item_gets_text_sentiment_theme_and_keywords(result, feedback):
    res, _ = result
    assert len(res.items) == len(feedback)
    theme_ids = {t.id for t in res.themes}
    for item in res.items:
        assert item.theme_id in theme_ids
        assert item.sentiment_label in (-1, 0, 1)
        assert 0.0 <= item.sentiment_score <= 1.0
        assert item.id == f"f{item.index}"
    content = [i for i in res.items if not i.is_filler]
    assert sum(1 for i in content if i.keywords) >= 0.9 * len(content)


def test_pii_is_redacted_before_analysis(result):
    res, _ = result
    item = next(i for i in res.items if "积分兑换太难了" in i.text and i.pii)
    assert "13812345678" not in item.text
    assert item.pii == ["mobile"] or "mobile" in item.pii[0]
    for theme in res.themes:
        assert all("13812345678" not in q for q in theme.quotes)
    assert res.stats.n_with_pii == 1


def test_fillers_are_flagged_scored_and_kept_out_of_themes(result):
    res, _ = result
    fillers = [i for i in res.items if i.is_filler]
    assert len(fillers) >= 3
    assert all(i.theme_id == OTHER_ID for i in fillers)
    assert res.stats.n_filler == len(fillers)
    still = next(i for i in fillers if i.text == "還行")  # shown as written
    assert still.normalized_text == "还行"  # analysed in simplified Chinese


def test_people_read_the_redacted_original_and_the_analysis_reads_it_normalised(
        shared_segmenter):
    texts = ["活动很好玩，但是群里广告太多！我的手机１３８１２３４５６７８",
             "積分兌換太難了，客服也不回覆。", "群主很用心👍，学到很多干货～"] * 4
    res = Pipeline(segmenter=shared_segmenter, sentiment=KeywordSentiment()).run(texts)
    first = res.items[0]
    assert first.text == "活动很好玩，但是群里广告太多！我的手机[手机号]"
    assert first.pii == ["mobile"]
    assert first.normalized_text == "活动很好玩,但是群里广告太多!我的手机[手机号]"
    assert "广告" in first.tokens
    assert res.items[1].text == "積分兌換太難了，客服也不回覆。"
    assert res.items[1].normalized_text.startswith("积分兑换太难了")
    assert res.items[2].text == "群主很用心👍，学到很多干货～"
    quotes = [q for t in res.themes for q in t.quotes]
    assert quotes and set(quotes) <= {i.text for i in res.items}
    assert any("，" in q for q in quotes)


def test_pii_that_only_normalising_reveals_is_redacted_in_what_people_read(
        shared_segmenter):
    res = Pipeline(segmenter=shared_segmenter, sentiment=KeywordSentiment()).run(
        ["电话138😀1234😀5678找我", "没有"])
    item = res.items[0]
    assert "1234" not in item.text and "[手机号]" in item.text
    assert item.pii == ["mobile"]


def test_themes_carry_quotes_keywords_area_summary_and_sentiment_mix(result):
    res, _ = result
    real = [t for t in res.themes if not t.is_other]
    assert 3 <= len(real) <= 20
    for theme in real:
        assert theme.quotes and theme.keywords and theme.keyword_weights
        assert sum(theme.sentiment_mix.values()) == theme.size
        assert theme.keyword_weights[0][1] == 1.0
        assert theme.summary and theme.summary.rstrip("…") in " ".join(theme.quotes)
    assert all(t.area for t in real if t.frame_key)
    assert sum(t.size for t in res.themes) == len(res.items)


def test_code_frame_themes_carry_their_key_and_frame_name(result):
    from nlp.codeframe import load_code_frame

    res, _ = result
    frame = load_code_frame()
    framed = [t for t in res.themes if t.frame_key]
    # 积分, 广告 and 卡顿 complaints are what the shipped frame is about.
    assert {"points", "spam", "tech"} <= {t.frame_key for t in framed}
    for theme in framed:
        assert theme.name == frame.theme(theme.frame_key).name


def test_run_stats_describe_the_run(result, feedback):
    res, _ = result
    stats = res.stats
    assert stats.n_items == len(feedback)
    assert set(stats.seconds) == {"normalize", "redact", "segment", "sentiment", "themes",
                                  "keywords"}
    assert stats.top_keywords and stats.top_keywords[0][1] == 1.0
    assert sum(stats.sentiment_counts.values()) == len(feedback)
    assert stats.outlier_share < 0.2


def test_analyze_one_places_a_new_item_like_the_stored_model(result):
    res, pipe = result
    model = model_from_bytes(res.model_bytes())
    item = pipe.analyze_one("签到积分清零太快了，礼品太少", model)
    batch_theme = next(i.theme_id for i in res.items if "积分" in i.text and not i.pii)
    assert item.theme_id == batch_theme
    assert item.sentiment_label == -1
    assert pipe.analyze_one("没有", model).theme_id == OTHER_ID
    assert pipe.analyze_one(None, model).theme_id == OTHER_ID


def test_progress_is_reported_for_every_stage(shared_segmenter, monkeypatch):
    monkeypatch.setattr(pipeline_module, "CHUNK", 20)
    seen = []
    texts, _ = make_items(12, seed=5)
    Pipeline(segmenter=shared_segmenter, sentiment=KeywordSentiment()).run(
        texts, progress=lambda stage, done, total: seen.append((stage, done, total)))
    prepare = [d for s, d, _ in seen if s == "prepare"]
    assert prepare == sorted(prepare) and prepare[-1] == len(texts) and len(prepare) >= 3
    assert [s for s, _, _ in seen if s != "prepare"] == ["themes", "keywords"]


def test_parallel_workers_give_the_same_result(shared_segmenter, monkeypatch):
    monkeypatch.setattr(pipeline_module, "CHUNK", 40)
    texts = make_items(20, seed=6)[0] + FILLERS
    one = Pipeline(segmenter=shared_segmenter, sentiment=KeywordSentiment()).run(texts)
    two = Pipeline(segmenter=shared_segmenter, sentiment=KeywordSentiment(), n_jobs=2).run(texts)
    assert [i.theme_id for i in one.items] == [i.theme_id for i in two.items]
    assert [i.text for i in one.items] == [i.text for i in two.items]


@pytest.mark.parametrize("texts", [[], ["好"], [None, "", "积分兑换太难"]])
def test_tiny_and_empty_batches_never_fail(shared_segmenter, texts):
    res = Pipeline(segmenter=shared_segmenter, sentiment=KeywordSentiment()).run(texts)
    assert len(res.items) == len(texts)
    assert res.stats.n_items == len(texts)


def test_a_stage_can_be_swapped(shared_segmenter):
    calls = []

    def redactor(text):
        calls.append(text)
        from nlp.pii import redact

        return redact(text)

    Pipeline(segmenter=shared_segmenter, redactor=redactor,
             sentiment=KeywordSentiment()).run(["积分兑换太难", "广告太多"])
    assert calls == ["积分兑换太难", "广告太多"]


def test_mismatched_ids_are_a_clear_error(shared_segmenter):
    with pytest.raises(ValueError, match="ids"):
        Pipeline(segmenter=shared_segmenter, sentiment=KeywordSentiment()).run(["a"], ids=[])


def test_a_run_gives_the_garbage_collector_back_on_success_and_on_error(shared_segmenter):
    import gc

    assert gc.isenabled()
    pipe = Pipeline(segmenter=shared_segmenter, sentiment=KeywordSentiment())
    pipe.run(["积分兑换太难", "广告太多"])
    assert gc.isenabled()
    with pytest.raises(ValueError):
        pipe.run(["a"], ids=[])
    assert gc.isenabled()


def test_theme_parameters_come_from_the_template_model(shared_segmenter):
    from nlp.codeframe import CodeFrame
    from nlp.themes import ThemeModel

    texts, _ = make_items(15, seed=13)
    res = Pipeline(segmenter=shared_segmenter, sentiment=KeywordSentiment(),
                   theme_model=ThemeModel(k=2, code_frame=CodeFrame.empty())).run(texts)
    assert res.stats.k == 2
    assert not any(t.frame_key for t in res.themes)


def test_the_product_sentiment_model_plugs_in_with_clauses(shared_segmenter):
    from nlp.pipeline import CoreSentiment
    from nlp.sentiment import SentimentModel

    good = ["活动很好玩", "老师讲得很好", "群里氛围很好", "积分兑换很方便", "干货很多很喜欢"]
    bad = ["广告太多了很烦", "小程序很卡很差", "客服态度很差", "礼品太少很失望", "刷屏很烦人"]
    texts = [a + b for a in good for b in ("！", "。", "呀")] + [
        a + b for a in bad for b in ("！", "。", "呀")]
    labels = [1] * 15 + [0] * 15
    model = SentimentModel(segmenter=shared_segmenter, calibration_fraction=0.3).fit(
        texts * 3, labels * 3)
    res = Pipeline(segmenter=shared_segmenter, sentiment=CoreSentiment(model)).run(
        ["活动很好玩，但是群里广告太多了很烦", "老师讲得很好", "没有"])
    mixed = res.items[0]
    assert len(mixed.clauses) == 2
    assert {c.label for c in mixed.clauses} == {-1, 1}
    assert res.items[1].sentiment_label == 1
    assert res.items[2].is_filler


def test_a_second_run_with_the_snapshot_keeps_theme_ids_and_corrections(shared_segmenter):
    texts, _ = make_items(30, seed=14)
    ids = [f"s{i}" for i in range(len(texts))]
    pipe = Pipeline(segmenter=shared_segmenter, sentiment=KeywordSentiment())
    first = pipe.run(texts, ids=ids)
    snap = first.snapshot
    snap.pin("s0", OTHER_ID)
    more, _ = make_items(3, seed=15)
    second = pipe.run(texts + more, ids=ids + [f"n{i}" for i in range(len(more))],
                      previous=snap)
    same = sum(a.theme_id == b.theme_id for a, b in zip(first.items, second.items, strict=False))
    assert same >= 0.9 * len(texts) - 1
    assert second.items[0].theme_id == OTHER_ID


def test_a_polite_sign_off_is_not_what_an_item_is_about(shared_segmenter):
    """Complaints about different things, each ending 「辛苦运营了」 or 「谢谢！」, share no theme
    words through their sign-off; a text that is only thanks keeps its words."""
    pipe = Pipeline(segmenter=shared_segmenter, sentiment=KeywordSentiment())
    res = pipe.run([
        "直播回放一直打不开，辛苦运营了",
        "积分兑换的周边总是缺货。谢谢！",
        "谢谢运营，辛苦了",
    ])
    keywords = [set(item.keywords) for item in res.items]
    assert not keywords[0] & {"辛苦", "运营"} and not keywords[1] & {"谢谢"}
    assert keywords[2] & {"谢谢", "辛苦", "运营"}


def test_a_batch_prepared_in_shards_and_merged_equals_one_run(shared_segmenter):
    """The per-text stages read each text alone: shards prepared apart (and stored as
    bytes), concatenated and fitted once give exactly the single run's result."""
    from nlp.pipeline import PreparedItems
    from nlp.sentiment import load_or_train

    texts, _truth = make_items(40, seed=9)
    texts = list(texts) + ["手机号13812345678，积分兑换太难了", "没有", None, "還行，广告太多"]
    ids = [str(i) for i in range(len(texts))]
    pipe = Pipeline(segmenter=shared_segmenter,
                    sentiment=pipeline_module.CoreSentiment(load_or_train()))
    whole = pipe.run(texts, ids=ids)
    parts = [PreparedItems.from_bytes(pipe.prepare(texts[i:i + 13]).to_bytes())
             for i in range(0, len(texts), 13)]
    merged = pipe.run_prepared(PreparedItems.concat(parts), ids=ids)

    def per_item(result):
        return [(r.text, r.is_filler, r.pii, r.sentiment_label, r.sentiment_score,
                 [(c.text, c.label, c.score, c.aspects) for c in r.clauses], r.theme_id,
                 r.theme_name, r.keywords, r.normalized_text, r.tokens) for r in result.items]

    assert per_item(merged) == per_item(whole)
    assert [(t.id, t.name, t.size, t.keywords, t.quote_indices) for t in merged.themes] == \
        [(t.id, t.name, t.size, t.keywords, t.quote_indices) for t in whole.themes]
    assert merged.snapshot.to_dict() == whole.snapshot.to_dict()
    assert sum(merged.stats.seconds[s] for s in ("normalize", "segment", "sentiment")) > 0


def test_prepared_items_keep_only_the_chosen_positions(shared_segmenter):
    pipe = Pipeline(segmenter=shared_segmenter, sentiment=KeywordSentiment())
    prepared = pipe.prepare(["活动很好", "客服太慢", "群主很专业"])
    kept = prepared.subset([2, 0])
    assert kept.shown == ["群主很专业", "活动很好"] and len(kept) == 2
    assert [o.label for o in kept.outcomes] == [0, 1]
