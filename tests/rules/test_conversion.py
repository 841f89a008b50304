"""Stamps → units → ₩, per-action ₩, and the marginal ₩ a page shows."""

from __future__ import annotations

from fractions import Fraction

import pytest

from campaign.rules.conversion import UnitRate, marginal_won, units_completed, won_due

TREE = UnitRate(stamps_per_unit=40, won_per_unit=5_000)  # 40 stamps = 1 tree = 5,000원
ODD = UnitRate(stamps_per_unit=37, won_per_unit=1_000)  # 37 stamps = 1,000원


@pytest.mark.parametrize(
    ("rate", "before", "after", "units"),
    [
        (TREE, 0, 0, 0),
        (TREE, 0, 39, 0),  # one short of a unit
        (TREE, 0, 40, 1),  # exactly at the boundary
        (TREE, 39, 40, 1),
        (TREE, 40, 41, 0),  # one over: that unit was already finished
        (TREE, 38, 42, 1),  # an action that straddles a boundary
        (TREE, 0, 120, 3),  # several units in one action
        (TREE, 79, 201, 4),  # finishes the units at 80, 120, 160 and 200
        (TREE, 119, 120, 1),
        (ODD, 0, 36, 0),
        (ODD, 0, 37, 1),
        (ODD, 36, 74, 2),  # 37 and 74
        (ODD, 74, 110, 0),
        (ODD, 74, 111, 1),
        (UnitRate(1, 10), 5, 8, 3),
    ],
)
def test_units_completed(rate: UnitRate, before: int, after: int, units: int) -> None:
    assert units_completed(before, after, rate) == units


@pytest.mark.parametrize(
    ("worth_won", "before", "added", "rate", "due"),
    [
        (100, 0, 0, None, 100),  # cheer: a fixed ₩
        (0, 0, 0, None, 0),  # a vote: no ₩ of its own
        (0, 0, 10, TREE, 0),  # stamps that finish no unit bring nothing
        (0, 30, 10, TREE, 5_000),  # the action that completes the tree brings its ₩
        (0, 31, 10, TREE, 5_000),
        (0, 40, 10, TREE, 0),
        (0, 0, 80, TREE, 10_000),  # two trees at once
        (0, 35, 120, TREE, 15_000),  # 40, 80, 120
        (250, 30, 10, TREE, 5_250),  # fixed ₩ and a completed unit add up
        (250, 0, 10, TREE, 250),
        (0, 36, 1, ODD, 1_000),
        (0, 0, 111, ODD, 3_000),
        (0, 37, 36, ODD, 0),
        (0, 37, 37, ODD, 1_000),
        (0, 0, 10, UnitRate(40, 0), 0),  # a unit worth nothing
        (100, 5, 0, TREE, 100),  # no stamps added: the rate plays no part
    ],
)
def test_won_due(worth_won: int, before: int, added: int, rate: UnitRate | None, due: int) -> None:
    assert won_due(worth_won=worth_won, stamps_before=before, stamps_added=added, rate=rate) == due


def test_won_due_over_a_campaign_adds_up_to_whole_units() -> None:
    # 1,000 actions of 3 stamps each at 37 stamps a unit: ₩ for exactly floor(3000/37) units.
    stamps, total = 0, 0
    for _ in range(1_000):
        total += won_due(worth_won=0, stamps_before=stamps, stamps_added=3, rate=ODD)
        stamps += 3
    assert total == (3_000 // 37) * 1_000


@pytest.mark.parametrize(
    ("worth_won", "stamps", "rate", "purse_left", "marginal"),
    [
        (100, 0, None, None, 100),
        (100, 0, None, 1_000, 100),
        (100, 0, None, 40, 40),  # the purse has only 40원 left
        (100, 0, None, 0, 0),
        (100, 0, None, -3, 0),
        (0, 10, TREE, None, 1_250),  # 10 stamps of 125원 on average
        (0, 1, ODD, None, 27),  # 1000/37 = 27.03 → rounded down
        (0, 1, UnitRate(3, 1), None, 0),  # a third of a won → 0
        (50, 10, TREE, None, 1_300),
        (50, 10, TREE, 1_000, 1_000),
    ],
)
def test_marginal_won(
    worth_won: int, stamps: int, rate: UnitRate | None, purse_left: int | None, marginal: int
) -> None:
    assert (
        marginal_won(worth_won=worth_won, worth_stamps=stamps, rate=rate, purse_left=purse_left)
        == marginal
    )


@pytest.mark.parametrize(
    ("rate", "stamps", "units"),
    [(TREE, 12, Fraction(3, 10)), (TREE, 80, Fraction(2)), (ODD, 0, Fraction(0))],
)
def test_units_are_exact_fractions(rate: UnitRate, stamps: int, units: Fraction) -> None:
    assert rate.units(stamps) == units


@pytest.mark.parametrize(("stamps", "won"), [(0, 100), (-1, 100), (40, -1)])
def test_a_unit_rate_needs_positive_stamps_and_non_negative_won(stamps: int, won: int) -> None:
    with pytest.raises(ValueError, match="unit"):
        UnitRate(stamps, won)
