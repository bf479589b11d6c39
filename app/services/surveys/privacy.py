"""Whether a survey's own words about anonymity match how it is answered.

A survey answered through invitation links or by signed-in members is not anonymous: the
operator sees whose link or which member gave each response. A text that still promises
anonymity (often left over from a template or an earlier mode) misleads respondents, so the
builder warns about it.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

import surveys as domain
from app.models import ACCESS_MODE_LABELS, AccessMode, Survey

#: Phrases that promise the respondent they cannot be identified.
ANONYMITY_CLAIM = re.compile(
    r"匿名|不记名|无记名|不实名|不留名|不会?记录(?:你的|您的)?(?:身份|姓名|名字)|anonymous",
    re.IGNORECASE)


def _texts(definition: domain.Survey):
    yield _l("标题"), definition.title
    yield _l("说明"), definition.description
    yield _l("欢迎语"), definition.welcome
    yield _l("结束语"), definition.thank_you
    for page in definition.pages:
        yield page.title or page.id, f"{page.title} {page.description}"
        for question in page.questions:
            yield question.title or question.id, f"{question.title} {question.help_text}"


def anonymity_mismatch(survey: Survey, definition: domain.Survey) -> str | None:
    """A warning when the survey's text promises anonymity but its mode identifies people;
    None when they agree."""
    if survey.access_enum == AccessMode.ANONYMOUS:
        return None
    for where, text in _texts(definition):
        found = ANONYMITY_CLAIM.search(text or "")
        if found:
            return str(_l("「%(where)s」写着「%(phrase)s」，但这份问卷的填写方式是「%(mode)s」："
                          "运营团队能看到每份回答是谁提交的（或来自哪个专属链接）。"
                          "请改写这段文字，或把填写方式改为匿名。",
                          where=str(where)[:24], phrase=found.group(0),
                          mode=ACCESS_MODE_LABELS[survey.access_enum]))
    return None
