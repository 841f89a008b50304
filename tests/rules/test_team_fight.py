"""The lead of a team fight: a table of counts, and the properties every lead keeps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.rules.team_fight import Lead, lead


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        ({}, Lead(None, 0)),
        ({"dog": 0, "cat": 0}, Lead(None, 0)),
        ({"dog": 5, "cat": 5}, Lead(None, 0)),
        ({"dog": 7, "cat": 5}, Lead("dog", 2)),
        ({"dog": 5, "cat": 7}, Lead("cat", 2)),
        ({"dog": 3, "cat": 0}, Lead("dog", 3)),
        ({"dog": 9, "cat": 9, "bird": 1}, Lead(None, 0)),  # a shared top, whoever is third
        ({"dog": 9, "cat": 4, "bird": 8}, Lead("dog", 1)),  # the gap is to the second
        ({"solo": 4}, Lead("solo", 4)),
    ],
)
def test_lead_table(actions: dict[str, int], expected: Lead[str]) -> None:
    assert lead(actions) == expected
    assert lead(actions).tied == (expected.leader is None)


@given(st.dictionaries(st.integers(0, 20), st.integers(0, 10**6), min_size=1, max_size=6))
def test_the_leader_is_the_only_team_with_the_most(actions: dict[int, int]) -> None:
    found = lead(actions)
    best = max(actions.values())
    at_the_top = [team for team, count in actions.items() if count == best]
    if best > 0 and len(at_the_top) == 1:
        assert found.leader == at_the_top[0]
        assert all(found.gap <= best - c for t, c in actions.items() if t != found.leader)
        assert found.gap > 0
    else:
        assert found == Lead(None, 0)
