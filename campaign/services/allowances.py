"""What of each action's caps a person has left: the page disables a button with the reason
before the server would refuse it, and shows "오늘 2/3"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import Campaign, DailyTally, TotalTally, User
from campaign.rules.allowance import Allowance
from campaign.rules.calendar import kst_day


def allowances(
    session: Session, campaign: Campaign, user: User | None, now: datetime
) -> dict[str, Allowance]:
    """Each action type's caps and this user's use of them today (KST) and in all: two
    primary-key reads, whatever the number of action types. No user: nothing used."""
    capped = [t for t in campaign.action_types if t.daily_cap or t.total_cap]
    today: dict[int, int] = {}
    overall: dict[int, int] = {}
    if user is not None and capped:
        ids = [t.id for t in capped]
        today = dict(
            session.execute(
                select(DailyTally.action_type_id, DailyTally.count).where(
                    DailyTally.user_id == user.id,
                    DailyTally.kst_day == kst_day(now),
                    DailyTally.action_type_id.in_(ids),
                )
            ).all()
        )
        overall = dict(
            session.execute(
                select(TotalTally.action_type_id, TotalTally.count).where(
                    TotalTally.user_id == user.id, TotalTally.action_type_id.in_(ids)
                )
            ).all()
        )
    return {
        t.code: Allowance(
            daily_cap=t.daily_cap,
            used_today=today.get(t.id, 0),
            total_cap=t.total_cap,
            used_total=overall.get(t.id, 0),
        )
        for t in campaign.action_types
    }
