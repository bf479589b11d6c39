"""Micro-benchmark: answer validations per second for a survey of 10 mixed questions.

Baseline, measured in the same run: what a bare insert endpoint does with the same body
without validating it (``json.loads`` of the request body, then ``json.dumps`` of the answers
for storage). ``bench/survey_submit`` (the HTTP benchmark) can reuse ``bench_survey`` and
``random_answers`` so both measure the same survey.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable

from bench._report import md_table, write_section
from surveys import Survey, validate_answers, validate_page

DEFINITION = {
    "schema_version": 1,
    "title": "基准问卷：10 道混合题",
    "pages": [
        {"id": "p1", "title": "基本情况", "questions": [
            {"id": "source", "type": "single_choice", "title": "你从哪里知道本群？",
             "required": True,
             "options": [{"id": "friend", "label": "朋友推荐"},
                         {"id": "article", "label": "公众号"},
                         {"id": "video", "label": "短视频"},
                         {"id": "other", "label": "其他", "other": True}]},
            {"id": "likes", "type": "multiple_choice", "title": "你喜欢哪些内容？",
             "required": True,
             "min_choices": 1, "max_choices": 3,
             "options": [{"id": "dry", "label": "干货"}, {"id": "events", "label": "活动"},
                         {"id": "jobs", "label": "招聘"}, {"id": "perks", "label": "福利"},
                         {"id": "other", "label": "其他", "other": True},
                         {"id": "none", "label": "以上都没有", "exclusive": True}]},
            {"id": "city", "type": "dropdown", "title": "所在城市",
             "options": [{"id": c, "label": label} for c, label in
                         (("bj", "北京"), ("sh", "上海"), ("gz", "广州"), ("sz", "深圳"))]},
            {"id": "age", "type": "number", "title": "年龄", "min_value": 12, "max_value": 80,
             "integer_only": True},
        ]},
        {"id": "p2", "title": "评价", "questions": [
            {"id": "nps", "type": "nps", "title": "你有多大可能推荐本群？", "required": True},
            {"id": "why", "type": "long_text", "title": "哪里让你不满意？", "required": True,
             "show_if": {"question": "nps", "op": "lte", "value": 6}},
            {"id": "csat", "type": "csat", "title": "总体满意度", "required": True},
            {"id": "ces", "type": "ces", "title": "找信息容易吗？"},
            {"id": "grid", "type": "matrix", "title": "各方面评价",
             "items": [{"id": "content", "label": "内容"}, {"id": "vibe", "label": "氛围"},
                       {"id": "admin", "label": "管理"}]},
        ]},
        {"id": "p3", "title": "排序", "skip": [
            {"if": {"question": "nps", "op": "gte", "value": 9}, "goto": "end"}], "questions": [
            {"id": "rank", "type": "ranking", "title": "按重要性排序",
             "options": [{"id": "a", "label": "内容"}, {"id": "b", "label": "活动"},
                         {"id": "c", "label": "人脉"}]},
        ]},
    ],
}


def bench_survey() -> Survey:
    """The benchmark survey: 10 questions of 9 types, display logic and a skip to the end."""
    return Survey.from_dict(DEFINITION)


def random_answers(rng: random.Random) -> dict:
    """One valid, realistic response to ``bench_survey``."""
    nps = rng.choice([10, 9, 9, 8, 7, 6, 5, 3, 0])
    answers = {
        "source": rng.choice(["friend", "article", "video"]),
        "likes": rng.sample(["dry", "events", "jobs", "perks"], rng.randint(1, 3)),
        "city": rng.choice(["bj", "sh", "gz", "sz"]),
        "age": rng.randint(18, 60),
        "nps": nps,
        "csat": rng.randint(1, 5),
        "ces": rng.randint(1, 7),
        "grid": {"content": rng.randint(1, 5), "vibe": rng.randint(1, 5),
                 "admin": rng.randint(1, 5)},
    }
    if rng.random() < 0.2:
        answers["source"] = {"choice": "other", "other": "朋友圈广告"}
    if nps <= 6:
        answers["why"] = rng.choice(["广告太多了，希望管理一下", "干货少，闲聊多",
                                     "活动时间不合适"])
    if nps < 9:
        answers["rank"] = rng.sample(["a", "b", "c"], 3)
    return answers


def _best_rates(cases: list[tuple[str, Callable[[object], object], list]], rounds: int = 15
                ) -> list[float]:
    """Operations per second of each case: the best of ``rounds`` interleaved passes, so
    that load from other processes hits every case alike."""
    best = [0.0] * len(cases)
    for _ in range(rounds):
        for k, (_label, fn, data) in enumerate(cases):
            start = time.perf_counter()
            for item in data:
                fn(item)
            best[k] = max(best[k], len(data) / (time.perf_counter() - start))
    return best


def main() -> None:
    """Measure and write the section into docs/benchmarks.md."""
    survey = bench_survey()
    rng = random.Random(20241124)
    bodies = [json.dumps(random_answers(rng), ensure_ascii=False) for _ in range(500)]
    for body in bodies:  # every generated response must be valid, or the bench lies
        assert validate_answers(survey, json.loads(body)).ok, body
    invalid = [json.dumps({**json.loads(b), "age": 200, "likes": ["dry", "none"]})
               for b in bodies[:100]]

    def baseline(body: str) -> object:
        return json.dumps(json.loads(body), ensure_ascii=False)

    def full(body: str) -> object:
        result = validate_answers(survey, json.loads(body))
        return json.dumps(result.answers, ensure_ascii=False)

    def strict(body: str) -> object:
        result = validate_answers(survey, json.loads(body), hidden_answers="reject")
        return json.dumps(result.answers, ensure_ascii=False)

    def page(body: str) -> object:
        return validate_page(survey, json.loads(body), "p2")

    parsed = [json.loads(b) for b in bodies]
    cases = [
        ("baseline: json.loads + json.dumps of the body (no validation)", baseline, bodies),
        ("submit: json.loads + full validation + json.dumps", full, bodies),
        ("submit, strict (hidden answers are errors)", strict, bodies),
        ("member page: json.loads + validation of page 2", page, bodies),
        ("submit of invalid responses (2 errors each)", full, invalid),
        ("validation only (answers already parsed)",
         lambda a: validate_answers(survey, a), parsed),
    ]
    rates = _best_rates(cases)
    rows = []
    for (label, _fn, _data), rate in zip(cases, rates, strict=True):
        rows.append([label, f"{rate:,.0f}", f"{1e6 / rate:.1f}", f"{rate / rates[0]:.2f}"])
        print(f"{label}: {rate:,.0f}/s ({1e6 / rate:.1f} µs)", flush=True)
    body = (
        "Survey of 10 questions (single, multiple with 其他 and 以上都没有, dropdown, number, "
        "NPS, long text behind display logic, CSAT, CES, 3-row matrix, ranking on a page that "
        "promoters skip); 500 random valid responses; best of 15 interleaved passes; one "
        "core.\n\n"
        + md_table(["case", "ops/s", "µs/op", "× baseline"], rows)
        + f"\n\nValidation alone costs about {1e6 / rates[-1]:.0f} µs per response (the brief "
        "asks for well under 1 ms). For scale: the bare insert endpoint of SETUP-NOTES serves "
        "about 1,200 requests/s on 2 workers, i.e. about 1,700 µs of worker time per request, "
        "so validation adds a few percent to a submit.\n"
    )
    path = write_section("survey_validate", "Survey answer validation (surveys/)", body)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
