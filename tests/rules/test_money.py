"""Integer won: largest-remainder splits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.rules.money import allocate


@pytest.mark.parametrize(
    ("total", "shares", "parts"),
    [
        (100, [1, 1], [50, 50]),
        (100, [1, 1, 1], [34, 33, 33]),  # the odd won goes to the earliest of the tied
        (101, [1, 1], [51, 50]),
        (10, [3, 7], [3, 7]),
        (10, [1, 2, 3], [2, 3, 5]),  # exact 1.67/3.33/5: remainders .67 > .33 > 0
        (7, [1, 1, 1, 1], [2, 2, 2, 1]),
        (1, [1, 1, 1], [1, 0, 0]),
        (0, [5, 5], [0, 0]),
        (1_000, [0, 1], [0, 1_000]),  # a zero share gets nothing
        (5, [2, 1, 2], [2, 1, 2]),
        (6, [2, 1, 2], [3, 1, 2]),  # 2.4/1.2/2.4: one left, ties → the earlier share
        (-100, [1, 1, 1], [-34, -33, -33]),  # a reversal splits as the mirror of the pledge
        (-7, [1, 2], [-2, -5]),
        (10**13, [1, 1, 1], [3_333_333_333_334, 3_333_333_333_333, 3_333_333_333_333]),
    ],
)
def test_allocate(total: int, shares: list[int], parts: list[int]) -> None:
    assert allocate(total, shares) == parts
    assert sum(parts) == total


@pytest.mark.parametrize("shares", [[], [0], [0, 0], [1, -1], [-1, 3]])
def test_allocate_needs_non_negative_shares_with_a_positive_sum(shares: list[int]) -> None:
    with pytest.raises(ValueError, match="shares"):
        allocate(100, shares)


@given(
    total=st.integers(-(10**12), 10**12),
    shares=st.lists(st.integers(0, 10**6), min_size=1, max_size=12).filter(sum),
)
def test_allocate_parts_always_sum_exactly_and_stay_within_one_won(
    total: int, shares: list[int]
) -> None:
    parts = allocate(total, shares)
    assert sum(parts) == total
    whole = sum(shares)
    for part, share in zip(parts, shares, strict=True):
        assert abs(part * whole - total * share) < whole  # |part - exact| < 1 won
    assert allocate(total, shares) == parts  # deterministic
