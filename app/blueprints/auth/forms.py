"""Forms for signing in, changing a password and accepting an invitation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.services.accounts.users import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("邮箱"), validators=[DataRequired(_l("请填写邮箱。")), Length(max=254)])
    password = PasswordField(
        _l("密码"), validators=[DataRequired(_l("请填写密码。")), Length(max=256)]
    )
    remember = BooleanField(_l("在此设备上保持登录"))


class ChangePasswordForm(FlaskForm):
    """Current password plus the new one, twice."""

    current_password = PasswordField(
        _l("当前密码"), validators=[DataRequired(_l("请填写当前密码。")), Length(max=256)]
    )
    new_password = PasswordField(
        _l("新密码"),
        validators=[
            DataRequired(_l("请填写新密码。")),
            Length(min=MIN_PASSWORD_LENGTH, max=256,
                   message=_l("密码长度需在 %(min)d 到 %(max)d 个字符之间。")),
        ],
    )
    confirm = PasswordField(
        _l("确认新密码"),
        validators=[DataRequired(_l("请再次填写新密码。")),
                    EqualTo("new_password", _l("两次填写的密码不一致。"))],
    )


class DeleteAccountForm(FlaskForm):
    """Delete your own account: your password and an explicit tick."""

    password = PasswordField(
        _l("当前密码"), validators=[DataRequired(_l("请填写当前密码。")), Length(max=256)]
    )
    confirm = BooleanField(
        _l("我明白：我的账号、署名建议、评论、投票、问卷回答和访谈记录会被永久删除，无法恢复。"),
        validators=[DataRequired(_l("请勾选确认。"))],
    )


class AcceptInvitationForm(FlaskForm):
    """A newcomer creates an account while accepting an invitation."""

    email = EmailField(_l("邮箱"), validators=[DataRequired(_l("请填写邮箱。")), Length(max=254)])
    display_name = StringField(
        _l("昵称"), validators=[DataRequired(_l("请填写昵称。")), Length(max=80)]
    )
    password = PasswordField(
        _l("设置密码"),
        validators=[
            DataRequired(_l("请设置密码。")),
            Length(min=MIN_PASSWORD_LENGTH, max=256,
                   message=_l("密码长度需在 %(min)d 到 %(max)d 个字符之间。")),
        ],
    )


class JoinForm(FlaskForm):
    """A signed-in user confirms joining through an invitation."""
