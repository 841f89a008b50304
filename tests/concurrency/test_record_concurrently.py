"""Several processes record actions at once: caps and purses hold exactly, and no writer ever
deadlocks, fails a serialization check or finds the database locked.

PostgreSQL: six processes with shared users (row locks; lock order keeps them deadlock-free).
SQLite: two processes (BEGIN IMMEDIATE makes writers queue for the file lock).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from campaign.models import (
    Action,
    CampaignKind,
    DailyTally,
    Milestone,
    Pledge,
    PledgeSource,
    Settlement,
    User,
)
from campaign.rules.campaign_spec import MilestoneSpec
from campaign.services import counters
from campaign.services.milestones import unlock_reached
from campaign.services.participation import join
from campaign.services.reconcile import reconcile
from tests.concurrency.workers import (
    PROCESSES,
    Outcome,
    Step,
    WorkerPool,
    close_after,
    record_plan,
    run_together,
)
from tests.conftest import need_postgres
from tests.databases import empty_all_tables
from tests.factories import NOW, action, make_campaign, make_user
from tests.ledger_facts import milestone_pledges, pledged, shard_rows

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    """Spawned worker processes, started once for the module (on first use)."""
    workers = WorkerPool(PROCESSES)
    yield workers
    workers.close()


@pytest.fixture
def pg(request: pytest.FixtureRequest) -> tuple[str, Engine]:
    need_postgres()
    url, engine = request.getfixturevalue("postgres_database")
    empty_all_tables(engine)
    return url, engine


@pytest.fixture
def lite(request: pytest.FixtureRequest) -> tuple[str, Engine]:
    url, engine = request.getfixturevalue("sqlite_database")
    empty_all_tables(engine)
    return url, engine


def people(session: Session, campaign, teams: list[str | None]) -> list[int]:
    users = []
    for team in teams:
        user = make_user(session)
        join(session, user, campaign, team, NOW)
        users.append(user.id)
    return users


def plans(users: list[int], processes: int, steps: int, codes: list[str], now: datetime = NOW):
    """Every process cycles over all users (so each user is hit by several processes at once)
    and over the action codes."""
    return [
        [
            Step(users[(p + i) % len(users)], codes[(p + i // len(users)) % len(codes)], now)
            for i in range(steps)
        ]
        for p in range(processes)
    ]


def together(
    pool: WorkerPool, url: str, campaign_id: int, plan_list: list[list[Step]]
) -> list[Outcome]:
    return run_together(pool, [(record_plan, (url, campaign_id, plan)) for plan in plan_list])


def tally(outcomes: list[Outcome]) -> Counter:
    total: Counter = Counter()
    for outcome in outcomes:
        total.update(outcome.counts)
    return total


def no_database_errors(counts: Counter) -> None:
    assert not [code for code in counts if code.startswith("db:")], counts


def daily_counts(session: Session) -> list[int]:
    return sorted(session.scalars(select(DailyTally.count)))


@pytest.mark.parametrize("shards", [1, 4])
def test_postgres_cheers_against_a_small_purse_and_daily_caps(
    pool: WorkerPool, pg: tuple[str, Engine], shards: int
) -> None:
    url, engine = pg
    with Session(engine) as session:
        campaign = make_campaign(
            session,
            counter_shards=shards,
            purse_won=1_000,
            actions=(action("cheer", worth_won=100, daily_cap=5),),
        )
        users = people(session, campaign, [None] * 4)
        session.commit()
        campaign_id = campaign.id

    outcomes = together(
        pool, url, campaign_id, plans(users, processes=6, steps=12, codes=["cheer"])
    )

    counts = tally(outcomes)
    no_database_errors(counts)
    assert counts == {"ok": 20, "cap_reached": 72 - 20}  # 4 people × 5 a day
    with Session(engine) as session:
        totals = counters.totals(session, campaign_id)
        assert (totals.actions, totals.sponsor_won, totals.purse_left) == (20, 1_000, 0)
        assert pledged(session, campaign_id) == 1_000 == sum(o.won for o in outcomes)
        assert daily_counts(session) == [5, 5, 5, 5]
        assert all(r.sponsor_won <= r.purse_cap for r in shard_rows(session, campaign_id))
        assert reconcile(session) == []


def test_postgres_sharded_team_fight_with_milestones(
    pool: WorkerPool, pg: tuple[str, Engine]
) -> None:
    url, engine = pg
    with Session(engine) as session:
        campaign = make_campaign(
            session,
            kind=CampaignKind.TEAM,
            counter_shards=4,
            purse_won=1_000,
            actions=(action("vote", worth_won=30, daily_cap=10),),
            milestones=(MilestoneSpec(20, 300), MilestoneSpec(40, 500)),
        )
        users = people(session, campaign, ["dog", "cat"] * 3)
        session.commit()
        campaign_id = campaign.id

    outcomes = together(pool, url, campaign_id, plans(users, processes=6, steps=15, codes=["vote"]))

    counts = tally(outcomes)
    no_database_errors(counts)
    assert counts == {"ok": 60, "cap_reached": 90 - 60}
    with Session(engine) as session:
        campaign = session.get(type(campaign), campaign_id)
        unlock_reached(session, campaign, NOW)  # the sweep: whatever the estimates missed
        session.commit()
        assert sorted(milestone_pledges(session, campaign_id).values()) == [1, 1]
        totals = counters.totals(session, campaign_id)
        assert (totals.actions, totals.sponsor_won) == (60, 1_000)
        assert pledged(session, campaign_id) == 1_000
        teams = counters.team_totals(session, [t.id for t in campaign.teams])
        assert sorted(t.actions for t in teams.values()) == [30, 30]
        assert daily_counts(session) == [10] * 6
        assert reconcile(session) == []


def test_postgres_stamps_and_cheers_on_sharded_counters(
    pool: WorkerPool, pg: tuple[str, Engine]
) -> None:
    url, engine = pg
    with Session(engine) as session:
        campaign = make_campaign(
            session,
            kind=CampaignKind.STAMP,
            counter_shards=4,
            stamps_per_unit=40,
            won_per_unit=5_000,
            purse_won=20_000,
            actions=(
                action("report", worth_stamps=10, daily_cap=6),
                action("cheer", worth_won=50, daily_cap=4),
            ),
        )
        users = people(session, campaign, [None] * 4)
        session.commit()
        campaign_id = campaign.id

    outcomes = together(
        pool, url, campaign_id, plans(users, processes=6, steps=16, codes=["report", "cheer"])
    )

    counts = tally(outcomes)
    no_database_errors(counts)
    assert counts["ok"] == 4 * 6 + 4 * 4
    assert counts == {"ok": 40, "cap_reached": 96 - 40}
    # 240 stamps are 6 trees (30,000원 due) and 16 cheers 800원: the purse pays 20,000원.
    assert sum(o.won_due for o in outcomes) == 30_800
    assert sum(o.won for o in outcomes) == 20_000
    with Session(engine) as session:
        completing = session.scalar(
            select(func.count()).select_from(Action).where(Action.won_due == 5_000)
        )
        assert completing == 6  # exactly one action completed each tree
        totals = counters.totals(session, campaign_id)
        assert (totals.stamps, totals.sponsor_won, totals.purse_left) == (240, 20_000, 0)
        assert reconcile(session) == []


def test_postgres_sharded_milestones_unlock_at_the_crossing_vote(
    pool: WorkerPool, pg: tuple[str, Engine]
) -> None:
    """Six processes vote on eight counter rows with no sweep running: every milestone is
    unlocked by a vote, once, never before its threshold and at most a few votes after it (the
    votes in flight at the crossing cannot see each other's uncommitted counts)."""
    url, engine = pg
    processes, steps = 6, 40
    thresholds = (50, 120, 200)
    with Session(engine) as session:
        campaign = make_campaign(
            session,
            kind=CampaignKind.TEAM,
            counter_shards=8,
            actions=(action("vote"),),
            milestones=tuple(MilestoneSpec(t, 1_000 * t) for t in thresholds),
        )
        users = people(session, campaign, ["dog", "cat"] * 6)
        session.commit()
        campaign_id = campaign.id

    outcomes = together(pool, url, campaign_id, plans(users, processes, steps, codes=["vote"]))

    counts = tally(outcomes)
    no_database_errors(counts)
    assert counts == {"ok": processes * steps}
    with Session(engine) as session:
        unlocked_by = dict(
            session.execute(
                select(Milestone.threshold, Pledge.action_id)
                .join(Pledge, Pledge.milestone_id == Milestone.id)
                .where(Milestone.campaign_id == campaign_id)
            ).all()
        )
        assert sorted(unlocked_by) == list(thresholds)
        for threshold, action_id in unlocked_by.items():
            assert action_id is not None  # a vote, not a sweep
            # A vote's action row is written after its count, so every action it counted has a
            # lower id: the unlocking vote's position in id order is at least the threshold.
            position = session.scalar(
                select(func.count()).select_from(Action).where(Action.id <= action_id)
            )
            assert threshold <= position <= threshold + 2 * processes, (threshold, position)
        assert pledged(session, campaign_id, PledgeSource.MILESTONE) == 1_000 * sum(thresholds)
        assert set(milestone_pledges(session, campaign_id).values()) == {1}
        assert reconcile(session) == []


@pytest.mark.parametrize("kind", [CampaignKind.CHEER, CampaignKind.TEAM])
def test_postgres_no_action_lands_after_the_close(
    pool: WorkerPool, pg: tuple[str, Engine], kind: CampaignKind
) -> None:
    """Without teams the status is re-read by a SELECT; with teams by the team row's UPDATE."""
    url, engine = pg
    with Session(engine) as session:
        if kind == CampaignKind.TEAM:
            campaign = make_campaign(session, kind=kind, counter_shards=2)
            users = people(session, campaign, ["dog", "cat"] * 2)
        else:
            campaign = make_campaign(session, counter_shards=2)
            users = people(session, campaign, [None] * 4)
        session.commit()
        campaign_id = campaign.id

    jobs = [(record_plan, (url, campaign_id, plan)) for plan in plans(users, 4, 100, ["cheer"])]
    jobs.append((close_after, (url, campaign_id, NOW, 0.4)))
    *outcomes, seen_at_close = run_together(pool, jobs)

    counts = tally(outcomes)
    no_database_errors(counts)
    assert set(counts) == {"ok", "campaign_closed"}, counts
    assert counts["ok"] > 0 and counts["campaign_closed"] > 0  # the close fell mid-run
    with Session(engine) as session:
        settlement = session.scalar(select(Settlement).where(Settlement.campaign_id == campaign_id))
        actions = session.scalar(select(func.count()).select_from(Action))
        # The ledger froze at the close: nothing committed after it, the settlement says so.
        assert actions == seen_at_close == settlement.actions == counts["ok"]
        assert settlement.total_won == pledged(session, campaign_id) == 100 * actions
        assert reconcile(session) == []


def test_sqlite_two_processes_queue_and_stay_exact(
    pool: WorkerPool, lite: tuple[str, Engine]
) -> None:
    url, engine = lite
    with Session(engine) as session:
        campaign = make_campaign(
            session,
            counter_shards=2,
            purse_won=1_000,
            actions=(action("cheer", worth_won=100, daily_cap=5),),
            milestones=(MilestoneSpec(10, 150),),
        )
        users = people(session, campaign, [None] * 4)
        session.commit()
        campaign_id = campaign.id

    outcomes = together(
        pool, url, campaign_id, plans(users, processes=2, steps=30, codes=["cheer"])
    )

    counts = tally(outcomes)
    no_database_errors(counts)  # no "database is locked": writers queue
    assert counts == {"ok": 20, "cap_reached": 40}
    with Session(engine) as session:
        campaign = session.get(type(campaign), campaign_id)
        unlock_reached(session, campaign, NOW)
        session.commit()
        totals = counters.totals(session, campaign_id)
        assert (totals.actions, totals.sponsor_won) == (20, 1_000)
        assert pledged(session, campaign_id) == 1_000
        assert list(milestone_pledges(session, campaign_id).values()) == [1]
        assert daily_counts(session) == [5, 5, 5, 5]
        assert session.scalar(select(func.count()).select_from(User)) == 4
        assert reconcile(session) == []
