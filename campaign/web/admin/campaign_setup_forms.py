"""Forms for setting up campaigns directly (shape only; the rules are in rules/campaign_spec.py
and rules/proposals.py, the use cases in services/campaign_management.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from campaign.rules.campaign_spec import (
    SLUG_MAX,
    STORY_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    UNIT_NAME_MAX,
    CampaignSpec,
)
from campaign.rules.proposals import REASON_MAX, ProposalDraft, ProposedRules, to_spec
from campaign.rules.states import CampaignKind
from campaign.web.proposal_forms import DayField, ProposalForm, WholeNumberField

# Which parts of the form each kind shows (the template reads this; the spec ignores the rest).
KIND_PARTS = {
    CampaignKind.STAMP: frozenset({"actions", "unit_rate", "milestones", "shards"}),
    CampaignKind.TEAM: frozenset({"actions", "teams", "milestones", "draw", "shards"}),
    CampaignKind.CHEER: frozenset({"actions", "milestones", "shards"}),
    CampaignKind.FUNDRAISER: frozenset({"match"}),
}


class CampaignForm(ProposalForm):
    """Everything a campaign is: a proposal's fields plus what only an admin sets."""

    slug = StringField(_l("Address (/c/…)"), validators=[DataRequired(), Length(max=SLUG_MAX)])
    cause = TextAreaField(_l("Story"), validators=[Length(max=STORY_MAX)])
    unit_name_en = StringField(
        _l("Impact unit in English (e.g. tree)"), validators=[Length(max=UNIT_NAME_MAX)]
    )
    draw_winners = WholeNumberField(_l("Prize draw: winners from the winning team"))
    counter_shards = WholeNumberField(_l("Counter rows"))

    @classmethod
    def copying(cls, spec: CampaignSpec, partners: list[tuple[int, str]]) -> CampaignForm:
        """A form showing ``spec``'s campaign (nothing posted), its address and days left
        empty: the start of its next season."""
        rules = ProposedRules(
            summary=spec.summary,
            beneficiaries=spec.beneficiaries,
            action_types=spec.action_types,
            teams=spec.teams,
            milestones=spec.milestones,
            purse_won=spec.purse_won,
            unit_name=spec.unit_name,
            stamps_per_unit=spec.stamps_per_unit,
            won_per_unit=spec.won_per_unit,
            match_percent=spec.match_percent,
            match_per_person_won=spec.match_per_person_won,
            topup_won=spec.topup_won,
        )
        draft = ProposalDraft(
            title=spec.title, kind=spec.kind, cause=spec.story, goal_won=spec.goal_won, rules=rules
        )
        form = cls.prefilled(draft, partners)
        assert isinstance(form, CampaignForm)
        form.unit_name_en.data = spec.unit_name_en
        form.draw_winners.data = spec.draw_winners
        form.counter_shards.data = spec.counter_shards
        return form

    def spec(self, today: date) -> CampaignSpec:
        """The campaign the posted form describes. Raises Invalid naming the form's field."""
        spec = to_spec(self.draft(), slug=(self.slug.data or "").strip(), today=today)
        parts = KIND_PARTS[spec.kind]
        spec = replace(
            spec,
            unit_name_en=(self.unit_name_en.data or "").strip() or None
            if "unit_rate" in parts
            else None,
            draw_winners=(self.draw_winners.data or 0) if "draw" in parts else 0,
            counter_shards=(self.counter_shards.data or 1) if "shards" in parts else 1,
        )
        return spec


class ContentForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    summary = StringField(_l("One-line summary"), validators=[Length(max=SUMMARY_MAX)])
    story = TextAreaField(_l("Story"), validators=[Length(max=STORY_MAX)])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=REASON_MAX)])


class PurseForm(FlaskForm):
    purse_won = WholeNumberField(_l("New sponsor cap (₩)"))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=REASON_MAX)])


class SeasonForm(FlaskForm):
    slug = StringField(
        _l("Address of the new season (/c/…)"), validators=[DataRequired(), Length(max=SLUG_MAX)]
    )
    starts_on = DayField(_l("First day"), validators=[DataRequired()])
    ends_on = DayField(_l("Last day"), validators=[DataRequired()])
