"""How a counted action turns into ₩ under a campaign's rules.

Two conversions add up: a fixed ₩ per action (cheer giving: 100원 a cheer), and stamps that
become impact units at a declared rate (green challenge: 40 stamps = 1 tree = 5,000원). Units
are counted over the whole campaign, so the action whose stamps complete a unit brings that
unit's ₩; the others bring none. Rates are data on the campaign, never constants here.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class UnitRate:
    stamps_per_unit: int
    won_per_unit: int

    def __post_init__(self) -> None:
        if self.stamps_per_unit <= 0 or self.won_per_unit < 0:
            raise ValueError("a unit needs a positive number of stamps and a ₩ value ≥ 0")

    def units(self, stamps: int) -> Fraction:
        """Impact in units, exact: 12 stamps at 40 a tree is 3/10 of a tree."""
        return Fraction(stamps, self.stamps_per_unit)

    def won_per_stamp(self) -> Fraction:
        return Fraction(self.won_per_unit, self.stamps_per_unit)


def units_completed(stamps_before: int, stamps_after: int, rate: UnitRate) -> int:
    """Whole units finished when the campaign's stamps go from ``before`` to ``after``."""
    return stamps_after // rate.stamps_per_unit - stamps_before // rate.stamps_per_unit


def won_due(*, worth_won: int, stamps_before: int, stamps_added: int, rate: UnitRate | None) -> int:
    """What the rules say one action is worth, before the sponsor's purse is considered."""
    won = worth_won
    if rate is not None and stamps_added:
        won += units_completed(stamps_before, stamps_before + stamps_added, rate) * (
            rate.won_per_unit
        )
    return won


def marginal_won(
    *, worth_won: int, worth_stamps: int, rate: UnitRate | None, purse_left: int | None
) -> int:
    """About how many ₩ one more action adds right now: its fixed ₩ plus the average ₩ of its
    stamps, rounded down, never more than the purse has left."""
    won = Fraction(worth_won)
    if rate is not None:
        won += worth_stamps * rate.won_per_stamp()
    whole = int(won)
    return whole if purse_left is None else max(0, min(whole, purse_left))
