"""Who leads a team fight, and by how much: the one rule behind the live "ahead by N votes"
sentence and the settlement's winner, so the page can never name a winner the settlement
does not (or call a tie the settlement breaks)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

Team = TypeVar("Team", bound=Hashable)


@dataclass(frozen=True)
class Lead(Generic[Team]):
    """``leader``: the one team strictly ahead, or None when the top is shared (a tie) or
    nobody has counted an action yet. ``gap``: actions between the first and the second
    (0 for a tie)."""

    leader: Team | None
    gap: int

    @property
    def tied(self) -> bool:
        return self.leader is None


def lead(actions: Mapping[Team, int]) -> Lead[Team]:
    """The lead of teams with these counted actions. No tie-break: equal counts at the top are
    a tie, and a fight nobody voted in has no leader; a lone team with votes leads by them all."""
    ranked = sorted(actions.values(), reverse=True)
    if not ranked or ranked[0] <= 0:
        return Lead(None, 0)
    runner_up = ranked[1] if len(ranked) > 1 else 0
    if ranked[0] == runner_up:
        return Lead(None, 0)
    best = ranked[0]
    leader = next(team for team, count in actions.items() if count == best)
    return Lead(leader, best - runner_up)
