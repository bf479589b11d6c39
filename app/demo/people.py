"""Generated Chinese nicknames and names for demo members."""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
    "廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂"
    "柴焦向柳邢岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁"
    "柯阮桂闵"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红梅鑫波斌宇浩凯健俊帆帅旭宁龙林欣雨晨阳佳琪雪婷颖琳思雅嘉瑶瑜悦晴然"
    "可心怡子墨浩然梓涵一诺欣怡宇轩若曦"
)
ADJECTIVES = ("追光的", "爱拍照的", "不迷路的", "慢慢来的", "会修图的", "早起的", "夜拍的",
              "胶片控", "背着相机的", "好奇的", "认真的", "佛系的", "勇敢的", "安静的")
NOUNS = ("阿杰", "小鹿", "柠檬", "大橘", "鲸鱼", "小七", "木木", "阿青", "老周", "阿泽", "团子",
         "星星", "豆豆", "白桃", "橙子", "山野", "晚风", "海盐", "栗子", "阿飞")
LATIN = ("Momo", "Leo", "Yuki", "Ada", "Kevin", "Cici", "Jay", "Nana", "Tom", "Lily", "Ray",
         "Echo", "Vivian", "Sam", "Zoe")
SUFFIXES = ("", "", "", "_", "2023", "酱", "同学", "🍃", "📷", "的摄影日记")
PLACES = ("杭州", "上海", "苏州", "南京", "北京", "广州", "深圳", "成都", "武汉", "西安", "厦门")


def real_name(rng: random.Random) -> str:
    """A plausible Chinese personal name."""
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def nickname(rng: random.Random) -> str:
    """A plausible community nickname, in one of several styles."""
    style = rng.random()
    if style < 0.35:
        name = rng.choice(ADJECTIVES) + rng.choice(NOUNS)
    elif style < 0.55:
        name = rng.choice(LATIN) + rng.choice(("", "", "_" + rng.choice(PLACES)))
    elif style < 0.75:
        name = rng.choice(PLACES) + "-" + real_name(rng)[1:]
    elif style < 0.9:
        name = "小" + rng.choice(GIVEN) + rng.choice(("", "子", "呀"))
    else:
        name = real_name(rng)
    return (name + rng.choice(SUFFIXES))[:40]
