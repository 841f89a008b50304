"""Demo data as seeded: the live challenges, the settled seasons and their stories.

These tests only read, so they share one seeded database per backend (a seed writes ~130,000
ledger rows, ~10 s); tests that seed differently or twice are in test_demo.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from campaign.demo import DEMO_ACCOUNTS, seed_demo
from campaign.demo.challenges import DEMO_PEOPLE, PARTNERS
from campaign.demo.history import LAST_DAY
from campaign.models import (
    Action,
    AuditEntry,
    Campaign,
    CampaignKind,
    CampaignStatus,
    DailyTally,
    Evidence,
    Partner,
    Pledge,
    Settlement,
    SettlementAllocation,
    User,
)
from campaign.rules.calendar import end_bound, kst_day, start_of_day
from campaign.services import counters
from campaign.services.impact import campaign_impact
from campaign.services.progress import progress
from campaign.services.reconcile import reconcile
from tests.conftest import BACKENDS, need_postgres
from tests.databases import (
    drop_postgres_schema,
    migrated_engine,
    new_postgres_schema,
    new_sqlite_url,
)
from tests.factories import NOW

MAN = 10_000  # 만


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A database of its own, migrated and seeded once for this module."""
    if request.param == "postgres":
        base = need_postgres()
        schema, url = new_postgres_schema(base)
    else:
        url = new_sqlite_url(tmp_path_factory.mktemp("demo"))
    engine = migrated_engine(url)
    with Session(engine) as session:
        seed_demo(session, NOW)
        session.commit()
    yield engine
    engine.dispose()
    if request.param == "postgres":
        drop_postgres_schema(base, schema)


@pytest.fixture
def session(seeded: Engine) -> Iterator[Session]:
    """The seeded database; whatever a test might write is rolled back."""
    with Session(seeded, expire_on_commit=False) as s:
        yield s
        s.rollback()


def campaign(session: Session, slug: str) -> Campaign:
    found = session.scalar(select(Campaign).where(Campaign.slug == slug))
    assert found is not None, slug
    return found


def test_counters_match_the_ledger_after_seeding(session: Session) -> None:
    assert reconcile(session) == []


def test_the_three_campaigns(session: Session) -> None:
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
    cheer = campaign(session, "cheer")
    [act] = cheer.action_types
    assert (act.code, act.label, act.worth_won, act.daily_cap) == ("cheer", "응원하기", 100, 3)
    assert cheer.purse_won == cheer.goal_won == 200_000_000
    assert [b.partner.name for b in cheer.beneficiaries] == ["사랑의열매 사회복지공동모금회"]
    assert counters.totals(session, cheer.id).sponsor_won == 1_200


def test_partners_and_people(session: Session) -> None:
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


def test_demo_accounts_count_as_verified(session: Session) -> None:
    assert session.scalar(select(func.count()).select_from(User)) > len(DEMO_ACCOUNTS)
    assert session.scalars(select(User.email).where(User.email_verified_at.is_(None))).all() == []


def test_the_stories_tell_the_mechanics(session: Session) -> None:
    """Every number a demo story states is what its rules and its ledger make of it."""
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
