"""Sums the way people say them, and percentages that never overstate."""

from __future__ import annotations

import pytest

from campaign.web.rule_text import format_won_short, percent_text


@pytest.mark.parametrize(
    ("amount", "ko", "en"),
    [
        (0, "0원", "₩0"),
        (100, "100원", "₩100"),
        (5_000, "5,000원", "₩5,000"),
        (12_345, "12,345원", "₩12,345"),
        (10_000, "1만원", "₩10,000"),
        (10_000_000, "1,000만원", "₩10 million"),
        (40_000_000, "4,000만원", "₩40 million"),
        (1_500_000, "150만원", "₩1.5 million"),
        (1_234_567, "1,234,567원", "₩1,234,567"),
        (100_000_000, "1억원", "₩100 million"),
        (110_000_000, "1억 1,000만원", "₩110 million"),
        (200_000_000, "2억원", "₩200 million"),
        (1_200_000_000_000, "1조 2,000억원", "₩1,200 billion"),
        (10**13, "10조원", "₩10,000 billion"),
        (-5_000, "-5,000원", "₩-5,000"),
    ],
)
def test_format_won_short(amount: int, ko: str, en: str) -> None:
    assert format_won_short(amount, "ko") == ko
    assert format_won_short(amount, "en") == en


@pytest.mark.parametrize(
    ("percent", "shown"),
    [(0.0, "0.0"), (0.0125, "0.0"), (33.333, "33.3"), (99.96, "99.9"), (100.0, "100.0")],
)
def test_percent_text_rounds_down(percent: float, shown: str) -> None:
    assert percent_text(percent) == shown
