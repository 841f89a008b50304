"""Integer won: splitting a sum exactly, parts in proportion to shares."""

from __future__ import annotations

from collections.abc import Sequence


def allocate(total: int, shares: Sequence[int]) -> list[int]:
    """Split ``total`` ₩ in proportion to ``shares`` so the parts sum to ``total`` exactly.

    Largest remainder (Hamilton): everyone gets the floor of their exact part, and the won left
    over go one each to the largest fractional remainders; ties go to the earlier share, so the
    result is deterministic.
    """
    if any(share < 0 for share in shares) or not shares or sum(shares) == 0:
        raise ValueError("shares must be non-negative with a positive sum")
    if total < 0:
        return [-part for part in allocate(-total, shares)]
    whole = sum(shares)
    parts = [total * share // whole for share in shares]
    remainders = [total * share % whole for share in shares]
    left = total - sum(parts)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-remainders[i], i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return parts
