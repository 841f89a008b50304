"""What a campaign is made of, as plain data, and what makes it runnable.

Seed data, crew proposals and admin edits all build a ``CampaignSpec`` and pass it through
``validate`` before a campaign is written, so one set of rules decides what is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from campaign.errors import Invalid
from campaign.rules.states import CampaignKind, Evidence

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
MAX_WON = 10**13  # 10조원: far beyond any campaign; keeps arithmetic and columns safe
MAX_COUNT = 10**12


@dataclass(frozen=True)
class ActionTypeSpec:
    code: str
    label: str
    worth_won: int = 0
    worth_stamps: int = 0
    daily_cap: int | None = None
    total_cap: int | None = None
    evidence: Evidence = Evidence.NONE
    evidence_unique: bool = False


@dataclass(frozen=True)
class TeamSpec:
    code: str
    name: str
    emoji: str = ""


@dataclass(frozen=True)
class MilestoneSpec:
    threshold: int
    amount_won: int
    label: str = ""


@dataclass(frozen=True)
class BeneficiarySpec:
    partner_id: int
    share: int = 1
    team_code: str | None = None


@dataclass(frozen=True)
class CampaignSpec:
    slug: str
    title: str
    kind: CampaignKind
    goal_won: int
    starts_at: datetime
    ends_at: datetime  # exclusive: see rules.calendar.end_bound
    summary: str = ""
    story: str = ""
    internal: bool = False
    purse_won: int | None = None
    unit_name: str | None = None
    unit_name_en: str | None = None
    stamps_per_unit: int | None = None
    won_per_unit: int | None = None
    match_percent: int = 0
    match_per_person_won: int | None = None
    topup_won: int = 0
    draw_winners: int = 0
    counter_shards: int = 1
    action_types: tuple[ActionTypeSpec, ...] = ()
    teams: tuple[TeamSpec, ...] = ()
    milestones: tuple[MilestoneSpec, ...] = ()
    beneficiaries: tuple[BeneficiarySpec, ...] = field(default_factory=tuple)


def _whole(value: object, name: str, low: int, high: int, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid(name, "not_a_number")
    if not low <= value <= high:
        raise Invalid(name, "out_of_range", min=low, max=high)


def _text(value: str, name: str, limit: int, *, required: bool = True) -> None:
    if required and not (value or "").strip():
        raise Invalid(name, "required")
    if len(value or "") > limit:
        raise Invalid(name, "too_long", max=limit)


def validate(spec: CampaignSpec) -> None:
    """Raise Invalid (naming the field) unless ``spec`` describes a campaign that can run."""
    if not SLUG.match(spec.slug or ""):
        raise Invalid("slug", "slug_format")
    _text(spec.title, "title", 120)
    _text(spec.summary, "summary", 300, required=False)
    _whole(spec.goal_won, "goal_won", 1, MAX_WON)
    _whole(spec.purse_won, "purse_won", 0, MAX_WON, optional=True)
    _whole(spec.topup_won, "topup_won", 0, MAX_WON)
    _whole(spec.match_percent, "match_percent", 0, 1000)
    _whole(spec.match_per_person_won, "match_per_person_won", 0, MAX_WON, optional=True)
    _whole(spec.draw_winners, "draw_winners", 0, 1000)
    _whole(spec.counter_shards, "counter_shards", 1, 64)
    if spec.ends_at <= spec.starts_at:
        raise Invalid("ends_at", "date_order")
    if (spec.stamps_per_unit is None) != (spec.won_per_unit is None):
        raise Invalid("stamps_per_unit", "unit_rate_incomplete")
    if spec.stamps_per_unit is not None:
        _whole(spec.stamps_per_unit, "stamps_per_unit", 1, MAX_COUNT)
        _whole(spec.won_per_unit, "won_per_unit", 0, MAX_WON)
    _validate_action_types(spec)
    _validate_teams(spec)
    _validate_milestones(spec)
    _validate_beneficiaries(spec)


def _validate_action_types(spec: CampaignSpec) -> None:
    if spec.kind != CampaignKind.FUNDRAISER and not spec.action_types:
        raise Invalid("action_types", "required")
    codes = [t.code for t in spec.action_types]
    if len(set(codes)) != len(codes):
        raise Invalid("action_types", "duplicate_code")
    for action in spec.action_types:
        if not CODE.match(action.code or ""):
            raise Invalid("action_types", "code_format")
        _text(action.label, "action_types", 80)
        _whole(action.worth_won, "action_types", 0, MAX_WON)
        _whole(action.worth_stamps, "action_types", 0, MAX_COUNT)
        _whole(action.daily_cap, "action_types", 1, MAX_COUNT, optional=True)
        _whole(action.total_cap, "action_types", 1, MAX_COUNT, optional=True)
        if action.worth_stamps and spec.stamps_per_unit is None:
            raise Invalid("action_types", "stamps_without_rate")
        if action.evidence_unique and action.evidence == Evidence.NONE:
            raise Invalid("action_types", "unique_without_evidence")


def _validate_teams(spec: CampaignSpec) -> None:
    codes = [t.code for t in spec.teams]
    if spec.kind == CampaignKind.TEAM and len(codes) < 2:
        raise Invalid("teams", "two_teams")
    if len(set(codes)) != len(codes):
        raise Invalid("teams", "duplicate_code")
    for team in spec.teams:
        if not CODE.match(team.code or ""):
            raise Invalid("teams", "code_format")
        _text(team.name, "teams", 60)
        _text(team.emoji, "teams", 8, required=False)
    if spec.draw_winners and not spec.teams:
        raise Invalid("draw_winners", "draw_needs_teams")


def _validate_milestones(spec: CampaignSpec) -> None:
    thresholds = [m.threshold for m in spec.milestones]
    if len(set(thresholds)) != len(thresholds):
        raise Invalid("milestones", "duplicate_threshold")
    for milestone in spec.milestones:
        _whole(milestone.threshold, "milestones", 1, MAX_COUNT)
        _whole(milestone.amount_won, "milestones", 0, MAX_WON)
        _text(milestone.label, "milestones", 80, required=False)


def _validate_beneficiaries(spec: CampaignSpec) -> None:
    if not spec.beneficiaries:
        raise Invalid("beneficiaries", "required")
    partners = [b.partner_id for b in spec.beneficiaries]
    if len(set(partners)) != len(partners):
        raise Invalid("beneficiaries", "duplicate_partner")
    team_codes = {t.code for t in spec.teams}
    for beneficiary in spec.beneficiaries:
        _whole(beneficiary.share, "beneficiaries", 1, 1_000_000)
        if beneficiary.team_code is not None and beneficiary.team_code not in team_codes:
            raise Invalid("beneficiaries", "unknown_team")
