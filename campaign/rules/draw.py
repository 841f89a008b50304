"""The prize draw at close: reproducible by anyone who has the frozen ledger.

The seed is derived from the ledger's SHA-256 digest; each candidate's ticket is
HMAC-SHA256(seed, "<user id>"); the lowest tickets win. The same ledger always gives the same
winners, and nobody can steer the result without changing the ledger itself.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable


def draw_seed(ledger_digest: str, campaign_slug: str) -> bytes:
    return hashlib.sha256(f"aesseuji-draw:{campaign_slug}:{ledger_digest}".encode()).digest()


def ticket(seed: bytes, user_id: int) -> str:
    return hmac.new(seed, str(user_id).encode(), hashlib.sha256).hexdigest()


def draw(seed: bytes, candidates: Iterable[int], winners: int) -> list[int]:
    """Up to ``winners`` distinct user ids from ``candidates``, in winning order."""
    unique = sorted(set(candidates))
    ranked = sorted(unique, key=lambda user_id: (ticket(seed, user_id), user_id))
    return ranked[: max(0, winners)]
