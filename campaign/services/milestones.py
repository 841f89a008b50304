"""Unlocking milestones: each one pays its sum exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import Campaign, Milestone, Pledge, PledgeSource
from campaign.rules.calendar import kst_day
from campaign.rules.milestones import Threshold, reached
from campaign.services import counters


def unlock(
    session: Session,
    campaign: Campaign,
    milestone_id: int,
    action_id: int | None,
    shard: int,
    now: datetime,
) -> int | None:
    """Write the milestone's pledge (clamped to the purse) unless it already exists.

    Returns the ₩ granted, or None when the milestone was already unlocked. The milestone row
    is locked first, so two writers that both see the threshold cannot both pay it; the unique
    constraint on ``pledges.milestone_id`` backs this up in the database.
    """
    milestone = session.scalar(
        select(Milestone).where(Milestone.id == milestone_id).with_for_update()
    )
    assert milestone is not None
    if session.scalar(select(Pledge.id).where(Pledge.milestone_id == milestone_id)) is not None:
        return None
    granted = counters.grant(session, campaign, shard, milestone.amount_won)
    session.add(
        Pledge(
            campaign_id=campaign.id,
            source=PledgeSource.MILESTONE,
            amount_won=granted,
            milestone_id=milestone.id,
            action_id=action_id,
            created_at=now,
            kst_day=kst_day(now),
        )
    )
    session.flush()
    return granted


def unlock_reached(session: Session, campaign: Campaign, now: datetime) -> list[int]:
    """Unlock every milestone the campaign's total count has reached (a sweep; idempotent).

    Returns the ids of milestones unlocked by this call.
    """
    if not campaign.milestones:
        return []
    total = counters.totals(session, campaign.id).actions
    thresholds = [Threshold(m.id, m.threshold, m.amount_won) for m in campaign.milestones]
    done = []
    for milestone in reached(total, thresholds):
        if unlock(session, campaign, milestone.id, None, 0, now) is not None:
            done.append(milestone.id)
    return done
