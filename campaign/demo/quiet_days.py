"""The demo's live campaigns opened a few days ago, but their activity is all from today: the
scheduler, had it been running, would have photographed those first days at zero. Writing
those snapshots gives the daily chart its true shape (flat, then today's climb)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.models import Action, Campaign, CampaignStatus, ProgressSnapshot
from campaign.rules.calendar import end_bound, kst_day


def record_quiet_days(session: Session, now: datetime) -> None:
    """For each live campaign never photographed, a zero snapshot for each day before the day
    of its first counted action (and before today). Running it again adds nothing."""
    today = kst_day(now)
    live = select(Campaign).where(Campaign.status == CampaignStatus.ACTIVE)
    for campaign in session.scalars(live):
        photographed = session.scalar(
            select(func.count())
            .select_from(ProgressSnapshot)
            .where(ProgressSnapshot.campaign_id == campaign.id)
        )
        first = session.scalar(
            select(func.min(Action.counted_at)).where(Action.campaign_id == campaign.id)
        )
        if photographed or first is None:
            continue
        day = kst_day(campaign.starts_at)
        while day < min(kst_day(first), today):
            session.add(
                ProgressSnapshot(
                    campaign_id=campaign.id,
                    kst_day=day,
                    raised_won=0,
                    actions=0,
                    participants=0,
                    taken_at=end_bound(day) - timedelta(microseconds=1),
                )
            )
            day += timedelta(days=1)
    session.flush()
