"""Demo data: three live challenges with real activity; seeding again changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.db import Base
from campaign.demo import DEMO_ACCOUNTS, seed_demo
from campaign.demo.challenges import DEMO_PEOPLE, PARTNERS
from campaign.demo.history import LAST_DAY
from campaign.models import (
    Action,
    AuditEntry,
    Campaign,
    CampaignCover,
    CampaignKind,
    CampaignStatus,
    DailyTally,
    Evidence,
    Partner,
    PartnerLogo,
    Pledge,
    Settlement,
    SettlementAllocation,
    StoredImage,
    User,
)
from campaign.rules.calendar import end_bound, kst_day, start_of_day
from campaign.rules.images import ImageLimits
from campaign.services import counters
from campaign.services.impact import campaign_impact
from campaign.services.progress import progress
from campaign.services.reconcile import reconcile
from campaign.storage import LocalStore
from tests.factories import NOW, make_partner


def everything(session: Session) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    return {
        table.name: sorted((tuple(row) for row in session.execute(select(table))), key=repr)
        for table in Base.metadata.sorted_tables
    }


def campaign(session: Session, slug: str) -> Campaign:
    found = session.scalar(select(Campaign).where(Campaign.slug == slug))
    assert found is not None, slug
    return found


def test_seeding_twice_changes_nothing(session: Session) -> None:
    lines = seed_demo(session, NOW)
    session.commit()
    before = everything(session)
    assert before["campaigns"] and before["actions"] and before["pledges"]
    again = seed_demo(session, NOW + timedelta(days=2))  # even on a later day
    session.commit()
    assert everything(session) == before
    assert again == lines
    assert any("/c/green-edoc" in line for line in lines)
    assert any("user@example.com" in line for line in lines)


def test_counters_match_the_ledger_after_seeding(session: Session) -> None:
    seed_demo(session, NOW)
    session.commit()
    assert reconcile(session) == []


def test_the_three_campaigns(session: Session) -> None:
    seed_demo(session, NOW)
    session.commit()
    today = kst_day(NOW)
    kinds = {}
    for slug in ("green-edoc", "dangnyang-fight", "cheer"):
        found = campaign(session, slug)
        kinds[slug] = found.kind
        assert found.status == CampaignStatus.ACTIVE and not found.internal
        assert found.starts_at == start_of_day(today - timedelta(days=3)) < NOW
        assert found.ends_at == end_bound(today + timedelta(days=21))
        assert len(found.story.split("\n\n")) >= 3  # a few paragraphs
        assert progress(session, found, NOW).live
    assert kinds == {
        "green-edoc": CampaignKind.STAMP,
        "dangnyang-fight": CampaignKind.TEAM,
        "cheer": CampaignKind.CHEER,
    }


def test_green_challenge_rules_and_activity(session: Session) -> None:
    seed_demo(session, NOW)
    session.commit()
    green = campaign(session, "green-edoc")
    assert [
        (a.code, a.worth_stamps, a.evidence, a.evidence_unique, a.daily_cap)
        for a in green.action_types
    ] == [
        ("report-paper", 1, Evidence.REQUIRED, True, 10),
        ("open-edoc", 1, Evidence.REQUIRED, True, 10),
        ("apply-edoc", 3, Evidence.REQUIRED, True, 10),
    ]
    assert (green.stamps_per_unit, green.won_per_unit) == (40, 5_000)
    assert (green.unit_name, green.unit_name_en) == ("그루", "tree")
    assert green.purse_won == green.goal_won == 40_000_000
    assert [b.partner.name for b in green.beneficiaries] == ["사단법인 평화의숲"]
    totals = counters.totals(session, green.id)
    assert totals.stamps == 44 and totals.participants == 5
    assert totals.sponsor_won == 5_000  # the 40th stamp completed one tree


def test_team_fight_rules_and_activity(session: Session) -> None:
    seed_demo(session, NOW)
    session.commit()
    fight = campaign(session, "dangnyang-fight")
    assert [(t.code, t.name, t.emoji) for t in fight.teams] == [
        ("dog", "댕댕이", "🐶"),
        ("cat", "냥냥이", "🐱"),
    ]
    assert [(m.threshold, m.amount_won) for m in fight.milestones] == [(50_000, 10_000_000)]
    assert fight.counter_shards == 4 and fight.draw_winners == 20
    assert fight.purse_won == fight.goal_won == 10_000_000
    teams = {t.id: t.code for t in fight.teams}
    assert sorted((b.partner.name, b.share, teams[b.team_id]) for b in fight.beneficiaries) == [
        ("용인시동물보호협회", 1, "dog"),
        ("한국고양이보호협회", 1, "cat"),
    ]
    [vote] = fight.action_types
    assert (vote.code, vote.worth_won, vote.daily_cap, vote.total_cap) == ("vote", 0, None, None)
    shown = progress(session, fight, NOW)
    # The six demo people and 40 voters back from season 1, one vote each.
    assert shown.actions == 74 and shown.participants == 46 and shown.raised == 0
    assert [(t.code, t.actions, t.participants) for t in shown.teams] == [
        ("dog", 36, 23),
        ("cat", 38, 23),
    ]


def test_cheer_rules_and_activity(session: Session) -> None:
    seed_demo(session, NOW)
    session.commit()
    cheer = campaign(session, "cheer")
    [act] = cheer.action_types
    assert (act.code, act.label, act.worth_won, act.daily_cap) == ("cheer", "응원하기", 100, 3)
    assert cheer.purse_won == cheer.goal_won == 200_000_000
    assert [b.partner.name for b in cheer.beneficiaries] == ["사랑의열매 사회복지공동모금회"]
    assert counters.totals(session, cheer.id).sponsor_won == 1_200


def test_partners_and_people(session: Session) -> None:
    seed_demo(session, NOW)
    session.commit()
    partners = {p.name: p for p in session.scalars(select(Partner))}
    assert set(partners) == {demo.name for demo in PARTNERS}
    assert [name for name, p in partners.items() if p.issues_receipts] == [
        "사랑의열매 사회복지공동모금회"
    ]
    for partner in partners.values():
        assert partner.contact_email.endswith("@example.org")
        assert partner.registration_number.count("-") == 2
    created = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "partner.create")
    )
    assert created == len(PARTNERS)
    emails = set(session.scalars(select(User.email)))
    assert {email for email, _n, _r in DEMO_ACCOUNTS} <= emails
    assert {email for email, _n in DEMO_PEOPLE} <= emails


def test_an_existing_partner_is_reused(session: Session) -> None:
    existing = make_partner(session, "사단법인 평화의숲")
    session.commit()
    seed_demo(session, NOW)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Partner)) == len(PARTNERS)
    assert campaign(session, "green-edoc").beneficiaries[0].partner_id == existing.id


def test_demo_accounts_count_as_verified(session: Session) -> None:
    seed_demo(session, NOW)
    assert session.scalar(select(func.count()).select_from(User)) > len(DEMO_ACCOUNTS)
    assert session.scalars(select(User.email).where(User.email_verified_at.is_(None))).all() == []


def test_the_demo_draws_its_own_covers_and_logos_once(session: Session, tmp_path) -> None:
    store = LocalStore(tmp_path)
    limits = ImageLimits(max_bytes=5_000_000, max_pixels=25_000_000, max_edge=1600)
    lines = seed_demo(session, NOW, (store, limits))
    session.commit()
    assert any(line.startswith("demo pictures:") for line in lines)
    covers = session.scalars(select(CampaignCover)).all()
    assert {c.campaign_id for c in covers} == set(session.scalars(select(Campaign.id)))
    assert all(c.alt for c in covers)
    assert session.scalar(select(func.count()).select_from(PartnerLogo)) == len(PARTNERS)
    for image in session.scalars(select(StoredImage)):
        assert image.byte_size < 120_000, image  # small enough to ship with every page
        assert store.get(image.key)
    before = everything(session)
    again = seed_demo(session, NOW + timedelta(days=1), (store, limits))
    session.commit()
    assert everything(session) == before
    assert not any(line.startswith("demo pictures:") for line in again)


MAN = 10_000


def test_the_stories_tell_the_mechanics(session: Session) -> None:
    """Every number a demo story states is what its rules and its ledger make of it."""
    seed_demo(session, NOW)
    session.commit()
    green = campaign(session, "green-edoc")
    assert green.stamps_per_unit is not None and green.won_per_unit is not None
    assert green.purse_won is not None
    trees = green.purse_won // green.won_per_unit
    story = green.story
    assert f"도장이 {green.stamps_per_unit}개 모일 때마다" in story
    assert f"{green.won_per_unit:,}원을 기부" in story
    assert f"후원 한도는 {green.purse_won // MAN:,}만원, 나무 {trees:,}그루" in story
    assert f"도장 {trees * green.stamps_per_unit // MAN}만 개가 모이면 가득" in story
    assert green.summary.startswith("종이 우편물 대신 전자문서로! 도장 40개가")
    assert campaign(session, "green-edoc-2022").id == green.predecessor_id
    assert_the_2022_story_is_its_ledger(session)

    first = campaign(session, "dangnyang-fight-2023")
    second = campaign(session, "dangnyang-fight")
    assert second.predecessor_id == first.id
    for season in (first, second):
        [milestone] = season.milestones  # no tiers the real seasons did not have
        assert f"{milestone.threshold // MAN}만 표" in season.story
        assert f"{milestone.amount_won // MAN:,}만원" in season.story
        assert season.purse_won == season.goal_won == milestone.amount_won
    # Season 1 as it ran: 50,000 votes within the first hour, 1,000만원 to one partner.
    assert first.status == CampaignStatus.SETTLED and first.draw_winners == 0
    assert [b.partner.name for b in first.beneficiaries] == ["용인시동물보호협회"]
    assert "용인시동물보호협회" in first.story and "한 시간" in first.story
    settled = progress(session, first, NOW)
    assert settled.actions >= 50_000 and settled.raised == 10_000_000
    last_vote = session.scalar(
        select(func.max(Action.counted_at)).where(Action.campaign_id == first.id)
    )
    assert last_vote is not None and last_vote < first.starts_at + timedelta(hours=1)
    allocations = session.execute(
        select(Partner.name, SettlementAllocation.amount_won)
        .join(Partner, Partner.id == SettlementAllocation.partner_id)
        .join(Settlement, Settlement.id == SettlementAllocation.settlement_id)
        .where(Settlement.campaign_id == first.id)
    ).all()
    assert [tuple(row) for row in allocations] == [("용인시동물보호협회", 10_000_000)]
    # Season 2: the dog/cat split, and 20 winners from whichever team wins: both can fill it.
    assert second.draw_winners == 20 and "20명" in second.story
    assert sorted(b.partner.name for b in second.beneficiaries) == [
        "용인시동물보호협회",
        "한국고양이보호협회",
    ]
    assert all(b.team_id is not None for b in second.beneficiaries)
    assert all(t.participants >= 20 for t in progress(session, second, NOW).teams)
    assert "지난 시즌에는 5만 표가 한 시간도" in second.story


def assert_the_2022_story_is_its_ledger(session: Session) -> None:
    """The 2022 season filled its purse by the season's rules, and its story says so with the
    ledger's own numbers."""
    history = campaign(session, "green-edoc-2022")
    assert history.status == CampaignStatus.SETTLED
    assert history.stamps_per_unit == 40 and history.won_per_unit == 5_000
    assert history.purse_won == 40_000_000
    trees = history.purse_won // history.won_per_unit
    story, totals = history.story, counters.totals(session, history.id)
    assert "습니다" not in story + history.summary  # 해요체, like the other stories
    # Every tree the purse allows was paid, and stamps went on counting past it.
    assert totals.sponsor_won == history.purse_won and trees == 8_000
    assert 300_000 < trees * history.stamps_per_unit < totals.stamps <= 330_000
    impact = campaign_impact(session, history, totals.stamps, totals.sponsor_won)
    assert impact is not None and impact.funded == trees and impact.unfunded > 0
    assert f"{totals.participants:,}명이 30일 동안 도장 {totals.stamps:,}개를 모았어요" in story
    assert f"후원 한도 {history.purse_won // MAN:,}만원, 나무 {trees:,}그루가 가득" in story
    assert f"도장이 {trees * history.stamps_per_unit // MAN}만 개를 넘어" in story
    past = totals.stamps - trees * history.stamps_per_unit
    assert f"그 뒤로 모인 도장 {past:,}개도 빠짐없이 셌지만" in story
    assert f"나무 {trees:,}그루" in history.summary and "양구" in story
    # The day the purse filled: that of the last action it paid for.
    crossing = session.scalar(
        select(func.max(Action.counted_at))
        .join(Pledge, Pledge.action_id == Action.id)
        .where(Action.campaign_id == history.id, Pledge.amount_won > 0)
    )
    assert crossing is not None
    day = kst_day(crossing)
    assert f"9월 {day.day}일에" in story and day == LAST_DAY and "마지막 날" in story
    unpaid = session.scalar(
        select(func.count())
        .select_from(Action)
        .outerjoin(Pledge, Pledge.action_id == Action.id)
        .where(Action.campaign_id == history.id, Action.won_due > 0, Pledge.id.is_(None))
    )
    assert unpaid == totals.stamps // history.stamps_per_unit - trees  # counted but unfunded
    # No one went over the season's cap of 10 an action a day.
    assert session.scalar(
        select(func.max(DailyTally.count)).where(
            DailyTally.action_type_id.in_([t.id for t in history.action_types])
        )
    ) == max(t.daily_cap or 0 for t in history.action_types)
    allocations = session.execute(
        select(Partner.name, SettlementAllocation.amount_won)
        .join(Partner, Partner.id == SettlementAllocation.partner_id)
        .join(Settlement, Settlement.id == SettlementAllocation.settlement_id)
        .where(Settlement.campaign_id == history.id)
    ).all()
    assert [tuple(row) for row in allocations] == [("사단법인 평화의숲", history.purse_won)]
