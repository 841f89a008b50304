"""Forms for accounts: shape and presence only; the rules live in rules/accounts.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from campaign.rules.accounts import EMAIL_MAX, NAME_MAX, PASSWORD_MAX


class SignUpForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Length(max=EMAIL_MAX)])
    display_name = StringField(
        _l("Display name"), validators=[DataRequired(), Length(max=NAME_MAX)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    next = HiddenField()


class LogInForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    remember = BooleanField(_l("Keep me logged in"))
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )


class NewTokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[Length(max=60)])


class ResendVerificationForm(FlaskForm):
    """Only the CSRF token: who asks is the signed-in user."""


class ForgotPasswordForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Length(max=EMAIL_MAX)])


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two passwords are not the same.")),
        ],
    )
