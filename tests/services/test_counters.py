"""Counter rows: exact purse slices, spill-over between rows, and the lock order that keeps
concurrent writers free of deadlocks (proved here with a second connection holding a row)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from campaign.models import Campaign, CampaignCounter
from campaign.services import counters
from tests.conftest import need_postgres
from tests.databases import empty_all_tables
from tests.factories import make_campaign
from tests.ledger_facts import shard_rows


@pytest.mark.parametrize(
    ("purse", "shards", "slices"),
    [
        (None, 3, [None, None, None]),
        (1_000, 1, [1_000]),
        (1_000, 4, [250, 250, 250, 250]),
        (1_030, 4, [258, 258, 257, 257]),
        (5, 8, [1, 1, 1, 1, 1, 0, 0, 0]),
        (0, 2, [0, 0]),
    ],
)
def test_purse_slices_are_exact(purse: int | None, shards: int, slices: list) -> None:
    assert counters.purse_slices(purse, shards) == slices
    if purse is not None:
        assert sum(slices) == purse


def test_a_grant_spills_over_in_order_and_never_overruns(session: Session) -> None:
    campaign = make_campaign(session, counter_shards=4, purse_won=1_000)
    assert counters.grant(session, campaign, 2, 400) == 400  # 250 from row 2, 150 from row 3
    assert [r.sponsor_won for r in shard_rows(session, campaign.id)] == [0, 0, 250, 150]
    assert counters.grant(session, campaign, 3, 500) == 500  # 100 from 3, then 0, then 1
    assert [r.sponsor_won for r in shard_rows(session, campaign.id)] == [250, 150, 250, 250]
    assert counters.grant(session, campaign, 0, 500) == 100  # only 100 left anywhere
    assert counters.grant(session, campaign, 1, 1) == 0
    assert counters.totals(session, campaign.id).purse_left == 0


def test_no_purse_grants_everything_from_one_row(session: Session) -> None:
    campaign = make_campaign(session, counter_shards=4)
    assert counters.grant(session, campaign, 1, 10**12) == 10**12
    assert [r.sponsor_won for r in shard_rows(session, campaign.id)] == [0, 10**12, 0, 0]
    assert counters.grant(session, campaign, 1, 0) == 0


@pytest.fixture
def pg(request: pytest.FixtureRequest) -> Engine:
    need_postgres()
    _url, engine = request.getfixturevalue("postgres_database")
    empty_all_tables(engine)
    return engine


def test_postgres_spill_skips_a_lower_row_another_writer_holds(pg: Engine) -> None:
    with Session(pg) as setup:
        campaign_id = make_campaign(setup, counter_shards=4, purse_won=1_000).id
        setup.commit()
    with Session(pg) as other, Session(pg) as mine:
        # Another writer holds row 0 (as a writer that picked row 0 would).
        other.execute(
            select(CampaignCounter)
            .where(CampaignCounter.campaign_id == campaign_id, CampaignCounter.shard == 0)
            .with_for_update()
        ).all()
        # A wait would be a deadlock risk: make one fail fast instead of hanging the test.
        mine.execute(text("SET LOCAL lock_timeout = '3s'"))
        campaign_here = mine.get(Campaign, campaign_id)
        counters.count_action(mine, campaign_id, 2, stamps=0, grant_due=0)
        spilled = counters.spill(mine, campaign_here, 2, 900)
        # Rows 3 (above: waited for, free) and 1 (below, free) paid; row 0 was skipped.
        assert (spilled.granted, spilled.skipped) == (500, True)
        # A milestone must not be paid short for that reason: it waits for a sweep.
        assert counters.grant_from_held(mine, campaign_here, 2, 400) is None
        other.rollback()
        # Row 0 free again: now the rest of the purse can be taken from it.
        assert counters.spill(mine, campaign_here, 2, 900).granted == 250
        mine.rollback()
