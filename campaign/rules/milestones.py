"""Threshold milestones: when the campaign's action count reaches a threshold, the sponsor adds a
fixed sum (댕냥파이트: 50,000 votes unlocked 1,000만원). Tiers are simply several thresholds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Threshold:
    id: int
    threshold: int
    amount_won: int


def crossed(before: int, after: int, milestones: Iterable[Threshold]) -> list[Threshold]:
    """Milestones whose threshold lies in (before, after]: reached by this step, in order."""
    return sorted(
        (m for m in milestones if before < m.threshold <= after), key=lambda m: m.threshold
    )


def reached(count: int, milestones: Iterable[Threshold]) -> list[Threshold]:
    return sorted((m for m in milestones if m.threshold <= count), key=lambda m: m.threshold)


def next_one(count: int, milestones: Iterable[Threshold]) -> Threshold | None:
    ahead = [m for m in milestones if m.threshold > count]
    return min(ahead, key=lambda m: m.threshold) if ahead else None
