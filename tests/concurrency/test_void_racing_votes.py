"""A void racing votes near a purse cap, on SQLite and PostgreSQL: while voters spend the purse
down to its last won, an admin voids paid votes (giving their ₩ back, which the voters take
again). The purse is never overrun, nobody deadlocks or finds the database locked, and the
counters still equal the ledger."""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from campaign.db import make_engine
from campaign.errors import DomainError
from campaign.models import Action, Campaign, CampaignKind, Correction, Pledge, Role, User
from campaign.services import counters
from campaign.services.actions import record_action
from campaign.services.corrections import void_action
from campaign.services.participation import join
from campaign.services.reconcile import reconcile
from tests.factories import NOW, action, make_campaign, make_user

pytestmark = pytest.mark.slow

PURSE = 6_000
VOTE = 100
SEEDED = 55  # votes before the race: 5,500 of the 6,000 spent
VOTERS = 4
VOTES_EACH = 15
VOIDS = 20


def _run(url: str, job, barrier, results) -> None:
    engine = make_engine(url)
    outcome: Counter = Counter()
    try:
        barrier.wait(timeout=60)
        job(engine, outcome)
        results.put((dict(outcome), None))
    except Exception as exc:  # reported to the test, which fails with it
        results.put((dict(outcome), repr(exc)))
    finally:
        engine.dispose()


def _vote(campaign_id: int, user_id: int):
    def job(engine: Engine, outcome: Counter) -> None:
        for n in range(VOTES_EACH):
            with Session(engine) as session:
                try:
                    with session.begin():
                        campaign = session.get(Campaign, campaign_id)
                        user = session.get(User, user_id)
                        recorded = record_action(
                            session, user, campaign, "vote", None, f"race-{n}", NOW
                        )
                        outcome["won"] += recorded.won
                    outcome["ok"] += 1
                except DomainError as error:
                    outcome[error.code] += 1
                except DBAPIError as error:
                    outcome[f"db:{getattr(error.orig, 'sqlstate', None) or error.orig}"] += 1

    return job


def _void(campaign_id: int, admin_id: int, action_ids: list[int]):
    def job(engine: Engine, outcome: Counter) -> None:
        for action_id in action_ids:
            with Session(engine) as session:
                try:
                    with session.begin():
                        campaign = session.get(Campaign, campaign_id)
                        admin = session.get(User, admin_id)
                        voided = void_action(
                            session, campaign, action_id, reason="경합 정정", actor=admin, now=NOW
                        )
                        outcome["returned"] += voided.correction.won_returned
                    outcome["voided"] += 1
                except DomainError as error:
                    outcome[error.code] += 1
                except DBAPIError as error:
                    outcome[f"db:{getattr(error.orig, 'sqlstate', None) or error.orig}"] += 1

    return job


def test_a_void_racing_votes_near_the_cap_never_overruns_the_purse(
    database: tuple[str, Engine],
) -> None:
    url, engine = database
    with Session(engine, expire_on_commit=False) as session, session.begin():
        campaign = make_campaign(
            session,
            kind=CampaignKind.TEAM,
            purse_won=PURSE,
            counter_shards=3,
            actions=(action("vote", worth_won=VOTE),),
        )
        admin = make_user(session, role=Role.ADMIN)
        voters = [make_user(session) for _ in range(VOTERS)]
        for i, voter in enumerate(voters):
            join(session, voter, campaign, ("dog", "cat")[i % 2], NOW)
        seeded = [
            record_action(session, voters[n % VOTERS], campaign, "vote", None, f"seed-{n}", NOW)
            for n in range(SEEDED)
        ]
        campaign_id, admin_id = campaign.id, admin.id
        voter_ids = [v.id for v in voters]
        to_void = [r.action.id for r in seeded[:VOIDS]]

    context = multiprocessing.get_context("fork")
    jobs = [_vote(campaign_id, user_id) for user_id in voter_ids]
    jobs.append(_void(campaign_id, admin_id, to_void))
    barrier = context.Barrier(len(jobs))
    results = context.Queue()
    workers = [context.Process(target=_run, args=(url, job, barrier, results)) for job in jobs]
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=180) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert [error for _outcome, error in reports if error] == []
    merged: Counter = Counter()
    for outcome, _error in reports:
        merged.update(outcome)
    assert {k for k in merged if k.startswith("db:")} == set()
    assert merged["ok"] == VOTERS * VOTES_EACH
    assert merged["voided"] == VOIDS
    assert merged["returned"] == VOIDS * VOTE  # every seeded vote had been paid

    with Session(engine) as session:
        assert reconcile(session, campaign_id) == []
        totals = counters.totals(session, campaign_id)
        assert totals.sponsor_won <= PURSE
        ledger = session.scalar(
            select(func.sum(Pledge.amount_won)).where(Pledge.campaign_id == campaign_id)
        )
        assert totals.sponsor_won == ledger
        paid_before = SEEDED * VOTE
        assert ledger == paid_before - merged["returned"] + merged["won"]
        # The race wanted more than the purse held: it binds.
        assert paid_before + VOTERS * VOTES_EACH * VOTE > PURSE + VOIDS * VOTE
        assert totals.actions == SEEDED + VOTERS * VOTES_EACH - VOIDS
        counted = session.scalar(
            select(func.count())
            .select_from(Action)
            .where(Action.campaign_id == campaign_id)
            .where(Action.id.not_in(select(Correction.action_id)))
        )
        assert counted == totals.actions
