"""Demo step: three interview guides and twelve interviews over six months, written in
Markdown along the guides, with highlights that carry tags and sentiment.

The answers come from the same themes and timelines as every other source, so an interview in
the week of the ad storm talks about ads, and a late one hears that things got better.
"""

from __future__ import annotations

from datetime import timedelta

from app.demo import DemoContext, demo_step
from app.demo.clock import Clock
from app.demo.vocab import (
    EXTERNAL_INTERVIEWEES,
    INTERVIEW_GUIDES,
    OBSERVATIONS,
    REPORTED_QUESTION,
    REPORTED_SPEECH,
    THEME_RESPONSES,
    THEMES_BY_KEY,
    closer,
    interview_answer,
    join_closer,
    opener,
    theme_weight,
    wish,
)
from app.models import Interview, utcnow
from app.services.interviews import records as interview_service

# (demo day, guide index, interviewee: "member", "demo_member" or "external", channel)
PLAN = (
    (24, 0, "member", "online"), (33, 0, "demo_member", "online"), (47, 1, "member", "offline"),
    (63, 0, "member", "phone"), (78, 2, "external", "phone"), (96, 1, "member", "online"),
    (104, 2, "external", "online"), (117, 1, "member", "offline"), (131, 0, "member", "online"),
    (146, None, "external", "offline"), (158, 1, "member", "online"), (171, 2, "external", "phone"),
)
NO_CONSENT = 7  # one interviewee agreed to notes for the team only
CONSENT_NOTES = ("只同意作为团队内部参考，不进入分析和报告", "访谈开始前口头同意记录和匿名引用",
                 "同意录音，引用时不写昵称", "同意记录")
# The partner photographer was interviewed without a guide.
OPEN_QUESTIONS = (("合作的体验", "对社群的建议"),
                  (("events", "content", "brand"), ("events", "ads", "brand", "content")))


def _theme_for(ctx: DemoContext, candidates: tuple[str, ...], day: float):
    """The theme this answer is about: among the question's themes, by how hot each is now."""
    themes = [THEMES_BY_KEY[k] for k in candidates]
    weights = [theme_weight(t, day) for t in themes]
    return ctx.rng.choices(themes, weights=weights, k=1)[0]


def _answer_block(ctx: DemoContext, theme, day: float, quotes: list, who: str) -> str:
    """One paragraph (or quote, or list) of notes about a theme; remembers what can be
    highlighted as ``(text, sentiment, theme)``."""
    rng = ctx.rng
    sentence, sentiment = interview_answer(theme, rng, day)
    quotes.append((sentence, sentiment, theme))
    style = rng.random()
    if style < 0.25:
        return f"> 原话：{join_closer(opener(sentiment, rng) + sentence, closer(sentiment, rng))}"
    if style < 0.45:
        items = [sentence, wish(theme, rng)]
        return "\n".join(f"- {item}" for item in items)
    if sentiment == 0:  # neutral remarks are mostly questions
        return rng.choice(REPORTED_QUESTION).format(who=who) + sentence.rstrip("？?") + "？"
    text = rng.choice(REPORTED_SPEECH).format(who=who) + f"{sentence}。"
    if rng.random() < 0.5:
        text += f"希望{wish(theme, rng).removeprefix('希望').removeprefix('建议')}。"
    if rng.random() < 0.25:
        text += rng.choice(OBSERVATIONS)
    return text


def _notes(ctx: DemoContext, questions, themes, day: float, quotes: list) -> str:
    sections = []
    who = ctx.rng.choice(("她", "他"))
    for question, candidates in zip(questions, themes, strict=True):
        blocks = [_answer_block(ctx, _theme_for(ctx, candidates, day), day, quotes, who)
                  for _ in range(ctx.rng.randint(1, 3))]
        sections.append(f"## {question}\n\n" + "\n\n".join(blocks))
    return "\n\n".join(sections) + "\n"


@demo_step(50, "interviews: guides, notes and highlights")
def interviews(ctx: DemoContext) -> None:
    """Twelve interviews along three guides, each with a handful of highlights."""
    operators = [ctx.staff["operator"], ctx.staff["mentor"]]
    members = [m for m in ctx.members if m.user_id != ctx.staff["member"].id]
    externals = list(EXTERNAL_INTERVIEWEES)
    with Clock() as clock:
        clock.stamp(ctx.at(15))
        guides = []
        for spec in INTERVIEW_GUIDES:
            guide = interview_service.create_guide(ctx.community, title=spec.title,
                                                   description=spec.description,
                                                   questions=list(spec.questions),
                                                   actor=ctx.staff["operator"])
            guide.created_at = guide.updated_at = ctx.at(15)
            guides.append(guide)
        for n, plan in enumerate(PLAN):
            clock.stamp(ctx.at(plan[0] + 0.5))
            _interview(ctx, n, plan, guides, members, externals, operators)
    ctx.notes["interviews"] = len(PLAN)


def _interview(ctx: DemoContext, n: int, plan, guides, members, externals, operators) -> None:
    """One interview of the plan, with its notes and highlights."""
    rng = ctx.rng
    day, guide_index, who, channel = plan
    interviewer = operators[n % 2]
    when = ctx.at(day)
    if guide_index is None:
        questions, themes = OPEN_QUESTIONS
    else:
        questions = INTERVIEW_GUIDES[guide_index].questions
        themes = INTERVIEW_GUIDES[guide_index].themes
    quotes: list = []
    notes = _notes(ctx, questions, themes, day, quotes)
    interviewee_id, name = None, ""
    if who == "demo_member":
        interviewee_id = ctx.staff["member"].id
    elif who == "member":
        joined = [m for m in members if m.joined_at <= when - timedelta(days=10)]
        interviewee_id = rng.choice(joined).user_id
    else:
        name = externals.pop(0)
    keys = sorted({k for ks in themes for k in ks})
    tags = [THEMES_BY_KEY[k].name for k in rng.sample(keys, k=2)]
    tags += {0: ["新人"], 2: ["流失"]}.get(guide_index, [])
    data = interview_service.InterviewData(
        held_on=when.date(), channel=channel, interviewer_id=interviewer.id,
        consent=n != NO_CONSENT, interviewee_id=interviewee_id, interviewee_name=name,
        consent_note=CONSENT_NOTES[0] if n == NO_CONSENT else rng.choice(CONSENT_NOTES[1:]),
        tags=tags, guide_id=guides[guide_index].id if guide_index is not None else None,
        notes=notes,
    )
    interview = interview_service.create_interview(ctx.community, data, actor=interviewer)
    _highlight(ctx, interview, quotes, interviewer)
    stamp = min(when + timedelta(hours=rng.uniform(2, 30)), utcnow())
    interview.created_at = interview.updated_at = stamp
    for highlight in interview.highlights:
        highlight.created_at = min(stamp + timedelta(minutes=rng.uniform(5, 90)), utcnow())


def _highlight(ctx: DemoContext, interview: Interview, quotes: list, actor) -> None:
    """Save three to five of the interviewee's sentences as highlights."""
    rng = ctx.rng
    blocks = interview_service.parse_notes(interview.notes)
    chosen = rng.sample(quotes, k=min(len(quotes), rng.randint(3, 5)))
    for sentence, sentiment, theme in chosen:
        block = next((b for b in blocks if b.is_text and sentence in b.plain), None)
        if block is None:
            continue
        tags = [theme.name] + rng.sample(THEME_RESPONSES[theme.key].tags, k=1)
        tags.append("痛点" if sentiment < 0 else "亮点" if sentiment > 0 else "观察")
        interview_service.create_highlight(
                      interview, paragraph_index=block.index, quote=sentence,
                      hint=block.plain.find(sentence), tags=list(dict.fromkeys(tags)),
                      sentiment=sentiment if rng.random() < 0.7 else None, actor=actor,
        )
