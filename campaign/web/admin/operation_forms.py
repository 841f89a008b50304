"""Forms for corrections and sponsors (shape and presence only; the rules are in services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from campaign.models.operations import SPONSOR_NAME_MAX
from campaign.services.sponsors import CONTACT_NAME_MAX, LOGO_MAX, PHONE_MAX, SponsorDetails

ID_MAX = 9_223_372_036_854_775_807


class VoidForm(FlaskForm):
    what = SelectField(
        _l("What to void"),
        choices=[
            SelectChoice("action", _l("A counted action")),
            SelectChoice("gift", _l("A gift")),
        ],
    )
    target_id = IntegerField(
        _l("Its number (ID)"), validators=[DataRequired(), NumberRange(min=1, max=ID_MAX)]
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    confirm = BooleanField(
        _l("I checked it: void it and give its ₩ back. This cannot be undone."),
        validators=[DataRequired()],
    )


class SponsorForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=SPONSOR_NAME_MAX)])
    contact_name = StringField(_l("Contact person"), validators=[Length(max=CONTACT_NAME_MAX)])
    contact_email = StringField(_l("Contact email"), validators=[Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=PHONE_MAX)])
    logo_url = StringField(_l("Logo (path under /static/)"), validators=[Length(max=LOGO_MAX)])

    def details(self) -> SponsorDetails:
        return SponsorDetails(
            name=self.name.data or "",
            contact_name=self.contact_name.data,
            contact_email=self.contact_email.data,
            contact_phone=self.contact_phone.data,
            logo_url=self.logo_url.data,
        )


class CampaignSponsorForm(FlaskForm):
    purse = SelectField(_l("Pays the purse (actions, milestones)"), choices=[])
    match = SelectField(_l("Pays the match and top-up"), choices=[])
