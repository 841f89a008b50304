"""A demo cheer wall: a 같이가치-style campaign where each cheer is a comment (100원 a comment),
with a few messages from the demo people. Built through the same services as the site
(create_campaign, join, record_with_message), so its ₩ are real and reconcile stays clean.
Idempotent like the other demo data: messages are only added to a campaign made in this run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import Campaign, CampaignKind, CampaignStatus, MessageRule, Partner, User
from campaign.rules.calendar import end_bound, kst_day, start_of_day
from campaign.rules.campaign_spec import ActionTypeSpec, BeneficiarySpec, CampaignSpec
from campaign.services.accounts import find_user_by_email
from campaign.services.campaigns import create_campaign
from campaign.services.cheers import record_with_message
from campaign.services.participation import join

SLUG = "cheer-wall"
PARTNER = "같이가치"
STORY = """\
같이가치에서는 댓글 하나가 곧 기부예요. 응원 댓글을 남기면 후원사가 댓글 한 개에 100원을 \
기부하고, 모인 응원은 이 페이지의 응원 벽에 차곡차곡 쌓입니다.

댓글은 하루 세 번까지, 한 번에 200자까지 남길 수 있어요. 다른 사람의 이름은 가운데를 가려서 \
보여 드리고, 부적절한 댓글은 누구나 신고할 수 있어요. 관리자가 댓글을 가려도 그 응원으로 모인 \
기부금은 그대로 남아요.

모인 기부금은 같이가치를 통해 재난 피해 이웃의 긴급 생계비로 전해집니다."""

# (email of a demo person, message), oldest first.
MESSAGES = (
    ("minji@example.com", "작은 응원이지만 꼭 닿았으면 좋겠어요!"),
    ("seojun@example.com", "다들 힘내세요. 같이 이겨내요 💪"),
    ("jiwoo@example.com", "오늘도 한 줄 응원 남기고 가요."),
    ("haeun@example.com", "따뜻한 겨울 보내시길 바라요."),
    ("doyun@example.com", "댓글 하나로 기부가 된다니 멋져요!"),
    ("minji@example.com", "내일 또 올게요 🙂"),
)


def _spec(partner: Partner, now: datetime) -> CampaignSpec:
    today = kst_day(now)
    return CampaignSpec(
        slug=SLUG,
        title="응원 댓글 릴레이",
        summary="응원 댓글 하나에 100원, 하루 세 번까지. 후원사가 최대 1,000만원을 기부합니다.",
        story=STORY,
        kind=CampaignKind.CHEER,
        goal_won=10_000_000,
        purse_won=10_000_000,
        action_types=(
            ActionTypeSpec(
                "comment",
                "응원 댓글 남기기",
                worth_won=100,
                daily_cap=3,
                message=MessageRule.REQUIRED,
            ),
        ),
        beneficiaries=(BeneficiarySpec(partner.id),),
        starts_at=start_of_day(today - timedelta(days=3)),
        ends_at=end_bound(today + timedelta(days=21)),
    )


def seed_cheer_wall(session: Session, now: datetime, *, actor: User) -> list[str]:
    """The cheer-wall campaign (its partner comes from seed_demo_challenges) and, when it is
    created now, the demo people's messages, a few minutes apart before ``now``."""
    partner = session.scalar(select(Partner).where(Partner.name == PARTNER))
    if partner is None:
        return []
    campaign = session.scalar(select(Campaign).where(Campaign.slug == SLUG))
    if campaign is None:
        spec = _spec(partner, now)
        campaign = create_campaign(
            session, spec, now=spec.starts_at, created_by=actor, status=CampaignStatus.ACTIVE
        )
        people = [find_user_by_email(session, email) for email, _text in MESSAGES]
        moment = max(campaign.starts_at, now - timedelta(hours=6))
        step = (now - moment) / (2 * len(MESSAGES) + 1)
        for person in {p.id: p for p in people if p is not None}.values():
            moment += step
            join(session, person, campaign, None, moment)
        for person, (_email, text) in zip(people, MESSAGES, strict=True):
            if person is None:
                continue
            moment += step
            record_with_message(session, person, campaign, "comment", None, text, None, moment)
        session.flush()
    return [f"  /c/{campaign.slug:<16} {campaign.kind.value:<6} {campaign.title}"]
