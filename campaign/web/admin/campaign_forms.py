"""Forms on the campaign admin page (shape only; the rules are in rules/transitions.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from campaign.exports import FORMATS


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    confirm = BooleanField(
        _l("I understand: a cancelled campaign cannot be reopened or settled."),
        validators=[DataRequired(_l("Tick the box to confirm: this cannot be undone."))],
    )


class ExtendForm(FlaskForm):
    last_day = DateField(_l("New last day (KST, inclusive)"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])


class ExportForm(FlaskForm):
    format = SelectField(
        _l("Format"), choices=[SelectChoice(name, name.upper()) for name in FORMATS]
    )
    partner = SelectField(_l("For"), choices=[], validate_choice=True)
