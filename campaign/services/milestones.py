"""Unlocking milestones: each one pays its sum exactly once, at the vote that reaches it.

With one counter row the vote's own count is the campaign's, so the vote that crosses a
threshold unlocks it (``unlock``, called with the row held).

With several rows each vote also reads, in the same statement as its count, the other rows'
committed actions and how many of the campaign's milestones are paid
(``counters.count_action(watching=True)``). When that total has reached a threshold whose
milestone is not paid, the vote unlocks it (``unlock_at_vote``) without waiting for anybody.
That is the crossing vote itself unless several votes crossed at the same instant on different
rows: each of them then sees the others' counts still uncommitted, and the first vote after them
unlocks it, a handful of votes later (as many as were in flight). The scheduler's sweep
(``unlock_reached``) remains for a crossing that no later vote sees: votes stopping right at the
threshold, or a milestone whose ₩ sat in a row another writer held.

Once every milestone of a campaign is paid a process stops watching it (``_ALL_PAID``, keyed by
the campaign's rules revision), so a vote storm after the last milestone pays nothing for this.
"""

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


def unlock_reached(session: Session, campaign: Campaign, now: datetime) -> list[int]:
    """Unlock every milestone the campaign's total count has reached (a sweep; idempotent).

    Returns the ids of milestones unlocked by this call. It first locks every counter row in
    shard order: the count it reads is then final for this transaction, and closing relies on
    this to wait for the actions in flight before it freezes the ledger. Called by the
    scheduler, closing, imports and the CLI, never by a vote (``unlock_at_vote``).
    """
    counters.lock_all(session, campaign.id)
    if not campaign.milestones:
        return []
    total = counters.totals(session, campaign.id).actions
    done = []
    for milestone in reached(total, thresholds(campaign)):
        if unlock(session, campaign, milestone.id, None, 0, now) is not None:
            done.append(milestone.id)
    return done


_ALL_PAID: set[tuple[int, int]] = set()  # (campaign id, rules revision) seen with all paid
_ALL_PAID_MAX = 10_000


def watching(campaign: Campaign) -> bool:
    """Whether a vote on ``campaign`` must read the campaign's total with its count: several
    counter rows and, as far as this process knows, a milestone still unpaid."""
    return (
        campaign.counter_shards > 1
        and bool(campaign.milestones)
        and (campaign.id, campaign.revision) not in _ALL_PAID
    )


def unlock_at_vote(
    session: Session,
    campaign: Campaign,
    counted: counters.Counted,
    action_id: int,
    held_shard: int,
    now: datetime,
) -> list[tuple[Threshold, int]]:
    """Unlock, for the vote ``action_id`` holding counter row ``held_shard``, every milestone
    its watched count (``counters.count_action(watching=True)``) has reached and that is not
    paid yet; returns (milestone, ₩ granted) for each one this vote unlocked.

    It never waits: the vote holds its counter row and has written its action row, which another
    writer with the same evidence may be waiting for. So a milestone another writer is
    unlocking right now, or whose ₩ sit in a row another writer holds, is left to the next vote
    (or the sweep).
    """
    assert counted.campaign_actions is not None and counted.milestones_paid is not None
    if counted.milestones_paid >= len(campaign.milestones):
        # Committed before this vote began: every later vote may skip the watch.
        if len(_ALL_PAID) >= _ALL_PAID_MAX:
            _ALL_PAID.clear()
        _ALL_PAID.add((campaign.id, campaign.revision))
        return []
    due = reached(counted.campaign_actions, thresholds(campaign))
    if len(due) <= counted.milestones_paid:
        return []  # what this vote can see reached is paid
    unlocked = []
    for milestone in due:
        granted = _unlock_without_waiting(
            session, campaign, milestone.id, held_shard, action_id, now
        )
        if granted is not None:
            unlocked.append((milestone, granted))
    return unlocked


def thresholds(campaign: Campaign) -> list[Threshold]:
    return [Threshold(m.id, m.threshold, m.amount_won) for m in campaign.milestones]


def _unlock_without_waiting(
    session: Session,
    campaign: Campaign,
    milestone_id: int,
    held_shard: int,
    action_id: int,
    now: datetime,
) -> int | None:
    milestone = session.scalar(
        select(Milestone).where(Milestone.id == milestone_id).with_for_update(skip_locked=True)
    )
    if milestone is None or _unlocked(session, milestone_id):
        return None  # another writer is unlocking it right now, or has
    # On PostgreSQL a lower row may be skipped; a milestone is paid once, so it must not be paid
    # short while ₩ wait in a busy row: undo and leave it to the next vote or the sweep.
    attempt = session.begin_nested()
    granted = counters.grant_from_held(session, campaign, held_shard, milestone.amount_won)
    if granted is None:
        attempt.rollback()
        return None
    attempt.commit()
    _write_pledge(session, campaign, milestone, granted, action_id, now)
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
