"""Admins edit an approved campaign before it starts; each edit is in the audit trail.

Once a campaign has started its rules are frozen. Before that an admin may still correct what
the proposal said: the title and texts, the goal, the dates, the sponsor's purse (for a crew
fundraiser the company cap) and the company's match and top-up. The changed campaign must pass
the same rules as a new one (rules/campaign_spec.validate).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.errors import Forbidden, IllegalTransition, Invalid, NotFound
from campaign.models import Campaign, CampaignKind, CampaignStatus, User
from campaign.rules.calendar import end_bound, kst_day, last_day, start_of_day
from campaign.rules.campaign_spec import (
    CampaignSpec,
    check_days,
    spec_from_model,
    validate,
)
from campaign.rules.proposals import (
    CAUSE_MAX,
    REASON_MAX,
    SPEC_NAMES,
    SUMMARY_MAX,
    TITLE_MAX,
    clean_line,
    clean_lines,
    clean_note,
)
from campaign.services import audit, counters
from campaign.services.campaigns import campaign_at


@dataclass(frozen=True)
class ScheduledDetails:
    """What an admin may change before launch (dates are KST days, the end inclusive)."""

    title: str
    summary: str
    story: str
    goal_won: int
    starts_on: date
    ends_on: date
    purse_won: int | None = None
    match_percent: int = 0
    match_per_person_won: int | None = None
    topup_won: int = 0


def details_of(campaign: Campaign) -> ScheduledDetails:
    return ScheduledDetails(
        title=campaign.title,
        summary=campaign.summary,
        story=campaign.story,
        goal_won=campaign.goal_won,
        starts_on=kst_day(campaign.starts_at),
        ends_on=last_day(campaign.ends_at),
        purse_won=campaign.purse_won,
        match_percent=campaign.match_percent,
        match_per_person_won=campaign.match_per_person_won,
        topup_won=campaign.topup_won,
    )


def spec_of(campaign: Campaign) -> CampaignSpec:
    """The campaign as a spec again (to check it by the rules every campaign passes)."""
    return spec_from_model(campaign)


def _snapshot(details: ScheduledDetails) -> dict[str, Any]:
    return {
        f.name: (value.isoformat() if isinstance(value, date) else value)
        for f in fields(ScheduledDetails)
        for value in [getattr(details, f.name)]
    }


def find_scheduled(session: Session, slug: str) -> Campaign:
    campaign = campaign_at(session, slug)
    if campaign is None:
        raise NotFound()
    return campaign


def is_editable(campaign: Campaign, now: datetime) -> bool:
    return campaign.status == CampaignStatus.SCHEDULED and now < campaign.starts_at


def edit_scheduled_campaign(
    session: Session,
    admin: User,
    campaign: Campaign,
    details: ScheduledDetails,
    reason: str | None,
    now: datetime,
) -> bool:
    """Change a scheduled campaign that has not started; audited as "campaign.edit" with the
    changed fields before and after. Returns whether anything changed.

    Forbidden for non-admins; IllegalTransition once the campaign has started (or is not
    scheduled); Invalid (naming the field) when the result could not run, or when its dates
    break a rule a proposal's dates must keep (rules/campaign_spec.check_days). The match and
    top-up stay 0 on a campaign that is not a crew fundraiser.
    """
    _check_admin(admin)
    locked = _lock_editable(session, campaign, now)
    spec = edited_spec(spec_of(locked), details, today=kst_day(now))
    why = clean_note(reason, "reason", REASON_MAX)
    before = _snapshot(details_of(locked))
    _apply(session, locked, spec)
    after = _snapshot(details_of(locked))
    changed = [key for key in before if before[key] != after[key]]
    if not changed:
        return False
    audit.record(
        session,
        actor=admin,
        action="campaign.edit",
        now=now,
        campaign_id=locked.id,
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
        reason=why,
    )
    session.flush()
    return True


def _check_admin(admin: User) -> None:
    if not admin.is_admin or not admin.is_active:
        raise Forbidden()


def _lock_editable(session: Session, campaign: Campaign, now: datetime) -> Campaign:
    """The campaign re-read under a row lock; IllegalTransition unless it is still editable."""
    locked = session.scalar(
        select(Campaign)
        .where(Campaign.id == campaign.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise NotFound()
    if not is_editable(locked, now):
        raise IllegalTransition(status=locked.status.value)
    return locked


def edited_spec(current: CampaignSpec, details: ScheduledDetails, *, today: date) -> CampaignSpec:
    """``current`` with the admin's ``details``, checked by the rules a proposal's campaign
    passes (the same dates, texts and rules/campaign_spec.validate). Raises Invalid naming
    the field of the edit form."""
    if current.kind != CampaignKind.FUNDRAISER:
        details = replace(details, match_percent=0, match_per_person_won=None, topup_won=0)
    check_days(details.starts_on, details.ends_on, today)
    title = clean_line(details.title, "title", TITLE_MAX)
    if not title:
        raise Invalid("title", "required")
    spec = replace(
        current,
        title=title,
        summary=clean_line(details.summary, "summary", SUMMARY_MAX),
        story=clean_lines(details.story, "story", CAUSE_MAX),
        goal_won=details.goal_won,
        starts_at=start_of_day(details.starts_on),
        ends_at=end_bound(details.ends_on),
        purse_won=details.purse_won,
        match_percent=details.match_percent,
        match_per_person_won=details.match_per_person_won,
        topup_won=details.topup_won,
    )
    validate(spec, names={k: v for k, v in SPEC_NAMES.items() if k != "story"})
    return spec


def _apply(session: Session, campaign: Campaign, spec: CampaignSpec) -> None:
    for name in _EDITABLE:
        setattr(campaign, name, getattr(spec, name))
    if campaign.purse_won != spec.purse_won:
        counters.set_purse(session, campaign, spec.purse_won)
        campaign.purse_won = spec.purse_won


_EDITABLE = (
    "title",
    "summary",
    "story",
    "goal_won",
    "starts_at",
    "ends_at",
    "match_percent",
    "match_per_person_won",
    "topup_won",
)
