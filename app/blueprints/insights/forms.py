"""Forms of the insight workspace. GET filters use plain WTForms forms (no CSRF: they change
nothing); every POST goes through a FlaskForm with CSRF protection."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Form,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.models import SOURCE_KIND_LABELS
from app.models.insights import SENTIMENT_LABELS
from app.services.insights.actions import MAX_NOTE
from app.services.insights.codeframe import MAX_NAME as CODEFRAME_MAX_NAME
from app.services.insights.corrections import MAX_NAME, SPLIT_MAX, SPLIT_MIN
from app.services.insights.periods import PRESET_LABELS
from app.services.insights.segments import SEGMENTS


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def sentiment_choices(blank=None) -> list[SelectChoice]:
    """Sentiment options (negative first), optionally after a blank "any" option."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(str(v), SENTIMENT_LABELS[v]) for v in (-1, 0, 1)]


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes for one multiple-choice field."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PeriodForm(Form):
    """The period of a page: a preset or explicit dates (GET)."""

    period = SelectField(_l("时间范围"),
                         choices=[SelectChoice(k, v) for k, v in PRESET_LABELS.items()],
                         default="30d", validate_choice=False)
    start = StringField(_l("开始日期"), validators=[Optional(), Length(max=10)])
    end = StringField(_l("结束日期"), validators=[Optional(), Length(max=10)])


class InboxFilterForm(Form):
    """The inbox filters (GET)."""

    q = StringField(_l("搜索"), validators=[Optional(), Length(max=100)])
    kind = MultiCheckboxField(_l("来源"), choices=[SelectChoice(k.value, v) for k, v in
                                                  SOURCE_KIND_LABELS.items()])
    survey = SelectField(_l("问卷/题目"), choices=[], validate_choice=False)
    channel = SelectField(_l("渠道"), choices=[], validate_choice=False)
    theme = SelectField(_l("主题"), choices=[], validate_choice=False, coerce=_int_or_none)
    sentiment = SelectField(_l("情感"), choices=sentiment_choices(_l("全部情感")),
                            coerce=_int_or_none, validate_choice=False)
    tag = SelectField(_l("标签"), choices=[], validate_choice=False)
    segment = SelectField(
        _l("成员分群"),
        choices=[SelectChoice("", _l("全部成员"))] + [
            SelectChoice(s.key, s.label) for s in SEGMENTS.values()],
        validate_choice=False)
    start = StringField(_l("开始日期"), validators=[Optional(), Length(max=10)])
    end = StringField(_l("结束日期"), validators=[Optional(), Length(max=10)])


class NextMixin:
    """A hidden ``next`` path to return to after the action."""

    next = HiddenField()


class ConfirmForm(FlaskForm, NextMixin):
    """A bare form for POST buttons: only the CSRF token (and where to go back to)."""


class RenameForm(FlaskForm):
    """Rename a theme."""

    name = StringField(_l("新名称"), validators=[
        DataRequired(_l("请填写主题名称。")),
        Length(max=MAX_NAME, message=_l("主题名称不能超过 %(max)d 个字。"))])


class MergeForm(FlaskForm):
    """Merge this theme into another one."""

    target = SelectField(_l("合并到"), choices=[], coerce=_int_or_none,
                         validators=[DataRequired(_l("请选择要合并到的主题。"))])


class SplitForm(FlaskForm):
    """Split a theme into parts."""

    parts = IntegerField(_l("拆分成几个主题"), default=2, validators=[
        DataRequired(_l("请填写要拆成几个主题。")),
        NumberRange(min=SPLIT_MIN, max=SPLIT_MAX,
                    message=_l("请拆分成 %(min)d 到 %(max)d 个主题。"))])


class SeedForm(FlaskForm):
    """Create a theme from seed words."""

    name = StringField(_l("主题名称"), validators=[
        DataRequired(_l("请填写主题名称。")),
        Length(max=MAX_NAME, message=_l("主题名称不能超过 %(max)d 个字。"))])
    words = StringField(_l("种子词（用逗号或顿号分隔）"), validators=[
        DataRequired(_l("请至少填写一个种子词。")), Length(max=400)])


class ActForm(FlaskForm):
    """Mark a theme as acted on."""

    title = StringField(_l("「你说我改」标题"), validators=[
        DataRequired(_l("请用一句话写清改了什么，它会作为「你说我改」的标题。")),
        Length(max=80, message=_l("标题不能超过 %(max)d 个字。"))])
    note = TextAreaField(_l("做了哪些改进"), validators=[
        DataRequired(_l("请写下做了哪些改进。")),
        Length(max=MAX_NOTE, message=_l("说明不能超过 %(max)d 个字。"))])
    suggestions = MultiCheckboxField(_l("同时标记为已完成的建议"), choices=[], coerce=int,
                                     validate_choice=False)


class SentimentForm(FlaskForm, NextMixin):
    """Set an item's sentiment."""

    label = SelectField(_l("情感"), choices=sentiment_choices(), coerce=_int_or_none,
                        validators=[Optional()])


class MoveForm(FlaskForm, NextMixin):
    """Move items to a theme."""

    items = SelectMultipleField(_l("反馈"), choices=[], coerce=int, validate_choice=False)
    target = SelectField(_l("移动到主题"), choices=[], coerce=_int_or_none,
                         validate_choice=False)


class TagsForm(FlaskForm, NextMixin):
    """Set an item's tags."""

    tags = StringField(_l("标签（用逗号或顿号分隔）"), validators=[Optional(), Length(max=300)])


class FrameRenameForm(FlaskForm):
    """A new name for a code-frame theme."""

    name = StringField(_l("名称"), validators=[DataRequired(message=_l("请填写主题名称。")),
                                             Length(max=CODEFRAME_MAX_NAME)])


class FrameToggleForm(FlaskForm):
    """Switch a code-frame theme on or off."""

    enabled = HiddenField(validators=[DataRequired()])


class FramePhrasesForm(FlaskForm):
    """A frame theme's extra phrases, one per line."""

    phrases = TextAreaField(_l("补充短语"), validators=[Optional(), Length(max=12000)])


class FrameAddForm(FlaskForm):
    """A theme of the community's own: a name and the phrases that mean it."""

    name = StringField(_l("名称"), validators=[DataRequired(message=_l("请填写主题名称。")),
                                             Length(max=CODEFRAME_MAX_NAME)])
    phrases = TextAreaField(_l("短语"), validators=[
        DataRequired(message=_l("请至少填写一条短语：成员说到这些话时，反馈就归入这个主题。")),
        Length(max=12000)])
