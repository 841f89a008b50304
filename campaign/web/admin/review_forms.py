"""Forms of the proposal review: approve (the proposal's form plus the campaign's address),
send back or reject with a reason, and edit a scheduled campaign. Shape only; the rules decide
in rules/proposals.py and services/scheduled_edits.py."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from campaign.rules.campaign_spec import SLUG_MAX
from campaign.rules.proposals import CAUSE_MAX, REASON_MAX, SUMMARY_MAX, TITLE_MAX
from campaign.services.scheduled_edits import ScheduledDetails
from campaign.web.proposal_forms import DayField, ProposalForm, WholeNumberField


class ApproveForm(ProposalForm):
    slug = StringField(
        _l("Address of the campaign (/c/…)"), validators=[DataRequired(), Length(max=SLUG_MAX)]
    )
    note = TextAreaField(_l("Note to the author (optional)"), validators=[Length(max=REASON_MAX)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=REASON_MAX)])


class ScheduledForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    summary = StringField(_l("One-line summary"), validators=[Length(max=SUMMARY_MAX)])
    story = TextAreaField(_l("Story"), validators=[Length(max=CAUSE_MAX)])
    goal_won = WholeNumberField(_l("Goal (₩)"), validators=[InputRequired()])
    starts_on = DayField(_l("First day"), validators=[InputRequired()])
    ends_on = DayField(_l("Last day"), validators=[InputRequired()])
    purse_won = WholeNumberField(_l("Sponsor cap (₩)"))
    match_percent = WholeNumberField(_l("Company match (%)"))
    match_per_person_won = WholeNumberField(_l("Match cap per person (₩)"))
    topup_won = WholeNumberField(_l("Company top-up at close (₩)"))
    reason = TextAreaField(_l("Why (for the audit trail)"), validators=[Length(max=REASON_MAX)])

    def details(self) -> ScheduledDetails:
        return ScheduledDetails(
            title=self.title.data or "",
            summary=self.summary.data or "",
            story=self.story.data or "",
            goal_won=self.goal_won.data or 0,
            starts_on=self.starts_on.data or date.min,
            ends_on=self.ends_on.data or date.min,
            purse_won=self.purse_won.data,
            match_percent=self.match_percent.data or 0,
            match_per_person_won=self.match_per_person_won.data,
            topup_won=self.topup_won.data or 0,
        )
