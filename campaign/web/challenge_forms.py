"""Forms of the challenge page: shape only; joining and counting rules live in the services.

Each action form carries an idempotency key made when the form is rendered, so sending the
same form twice (a double click, a resubmitted POST) counts the action once.
"""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.validators import DataRequired, Length

from campaign.models import Campaign
from campaign.rules.evidence import KEY_MAX

# Room for spacing that clean_evidence folds away; the rule itself enforces 200 characters.
EVIDENCE_FIELD_MAX = 1000


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(18)


class JoinForm(FlaskForm):
    # The service checks the team against the campaign (and says which rule failed).
    team = RadioField(_l("Your team"), choices=[], validate_choice=False)

    @classmethod
    def for_campaign(cls, campaign: Campaign, **kwargs: object) -> JoinForm:
        form = cls(**kwargs)
        form.team.choices = [
            (team.code, f"{team.emoji} {team.name}".strip()) for team in campaign.teams
        ]
        return form


class ActionForm(FlaskForm):
    action = HiddenField(validators=[DataRequired(), Length(max=40)])
    evidence = StringField(_l("Reference number"), validators=[Length(max=EVIDENCE_FIELD_MAX)])
    # No length check here: rules/cheers.py says how long a message may be, in a sentence.
    message = StringField(_l("Your cheer message"))
    idempotency_key = HiddenField(validators=[Length(max=KEY_MAX)])

    @classmethod
    def for_action(
        cls, code: str, evidence: str = "", message: str = "", **kwargs: object
    ) -> ActionForm:
        """A fresh form for one action type, with a new idempotency key."""
        form = cls(formdata=None, **kwargs)
        form.action.data = code
        form.evidence.data = evidence
        form.message.data = message
        form.idempotency_key.data = new_idempotency_key()
        return form
