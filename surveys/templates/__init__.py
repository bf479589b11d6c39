"""Ready-made survey definitions (JSON files next to this module) and their loader."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from surveys.definition import Survey, loads

TEMPLATE_KEYS = ("community_satisfaction", "event_feedback", "new_member")


@dataclass(frozen=True)
class TemplateInfo:
    """What the builder lists for a template."""

    key: str
    title: str
    description: str
    question_count: int


class UnknownTemplate(KeyError):
    """There is no template with this key."""


def load_template(key: str) -> Survey:
    """The template's survey definition (a fresh copy to edit); raises UnknownTemplate."""
    if key not in TEMPLATE_KEYS:
        raise UnknownTemplate(key)
    text = resources.files(__package__).joinpath(f"{key}.json").read_text(encoding="utf-8")
    return loads(text)


def list_templates() -> list[TemplateInfo]:
    """Every template, in display order."""
    out = []
    for key in TEMPLATE_KEYS:
        survey = load_template(key)
        out.append(TemplateInfo(key, survey.title, survey.description, len(survey.questions)))
    return out
