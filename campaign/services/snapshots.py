"""A daily picture of each live campaign's counters, for charts of how the total grew."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import Campaign, ProgressSnapshot, Settlement, SettlementDay
from campaign.rules.calendar import kst_day
from campaign.rules.charts import DayValue
from campaign.services import counters

SERIES_DAYS_MAX = 400  # a campaign runs at most a year


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


def daily_raised(session: Session, campaign: Campaign, latest: DayValue | None) -> list[DayValue]:
    """₩ raised by the end of each KST day the scheduler saw, oldest first. ``latest`` (the
    counters now, on their KST day) stands in for that day's snapshot, which the scheduler
    may not have taken yet."""
    rows = session.scalars(
        select(ProgressSnapshot)
        .where(ProgressSnapshot.campaign_id == campaign.id)
        .order_by(ProgressSnapshot.kst_day)
        .limit(SERIES_DAYS_MAX)
    )
    series = {row.kst_day: row.raised_won for row in rows}
    if not series:
        series = _settled_days(session, campaign)
    if latest is not None:
        series[latest.day] = latest.value
    return [DayValue(day, value) for day, value in sorted(series.items())]


def _settled_days(session: Session, campaign: Campaign) -> dict[date, int]:
    """A closed campaign the scheduler never photographed (closed before snapshots existed,
    or imported): its running total by day from the frozen ledger's daily series."""
    days = session.execute(
        select(SettlementDay.kst_day, SettlementDay.won)
        .join(Settlement, Settlement.id == SettlementDay.settlement_id)
        .where(Settlement.campaign_id == campaign.id)
        .order_by(SettlementDay.kst_day)
        .limit(SERIES_DAYS_MAX)
    )
    running, series = 0, {}
    for day, won in days:
        running += won
        series[day] = running
    return series
