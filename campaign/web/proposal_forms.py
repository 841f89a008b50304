"""Forms of the crew area (a campaign proposal and its discussion) and the fields the review and
fundraiser forms share: shape only. What a value must be to make a campaign is decided in
rules/proposals.py."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from campaign.errors import Invalid
from campaign.rules.campaign_spec import (
    EMOJI_MAX,
    LABEL_MAX,
    TEAM_NAME_MAX,
    UNIT_NAME_MAX,
    ActionTypeSpec,
    BeneficiarySpec,
    MilestoneSpec,
    TeamSpec,
    form_values,
    row_from_form,
)
from campaign.rules.proposals import (
    CAUSE_MAX,
    COMMENT_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    ProposalDraft,
    ProposedRules,
)
from campaign.rules.states import CampaignKind, Evidence, MessageRule

BENEFICIARY_ROWS = 4
ACTION_ROWS = 4
TEAM_ROWS = 4
MILESTONE_ROWS = 6
DIGITS_MAX = 16  # beyond any amount the rules allow; keeps int() of typed text cheap
_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

KIND_LABELS = {
    CampaignKind.STAMP: _l("Stamp challenge"),
    CampaignKind.TEAM: _l("Team fight"),
    CampaignKind.CHEER: _l("Cheer giving"),
    CampaignKind.FUNDRAISER: _l("Crew fundraiser"),
}
EVIDENCE_LABELS = {
    Evidence.NONE: _l("No reference"),
    Evidence.OPTIONAL: _l("Reference optional"),
    Evidence.REQUIRED: _l("Reference required"),
}
MESSAGE_LABELS = {
    MessageRule.NONE: _l("No message"),
    MessageRule.REQUIRED: _l("Cheer message required"),
}


class WholeNumberField(StringField):
    """A whole number typed by a person: "10,000", "10000원" and " 10 000 " all read 10000.
    Empty reads None; anything else is a field error (the typed text is shown again)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        text = "".join(str(self.raw).split()).replace(",", "").removesuffix("원")
        if not text:
            return
        if not (text.isascii() and text.isdigit()) or len(text) > DIGITS_MAX:
            raise ValueError(str(_l("Enter a whole number.")))
        self.data = int(text)

    def _value(self) -> str:
        if getattr(self, "raw", None) is not None and self.data is None:
            return str(self.raw)
        return "" if self.data is None else str(self.data)


class DayField(StringField):
    """A calendar day as YYYY-MM-DD (what <input type=date> sends)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        text = str(self.raw).strip()
        if not text:
            return
        try:
            if not _ISO_DAY.match(text):
                raise ValueError(text)
            self.data = date.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(str(_l("Enter a date as YYYY-MM-DD."))) from exc

    def _value(self) -> str:
        if self.data is None:
            return str(getattr(self, "raw", "") or "")
        return self.data.isoformat()


class RowForm(Form):
    """A repeated row inside a FlaskForm (no CSRF of its own), with translated messages."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            return wtforms_translations


class BeneficiaryRow(RowForm):
    partner = SelectField(_l("Partner"), choices=[SelectChoice("", "—")], validate_choice=False)
    share = WholeNumberField(_l("Share"))
    team = SelectField(
        _l("Team"),
        choices=[SelectChoice("", "—"), *(SelectChoice(str(n)) for n in range(1, TEAM_ROWS + 1))],
        default="",
    )


class ActionRow(RowForm):
    label = StringField(_l("Action"), validators=[Length(max=LABEL_MAX)])
    worth_won = WholeNumberField(_l("₩ each"))
    worth_stamps = WholeNumberField(_l("Stamps each"))
    daily_cap = WholeNumberField(_l("Per day"))
    total_cap = WholeNumberField(_l("In total"))
    evidence = SelectField(
        _l("Reference"),
        choices=[SelectChoice(e.value, label) for e, label in EVIDENCE_LABELS.items()],
        default=Evidence.NONE.value,
    )
    evidence_unique = BooleanField(_l("Counts once"))
    message = SelectField(
        _l("Message"),
        choices=[SelectChoice(m.value, label) for m, label in MESSAGE_LABELS.items()],
        default=MessageRule.NONE.value,
    )


class TeamRow(RowForm):
    name = StringField(_l("Team"), validators=[Length(max=TEAM_NAME_MAX)])
    emoji = StringField(_l("Emoji"), validators=[Length(max=EMOJI_MAX)])


class MilestoneRow(RowForm):
    threshold = WholeNumberField(_l("Actions"))
    amount_won = WholeNumberField(_l("₩ unlocked"))
    label = StringField(_l("Label"), validators=[Length(max=LABEL_MAX)])


def _used(*values: Any) -> bool:
    return any(v not in (None, "", False) for v in values)


class ProposalForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()]
    )
    summary = StringField(_l("One-line summary"), validators=[Length(max=SUMMARY_MAX)])
    cause = TextAreaField(_l("The cause, and why"), validators=[Length(max=CAUSE_MAX)])
    goal_won = WholeNumberField(_l("Goal (₩)"))
    starts_on = DayField(_l("First day"))
    ends_on = DayField(_l("Last day"))
    beneficiaries = FieldList(
        FormField(BeneficiaryRow), min_entries=BENEFICIARY_ROWS, max_entries=BENEFICIARY_ROWS
    )
    action_types = FieldList(FormField(ActionRow), min_entries=ACTION_ROWS, max_entries=ACTION_ROWS)
    unit_name = StringField(_l("Impact unit (e.g. tree)"), validators=[Length(max=UNIT_NAME_MAX)])
    stamps_per_unit = WholeNumberField(_l("Stamps per unit"))
    won_per_unit = WholeNumberField(_l("₩ per unit"))
    teams = FieldList(FormField(TeamRow), min_entries=TEAM_ROWS, max_entries=TEAM_ROWS)
    milestones = FieldList(
        FormField(MilestoneRow), min_entries=MILESTONE_ROWS, max_entries=MILESTONE_ROWS
    )
    purse_won = WholeNumberField(_l("Sponsor cap (₩)"))
    match_percent = WholeNumberField(_l("Company match (%)"))
    match_per_person_won = WholeNumberField(_l("Match cap per person (₩)"))
    topup_won = WholeNumberField(_l("Company top-up at close (₩)"))

    def __init__(self, *args: Any, partners: list[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems: dict[str, str] = {}
        choices = [SelectChoice("", "—"), *(SelectChoice(str(pid), name) for pid, name in partners)]
        for row in self.beneficiaries:
            row.form.partner.choices = choices

    @classmethod
    def prefilled(cls, draft: ProposalDraft, partners: list[tuple[int, str]]) -> ProposalForm:
        """A form showing ``draft`` (nothing posted)."""
        rules = draft.rules
        team_slots = {team.code: str(n) for n, team in enumerate(rules.teams, start=1)}
        data = {
            "title": draft.title,
            "kind": draft.kind.value,
            "summary": rules.summary,
            "cause": draft.cause,
            "goal_won": draft.goal_won,
            "starts_on": draft.starts_on,
            "ends_on": draft.ends_on,
            "beneficiaries": [
                {
                    "partner": str(b.partner_id),
                    "share": b.share,
                    "team": team_slots.get(b.team_code or "", ""),
                }
                for b in rules.beneficiaries[:BENEFICIARY_ROWS]
            ],
            "action_types": [form_values(a) for a in rules.action_types[:ACTION_ROWS]],
            "unit_name": rules.unit_name,
            "stamps_per_unit": rules.stamps_per_unit,
            "won_per_unit": rules.won_per_unit,
            "teams": [form_values(t) for t in rules.teams[:TEAM_ROWS]],
            "milestones": [form_values(m) for m in rules.milestones[:MILESTONE_ROWS]],
            "purse_won": rules.purse_won,
            "match_percent": rules.match_percent,
            "match_per_person_won": rules.match_per_person_won,
            "topup_won": rules.topup_won,
        }
        return cls(formdata=None, data=data, partners=partners)

    def draft(self) -> ProposalDraft:
        """The posted form as a draft. Raises Invalid for a row that is half filled in or a
        beneficiary standing for a team left empty."""
        team_codes: dict[str, str] = {}
        teams = []
        for slot, row in enumerate(self.teams, start=1):
            name = (row.form.name.data or "").strip()
            if name:
                code = f"t{len(teams) + 1}"
                team_codes[str(slot)] = code
                teams.append(row_from_form(TeamSpec, row.form.data, code=code))
            elif (row.form.emoji.data or "").strip():
                raise Invalid("teams", "row_incomplete")
        beneficiaries = []
        for row in self.beneficiaries:
            partner, share, team = row.form.partner.data, row.form.share.data, row.form.team.data
            if not partner:
                if _used(share, team):
                    raise Invalid("beneficiaries", "row_incomplete")
                continue
            if not partner.isdigit():
                raise Invalid("beneficiaries", "unknown_partner")
            if team and team not in team_codes:
                raise Invalid("beneficiaries", "unknown_team")
            beneficiaries.append(
                BeneficiarySpec(
                    int(partner), share if share is not None else 1, team_codes.get(team or "")
                )
            )
        actions = []
        for row in self.action_types:
            f = row.form
            label = (f.label.data or "").strip()
            if not label:
                if _used(f.worth_won.data, f.worth_stamps.data, f.daily_cap.data, f.total_cap.data):
                    raise Invalid("action_types", "row_incomplete")
                continue
            actions.append(row_from_form(ActionTypeSpec, f.data, code=f"a{len(actions) + 1}"))
        milestones = []
        for row in self.milestones:
            f = row.form
            if f.threshold.data is None:
                if _used(f.amount_won.data, (f.label.data or "").strip()):
                    raise Invalid("milestones", "row_incomplete")
                continue
            milestones.append(row_from_form(MilestoneSpec, f.data))
        return ProposalDraft(
            title=self.title.data or "",
            kind=CampaignKind(self.kind.data),
            cause=self.cause.data or "",
            goal_won=self.goal_won.data,
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            rules=ProposedRules(
                summary=self.summary.data or "",
                beneficiaries=tuple(beneficiaries),
                action_types=tuple(actions),
                teams=tuple(teams),
                milestones=tuple(milestones),
                purse_won=self.purse_won.data,
                unit_name=self.unit_name.data or None,
                stamps_per_unit=self.stamps_per_unit.data,
                won_per_unit=self.won_per_unit.data,
                match_percent=self.match_percent.data or 0,
                match_per_person_won=self.match_per_person_won.data,
                topup_won=self.topup_won.data or 0,
            ),
        )


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=COMMENT_MAX)])
