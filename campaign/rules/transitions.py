"""The campaign lifecycle: which status changes exist and from where.

``scheduled → active ⇄ paused → closed → settled``, and ``cancelled`` from any status before
closing. Every change of a campaign's status goes through ``check`` first, so an illegal one is
refused the same way wherever it is asked for (admin page, scheduler, command line).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from campaign.errors import IllegalTransition, Invalid
from campaign.rules.states import CampaignStatus as S


class Transition(StrEnum):
    OPEN = "open"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"
    CANCEL = "cancel"
    SETTLE = "settle"
    EXTEND = "extend"  # moves the end date; the status stays


ALLOWED: dict[Transition, tuple[frozenset[S], S | None]] = {
    Transition.OPEN: (frozenset({S.SCHEDULED}), S.ACTIVE),
    Transition.PAUSE: (frozenset({S.ACTIVE}), S.PAUSED),
    Transition.RESUME: (frozenset({S.PAUSED}), S.ACTIVE),
    Transition.CLOSE: (frozenset({S.ACTIVE, S.PAUSED}), S.CLOSED),
    Transition.CANCEL: (frozenset({S.SCHEDULED, S.ACTIVE, S.PAUSED}), S.CANCELLED),
    Transition.SETTLE: (frozenset({S.CLOSED}), S.SETTLED),
    Transition.EXTEND: (frozenset({S.SCHEDULED, S.ACTIVE, S.PAUSED}), None),
}


def check(transition: Transition, status: S) -> S:
    """The status after ``transition`` from ``status``; IllegalTransition when not allowed."""
    sources, target = ALLOWED[transition]
    if status not in sources:
        raise IllegalTransition(transition=transition.value, status=status.value)
    return status if target is None else target


def available(status: S) -> list[Transition]:
    """What an admin may do next from ``status`` (for showing only the buttons that work)."""
    return [t for t, (sources, _target) in ALLOWED.items() if status in sources]


def check_extension(
    current_end: datetime, new_end: datetime, starts_at: datetime, now: datetime
) -> None:
    """An extension must move the end later, and into the future."""
    if new_end <= current_end:
        raise Invalid("ends_at", "extend_later")
    if new_end <= now or new_end <= starts_at:
        raise Invalid("ends_at", "date_order")


def check_reason(reason: str | None, limit: int = 500) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise Invalid("reason", "required")
    if len(text) > limit:
        raise Invalid("reason", "too_long", max=limit)
    return text
