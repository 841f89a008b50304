"""The jobs that keep time: open campaigns whose start has come, close those whose end has
passed, unlock milestones a sharded campaign has reached, and snapshot progress once a day.

Every sweep is idempotent and runs once at start, so a close missed while the server was down
happens as soon as it is back. Only one scheduler runs jobs: a PostgreSQL advisory lock (a file
lock on SQLite) elects it, and a second copy waits for the lock instead of running them twice.
It never starts inside ``create_app`` (that would be once per gunicorn worker): run it with
``flask --app campaign scheduler``; ``make run`` starts it inside the development server.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import Connection, select, text

from campaign.db import Database, database
from campaign.models import Campaign, CampaignStatus
from campaign.models.types import utcnow
from campaign.services import lifecycle
from campaign.services.milestones import unlock_reached
from campaign.services.snapshots import take_snapshot

log = logging.getLogger(__name__)

# pg_advisory_lock key: any constant shared by every copy of this app ("aesseuji" in ASCII).
ADVISORY_LOCK_KEY = 0x61657373657569


@dataclass
class SweepReport:
    opened: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    milestones: list[str] = field(default_factory=list)
    snapshots: list[str] = field(default_factory=list)


def _campaign_ids(db: Database, *where: Any) -> list[int]:
    with db.transaction() as session:
        return list(session.scalars(select(Campaign.id).where(*where).order_by(Campaign.id)))


def _each(db: Database, ids: list[int], work: Callable[..., bool]) -> list[str]:
    """Run ``work`` on each campaign in its own transaction; one failure does not stop the rest."""
    done = []
    for campaign_id in ids:
        try:
            with db.transaction() as session:
                campaign = session.get(Campaign, campaign_id)
                if campaign is not None and work(session, campaign):
                    done.append(campaign.slug)
        except Exception:
            log.exception("sweep failed for campaign %s", campaign_id)
    return done


def open_due(db: Database, now: datetime) -> list[str]:
    ids = _campaign_ids(db, Campaign.status == CampaignStatus.SCHEDULED, Campaign.starts_at <= now)
    return _each(db, ids, lambda s, c: lifecycle.open_campaign(s, c, actor=None, now=now))


def close_due(db: Database, now: datetime) -> list[str]:
    ids = _campaign_ids(
        db,
        Campaign.status.in_([CampaignStatus.ACTIVE, CampaignStatus.PAUSED]),
        Campaign.ends_at <= now,
    )
    return _each(db, ids, lambda s, c: lifecycle.close(s, c, actor=None, now=now))


def unlock_milestones(db: Database, now: datetime) -> list[str]:
    """Sharded campaigns detect thresholds by estimate; this catches any the estimate missed."""
    ids = _campaign_ids(db, Campaign.status == CampaignStatus.ACTIVE, Campaign.counter_shards > 1)
    return _each(db, ids, lambda s, c: bool(unlock_reached(s, c, now)))


def snapshot_progress(db: Database, now: datetime) -> list[str]:
    ids = _campaign_ids(db, Campaign.status.in_([CampaignStatus.ACTIVE, CampaignStatus.PAUSED]))
    return _each(db, ids, lambda s, c: bool(take_snapshot(s, c, now)))


def run_sweeps(db: Database, now: datetime) -> SweepReport:
    """Every sweep once, in an order that lets a campaign open and close in one pass."""
    return SweepReport(
        opened=open_due(db, now),
        closed=close_due(db, now),
        milestones=unlock_milestones(db, now),
        snapshots=snapshot_progress(db, now),
    )


class LeaderLock:
    """Held by the one scheduler that runs jobs. PostgreSQL: a session advisory lock on a
    connection kept open for the scheduler's lifetime. SQLite: an exclusive file lock."""

    def __init__(self, db: Database, instance_path: Path) -> None:
        self.db = db
        self.path = instance_path / "scheduler.lock"
        self._conn: Connection | None = None
        self._file: IO[str] | None = None

    def try_acquire(self) -> bool:
        if self.db.engine.dialect.name == "postgresql":
            conn = self.db.engine.connect()
            got = conn.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            ).scalar()
            conn.commit()
            if got:
                self._conn = conn
                return True
            conn.close()
            return False
        handle = self.path.open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def acquire(self, poll_seconds: float = 5.0, stop: threading.Event | None = None) -> bool:
        """Wait until this process holds the lock (or ``stop`` is set)."""
        waiting_said = False
        while not self.try_acquire():
            if not waiting_said:
                log.info("another scheduler holds the lock; waiting")
                waiting_said = True
            if stop is not None and stop.wait(poll_seconds):
                return False
            if stop is None:
                time.sleep(poll_seconds)
        return True

    def release(self) -> None:
        if self._conn is not None:
            self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
            self._conn.close()
            self._conn = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def _add_jobs(scheduler: BaseScheduler, app: Flask) -> None:
    db = database(app)
    interval = app.config["SCHEDULER_INTERVAL_SECONDS"]
    first = datetime.now(UTC)  # run once at start, then every interval
    for name, sweep in (
        ("open_due", open_due),
        ("close_due", close_due),
        ("unlock_milestones", unlock_milestones),
        ("snapshot_progress", snapshot_progress),
    ):
        scheduler.add_job(
            lambda sweep=sweep: sweep(db, utcnow()),
            "interval",
            seconds=interval,
            id=name,
            next_run_time=first,
            max_instances=1,
            coalesce=True,
        )


def run_forever(app: Flask) -> None:
    """``flask --app campaign scheduler``: wait to be the leader, then run the jobs."""
    lock = LeaderLock(database(app), Path(app.instance_path))
    lock.acquire()
    log.info(
        "scheduler is the leader; running sweeps every %ss",
        app.config["SCHEDULER_INTERVAL_SECONDS"],
    )
    scheduler = BlockingScheduler(timezone=UTC)
    _add_jobs(scheduler, app)
    try:
        scheduler.start()
    finally:
        lock.release()


def start_in_background(app: Flask) -> threading.Thread:
    """For the development server: a daemon thread that becomes leader, then runs the jobs."""

    def run() -> None:
        lock = LeaderLock(database(app), Path(app.instance_path))
        lock.acquire()
        scheduler = BackgroundScheduler(timezone=UTC, daemon=True)
        _add_jobs(scheduler, app)
        scheduler.start()

    thread = threading.Thread(target=run, name="scheduler", daemon=True)
    thread.start()
    return thread
