"""What a campaign page shows, read from counters (never by summing the ledger)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from campaign.models import (
    Action,
    ActionType,
    Campaign,
    CampaignStatus,
    Correction,
    Participant,
    Pledge,
    PledgeSource,
    Settlement,
    SettlementTeam,
    User,
)
from campaign.rules.accounts import mask_name
from campaign.rules.conversion import marginal_won
from campaign.rules.countdown import Countdown, countdown
from campaign.rules.lifecycle import is_live
from campaign.rules.team_fight import Lead
from campaign.rules.team_fight import lead as team_lead
from campaign.services import counters
from campaign.services.actions import unit_rate
from campaign.services.campaigns import can_see, visible_campaigns
from campaign.services.impact import Impact, campaign_impact, impacts


def decimal_units(units: Fraction | None) -> str | None:
    """Impact units with one decimal, rounded down so it never claims more than was done:
    12 stamps at 40 a tree → "0.3"."""
    if units is None:
        return None
    tenths = math.floor(units * 10)
    return f"{tenths // 10}.{tenths % 10}"


@dataclass(frozen=True)
class TeamProgress:
    id: int
    code: str
    name: str
    emoji: str
    actions: int
    participants: int
    won: int
    percent: float  # share of all team actions, 0–100


@dataclass(frozen=True)
class MilestoneProgress:
    """``amount_won`` is what the milestone really paid once unlocked (less than declared when
    the purse clamped it), the declared sum before."""

    id: int
    threshold: int
    amount_won: int
    label: str
    reached: bool
    declared_won: int = 0
    paid_won: int | None = None  # None: not unlocked (yet)

    @property
    def clamped(self) -> bool:
        return self.paid_won is not None and self.paid_won < self.declared_won


@dataclass(frozen=True)
class Progress:
    raised: int
    goal: int
    actions: int
    stamps: int
    participants: int
    sponsor_won: int
    crew_won: int
    topup_won: int
    purse_won: int | None
    purse_left: int | None
    # Units the purse paid for (whole units); see services/impact.py.
    units: Fraction | None
    teams: list[TeamProgress]
    milestones: list[MilestoneProgress]
    marginal_won: dict[str, int]
    live: bool
    units_counted: Fraction | None = None  # what the stamps add up to, paid or not
    units_unfunded: int | None = None  # whole units counted after the purse ran out
    # Which team is ahead (its code) and by how many actions; None without teams. The same
    # rule picks the settlement's winner (rules/team_fight.py).
    lead: Lead[str] | None = None

    @property
    def percent(self) -> float:
        return min(100.0, 100.0 * self.raised / self.goal) if self.goal else 0.0

    @property
    def next_milestone(self) -> MilestoneProgress | None:
        return next((m for m in self.milestones if not m.reached), None)

    @property
    def purse_exhausted(self) -> bool:
        return self.purse_left is not None and self.purse_left <= 0


def progress(session: Session, campaign: Campaign, now: datetime) -> Progress:
    totals, by_team = counters.totals_with_teams(
        session, campaign.id, [team.id for team in campaign.teams]
    )
    team_actions = sum(t.actions for t in by_team.values())
    teams = [
        TeamProgress(
            id=team.id,
            code=team.code,
            name=team.name,
            emoji=team.emoji,
            actions=by_team[team.id].actions,
            participants=by_team[team.id].participants,
            won=by_team[team.id].won,
            percent=(100.0 * by_team[team.id].actions / team_actions)
            if team_actions
            else 100.0 / len(campaign.teams),
        )
        for team in campaign.teams
    ]
    rate = unit_rate(campaign)
    purse_left = totals.purse_left
    paid = _milestones_paid(session, campaign)
    impact = campaign_impact(
        session,
        campaign,
        totals.stamps,
        totals.sponsor_won,
        sum(paid.values()) if campaign.milestones else 0,
    )
    return Progress(
        raised=totals.raised,
        goal=campaign.goal_won,
        actions=totals.actions,
        stamps=totals.stamps,
        participants=totals.participants,
        sponsor_won=totals.sponsor_won,
        crew_won=totals.crew_won,
        topup_won=totals.topup_won,
        purse_won=campaign.purse_won,
        purse_left=purse_left,
        units=Fraction(impact.funded) if impact else None,
        units_counted=impact.counted if impact else None,
        units_unfunded=impact.unfunded if impact else None,
        teams=teams,
        lead=_lead(session, campaign, teams),
        milestones=[
            MilestoneProgress(
                m.id,
                m.threshold,
                paid.get(m.id, m.amount_won),
                m.label,
                totals.actions >= m.threshold or m.id in paid,
                declared_won=m.amount_won,
                paid_won=paid.get(m.id),
            )
            for m in campaign.milestones
        ],
        marginal_won={
            t.code: marginal_won(
                worth_won=t.worth_won, worth_stamps=t.worth_stamps, rate=rate, purse_left=purse_left
            )
            for t in campaign.action_types
        },
        live=is_live(campaign.status, campaign.starts_at, campaign.ends_at, now),
    )


def _lead(session: Session, campaign: Campaign, teams: list[TeamProgress]) -> Lead[str] | None:
    """Live, the lead of the team counters. Once the settlement is frozen, the lead of its
    team results: a void after close moves the counters but never the winner, and the page
    must name the team the settlement crowned (a few rows by the settlement's primary key)."""
    if not teams:
        return None
    frozen = (
        dict(
            session.execute(
                select(SettlementTeam.team_id, SettlementTeam.actions)
                .join(Settlement, Settlement.id == SettlementTeam.settlement_id)
                .where(Settlement.campaign_id == campaign.id)
            ).all()
        )
        if campaign.status in (CampaignStatus.CLOSED, CampaignStatus.SETTLED)
        else {}
    )
    return team_lead({t.code: int(frozen.get(t.id, t.actions)) for t in teams})


def _milestones_paid(session: Session, campaign: Campaign) -> dict[int, int]:
    """What each unlocked milestone paid (by the unique milestone_id: a handful of rows)."""
    if not campaign.milestones:
        return {}
    return {
        milestone_id: int(amount)
        for milestone_id, amount in session.execute(
            select(Pledge.milestone_id, Pledge.amount_won).where(
                Pledge.milestone_id.in_([m.id for m in campaign.milestones])
            )
        )
    }


@dataclass(frozen=True)
class Activity:
    masked_name: str
    action_label: str
    team_code: str | None
    won: int
    counted_at: datetime


def recent_activity(session: Session, campaign: Campaign, limit: int = 10) -> list[Activity]:
    """The latest counted actions with masked names (홍*동); a voided action is left out (it
    no longer counts, so the public must not see it as if it did).

    A backward scan of ix_actions_campaign_id_id that probes the unique corrections.action_id
    index per row and stops after ``limit`` rows kept: an anti-join rather than
    ``not_in(voided_ids())``, which would read every correction of every campaign first."""
    latest = (
        select(Action.id)
        .where(
            Action.campaign_id == campaign.id,
            ~exists().where(Correction.action_id == Action.id),
        )
        .order_by(Action.id.desc())
        .limit(limit)
        .subquery()
    )
    won = (
        select(func.coalesce(func.sum(Pledge.amount_won), 0))
        .where(Pledge.action_id == Action.id, Pledge.source == PledgeSource.ACTION)
        .scalar_subquery()
    )
    rows = session.execute(
        select(User.display_name, ActionType.label, Action.team_id, Action.counted_at, won)
        .join(latest, latest.c.id == Action.id)
        .join(User, User.id == Action.user_id)
        .join(ActionType, ActionType.id == Action.action_type_id)
        .order_by(Action.id.desc())
    ).all()
    team_codes = {team.id: team.code for team in campaign.teams}
    return [
        Activity(mask_name(name), label, team_codes.get(team_id), int(amount), counted_at)
        for name, label, team_id, counted_at, amount in rows
    ]


@dataclass(frozen=True)
class Contribution:
    joined: bool
    team_code: str | None = None
    actions: int = 0
    stamps: int = 0
    won: int = 0  # sponsor ₩ pledged for this person's own actions
    gifted_won: int = 0
    matched_won: int = 0
    units: Fraction | None = None  # their share of the units the purse paid for
    units_unfunded: Fraction | None = None  # their share of the units counted but unfunded


def contribution(session: Session, campaign: Campaign, user: User | None) -> Contribution:
    """The viewer's own part: their participant counters and their actions' pledges."""
    if user is None:
        return Contribution(joined=False)
    participant = session.scalar(
        select(Participant).where(
            Participant.campaign_id == campaign.id, Participant.user_id == user.id
        )
    )
    if participant is None:
        return Contribution(joined=False)
    won = session.scalar(
        select(func.coalesce(func.sum(Pledge.amount_won), 0)).where(
            Pledge.campaign_id == campaign.id,
            Pledge.user_id == user.id,
            Pledge.source == PledgeSource.ACTION,
        )
    )
    return _contribution_of(
        campaign, participant, int(won or 0), impacts(session, [campaign]).get(campaign.id)
    )


def _contribution_of(
    campaign: Campaign, participant: Participant, won: int, impact: Impact | None
) -> Contribution:
    team_codes = {team.id: team.code for team in campaign.teams}
    funded = unfunded = None
    if impact is not None:
        funded, unfunded = impact.share(participant.stamps)
    return Contribution(
        joined=True,
        team_code=team_codes.get(participant.team_id) if participant.team_id else None,
        actions=participant.actions,
        stamps=participant.stamps,
        won=won,
        gifted_won=participant.gifted_won,
        matched_won=participant.matched_won,
        units=funded,
        units_unfunded=unfunded,
    )


@dataclass(frozen=True)
class CampaignCard:
    campaign: Campaign
    progress: Progress
    countdown: Countdown


def campaign_cards(
    session: Session,
    viewer: User | None,
    now: datetime,
    *,
    finished: bool = False,
    limit: int | None = None,
) -> list[CampaignCard]:
    """The campaigns ``viewer`` may see (live and upcoming, or the finished ones, latest first),
    each with its progress and where it stands in time: a few counter rows per campaign."""
    campaigns = visible_campaigns(session, viewer, finished=finished)
    return [
        CampaignCard(
            campaign,
            progress(session, campaign, now),
            countdown(campaign.status, campaign.starts_at, campaign.ends_at, now),
        )
        for campaign in campaigns[:limit]
    ]


@dataclass(frozen=True)
class MyChallenge:
    campaign: Campaign
    contribution: Contribution
    countdown: Countdown


def my_challenges(session: Session, user: User, now: datetime) -> list[MyChallenge]:
    """Every campaign ``user`` joined (and may still see), latest first, with their own part;
    the number of queries does not grow with the number of campaigns."""
    rows = session.execute(
        select(Participant, Campaign)
        .join(Campaign, Campaign.id == Participant.campaign_id)
        .where(Participant.user_id == user.id)
        .order_by(Participant.joined_at.desc(), Participant.id.desc())
    ).all()
    pledged = dict(
        session.execute(
            select(Pledge.campaign_id, func.coalesce(func.sum(Pledge.amount_won), 0))
            .where(Pledge.user_id == user.id, Pledge.source == PledgeSource.ACTION)
            .group_by(Pledge.campaign_id)
        ).all()
    )
    seen = [(p, c) for p, c in rows if can_see(c, user)]
    by_campaign = impacts(session, [c for _p, c in seen])
    mine = []
    for participant, campaign in seen:
        mine.append(
            MyChallenge(
                campaign,
                _contribution_of(
                    campaign,
                    participant,
                    int(pledged.get(campaign.id, 0)),
                    by_campaign.get(campaign.id),
                ),
                countdown(campaign.status, campaign.starts_at, campaign.ends_at, now),
            )
        )
    return mine


@dataclass(frozen=True)
class MyAction:
    campaign_slug: str
    campaign_title: str
    action_label: str
    evidence: str | None
    stamps: int
    won: int
    counted_at: datetime
    voided: bool = False  # an admin voided it: it no longer counts (won is then what is left)
    void_reason: str | None = None  # the admin's reason, as the notice already told them


def my_recent_actions(session: Session, user: User, limit: int = 20) -> list[MyAction]:
    """The user's latest actions across campaigns, with the ₩ each one pledged; a voided one
    stays in the list, marked voided with the admin's reason, so it never vanishes silently."""
    won = (
        select(func.coalesce(func.sum(Pledge.amount_won), 0))
        .where(Pledge.action_id == Action.id, Pledge.source == PledgeSource.ACTION)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Campaign,
            ActionType.label,
            Action.evidence,
            Action.stamps,
            won,
            Action.counted_at,
            Correction.reason,
            Correction.id.is_not(None),
        )
        .join(Campaign, Campaign.id == Action.campaign_id)
        .join(ActionType, ActionType.id == Action.action_type_id)
        .outerjoin(Correction, Correction.action_id == Action.id)
        .where(Action.user_id == user.id)
        .order_by(Action.id.desc())
        .limit(limit)
    ).all()
    return [
        MyAction(
            campaign.slug,
            campaign.title,
            label,
            evidence,
            stamps,
            int(amount),
            counted_at,
            voided=bool(voided),
            void_reason=reason if voided else None,
        )
        for campaign, label, evidence, stamps, amount, counted_at, reason, voided in rows
        if can_see(campaign, user)
    ]
