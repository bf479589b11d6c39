"""The demo community's story: feedback themes, how they move over six months, and a
generator of varied, natural Chinese sentences about them.

Every demo source (imported chat feedback, survey answers, suggestions, interviews) draws on
these themes, so the analysis finds the same topics across sources, and the demo metrics can
dip where the complaints peak. Day 0 is 180 days before the demo is loaded.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field

DEMO_DAYS = 180

COMMUNITY_NAME = "示例社群"
COMMUNITY_SLUG = "demo"
COMMUNITY_DESCRIPTION = (
    "「光影同行」摄影学习社群的示例数据：每周直播课、作业打卡点评、积分商城和线下约拍活动，"
    "成员分布在 3 个微信群和 1 个 QQ 群。"
)
CHANNELS = ["wx-group-1", "wx-group-2", "wx-group-3", "qq-group"]


@dataclass(frozen=True)
class Theme:
    """One topic that members talk about, with how often and how they feel about it."""

    key: str
    name: str
    area: str
    # Share of negative / neutral / positive statements (sums to 1).
    mood: tuple[float, float, float]
    negative: tuple[str, ...]
    positive: tuple[str, ...]
    neutral: tuple[str, ...]
    wishes: tuple[str, ...]
    titles: tuple[str, ...]
    slots: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # (start_day, end_day, multiplier) bumps on top of a base rate.
    bumps: tuple[tuple[int, int, float], ...] = ()
    base: float = 1.0
    trend: float = 0.0  # change of the base rate per 100 days


def _bump(day: float, start: int, end: int, factor: float) -> float:
    if day < start - 5 or day > end + 5:
        return 1.0
    # Smooth ramp of five days on each side.
    ramp = min(1.0, (day - start + 5) / 5, (end + 5 - day) / 5)
    return 1.0 + (factor - 1.0) * max(0.0, ramp)


THEMES: tuple[Theme, ...] = (
    Theme(
        key="ads", name="广告刷屏", area="规则与秩序", mood=(0.78, 0.12, 0.10),
        negative=(
            "最近群里{ad}广告太多了，{when}就有人刷屏，正经讨论都被淹没了",
            "又有人在群里发{ad}的链接，加了好友还私聊推销，体验很差",
            "{when}群里全是{ad}广告，消息免打扰都不敢关，怕错过作业通知",
            "刷屏的广告号进群就发二维码，管理员处理得太慢了",
            "有人借着交流作品的名义拉人去别的群卖{ad}，很反感",
            "群里广告比干货还多，新人进来还以为是营销群",
        ),
        positive=(
            "最近广告少多了，入群审核之后群里清净了不少",
            "管理员踢广告号的速度越来越快了，点个赞",
            "新群规执行得不错，刷屏的人明显少了",
        ),
        neutral=(
            "想问一下群规里对发{ad}信息是怎么规定的",
            "看到有人发{ad}链接，不知道算不算违规",
        ),
        wishes=(
            "建议加入群审核，新人先看群规再发言",
            "能不能设置关键词自动踢出发广告的人",
            "希望多安排几位管理员轮值，及时清理广告",
            "建议把广告和二手交易集中到固定的帖子里",
        ),
        titles=("群里广告刷屏太严重", "请加强广告管理", "建议新人入群审核", "广告号问题"),
        slots={
            "ad": ("微商", "代购", "刷单", "贷款", "摄影器材", "网课", "保健品"),
            "when": ("每天晚上", "一到周末", "几乎每隔半小时", "早上七八点", "一开直播课"),
        },
        base=0.55, bumps=((95, 125, 5.5),),
    ),
    Theme(
        key="points", name="积分兑换", area="激励与积分", mood=(0.55, 0.2, 0.25),
        negative=(
            "积分商城能兑换的东西太少了，攒了{pts}积分不知道换什么",
            "积分规则改来改去，之前的{pts}积分突然不值钱了",
            "打卡积分算得不对，我连续{days}天打卡只记了一半",
            "积分兑换的{gift}一直显示缺货，感觉积分没什么用",
            "积分有效期太短，还没攒够就清零了",
        ),
        positive=(
            "用积分换到了{gift}，很惊喜，打卡更有动力了",
            "积分排行榜挺有意思的，大家都在比谁打卡多",
            "积分兑换的{gift}质量不错，谢谢运营",
        ),
        neutral=(
            "请问积分兑换的{gift}什么时候补货",
            "积分是按作业次数算还是按点赞算",
            "想了解一下积分规则，群公告里没找到",
        ),
        wishes=(
            "希望积分能兑换直播课回放或者一对一作业点评",
            "建议公开积分规则，每次调整提前通知",
            "可以加一些积分兑换的周边，比如相机包和滤镜",
            "希望积分可以抵扣线下活动的报名费",
        ),
        titles=("积分兑换商品太少", "积分规则不透明", "希望增加积分兑换选项", "打卡积分计算有误"),
        slots={
            "pts": ("300", "500", "800", "1200", "2000"),
            "days": ("7", "14", "21", "30"),
            "gift": ("相机肩带", "镜头布", "修图预设", "周边帆布包", "课程优惠券", "摄影书"),
        },
        base=0.35, trend=0.75,
    ),
    Theme(
        key="live", name="直播卡顿", area="技术与体验", mood=(0.7, 0.15, 0.15),
        negative=(
            "周{wd}的直播课卡得不行，老师讲{topic}的时候画面一直转圈",
            "直播声音和画面对不上，PPT也看不清",
            "换了直播平台以后经常进不去，{device}上一直提示网络错误",
            "直播回放找不到，错过了{topic}那节课很可惜",
            "直播中途掉线好几次，弹幕提问老师也看不到",
        ),
        positive=(
            "这次直播很流畅，老师讲{topic}讲得很清楚",
            "回放上线得很快，通勤路上在{device}上补完了课",
            "直播画质比以前好多了，能看清参数设置",
        ),
        neutral=(
            "请问直播回放在哪里看",
            "直播课可以用{device}看吗",
            "下周直播讲{topic}吗",
        ),
        wishes=(
            "建议直播同时提供回放和课件下载",
            "希望直播前提前测试一下网络和设备",
            "能不能把直播时间固定下来，方便安排",
        ),
        titles=("直播课卡顿严重", "希望提供直播回放", "新直播平台进不去", "直播音画不同步"),
        slots={
            "wd": ("三", "四", "五", "日"),
            "topic": ("人像布光", "风光后期", "构图", "夜景长曝光", "色彩调色", "街拍"),
            "device": ("手机", "iPad", "电脑", "平板"),
        },
        base=0.3, bumps=((80, 110, 6.0),),
    ),
    Theme(
        key="content", name="干货分享", area="内容", mood=(0.12, 0.18, 0.70),
        negative=(
            "最近群里干货变少了，大家都在晒图很少讲思路",
            "分享的教程有点零散，找起来很麻烦",
        ),
        positive=(
            "群里分享的{topic}干货太实用了，学到很多",
            "{mentor}老师的作业点评特别细致，收获很大",
            "每周的精选作品解析很有启发，照片进步明显",
            "看了群友分享的{topic}思路，终于明白参数怎么调了",
            "资料库整理得很好，{topic}的教程一看就懂",
        ),
        neutral=(
            "群里之前分享的{topic}资料在哪里能找到",
            "想看更多关于{topic}的分享",
        ),
        wishes=(
            "希望把群里的干货整理成合集，方便新人查阅",
            "建议每周固定一个主题分享，比如{topic}",
            "可以多请一些不同风格的摄影师来分享",
        ),
        titles=("希望整理干货合集", "增加{topic}主题分享", "精选作品解析很棒"),
        slots={
            "topic": ("人像布光", "风光后期", "构图", "夜景长曝光", "色彩调色", "街拍", "胶片"),
            "mentor": ("阿梁", "苏苏", "老K", "陈老师"),
        },
        base=1.0,
    ),
    Theme(
        key="events", name="线下活动", area="活动", mood=(0.25, 0.15, 0.60),
        negative=(
            "线下约拍活动名额太少，一放出来就抢光了",
            "活动时间总是在工作日晚上，上班族根本去不了",
            "{place}那次活动组织有点乱，集合地点临时改了也没通知到",
            "活动报名费涨了，感觉性价比不高",
        ),
        positive=(
            "上次在{place}的约拍活动太好玩了，认识了很多同好",
            "周年庆活动准备得很用心，抽奖和作品展都很棒",
            "线下活动有老师现场指导，比看视频学得快",
            "{place}外拍活动的路线安排得很好，出片率很高",
        ),
        neutral=(
            "下次线下活动在哪里举办",
            "请问{place}的活动可以带朋友吗",
            "活动照片什么时候发出来",
        ),
        wishes=(
            "希望多办几场周末的线下活动",
            "建议活动按城市分组，外地成员也能参加",
            "可以组织一些线上的主题拍摄挑战",
        ),
        titles=("希望增加周末活动", "活动名额太少", "建议按城市组织线下活动", "周年庆活动很棒"),
        slots={"place": ("西湖", "外滩", "植物园", "老城区", "海边", "古镇")},
        base=0.5, bumps=((42, 56, 4.0), (148, 162, 4.5)),
    ),
    Theme(
        key="onboarding", name="新人引导", area="学习与课程", mood=(0.45, 0.35, 0.20),
        negative=(
            "刚进群完全不知道从哪里开始，群公告太长了",
            "新人提问没人理，感觉插不上话",
            "找不到入门资料，{n}个群不知道该在哪个群问问题",
            "群里的术语好多看不懂，比如{term}",
        ),
        positive=(
            "新人指南写得很清楚，第一天就交了作业",
            "进群后有学姐主动带我，感觉很温暖",
        ),
        neutral=(
            "新人应该先看哪些课程",
            "请问{term}是什么意思",
            "新人可以直接参加作业打卡吗",
        ),
        wishes=(
            "建议给新人做一个入门路线图",
            "希望有新人专属的答疑时间",
            "可以搞一个新人自我介绍的固定帖",
        ),
        titles=("新人入门指引", "希望有新人答疑时间", "入门资料找不到"),
        slots={"n": ("三", "四", "好几"), "term": ("宽容度", "包围曝光", "直方图", "ND镜", "RAW")},
        base=0.35, bumps=((60, 92, 3.0),),
    ),
    Theme(
        key="response", name="答疑响应", area="服务与响应", mood=(0.65, 0.15, 0.20),
        negative=(
            "在群里问问题要等{hours}个小时才有人回复",
            "私信助教好几天都没回，作业点评也一直没出",
            "提的问题被刷屏淹没了，根本没人看到",
            "客服只会回复模板话术，问题一直没解决",
        ),
        positive=(
            "助教回复很快，{hours}分钟就帮我解决了问题",
            "答疑很耐心，连基础问题都讲得很细",
        ),
        neutral=("有问题应该找谁咨询", "作业点评一般多久出来"),
        wishes=(
            "建议设一个专门的答疑帖或者答疑时间",
            "希望增加助教人数，保证当天回复",
            "可以整理一份常见问题，很多问题重复被问",
        ),
        titles=("答疑回复太慢", "希望增加助教", "建议整理常见问题"),
        slots={"hours": ("两三", "五六", "十几", "二十")},
        base=0.25, trend=0.6,
    ),
    Theme(
        key="checkin", name="作业打卡", area="学习与课程", mood=(0.2, 0.2, 0.6),
        negative=(
            "打卡小程序经常提交失败，图片传了好几次",
            "作业主题太难了，新手交不上",
        ),
        positive=(
            "坚持打卡{days}天了，拍照水平进步很明显",
            "每周的作业主题很有意思，逼着自己出门拍",
            "打卡群里互相点评的氛围很好",
        ),
        neutral=("这周的作业主题是什么", "打卡可以补交吗"),
        wishes=(
            "希望作业分难度，新手和进阶分开",
            "建议优秀作业每周公开点评",
        ),
        titles=("作业分难度", "打卡小程序提交失败", "优秀作业公开点评"),
        slots={"days": ("21", "30", "50", "100")},
        base=0.7,
    ),
    Theme(
        key="vibe", name="群聊氛围", area="用户互动", mood=(0.35, 0.2, 0.45),
        negative=(
            "群里潜水的人太多了，发作品都没人回应",
            "有几个人老是在群里吵架，氛围不太好",
            "群消息太多太杂，聊天和交作业混在一起",
        ),
        positive=(
            "群里大家都很热情，发作品总有人给建议",
            "很喜欢这个群的氛围，像一群一起玩摄影的朋友",
            "每晚的作品接龙很有意思，冒泡的人越来越多了",
        ),
        neutral=("群里可以发非摄影的内容吗", "大家平时用什么修图软件"),
        wishes=(
            "建议分成交流群和通知群",
            "可以定期搞一些话题讨论，让潜水的人也冒泡",
        ),
        titles=("建议分通知群和交流群", "群聊氛围", "多搞话题讨论"),
        base=0.5,
    ),
    Theme(
        key="brand", name="品牌周边", area="品牌", mood=(0.1, 0.4, 0.5),
        negative=("周边设计有点普通，和社群风格不太搭",),
        positive=(
            "社群的周边帆布包很好看，背出去有人问",
            "很喜欢「光影同行」这个名字和logo",
        ),
        neutral=("周边在哪里可以买", "社群有公众号吗"),
        wishes=(
            "希望出一些摄影主题的周边，比如相机背带",
            "可以做一本社群年度作品集",
            "建议在视频号上展示成员作品，扩大影响力",
        ),
        titles=("希望出社群周边", "做一本年度作品集", "视频号展示成员作品"),
        base=0.2, bumps=((140, 165, 4.0),),
    ),
)

THEMES_BY_KEY = {theme.key: theme for theme in THEMES}

# Openers and closers fit what the member is saying: nobody opens praise with 吐槽一下 or
# signs off a compliment with 希望能改进一下.
OPENERS = ("", "", "", "说实话，", "个人感觉", "作为老成员，", "想反馈一下：", "最近发现", "")
COMPLAINT_OPENERS = ("吐槽一下，", "说实话，", "想反馈一下：", "")
WISH_OPENERS = ("提个小建议：", "想提个建议：")
CLOSERS = ("", "", "。", "。", "，辛苦运营了🙏", "。谢谢！", "，期待后续～", "！")
COMPLAINT_CLOSERS = ("，希望能改进一下。", "[捂脸]", "。", "！", "")
PRAISE_CLOSERS = ("[强]", "！", "。", "，辛苦运营了🙏", "")
FILLERS = ("无", "没有", "暂无", "还行", "都挺好", "没意见", "挺好的", "暂时没有", "不知道")
PII_TAILS = (
    "，有问题可以加我微信 guangying_{n}",
    "，我的手机号 13{p}，欢迎联系",
    "，邮箱 member{n}@example.com",
)


def theme_weight(theme: Theme, day: float) -> float:
    """How much members talk about a theme on a given day (relative rate)."""
    rate = theme.base * (1.0 + theme.trend * day / 100.0)
    for start, end, factor in theme.bumps:
        rate *= _bump(day, start, end, factor)
    # A gentle weekly rhythm: more talk at the weekend.
    rate *= 1.0 + 0.15 * math.sin(2 * math.pi * day / 7)
    return max(rate, 0.01)


def pick_theme(rng: random.Random, day: float) -> Theme:
    """Draw a theme in proportion to how much it is discussed that day."""
    weights = [theme_weight(theme, day) for theme in THEMES]
    return rng.choices(THEMES, weights=weights, k=1)[0]


def pick_day(rng: random.Random, theme: Theme | None = None, days: int = DEMO_DAYS) -> float:
    """Draw a day (0..days) following the theme's timeline, or uniformly."""
    if theme is None:
        return rng.uniform(0, days)
    peak = max(theme_weight(theme, d) for d in range(0, days + 1)) * 1.05
    while True:
        day = rng.uniform(0, days)
        if rng.uniform(0, peak) <= theme_weight(theme, day):
            return day


def _fill(template: str, theme: Theme, rng: random.Random) -> str:
    values = {name: rng.choice(options) for name, options in theme.slots.items()}
    return template.format(**values)


def sentiment_for(theme: Theme, rng: random.Random, day: float | None = None) -> int:
    """Draw -1, 0 or 1 from the theme's mood; ads turn milder after the clean-up (day 130)."""
    neg, neu, pos = theme.mood
    if theme.key == "ads" and day is not None and day > 130:
        neg, neu, pos = 0.35, 0.2, 0.45
    return rng.choices((-1, 0, 1), weights=(neg, neu, pos), k=1)[0]


def statement(theme: Theme, sentiment: int, rng: random.Random) -> str:
    """One core sentence about the theme with the given sentiment."""
    pool = {-1: theme.negative, 0: theme.neutral, 1: theme.positive}[sentiment] or theme.neutral
    return _fill(rng.choice(pool), theme, rng)


def wish(theme: Theme, rng: random.Random) -> str:
    """A suggestion about the theme."""
    return _fill(rng.choice(theme.wishes), theme, rng)


def title(theme: Theme, rng: random.Random) -> str:
    """A short suggestion title about the theme."""
    return _fill(rng.choice(theme.titles), theme, rng)


def compose(
    theme: Theme,
    sentiment: int,
    rng: random.Random,
    *,
    with_wish: float = 0.4,
    pii_rate: float = 0.0,
) -> str:
    """A natural feedback message: opener, statement, maybe a wish, closer, maybe some PII."""
    text = opener(sentiment, rng) + statement(theme, sentiment, rng)
    if rng.random() < with_wish:
        text += "，" + wish(theme, rng)
    if rng.random() < pii_rate:
        tail = rng.choice(PII_TAILS)
        text += tail.format(n=rng.randint(10, 999), p=f"{rng.randint(100000000, 999999999)}")
    return join_closer(text, closer(sentiment, rng))


def opener(sentiment: int, rng: random.Random, *, wishing: bool = False) -> str:
    """How a member starts a message of this sentiment (a wish may open with 提个小建议)."""
    if wishing and rng.random() < 0.3:
        return rng.choice(WISH_OPENERS)
    return rng.choice(COMPLAINT_OPENERS if sentiment < 0 else OPENERS)


def closer(sentiment: int, rng: random.Random) -> str:
    """How a member signs off a message of this sentiment."""
    if sentiment < 0:
        return rng.choice(COMPLAINT_CLOSERS)
    return rng.choice(PRAISE_CLOSERS if sentiment > 0 else CLOSERS)


def join_closer(text: str, end: str) -> str:
    """``text`` followed by ``end`` without doubled punctuation (。。 or 。，)."""
    if text.endswith(("。", "！", "？")) and end.startswith(("。", "，", "！")):
        end = end[1:]
    return text + end


def mixed(rng: random.Random, day: float) -> str:
    """A two-clause message that praises one theme and complains about another."""
    good = pick_theme(rng, day)
    bad = pick_theme(rng, day)
    if bad.key == good.key:
        return compose(good, 1, rng)
    joiner = rng.choice(("，但是", "，不过", "，可是", "，就是"))
    return join_closer(statement(good, 1, rng) + joiner + statement(bad, -1, rng),
                       closer(-1, rng))


def _fixed_parts(template: str) -> list[str]:
    """The literal pieces of a template between its ``{slot}`` placeholders."""
    parts, rest = [], template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        parts.append(head)
        rest = tail.partition("}")[2]
    parts.append(rest)
    return [p for p in parts if len(p) >= 4]


def intended_sentiment(text: str) -> int | None:
    """The sentiment a generated message was written with (-1, 0 or 1), recognised from the
    statement templates it contains; None for mixed or unrecognised texts. The demo uses it to
    label a few items the way an operator would."""
    found = set()
    for theme in THEMES:
        for label, pool in ((-1, theme.negative), (0, theme.neutral), (1, theme.positive)):
            for template in pool:
                parts = _fixed_parts(template)
                if parts and all(p in text for p in parts):
                    found.add(label)
    return found.pop() if len(found) == 1 else None
# --- The suggestion box: what the team did about each theme, and how they reply ----------------

# Per theme: the day the main fix shipped (when there was one), and the texts of replies for each
# outcome. The box's story follows the themes: ads were cleaned up around day 128 (the mood turns
# milder after day 130), the live platform was fixed around day 112, and points and response
# times are still being worked on at the end of the six months.
@dataclass(frozen=True)
class ThemeResponse:
    """How the team answered suggestions about one theme."""

    done: tuple[str, ...]
    planned: tuple[str, ...]
    declined: tuple[str, ...]
    fixed_on: int | None = None  # the day the main fix shipped
    # Weights of the outcomes for suggestions older than a week: done, planned, declined,
    # in progress.
    outcome: tuple[float, float, float, float] = (0.45, 0.25, 0.1, 0.2)
    tags: tuple[str, ...] = ()


THEME_RESPONSES: dict[str, ThemeResponse] = {
    "ads": ThemeResponse(
        done=("已上线入群审核：新成员回答群规问题后才能发言，广告号会被自动移出",
              "设置了关键词自动踢出，并安排管理员按时段轮值清理广告",
              "二手交易和广告统一放到每周一的固定帖，其他时间发广告直接移出"),
        planned=("入群审核正在测试，预计两周内在四个群全部上线",),
        declined=("群里暂时不开放任何推广位，已有的推广请求我们都婉拒了",),
        fixed_on=128, outcome=(0.75, 0.1, 0.0, 0.15), tags=("广告", "群规", "高频")),
    "points": ThemeResponse(
        done=("积分规则已整理进群公告，每次调整都会提前一周通知",
              "积分商城上新了相机肩带、修图预设和课程优惠券"),
        planned=("积分兑换直播回放和一对一点评的方案已经定了，下个月上线",
                 "积分有效期准备从三个月延长到一年，正在改系统",
                 "打卡积分的计算问题已经定位，修复后会统一补发"),
        declined=("积分暂时不能抵扣线下活动报名费，场地费用是按人头预付的",),
        outcome=(0.25, 0.4, 0.1, 0.25), tags=("积分", "激励")),
    "live": ThemeResponse(
        done=("已更换直播线路，课程结束后两小时内上传回放和课件",
              "直播前半小时会做网络和设备测试，回放放在课程页里",
              "直播时间固定为每周四晚八点，回放永久保留"),
        planned=("正在和新直播平台对接，下个月起提供高清回放",),
        declined=("暂时不会再换平台，先把现在的线路稳定下来",),
        fixed_on=112, outcome=(0.7, 0.1, 0.05, 0.15), tags=("直播", "回放", "技术")),
    "content": ThemeResponse(
        done=("干货合集每月整理一次，放在资料库的置顶目录",
              "每周三固定一个主题分享，本月是人像布光和街拍"),
        planned=("正在邀请三位不同风格的摄影师来做分享",),
        declined=("群里的图片版权属于成员本人，不能整理成公开合集",),
        outcome=(0.5, 0.3, 0.05, 0.15), tags=("干货", "内容")),
    "events": ThemeResponse(
        done=("周末线下活动增加到每月两场，名额从 20 人加到 35 人",
              "活动改为按城市分组报名，外地成员也有线上拍摄挑战"),
        planned=("周年庆之后会在杭州、上海各办一次外拍",),
        declined=("报名费暂时不能降，收入全部用在场地和模特费用上",
                  "工作日晚上的活动是场地限制，周末场次已经在加了"),
        outcome=(0.4, 0.25, 0.2, 0.15), tags=("活动", "线下")),
    "onboarding": ThemeResponse(
        done=("新人指南和入门路线图已置顶在每个群的公告里",
              "每周二晚上新增新人答疑时间，由助教轮值"),
        planned=("新人自我介绍固定帖下周开始，每月整理一次",),
        declined=(),
        outcome=(0.6, 0.25, 0.0, 0.15), tags=("新人", "引导")),
    "response": ThemeResponse(
        done=("常见问题已经整理成一份文档，放在群公告里",),
        planned=("正在招募两位新助教，目标是工作日当天回复",
                 "答疑帖下周上线，问题不会再被刷屏淹没"),
        declined=(),
        outcome=(0.2, 0.5, 0.0, 0.3), tags=("答疑", "服务")),
    "checkin": ThemeResponse(
        done=("作业已经分成新手和进阶两档，每周公开点评三份优秀作业",
              "打卡小程序的上传问题已修复，大图会自动压缩"),
        planned=("补交作业的功能在做了，下个版本上线",),
        declined=("作业主题会保持一定难度，但会给新手提供参考示例",),
        outcome=(0.5, 0.25, 0.1, 0.15), tags=("打卡", "作业")),
    "vibe": ThemeResponse(
        done=("已分出通知群和交流群，通知群只发课程和活动信息",
              "每周五晚上固定话题讨论，潜水的朋友也欢迎冒泡"),
        planned=("正在讨论群规里关于争吵的处理方式，下周公布",),
        declined=("暂时不拆更多小群，怕大家找不到人，先用话题日试试",),
        outcome=(0.35, 0.2, 0.25, 0.2), tags=("氛围", "互动")),
    "brand": ThemeResponse(
        done=("视频号每周展示三位成员的作品",),
        planned=("年度作品集正在征稿，年底印刷",
                 "相机背带周边在打样，周年庆开放兑换"),
        declined=("周边暂不对外销售，只用积分兑换",),
        outcome=(0.2, 0.5, 0.15, 0.15), tags=("品牌", "周边")),
}

# The team's one-line titles for the changes above, as they appear on 你说我改. The ads
# clean-up (入群审核, keyword filter) is announced once, by the acted-on ads theme.
CHANGE_TITLES = {
    "二手交易和广告统一放到每周一的固定帖，其他时间发广告直接移出":
        "二手和推广信息集中到每周一固定帖",
    "积分规则已整理进群公告，每次调整都会提前一周通知": "积分规则写进群公告，调整提前一周通知",
    "积分商城上新了相机肩带、修图预设和课程优惠券": "积分商城上新相机肩带、修图预设和课程券",
    "已更换直播线路，课程结束后两小时内上传回放和课件": "直播换了新线路，课后两小时内上传回放",
    "直播前半小时会做网络和设备测试，回放放在课程页里": "直播前半小时先做网络和设备测试",
    "直播时间固定为每周四晚八点，回放永久保留": "直播固定在每周四晚八点，回放永久保留",
    "干货合集每月整理一次，放在资料库的置顶目录": "每月整理一次干货合集",
    "每周三固定一个主题分享，本月是人像布光和街拍": "每周三固定主题分享",
    "周末线下活动增加到每月两场，名额从 20 人加到 35 人": "周末线下活动增至每月两场、每场 35 人",
    "活动改为按城市分组报名，外地成员也有线上拍摄挑战": "活动按城市分组报名，外地成员有线上挑战",
    "新人指南和入门路线图已置顶在每个群的公告里": "新人指南和入门路线图置顶",
    "每周二晚上新增新人答疑时间，由助教轮值": "每周二晚新增新人答疑时间",
    "常见问题已经整理成一份文档，放在群公告里": "常见问题整理成文档放进群公告",
    "作业已经分成新手和进阶两档，每周公开点评三份优秀作业":
        "作业分新手、进阶两档，每周点评优秀作业",
    "打卡小程序的上传问题已修复，大图会自动压缩": "打卡小程序上传问题修复，大图自动压缩",
    "已分出通知群和交流群，通知群只发课程和活动信息": "分出通知群和交流群",
    "每周五晚上固定话题讨论，潜水的朋友也欢迎冒泡": "每周五晚固定话题讨论",
    "视频号每周展示三位成员的作品": "视频号每周展示三位成员作品",
}

IN_PROGRESS_REPLIES = (
    "收到，已经转给负责{area}的同学在看，有进展会在这里更新。",
    "谢谢反馈！我们正在核实这个问题，这周内给你答复。",
    "这个问题我们也注意到了，正在和相关同学一起想办法。",
    "收到～想多了解一下：大概是什么时间、在哪个群遇到的？可以在下面补充。",
)
DONE_REPLIES = ("{action}。谢谢你的建议！", "{action}，欢迎继续反馈。", "已经改好了：{action}。")
PLANNED_REPLIES = ("这个建议我们采纳了：{plan}。", "计划中：{plan}，上线后会第一时间通知你。")
DECLINED_REPLIES = ("这次先不调整：{reason}。谢谢理解，我们会继续关注。",
                    "暂时没法采纳：{reason}。如果有更好的办法，欢迎继续告诉我们。")
MERGE_NOTES = ("和另一条建议说的是同一件事，已合并，后续进展会一起更新。",
               "大家都提到了这个问题，我们合并到一起跟进。", "")
SUBMITTER_ANSWERS = (
    "主要是晚上八点到十点，{channel}最明显。",
    "补充一下：我是用手机看的，换了网络也一样。",
    "谢谢回复！期待改进。",
    "好的，我再观察一周，有情况再来补充。",
    "就是上周三那次，截图我发不上来。",
)
AGREEMENTS = ("+1，同样遇到过", "同意！", "这个真的很需要", "我也是这样", "顶一下",
              "说到心坎里了", "支持，希望尽快", "同感，上周也是")
INTERNAL_NOTES = (
    "和技术同学确认过，问题能复现，已排进本周。",
    "这个成员之前也反馈过类似问题，回复时语气注意一点。",
    "需要和群主确认预算后再回复。",
    "周会上讨论过，大家倾向先试点一个群。",
    "已私下联系提交者了解细节（署名提交的）。",
    "和 #相关建议 一起处理，别重复回复。",
)
SPAM_SUGGESTIONS = ("低价出二手镜头和无人机，全新未拆封，有意加V私聊",
                    "免费领取摄影大师课程，名额有限，点击群文件链接报名")
SPAM_COMMENTS = ("加V领取免费修图预设 wx: ps_free_2026", "代购各种相机配件，价格美丽私聊")
MANUAL_CHANGELOG = (
    ("群公告新增「本周作业」固定栏目",
     "每周一更新作业主题、截止时间和优秀作业链接，不用再翻聊天记录。"),
    ("QQ 群开通周末答疑时间", "周六下午两点到四点，助教在 QQ 群集中回答问题。"),
)


# --- Interviews: guides and the way interview notes are written -------------------------------

@dataclass(frozen=True)
class GuideSpec:
    """A demo interview guide: its questions, and the themes each question brings up."""

    title: str
    description: str
    questions: tuple[str, ...]
    themes: tuple[tuple[str, ...], ...]


INTERVIEW_GUIDES = (
    GuideSpec(
        title="新人体验访谈",
        description="入群 **一个月内** 的新成员，了解第一印象和入门障碍。每次 20 分钟左右。",
        questions=("你是怎么知道并加入「光影同行」的？", "进群第一周的体验怎么样？",
                   "有没有遇到找不到资料或者没人回应的时候？", "最希望我们改进的一件事是什么？"),
        themes=(("content", "brand"), ("onboarding", "vibe", "ads"),
                ("onboarding", "response"), ("onboarding", "response", "checkin", "ads")),
    ),
    GuideSpec(
        title="活跃成员深度访谈",
        description="打卡 30 天以上的成员：他们为什么留下来，什么会让他们离开。",
        questions=("你平时怎么参与社群：直播、打卡还是活动？",
                   "最近一次让你觉得「值」的经历是什么？", "有什么让你想退群的时刻？",
                   "积分和活动对你有吸引力吗？", "如果你来运营，会先改什么？"),
        themes=(("live", "checkin", "events"), ("content", "events", "checkin"),
                ("ads", "live", "vibe", "response"), ("points", "events"),
                ("points", "ads", "live", "response")),
    ),
    GuideSpec(
        title="流失成员回访",
        description="很久没有发言的成员和已经退群的朋友。先感谢，再倾听，不挽留。",
        questions=("最近为什么不太来群里了？", "在群里的时候，最喜欢和最不喜欢的是什么？",
                   "什么情况下你会愿意回来？"),
        themes=(("ads", "vibe", "response", "live"), ("content", "events", "ads", "points"),
                ("ads", "live", "events", "content")),
    ),
)

EXTERNAL_INTERVIEWEES = ("前成员小雨", "合作摄影师 K 老师", "前成员 Leo", "兄弟社群群主老宋")
# How notes report what the interviewee said; {who} is 她 or 他, the same for a whole interview.
REPORTED_SPEECH = ("{who}说", "{who}提到", "聊到这里，{who}说", "{who}的原话大意是：")
REPORTED_QUESTION = ("{who}问：", "{who}顺便问了一句：")
OBSERVATIONS = (
    "（说到这里明显有情绪，停顿了一下）",
    "（笑着说的，整体评价是正面的）",
    "（补充：这一点和上周另一位受访者说的很像）",
    "（追问后才说出来，之前一直说「还行」）",
)


_PUNCTUATION = re.compile(r"[\W_]+")


def _pairs(text: str) -> set[str]:
    core = _PUNCTUATION.sub("", text)
    return {core[i:i + 2] for i in range(len(core) - 1)}


def closeness(text: str, answer: str) -> int:
    """How much of ``answer`` is about ``text``: shared character pairs, those of the text's
    first clause (what the member complains about, before any wish) counted twice."""
    first = re.split(r"[，。！？,!?]", text, maxsplit=1)[0]
    mine = _pairs(answer)
    return len(_pairs(text) & mine) + len(_pairs(first) & mine)


def fitting(options: tuple[str, ...], text: str | None, rng: random.Random) -> str:
    """The option that answers ``text`` best (a random one among equals, or without text)."""
    if not text:
        return rng.choice(options)
    scores = [closeness(text, option) for option in options]
    best = max(scores)
    return rng.choice([o for o, s in zip(options, scores, strict=True) if s == best])


def answered_status(status: str, theme: Theme, text: str) -> str:
    """``status``, unless the other list (done or planned) answers ``text`` at least twice as
    closely: new items in the points shop do not answer 打卡积分算错, the planned recount
    does."""
    response = THEME_RESPONSES[theme.key]
    pools = {"done": response.done, "planned": response.planned}
    if status not in pools or not pools["done"] or not pools["planned"]:
        return status
    other = "planned" if status == "done" else "done"
    best = {key: max(closeness(text, o) for o in pool) for key, pool in pools.items()}
    return other if best[other] > 0 and best[other] >= 2 * best[status] else status


def reply_for(status: str, theme: Theme, rng: random.Random, text: str | None = None
              ) -> tuple[str, str | None]:
    """An operator's reply when a suggestion about ``theme`` (saying ``text``) moves to
    ``status``, and the change it announces (a ``CHANGE_TITLES`` key) when it is done."""
    response = THEME_RESPONSES[theme.key]
    if status == "in_progress":
        return rng.choice(IN_PROGRESS_REPLIES).format(area=theme.area), None
    if status == "done":
        action = fitting(response.done, text, rng)
        return rng.choice(DONE_REPLIES).format(action=action), action
    if status == "planned":
        return rng.choice(PLANNED_REPLIES).format(plan=fitting(response.planned, text, rng)), None
    reasons = response.declined or ("这个方向和社群现阶段的重点不太一致",)
    return rng.choice(DECLINED_REPLIES).format(reason=fitting(reasons, text, rng)), None


def suggestion_text(theme: Theme, rng: random.Random, day: float) -> str:
    """What a member writes into the box: a complaint or a remark, usually with a wish."""
    sentiment = sentiment_for(theme, rng, day)
    if sentiment == 1 or rng.random() < 0.25:
        base = statement(theme, sentiment, rng) + "，" + wish(theme, rng)
        return join_closer(opener(sentiment, rng, wishing=True) + base, closer(sentiment, rng))
    return compose(theme, sentiment, rng, with_wish=0.85, pii_rate=0.03)


def interview_answer(theme: Theme, rng: random.Random, day: float) -> tuple[str, int]:
    """One sentence an interviewee said about a theme, with its sentiment."""
    sentiment = sentiment_for(theme, rng, day)
    return statement(theme, sentiment, rng), sentiment
