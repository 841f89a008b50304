"""Crew proposals: who may do what in which state, and what a proposal must say to run.

The state machine (ProposalStatus in rules/states.py)::

    draft ──submit──▶ submitted ──approve──▶ approved   (a scheduled campaign)
      ▲                  │  │  └───reject──▶ rejected
      │                  │  └─withdraw────▶ withdrawn
    edit              return
      │                  ▼
      └──────────── returned ──submit──▶ submitted

Each step has one kind of actor: the author edits, submits and withdraws; colleagues (crew
other than the author) endorse; any crew comments; reviewers (admins other than the author)
decide. Someone who is not crew has no part in any of it and sees nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from campaign.errors import Forbidden, IllegalTransition, Invalid
from campaign.rules import text
from campaign.rules.calendar import end_bound, start_of_day
from campaign.rules.campaign_spec import (
    EARLIEST_DAY,
    LATEST_DAY,
    MATCH_PERCENT_MAX,
    MAX_COUNT,
    MAX_WON,
    STORY_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    UNIT_NAME_MAX,
    ActionTypeSpec,
    BeneficiarySpec,
    CampaignSpec,
    MilestoneSpec,
    TeamSpec,
    check_days,
    check_row,
    row_from_json,
    row_json,
    validate,
    whole,
)
from campaign.rules.states import CampaignKind, ProposalStatus

CAUSE_MAX = STORY_MAX
COMMENT_MAX = 2000
REASON_MAX = 2000
ROWS_MAX = 6  # action types, teams, milestones, beneficiaries each


class ProposalAction(enum.StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    ENDORSE = "endorse"
    COMMENT = "comment"
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"


class Capacity(enum.StrEnum):
    """The part someone plays towards one proposal."""

    AUTHOR = "author"
    COLLEAGUE = "colleague"  # crew other than the author
    REVIEWER = "reviewer"  # an admin other than the author (nobody reviews their own)


@dataclass(frozen=True)
class Step:
    allowed_from: frozenset[ProposalStatus]
    who: frozenset[Capacity]
    to: ProposalStatus | None  # None: the status stays


_S = ProposalStatus
_C = Capacity
IN_REVIEW = frozenset({_S.SUBMITTED, _S.RETURNED})
STEPS: Mapping[ProposalAction, Step] = {
    ProposalAction.EDIT: Step(frozenset({_S.DRAFT, _S.RETURNED}), frozenset({_C.AUTHOR}), None),
    ProposalAction.SUBMIT: Step(
        frozenset({_S.DRAFT, _S.RETURNED}), frozenset({_C.AUTHOR}), _S.SUBMITTED
    ),
    ProposalAction.WITHDRAW: Step(frozenset({_S.SUBMITTED}), frozenset({_C.AUTHOR}), _S.WITHDRAWN),
    ProposalAction.ENDORSE: Step(IN_REVIEW, frozenset({_C.COLLEAGUE}), None),
    ProposalAction.COMMENT: Step(IN_REVIEW, frozenset({_C.AUTHOR, _C.COLLEAGUE}), None),
    ProposalAction.APPROVE: Step(frozenset({_S.SUBMITTED}), frozenset({_C.REVIEWER}), _S.APPROVED),
    ProposalAction.RETURN: Step(frozenset({_S.SUBMITTED}), frozenset({_C.REVIEWER}), _S.RETURNED),
    ProposalAction.REJECT: Step(frozenset({_S.SUBMITTED}), frozenset({_C.REVIEWER}), _S.REJECTED),
}


def capacities(*, is_author: bool, is_crew: bool, is_admin: bool) -> frozenset[Capacity]:
    """The parts a person plays towards a proposal; empty for anyone who is not crew."""
    if not is_crew:
        return frozenset()
    if is_author:
        return frozenset({Capacity.AUTHOR})
    if is_admin:
        return frozenset({Capacity.COLLEAGUE, Capacity.REVIEWER})
    return frozenset({Capacity.COLLEAGUE})


def can_see(status: ProposalStatus, held: frozenset[Capacity]) -> bool:
    """A draft is its author's alone; everything else is open to all crew."""
    if not held:
        return False
    return status != ProposalStatus.DRAFT or Capacity.AUTHOR in held


def check(
    action: ProposalAction, status: ProposalStatus, held: frozenset[Capacity]
) -> ProposalStatus | None:
    """The status after ``action``, or raise: Forbidden when this person may never do it,
    IllegalTransition when they may, but not in this state."""
    step = STEPS[action]
    if not held & step.who:
        raise Forbidden(action=action.value)
    if status not in step.allowed_from:
        raise IllegalTransition(action=action.value, status=status.value)
    return step.to


def allowed(status: ProposalStatus, held: frozenset[Capacity]) -> frozenset[ProposalAction]:
    """Everything this person may do now (what the page offers them)."""
    return frozenset(
        action for action, step in STEPS.items() if held & step.who and status in step.allowed_from
    )


# --- What a proposal says -------------------------------------------------------------------


@dataclass(frozen=True)
class ProposedRules:
    """The rules a proposal suggests (stored as ``Proposal.details``)."""

    summary: str = ""
    beneficiaries: tuple[BeneficiarySpec, ...] = ()
    action_types: tuple[ActionTypeSpec, ...] = ()
    teams: tuple[TeamSpec, ...] = ()
    milestones: tuple[MilestoneSpec, ...] = ()
    purse_won: int | None = None
    unit_name: str | None = None
    stamps_per_unit: int | None = None
    won_per_unit: int | None = None
    match_percent: int = 0
    match_per_person_won: int | None = None
    topup_won: int = 0


@dataclass(frozen=True)
class ProposalDraft:
    """A proposal's content: what the author writes and an admin may edit before approving."""

    title: str
    kind: CampaignKind
    cause: str = ""
    goal_won: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    rules: ProposedRules = field(default_factory=ProposedRules)


def _text(value: str | None, name: str, limit: int, *, lines: bool = False) -> str:
    return text.clean_text(value, name, limit, multiline=lines)


def _number(value: object, name: str, low: int, high: int, *, optional: bool = True) -> Any:
    return whole(value, name, low, high, optional=optional)


def _day(value: date | None, name: str) -> date | None:
    if value is not None and not EARLIEST_DAY <= value <= LATEST_DAY:
        raise Invalid(name, "date_range")
    return value


def _rows(rows: tuple[Any, ...], name: str) -> None:
    if len(rows) > ROWS_MAX:
        raise Invalid(name, "too_many", max=ROWS_MAX)


def clean_draft(draft: ProposalDraft) -> ProposalDraft:
    """The draft trimmed and checked field by field, as saving a draft needs: it may be
    incomplete, but nothing in it may be malformed. Raises Invalid naming the field."""
    title = _text(draft.title, "title", TITLE_MAX)
    if not title:
        raise Invalid("title", "required")
    if draft.kind not in CampaignKind:
        raise Invalid("kind", "choice")
    rules = draft.rules
    _rows(rules.beneficiaries, "beneficiaries")
    _rows(rules.action_types, "action_types")
    _rows(rules.teams, "teams")
    _rows(rules.milestones, "milestones")
    for name in ("beneficiaries", "action_types", "teams", "milestones"):
        for row in getattr(rules, name):
            check_row(row, name)
    _number(rules.purse_won, "purse_won", 0, MAX_WON)
    _number(rules.stamps_per_unit, "stamps_per_unit", 1, MAX_COUNT)
    _number(rules.won_per_unit, "won_per_unit", 0, MAX_WON)
    _number(rules.match_percent, "match_percent", 0, MATCH_PERCENT_MAX, optional=False)
    _number(rules.match_per_person_won, "match_per_person_won", 0, MAX_WON)
    _number(rules.topup_won, "topup_won", 0, MAX_WON, optional=False)
    starts_on = _day(draft.starts_on, "starts_on")
    ends_on = _day(draft.ends_on, "ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise Invalid("ends_on", "date_order")
    return ProposalDraft(
        title=title,
        kind=draft.kind,
        cause=_text(draft.cause, "cause", CAUSE_MAX, lines=True),
        goal_won=_number(draft.goal_won, "goal_won", 1, MAX_WON),
        starts_on=starts_on,
        ends_on=ends_on,
        rules=replace(
            rules,
            summary=_text(rules.summary, "summary", SUMMARY_MAX),
            unit_name=_text(rules.unit_name, "unit_name", UNIT_NAME_MAX) or None,
        ),
    )


# Campaign fields named differently on a proposal (and on an admin's edit).
SPEC_NAMES = {"starts_at": "starts_on", "ends_at": "ends_on", "story": "cause"}


def to_spec(draft: ProposalDraft, *, slug: str, today: date) -> CampaignSpec:
    """The campaign a complete proposal describes, checked by the same rules as every
    campaign (rules/campaign_spec.validate). ``today`` is the KST day of the request: a
    campaign cannot start in the past. Raises Invalid naming the proposal's field."""
    draft = clean_draft(draft)
    if not draft.cause:
        raise Invalid("cause", "required")
    if draft.goal_won is None:
        raise Invalid("goal_won", "required")
    if draft.starts_on is None:
        raise Invalid("starts_on", "required")
    if draft.ends_on is None:
        raise Invalid("ends_on", "required")
    check_days(draft.starts_on, draft.ends_on, today)
    rules = draft.rules
    fundraiser = draft.kind == CampaignKind.FUNDRAISER
    spec = CampaignSpec(
        slug=slug,
        title=draft.title,
        kind=draft.kind,
        goal_won=draft.goal_won,
        starts_at=start_of_day(draft.starts_on),
        ends_at=end_bound(draft.ends_on),
        summary=rules.summary,
        story=draft.cause,
        # A crew fundraiser is the crew's own: only crew see it and give to it.
        internal=fundraiser,
        purse_won=rules.purse_won,
        unit_name=None if fundraiser else rules.unit_name,
        stamps_per_unit=None if fundraiser else rules.stamps_per_unit,
        won_per_unit=None if fundraiser else rules.won_per_unit,
        match_percent=rules.match_percent if fundraiser else 0,
        match_per_person_won=rules.match_per_person_won if fundraiser else None,
        topup_won=rules.topup_won if fundraiser else 0,
        action_types=() if fundraiser else rules.action_types,
        teams=rules.teams if draft.kind == CampaignKind.TEAM else (),
        milestones=() if fundraiser else rules.milestones,
        beneficiaries=tuple(
            b if draft.kind == CampaignKind.TEAM else replace(b, team_code=None)
            for b in rules.beneficiaries
        ),
    )
    validate(spec, names=SPEC_NAMES)
    return spec


# --- Stored form (Proposal.details is JSON) ---------------------------------------------------


def rules_to_json(rules: ProposedRules) -> dict[str, Any]:
    data: dict[str, Any] = {"summary": rules.summary}
    for name in _ROWS:
        data[name] = [row_json(row) for row in getattr(rules, name)]
    for name in _NUMBERS:
        data[name] = getattr(rules, name)
    return data


_ROWS = {
    "beneficiaries": BeneficiarySpec,
    "action_types": ActionTypeSpec,
    "teams": TeamSpec,
    "milestones": MilestoneSpec,
}
_NUMBERS = (
    "purse_won",
    "unit_name",
    "stamps_per_unit",
    "won_per_unit",
    "match_percent",
    "match_per_person_won",
    "topup_won",
)


def _list(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    rows = data.get(key) or []
    if not isinstance(rows, list) or not all(isinstance(row, Mapping) for row in rows):
        raise Invalid(key, "bad_details")
    return rows


def rules_from_json(data: Mapping[str, Any] | None) -> ProposedRules:
    """Read ``Proposal.details`` back; Invalid("…", "bad_details") for a shape this module never
    writes (the values themselves are checked by clean_draft / to_spec)."""
    data = data or {}
    if not isinstance(data, Mapping):
        raise Invalid("details", "bad_details")
    try:
        return ProposedRules(
            summary=str(data.get("summary") or ""),
            **{
                name: tuple(row_from_json(cls, row) for row in _list(data, name))
                for name, cls in _ROWS.items()
            },
            purse_won=data.get("purse_won"),
            unit_name=data.get("unit_name"),
            stamps_per_unit=data.get("stamps_per_unit"),
            won_per_unit=data.get("won_per_unit"),
            match_percent=data.get("match_percent") or 0,
            match_per_person_won=data.get("match_per_person_won"),
            topup_won=data.get("topup_won") or 0,
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise Invalid("details", "bad_details") from exc


def clean_comment(value: str | None, name: str, limit: int) -> str:
    """A comment or a reviewer's reason: required, several lines allowed."""
    return text.clean_text(value, name, limit, required=True, multiline=True)


def clean_line(value: str | None, name: str, limit: int) -> str:
    """One line of text: whitespace collapsed, no control characters, at most ``limit``."""
    return _text(value, name, limit)


def clean_lines(value: str | None, name: str, limit: int) -> str:
    """Several lines of text: trimmed, no control characters but line breaks and tabs."""
    return _text(value, name, limit, lines=True)


def clean_note(value: str | None, name: str, limit: int) -> str | None:
    """An optional remark (an approval note): None when empty, several lines allowed."""
    return _text(value, name, limit, lines=True) or None
