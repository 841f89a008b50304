"""Where a campaign stands in time, as a card shows it: before the start, N KST days left,
paused, or over."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from campaign.rules.calendar import kst_day, last_day
from campaign.rules.lifecycle import FINISHED
from campaign.rules.states import CampaignStatus


class Phase(enum.StrEnum):
    UPCOMING = "upcoming"
    LIVE = "live"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass(frozen=True)
class Countdown:
    phase: Phase
    # Whole KST calendar days from today to the campaign's last day: 0 on the last day itself.
    # Only meaningful while live or paused.
    days_left: int = 0


def countdown(
    status: CampaignStatus, starts_at: datetime, ends_at: datetime, now: datetime
) -> Countdown:
    """The phase at ``now``. The deadline wins over the status: a campaign past ``ends_at`` is
    over even before a job has closed it (as at write time, see rules.lifecycle)."""
    if status in FINISHED or now >= ends_at:
        return Countdown(Phase.ENDED)
    if status == CampaignStatus.SCHEDULED or now < starts_at:
        return Countdown(Phase.UPCOMING)
    days = (last_day(ends_at) - kst_day(now)).days
    return Countdown(Phase.PAUSED if status == CampaignStatus.PAUSED else Phase.LIVE, days)
