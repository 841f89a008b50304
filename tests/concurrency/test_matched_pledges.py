"""Concurrent matched gifts on PostgreSQL: several processes give at once against a small
company cap and per-person caps; the company never pays a won more than either cap allows, and
the counters still equal the ledger."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from campaign.db import make_engine
from campaign.models import Campaign, Participant, Pledge, PledgeSource, Role, User
from campaign.models.types import utcnow
from campaign.services import counters
from campaign.services.fundraising import pledge_gift
from campaign.services.reconcile import reconcile
from tests.conftest import need_postgres
from tests.databases import drop_postgres_schema, migrated_engine, new_postgres_schema
from tests.factories import make_fundraiser, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

COMPANY_CAP = 250_000
PER_PERSON = 100_000
GIFT = 30_000
GIFTS_EACH = 5
# Ten processes, two of them giving as the same person (whose cap they share).
GIVERS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 8]


@pytest.fixture
def pg_engine() -> Iterator[tuple[str, Engine]]:
    base = need_postgres()
    schema, url = new_postgres_schema(base, prefix="conc")
    engine = migrated_engine(url)
    yield url, engine
    engine.dispose()
    drop_postgres_schema(base, schema)


def give_many(url: str, campaign_id: int, user_id: int, barrier, results) -> None:
    """One process: wait for the others, then give GIFTS_EACH times, one transaction each."""
    engine = make_engine(url)
    matched = []
    try:
        barrier.wait(timeout=60)
        for _ in range(GIFTS_EACH):
            with Session(engine, expire_on_commit=False) as session, session.begin():
                campaign = session.get(Campaign, campaign_id)
                user = session.get(User, user_id)
                result = pledge_gift(session, user, campaign, GIFT, False, None, None, utcnow())
                matched.append(result.matched)
        results.put((user_id, matched, None))
    except Exception as exc:  # reported to the test, which fails with it
        results.put((user_id, matched, repr(exc)))
    finally:
        engine.dispose()


def test_concurrent_matched_gifts_never_overrun_the_caps(pg_engine: tuple[str, Engine]) -> None:
    url, engine = pg_engine
    with Session(engine, expire_on_commit=False) as session, session.begin():
        now = utcnow()
        campaign = make_fundraiser(
            session,
            purse_won=COMPANY_CAP,
            match_per_person_won=PER_PERSON,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=1),
        )
        people = [make_user(session, role=Role.CREW) for _ in range(max(GIVERS) + 1)]
        campaign_id, user_ids = campaign.id, [p.id for p in people]

    # fork: the workers start with the parent's imports; make_engine drops inherited connections.
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(GIVERS))
    results = context.Queue()
    workers = [
        context.Process(target=give_many, args=(url, campaign_id, user_ids[i], barrier, results))
        for i in GIVERS
    ]
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    assert [error for _u, _m, error in reports if error] == []
    paid_per_report = sum(sum(matched) for _u, matched, _e in reports)

    gifts_per_person: dict[int, int] = {}
    for i in GIVERS:
        gifts_per_person[user_ids[i]] = gifts_per_person.get(user_ids[i], 0) + GIFT * GIFTS_EACH
    # Everything the policy promised, person by person, until the company's budget ran out.
    promised = sum(min(PER_PERSON, given) for given in gifts_per_person.values())
    assert promised > COMPANY_CAP  # the test is only worth something if the cap binds

    with Session(engine) as session:
        matched_total = session.scalar(
            select(func.sum(Pledge.amount_won)).where(
                Pledge.campaign_id == campaign_id, Pledge.source == PledgeSource.MATCH
            )
        )
        crew_total = session.scalar(
            select(func.sum(Pledge.amount_won)).where(
                Pledge.campaign_id == campaign_id, Pledge.source == PledgeSource.CREW
            )
        )
        assert matched_total == COMPANY_CAP == min(COMPANY_CAP, promised)
        assert paid_per_report == matched_total
        assert crew_total == GIFT * GIFTS_EACH * len(GIVERS)
        totals = counters.totals(session, campaign_id)
        assert (totals.sponsor_won, totals.purse_left) == (COMPANY_CAP, 0)
        assert totals.participants == len(gifts_per_person)
        for p in session.scalars(select(Participant).where(Participant.campaign_id == campaign_id)):
            assert p.matched_won <= PER_PERSON
            assert p.gifted_won == gifts_per_person[p.user_id]
        assert reconcile(session, campaign_id) == []
