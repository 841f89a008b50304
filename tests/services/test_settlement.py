"""Closing freezes the ledger into stored numbers that add up, for each kind of campaign."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.models import (
    CampaignKind,
    DrawWinner,
    Evidence,
    Pledge,
    Role,
    Settlement,
    SettlementAllocation,
    SettlementDay,
    SettlementTeam,
)
from campaign.rules.campaign_spec import BeneficiarySpec, MilestoneSpec
from campaign.rules.draw import draw, draw_seed
from campaign.rules.team_fight import Lead
from campaign.services import counters, lifecycle
from campaign.services.actions import record_action
from campaign.services.corrections import void_action
from campaign.services.participation import join
from campaign.services.progress import progress
from campaign.services.settlement import draw_candidates, ledger_digest
from tests.factories import NOW, action, make_campaign, make_partner, make_user


def close_and_get(session: Session, campaign) -> Settlement:
    raised = counters.totals(session, campaign.id).raised
    lifecycle.close(session, campaign, actor=None, now=NOW + timedelta(hours=1))
    settlement = session.scalar(select(Settlement).where(Settlement.campaign_id == campaign.id))
    assert settlement.total_won == raised  # the on-screen total and the frozen one agree
    ledger = session.scalar(
        select(func.coalesce(func.sum(Pledge.amount_won), 0)).where(
            Pledge.campaign_id == campaign.id
        )
    )
    assert settlement.total_won == ledger
    allocations = session.scalars(
        select(SettlementAllocation).where(SettlementAllocation.settlement_id == settlement.id)
    ).all()
    assert sum(a.amount_won for a in allocations) == settlement.total_won
    return settlement


def test_stamp_campaign_settlement(session: Session) -> None:
    forest, other = make_partner(session), make_partner(session)
    campaign = make_campaign(
        session,
        kind=CampaignKind.STAMP,
        stamps_per_unit=40,
        won_per_unit=5000,
        purse_won=12_000,
        actions=(
            action("mail", worth_stamps=15, evidence=Evidence.REQUIRED, evidence_unique=True),
        ),
        beneficiaries=(BeneficiarySpec(forest.id, 1), BeneficiarySpec(other.id, 2)),
    )
    people = [make_user(session) for _ in range(3)]
    for person in people:
        join(session, person, campaign, None, NOW)
    bill = 0
    for day in range(3):
        for person in people:
            bill += 1
            record_action(
                session, person, campaign, "mail", f"bill-{bill}", None, NOW + timedelta(days=day)
            )
    settlement = close_and_get(session, campaign)
    # 9 actions × 15 stamps = 135 stamps = 3 trees = 15,000원, clamped by the 12,000원 purse
    assert (settlement.actions, settlement.stamps, settlement.participants) == (9, 135, 3)
    assert settlement.total_won == settlement.action_won == 12_000
    parts = dict(
        session.execute(
            select(SettlementAllocation.partner_id, SettlementAllocation.amount_won)
        ).all()
    )
    assert parts == {forest.id: 4000, other.id: 8000}
    days = session.scalars(select(SettlementDay).order_by(SettlementDay.kst_day)).all()
    assert [d.actions for d in days] == [3, 3, 3]
    assert sum(d.won for d in days) == 12_000
    assert settlement.ledger_digest == ledger_digest(session, campaign.id)


def test_team_fight_settlement_and_reproducible_draw(session: Session) -> None:
    campaign = make_campaign(
        session,
        kind=CampaignKind.TEAM,
        purse_won=30_000_000,
        actions=(action("vote"),),
        milestones=(MilestoneSpec(5, 10_000_000), MilestoneSpec(1000, 20_000_000)),
        draw_winners=3,
    )
    dogs = [make_user(session) for _ in range(5)]
    cats = [make_user(session) for _ in range(2)]
    for person in dogs:
        join(session, person, campaign, "dog", NOW)
    for person in cats:
        join(session, person, campaign, "cat", NOW)
    for person in dogs + cats + dogs:
        record_action(session, person, campaign, "vote", None, None, NOW)
    settlement = close_and_get(session, campaign)
    assert settlement.actions == 12
    assert settlement.milestone_won == settlement.total_won == 10_000_000
    teams = {t.team_id: t for t in session.scalars(select(SettlementTeam))}
    dog, cat = campaign.team("dog"), campaign.team("cat")
    assert (teams[dog.id].actions, teams[dog.id].participants, teams[dog.id].winner) == (
        10,
        5,
        True,
    )
    assert (teams[cat.id].actions, teams[cat.id].participants, teams[cat.id].winner) == (
        2,
        2,
        False,
    )

    winners = session.scalars(select(DrawWinner.user_id).order_by(DrawWinner.rank)).all()
    assert len(winners) == 3 and set(winners) <= {p.id for p in dogs}
    # Anyone holding the ledger gets the same winners.
    seed = draw_seed(ledger_digest(session, campaign.id), campaign.slug)
    assert draw(seed, draw_candidates(session, campaign.id, dog.id), 3) == winners


def test_cheer_settlement_with_an_exhausted_purse(session: Session) -> None:
    campaign = make_campaign(session, purse_won=250, actions=(action("cheer", worth_won=100),))
    people = [make_user(session) for _ in range(4)]
    for person in people:
        join(session, person, campaign, None, NOW)
        record_action(session, person, campaign, "cheer", None, None, NOW)
    settlement = close_and_get(session, campaign)
    assert (settlement.actions, settlement.total_won, settlement.action_won) == (4, 250, 250)


def test_empty_campaign_settles_to_zero(session: Session) -> None:
    settlement = close_and_get(session, make_campaign(session))
    assert (settlement.total_won, settlement.actions, settlement.participants) == (0, 0, 0)


@pytest.mark.parametrize(
    ("dog_votes", "cat_votes", "leader", "gap"),
    [(3, 1, "dog", 2), (1, 4, "cat", 3), (2, 2, None, 0), (0, 0, None, 0)],
)
def test_the_live_lead_names_the_team_the_settlement_crowns(
    session: Session, dog_votes: int, cat_votes: int, leader: str | None, gap: int
) -> None:
    campaign = make_campaign(session, kind=CampaignKind.TEAM, actions=(action("vote"),))
    for team, votes in (("dog", dog_votes), ("cat", cat_votes)):
        person = make_user(session)
        join(session, person, campaign, team, NOW)
        for _ in range(votes):
            record_action(session, person, campaign, "vote", None, None, NOW)
    live = progress(session, campaign, NOW).lead
    assert live == Lead(leader, gap)
    settlement = close_and_get(session, campaign)
    crowned = [
        t.team_id
        for t in session.scalars(
            select(SettlementTeam).where(SettlementTeam.settlement_id == settlement.id)
        )
        if t.winner
    ]
    assert crowned == ([campaign.team(leader).id] if leader else [])
    assert progress(session, campaign, NOW + timedelta(hours=2)).lead == live  # the page after


def test_after_close_the_lead_stays_the_settlements_though_a_void_moves_the_counters(
    session: Session,
) -> None:
    campaign = make_campaign(session, kind=CampaignKind.TEAM, actions=(action("vote"),))
    dog_votes = []
    for team, votes in (("dog", 3), ("cat", 2)):
        person = make_user(session)
        join(session, person, campaign, team, NOW)
        for _ in range(votes):
            recorded = record_action(session, person, campaign, "vote", None, None, NOW)
            if team == "dog":
                dog_votes.append(recorded.action.id)
    close_and_get(session, campaign)
    admin = make_user(session, role=Role.ADMIN)
    later = NOW + timedelta(hours=2)
    for action_id in dog_votes[:2]:  # dog now has 1 counted vote to cat's 2
        void_action(session, campaign, action_id, reason="중복", actor=admin, now=later)
    shown = progress(session, campaign, later)
    assert [t.actions for t in shown.teams] == [1, 2]  # the counters moved back ...
    assert shown.lead == Lead("dog", 1)  # ... the winner did not: the settlement's 3 to 2
