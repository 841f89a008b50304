"""Time as the campaigns see it: stored in UTC, counted in Korean days (Asia/Seoul)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")


def kst_day(moment: datetime) -> date:
    """The KST calendar day ``moment`` falls on (daily caps count these days)."""
    return moment.astimezone(KST).date()


def start_of_day(day: date) -> datetime:
    """00:00:00 KST of ``day``, in UTC."""
    return datetime.combine(day, time.min, KST).astimezone(UTC)


def end_bound(last_day: date) -> datetime:
    """The first instant after ``last_day`` ends at 23:59:59.999… KST, in UTC.

    Campaigns store this exclusive bound, so an end date is inclusive to its last second.
    """
    return start_of_day(last_day + timedelta(days=1))


def last_day(ends_at: datetime) -> date:
    """The inclusive last KST day of a campaign whose exclusive end is ``ends_at``."""
    return kst_day(ends_at - timedelta(microseconds=1))


def is_within(now: datetime, starts_at: datetime, ends_at: datetime) -> bool:
    return starts_at <= now < ends_at
