"""How fast the engine records actions, and what sharding buys on the hot counter row.

Run with ``python -m bench record``. Measures on SQLite, and on PostgreSQL when
BENCH_DATABASE_URL or TEST_DATABASE_URL is set (in a schema of its own, dropped afterwards):

(a) the floor: one plain INSERT and one counter UPDATE in a transaction;
(b) record_action single-threaded, one transaction per action, for a vote (team fight), a cheer
    with a purse, and a stamp action with a daily cap, each with and without an idempotency
    key: actions/s and SQL statements per action;
(c) PostgreSQL only: N processes voting at once in one team fight, counter_shards=1 vs 8 (and 8
    with a milestone ahead, which every vote watches); and
    the same contention without the app's Python: N processes each committing the floor
    transaction against one counter row vs 8 rows, once as fast as possible and once holding
    the row 2 ms before COMMIT (what a request on another host holds it for: record_action
    sends 3-4 statements after its counter UPDATE, each a network round trip, then commits),
    which shows the hot row's own ceiling of 1 / (time the row is held).

Not collected by pytest (the file name does not start with ``test_``); numbers, not checks.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from campaign.db import make_engine
from campaign.models import Campaign, CampaignKind, User
from campaign.rules.campaign_spec import MilestoneSpec
from campaign.rules.states import Evidence
from campaign.services.actions import record_action
from campaign.services.participation import join
from campaign.services.reconcile import reconcile
from tests.concurrency.workers import WorkerPool, run_together
from tests.databases import (
    drop_postgres_schema,
    empty_all_tables,
    migrated_engine,
    new_postgres_schema,
    new_sqlite_url,
)
from tests.factories import NOW, action, make_campaign, make_user

SINGLE_SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
CONCURRENT_SECONDS = float(os.environ.get("BENCH_CONCURRENT_SECONDS", "5"))
PROCESS_COUNTS = tuple(int(n) for n in os.environ.get("BENCH_PROCESSES", "2,4,8").split(","))
USERS = 400


@dataclass(frozen=True)
class Row:
    database: str
    case: str
    per_second: float
    statements: float | None = None


class StatementCounter:
    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args: Any) -> None:
        self.count += 1


@contextmanager
def databases() -> Iterator[list[tuple[str, str, Engine]]]:
    """(name, url, migrated engine) for SQLite and, when configured, PostgreSQL."""
    found = []
    cleanup: list[Callable[[], None]] = []
    folder = tempfile.TemporaryDirectory()
    url = new_sqlite_url(Path(folder.name), "bench")
    found.append(("sqlite", url, migrated_engine(url)))
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if base:
        schema, pg_url = new_postgres_schema(base, prefix="bench")
        found.append(("postgresql", pg_url, migrated_engine(pg_url)))
        cleanup.append(lambda: drop_postgres_schema(base, schema))
    try:
        yield found
    finally:
        for _name, _url, engine in found:
            engine.dispose()
        for step in cleanup:
            step()
        folder.cleanup()


def timed(seconds: float, step: Callable[[int], None]) -> tuple[int, float]:
    """Call ``step(i)`` until ``seconds`` have passed; (calls, elapsed)."""
    started = time.perf_counter()
    done = 0
    while (elapsed := time.perf_counter() - started) < seconds:
        step(done)
        done += 1
    return done, elapsed


def floor(name: str, engine: Engine) -> Row:
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_rows")
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_counter")
        conn.exec_driver_sql("CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, n INTEGER)")
        conn.exec_driver_sql("CREATE TABLE bench_counter (id INTEGER PRIMARY KEY, n BIGINT)")
        conn.exec_driver_sql("INSERT INTO bench_counter VALUES (1, 0)")
    insert = text("INSERT INTO bench_rows (id, n) VALUES (:id, 1)")
    bump = text("UPDATE bench_counter SET n = n + 1 WHERE id = 1")

    def step(i: int) -> None:
        with engine.begin() as conn:
            conn.execute(insert, {"id": i + 1})
            conn.execute(bump)

    counter = StatementCounter(engine)
    done, elapsed = timed(SINGLE_SECONDS, step)
    event.remove(engine, "before_cursor_execute", counter._count)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE bench_rows")
        conn.exec_driver_sql("DROP TABLE bench_counter")
    return Row(
        name, "floor: INSERT + UPDATE, one transaction", done / elapsed, counter.count / done
    )


CASES: dict[str, dict[str, Any]] = {
    "vote (team fight, milestones)": {
        "kind": CampaignKind.TEAM,
        "actions": (action("go"),),
        "milestones": (MilestoneSpec(10**9, 10_000_000),),
    },
    # Several rows and a milestone still ahead: each vote also reads the campaign's total and
    # the paid milestones in its count statement (services/milestones.py).
    "vote (team fight, 8 counter rows, a milestone ahead)": {
        "kind": CampaignKind.TEAM,
        "actions": (action("go"),),
        "counter_shards": 8,
        "milestones": (MilestoneSpec(10**9, 10_000_000),),
    },
    "vote (team fight, 8 counter rows, no milestone)": {
        "kind": CampaignKind.TEAM,
        "actions": (action("go"),),
        "counter_shards": 8,
    },
    "cheer, 100원 from a purse": {
        "actions": (action("go", worth_won=100),),
        "purse_won": 10**12,
    },
    "stamp, daily cap, unit rate": {
        "kind": CampaignKind.STAMP,
        "stamps_per_unit": 40,
        "won_per_unit": 5_000,
        "purse_won": 10**12,
        "actions": (action("go", worth_stamps=10, daily_cap=10**6, evidence=Evidence.OPTIONAL),),
    },
}


def single(name: str, engine: Engine) -> list[Row]:
    rows = []
    for case, fields in CASES.items():
        for keyed in (False, True):
            empty_all_tables(engine)
            with Session(engine, expire_on_commit=False) as session:
                campaign = make_campaign(session, **fields)
                team = "dog" if campaign.teams else None
                users = [make_user(session) for _ in range(USERS)]
                for user in users:
                    join(session, user, campaign, team, NOW)
                session.commit()

                def step(
                    i: int,
                    session: Session = session,
                    campaign: Campaign = campaign,
                    users: list[User] = users,
                    keyed: bool = keyed,
                ) -> None:
                    key = uuid.uuid4().hex if keyed else None
                    record_action(session, users[i % USERS], campaign, "go", None, key, NOW)
                    session.commit()

                counter = StatementCounter(engine)
                done, elapsed = timed(SINGLE_SECONDS, step)
                event.remove(engine, "before_cursor_execute", counter._count)
                assert reconcile(session) == []
            label = f"record_action: {case}{' + idempotency key' if keyed else ''}"
            rows.append(Row(name, label, done / elapsed, counter.count / done))
    return rows


def vote_for(url: str, campaign_id: int, user_ids: list[int], seconds: float, start_at: float):
    """Worker: vote as fast as possible for ``seconds``; returns (votes, database errors)."""
    engine = make_engine(url)
    done = errors = 0
    try:
        with Session(engine, expire_on_commit=False) as session:
            campaign = session.get(Campaign, campaign_id)
            users = [session.get(User, user_id) for user_id in user_ids]
            session.commit()
            time.sleep(max(0.0, start_at - time.time()))
            stop = time.time() + seconds
            while time.time() < stop:
                try:
                    record_action(
                        session, users[done % len(users)], campaign, "vote", None, None, NOW
                    )
                    session.commit()
                    done += 1
                except Exception:  # counted: the benchmark reports any
                    session.rollback()
                    errors += 1
    finally:
        engine.dispose()
    return done, errors


def bump_for(url: str, rows: int, hold: float, seconds: float, start_at: float) -> tuple[int, int]:
    """Worker: the floor transaction (INSERT + UPDATE of a random one of ``rows`` counter rows,
    then ``hold`` seconds before COMMIT) for ``seconds``; returns (transactions, errors)."""
    engine = make_engine(url)
    done = errors = 0
    insert = text("INSERT INTO bench_hot_rows (n) VALUES (1)")
    bump = text("UPDATE bench_hot_counter SET n = n + 1 WHERE id = :id")
    try:
        with engine.connect() as conn:
            time.sleep(max(0.0, start_at - time.time()))
            stop = time.time() + seconds
            while time.time() < stop:
                try:
                    with conn.begin():
                        conn.execute(insert)
                        conn.execute(bump, {"id": random.randrange(rows)})
                        if hold:
                            conn.execute(text("SELECT pg_sleep(:s)"), {"s": hold})
                    done += 1
                except Exception:  # counted: the benchmark reports any
                    errors += 1
    finally:
        engine.dispose()
    return done, errors


def hot_row(url: str, engine: Engine, pool: WorkerPool) -> list[Row]:
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_hot_rows")
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_hot_counter")
        conn.exec_driver_sql("CREATE TABLE bench_hot_rows (id SERIAL PRIMARY KEY, n INTEGER)")
        conn.exec_driver_sql("CREATE TABLE bench_hot_counter (id INTEGER PRIMARY KEY, n BIGINT)")
        conn.exec_driver_sql(
            "INSERT INTO bench_hot_counter SELECT g, 0 FROM generate_series(0, 7) g"
        )
    out = []
    for hold in (0.0, 0.002):
        for processes in PROCESS_COUNTS:
            for rows in (1, 8):
                jobs = [(bump_for, (url, rows, hold, CONCURRENT_SECONDS)) for _ in range(processes)]
                results = run_together(pool, jobs, lead=1.0)
                done = sum(n for n, _ in results)
                errors = sum(e for _, e in results)
                held = f", held {hold * 1000:g} ms" if hold else ""
                label = f"{processes} processes, floor on {rows} counter row(s){held}"
                if errors:
                    label += f" ({errors} errors)"
                out.append(Row("postgresql", label, done / CONCURRENT_SECONDS))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE bench_hot_rows")
        conn.exec_driver_sql("DROP TABLE bench_hot_counter")
    return out


def concurrent(url: str, engine: Engine, pool: WorkerPool) -> list[Row]:
    rows = []
    for processes in PROCESS_COUNTS:
        for shards, ahead in ((1, False), (8, False), (8, True)):
            empty_all_tables(engine)
            with Session(engine) as session:
                campaign = make_campaign(
                    session,
                    kind=CampaignKind.TEAM,
                    counter_shards=shards,
                    actions=(action("vote"),),
                    # a milestone never reached: every vote watches the total
                    milestones=(MilestoneSpec(10**9, 1_000),) if ahead else (),
                )
                users = [make_user(session) for _ in range(8 * processes)]
                for i, user in enumerate(users):
                    join(session, user, campaign, ("dog", "cat")[i % 2], NOW)
                session.commit()
                ids = [user.id for user in users]
                campaign_id = campaign.id
            jobs = [
                (vote_for, (url, campaign_id, ids[p::processes], CONCURRENT_SECONDS))
                for p in range(processes)
            ]
            results = run_together(pool, jobs, lead=1.0)
            votes = sum(done for done, _ in results)
            errors = sum(failed for _, failed in results)
            with Session(engine) as session:
                assert reconcile(session) == []
            label = f"{processes} processes voting, counter_shards={shards}"
            if ahead:
                label += ", a milestone ahead"
            if errors:
                label += f" ({errors} errors)"
            rows.append(Row("postgresql", label, votes / CONCURRENT_SECONDS))
    return rows


def print_table(rows: list[Row]) -> None:
    width = max(len(r.case) for r in rows)
    print(f"\n{'database':<11} {'case':<{width}} {'per second':>11} {'statements':>11}")
    print("-" * (width + 36))
    for r in rows:
        statements = f"{r.statements:.1f}" if r.statements is not None else ""
        print(f"{r.database:<11} {r.case:<{width}} {r.per_second:>11.0f} {statements:>11}")


def main() -> None:
    rows: list[Row] = []
    print(f"cpus: {os.cpu_count()}; {SINGLE_SECONDS:g} s per single-threaded case", flush=True)
    with databases() as found:
        for name, url, engine in found:
            rows.append(floor(name, engine))
            print(f"{name}: floor done", flush=True)
            rows.extend(single(name, engine))
            print(f"{name}: record_action done", flush=True)
            if name == "postgresql":
                pool = WorkerPool(max(PROCESS_COUNTS))
                try:
                    rows.extend(hot_row(url, engine, pool))
                    print("postgresql: hot row done", flush=True)
                    rows.extend(concurrent(url, engine, pool))
                finally:
                    pool.close()
    print_table(rows)
    if len(found) == 1:
        print("\n(set BENCH_DATABASE_URL or TEST_DATABASE_URL for PostgreSQL and concurrency)")
