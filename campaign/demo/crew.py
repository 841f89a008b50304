"""Demo data for the crew: the flood-relief fundraiser and a proposal waiting for review.

Modelled on the seed: a crew post on the company channel became a five-day drive for
집중호우 피해 복구, which the company matched and topped up with 1억원 for 사랑의열매. Everything
goes through the same services as the site, so the counters reconcile. Idempotent: what exists
is left alone, and gifts are only added to a fundraiser created in the same run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import Campaign, CampaignKind, CampaignStatus, Partner, Proposal, User
from campaign.rules.calendar import end_bound, kst_day, start_of_day
from campaign.rules.campaign_spec import ActionTypeSpec, BeneficiarySpec, CampaignSpec
from campaign.rules.proposals import ProposalDraft, ProposedRules
from campaign.services import partners as partner_service
from campaign.services import proposals
from campaign.services.campaigns import create_campaign
from campaign.services.fundraising import pledge_gift

MAN = 10_000  # 만원
EOK = 100_000_000  # 억원
CHEST = "사랑의열매 사회복지공동모금회"
FUNDRAISER_SLUG = "crew-flood-relief"
PROPOSAL_TITLE = "연말 연탄 나눔 응원 챌린지"

FLOOD_STORY = """\
이번 집중호우로 삶의 터전을 잃은 이웃들이 많습니다. 전사 소통 채널에 "우리도 뭔가 하자"는 크루의 \
글이 올라왔고, 닷새 동안 크루 모금을 열기로 했어요.

크루가 낸 금액만큼 회사가 1:1로 더합니다(한 사람당 10만원까지, 회사 매칭 예산 5,000만원). 모금이 \
끝나면 회사가 1억원을 더해 사랑의열매 사회복지공동모금회에 전달합니다. 모인 돈은 피해 가구의 긴급 \
생계비와 주거 복구에 쓰여요."""

BRIQUETTE_CAUSE = """\
연말마다 크루들이 연탄 나르기 봉사를 해 왔는데, 올해는 사용자분들도 함께할 수 있으면 좋겠습니다.

응원 한 번에 200원씩 후원사가 기부하고, 하루 세 번까지 응원할 수 있게 하면 어떨까요? 모인 \
기부금은 사랑의열매를 통해 난방이 어려운 이웃의 연탄과 난방비로 쓰입니다."""

DEMO_GIFTS = (  # (email, amount, anonymous, message)
    ("crew@aesseuji.example", 5 * MAN, False, "하루빨리 일상을 되찾으시길 바랍니다."),
    ("crew2@aesseuji.example", 10 * MAN, True, "작은 힘이지만 보탭니다. 힘내세요!"),
    ("admin@aesseuji.example", 3 * MAN, False, None),
)


def _chest(session: Session, actor: User, now: datetime) -> Partner:
    partner = session.scalar(select(Partner).where(Partner.name == CHEST))
    if partner is None:
        partner = partner_service.create_partner(
            session,
            actor,
            partner_service.PartnerDetails(name=CHEST, issues_receipts=True),
            now,
        )
    return partner


def _fundraiser(session: Session, users: dict[str, User], chest: Partner, now: datetime) -> str:
    campaign = session.scalar(select(Campaign).where(Campaign.slug == FUNDRAISER_SLUG))
    if campaign is None:
        today = kst_day(now)
        spec = CampaignSpec(
            slug=FUNDRAISER_SLUG,
            title="집중호우 피해 복구 크루 모금",
            kind=CampaignKind.FUNDRAISER,
            summary="크루가 내면 회사가 1:1로 더하고, 끝나면 1억원을 보탭니다.",
            story=FLOOD_STORY,
            internal=True,
            goal_won=110_000_000,
            starts_at=start_of_day(today - timedelta(days=2)),
            ends_at=end_bound(today + timedelta(days=2)),
            purse_won=5_000 * MAN,
            match_percent=100,
            match_per_person_won=10 * MAN,
            topup_won=1 * EOK,
            beneficiaries=(BeneficiarySpec(chest.id),),
        )
        campaign = create_campaign(
            session,
            spec,
            now=spec.starts_at,
            created_by=users["crew@aesseuji.example"],
            status=CampaignStatus.ACTIVE,
        )
        for n, (email, amount, anonymous, message) in enumerate(DEMO_GIFTS, start=1):
            moment = now - timedelta(hours=len(DEMO_GIFTS) - n + 1)
            pledge_gift(
                session,
                users[email],
                campaign,
                amount,
                anonymous,
                message,
                f"demo-gift-{n}",
                max(moment, campaign.starts_at),
            )
    return f"  /c/{campaign.slug:<16} crew   {campaign.title} (crew only)"


def _proposal(session: Session, users: dict[str, User], chest: Partner, now: datetime) -> str:
    author = users["crew@aesseuji.example"]
    existing = session.scalar(
        select(Proposal.id).where(Proposal.author_id == author.id, Proposal.title == PROPOSAL_TITLE)
    )
    if existing is None:
        today = kst_day(now)
        draft = ProposalDraft(
            title=PROPOSAL_TITLE,
            kind=CampaignKind.CHEER,
            cause=BRIQUETTE_CAUSE,
            goal_won=2_000 * MAN,
            starts_on=today + timedelta(days=14),
            ends_on=today + timedelta(days=27),
            rules=ProposedRules(
                summary="응원 한 번에 200원, 하루 세 번까지. 연탄과 난방비를 전합니다.",
                beneficiaries=(BeneficiarySpec(chest.id),),
                action_types=(ActionTypeSpec("a1", "응원하기", worth_won=200, daily_cap=3),),
                purse_won=2_000 * MAN,
            ),
        )
        proposal = proposals.create_draft(session, author, draft, now - timedelta(hours=3))
        proposals.submit(session, author, proposal.id, now - timedelta(hours=2))
        colleague = users["crew2@aesseuji.example"]
        proposals.endorse(session, colleague, proposal.id, now - timedelta(hours=1))
        proposals.add_comment(
            session,
            colleague,
            proposal.id,
            "좋아요! 작년 연탄 봉사에 함께한 크루들도 응원할 거예요.",
            now - timedelta(minutes=50),
        )
    return f"  proposal waiting for review: {PROPOSAL_TITLE} (/admin/proposals)"


def seed_crew_demo(session: Session, now: datetime, users: dict[str, User]) -> list[str]:
    """The internal fundraiser crew-flood-relief with a few crew gifts, and one proposal by
    crew@ in review, endorsed by crew2@; returns lines describing them."""
    chest = _chest(session, users["admin@aesseuji.example"], now)
    lines = [
        "crew demo:",
        _fundraiser(session, users, chest, now),
        _proposal(session, users, chest, now),
    ]
    session.flush()
    return lines
