"""Forms for community administration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.blueprints.reports.forms import MultiCheckboxField
from app.security.roles import ROLE_LABELS, ROLE_ORDER
from app.services.retention import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS

ROLE_CHOICES = [SelectChoice(role.value, ROLE_LABELS[role]) for role in ROLE_ORDER]


class InvitationForm(FlaskForm):
    """Create an invite link."""

    role = SelectField(_l("角色"), choices=ROLE_CHOICES, default="member")
    email = EmailField(_l("仅限此邮箱（可选）"), validators=[Optional(), Length(max=254)])
    max_uses = IntegerField(
        _l("可用次数（留空为不限）"),
        validators=[
            Optional(),
            NumberRange(min=1, max=10000, message=_l("可用次数需在 1 到 10000 之间。")),
        ],
    )
    ttl_days = IntegerField(
        _l("有效天数"), default=14,
        validators=[DataRequired(_l("请填写有效天数。")),
                    NumberRange(min=1, max=365, message=_l("有效天数需在 1 到 365 之间。"))],
    )
    note = StringField(_l("备注"), validators=[Optional(), Length(max=200)])


class EraseMemberForm(FlaskForm):
    """Delete one member and their data: an explicit tick, as it cannot be undone."""

    confirm = BooleanField(_l("确认永久删除"), validators=[DataRequired()])


class RoleForm(FlaskForm):
    """Change someone's role."""

    role = SelectField(_l("角色"), choices=ROLE_CHOICES)


class ConfirmForm(FlaskForm):
    """A bare form for POST buttons: only the CSRF token."""


class TokenForm(FlaskForm):
    """Create an API token."""

    name = StringField(_l("令牌名称"), validators=[DataRequired(_l("请填写令牌名称。")),
                                                   Length(max=80)])


class CommunitySettingsForm(FlaskForm):
    """Edit a community's name and description."""

    name = StringField(_l("社群名称"), validators=[DataRequired(_l("请填写社群名称。")),
                                                   Length(max=120)])
    description = TextAreaField(_l("简介"), validators=[Optional(), Length(max=2000)])
    retention_days = IntegerField(
        _l("原文保留天数（留空则按站点设置）"),
        validators=[Optional(), NumberRange(min=MIN_RETENTION_DAYS, max=MAX_RETENTION_DAYS,
                                            message=_l("保留天数需在 %(min)d 到 %(max)d 之间。"))],
    )


class WebhookForm(FlaskForm):
    """Add a group-chat robot: its platform, webhook URL and the events it receives."""

    # the service checks the platform, with a message in the admin's language
    vendor = SelectField(_l("平台"), choices=[], validate_choice=False)
    name = StringField(_l("名称（可选）"), validators=[Optional(), Length(max=60)])
    url = StringField(_l("Webhook 地址"), validators=[DataRequired(_l("请填写 Webhook 地址。")),
                                                       Length(max=500)])
    events = MultiCheckboxField(_l("推送内容"), choices=[])


class WebhookEventsForm(FlaskForm):
    """Choose again which events a robot receives."""

    events = MultiCheckboxField(_l("推送内容"), choices=[])
