"""Community feedback for the code-frame, consistency and naming tests, written for them.

Sentences come from small templates (subject, complaint, tail) about frame themes (slow
replies, ads, live-stream bugs, points) and about topics outside the frame that a community
names in its own words (小区停车, 副本掉落, 森林人保养), with the openers members put in
front (作为老成员, 个人感觉, 说实话).
"""

from __future__ import annotations

import random

FRAME_TOPICS: dict[str, dict[str, list[str]]] = {
    "response": {
        "subjects": ["私信管理员", "在群里提问", "问助教作业的事", "找客服", "艾特群主"],
        "verbs": ["三天都没人回", "半天没人理", "一直没有回复", "消息石沉大海", "等了一天才回"],
        "tails": ["希望回复快一点", "感觉被无视了", "能不能安排人值班", "太影响体验了"],
    },
    "spam": {
        "subjects": ["群里的广告", "进群拉人的微商", "刷屏的营销号", "发外链的小号"],
        "verbs": ["越来越多了", "天天刷屏", "到处私聊推销", "一直发广告"],
        "tails": ["管理员管管吧", "建议直接踢掉", "看着很烦", "希望严格群规"],
    },
    "tech": {
        "subjects": ["直播", "回放视频", "小程序", "直播课的画面"],
        "verbs": ["一直卡顿", "打不开", "老是闪退", "一直转圈加载不出来"],
        "tails": ["希望尽快修复", "重启也没用", "换了网络也一样", "根本没法看"],
    },
    "points": {
        "subjects": ["积分", "签到积分", "积分商城的礼品", "会员权益"],
        "verbs": ["兑换太难", "突然清零了", "太少了换不到东西", "规则说不清楚"],
        "tails": ["希望多上点礼品", "能不能延长有效期", "攒了很久白攒了", "说明写清楚一点"],
    },
}
OUTSIDE_TOPICS: dict[str, dict[str, list[str]]] = {
    "parking": {
        "subjects": ["小区停车", "小区停车位", "地库的小区停车"],
        "verbs": ["越来越难了", "根本不够用", "被外来车辆占了", "晚上八点以后就没位置"],
        "tails": ["物业能不能管一管", "建议业主优先", "每天下班都要绕好几圈", "希望加装车位"],
    },
    "drops": {
        "subjects": ["副本掉落", "这周的副本掉落", "团本副本掉落"],
        "verbs": ["又被削了", "概率太低", "全是垃圾装备", "比上个版本少了一半"],
        "tails": ["刷了一晚上什么都没有", "希望官方调整一下", "打得很没动力", "公会的人都在吐槽"],
    },
    "forester": {
        "subjects": ["森林人的保养", "我的森林人", "新款森林人", "森林人的水平对置发动机"],
        "verbs": ["费用有点高", "最近有异响", "油耗比想象的高", "烧机油的问题"],
        "tails": ["有车友遇到过吗", "4S店说是正常的", "想问问大家怎么处理", "保修期快到了"],
    },
}
OPENERS = ["", "", "", "作为老成员，", "个人感觉", "说实话，", "吐槽一下，", "原话是这样的："]


def make_feedback(per_topic: int, seed: int = 0, topics: list[str] | None = None
                  ) -> tuple[list[str], list[str]]:
    """``per_topic`` distinct sentences per topic: returns (texts, topic keys), shuffled."""
    rng = random.Random(seed)
    pool = {**FRAME_TOPICS, **OUTSIDE_TOPICS}
    texts, labels = [], []
    for topic in topics or list(pool):
        parts, seen = pool[topic], set()
        while len(seen) < per_topic:
            s = rng.choice(OPENERS) + rng.choice(parts["subjects"]) + rng.choice(parts["verbs"])
            if rng.random() < 0.7:
                s += "，" + rng.choice(parts["tails"])
            s += rng.choice(["。", "！", "", "～"])
            if s in seen:
                continue
            seen.add(s)
            texts.append(s)
            labels.append(topic)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [labels[i] for i in order]
