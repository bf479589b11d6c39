"""Synthetic community feedback for the theme tests: varied sentences about known topics."""

from __future__ import annotations

import random
import re

import jieba

TOPICS: dict[str, dict[str, list[str]]] = {
    "积分": {
        "subjects": ["积分", "签到积分", "积分商城", "兑换的礼品", "积分规则", "每日签到"],
        "verbs": ["兑换太难", "清零太快", "攒了很久", "换不到东西", "门槛太高", "奖励太少"],
        "tails": ["希望多上一些礼品", "能不能延长有效期", "签到一个月才够换一次", "商城里都缺货"],
    },
    "广告": {
        "subjects": ["群里的广告", "刷屏的人", "微商", "推销的小号", "发外链的人", "营销号"],
        "verbs": ["太多了", "天天刷屏", "一直拉人", "骚扰大家", "到处私聊推销", "发垃圾信息"],
        "tails": ["管理员快踢掉", "建议严格群规", "希望及时禁言", "看着很烦"],
    },
    "课程": {
        "subjects": ["直播课", "老师讲课", "课程回放", "训练营的作业", "课件", "答疑环节"],
        "verbs": ["讲得很清楚", "节奏太快", "内容很干货", "听不懂", "布置得太多", "收获很大"],
        "tails": ["希望多讲案例", "能不能放慢一点", "想要课后笔记", "老师辛苦了"],
    },
    "卡顿": {
        "subjects": ["小程序", "APP", "页面加载", "登录验证码", "视频播放", "上传图片"],
        "verbs": ["经常闪退", "卡得厉害", "一直转圈", "收不到", "报错打不开", "特别慢"],
        "tails": ["手机重启也没用", "更新版本后更严重", "希望尽快修复", "体验很差"],
    },
    "活动": {
        "subjects": ["线下聚会", "周年庆活动", "抽奖活动", "读书会", "打卡挑战", "城市沙龙"],
        "verbs": ["组织得很好", "名额太少", "报名很麻烦", "场地太远", "很有意思", "时间安排不合理"],
        "tails": ["下次还想参加", "希望多办几场", "认识了很多朋友", "周末办更好"],
    },
}
FILLERS = ["无", "没有", "暂无", "还行", "都挺好", "没意见", "无无", "没", "好", "嗯"]
_STOP = set(
    "的 了 是 我 也 在 有 和 就 不 都 很 还 这 那 你 太 能 要 想"
    " 一个 一直 多 大家 希望 建议".split()
)
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def make_items(per_topic: int, seed: int = 0, topics: list[str] | None = None):
    """``per_topic`` distinct sentences per topic: returns (texts, topic names)."""
    rng = random.Random(seed)
    texts, labels = [], []
    for topic in topics or list(TOPICS):
        parts = TOPICS[topic]
        seen: set[str] = set()
        while len([t for t in labels if t == topic]) < per_topic:
            s = rng.choice(parts["subjects"]) + rng.choice(parts["verbs"])
            if rng.random() < 0.7:
                s += "，" + rng.choice(parts["tails"])
            s += rng.choice(["。", "！", "", "～"])
            if s in seen and len(seen) < 150:
                continue
            seen.add(s)
            texts.append(s)
            labels.append(topic)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [labels[i] for i in order]


class TestTokenizer:
    """A private jieba tokenizer returning content words (what the segmenter's tokens give)."""

    __test__ = False

    def __init__(self):
        self.tk = jieba.Tokenizer()
        for w in ("签到积分", "积分商城", "小程序", "直播课", "训练营", "微商", "外链", "刷屏"):
            self.tk.add_word(w)

    def __call__(self, text: str) -> list[str]:
        return [w for w in self.tk.lcut(text) if _WORD.search(w) and w not in _STOP]
