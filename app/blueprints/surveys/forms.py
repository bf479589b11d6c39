"""Forms of the survey builder, distribution, results and import pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.models import ACCESS_MODE_LABELS, AccessMode


def choices(pairs) -> list[SelectChoice]:
    """Select choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


ACCESS_CHOICES = choices((mode.value, ACCESS_MODE_LABELS[mode]) for mode in AccessMode)


class NewSurveyForm(FlaskForm):
    """Create a survey: blank, from a template, or from a definition exported as JSON."""

    source = RadioField(_l("从哪里开始"), default="blank", validators=[DataRequired()])
    title = StringField(_l("问卷标题"), validators=[Optional(), Length(max=200)])
    access_mode = RadioField(_l("填写方式"), choices=ACCESS_CHOICES, default="anonymous")
    definition_file = FileField(_l("问卷定义文件（JSON）"),
                                validators=[FileAllowed(["json"], _l("请上传 .json 文件。"))])


class DetailsForm(FlaskForm):
    """The survey's texts and display settings."""

    title = StringField(_l("问卷标题"), validators=[DataRequired(_l("请填写问卷标题。")),
                                                  Length(max=200)])
    description = TextAreaField(_l("简介（显示在标题下）"),
                                validators=[Optional(), Length(max=5000)])
    welcome = TextAreaField(_l("欢迎语（开始页）"), validators=[Optional(), Length(max=5000)])
    thank_you = TextAreaField(_l("结束语（提交后）"), validators=[Optional(), Length(max=5000)])
    randomize_options = BooleanField(_l("默认打乱所有题目的选项顺序"))
    show_progress = BooleanField(_l("显示进度条"))
    show_question_numbers = BooleanField(_l("显示题号"))


class PageForm(FlaskForm):
    """A page's title and description."""

    title = StringField(_l("页标题"), validators=[Optional(), Length(max=500)])
    description = TextAreaField(_l("页说明"), validators=[Optional(), Length(max=5000)])


class OptionRow(Form):
    """One option, row or item of a question (no CSRF: part of the question form)."""

    id = HiddenField()
    label = StringField(_l("选项文字"), validators=[Optional(), Length(max=200)])
    other = BooleanField(_l("其他（可填写）"))
    exclusive = BooleanField(_l("互斥"))
    pinned = BooleanField(_l("固定位置"))


class ScaleRow(Form):
    """One point of a matrix scale."""

    value = IntegerField(_l("分值"), validators=[Optional()])
    label = StringField(_l("刻度文字"), validators=[Optional(), Length(max=200)])


RANDOMIZE_CHOICES = choices([("", _l("跟随问卷设置")), ("1", _l("打乱顺序")),
                             ("0", _l("保持顺序"))])


def _optional_int(low: int, high: int):
    return [Optional(), NumberRange(min=low, max=high,
                                    message=_l("请填写 %(min)s 到 %(max)s 之间的整数。"))]


class QuestionForm(FlaskForm):
    """Every setting of every question type; the page shows the type's own fields."""

    type = SelectField(_l("题型"), validators=[DataRequired()])
    title = TextAreaField(_l("题目"), validators=[DataRequired(_l("请填写题目。")),
                                                Length(max=500)])
    help_text = TextAreaField(_l("说明文字（选填）"), validators=[Optional(), Length(max=5000)])
    required = BooleanField(_l("必答"))
    options = FieldList(FormField(OptionRow), min_entries=0, max_entries=200)
    items = FieldList(FormField(OptionRow), min_entries=0, max_entries=200)
    scale = FieldList(FormField(ScaleRow), min_entries=0, max_entries=20)
    labels = FieldList(StringField(validators=[Optional(), Length(max=100)]), min_entries=0,
                       max_entries=7)
    bulk = TextAreaField(_l("批量添加（每行一个）"), validators=[Optional(), Length(max=20000)])
    randomize = SelectField(_l("选项顺序"), choices=RANDOMIZE_CHOICES, default="")
    other_text_required = BooleanField(_l("选「其他」时必须填写内容"), default=True)
    min_choices = IntegerField(_l("最少选几项"), validators=_optional_int(1, 200))
    max_choices = IntegerField(_l("最多选几项"), validators=_optional_int(1, 200))
    max_rating = IntegerField(_l("星数"), default=5, validators=_optional_int(3, 10))
    low_label = StringField(_l("最低分的说明"), validators=[Optional(), Length(max=40)])
    high_label = StringField(_l("最高分的说明"), validators=[Optional(), Length(max=40)])
    max_length = IntegerField(_l("最多字数"), validators=_optional_int(1, 20000))
    min_length = IntegerField(_l("最少字数"), validators=_optional_int(0, 20000))
    placeholder = StringField(_l("输入框提示"), validators=[Optional(), Length(max=200)])
    feedback = BooleanField(_l("回答进入反馈分析（昵称、微信号等请取消勾选）"), default=True)
    community_nps = BooleanField(_l("作为社群 NPS"))
    min_value = StringField(_l("最小值"), validators=[Optional(), Length(max=30)])
    max_value = StringField(_l("最大值"), validators=[Optional(), Length(max=30)])
    integer_only = BooleanField(_l("只能填整数"))
    unit = StringField(_l("单位"), validators=[Optional(), Length(max=20)])
    min_date = StringField(_l("最早日期"), validators=[Optional(), Length(max=10)])
    max_date = StringField(_l("最晚日期"), validators=[Optional(), Length(max=10)])

    def _number(self, field) -> None:
        if field.data:
            try:
                float(field.data.replace(",", ""))
            except ValueError:
                raise ValidationError(_l("请填写数字。")) from None

    def validate_min_value(self, field) -> None:
        """Numbers only."""
        self._number(field)

    def validate_max_value(self, field) -> None:
        """Numbers only."""
        self._number(field)


class LogicForm(FlaskForm):
    """The condition editor: rows are read from the post by the view; this form holds the
    combinator, the JSON alternative and the skip target."""

    combinator = SelectField(_l("条件之间"), choices=choices([("and", _l("全部满足")),
                                                           ("or", _l("任一满足"))]),
                             default="and")
    mode = HiddenField(default="form")
    condition_json = TextAreaField(_l("条件（JSON）"), validators=[Optional(),
                                                                Length(max=20000)])
    goto = SelectField(_l("跳转到"), validators=[Optional()])


class SettingsForm(FlaskForm):
    """Access mode, close date and response limit."""

    access_mode = RadioField(_l("填写方式"), choices=ACCESS_CHOICES)
    close_at = DateTimeLocalField(_l("截止时间（选填）"), format="%Y-%m-%dT%H:%M",
                                  validators=[Optional()])
    max_responses = IntegerField(_l("回收上限（选填）"),
                                 validators=[Optional(), NumberRange(
                                     min=1, max=1_000_000,
                                     message=_l("回收上限需在 1 到 1000000 之间。"))])
    one_per_device = BooleanField(_l("每个微信/设备只能填一次"))


class ChannelRow(Form):
    """One distribution channel."""

    key = StringField(_l("渠道代码"), validators=[Optional(), Length(max=40)])
    label = StringField(_l("名称"), validators=[Optional(), Length(max=40)])


class ChannelsForm(FlaskForm):
    """The survey's channels (e.g. wx-group-3 → 微信3群)."""

    channels = FieldList(FormField(ChannelRow), min_entries=0, max_entries=50)
    as_presets = BooleanField(_l("同时设为社群常用渠道（以后新建的问卷自动带上这些渠道）"))


class InvitationsForm(FlaskForm):
    """Generate invitation links: a number of them, or one per label."""

    count = IntegerField(_l("生成数量"), default=10,
                         validators=[Optional(), NumberRange(
                             min=1, max=1000, message=_l("每次可生成 1 到 1000 个链接。"))])
    labels = TextAreaField(_l("或者按名单生成（每行一个标注，如成员昵称）"),
                           validators=[Optional(), Length(max=50000)])


class ImportUploadForm(FlaskForm):
    """Upload a spreadsheet of responses."""

    file = FileField(_l("表格文件（.xlsx 或 .csv，最大 10 MB）"), validators=[
        FileRequired(_l("请选择要导入的文件。")),
        FileAllowed(["xlsx", "csv", "xls"], _l("只支持 .xlsx 和 .csv 文件。")),
    ])
    again = BooleanField(_l("仍然导入（这个文件已经导入过，我确认要再导入一次）"))


class ImportRunForm(FlaskForm):
    """Run an import with the column mapping chosen on the page."""

    channel = SelectField(_l("没有渠道列时记为"), validators=[Optional()], default="")
    enforce_required = BooleanField(_l("检查必答题（历史数据缺列时可取消）"), default=True)
