"""Demo step: three published surveys (the three templates) with a few hundred responses over
the six demo months, from three group channels.

The open answers speak about the themes of ``app/demo/vocab.py`` (so the analysis finds the
same topics as in the chat feedback), and satisfaction follows the story: NPS and CSAT dip
while the advertising spam (days 95–125) and the live-stream problems (days 80–110) peak,
and recover after the clean-up.
"""

from __future__ import annotations

import random
from datetime import timedelta

import surveys as domain
from app.demo import DEMO_LOGINS, DemoContext, demo_step
from app.demo.vocab import (
    DEMO_DAYS,
    THEMES_BY_KEY,
    closer,
    compose,
    join_closer,
    opener,
    pick_theme,
    statement,
    wish,
)
from app.demo.vocab import theme_weight as weight
from app.extensions import db
from app.models import AccessMode, ResponseSource, Survey, SurveyStatus, SurveyVersion
from app.services import channels as channel_service
from app.services.surveys import lifecycle as survey_service
from app.services.surveys.responses import NewResponse, store_response

CHANNELS = [("wx-group-1", "微信1群"), ("wx-group-2", "微信2群"), ("qq-group", "QQ群")]
#: The community's usual channels: its three WeChat groups and its QQ group.
CHANNEL_PRESETS = [("wx-group-1", "微信1群"), ("wx-group-2", "微信2群"), ("wx-group-3", "微信3群"),
                   ("qq-group", "QQ群")]
CHANNEL_WEIGHTS = (0.45, 0.35, 0.2)
SATISFACTION_RESPONSES = 230
EVENT_RESPONSES = 90
NEW_MEMBER_RESPONSES = 120

_PEAK_ADS = max(weight(THEMES_BY_KEY["ads"], d) for d in range(DEMO_DAYS))
_PEAK_LIVE = max(weight(THEMES_BY_KEY["live"], d) for d in range(DEMO_DAYS))


def displeasure(day: float) -> float:
    """0 (calm) to 1 (ads and live-stream complaints at their peak) for a demo day."""
    ads = weight(THEMES_BY_KEY["ads"], day) / _PEAK_ADS
    live = weight(THEMES_BY_KEY["live"], day) / _PEAK_LIVE
    return min(1.0, 0.65 * ads + 0.55 * live)


def nps_answer(rng: random.Random, day: float) -> int:
    """A 0–10 answer whose mix of promoters and detractors follows the story."""
    d = displeasure(day)
    detractor = 0.16 + 0.36 * d
    promoter = 0.46 - 0.26 * d
    roll = rng.random()
    if roll < detractor:
        return rng.choices(range(7), weights=(1, 1, 2, 3, 4, 6, 7))[0]
    if roll < detractor + promoter:
        return rng.choice((9, 9, 10))
    return rng.choice((7, 8, 8))


def _channel(rng: random.Random) -> str | None:
    if rng.random() < 0.06:
        return None
    return rng.choices([key for key, _label in CHANNELS], weights=CHANNEL_WEIGHTS)[0]


Live = tuple[Survey, SurveyVersion, domain.Survey]


def _create(ctx: DemoContext, template: str, day: float, mode: AccessMode) -> Live:
    when = ctx.at(day)
    survey = survey_service.create_survey(ctx.community, actor=ctx.staff["operator"],
                                          template_key=template, access_mode=mode)
    survey_service.set_channels(survey, CHANNELS, actor=ctx.staff["operator"])
    version = SurveyVersion(survey_id=survey.id, number=1, definition=dict(survey.definition),
                            created_by_id=ctx.staff["operator"].id, created_at=when)
    db.session.add(version)
    survey.live_version = 1
    survey.status = SurveyStatus.PUBLISHED.value
    survey.created_at = survey.updated_at = survey.published_at = when
    db.session.flush()
    return survey, version, survey_service.version_definition(version)


def _store(live: Live, answers: dict, day_time, rng: random.Random, *,
           respondent_id: int | None = None) -> None:
    survey, version, definition = live
    result = domain.validate_answers(definition, answers)
    if not result.ok:  # the generator below only makes valid answers; never store bad ones
        raise ValueError(f"demo answers invalid: {result.errors}")
    started = day_time - timedelta(minutes=rng.uniform(1.5, 9))
    store_response(survey, version, definition, NewResponse(
        answers=result.answers, source=ResponseSource.WEB, channel=_channel(rng),
        respondent_id=respondent_id, option_seed=f"{rng.getrandbits(64):016x}",
        started_at=started, submitted_at=day_time))


def suggestion(theme, rng: random.Random) -> str:
    """A wish about the theme in a member's own words (opener, wish, closer)."""
    text = opener(0, rng, wishing=True) + wish(theme, rng)
    because = rng.random() < 0.35
    if because:
        text += "，因为" + statement(theme, -1, rng)
    return join_closer(text, closer(-1 if because else 0, rng))


REASON_OF_THEME = {"ads": "ads", "content": "content", "response": "response",
                   "events": "events", "vibe": "atmosphere", "checkin": "noise"}
NEGATIVE_THEMES = ("ads", "live", "response", "points", "onboarding", "vibe")


def _negative_theme(rng: random.Random, day: float):
    for _n in range(6):
        theme = pick_theme(rng, day)
        if theme.key in NEGATIVE_THEMES:
            return theme
    return THEMES_BY_KEY[rng.choice(NEGATIVE_THEMES)]


def satisfaction_answers(rng: random.Random, day: float) -> dict:
    """One response to 社群满意度调查 on a demo day."""
    nps = nps_answer(rng, day)
    d = displeasure(day)
    if nps >= 9:
        csat = rng.choices((5, 4, 3), weights=(6, 4, 0.5))[0]
    elif nps >= 7:
        csat = rng.choices((5, 4, 3, 2), weights=(1, 5, 3, 0.5))[0]
    else:
        csat = rng.choices((4, 3, 2, 1), weights=(1, 3, 4, 2))[0]
    answers: dict = {"nps": nps, "csat": csat}
    if nps <= 6:
        theme = _negative_theme(rng, day)
        reasons = {REASON_OF_THEME.get(theme.key, "other")}
        if rng.random() < 0.4:
            reasons.add(rng.choice(("noise", "content", "response", "atmosphere")))
        choice = sorted(reasons)[:3]
        if "other" in choice:
            answers["detractor_reasons"] = {"choices": choice,
                                            "other": statement(theme, -1, rng)[:60]}
        else:
            answers["detractor_reasons"] = choice
        if rng.random() < 0.8:
            answers["detractor_detail"] = compose(theme, -1, rng, with_wish=0.5, pii_rate=0.05)
    base = 4.0 - 1.2 * d if nps >= 7 else 2.8 - 0.8 * d

    def grade(shift: float) -> int:
        return max(1, min(5, round(rng.gauss(base + shift, 0.8))))

    answers["aspects"] = {"content": grade(0.6), "discussion": grade(0.1),
                          "response": grade(-0.3), "events": grade(0.3),
                          "spam": grade(-1.2 * d)}
    valued = rng.sample(["knowledge", "peers", "live", "meetups", "jobs", "perks"],
                        rng.randint(1, 3))
    answers["valued"] = valued
    answers["frequency"] = rng.choices(("several_daily", "daily", "weekly", "rarely"),
                                       weights=(3, 4, 3, 1))[0]
    if nps >= 9 and rng.random() < 0.75:
        good = THEMES_BY_KEY[rng.choice(("content", "events", "checkin", "vibe", "content"))]
        answers["liked_most"] = compose(good, 1, rng, with_wish=0.1)
    if rng.random() < 0.85:
        theme = _negative_theme(rng, day) if rng.random() < 0.6 + 0.3 * d else pick_theme(rng, day)
        answers["one_change"] = suggestion(theme, rng)
    if rng.random() < 0.12:
        answers["interview_wechat"] = f"gy_{rng.randint(1000, 9999)}"
    return answers


def event_answers(rng: random.Random, day: float, anniversary: bool) -> dict:
    """One response to 活动反馈 after a demo event."""
    events = THEMES_BY_KEY["events"]
    attended = rng.choices(("full", "partial", "absent"), weights=(6, 2, 1.3))[0]
    answers: dict = {"attended": attended}
    if attended == "absent":
        answers["absent_reason"] = rng.choices(("time", "forgot", "topic", "network", "other"),
                                               weights=(5, 3, 1, 1, 1))[0]
        if answers["absent_reason"] == "other":
            answers["absent_reason"] = {"choice": "other", "other": "临时加班"}
    else:
        overall = rng.choices((5, 4, 3, 2, 1), weights=(6 if anniversary else 4, 4, 2, 0.6,
                                                         0.3))[0]
        answers["overall"] = overall
        answers["aspects"] = {k: max(1, min(5, overall + rng.choice((-1, 0, 0, 1))))
                              for k in ("topic", "speaker", "schedule", "interaction",
                                        "notice")}
        answers["takeaways"] = rng.sample(["talk", "cases", "qa", "networking", "materials"],
                                          rng.randint(1, 3))
        if overall <= 2:
            answers["low_score_reason"] = compose(events, -1, rng, with_wish=0.6)
        answers["effort"] = rng.choices(range(1, 8), weights=(0.3, 0.5, 1, 2, 3, 4, 3))[0]
    answers["format"] = rng.choice(("online", "offline", "hybrid", "any"))
    answers["slot"] = rng.choice(("weekday_evening", "sat_day", "sat_evening", "sun_day"))
    if rng.random() < 0.7:
        topics = ["ops", "growth", "video", "research", "career"]
        rng.shuffle(topics)
        answers["topics"] = topics
    answers["recommend"] = nps_answer(rng, day) if attended != "absent" else rng.randint(5, 9)
    if rng.random() < 0.7:
        sentiment = 1 if answers.get("overall", 3) >= 4 else rng.choice((-1, 0, 1))
        answers["comments"] = compose(events, sentiment, rng, with_wish=0.4)
    return answers


def new_member_answers(rng: random.Random, joined_day: float, join_date) -> dict:
    """One response to 新成员调研 from a member a few days after joining."""
    onboarding = THEMES_BY_KEY["onboarding"]
    role = rng.choices(("student", "tech", "traditional", "freelancer", "founder"),
                       weights=(2, 4, 3, 2, 1))[0]
    answers: dict = {
        "source": rng.choices(("friend", "article", "platform", "event", "search"),
                              weights=(5 if 60 <= joined_day <= 92 else 3, 2, 3, 1, 1))[0],
        "role": role,
        "age": rng.choices(("a18_24", "a25_30", "a31_40", "over40"), weights=(3, 4, 3, 1))[0],
        "goals": rng.sample(["news", "network", "problems", "skills", "jobs", "events"],
                            rng.randint(1, 3)),
        "reading_times": rng.sample(["commute", "lunch", "evening", "late", "weekend"],
                                    rng.randint(1, 2)),
        "joined_on": join_date.isoformat(),
    }
    if role != "student":
        answers["years"] = rng.randint(0, 15)
    if rng.random() < 0.5:
        answers["intro"] = rng.choice(("刚入门的摄影爱好者，主要拍街拍", "用手机拍了两年，想学后期",
                                       "上班族，周末喜欢出去拍风光"))
    if rng.random() < 0.8:
        sentiment = rng.choices((-1, 0, 1), weights=onboarding.mood)[0]
        answers["hopes"] = (suggestion(onboarding, rng) if rng.random() < 0.5
                            else compose(onboarding, sentiment, rng, with_wish=0.3))
    answers["share"] = rng.choices(("yes", "maybe", "no"), weights=(1, 2, 4))[0]
    if answers["share"] != "no" and rng.random() < 0.6:
        answers["wechat"] = f"photo_{rng.randint(100, 999)}"
    return answers


@demo_step(30, "surveys and their responses")
def create_surveys(ctx: DemoContext) -> None:
    """社群满意度调查 (anonymous), 活动反馈 (anonymous) and 新成员调研 (members)."""
    rng = ctx.rng
    channel_service.set_presets(ctx.community, CHANNEL_PRESETS, actor=ctx.staff["operator"])
    satisfaction = _create(ctx, "community_satisfaction", 6, AccessMode.ANONYMOUS)
    days = sorted(rng.uniform(7, DEMO_DAYS - 0.5) for _n in range(SATISFACTION_RESPONSES))
    for day in days:
        _store(satisfaction, satisfaction_answers(rng, day), ctx.at(day), rng)

    events = _create(ctx, "event_feedback", 40, AccessMode.ANONYMOUS)
    for _n in range(EVENT_RESPONSES):
        anniversary = rng.random() < 0.5
        day = rng.uniform(155, 168) if anniversary else rng.uniform(50, 62)
        _store(events, event_answers(rng, day, anniversary), ctx.at(day), rng)

    newcomers = _create(ctx, "new_member", 15, AccessMode.MEMBER)
    demo_emails = {login.email for login in DEMO_LOGINS}
    candidates = [m for m in ctx.members if m.user.email not in demo_emails]
    joined_late = [m for m in candidates if ctx.day_of(m.joined_at) >= 15]
    picked = rng.sample(joined_late, min(NEW_MEMBER_RESPONSES, len(joined_late)))
    for membership in sorted(picked, key=lambda m: m.joined_at):
        day = min(ctx.day_of(membership.joined_at) + rng.uniform(0.05, 4), DEMO_DAYS - 0.2)
        answers = new_member_answers(rng, ctx.day_of(membership.joined_at),
                                     membership.joined_at.date())
        _store(newcomers, answers, ctx.at(day), rng, respondent_id=membership.user_id)
    ctx.notes["surveys"] = [satisfaction[0].id, events[0].id, newcomers[0].id]
