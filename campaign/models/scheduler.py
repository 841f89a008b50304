"""When the scheduler leader last ran each sweep: read by /readyz and the metrics scrape."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base
from campaign.models.types import UTCDateTime


class SchedulerSweep(Base):
    """One row per sweep (``open_due``, ``close_due`` …), overwritten by every run."""

    __tablename__ = "scheduler_sweeps"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # How far behind its scheduled time the last run finished, in milliseconds.
    lag_ms: Mapped[int] = mapped_column(BigInteger)
