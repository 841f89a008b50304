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
    ActionTypeSpec,
    BeneficiarySpec,
    CampaignSpec,
    MilestoneSpec,
    TeamSpec,
    validate,
)
from campaign.rules.proposals import (
    CAUSE_MAX,
    EARLIEST_DAY,
    LATEST_DAY,
    PLANNING_HORIZON,
    REASON_MAX,
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
    teams = {team.id: team.code for team in campaign.teams}
    return CampaignSpec(
        slug=campaign.slug,
        title=campaign.title,
        kind=campaign.kind,
        goal_won=campaign.goal_won,
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        summary=campaign.summary,
        story=campaign.story,
        internal=campaign.internal,
        purse_won=campaign.purse_won,
        unit_name=campaign.unit_name,
        unit_name_en=campaign.unit_name_en,
        stamps_per_unit=campaign.stamps_per_unit,
        won_per_unit=campaign.won_per_unit,
        match_percent=campaign.match_percent,
        match_per_person_won=campaign.match_per_person_won,
        topup_won=campaign.topup_won,
        draw_winners=campaign.draw_winners,
        counter_shards=campaign.counter_shards,
        action_types=tuple(
            ActionTypeSpec(
                code=a.code,
                label=a.label,
                worth_won=a.worth_won,
                worth_stamps=a.worth_stamps,
                daily_cap=a.daily_cap,
                total_cap=a.total_cap,
                evidence=a.evidence,
                evidence_unique=a.evidence_unique,
            )
            for a in campaign.action_types
        ),
        teams=tuple(TeamSpec(t.code, t.name, t.emoji) for t in campaign.teams),
        milestones=tuple(
            MilestoneSpec(m.threshold, m.amount_won, m.label) for m in campaign.milestones
        ),
        beneficiaries=tuple(
            BeneficiarySpec(b.partner_id, b.share, teams.get(b.team_id) if b.team_id else None)
            for b in campaign.beneficiaries
        ),
    )


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
    scheduled); Invalid (naming the field) when the result could not run. The match and top-up
    stay 0 on a campaign that is not a crew fundraiser.
    """
    if not admin.is_admin or not admin.is_active:
        raise Forbidden()
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
    if locked.kind != CampaignKind.FUNDRAISER:
        details = replace(details, match_percent=0, match_per_person_won=None, topup_won=0)
    for name in ("starts_on", "ends_on"):
        day = getattr(details, name)
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise Invalid(name, "date_range")
    today = kst_day(now)
    if details.starts_on < today:
        raise Invalid("starts_on", "date_past")
    if details.starts_on > today + PLANNING_HORIZON:
        raise Invalid("starts_on", "date_far")
    title = clean_line(details.title, "title", TITLE_MAX)
    if not title:
        raise Invalid("title", "required")
    why = clean_note(reason, "reason", REASON_MAX)
    spec = replace(
        spec_of(locked),
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
    try:
        validate(spec)
    except Invalid as exc:
        name = {"starts_at": "starts_on", "ends_at": "ends_on"}.get(exc.field, exc.field)
        params = {k: v for k, v in exc.params.items() if k not in ("field", "reason")}
        raise Invalid(name, exc.reason, **params) from exc

    before = _snapshot(details_of(locked))
    locked.title = spec.title
    locked.summary = spec.summary
    locked.story = spec.story
    locked.goal_won = spec.goal_won
    locked.starts_at = spec.starts_at
    locked.ends_at = spec.ends_at
    locked.match_percent = spec.match_percent
    locked.match_per_person_won = spec.match_per_person_won
    locked.topup_won = spec.topup_won
    if locked.purse_won != spec.purse_won:
        counters.set_purse(session, locked, spec.purse_won)
        locked.purse_won = spec.purse_won
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
