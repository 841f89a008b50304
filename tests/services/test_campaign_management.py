"""Admins set up campaigns directly, correct their text while they run, raise their purse and
start their next season; every change is audited and nothing refused is written."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import Forbidden, IllegalTransition, Invalid
from campaign.models import (
    AuditEntry,
    Campaign,
    CampaignCounter,
    CampaignKind,
    CampaignStatus,
    Role,
)
from campaign.rules.calendar import end_bound, kst_day, start_of_day
from campaign.rules.campaign_spec import (
    BeneficiarySpec,
    CampaignSpec,
    MilestoneSpec,
    TeamSpec,
    spec_from_model,
)
from campaign.services import campaign_cache, counters, lifecycle
from campaign.services import campaign_management as management
from campaign.services.actions import record_action
from campaign.services.campaigns import campaign_at
from campaign.services.participation import join
from tests.factories import DAY, NOW, action, make_campaign, make_partner, make_user

TODAY = kst_day(NOW)


def team_spec(partner_id: int, **changes: object) -> CampaignSpec:
    spec = CampaignSpec(
        slug="dangnyang-3",
        title="댕냥파이트 시즌 3",
        kind=CampaignKind.TEAM,
        goal_won=10_000_000,
        purse_won=10_000_000,
        starts_at=start_of_day(TODAY + timedelta(days=2)),
        ends_at=end_bound(TODAY + timedelta(days=11)),
        draw_winners=20,
        counter_shards=4,
        action_types=(action("vote"),),
        teams=(TeamSpec("dog", "댕댕이", "🐶"), TeamSpec("cat", "냥냥이", "🐱")),
        milestones=(MilestoneSpec(50_000, 10_000_000, "1단계"),),
        beneficiaries=(BeneficiarySpec(partner_id),),
    )
    return replace(spec, **changes)  # type: ignore[arg-type]


def campaign_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Campaign)) or 0)


def audits(session: Session, action_name: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action_name)))


# --- Direct creation ---------------------------------------------------------------------------


def test_an_admin_creates_a_campaign_directly(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    dogs, cats = make_partner(session), make_partner(session)
    spec = team_spec(
        dogs.id,
        beneficiaries=(BeneficiarySpec(dogs.id, 1, "dog"), BeneficiarySpec(cats.id, 1, "cat")),
    )
    campaign = management.create_directly(session, admin, spec, NOW)
    assert campaign.status == CampaignStatus.SCHEDULED
    assert campaign.created_by_id == admin.id and campaign.predecessor_id is None
    assert spec_from_model(campaign) == spec  # every field, the draw and the shards included
    rows = session.scalars(
        select(CampaignCounter.purse_cap).where(CampaignCounter.campaign_id == campaign.id)
    ).all()
    assert len(rows) == 4 and sum(rows) == 10_000_000
    [entry] = audits(session, "campaign.create")
    assert entry.actor_id == admin.id and entry.campaign_id == campaign.id
    assert entry.after["draw_winners"] == 20 and entry.after["counter_shards"] == 4


def test_the_command_line_creates_without_a_person(session: Session) -> None:
    partner = make_partner(session)
    spec = team_spec(partner.id, beneficiaries=(BeneficiarySpec(partner.id),))
    campaign = management.create_directly(session, None, spec, NOW)
    [entry] = audits(session, "campaign.create")
    assert entry.actor_id is None and entry.actor_label == "cli"
    assert campaign.created_by_id is None


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"starts_at": start_of_day(TODAY - timedelta(days=1))}, "starts_on", "date_past"),
        ({"draw_winners": 1001}, "draw_winners", "out_of_range"),
        ({"counter_shards": 0}, "counter_shards", "out_of_range"),
        ({"teams": ()}, "teams", "two_teams"),
        ({"title": "제목\x00"}, "title", "bad_characters"),
        ({"unit_name_en": "t" * 21}, "unit_name_en", "too_long"),
        ({"slug": "Bad Slug"}, "slug", "slug_format"),
        ({"slug": "new"}, "slug", "slug_reserved"),
    ],
)
def test_a_spec_that_cannot_run_writes_nothing(
    session: Session, changes: dict[str, object], field: str, reason: str
) -> None:
    admin = make_user(session, role=Role.ADMIN)
    partner = make_partner(session)
    spec = team_spec(partner.id, beneficiaries=(BeneficiarySpec(partner.id),), **changes)
    before = campaign_count(session)
    with pytest.raises(Invalid) as caught:
        management.create_directly(session, admin, spec, NOW)
    assert (caught.value.field, caught.value.reason) == (field, reason)
    assert campaign_count(session) == before and not audits(session, "campaign.create")


def test_a_taken_slug_and_a_non_admin_are_refused(session: Session) -> None:
    partner = make_partner(session)
    spec = team_spec(partner.id, beneficiaries=(BeneficiarySpec(partner.id),))
    management.create_directly(session, make_user(session, role=Role.ADMIN), spec, NOW)
    with pytest.raises(Invalid) as caught:
        management.create_directly(session, make_user(session, role=Role.ADMIN), spec, NOW)
    assert caught.value.reason == "slug_taken"
    with pytest.raises(Forbidden):
        management.create_directly(
            session, make_user(session, role=Role.CREW), replace(spec, slug="other"), NOW
        )


# --- Content while running --------------------------------------------------------------------


def test_content_is_corrected_while_the_campaign_runs(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    campaign = make_campaign(session, story="오타가 있는 이야기")
    title = campaign.title
    session.commit()
    campaign_cache.load_campaign(session, select(Campaign).where(Campaign.id == campaign.id))
    revision = campaign.revision
    content = management.Content("  고친   제목 ", "한 줄 요약", "고친 이야기\n\n둘째 문단")
    assert management.edit_content(session, admin, campaign, content, "오타 수정", NOW)
    session.commit()
    assert (campaign.title, campaign.summary) == ("고친 제목", "한 줄 요약")
    # Only the campaign row changed: the cached rules stay valid, and a fresh load shows the text.
    assert campaign.revision == revision
    session.expunge_all()
    loaded = campaign_at(session, campaign.slug)
    assert loaded is not None and loaded.story == "고친 이야기\n\n둘째 문단"
    [entry] = audits(session, "campaign.content")
    assert entry.before == {"title": title, "summary": "", "story": "오타가 있는 이야기"}
    assert entry.after["title"] == "고친 제목" and entry.reason == "오타 수정"
    # The same text again changes nothing and writes no audit entry.
    assert not management.edit_content(session, admin, loaded, content, None, NOW)
    assert len(audits(session, "campaign.content")) == 1


def test_content_is_frozen_once_closed_and_must_have_a_title(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    campaign = make_campaign(session)
    with pytest.raises(Invalid) as caught:
        management.edit_content(
            session, admin, campaign, management.Content(" ", "", ""), None, NOW
        )
    assert caught.value.field == "title"
    lifecycle.close(session, campaign, actor=admin, now=NOW)
    with pytest.raises(IllegalTransition):
        management.edit_content(
            session, admin, campaign, management.Content("새 제목", "", ""), None, NOW
        )


# --- The purse while running -------------------------------------------------------------------


def test_a_running_purse_can_be_raised_and_then_pays_again(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    user = make_user(session)
    campaign = make_campaign(session, purse_won=200)
    join(session, user, campaign, None, NOW)
    paid = [record_action(session, user, campaign, "cheer", None, None, NOW).won for _ in range(3)]
    assert paid == [100, 100, 0]  # the purse is full: the third cheer counts unpaid
    before = counters.totals(session, campaign.id).sponsor_won
    management.raise_purse(session, admin, campaign, 1_000, "후원사 증액 합의", NOW)
    assert campaign.purse_won == 1_000
    assert counters.totals(session, campaign.id).purse_cap == 1_000
    assert record_action(session, user, campaign, "cheer", None, None, NOW).won == 100
    assert counters.totals(session, campaign.id).sponsor_won == before + 100 == 300
    [entry] = audits(session, "campaign.purse")
    assert (entry.before, entry.after) == ({"purse_won": 200}, {"purse_won": 1_000})


@pytest.mark.parametrize(
    ("purse", "new", "reason", "why"),
    [
        (1_000, 1_000, "purse_not_raised", "이유"),
        (1_000, 500, "purse_not_raised", "이유"),
        (None, 5_000, "purse_not_raised", "이유"),
        (1_000, None, "required", "이유"),
        (1_000, 2_000, "required", " "),
    ],
)
def test_a_purse_is_only_raised_with_a_reason(
    session: Session, purse: int | None, new: int | None, reason: str, why: str
) -> None:
    admin = make_user(session, role=Role.ADMIN)
    campaign = make_campaign(session, purse_won=purse)
    with pytest.raises(Invalid) as caught:
        management.raise_purse(session, admin, campaign, new, why, NOW)
    assert caught.value.reason == reason
    assert campaign.purse_won == purse and not audits(session, "campaign.purse")


def test_a_raised_purse_is_sliced_over_every_counter_row(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    campaign = make_campaign(session, purse_won=1_001, counter_shards=3)
    management.raise_purse(session, admin, campaign, 2_002, "증액", NOW)
    caps = session.scalars(
        select(CampaignCounter.purse_cap)
        .where(CampaignCounter.campaign_id == campaign.id)
        .order_by(CampaignCounter.shard)
    ).all()
    assert caps == [668, 667, 667]


def test_a_purse_is_raised_only_while_running(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    campaign = make_campaign(
        session,
        purse_won=1_000,
        status=CampaignStatus.SCHEDULED,
        starts_at=NOW + DAY,
        ends_at=NOW + 3 * DAY,
    )
    with pytest.raises(IllegalTransition):
        management.raise_purse(session, admin, campaign, 2_000, "이유", NOW)


# --- Seasons ----------------------------------------------------------------------------------


def test_the_next_season_copies_the_campaign_and_links_back(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    user = make_user(session)
    first = make_campaign(
        session,
        kind=CampaignKind.STAMP,
        actions=(action("switch", worth_stamps=1),),
        unit_name="그루",
        unit_name_en="tree",
        stamps_per_unit=2,
        won_per_unit=5_000,
        purse_won=50_000,
    )
    join(session, user, first, None, NOW)
    for _ in range(5):
        record_action(session, user, first, "switch", None, None, NOW)
    lifecycle.close(session, first, actor=admin, now=NOW)

    season = management.start_next_season(
        session,
        admin,
        first,
        slug="green-next",
        starts_on=TODAY + timedelta(days=30),
        ends_on=TODAY + timedelta(days=59),
        now=NOW,
    )
    assert season.status == CampaignStatus.SCHEDULED and season.predecessor_id == first.id
    assert spec_from_model(season) == replace(
        spec_from_model(first),
        slug="green-next",
        starts_at=start_of_day(TODAY + timedelta(days=30)),
        ends_at=end_bound(TODAY + timedelta(days=59)),
    )
    [entry] = audits(session, "campaign.season")
    assert entry.campaign_id == season.id and entry.before == {"predecessor": first.slug}

    chain = management.seasons_of(session, season, NOW)
    assert chain is not None and [s.number for s in chain.seasons] == [1, 2]
    assert chain.previous is not None and chain.previous.campaign.id == first.id
    assert chain.previous.raised == 10_000  # 5 stamps, 2 a tree: two whole trees paid
    assert chain.previous.units is not None and int(chain.previous.units) == 2
    assert chain.next is None
    from_first = management.seasons_of(session, first, NOW)
    assert from_first is not None and from_first.next is not None
    assert from_first.next.campaign.id == season.id and from_first.previous is None
    assert management.seasons_of(session, make_campaign(session), NOW) is None


def test_a_campaign_has_one_next_season_and_the_copy_keeps_the_rules_of_days(
    session: Session,
) -> None:
    admin = make_user(session, role=Role.ADMIN)
    first = make_campaign(session)
    days = {"starts_on": TODAY + timedelta(days=3), "ends_on": TODAY + timedelta(days=5)}
    management.start_next_season(session, admin, first, slug="s2", now=NOW, **days)
    before = campaign_count(session)
    with pytest.raises(Invalid) as caught:
        management.start_next_season(session, admin, first, slug="s2-again", now=NOW, **days)
    assert caught.value.reason == "season_taken"
    other = make_campaign(session)
    with pytest.raises(Invalid) as caught:
        management.start_next_season(
            session,
            admin,
            other,
            slug="s3",
            starts_on=TODAY - timedelta(days=1),
            ends_on=TODAY + timedelta(days=5),
            now=NOW,
        )
    assert (caught.value.field, caught.value.reason) == ("starts_on", "date_past")
    with pytest.raises(Invalid) as caught:
        management.start_next_season(session, admin, other, slug="s2", now=NOW, **days)
    assert caught.value.reason == "slug_taken"
    assert campaign_count(session) == before + 1  # only ``other``
