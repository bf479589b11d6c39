"""Forms of the metrics pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.models import AGGREGATION_LABELS, Aggregation
from app.services.metrics.analysis import RANGES

AGGREGATION_CHOICES = [SelectChoice(a.value, AGGREGATION_LABELS[a]) for a in Aggregation]


class RangeForm(FlaskForm):
    """The period picker (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    range = SelectField(_l("时间范围"), choices=[SelectChoice(k, v) for k, v in RANGES.items()],
                        default="90", validators=[Optional()])
    start = DateField(_l("开始日期"), validators=[Optional()])
    end = DateField(_l("结束日期"), validators=[Optional()])


class UploadForm(FlaskForm):
    """Upload a CSV or XLSX file of daily metrics."""

    file = FileField(_l("数据文件（CSV 或 XLSX）"),
                     validators=[FileRequired(_l("请选择要上传的文件。"))])
    again = BooleanField(_l("仍然导入（这个文件已经导入过，我确认要再导入一次）"))


class CustomMetricForm(FlaskForm):
    """Define or edit a custom metric."""

    key = StringField(_l("指标代码"), validators=[Length(max=32)],
                      description=_l("用于导入和 API，如 checkins；创建后不可修改。"))
    name = StringField(_l("指标名称"), validators=[DataRequired(_l("请填写指标名称。")),
                                                   Length(max=40)])
    unit = StringField(_l("单位"), validators=[Optional(), Length(max=12)])
    aggregation = SelectField(_l("按周或按期汇总时"), choices=AGGREGATION_CHOICES,
                              default=Aggregation.SUM.value)
    higher_is_better = BooleanField(_l("数值越高越好"), default=True)
    description = StringField(_l("说明"), validators=[Optional(), Length(max=200)])


class ConfirmForm(FlaskForm):
    """A bare form for POST buttons: only the CSRF token."""


def mapping_form(headers: list[str], catalog, mapping: dict, **kwargs) -> FlaskForm:
    """A form with the date column and one metric choice per column of an uploaded file."""

    class MappingForm(FlaskForm):
        date_column = SelectField(
            _l("日期列"), choices=[SelectChoice("", "—")] + [
                SelectChoice(str(i), h or _l("第 %(n)d 列", n=i + 1))
                for i, h in enumerate(headers)],
            default="" if mapping.get("date") is None else str(mapping["date"]))

        def column_fields(self):
            """(column index, header, field) for every column."""
            return [(i, headers[i], getattr(self, f"col_{i}")) for i in range(len(headers))]

        def chosen_columns(self) -> dict[int, str]:
            """The metric chosen for each column that is imported."""
            date_index = self.date_index()
            return {i: f.data for i, _h, f in self.column_fields()
                    if f.data and i != date_index}

        def date_index(self) -> int | None:
            """The chosen date column."""
            value = self.date_column.data
            return int(value) if value not in (None, "") and str(value).isdigit() else None

    metric_choices = [SelectChoice("", _l("不导入"))] + [
        SelectChoice(m.key, f"{m.label}（{m.key}）") for m in catalog]
    columns = mapping.get("columns", {})
    for i, header in enumerate(headers):
        setattr(MappingForm, f"col_{i}", SelectField(
            header or _l("第 %(n)d 列", n=i + 1), choices=metric_choices,
            default=columns.get(str(i), ""), validate_choice=True))
    return MappingForm(**kwargs)
