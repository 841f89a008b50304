"""Demo challenges: partner charities, three live campaigns and a little real activity.

Modelled on the campaigns in DESIGN.md §1 (전자문서 그린 챌린지, 댕냥파이트, 같이가치 응원 기부).
Everything goes through the same services as the site (create_campaign, join, record_action),
so the counters are real and reconcile is clean. Idempotent: a partner, a person or a campaign
that exists is left alone, and activity is only added to a campaign created in the same run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.demo.history import fans
from campaign.models import Campaign, CampaignKind, CampaignStatus, Evidence, Partner, Role, User
from campaign.rules.calendar import end_bound, kst_day, start_of_day
from campaign.rules.campaign_spec import (
    ActionTypeSpec,
    BeneficiarySpec,
    CampaignSpec,
    MilestoneSpec,
    TeamSpec,
)
from campaign.services import partners as partner_service
from campaign.services.accounts import find_user_by_email, hash_password
from campaign.services.actions import record_action
from campaign.services.campaigns import create_campaign
from campaign.services.participation import join

MAN = 10_000  # 만원
EOK = 100_000_000  # 억원


@dataclass(frozen=True)
class DemoPartner:
    name: str
    registration_number: str
    contact_name: str
    contact_email: str
    issues_receipts: bool = False


PARTNERS = (
    DemoPartner("사단법인 평화의숲", "101-82-07349", "숲 조성팀", "forest@example.org"),
    DemoPartner("용인시동물보호협회", "135-82-11842", "구조 담당", "yongin-animals@example.org"),
    DemoPartner("한국고양이보호협회", "214-82-10375", "후원 담당", "cats@example.org"),
    DemoPartner(
        "사랑의열매 사회복지공동모금회",
        "101-82-15561",
        "나눔 문의",
        "chest@example.org",
        issues_receipts=True,
    ),
    DemoPartner("같이가치", "120-81-47521", "파트너 문의", "together@example.org"),
)

# People who joined before you: their names are shown masked (김*지) beside the activity.
DEMO_PEOPLE = (
    ("minji@example.com", "김민지"),
    ("seojun@example.com", "이서준"),
    ("jiwoo@example.com", "박지우"),
    ("haeun@example.com", "최하은"),
    ("doyun@example.com", "정도윤"),
    ("seoyeon@example.com", "강서연"),
)

GREEN_STORY = """\
집으로 오는 종이 고지서 한 장을 전자문서로 바꾸면 종이와 인쇄, 배송에 드는 탄소가 함께 줄어듭니다. \
전자문서 그린 챌린지는 이런 작은 전환을 나무로 바꿔 드리는 챌린지예요.

참여 방법은 세 가지입니다. 집에 온 종이 우편물을 신고하고, 읽지 않은 전자문서를 열어 보고, \
새 전자문서를 신청하세요. 행동마다 도장이 쌓이고, 모두의 도장이 40개 모일 때마다 후원사가 나무 한 \
그루 값인 5,000원을 기부합니다. 같은 문서 번호는 한 번만 인정돼요.

모인 기부금은 사단법인 평화의숲과 함께 산불 피해를 입은 강원도 양구에 나무를 심는 데 쓰입니다. \
올해 후원 한도는 4,000만원, 나무 8,000그루예요. 도장 32만 개가 모이면 가득 차요. 지난 시즌의 \
결과는 아래 시즌 기록에서 볼 수 있어요."""

DANGNYANG_STORY = """\
댕냥파이트 두 번째 시즌이에요. 댕댕이가 좋아요, 냥냥이가 좋아요? 마음이 가는 팀을 한 번 고르고, 그 \
팀에 투표해 주세요. 투표는 횟수 제한 없이 몇 번이든 할 수 있어요.

모두의 투표가 5만 표를 넘으면 후원사가 1,000만원을 기부합니다. 지난 시즌에는 5만 표가 한 시간도 \
안 되어 모였어요.

이번 시즌의 기부금은 댕댕이 팀의 용인시동물보호협회와 냥냥이 팀의 한국고양이보호협회가 똑같이 \
나눠 유기동물의 구조와 치료, 입양에 씁니다. 챌린지가 끝나면 이긴 팀 참여자 가운데 20명을 누구나 \
검증할 수 있는 방식으로 추첨해 작은 선물을 보내 드려요."""

CHEER_STORY = """\
응원 한 번이 기부가 됩니다. 같이가치 응원 기부는 여러분이 응원할 때마다 후원사가 100원씩 \
사랑의열매 사회복지공동모금회에 기부하는 챌린지예요.

하루에 세 번까지 응원할 수 있고, 후원 한도 2억원이 찰 때까지 이어집니다. 한도가 다 차면 응원은 \
계속 기록되지만 더해지는 금액은 0원이라는 것을 이 페이지에서 바로 알려 드려요.

모인 기부금은 집중호우와 산불 같은 재난으로 어려움을 겪는 이웃의 긴급 생계비와 주거 복구에 \
쓰입니다. 크루들이 사내 모금으로 먼저 시작한 마음에 여러분의 응원을 더해 주세요."""


def _ensure_partners(session: Session, actor: User, now: datetime) -> dict[str, Partner]:
    found = {}
    for demo in PARTNERS:
        partner = session.scalar(select(Partner).where(Partner.name == demo.name))
        if partner is None:
            details = partner_service.PartnerDetails(
                name=demo.name,
                registration_number=demo.registration_number,
                contact_name=demo.contact_name,
                contact_email=demo.contact_email,
                issues_receipts=demo.issues_receipts,
            )
            partner = partner_service.create_partner(session, actor, details, now)
        found[demo.name] = partner
    return found


def _ensure_people(session: Session, password: str, now: datetime) -> list[User]:
    people = []
    password_hash = None
    for email, name in DEMO_PEOPLE:
        user = find_user_by_email(session, email)
        if user is None:
            password_hash = password_hash or hash_password(password)
            user = User(
                email=email,
                display_name=name,
                password_hash=password_hash,
                role=Role.USER,
                created_at=now,
                email_verified_at=now,  # demo accounts count as verified
            )
            session.add(user)
        people.append(user)
    session.flush()
    return people


def _specs(partners: dict[str, Partner], now: datetime) -> list[CampaignSpec]:
    today = kst_day(now)
    window = {
        "starts_at": start_of_day(today - timedelta(days=3)),
        "ends_at": end_bound(today + timedelta(days=21)),
    }
    forest = partners["사단법인 평화의숲"].id
    yongin = partners["용인시동물보호협회"].id
    cats = partners["한국고양이보호협회"].id
    chest = partners["사랑의열매 사회복지공동모금회"].id
    evidence = {"evidence": Evidence.REQUIRED, "evidence_unique": True, "daily_cap": 10}
    return [
        CampaignSpec(
            slug="green-edoc",
            title="전자문서 그린 챌린지",
            summary="종이 우편물 대신 전자문서로! 도장 40개가 모일 때마다 양구 산불 피해지에 "
            "나무 한 그루를 심어요.",
            story=GREEN_STORY,
            kind=CampaignKind.STAMP,
            goal_won=4_000 * MAN,
            purse_won=4_000 * MAN,
            unit_name="그루",
            unit_name_en="tree",
            stamps_per_unit=40,
            won_per_unit=5_000,
            action_types=(
                ActionTypeSpec("report-paper", "종이 우편물 신고", worth_stamps=1, **evidence),
                ActionTypeSpec("open-edoc", "안 읽은 전자문서 열람", worth_stamps=1, **evidence),
                ActionTypeSpec("apply-edoc", "전자문서 신청", worth_stamps=3, **evidence),
            ),
            beneficiaries=(BeneficiarySpec(forest),),
            **window,
        ),
        CampaignSpec(
            slug="dangnyang-fight",
            title="댕냥파이트",
            summary="댕댕이 vs 냥냥이, 마음껏 투표하세요. 5만 표가 모이면 1,000만원을 "
            "두 보호협회가 나눠 받고, 이긴 팀에서 20명을 추첨해요.",
            story=DANGNYANG_STORY,
            kind=CampaignKind.TEAM,
            goal_won=1_000 * MAN,
            purse_won=1_000 * MAN,
            draw_winners=20,
            counter_shards=4,
            action_types=(ActionTypeSpec("vote", "투표"),),
            teams=(TeamSpec("dog", "댕댕이", "🐶"), TeamSpec("cat", "냥냥이", "🐱")),
            milestones=(MilestoneSpec(50_000, 1_000 * MAN, "5만 표"),),
            beneficiaries=(
                BeneficiarySpec(yongin, 1, "dog"),
                BeneficiarySpec(cats, 1, "cat"),
            ),
            **window,
        ),
        CampaignSpec(
            slug="cheer",
            title="같이가치 응원 기부",
            summary="응원 한 번에 100원, 하루 세 번까지. 후원사가 최대 2억원을 사랑의열매에 "
            "기부합니다.",
            story=CHEER_STORY,
            kind=CampaignKind.CHEER,
            goal_won=2 * EOK,
            purse_won=2 * EOK,
            action_types=(ActionTypeSpec("cheer", "응원하기", worth_won=100, daily_cap=3),),
            beneficiaries=(BeneficiarySpec(chest),),
            **window,
        ),
    ]


# (person index, action code, evidence) per campaign, in the order they happened.
GREEN_ACTIVITY = (
    [(0, "apply-edoc", f"EDOC-A-{n:04d}") for n in (1001, 1002, 1003)]
    + [(1, "report-paper", f"BILL-2026-{n:04d}") for n in range(1, 6)]
    + [(2, "apply-edoc", f"EDOC-A-{n:04d}") for n in (1004, 1005)]
    + [(0, "report-paper", f"BILL-2026-{n:04d}") for n in range(6, 10)]
    + [(1, "apply-edoc", f"EDOC-A-{n:04d}") for n in (1006, 1007)]
    + [(3, "report-paper", f"BILL-2026-{n:04d}") for n in range(10, 13)]
    + [(2, "open-edoc", f"DOC-{n:05d}") for n in range(1, 5)]
    + [(1, "open-edoc", f"DOC-{n:05d}") for n in range(5, 8)]
    + [(0, "open-edoc", f"DOC-{n:05d}") for n in range(8, 10)]
    + [(4, "open-edoc", f"DOC-{n:05d}") for n in range(10, 12)]
)
DANGNYANG_TEAMS = ("dog", "cat", "dog", "cat", "dog", "cat")
RETURNING_FANS = 40  # with the six above: 23 a team, more than the 20 the draw picks
DANGNYANG_VOTES = (7, 9, 4, 6, 5, 3)
CHEERS = (3, 3, 1, 2, 3)


def _add_activity(session: Session, campaign: Campaign, people: list[User], now: datetime) -> None:
    """Join and act as the demo people, spread over the hours before ``now``."""
    if campaign.slug == "green-edoc":
        events = [(people[i], code, evidence) for i, code, evidence in GREEN_ACTIVITY]
        joiners = {event[0].id: (event[0], None) for event in events}
    elif campaign.slug == "dangnyang-fight":
        joiners = {p.id: (p, team) for p, team in zip(people, DANGNYANG_TEAMS, strict=True)}
        rounds = max(DANGNYANG_VOTES)
        events = [
            (people[i], "vote", None)
            for step in range(rounds)
            for i, votes in enumerate(DANGNYANG_VOTES)
            if step < votes
        ]
        # Season 1's voters come back, enough on each team for the 20 prizes.
        for n, voter in enumerate(fans(session, RETURNING_FANS)):
            joiners[voter.id] = (voter, "dog" if n % 2 == 0 else "cat")
            events.append((voter, "vote", None))
    else:
        joiners = {p.id: (p, None) for p in people[: len(CHEERS)]}
        events = [
            (people[i], "cheer", None)
            for step in range(max(CHEERS))
            for i, cheers in enumerate(CHEERS)
            if step < cheers
        ]
    # Everything happened today (KST) before ``now``, a few minutes apart, after the joins.
    first = max(campaign.starts_at, start_of_day(kst_day(now)), now - timedelta(hours=12))
    step = (now - first) / (len(joiners) + len(events) + 1)
    moment = first
    for person, team in joiners.values():
        moment += step
        join(session, person, campaign, team, moment)
    for person, code, evidence in events:
        moment += step
        record_action(session, person, campaign, code, evidence, None, moment, source="web")


def seed_demo_challenges(
    session: Session, now: datetime, *, actor: User, password: str
) -> list[str]:
    """Partners (added by ``actor``, audited), the three demo campaigns (active, from three
    days ago to three weeks ahead) and their demo activity; returns lines describing them."""
    partners = _ensure_partners(session, actor, now)
    people = _ensure_people(session, password, now)
    lines = ["demo challenges:"]
    for spec in _specs(partners, now):
        campaign = session.scalar(select(Campaign).where(Campaign.slug == spec.slug))
        if campaign is None:
            campaign = create_campaign(
                session,
                spec,
                now=spec.starts_at,
                created_by=actor,
                status=CampaignStatus.ACTIVE,
            )
            _add_activity(session, campaign, people, now)
        lines.append(f"  /c/{campaign.slug:<16} {campaign.kind.value:<6} {campaign.title}")
    session.flush()
    return lines
