"""Forms for partner charities: shape and presence only; the rules live in services/partners.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from campaign.services.partners import (
    CONTACT_NAME_MAX,
    NAME_MAX,
    PHONE_MAX,
    REGISTRATION_NUMBER_MAX,
    TOKEN_NAME_MAX,
    PartnerDetails,
)


class PartnerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    registration_number = StringField(
        _l("Registration number"), validators=[Length(max=REGISTRATION_NUMBER_MAX)]
    )
    contact_name = StringField(_l("Contact person"), validators=[Length(max=CONTACT_NAME_MAX)])
    contact_email = StringField(_l("Contact email"), validators=[Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=PHONE_MAX)])
    issues_receipts = BooleanField(_l("Issues donation receipts"))

    def details(self) -> PartnerDetails:
        return PartnerDetails(
            name=self.name.data or "",
            registration_number=self.registration_number.data,
            contact_name=self.contact_name.data,
            contact_email=self.contact_email.data,
            contact_phone=self.contact_phone.data,
            issues_receipts=bool(self.issues_receipts.data),
        )


class PartnerTokenForm(FlaskForm):
    token_name = StringField(_l("Token name"), validators=[Length(max=TOKEN_NAME_MAX)])
