"""Creating campaigns from specs, and who may see them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import Invalid, NotFound
from campaign.models import Campaign, CampaignKind, CampaignStatus, Role
from campaign.rules.campaign_spec import BeneficiarySpec, CampaignSpec, MilestoneSpec, TeamSpec
from campaign.services import counters
from campaign.services.campaigns import (
    can_see,
    create_campaign,
    find_campaign,
    visible_campaigns,
)
from tests.factories import DAY, NOW, action, make_campaign, make_partner, make_user
from tests.ledger_facts import shard_rows


def spec(partner_id: int, **fields: object) -> CampaignSpec:
    defaults: dict[str, object] = {
        "slug": "dog-cat-fight",
        "title": "  댕냥파이트  ",
        "kind": CampaignKind.TEAM,
        "goal_won": 10_000_000,
        "starts_at": NOW,
        "ends_at": NOW + 10 * DAY,
        "action_types": (action("vote"),),
        "teams": (TeamSpec("dog", "댕댕이", "🐶"), TeamSpec("cat", "냥냥이", "🐱")),
        "milestones": (MilestoneSpec(50_000, 10_000_000, "첫 목표"),),
        "beneficiaries": (BeneficiarySpec(partner_id, 1, "dog"), BeneficiarySpec(partner_id + 1)),
    }
    return CampaignSpec(**{**defaults, **fields})  # type: ignore[arg-type]


def test_create_writes_the_rules_and_zeroed_sharded_counters(session: Session) -> None:
    first, second = make_partner(session), make_partner(session)
    assert second.id == first.id + 1
    campaign = create_campaign(
        session, spec(first.id, purse_won=10_000_001, counter_shards=3), now=NOW
    )
    session.commit()
    assert campaign.title == "댕냥파이트" and campaign.status == CampaignStatus.SCHEDULED
    assert [t.code for t in campaign.teams] == ["dog", "cat"]
    assert [m.threshold for m in campaign.milestones] == [50_000]
    dog_partner = next(b for b in campaign.beneficiaries if b.partner_id == first.id)
    assert dog_partner.team_id == campaign.team("dog").id
    rows = shard_rows(session, campaign.id)
    assert [(r.shard, r.purse_cap, r.actions, r.sponsor_won) for r in rows] == [
        (0, 3_333_334, 0, 0),
        (1, 3_333_334, 0, 0),
        (2, 3_333_333, 0, 0),
    ]
    totals = counters.totals(session, campaign.id)
    assert (totals.purse_cap, totals.purse_left, totals.raised) == (10_000_001, 10_000_001, 0)
    team_rows = counters.team_totals(session, [t.id for t in campaign.teams])
    assert len(team_rows) == 2 and all(t.actions == 0 for t in team_rows.values())


def test_no_purse_means_no_cap(session: Session) -> None:
    campaign = make_campaign(session, counter_shards=2)
    assert [r.purse_cap for r in shard_rows(session, campaign.id)] == [None, None]
    assert counters.totals(session, campaign.id).purse_left is None


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"slug": "Bad Slug"}, "slug", "slug_format"),
        ({"slug": "new"}, "slug", "slug_reserved"),
        ({"teams": ()}, "teams", "two_teams"),
        ({"counter_shards": 0}, "counter_shards", "out_of_range"),
    ],
)
def test_an_invalid_spec_writes_nothing(
    session: Session, fields: dict, field: str, reason: str
) -> None:
    partner = make_partner(session)
    make_partner(session)
    with pytest.raises(Invalid) as raised:
        create_campaign(session, spec(partner.id, **fields), now=NOW)
    assert (raised.value.field, raised.value.reason) == (field, reason)
    assert session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_a_slug_is_used_once(session: Session) -> None:
    partner = make_partner(session)
    make_partner(session)
    create_campaign(session, spec(partner.id), now=NOW)
    with pytest.raises(Invalid) as raised:
        create_campaign(session, spec(partner.id, title="again"), now=NOW)
    assert (raised.value.field, raised.value.reason) == ("slug", "slug_taken")


def test_beneficiaries_must_be_known_partners(session: Session) -> None:
    partner = make_partner(session)  # partner.id + 1 does not exist
    with pytest.raises(Invalid) as raised:
        create_campaign(session, spec(partner.id), now=NOW)
    assert (raised.value.field, raised.value.reason) == ("beneficiaries", "unknown_partner")


def test_active_on_creation_records_when_it_opened(session: Session) -> None:
    partner = make_partner(session)
    make_partner(session)
    campaign = create_campaign(session, spec(partner.id), now=NOW, status=CampaignStatus.ACTIVE)
    assert campaign.opened_at == NOW


def test_internal_campaigns_exist_only_for_crew(session: Session) -> None:
    public = make_campaign(session, slug="public-one")
    internal = make_campaign(session, slug="crew-only", internal=True)
    closed = make_campaign(session, slug="closed-one", status=CampaignStatus.CLOSED)
    user, crew, admin = (make_user(session, role=r) for r in (Role.USER, Role.CREW, Role.ADMIN))
    session.commit()
    assert [can_see(internal, v) for v in (None, user, crew, admin)] == [False, False, True, True]
    assert all(can_see(public, v) for v in (None, user, crew))
    for viewer in (None, user):
        with pytest.raises(NotFound):
            find_campaign(session, "crew-only", viewer)
        assert [c.slug for c in visible_campaigns(session, viewer)] == ["public-one"]
    assert find_campaign(session, "crew-only", crew).id == internal.id
    assert {c.slug for c in visible_campaigns(session, crew)} == {"public-one", "crew-only"}
    assert [c.slug for c in visible_campaigns(session, None, finished=True)] == ["closed-one"]
    with pytest.raises(NotFound):
        find_campaign(session, "no-such-campaign", admin)
    assert closed.status == CampaignStatus.CLOSED
