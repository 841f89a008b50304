"""Admins correct an approved campaign before it starts; each edit is audited."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.errors import Forbidden, IllegalTransition, Invalid
from campaign.models import (
    AuditEntry,
    Campaign,
    CampaignCounter,
    CampaignStatus,
    ProposalStatus,
    Role,
)
from campaign.rules.calendar import end_bound, kst_day, start_of_day
from campaign.rules.campaign_spec import LONGEST_RUN
from campaign.services import scheduled_edits
from tests.factories import DAY, NOW, make_fundraiser, make_proposal, make_user

TODAY = kst_day(NOW)


def scheduled(session: Session, **fields: object) -> Campaign:
    return make_fundraiser(
        session,
        status=CampaignStatus.SCHEDULED,
        starts_at=start_of_day(TODAY + timedelta(days=3)),
        ends_at=end_bound(TODAY + timedelta(days=7)),
        counter_shards=fields.pop("counter_shards", 2),
        **fields,
    )


def test_an_admin_corrects_a_campaign_before_it_starts(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    campaign = scheduled(session)
    details = dataclasses.replace(
        scheduled_edits.details_of(campaign),
        title="  집중호우   복구 모금 ",
        goal_won=200_000_000,
        ends_on=TODAY + timedelta(days=9),
        purse_won=30_000_001,
        match_per_person_won=50_000,
    )
    assert scheduled_edits.edit_scheduled_campaign(
        session, admin, campaign, details, "예산 조정", NOW
    )
    assert campaign.title == "집중호우 복구 모금"
    assert campaign.goal_won == 200_000_000
    assert campaign.ends_at == end_bound(TODAY + timedelta(days=9))
    assert (campaign.purse_won, campaign.match_per_person_won) == (30_000_001, 50_000)
    # The purse is sliced over the counter rows again, to the won.
    caps = session.scalars(
        select(CampaignCounter.purse_cap)
        .where(CampaignCounter.campaign_id == campaign.id)
        .order_by(CampaignCounter.shard)
    ).all()
    assert caps == [15_000_001, 15_000_000]
    [entry] = session.scalars(select(AuditEntry))
    assert entry.action == "campaign.edit" and entry.actor_id == admin.id
    assert entry.campaign_id == campaign.id and entry.reason == "예산 조정"
    assert set(entry.before) == {
        "title",
        "goal_won",
        "ends_on",
        "purse_won",
        "match_per_person_won",
    }
    assert entry.before["ends_on"] == (TODAY + timedelta(days=7)).isoformat()
    assert entry.after["purse_won"] == 30_000_001


def test_saving_unchanged_details_records_nothing(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    campaign = scheduled(session)
    details = scheduled_edits.details_of(campaign)
    assert not scheduled_edits.edit_scheduled_campaign(session, admin, campaign, details, None, NOW)
    assert session.scalars(select(AuditEntry)).all() == []


def test_an_approved_proposal_can_be_corrected(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    proposal = make_proposal(
        session, make_user(session, role=Role.CREW), status=ProposalStatus.APPROVED, reviewer=admin
    )
    campaign = session.get(Campaign, proposal.campaign_id)
    details = dataclasses.replace(scheduled_edits.details_of(campaign), summary="하루 세 번")
    assert scheduled_edits.edit_scheduled_campaign(session, admin, campaign, details, None, NOW)
    assert campaign.summary == "하루 세 번"
    # A cheer campaign has no company match: those fields stay 0.
    sneaky = dataclasses.replace(details, match_percent=100, topup_won=1_000)
    assert not scheduled_edits.edit_scheduled_campaign(session, admin, campaign, sneaky, None, NOW)
    assert (campaign.match_percent, campaign.topup_won) == (0, 0)


def test_rules_are_frozen_once_it_starts(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    campaign = scheduled(session)
    details = dataclasses.replace(scheduled_edits.details_of(campaign), goal_won=1)
    with pytest.raises(IllegalTransition):
        scheduled_edits.edit_scheduled_campaign(
            session, admin, campaign, details, None, NOW + 4 * DAY
        )
    active = make_fundraiser(session)
    with pytest.raises(IllegalTransition):
        scheduled_edits.edit_scheduled_campaign(
            session, admin, active, scheduled_edits.details_of(active), None, NOW
        )
    assert campaign.goal_won == 110_000_000


def test_only_admins_edit(session: Session) -> None:
    campaign = scheduled(session)
    for role in (Role.CREW, Role.USER):
        with pytest.raises(Forbidden):
            scheduled_edits.edit_scheduled_campaign(
                session,
                make_user(session, role=role),
                campaign,
                scheduled_edits.details_of(campaign),
                None,
                NOW,
            )


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"title": "  "}, "title", "required"),
        ({"title": "a\x00b"}, "title", "bad_characters"),
        ({"goal_won": 0}, "goal_won", "out_of_range"),
        ({"starts_on": TODAY - timedelta(days=1)}, "starts_on", "date_past"),
        ({"starts_on": TODAY + timedelta(days=8)}, "ends_on", "date_order"),
        ({"starts_on": date(9999, 12, 31)}, "starts_on", "date_range"),
        ({"purse_won": -1}, "purse_won", "out_of_range"),
        ({"match_percent": 5000}, "match_percent", "out_of_range"),
        ({"story": "가" * 5001}, "story", "too_long"),
        (
            {"starts_on": TODAY + timedelta(days=733), "ends_on": TODAY + timedelta(days=733)},
            "starts_on",
            "date_far",
        ),
        ({"ends_on": TODAY + timedelta(days=3 + 367)}, "ends_on", "run_too_long"),
    ],
)
def test_bad_details_change_nothing(
    session: Session, changes: dict[str, object], field: str, reason: str
) -> None:
    admin = make_user(session, role=Role.ADMIN)
    campaign = scheduled(session)
    details = dataclasses.replace(scheduled_edits.details_of(campaign), **changes)
    with pytest.raises(Invalid) as caught:
        scheduled_edits.edit_scheduled_campaign(session, admin, campaign, details, None, NOW)
    assert (caught.value.field, caught.value.reason) == (field, reason)
    assert campaign.goal_won == 110_000_000 and campaign.purse_won == 50_000_000
    assert session.scalars(select(AuditEntry)).all() == []


def test_an_edit_cannot_make_a_campaign_run_longer_than_a_proposal_may(session: Session) -> None:
    """The admin's edit passes the proposal's date rules (rules/campaign_spec.check_days)."""
    admin = make_user(session, role=Role.ADMIN)
    campaign = scheduled(session)
    first = TODAY + timedelta(days=3)
    longest = dataclasses.replace(scheduled_edits.details_of(campaign), ends_on=first + LONGEST_RUN)
    assert scheduled_edits.edit_scheduled_campaign(session, admin, campaign, longest, None, NOW)
    too_long = dataclasses.replace(longest, ends_on=first + LONGEST_RUN + timedelta(days=1))
    with pytest.raises(Invalid) as caught:
        scheduled_edits.edit_scheduled_campaign(session, admin, campaign, too_long, None, NOW)
    assert (caught.value.field, caught.value.reason) == ("ends_on", "run_too_long")
    assert campaign.ends_at == end_bound(first + LONGEST_RUN)
