"""Forms for partner integrations: shape and presence only (rules: services/integrations.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from campaign.rules.webhook_events import EVENT_TYPE_MAX
from campaign.services.integrations import DEFAULT_GRACE, MAX_GRACE, NAME_MAX, ActionChoice


class IntegrationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    action = SelectField(_l("Campaign and action it records"), validators=[DataRequired()])
    event_type = StringField(
        _l("Event type"),
        default="edoc.switched",
        validators=[DataRequired(), Length(max=EVENT_TYPE_MAX)],
    )

    def offer(self, choices: list[ActionChoice]) -> IntegrationForm:
        self.action.choices = [
            (choice.value, f"{choice.campaign_title} — {choice.action_label}") for choice in choices
        ]
        return self

    def target(self) -> tuple[int, str]:
        """(campaign id, action code) of the chosen option."""
        campaign_id, _sep, code = (self.action.data or "").partition(":")
        return int(campaign_id), code


class RotateForm(FlaskForm):
    grace_hours = IntegerField(
        _l("Old secret keeps working for (hours)"),
        default=int(DEFAULT_GRACE.total_seconds() // 3600),
        validators=[
            InputRequired(),
            NumberRange(min=0, max=int(MAX_GRACE.total_seconds() // 3600)),
        ],
    )
