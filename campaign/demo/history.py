"""A finished campaign for the demo: the 2022 e-document green challenge, closed and settled,
so a settlement and its exports can be tried on a new installation at once."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import Campaign, CampaignKind, CampaignStatus, Evidence, Partner, User
from campaign.rules.calendar import end_bound, start_of_day
from campaign.rules.campaign_spec import (
    ActionTypeSpec,
    BeneficiarySpec,
    CampaignSpec,
    MilestoneSpec,
    TeamSpec,
)
from campaign.services import lifecycle
from campaign.services.actions import record_action
from campaign.services.bulk_votes import record_votes
from campaign.services.campaigns import create_campaign
from campaign.services.participation import join

SLUG = "green-edoc-2022"
FOREST = "사단법인 평화의숲"
FIRST_DAY = date(2022, 9, 1)
LAST_DAY = date(2022, 9, 30)
PARTICIPANTS = 200
FAMILY = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = [
    "민준",
    "서연",
    "도윤",
    "하은",
    "시우",
    "지우",
    "예준",
    "수아",
    "주원",
    "지호",
    "서윤",
    "하준",
]
# Nobody can log in as a demo participant.
UNUSABLE_HASH = "!"


def seed_green_2022(session: Session, forest: Partner, now: datetime) -> Campaign:
    """Create and settle ``green-edoc-2022`` unless it exists (then nothing changes)."""
    existing = session.scalar(select(Campaign).where(Campaign.slug == SLUG))
    if existing is not None:
        return existing
    rng = random.Random(2022)  # the same demo every time
    starts_at, ends_at = start_of_day(FIRST_DAY), end_bound(LAST_DAY)
    campaign = create_campaign(
        session,
        CampaignSpec(
            slug=SLUG,
            title="전자문서 그린 챌린지 2022",
            summary="종이 대신 전자문서로, 도장을 모아 양구에 나무를 심었습니다.",
            story=(
                "2022년 가을, 종이 우편물을 신고하고 안 읽은 전자문서를 열고 전자문서를 새로 "
                "신청할 때마다 도장을 모았습니다. 도장 40개가 모이면 나무 한 그루가 되어, "
                "사단법인 평화의숲과 함께 강원도 양구의 산불 피해지에 심었습니다.\n\n"
                "이 캠페인은 종료되어 정산까지 마쳤습니다. 관리자 화면에서 파트너별 정산 "
                "파일(CSV, XLSX, JSON)을 내려받아 볼 수 있습니다."
            ),
            kind=CampaignKind.STAMP,
            goal_won=40_000_000,
            purse_won=40_000_000,
            starts_at=starts_at,
            ends_at=ends_at,
            unit_name="그루",
            unit_name_en="tree",
            stamps_per_unit=40,
            won_per_unit=5_000,
            action_types=(
                ActionTypeSpec(
                    "report-paper",
                    "종이 우편물 신고",
                    worth_stamps=1,
                    daily_cap=10,
                    evidence=Evidence.REQUIRED,
                    evidence_unique=True,
                ),
                ActionTypeSpec(
                    "open-edoc",
                    "안 읽은 전자문서 열람",
                    worth_stamps=1,
                    daily_cap=10,
                    evidence=Evidence.REQUIRED,
                    evidence_unique=True,
                ),
                ActionTypeSpec(
                    "apply-edoc",
                    "전자문서 신청",
                    worth_stamps=3,
                    daily_cap=10,
                    evidence=Evidence.REQUIRED,
                    evidence_unique=True,
                ),
            ),
            beneficiaries=(BeneficiarySpec(forest.id),),
        ),
        now=starts_at - timedelta(days=7),
        status=CampaignStatus.ACTIVE,
    )
    codes = [t.code for t in campaign.action_types]
    for n in range(1, PARTICIPANTS + 1):
        user = User(
            email=f"green2022-{n:03d}@example.com",
            display_name=rng.choice(FAMILY) + rng.choice(GIVEN),
            password_hash=UNUSABLE_HASH,
            created_at=starts_at,
            email_verified_at=starts_at,  # demo accounts count as verified
        )
        session.add(user)
        session.flush()
        joined_at = starts_at + timedelta(days=rng.randrange(25), hours=rng.randrange(24))
        join(session, user, campaign, None, joined_at)
        for k in range(rng.randint(1, 12)):
            moment = min(
                joined_at + timedelta(hours=rng.randrange(1, 120) * (k + 1)),
                ends_at - timedelta(minutes=1),
            )
            code = rng.choice(codes)
            record_action(session, user, campaign, code, f"{code}-{n:03d}-{k:02d}", None, moment)
    lifecycle.close(session, campaign, actor=None, now=ends_at, actor_label="demo")
    lifecycle.mark_sent(
        session, campaign, actor=None, now=ends_at + timedelta(days=3), actor_label="demo"
    )
    return campaign


DANGNYANG_2023 = "dangnyang-fight-2023"
YONGIN = "용인시동물보호협회"
DANGNYANG_FIRST_DAY = date(2023, 9, 18)
DANGNYANG_LAST_DAY = date(2023, 9, 27)
FANS = 48  # season 1's demo voters; season 2 (the live one) welcomes 40 of them back
DANGNYANG_2023_VOTES = 50_010  # what the real first hour brought: the milestone, just passed
DANGNYANG_2023_STORY = """\
2023년 가을의 첫 댕냥파이트예요. 댕댕이 팀과 냥냥이 팀 가운데 한 팀을 고르고, 몇 번이든 투표했어요.

모두의 투표가 5만 표를 넘으면 후원사가 1,000만원을 기부하기로 했고, 5만 표는 한 시간도 안 되어 \
모였어요.

기부금 1,000만원은 용인시동물보호협회에 전달되어 유기동물의 구조와 치료, 입양에 쓰였어요. \
이 시즌은 종료되어 정산까지 마쳤어요."""


def fan(session: Session, n: int, rng: random.Random, joined_at: datetime) -> User:
    """One of the demo's voters, season 1 and some of them season 2 (nobody can log in as
    one); ``joined_at`` is when the account was made."""
    email = f"fan-{n:03d}@example.com"
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(
            email=email,
            display_name=rng.choice(FAMILY) + rng.choice(GIVEN),
            password_hash=UNUSABLE_HASH,
            created_at=joined_at,
            email_verified_at=joined_at,  # demo accounts count as verified
        )
        session.add(user)
        session.flush()
    return user


def fans(session: Session, count: int) -> list[User]:
    """The first ``count`` fans (the same people, names and dates every time)."""
    rng = random.Random(2023)
    joined_at = start_of_day(DANGNYANG_FIRST_DAY)
    return [fan(session, n, rng, joined_at) for n in range(1, count + 1)]


def _shares(total: int) -> list[int]:
    """``total`` votes over the fans, unevenly (pairs trade a few) but summing exactly."""
    rng = random.Random(923)
    base, extra = divmod(total, FANS)
    votes = [base + (1 if n < extra else 0) for n in range(FANS)]
    for n in range(0, FANS - 1, 2):
        moved = rng.randint(0, base // 2)
        votes[n] += moved
        votes[n + 1] -= moved
    return votes


def seed_dangnyang_2023(session: Session, yongin: Partner) -> Campaign:
    """Create and settle season 1 of 댕냥파이트 as it ran, unless it exists: one milestone
    (50,000 votes → 1,000만원), one partner, no prize draw; the votes of its first hour."""
    existing = session.scalar(select(Campaign).where(Campaign.slug == DANGNYANG_2023))
    if existing is not None:
        return existing
    starts_at, ends_at = start_of_day(DANGNYANG_FIRST_DAY), end_bound(DANGNYANG_LAST_DAY)
    campaign = create_campaign(
        session,
        CampaignSpec(
            slug=DANGNYANG_2023,
            title="댕냥파이트 2023",
            summary="댕댕이 vs 냥냥이, 5만 표에 1,000만원. 한 시간 만에 채웠어요.",
            story=DANGNYANG_2023_STORY,
            kind=CampaignKind.TEAM,
            goal_won=10_000_000,
            purse_won=10_000_000,
            starts_at=starts_at,
            ends_at=ends_at,
            action_types=(ActionTypeSpec("vote", "투표"),),
            teams=(TeamSpec("dog", "댕댕이", "🐶"), TeamSpec("cat", "냥냥이", "🐱")),
            milestones=(MilestoneSpec(50_000, 10_000_000, "5만 표"),),
            beneficiaries=(BeneficiarySpec(yongin.id),),
        ),
        now=starts_at - timedelta(days=7),
        status=CampaignStatus.ACTIVE,
    )
    voters = fans(session, FANS)
    rng = random.Random(923)
    left = DANGNYANG_2023_VOTES
    for n, voter in enumerate(voters):
        moment = starts_at + timedelta(seconds=60 * (n + 1))  # all within the first hour
        join(session, voter, campaign, "dog" if n % 5 < 3 else "cat", moment)
        votes = (
            left
            if n == len(voters) - 1
            else min(left - (len(voters) - n - 1), rng.randint(150, 680))
        )
        record_votes(session, voter, campaign, "vote", votes, moment, source="demo")
        left -= votes
    lifecycle.close(session, campaign, actor=None, now=ends_at, actor_label="demo")
    lifecycle.mark_sent(
        session, campaign, actor=None, now=ends_at + timedelta(days=3), actor_label="demo"
    )
    return campaign
