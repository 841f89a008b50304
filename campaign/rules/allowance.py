"""How much of an action's caps a person has used, and whether one more can count."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Blocked(StrEnum):
    DAILY = "daily"  # today's cap is used up: back tomorrow (KST)
    TOTAL = "total"  # the per-person cap for the whole campaign is used up


@dataclass(frozen=True)
class Allowance:
    """One person's use of one action type's caps (None: the action has no such cap)."""

    daily_cap: int | None = None
    used_today: int = 0
    total_cap: int | None = None
    used_total: int = 0

    @property
    def blocked(self) -> Blocked | None:
        """Why one more would be refused; the total cap wins, as it does not reset."""
        if self.total_cap is not None and self.used_total >= self.total_cap:
            return Blocked.TOTAL
        if self.daily_cap is not None and self.used_today >= self.daily_cap:
            return Blocked.DAILY
        return None

    @property
    def capped(self) -> bool:
        return self.daily_cap is not None or self.total_cap is not None


def stamps_to_next_unit(stamps: int, stamps_per_unit: int) -> int:
    """Stamps the campaign still needs to finish its next unit: 28 of 40 → 12, 40 of 40 → 40."""
    if stamps_per_unit <= 0:
        raise ValueError("a unit needs a positive number of stamps")
    return stamps_per_unit - stamps % stamps_per_unit
