"""Votes imported in bulk leave the same ledger and counters as one vote at a time."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import NotParticipant
from campaign.models import Action, CampaignKind, Pledge, PledgeSource
from campaign.rules.campaign_spec import MilestoneSpec
from campaign.services import counters
from campaign.services.actions import record_action
from campaign.services.bulk_votes import record_votes
from campaign.services.participation import join
from campaign.services.reconcile import reconcile
from tests.factories import NOW, action, make_campaign, make_user


def test_bulk_votes_count_like_single_ones_and_unlock_milestones(session: Session) -> None:
    campaign = make_campaign(
        session,
        kind=CampaignKind.TEAM,
        actions=(action("vote"),),
        milestones=(MilestoneSpec(50_000, 10_000_000, "1단계"),),
        purse_won=10_000_000,
        counter_shards=4,
    )
    dog, cat = make_user(session), make_user(session)
    join(session, dog, campaign, "dog", NOW)
    join(session, cat, campaign, "cat", NOW)
    record_action(session, cat, campaign, "vote", None, None, NOW)
    assert record_votes(session, dog, campaign, "vote", 30_000, NOW) == 30_001
    assert record_votes(session, cat, campaign, "vote", 20_009, NOW) == 50_010
    assert session.scalar(select(func.count()).select_from(Action)) == 50_010
    milestone = session.scalars(select(Pledge).where(Pledge.source == PledgeSource.MILESTONE)).all()
    assert [p.amount_won for p in milestone] == [10_000_000]
    totals = counters.totals(session, campaign.id)
    assert (totals.actions, totals.sponsor_won) == (50_010, 10_000_000)
    assert reconcile(session) == []


def test_only_plain_votes_by_participants(session: Session) -> None:
    campaign = make_campaign(session)  # 100원 a cheer: worth ₩, so one by one
    user = make_user(session)
    join(session, user, campaign, None, NOW)
    with pytest.raises(ValueError):
        record_votes(session, user, campaign, "cheer", 10, NOW)
    votes = make_campaign(session, kind=CampaignKind.TEAM, actions=(action("vote"),))
    with pytest.raises(NotParticipant):
        record_votes(session, make_user(session), votes, "vote", 10, NOW)
