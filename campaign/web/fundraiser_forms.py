"""Forms of a fundraiser: a crew gift and a receipt request. Shape only; the amounts are
checked in rules/matching.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import Length

from campaign.rules.matching import MESSAGE_MAX
from campaign.web.proposal_forms import WholeNumberField


class ReceiptForm(FlaskForm):
    """A request for a donation receipt and what the charity may know (shape only)."""

    legal_name = StringField(_l("Name on the receipt"), validators=[Length(max=60)])
    share_email = BooleanField(_l("The charity may have my email address"))
    phone = StringField(_l("Phone the charity may use (optional)"), validators=[Length(max=40)])


class GiftForm(FlaskForm):
    """A crew gift. A quick-pick button sends ``quick``; otherwise ``amount`` is typed."""

    amount = WholeNumberField(_l("Another amount (₩)"))
    quick = WholeNumberField()
    anonymous = BooleanField(_l("Don't show my name"))
    message = StringField(_l("Message (optional)"), validators=[Length(max=MESSAGE_MAX)])
    idempotency_key = HiddenField()

    def chosen_amount(self) -> int | None:
        return self.quick.data if self.quick.data is not None else self.amount.data
