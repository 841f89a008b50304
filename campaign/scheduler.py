"""The jobs that keep time: open campaigns whose start has come, close those whose end has
passed, unlock milestones a sharded campaign has reached, and snapshot progress once a day.

Every sweep is idempotent and runs once at start, so a close missed while the server was down
happens as soon as it is back. Only one scheduler runs jobs: a PostgreSQL advisory lock (a file
lock on SQLite) elects it, and a second copy waits for the lock instead of running them twice.
It never starts inside ``create_app`` (that would be once per gunicorn worker): run it with
``flask --app campaign scheduler``; ``make run`` starts it inside the development server.

PostgreSQL frees an advisory lock when the session that holds it ends (a restarted database, a
killed backend, a dropped network link). The leader therefore checks, before every sweep and
every few seconds in between, that its own connection still holds the lock; when it does not,
it stops its jobs and goes back to waiting, instead of sweeping alongside the new leader. Every
sweep run leaves a row in ``scheduler_sweeps`` (/readyz and /metrics read it).
"""

from __future__ import annotations

import fcntl
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from flask import Flask
from sqlalchemy import Connection, select, text
from sqlalchemy.exc import DBAPIError

from campaign.db import Database, database
from campaign.http import result_mail
from campaign.models import Campaign, CampaignStatus
from campaign.models.types import utcnow
from campaign.services import lifecycle
from campaign.services.ledger_digest import keep_up
from campaign.services.milestones import unlock_reached
from campaign.services.scheduler_sweeps import record_sweep_run
from campaign.services.snapshots import take_snapshot

log = logging.getLogger(__name__)

# pg_advisory_lock key: any constant shared by every copy of this app ("aesseuji" in ASCII).
ADVISORY_LOCK_KEY = 0x61657373657569
# How often a leader with nothing to do checks that it still holds the lock.
LOCK_CHECK_SECONDS = 5.0

# pg_locks shows a bigint advisory key as two 32-bit halves (classid high, objid low).
_HOLDS_LOCK = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = pg_backend_pid() AND objsubid = 1"
    " AND ((classid::bigint << 32) | objid::bigint) = :key"
)


@dataclass
class SweepReport:
    opened: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    milestones: list[str] = field(default_factory=list)
    snapshots: list[str] = field(default_factory=list)
    ledgers: list[str] = field(default_factory=list)


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


def keep_ledger_digests(db: Database, now: datetime) -> list[str]:
    """Hash the ledger slices that grew since the last sweep, so a close hashes only the rest."""
    ids = _campaign_ids(db, Campaign.status.in_([CampaignStatus.ACTIVE, CampaignStatus.PAUSED]))
    return _each(db, ids, lambda s, c: bool(keep_up(s, c.id)))


def run_sweeps(db: Database, now: datetime) -> SweepReport:
    """Every sweep once, in an order that lets a campaign open and close in one pass."""
    return SweepReport(
        opened=open_due(db, now),
        closed=close_due(db, now),
        milestones=unlock_milestones(db, now),
        snapshots=snapshot_progress(db, now),
        ledgers=keep_ledger_digests(db, now),
    )


class LeaderLock:
    """Held by the one scheduler that runs jobs. PostgreSQL: a session advisory lock on a
    connection kept open for the scheduler's lifetime. SQLite: an exclusive file lock."""

    def __init__(self, db: Database, instance_path: Path, key: int = ADVISORY_LOCK_KEY) -> None:
        self.db = db
        self.key = key
        self.path = instance_path / "scheduler.lock"
        self._conn: Connection | None = None
        self._file: IO[str] | None = None
        # The jobs' thread and the leader's watch share the lock's one connection.
        self._mutex = threading.Lock()

    def try_acquire(self) -> bool:
        if self.db.engine.dialect.name == "postgresql":
            conn = self.db.engine.connect()
            got = conn.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
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

    def held(self) -> bool:
        """Whether this process still holds the lock: asks PostgreSQL on the lock's own
        connection. A dead connection means the lock is gone; it is dropped here."""
        with self._mutex:
            return self._still_held()

    def _still_held(self) -> bool:
        if self._file is not None:
            return True
        if self._conn is None:
            return False
        try:
            holds = self._conn.execute(_HOLDS_LOCK, {"key": self.key}).scalar()
            self._conn.commit()
        except DBAPIError:
            log.warning("the scheduler lock's database connection is gone")
            self._drop_connection()
            return False
        if not holds:
            self._drop_connection()
        return bool(holds)

    def _drop_connection(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except DBAPIError:
                log.debug("closing a dead lock connection failed", exc_info=True)
            self._conn = None

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
        with self._mutex:
            self._release()

    def _release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            except DBAPIError:
                log.debug("the lock connection died before unlocking", exc_info=True)
            self._drop_connection()
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


SWEEPS: dict[str, Callable[[Database, datetime], list[str]]] = {
    "open_due": open_due,
    "close_due": close_due,
    "unlock_milestones": unlock_milestones,
    "snapshot_progress": snapshot_progress,
}


def guarded_sweep(
    name: str, db: Database, lock: LeaderLock, lost: threading.Event
) -> Callable[[], bool]:
    """The job for sweep ``name``: runs only while ``lock`` is held, else sets ``lost``.

    Returns whether it swept (the heartbeat listener records only real runs)."""

    def run() -> bool:
        if not lock.held():
            log.warning("not sweeping %s: this scheduler lost the leader lock", name)
            lost.set()
            return False
        SWEEPS[name](db, utcnow())
        return True

    return run


def _heartbeat(db: Database) -> Callable[[JobExecutionEvent], None]:
    def listener(event: JobExecutionEvent) -> None:
        if event.retval is not True:
            return
        try:
            with db.transaction() as session:
                record_sweep_run(session, event.job_id, event.scheduled_run_time, utcnow())
        except Exception:
            log.exception("could not record the %s sweep's run", event.job_id)

    return listener


def _add_jobs(
    scheduler: BaseScheduler, app: Flask, lock: LeaderLock, lost: threading.Event
) -> None:
    db = database(app)
    interval = app.config["SCHEDULER_INTERVAL_SECONDS"]
    first = datetime.now(UTC)  # run once at start, then every interval
    for name in SWEEPS:
        scheduler.add_job(
            guarded_sweep(name, db, lock, lost),
            "interval",
            seconds=interval,
            id=name,
            next_run_time=first,
            max_instances=1,
            coalesce=True,
        )
    # Not a sweep of SWEEPS (it needs the app to render mail) and it leaves no heartbeat row.
    scheduler.add_job(
        mail_results(app, lock),
        "interval",
        seconds=interval,
        id="mail_results",
        next_run_time=first,
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_listener(_heartbeat(db), EVENT_JOB_EXECUTED)


def mail_results(app: Flask, lock: LeaderLock) -> Callable[[], None]:
    """The job that mails the results of closed campaigns nobody has mailed yet: the closes
    this scheduler made and an admin's close alike (that request only promises the mail within
    a minute, so it never runs for as long as a big campaign's mailing takes)."""

    def run() -> None:
        if not lock.held():
            return
        with app.app_context():
            result_mail.send_pending()

    return run


def lead(
    app: Flask, lock: LeaderLock, stop: threading.Event, poll_seconds: float = LOCK_CHECK_SECONDS
) -> None:
    """Until ``stop`` is set: wait for the lock, run the sweeps while holding it, and step
    down (stop the jobs, wait again) as soon as it is found lost."""
    while lock.acquire(poll_seconds, stop):
        log.info(
            "scheduler is the leader; running sweeps every %ss",
            app.config["SCHEDULER_INTERVAL_SECONDS"],
        )
        lost = threading.Event()
        scheduler = BackgroundScheduler(timezone=UTC, daemon=True)
        _add_jobs(scheduler, app, lock, lost)
        scheduler.start()
        try:
            while not lost.is_set() and lock.held():
                if stop.wait(poll_seconds):
                    return
        finally:
            scheduler.shutdown(wait=True)
            lock.release()
        log.warning("scheduler lost the leader lock; stepping down and waiting for it again")


def run_forever(app: Flask) -> None:
    """``flask --app campaign scheduler``: lead while it can; SIGTERM or Ctrl-C stops it."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        lead(app, LeaderLock(database(app), Path(app.instance_path)), stop)
    except KeyboardInterrupt:
        stop.set()


def start_in_background(app: Flask) -> threading.Thread:
    """For the development server: a daemon thread that leads while the server runs."""
    lock = LeaderLock(database(app), Path(app.instance_path))
    thread = threading.Thread(
        target=lead, args=(app, lock, threading.Event()), name="scheduler", daemon=True
    )
    thread.start()
    return thread
