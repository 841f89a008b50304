"""A person's giving (services/giving.py) on both databases: this KST year's and all-time
totals agree with the ledger, impact per campaign, draws won and receipts requested."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.models import CampaignKind, Pledge, PledgeSource, Role
from campaign.services import lifecycle
from campaign.services.actions import record_action
from campaign.services.fundraising import cancel_gift, pledge_gift
from campaign.services.giving import Totals, giving, totals
from campaign.services.participation import join
from campaign.services.receipts import request_receipt
from tests.factories import (
    DAY,
    NOW,
    action,
    make_campaign,
    make_fundraiser,
    make_partner,
    make_user,
)

# 2025-12-31 23:59 KST and, a minute later, 2026-01-01 00:00 KST.
LAST_MINUTE_OF_2025 = datetime(2025, 12, 31, 14, 59, tzinfo=UTC)
FIRST_MINUTE_OF_2026 = datetime(2025, 12, 31, 15, 0, tzinfo=UTC)


def ledger_sum(session: Session, user, source: PledgeSource, since=None) -> int:
    query = select(func.coalesce(func.sum(Pledge.amount_won), 0)).where(
        Pledge.user_id == user.id, Pledge.source == source
    )
    if since is not None:
        query = query.where(Pledge.kst_day >= since)
    return int(session.scalar(query))


def test_totals_split_the_kst_year_and_agree_with_the_ledger(session: Session) -> None:
    person = make_user(session, role=Role.CREW)
    bystander = make_user(session)
    cheers = make_campaign(
        session, starts_at=datetime(2025, 12, 1, tzinfo=UTC), ends_at=NOW + 10 * DAY
    )
    for someone in (person, bystander):
        join(session, someone, cheers, None, LAST_MINUTE_OF_2025)
    record_action(session, person, cheers, "cheer", None, None, LAST_MINUTE_OF_2025)
    record_action(session, person, cheers, "cheer", None, None, FIRST_MINUTE_OF_2026)
    record_action(session, person, cheers, "cheer", None, None, NOW)
    record_action(session, bystander, cheers, "cheer", None, None, NOW)
    drive = make_fundraiser(session)
    pledge_gift(session, person, drive, 10_000, False, None, None, NOW)
    second = pledge_gift(session, person, drive, 5_000, False, None, None, NOW)
    cancel_gift(session, person, second.gift.id, NOW)
    session.commit()

    year, this_year, all_time = totals(session, person, NOW)
    assert year == 2026
    assert this_year == Totals(sponsor_won=200, gifts_won=10_000, match_won=10_000)
    assert all_time == Totals(sponsor_won=300, gifts_won=10_000, match_won=10_000)
    assert all_time.total_won == 20_300
    new_year = datetime(2026, 1, 1).date()
    assert this_year == Totals(
        ledger_sum(session, person, PledgeSource.ACTION, new_year),
        ledger_sum(session, person, PledgeSource.CREW, new_year),
        ledger_sum(session, person, PledgeSource.MATCH, new_year),
    )
    assert all_time == Totals(
        ledger_sum(session, person, PledgeSource.ACTION),
        ledger_sum(session, person, PledgeSource.CREW),
        ledger_sum(session, person, PledgeSource.MATCH),
    )
    # Asked on 2025-12-31 (KST), the year is 2025 and only that year's rows count.
    assert totals(session, person, LAST_MINUTE_OF_2025)[:2] == (2025, Totals(sponsor_won=100))


def test_someone_new_has_zeros_and_empty_lists(session: Session) -> None:
    mine = giving(session, make_user(session), NOW)
    assert mine.this_year == mine.all_time == Totals()
    assert (mine.campaigns, mine.draws, mine.receipts) == ([], [], [])


def test_the_dashboard_lists_impact_draws_and_receipts(session: Session) -> None:
    partner = make_partner(session, issues_receipts=True)
    person = make_user(session, role=Role.CREW, name="김나무")
    trees = make_campaign(
        session,
        kind=CampaignKind.STAMP,
        partner=partner,
        actions=(action("plant", worth_stamps=20),),
        stamps_per_unit=40,
        won_per_unit=5_000,
        unit_name="그루",
    )
    join(session, person, trees, None, NOW)
    for _ in range(3):
        record_action(session, person, trees, "plant", None, None, NOW)
    fight = make_campaign(
        session, kind=CampaignKind.TEAM, actions=(action("vote"),), draw_winners=1
    )
    join(session, person, fight, "dog", NOW)
    record_action(session, person, fight, "vote", None, None, NOW)
    lifecycle.close(session, fight, actor=None, now=NOW + DAY)
    drive = make_fundraiser(session, partner=partner)
    pledge_gift(session, person, drive, 30_000, False, None, None, NOW)
    request_receipt(
        session, person, drive, legal_name="김나무", share_email=True, phone=None, now=NOW
    )
    session.commit()

    mine = giving(session, person, NOW + DAY)
    by_slug = {c.campaign.slug: c.contribution for c in mine.campaigns}
    assert set(by_slug) == {trees.slug, fight.slug, drive.slug}
    assert (by_slug[trees.slug].stamps, by_slug[trees.slug].won) == (60, 5_000)
    # 60 stamps at 40 a tree: one tree paid for (5,000원); the half tree is not planted yet.
    assert by_slug[trees.slug].units is not None and float(by_slug[trees.slug].units) == 1.0
    assert by_slug[drive.slug].gifted_won == 30_000
    [win] = mine.draws
    assert (win.campaign_slug, win.rank) == (fight.slug, 1)
    [receipt] = mine.receipts
    assert (receipt.campaign_slug, receipt.requested_at) == (drive.slug, NOW)
    assert mine.all_time == Totals(sponsor_won=5_000, gifts_won=30_000, match_won=30_000)
