"""Forms for interviews, guides and highlights."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.models import INTERVIEW_CHANNEL_LABELS, SENTIMENT_LABELS, InterviewChannel
from app.services.interviews.notes import MAX_NOTES

SENTIMENT_CHOICES = [SelectChoice("", _l("自动判断"))] + [
    SelectChoice(str(k), v) for k, v in SENTIMENT_LABELS.items()]


class InterviewForm(FlaskForm):
    """Set up or edit an interview."""

    title = StringField(_l("标题（可选）"), validators=[Optional(), Length(max=120)])
    interviewee_kind = RadioField(
        _l("受访者"),
        choices=[SelectChoice("member", _l("社群成员")), SelectChoice("external", _l("外部人士"))],
        default="member",
    )
    interviewee_id = SelectField(_l("选择成员"), choices=[], validate_choice=False)
    interviewee_name = StringField(_l("称呼或化名"), validators=[Optional(), Length(max=80)])
    held_on = DateField(_l("访谈日期"), validators=[DataRequired(_l("请填写访谈日期。"))])
    channel = SelectField(_l("访谈方式"), choices=[
        SelectChoice(c.value, INTERVIEW_CHANNEL_LABELS[c]) for c in InterviewChannel])
    interviewer_id = SelectField(_l("访谈人"), choices=[], validate_choice=False)
    consent = RadioField(
        _l("受访者是否同意记录和分析"),
        choices=[SelectChoice("yes", _l("已同意")), SelectChoice("no", _l("未同意"))],
        default="yes",
    )
    consent_note = StringField(_l("同意说明（可选）"), validators=[Optional(), Length(max=500)])
    tags = StringField(_l("标签（用逗号分隔）"), validators=[Optional(), Length(max=300)])
    guide_id = SelectField(_l("访谈提纲（可选）"), choices=[], validate_choice=False)
    notes = TextAreaField(_l("访谈记录（Markdown）"), validators=[
        Optional(), Length(max=MAX_NOTES, message=_l("访谈记录不能超过 %(max)d 个字。"))])


class HighlightForm(FlaskForm):
    """Save a selected passage as a highlight."""

    paragraph = IntegerField(validators=[InputRequired(_l("请先在访谈记录中选中一段文字。")),
                                         NumberRange(min=0)])
    offset = IntegerField(validators=[Optional(), NumberRange(min=0)])
    quote = HiddenField(validators=[DataRequired(_l("请先在访谈记录中选中一段文字。")),
                                    Length(max=2000)])
    tags = StringField(_l("标签"), validators=[Optional(), Length(max=300)])
    sentiment = SelectField(_l("情感"), choices=SENTIMENT_CHOICES, default="")
    note = StringField(_l("备注（可选）"), validators=[Optional(), Length(max=500)])


class HighlightEditForm(FlaskForm):
    """Change a highlight's tags, sentiment and note."""

    tags = StringField(_l("标签"), validators=[Optional(), Length(max=300)])
    sentiment = SelectField(_l("情感"), choices=SENTIMENT_CHOICES, default="")
    note = StringField(_l("备注（可选）"), validators=[Optional(), Length(max=500)])


class GuideForm(FlaskForm):
    """A reusable interview guide."""

    title = StringField(_l("提纲名称"), validators=[DataRequired(_l("请填写提纲名称。")),
                                                    Length(max=120)])
    description = TextAreaField(_l("说明（可选）"), validators=[Optional(), Length(max=4000)])
    questions = TextAreaField(_l("问题（每行一个）"), validators=[
        DataRequired(_l("请至少写一个问题。")), Length(max=10000)])


class ConfirmForm(FlaskForm):
    """A bare form for POST buttons: only the CSRF token."""
