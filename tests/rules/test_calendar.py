"""Korean days: stored in UTC, counted in Asia/Seoul (UTC+9, no daylight saving)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from campaign.rules.calendar import KST, end_bound, is_within, kst_day, last_day, start_of_day


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 11, 25, 14, 59, 59, tzinfo=UTC), date(2026, 11, 25)),  # 23:59:59 KST
        (datetime(2026, 11, 25, 14, 59, 59, 999_999, tzinfo=UTC), date(2026, 11, 25)),
        (datetime(2026, 11, 25, 15, 0, 0, tzinfo=UTC), date(2026, 11, 26)),  # 00:00 KST
        (datetime(2026, 11, 25, 0, 0, tzinfo=UTC), date(2026, 11, 25)),  # 09:00 KST
        (datetime(2026, 11, 24, 23, 0, tzinfo=UTC), date(2026, 11, 25)),  # UTC yesterday
        (datetime(2026, 12, 31, 15, 0, tzinfo=UTC), date(2027, 1, 1)),  # new year in Seoul
        (datetime(2026, 11, 26, 0, 0, tzinfo=KST), date(2026, 11, 26)),
        (datetime(2026, 11, 25, 23, 59, 59, 999_999, tzinfo=KST), date(2026, 11, 25)),
    ],
)
def test_kst_day(moment: datetime, day: date) -> None:
    assert kst_day(moment) == day


@pytest.mark.parametrize(
    ("day", "utc"),
    [
        (date(2026, 11, 25), datetime(2026, 11, 24, 15, 0, tzinfo=UTC)),
        (date(2027, 1, 1), datetime(2026, 12, 31, 15, 0, tzinfo=UTC)),
        (date(2028, 3, 1), datetime(2028, 2, 29, 15, 0, tzinfo=UTC)),  # leap year
    ],
)
def test_start_of_day(day: date, utc: datetime) -> None:
    start = start_of_day(day)
    assert start == utc
    assert start.tzinfo == UTC
    assert kst_day(start) == day
    assert kst_day(start - timedelta(microseconds=1)) == day - timedelta(days=1)


@pytest.mark.parametrize(
    "day", [date(2026, 11, 30), date(2026, 12, 31), date(2028, 2, 28), date(2028, 2, 29)]
)
def test_end_bound_makes_the_last_day_inclusive(day: date) -> None:
    bound = end_bound(day)
    assert bound == start_of_day(day + timedelta(days=1))
    assert kst_day(bound - timedelta(microseconds=1)) == day  # 23:59:59.999999 is the last day
    assert kst_day(bound) == day + timedelta(days=1)
    assert last_day(bound) == day  # and back


@pytest.mark.parametrize(
    ("now", "inside"),
    [
        (datetime(2026, 11, 1, 0, 0, tzinfo=KST), True),
        (datetime(2026, 10, 31, 23, 59, 59, 999_999, tzinfo=KST), False),
        (datetime(2026, 11, 30, 23, 59, 59, 999_999, tzinfo=KST), True),
        (datetime(2026, 12, 1, 0, 0, tzinfo=KST), False),
    ],
)
def test_is_within(now: datetime, inside: bool) -> None:
    assert is_within(now, start_of_day(date(2026, 11, 1)), end_bound(date(2026, 11, 30))) is inside
