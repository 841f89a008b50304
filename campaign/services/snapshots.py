"""A daily picture of each live campaign's counters, for charts of how the total grew."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from campaign.models import Campaign, ProgressSnapshot
from campaign.rules.calendar import kst_day
from campaign.services import counters


def take_snapshot(session: Session, campaign: Campaign, now: datetime) -> ProgressSnapshot:
    """Record today's (KST) counters; running it again the same day updates the same row."""
    totals = counters.totals(session, campaign.id)
    day = kst_day(now)
    snapshot = session.get(ProgressSnapshot, (campaign.id, day))
    if snapshot is None:
        snapshot = ProgressSnapshot(campaign_id=campaign.id, kst_day=day)
        session.add(snapshot)
    snapshot.raised_won = totals.raised
    snapshot.actions = totals.actions
    snapshot.participants = totals.participants
    snapshot.taken_at = now
    session.flush()
    return snapshot
