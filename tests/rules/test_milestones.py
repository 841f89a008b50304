"""Threshold milestones: which ones a step crosses, which are reached, which is next."""

from __future__ import annotations

import pytest

from campaign.rules.milestones import Threshold, crossed, next_one, reached

# Listed out of order on purpose: the rules sort by threshold.
TIERS = (
    Threshold(3, 100_000, 30_000_000),
    Threshold(1, 50_000, 10_000_000),
    Threshold(2, 80_000, 20_000_000),
)


def ids(milestones: list[Threshold]) -> list[int]:
    return [m.id for m in milestones]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (49_998, 49_999, []),  # one below
        (49_999, 50_000, [1]),  # exactly at the threshold
        (50_000, 50_001, []),  # one over: already crossed by the previous step
        (0, 49_999, []),
        (0, 100_000, [1, 2, 3]),  # several tiers in one step, in order
        (60_000, 90_000, [2]),
        (79_999, 100_000, [2, 3]),
        (100_000, 10**9, []),
        (5, 5, []),  # no step
    ],
)
def test_crossed(before: int, after: int, expected: list[int]) -> None:
    assert ids(crossed(before, after, TIERS)) == expected


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, []),
        (49_999, []),
        (50_000, [1]),
        (79_999, [1]),
        (80_000, [1, 2]),
        (10**9, [1, 2, 3]),
    ],
)
def test_reached(count: int, expected: list[int]) -> None:
    assert ids(reached(count, TIERS)) == expected


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, 1), (49_999, 1), (50_000, 2), (79_999, 2), (80_000, 3), (100_000, None)],
)
def test_next_one(count: int, expected: int | None) -> None:
    found = next_one(count, TIERS)
    assert (found.id if found else None) == expected


def test_no_milestones() -> None:
    assert crossed(0, 10, []) == []
    assert reached(10, []) == []
    assert next_one(10, []) is None
