"""The sweeps with a frozen clock, and the lock that keeps a second scheduler waiting."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from campaign import scheduler
from campaign.db import Database
from campaign.models import (
    AuditEntry,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Pledge,
    ProgressSnapshot,
    Role,
    Settlement,
    User,
)
from campaign.rules.calendar import kst_day
from campaign.rules.campaign_spec import MilestoneSpec
from campaign.services import lifecycle, milestones
from campaign.services.actions import record_action
from campaign.services.participation import join
from tests.databases import empty_all_tables
from tests.factories import DAY, NOW, action, make_campaign, make_user


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.engine.dispose()


def status_of(db: Database, slug: str) -> CampaignStatus:
    with db.transaction() as session:
        return session.scalar(select(Campaign.status).where(Campaign.slug == slug))


def test_open_and_close_when_due_and_not_before(session: Session, db: Database) -> None:
    upcoming = make_campaign(
        session, status=CampaignStatus.SCHEDULED, starts_at=NOW + DAY, ends_at=NOW + 3 * DAY
    )
    ending = make_campaign(session, ends_at=NOW + DAY)
    session.commit()

    report = scheduler.run_sweeps(db, NOW)
    assert report.opened == [] and report.closed == []
    assert status_of(db, upcoming.slug) == CampaignStatus.SCHEDULED

    report = scheduler.run_sweeps(db, NOW + DAY)  # both are due at exactly this instant
    assert report.opened == [upcoming.slug]
    assert report.closed == [ending.slug]
    assert status_of(db, upcoming.slug) == CampaignStatus.ACTIVE
    assert status_of(db, ending.slug) == CampaignStatus.CLOSED


def test_a_close_missed_while_down_happens_at_the_next_run(session: Session, db: Database) -> None:
    missed = make_campaign(session, ends_at=NOW - 5 * DAY, starts_at=NOW - 9 * DAY)
    never_opened = make_campaign(
        session, status=CampaignStatus.SCHEDULED, starts_at=NOW - 4 * DAY, ends_at=NOW - 2 * DAY
    )
    session.commit()
    report = scheduler.run_sweeps(db, NOW)
    assert set(report.closed) == {missed.slug, never_opened.slug}
    assert status_of(db, never_opened.slug) == CampaignStatus.CLOSED
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Settlement)) == 2


def test_sweeps_are_idempotent(session: Session, db: Database) -> None:
    campaign = make_campaign(session, ends_at=NOW + DAY)
    session.commit()
    scheduler.run_sweeps(db, NOW + DAY)
    again = scheduler.run_sweeps(db, NOW + 2 * DAY)
    assert again.closed == []
    with db.transaction() as s:
        closes = s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "campaign.close", AuditEntry.campaign_id == campaign.id)
        )
        assert closes == 1


def test_daily_snapshot_one_row_per_kst_day(session: Session, db: Database) -> None:
    user = make_user(session)
    campaign = make_campaign(session)
    join(session, user, campaign, None, NOW)
    record_action(session, user, campaign, "cheer", None, None, NOW)
    session.commit()
    scheduler.snapshot_progress(db, NOW)
    scheduler.snapshot_progress(db, NOW + timedelta(hours=1))
    scheduler.snapshot_progress(db, NOW + DAY)
    with db.transaction() as s:
        rows = s.scalars(select(ProgressSnapshot).order_by(ProgressSnapshot.kst_day)).all()
        assert [r.kst_day for r in rows] == [kst_day(NOW), kst_day(NOW + DAY)]
        assert (rows[0].raised_won, rows[0].actions, rows[0].participants) == (100, 1, 1)


def test_sharded_milestones_are_unlocked_by_the_sweep(
    session: Session, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the votes left (a milestone busy at every vote that saw its threshold, a case of
    concurrency made here on purpose) the scheduler pays."""
    monkeypatch.setattr(milestones, "_unlock_without_waiting", lambda *args: None)
    campaign = make_campaign(
        session,
        kind=CampaignKind.TEAM,
        counter_shards=8,
        purse_won=10**7,
        actions=(action("vote"),),
        milestones=(MilestoneSpec(3, 1000),),
    )
    user = make_user(session)
    join(session, user, campaign, "dog", NOW)
    for _ in range(3):
        record_action(session, user, campaign, "vote", None, None, NOW)
    session.commit()
    assert session.scalar(select(Pledge.id).where(Pledge.milestone_id.is_not(None))) is None
    session.rollback()  # SQLite: let the scheduler's own transaction write
    scheduler.unlock_milestones(db, NOW)
    with db.transaction() as s:
        assert (
            s.scalar(
                select(func.count()).select_from(Pledge).where(Pledge.milestone_id.is_not(None))
            )
            == 1
        )


def test_second_scheduler_waits_for_the_lock(db: Database, tmp_path: Path, db_url: str) -> None:
    other_db = Database(db_url)
    try:
        first = scheduler.LeaderLock(db, tmp_path)
        second = scheduler.LeaderLock(other_db, tmp_path)
        assert first.try_acquire()
        assert not second.try_acquire()
        stop = threading.Event()
        got: list[bool] = []
        waiter = threading.Thread(target=lambda: got.append(second.acquire(0.05, stop)))
        waiter.start()
        waiter.join(0.3)
        assert waiter.is_alive() and got == []  # still waiting while the first one leads
        first.release()
        waiter.join(5)
        assert got == [True]
        second.release()
    finally:
        other_db.engine.dispose()


def test_scheduler_and_admin_closing_at_once_close_once(
    postgres_database: tuple[str, Engine],
) -> None:
    """Two connections close the same campaign at the same moment: one close, one audit row."""
    url, engine = postgres_database
    empty_all_tables(engine)
    setup, admin_side = Database(url), Database(url)
    try:
        with setup.transaction() as session:
            admin = make_user(session, role=Role.ADMIN)
            campaign = make_campaign(session, ends_at=NOW + DAY)
            campaign_id, admin_id = campaign.id, admin.id
        inside = threading.Barrier(2, timeout=10)
        results: dict[str, bool] = {}

        def scheduler_closes() -> None:
            with setup.transaction() as s:
                results["scheduler"] = lifecycle.close(
                    s, s.get(Campaign, campaign_id), actor=None, now=NOW + DAY
                )
                inside.wait()  # the admin's close starts while this one is not yet committed

        def admin_closes() -> None:
            inside.wait()
            with admin_side.transaction() as s:
                results["admin"] = lifecycle.close(
                    s,
                    s.get(Campaign, campaign_id),
                    actor=s.get(User, admin_id),
                    now=NOW + DAY,
                    actor_label="admin",
                )

        threads = [threading.Thread(target=scheduler_closes), threading.Thread(target=admin_closes)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert results == {"scheduler": True, "admin": False}
        with setup.transaction() as s:
            assert s.scalar(select(func.count()).select_from(AuditEntry)) == 1
            assert s.scalar(select(func.count()).select_from(Settlement)) == 1
    finally:
        setup.engine.dispose()
        admin_side.engine.dispose()
