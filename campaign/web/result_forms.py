"""The prize winner's contact form (shape only; services/results.py checks the values)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from campaign.services.results import ADDRESS_MAX, NAME_MAX, PHONE_MAX


class PrizeContactForm(FlaskForm):
    legal_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    phone = StringField(_l("Phone number"), validators=[DataRequired(), Length(max=PHONE_MAX)])
    address = StringField(
        _l("Address (if the prize is sent by post)"), validators=[Length(max=ADDRESS_MAX)]
    )
    consent = BooleanField(
        _l("I agree that these details are used only to send my prize, and deleted after."),
        validators=[DataRequired()],
    )
