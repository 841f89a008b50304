"""Forms of the account-control pages (change address, delete account): shape only; the
rules are in services/email_change.py and services/account_deletion.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import Length

from campaign.rules.accounts import EMAIL_MAX, PASSWORD_MAX


class ChangeEmailForm(FlaskForm):
    new_email = StringField(_l("New email address"), validators=[Length(max=EMAIL_MAX)])
    password = PasswordField(_l("Your password"), validators=[Length(max=PASSWORD_MAX)])


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[Length(max=PASSWORD_MAX)])
    confirm = BooleanField(_l("I understand that my account is deleted for good."))
