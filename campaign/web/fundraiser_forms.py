"""Forms of a fundraiser: a crew gift and a receipt request. Shape only; the amounts are
checked in rules/matching.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from campaign.rules.matching import MESSAGE_MAX
from campaign.web.proposal_forms import WholeNumberField


class ReceiptForm(FlaskForm):
    """A request for a donation receipt and what the charity may know (shape only)."""

    legal_name = StringField(_l("Name on the receipt"), validators=[Length(max=60)])
    share_email = BooleanField(_l("The charity may have my email address"))
    phone = StringField(_l("Phone the charity may use (optional)"), validators=[Length(max=40)])
    donor_kind = RadioField(
        _l("The receipt is for"),
        choices=[
            SelectChoice("person", _l("Me (resident number)")),
            SelectChoice("company", _l("A company")),
        ],
        default="person",
        validate_choice=False,  # the service refuses an unknown kind, in Korean
    )
    id_number = StringField(
        _l("주민등록번호 (or 사업자등록번호 for a company)"), validators=[Length(max=20)]
    )
    share_id_number = BooleanField(
        _l("The charity may have this number, to report my donation to the tax office")
    )
    address = StringField(_l("Address (optional)"), validators=[Length(max=200)])
    share_address = BooleanField(_l("The charity may have my address"))


class GiftForm(FlaskForm):
    """A crew gift. A quick-pick button sends ``quick``; otherwise ``amount`` is typed."""

    amount = WholeNumberField(_l("Another amount (₩)"))
    quick = WholeNumberField()
    anonymous = BooleanField(_l("Don't show my name"))
    message = StringField(_l("Message (optional)"), validators=[Length(max=MESSAGE_MAX)])
    idempotency_key = HiddenField()

    def chosen_amount(self) -> int | None:
        return self.quick.data if self.quick.data is not None else self.amount.data
