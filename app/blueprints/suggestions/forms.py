"""Forms of the suggestion box."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.models import SUGGESTION_STATUS_LABELS
from app.services.suggestions.box import MAX_CONTENT, MAX_REPLY, MAX_TITLE
from app.services.suggestions.triage import SETTABLE_STATUSES


class SuggestionForm(FlaskForm):
    """Drop a suggestion into the box. ``website`` is a honeypot that people never see."""

    title = StringField(_l("标题（可选）"), validators=[
        Optional(), Length(max=MAX_TITLE, message=_l("标题不能超过 %(max)d 个字。"))])
    content = TextAreaField(_l("你的建议"), validators=[
        DataRequired(_l("请填写建议内容。")),
        Length(max=MAX_CONTENT, message=_l("建议内容不能超过 %(max)d 个字。")),
    ])
    category = SelectField(_l("分类"), choices=[], validate_choice=False)
    images = MultipleFileField(_l("图片（可选）"))
    anonymous = BooleanField(_l("匿名提交：运营团队看不到你是谁"))
    website = StringField(_l("网址"))
    # One key per opened form: a second post of it (a double click) makes no second suggestion.
    submission_key = HiddenField()


class EditSuggestionForm(FlaskForm):
    """The submitter corrects a suggestion that is still new."""

    title = StringField(_l("标题（可选）"), validators=[
        Optional(), Length(max=MAX_TITLE, message=_l("标题不能超过 %(max)d 个字。"))])
    content = TextAreaField(_l("你的建议"), validators=[
        DataRequired(_l("请填写建议内容。")),
        Length(max=MAX_CONTENT, message=_l("建议内容不能超过 %(max)d 个字。")),
    ])
    category = SelectField(_l("分类"), choices=[], validate_choice=False)


class TrackEntryForm(FlaskForm):
    """Type a tracking code."""

    code = StringField(_l("查询码"), validators=[DataRequired(_l("请填写查询码。")),
                                                 Length(max=40)])


class AnswerForm(FlaskForm):
    """The submitter answers the team."""

    body = TextAreaField(_l("补充或回复"), validators=[
        DataRequired(_l("请填写回复内容。")),
        Length(max=MAX_REPLY, message=_l("回复不能超过 %(max)d 个字。")),
    ])


class CommentForm(FlaskForm):
    """A comment on the board."""

    body = TextAreaField(_l("评论"), validators=[
        DataRequired(_l("请填写评论内容。")),
        Length(max=1000, message=_l("评论不能超过 %(max)d 个字。")),
    ])
    anonymous = BooleanField(_l("匿名评论"))


class ConfirmForm(FlaskForm):
    """A bare form for POST buttons: only the CSRF token."""


class FollowForm(FlaskForm):
    """Follow or unfollow."""

    follow = HiddenField(default="1")


class StatusForm(FlaskForm):
    """Change the status and publish an official reply in one step."""

    status = SelectField(_l("状态"), choices=[SelectChoice(s.value, SUGGESTION_STATUS_LABELS[s])
                                              for s in SETTABLE_STATUSES])
    reply = TextAreaField(_l("官方回复（提交者和关注者都会看到）"), validators=[
        Optional(), Length(max=2000, message=_l("回复不能超过 %(max)d 个字。"))])
    changelog_title = StringField(_l("「你说我改」标题（选填）"), validators=[
        Optional(), Length(max=80, message=_l("标题不能超过 %(max)d 个字。"))])


class TriageForm(FlaskForm):
    """Category, tags and assignee."""

    category = SelectField(_l("分类"), choices=[], validate_choice=False)
    tags = StringField(_l("标签（用逗号分隔）"), validators=[Optional(), Length(max=300)])
    assignee = SelectField(_l("负责人"), choices=[], validate_choice=False)


class NoteForm(FlaskForm):
    """An internal note."""

    body = TextAreaField(_l("内部备注（成员看不到）"), validators=[
        DataRequired(_l("请填写备注内容。")),
        Length(max=2000, message=_l("备注不能超过 %(max)d 个字。")),
    ])


class MergeForm(FlaskForm):
    """Merge this suggestion into another one."""

    target = IntegerField(_l("合并到建议编号"), validators=[
        DataRequired(_l("请填写要合并到的建议编号。")), NumberRange(min=1)])
    note = TextAreaField(_l("给提交者的说明（可选）"), validators=[Optional(), Length(max=2000)])


class VisibilityForm(FlaskForm):
    """Hide or show again."""

    hidden = HiddenField(default="1")


class BoxSettingsForm(FlaskForm):
    """The box's settings."""

    categories = TextAreaField(_l("分类（每行一个）"), validators=[
        DataRequired(_l("至少需要一个分类。")), Length(max=1000)])
    public_board = BooleanField(_l("开放建议广场：成员可以看到彼此的建议、投票、关注和评论"))
    anonymous_visitors = BooleanField(_l("允许未登录的访客匿名提交"))
    public_changelog = BooleanField(_l("公开「你说我改」页面（未登录也能查看）"))


class ChangelogEntryForm(FlaskForm):
    """A hand-written changelog entry."""

    title = StringField(_l("做了什么"), validators=[DataRequired(_l("请填写标题。")),
                                                    Length(max=200)])
    body = TextAreaField(_l("说明（可选）"), validators=[Optional(), Length(max=4000)])
    # the service checks that each id is a suggestion of this community
    answers = SelectMultipleField(_l("回应了哪些建议（可多选）"), coerce=int, validate_choice=False)


class ChangelogAnswersForm(FlaskForm):
    """The suggestions an existing changelog entry answers."""

    # the service checks that each id is a suggestion of this community
    answers = SelectMultipleField(_l("回应了哪些建议（可多选）"), coerce=int, validate_choice=False)


class BulkForm(FlaskForm):
    """One action for the suggestions ticked in the inbox."""

    action = SelectField(_l("批量操作"), choices=[
        SelectChoice("status", _l("设置状态并回复")), SelectChoice("tag", _l("添加标签")),
        SelectChoice("merge", _l("合并到一条"))], validate_choice=False)
    # the service checks the action and the status, with messages in the user's language
    status = SelectField(_l("状态"), choices=[SelectChoice(s.value, SUGGESTION_STATUS_LABELS[s])
                                              for s in SETTABLE_STATUSES], validate_choice=False)
    reply = TextAreaField(_l("官方回复（每条建议的提交者和关注者都会看到）"), validators=[
        Optional(), Length(max=MAX_REPLY, message=_l("回复不能超过 %(max)d 个字。"))])
    tags = StringField(_l("要添加的标签（用逗号分隔）"), validators=[Optional(), Length(max=200)])
    target = IntegerField(_l("合并到编号"), validators=[Optional(), NumberRange(min=1)])


class CannedRepliesForm(FlaskForm):
    """The community's canned replies, as one text."""

    replies = TextAreaField(_l("常用回复"), validators=[Optional(), Length(max=70_000)])
