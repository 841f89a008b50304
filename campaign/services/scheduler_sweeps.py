"""The scheduler's heartbeat: each sweep run leaves its time, so others can tell it is alive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import SchedulerSweep


@dataclass(frozen=True)
class SweepRun:
    name: str
    last_run_at: datetime
    lag_ms: int


def record_sweep_run(session: Session, name: str, scheduled_at: datetime, now: datetime) -> None:
    """Remember that sweep ``name`` (due at ``scheduled_at``) finished at ``now``.

    Only the leader writes, so a plain read-then-write cannot race with another writer."""
    lag_ms = max(0, round((now - scheduled_at).total_seconds() * 1000))
    row = session.get(SchedulerSweep, name)
    if row is None:
        session.add(SchedulerSweep(name=name, last_run_at=now, lag_ms=lag_ms))
    else:
        row.last_run_at = now
        row.lag_ms = lag_ms
    session.flush()


def sweep_runs(session: Session) -> list[SweepRun]:
    """The last run of every sweep that has run at least once (one row per sweep: cheap)."""
    rows = session.scalars(select(SchedulerSweep).order_by(SchedulerSweep.name))
    return [SweepRun(r.name, r.last_run_at, r.lag_ms) for r in rows]
