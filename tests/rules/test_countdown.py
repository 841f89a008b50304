"""Where a campaign stands in time, in KST days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from campaign.rules.calendar import end_bound, start_of_day
from campaign.rules.countdown import Countdown, Phase, countdown
from campaign.rules.states import CampaignStatus as S

START = start_of_day(date(2026, 12, 1))
END = end_bound(date(2026, 12, 10))  # last day 12-10 KST, inclusive


def at(day: int, hours_utc: float = 3) -> datetime:
    return datetime(2026, 12, day, tzinfo=UTC) + timedelta(hours=hours_utc)


@pytest.mark.parametrize(
    ("status", "now", "expected"),
    [
        (S.SCHEDULED, START - timedelta(days=2), Countdown(Phase.UPCOMING)),
        (S.ACTIVE, START - timedelta(seconds=1), Countdown(Phase.UPCOMING)),
        (S.SCHEDULED, START + timedelta(hours=1), Countdown(Phase.UPCOMING)),  # not opened yet
        (S.ACTIVE, START, Countdown(Phase.LIVE, 9)),
        (S.ACTIVE, at(7), Countdown(Phase.LIVE, 3)),
        # 23:59 KST on 12-09 is still one day before the last day
        (S.ACTIVE, datetime(2026, 12, 9, 14, 59, tzinfo=UTC), Countdown(Phase.LIVE, 1)),
        # 00:00 KST on 12-10: the last day
        (S.ACTIVE, datetime(2026, 12, 9, 15, 0, tzinfo=UTC), Countdown(Phase.LIVE, 0)),
        (S.ACTIVE, END - timedelta(microseconds=1), Countdown(Phase.LIVE, 0)),
        (S.PAUSED, at(7), Countdown(Phase.PAUSED, 3)),
        (S.ACTIVE, END, Countdown(Phase.ENDED)),  # the deadline wins over a late scheduler
        (S.PAUSED, END + timedelta(days=1), Countdown(Phase.ENDED)),
        (S.CLOSED, at(5), Countdown(Phase.ENDED)),
        (S.SETTLED, at(5), Countdown(Phase.ENDED)),
        (S.CANCELLED, START - timedelta(days=1), Countdown(Phase.ENDED)),
    ],
)
def test_countdown(status: S, now: datetime, expected: Countdown) -> None:
    assert countdown(status, START, END, now) == expected
