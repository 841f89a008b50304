"""When a campaign takes actions, and which status changes are allowed.

The deadline is checked where actions are written, so it holds even when no job has closed the
campaign yet.
"""

from __future__ import annotations

from datetime import datetime

from campaign.errors import CampaignClosed, CampaignNotOpen
from campaign.rules.states import CampaignStatus

FINISHED = frozenset({CampaignStatus.CLOSED, CampaignStatus.SETTLED, CampaignStatus.CANCELLED})


def ensure_accepting(
    status: CampaignStatus, starts_at: datetime, ends_at: datetime, now: datetime
) -> None:
    """Raise CampaignClosed after the end (whatever the status says) or once finished, and
    CampaignNotOpen before the start or while not active (scheduled, paused)."""
    if status in FINISHED or now >= ends_at:
        raise CampaignClosed()
    if status != CampaignStatus.ACTIVE or now < starts_at:
        raise CampaignNotOpen()


def is_live(status: CampaignStatus, starts_at: datetime, ends_at: datetime, now: datetime) -> bool:
    return status == CampaignStatus.ACTIVE and starts_at <= now < ends_at
