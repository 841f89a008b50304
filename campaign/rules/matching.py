"""Crew gifts and the company's match: what a gift may be and what the company adds to it.

The company matches ``percent`` of each gift (100 = 1:1), never more than ``per_person_cap`` ₩
per person over the whole campaign. The company cap (the campaign's purse) is applied after
this, in the database, by the conditional purse update (services/counters.grant), so that
concurrent gifts can never overrun it.
"""

from __future__ import annotations

from dataclasses import dataclass

from campaign.errors import Invalid
from campaign.rules.text import clean_text

GIFT_MIN_WON = 1_000
GIFT_MAX_WON = 10_000_000
QUICK_PICKS_WON = (10_000, 30_000, 50_000)
MESSAGE_MAX = 200


@dataclass(frozen=True)
class MatchPolicy:
    """The company's promise, frozen with the campaign. ``per_person_cap`` None: no cap."""

    percent: int = 0
    per_person_cap: int | None = None

    @property
    def matches(self) -> bool:
        return self.percent > 0 and self.per_person_cap != 0


def match_due(amount: int, policy: MatchPolicy, already_matched: int) -> int:
    """What the company owes for a gift of ``amount`` ₩ before the company cap.

    The ratio part is rounded down to the won; the per-person cap counts what this person has
    already been matched (net of cancellations), so the match stops exactly at the cap.
    """
    if amount <= 0 or not policy.matches:
        return 0
    due = amount * policy.percent // 100
    if policy.per_person_cap is not None:
        due = min(due, max(0, policy.per_person_cap - already_matched))
    return due


def match_left_for(policy: MatchPolicy, already_matched: int) -> int | None:
    """How much more match one person can still earn (None: no per-person cap)."""
    if not policy.matches:
        return 0
    if policy.per_person_cap is None:
        return None
    return max(0, policy.per_person_cap - already_matched)


def check_gift_amount(amount: object) -> int:
    """The amount as an int, or Invalid("amount") unless it is a whole ₩ within the bounds."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise Invalid("amount", "not_a_number")
    if not GIFT_MIN_WON <= amount <= GIFT_MAX_WON:
        raise Invalid("amount", "amount_out_of_range", min_won=GIFT_MIN_WON, max_won=GIFT_MAX_WON)
    return amount


def clean_message(raw: str | None) -> str | None:
    """A gift's message: one line, None when empty; no control characters."""
    return clean_text(raw, "message", MESSAGE_MAX) or None
