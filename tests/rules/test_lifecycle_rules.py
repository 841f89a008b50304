"""When a campaign accepts actions: its status and the instant, checked where actions are written
(so the deadline holds even when no job has closed the campaign)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from campaign.errors import CampaignClosed, CampaignNotOpen
from campaign.rules.calendar import KST, end_bound, start_of_day
from campaign.rules.lifecycle import FINISHED, ensure_accepting, is_live
from campaign.rules.states import CampaignStatus as S

STARTS = start_of_day(date(2026, 11, 1))  # 2026-11-01 00:00 KST
ENDS = end_bound(date(2026, 11, 30))  # the first instant after 11-30 ends in KST
MIDDLE = datetime(2026, 11, 15, 3, 0, tzinfo=UTC)
LAST_INSTANT = datetime(2026, 11, 30, 23, 59, 59, 999_999, tzinfo=KST)
NEXT_MIDNIGHT = datetime(2026, 12, 1, 0, 0, 0, tzinfo=KST)


@pytest.mark.parametrize(
    ("status", "now", "error"),
    [
        (S.ACTIVE, MIDDLE, None),
        (S.ACTIVE, STARTS, None),  # now == starts_at: open
        (S.ACTIVE, STARTS - timedelta(microseconds=1), CampaignNotOpen),
        (S.ACTIVE, LAST_INSTANT, None),  # 23:59:59.999999 KST on the end date: still open
        (S.ACTIVE, NEXT_MIDNIGHT, CampaignClosed),  # 00:00:00 KST the next day: over
        (S.ACTIVE, NEXT_MIDNIGHT + timedelta(days=3), CampaignClosed),  # scheduler late
        (S.SCHEDULED, MIDDLE, CampaignNotOpen),
        (S.SCHEDULED, STARTS - timedelta(days=1), CampaignNotOpen),
        (S.PAUSED, MIDDLE, CampaignNotOpen),
        (S.PAUSED, NEXT_MIDNIGHT, CampaignClosed),  # past the end, paused or not
        (S.CLOSED, MIDDLE, CampaignClosed),
        (S.SETTLED, MIDDLE, CampaignClosed),
        (S.CANCELLED, MIDDLE, CampaignClosed),
        (S.CANCELLED, STARTS - timedelta(days=1), CampaignClosed),
    ],
)
def test_ensure_accepting(status: S, now: datetime, error: type[Exception] | None) -> None:
    if error is None:
        ensure_accepting(status, STARTS, ENDS, now)
        assert is_live(status, STARTS, ENDS, now)
    else:
        with pytest.raises(error):
            ensure_accepting(status, STARTS, ENDS, now)
        assert not is_live(status, STARTS, ENDS, now)


def test_the_end_bound_is_midnight_kst_after_the_last_day() -> None:
    bound = end_bound(date(2026, 11, 30))
    assert bound == NEXT_MIDNIGHT
    assert bound == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def test_finished_statuses() -> None:
    assert {S.CLOSED, S.SETTLED, S.CANCELLED} == FINISHED
