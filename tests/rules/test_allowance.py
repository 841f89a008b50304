"""What of an action's caps is left, and stamps to the next unit."""

from __future__ import annotations

import pytest

from campaign.rules.allowance import Allowance, Blocked, stamps_to_next_unit


@pytest.mark.parametrize(
    ("allowance", "blocked"),
    [
        (Allowance(), None),
        (Allowance(daily_cap=3, used_today=2), None),
        (Allowance(daily_cap=3, used_today=3), Blocked.DAILY),
        (Allowance(total_cap=1, used_total=1), Blocked.TOTAL),
        # The total cap wins: it does not come back tomorrow.
        (Allowance(daily_cap=3, used_today=3, total_cap=3, used_total=3), Blocked.TOTAL),
        (Allowance(daily_cap=3, used_today=1, total_cap=5, used_total=5), Blocked.TOTAL),
        (Allowance(daily_cap=3, used_today=0, total_cap=5, used_total=4), None),
    ],
)
def test_blocked(allowance: Allowance, blocked: Blocked | None) -> None:
    assert allowance.blocked == blocked


def test_capped() -> None:
    assert not Allowance().capped
    assert Allowance(daily_cap=1).capped and Allowance(total_cap=1).capped


@pytest.mark.parametrize(
    ("stamps", "per_unit", "left"),
    [(0, 40, 40), (28, 40, 12), (39, 40, 1), (40, 40, 40), (81, 40, 39)],
)
def test_stamps_to_next_unit(stamps: int, per_unit: int, left: int) -> None:
    assert stamps_to_next_unit(stamps, per_unit) == left


def test_a_unit_needs_stamps() -> None:
    with pytest.raises(ValueError, match="positive"):
        stamps_to_next_unit(3, 0)
