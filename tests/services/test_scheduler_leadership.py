"""The leader steps down when PostgreSQL frees its lock, and leaves a heartbeat per sweep."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from campaign import create_app, scheduler
from campaign.db import Database
from campaign.services.scheduler_sweeps import record_sweep_run, sweep_runs
from tests.conftest import test_config as app_config
from tests.databases import empty_all_tables
from tests.factories import NOW

# Not the app's key: the lock tests of test_scheduler.py may run at the same time (xdist).
KEY = scheduler.ADVISORY_LOCK_KEY + 1


@pytest.fixture
def pg(postgres_database: tuple[str, Engine]) -> Iterator[Database]:
    url, engine = postgres_database
    empty_all_tables(engine)
    db = Database(url)
    yield db
    db.engine.dispose()


def _lock_holder_pid(db: Database) -> int:
    with db.engine.connect() as conn:
        pid = conn.execute(
            text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND ((classid::bigint << 32) | objid::bigint) = :key"
            ),
            {"key": KEY},
        ).scalar()
    assert pid is not None
    return pid


def _terminate(db: Database, pid: int) -> None:
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        conn.commit()


def test_a_killed_lock_connection_is_noticed_and_the_lock_taken_again(
    pg: Database, tmp_path: Path
) -> None:
    lock = scheduler.LeaderLock(pg, tmp_path, KEY)
    rival = scheduler.LeaderLock(pg, tmp_path, KEY)
    assert lock.try_acquire()
    assert lock.held()
    assert not rival.try_acquire()

    _terminate(pg, _lock_holder_pid(pg))  # PostgreSQL frees the advisory lock with the session

    assert not lock.held()
    assert rival.try_acquire()  # somebody else leads now
    assert not lock.try_acquire()
    rival.release()
    assert lock.try_acquire()  # and the first copy can lead again once it is free
    assert lock.held()
    lock.release()
    assert not lock.held()


def test_a_sweep_without_the_lock_does_not_run_and_says_so(pg: Database, tmp_path: Path) -> None:
    lock = scheduler.LeaderLock(pg, tmp_path, KEY)
    assert lock.try_acquire()
    lost = threading.Event()
    job = scheduler.guarded_sweep("close_due", pg, lock, lost)
    assert job() is True and not lost.is_set()

    _terminate(pg, _lock_holder_pid(pg))

    assert job() is False
    assert lost.is_set()
    lock.release()  # releasing a lock that died with its connection is harmless


def test_the_leader_steps_down_and_leads_again(
    pg: Database, tmp_path: Path, postgres_database: tuple[str, Engine]
) -> None:
    app = create_app(app_config(postgres_database[0], SCHEDULER_INTERVAL_SECONDS=3600))
    lock = scheduler.LeaderLock(scheduler.database(app), tmp_path, KEY)
    stop = threading.Event()
    leader = threading.Thread(target=scheduler.lead, args=(app, lock, stop, 0.05))
    leader.start()
    try:
        first = _wait_for_holder(pg, previous=None)
        _terminate(pg, first)
        second = _wait_for_holder(pg, previous=first)  # stepped down, then took it again
        assert second != first
        _wait_for_sweeps(pg)  # the new leadership runs every sweep once at its start
    finally:
        stop.set()
        leader.join(10)
        scheduler.database(app).engine.dispose()
    assert not leader.is_alive()
    assert not lock.held()


def _wait_for_sweeps(db: Database) -> None:
    """Until every sweep has left its heartbeat row (bounded polling)."""
    pause = threading.Event()
    for _ in range(1200):  # up to 30 s on a busy machine
        with db.transaction() as session:
            if {run.name for run in sweep_runs(session)} == set(scheduler.SWEEPS):
                return
        pause.wait(0.025)
    raise AssertionError("the leader never swept")


def _wait_for_holder(db: Database, previous: int | None) -> int:
    """The pid holding the lock, once one other than ``previous`` does (bounded polling)."""
    pause = threading.Event()
    query = text(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND ((classid::bigint << 32) | objid::bigint) = :key"
    )
    for _ in range(1200):  # up to 30 s on a busy machine
        with db.engine.connect() as conn:
            pid = conn.execute(query, {"key": KEY}).scalar()
        if pid is not None and pid != previous:
            return pid
        pause.wait(0.025)
    raise AssertionError("no scheduler took the lock")


def test_each_sweep_run_leaves_its_time_and_lag(session: Session) -> None:
    record_sweep_run(session, "close_due", NOW, NOW + timedelta(milliseconds=250))
    record_sweep_run(session, "open_due", NOW, NOW)
    record_sweep_run(session, "close_due", NOW + timedelta(minutes=1), NOW + timedelta(minutes=1))
    runs = {run.name: run for run in sweep_runs(session)}
    assert set(runs) == {"close_due", "open_due"}
    assert runs["close_due"].last_run_at == NOW + timedelta(minutes=1)
    assert runs["close_due"].lag_ms == 0
    assert runs["open_due"].lag_ms == 0
