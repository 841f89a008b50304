"""The company's match of a crew gift, and what a gift may be."""

from __future__ import annotations

import pytest

from campaign.errors import Invalid
from campaign.rules.matching import (
    GIFT_MAX_WON,
    GIFT_MIN_WON,
    QUICK_PICKS_WON,
    MatchPolicy,
    check_gift_amount,
    clean_message,
    match_due,
    match_left_for,
)

ONE_TO_ONE = MatchPolicy(percent=100, per_person_cap=100_000)


@pytest.mark.parametrize(
    ("amount", "policy", "already", "due"),
    [
        (30_000, ONE_TO_ONE, 0, 30_000),  # 1:1
        (100_000, ONE_TO_ONE, 0, 100_000),  # exactly the per-person cap
        (100_001, ONE_TO_ONE, 0, 100_000),  # one won over: clamped to the cap
        (50_000, ONE_TO_ONE, 60_000, 40_000),  # what is left of the cap
        (50_000, ONE_TO_ONE, 100_000, 0),  # cap reached
        (50_000, ONE_TO_ONE, 150_000, 0),  # never negative
        (10_000, MatchPolicy(50, None), 0, 5_000),  # 1:2, no per-person cap
        (10_001, MatchPolicy(50, None), 0, 5_000),  # rounded down to the won
        (10_000, MatchPolicy(200, 15_000), 0, 15_000),  # 2:1 hits the cap
        (10_000, MatchPolicy(0, 100_000), 0, 0),  # no matching
        (10_000, MatchPolicy(100, 0), 0, 0),  # a zero cap matches nothing
        (0, ONE_TO_ONE, 0, 0),
        (-5_000, ONE_TO_ONE, 0, 0),
    ],
)
def test_match_due(amount: int, policy: MatchPolicy, already: int, due: int) -> None:
    assert match_due(amount, policy, already) == due


@pytest.mark.parametrize(
    ("policy", "already", "left"),
    [
        (ONE_TO_ONE, 0, 100_000),
        (ONE_TO_ONE, 70_000, 30_000),
        (ONE_TO_ONE, 100_000, 0),
        (ONE_TO_ONE, 120_000, 0),
        (MatchPolicy(100, None), 5_000_000, None),
        (MatchPolicy(0, 100_000), 0, 0),
    ],
)
def test_match_left_for(policy: MatchPolicy, already: int, left: int | None) -> None:
    assert match_left_for(policy, already) == left


@pytest.mark.parametrize("amount", [GIFT_MIN_WON, 10_000, GIFT_MAX_WON, *QUICK_PICKS_WON])
def test_amounts_within_bounds_pass(amount: int) -> None:
    assert check_gift_amount(amount) == amount


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        (GIFT_MIN_WON - 1, "amount_out_of_range"),
        (GIFT_MAX_WON + 1, "amount_out_of_range"),
        (0, "amount_out_of_range"),
        (-10_000, "amount_out_of_range"),
        (10**30, "amount_out_of_range"),
        (10_000.0, "not_a_number"),
        ("10000", "not_a_number"),
        (True, "not_a_number"),
        (None, "not_a_number"),
    ],
)
def test_amounts_outside_bounds_are_refused(amount: object, reason: str) -> None:
    with pytest.raises(Invalid) as caught:
        check_gift_amount(amount)
    assert caught.value.field == "amount"
    assert caught.value.reason == reason
    if reason == "amount_out_of_range":  # the bounds, as sums the message shows in won
        assert caught.value.params["min_won"] == GIFT_MIN_WON
        assert caught.value.params["max_won"] == GIFT_MAX_WON


def test_quick_picks_are_the_seed_amounts() -> None:
    assert QUICK_PICKS_WON == (10_000, 30_000, 50_000)
    assert all(GIFT_MIN_WON <= pick <= GIFT_MAX_WON for pick in QUICK_PICKS_WON)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("  힘내세요!  ", "힘내세요!"),
        ("빠른\n  복구를", "빠른 복구를"),
        ("가" * 200, "가" * 200),
    ],
)
def test_messages_are_trimmed(raw: str | None, clean: str | None) -> None:
    assert clean_message(raw) == clean


@pytest.mark.parametrize(
    ("raw", "reason"), [("가" * 201, "too_long"), ("a\x00b", "bad_characters")]
)
def test_bad_messages_are_refused(raw: str, reason: str) -> None:
    with pytest.raises(Invalid) as caught:
        clean_message(raw)
    assert (caught.value.field, caught.value.reason) == ("message", reason)
