"""What the ledger and the counters hold, read plainly, for tests to compare before and after."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.models import (
    Action,
    CampaignCounter,
    DailyTally,
    Participant,
    Pledge,
    PledgeSource,
    TeamCounter,
    TotalTally,
)


@dataclass(frozen=True)
class Snapshot:
    """Every row count and counter sum a write could change."""

    actions: int
    pledges: int
    pledged_won: int
    daily_tallies: int
    total_tallies: int
    participant_actions: int
    participant_stamps: int
    counter_actions: int
    counter_stamps: int
    sponsor_won: int
    team_actions: int
    team_won: int


def snapshot(session: Session) -> Snapshot:
    """One statement: every figure as a scalar subquery."""

    def total(column) -> object:
        return select(func.coalesce(func.sum(column), 0)).scalar_subquery()

    def count(model) -> object:
        return select(func.count()).select_from(model).scalar_subquery()

    row = session.execute(
        select(
            count(Action),
            count(Pledge),
            total(Pledge.amount_won),
            total(DailyTally.count),
            total(TotalTally.count),
            total(Participant.actions),
            total(Participant.stamps),
            total(CampaignCounter.actions),
            total(CampaignCounter.stamps),
            total(CampaignCounter.sponsor_won),
            total(TeamCounter.actions),
            total(TeamCounter.won),
        )
    ).one()
    return Snapshot(*(int(value) for value in row))


def pledged(session: Session, campaign_id: int, source: PledgeSource | None = None) -> int:
    """The ₩ of a campaign's pledges (of one source), summed from the ledger."""
    statement = select(func.coalesce(func.sum(Pledge.amount_won), 0)).where(
        Pledge.campaign_id == campaign_id
    )
    if source is not None:
        statement = statement.where(Pledge.source == source)
    return int(session.scalar(statement))


def milestone_pledges(session: Session, campaign_id: int) -> dict[int, int]:
    """milestone id → how many pledges unlocked it."""
    rows = session.execute(
        select(Pledge.milestone_id, func.count())
        .where(Pledge.campaign_id == campaign_id, Pledge.milestone_id.is_not(None))
        .group_by(Pledge.milestone_id)
    ).all()
    return {milestone_id: count for milestone_id, count in rows}


def shard_rows(session: Session, campaign_id: int) -> list[CampaignCounter]:
    return list(
        session.scalars(
            select(CampaignCounter)
            .where(CampaignCounter.campaign_id == campaign_id)
            .order_by(CampaignCounter.shard)
            .execution_options(populate_existing=True)
        )
    )
