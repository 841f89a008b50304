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
    constraint on ``pledges.milestone_id`` backs this up in the database. The caller holds the
    counter row ``shard`` (an action on a one-row campaign) or all of them (a sweep), so nobody
    else can be waiting for this milestone while holding a counter row.
    """
    milestone = session.scalar(
        select(Milestone).where(Milestone.id == milestone_id).with_for_update()
    )
    assert milestone is not None
    if _unlocked(session, milestone_id):
        return None
    granted = counters.grant(session, campaign, shard, milestone.amount_won)
    _write_pledge(session, campaign, milestone, granted, action_id, now)
    return granted


def unlock_reached(
    session: Session, campaign: Campaign, now: datetime, *, held_shard: int | None = None
) -> list[int]:
    """Unlock every milestone the campaign's total count has reached (a sweep; idempotent).

    Returns the ids of milestones unlocked by this call.

    Called without ``held_shard`` (the scheduler, closing, the CLI) it first locks every counter
    row in shard order: the count it reads is then final for this transaction, and closing
    relies on this to wait for the actions in flight before it freezes the ledger. Called by an
    action that holds its counter row ``held_shard`` (and has written its action row, which
    another writer with the same evidence may be waiting for) it never waits for anything, so
    it leaves a milestone to a later sweep whenever another writer holds the milestone, or holds
    a row whose ₩ the milestone would need.
    """
    if held_shard is None:
        counters.lock_all(session, campaign.id)
    if not campaign.milestones:
        return []
    total = counters.totals(session, campaign.id).actions
    thresholds = [Threshold(m.id, m.threshold, m.amount_won) for m in campaign.milestones]
    done = []
    for milestone in reached(total, thresholds):
        if held_shard is None:
            granted = unlock(session, campaign, milestone.id, None, 0, now)
        else:
            granted = _unlock_without_waiting(session, campaign, milestone.id, held_shard, now)
        if granted is not None:
            done.append(milestone.id)
    return done


def _unlock_without_waiting(
    session: Session, campaign: Campaign, milestone_id: int, held_shard: int, now: datetime
) -> int | None:
    milestone = session.scalar(
        select(Milestone).where(Milestone.id == milestone_id).with_for_update(skip_locked=True)
    )
    if milestone is None or _unlocked(session, milestone_id):
        return None  # another writer is unlocking it right now, or has
    # On PostgreSQL a lower row may be skipped; a milestone is paid once, so it must not be paid
    # short while ₩ wait in a busy row: undo and leave it to the sweep.
    attempt = session.begin_nested()
    granted = counters.grant_from_held(session, campaign, held_shard, milestone.amount_won)
    if granted is None:
        attempt.rollback()
        return None
    attempt.commit()
    _write_pledge(session, campaign, milestone, granted, None, now)
    return granted


def _unlocked(session: Session, milestone_id: int) -> bool:
    return session.scalar(select(Pledge.id).where(Pledge.milestone_id == milestone_id)) is not None


def _write_pledge(
    session: Session,
    campaign: Campaign,
    milestone: Milestone,
    granted: int,
    action_id: int | None,
    now: datetime,
) -> None:
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
