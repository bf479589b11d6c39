"""Theme names are phrases with a head: no clause cut short, no misread common word, and
never the community itself."""

from nlp.themes.generic import is_generic, is_generic_name, is_subject
from nlp.themes.labels import phrase_subjects


def test_a_learned_phrase_that_ends_in_a_modifier_is_no_subject():
    # 主动 is a distinguishing word (b): 学姐主动 is "the senior, proactively …", cut short.
    subjects = phrase_subjects([("学姐", "主动"), ("副本", "掉落"), ("森林", "人")])
    assert "学姐主动" not in subjects
    assert {"副本掉落", "森林人"} <= subjects


def test_a_yes_no_question_is_no_subject():
    subjects = phrase_subjects([("算不算", "违规"), ("有没有", "回放"), ("违规", "广告")])
    assert subjects == {"违规广告"}


def test_a_frequent_word_with_a_name_reading_is_not_a_subject():
    # jieba lists 明白 as a person name (nr); as one of the most frequent words it is the verb.
    assert not is_subject("明白")
    assert is_subject("参数")


def test_the_community_itself_never_names_a_theme():
    for word in ("社群", "群友", "成员", "本群"):
        assert is_generic(word), word
    assert is_generic_name("社群")
    assert not is_generic_name("社群公众号")


def test_a_phrase_name_ends_in_its_head_and_never_asks():
    from nlp.themes.labels import _valid_phrase

    assert _valid_phrase(("小区", "停车"))
    assert not _valid_phrase(("儿子", "简直", "超级"))  # ends in a modifier
    assert not _valid_phrase(("是不是", "正品"))  # a yes-no question


def test_a_common_verb_read_as_a_name_never_opens_a_name():
    # 终于明白参数怎么调了: 明白 is "understand", and its object is the whole clause.
    from nlp.themes.labels import _valid_phrase

    assert not _valid_phrase(("明白", "参数"))
    assert _valid_phrase(("参数",)) and _valid_phrase(("调整", "参数"))  # an action and its object
