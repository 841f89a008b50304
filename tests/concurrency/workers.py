"""Code that runs in the worker processes (started with "spawn", so it must be importable).

The processes are started once per test module (a pool: starting a Python process that imports
the app takes seconds on a busy 2-core machine) and reused. Each job builds its own engine from
the URL, sleeps until a common start instant so all jobs begin together, and records its
planned actions one transaction each, as the web layer does: commit on success, roll back on a
refusal. Database errors (deadlock, serialization failure, "database is locked")
are counted, not retried: the tests prove there are none.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from campaign.db import make_engine
from campaign.errors import DomainError
from campaign.models import Action, Campaign, User
from campaign.services import lifecycle
from campaign.services.actions import record_action

SPAWN = multiprocessing.get_context("spawn")
PROCESSES = 7  # six writers and one closer


@dataclass(frozen=True)
class Step:
    user_id: int
    code: str
    now: datetime
    evidence: str | None = None
    key: str | None = None


@dataclass
class Outcome:
    counts: Counter  # "ok", a domain error code, or "db:<SQLSTATE or message>"
    won: int = 0
    won_due: int = 0


def record_plan(url: str, campaign_id: int, plan: list[Step], start_at: float) -> Outcome:
    engine = make_engine(url)
    outcome = Outcome(Counter())
    try:
        _wait_until(start_at)
        for step in plan:
            with Session(engine) as session:
                try:
                    with session.begin():
                        campaign = session.get(Campaign, campaign_id)
                        user = session.get(User, step.user_id)
                        result = record_action(
                            session, user, campaign, step.code, step.evidence, step.key, step.now
                        )
                        outcome.won += result.won
                        outcome.won_due += result.won_due
                    outcome.counts["ok"] += 1
                except DomainError as error:
                    outcome.counts[error.code] += 1
                except DBAPIError as error:
                    code = getattr(error.orig, "sqlstate", None) or str(error.orig)[:60]
                    outcome.counts[f"db:{code}"] += 1
    finally:
        engine.dispose()
    return outcome


def close_after(url: str, campaign_id: int, now: datetime, after: float, start_at: float) -> int:
    """Close the campaign ``after`` seconds into the run; returns the number of actions seen
    right after the close committed."""
    engine = make_engine(url)
    try:
        _wait_until(start_at + after)
        with Session(engine) as session, session.begin():
            campaign = session.get(Campaign, campaign_id)
            assert lifecycle.close(session, campaign, actor=None, now=now)
        with Session(engine) as session:
            return session.scalar(
                select(func.count()).select_from(Action).where(Action.campaign_id == campaign_id)
            )
    finally:
        engine.dispose()


def _wait_until(instant: float) -> None:
    time.sleep(max(0.0, instant - time.time()))


def warm_up(_: int) -> int:
    """A job that only makes sure this worker process has imported everything."""
    time.sleep(0.3)  # long enough that every worker of the pool takes one
    return 0


class WorkerPool:
    """Spawned worker processes, started on first use (a run that skips every test starts none)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: Any = None

    def get(self) -> Any:
        if self._pool is None:
            self._pool = SPAWN.Pool(self.processes)
            self._pool.map(warm_up, range(self.processes), chunksize=1)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()


def run_together(pool: WorkerPool, jobs: list[tuple[Any, tuple]], lead: float = 1.0) -> list[Any]:
    """Run ``(function, args)`` jobs on the pool's processes, all starting ``lead`` seconds from
    now (each job gets the start instant as its last argument); their results in order."""
    workers = pool.get()
    start_at = time.time() + lead  # after the pool has started
    pending = [workers.apply_async(fn, (*args, start_at)) for fn, args in jobs]
    return [job.get(timeout=120) for job in pending]
