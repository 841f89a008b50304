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
from campaign.services.bulk_stamps import StampRow, import_stamps
from campaign.services.bulk_votes import record_votes
from campaign.services.campaigns import create_campaign
from campaign.services.participation import join, join_many

SLUG = "green-edoc-2022"
FOREST = "사단법인 평화의숲"
FIRST_DAY = date(2022, 9, 1)
LAST_DAY = date(2022, 9, 30)
# The season's people and what their stamps came to: the generator below makes these numbers
# (tests/services/test_demo.py checks them against the ledger); the story states them.
PARTICIPANTS = 730
GREEN_2022_STAMPS = 328_261
GREEN_2022_FULL_DAY = 30  # the September day the purse filled: the last one
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
# A reference per action, the same width every time so no two read as one (evidence keys drop
# punctuation): "apply-0123-17-4" is person 123's fifth application on 17 September.
EVIDENCE_PREFIX = {"report-paper": "mail", "open-edoc": "doc", "apply-edoc": "apply"}
GREEN_2022_STORY = f"""\
2022년 가을, 종이 우편물을 신고하고, 안 읽은 전자문서를 열고, 전자문서를 새로 신청할 때마다 \
도장을 모았어요. 도장 40개가 모이면 나무 한 그루가 되고, 한 그루에 5,000원을 후원사가 기부했어요. \
도장은 한 사람이 하루에 활동마다 10번까지 받을 수 있었어요.

{PARTICIPANTS:,}명이 30일 동안 도장 {GREEN_2022_STAMPS:,}개를 모았어요. 마지막 날인 9월 \
{GREEN_2022_FULL_DAY}일에 도장이 32만 개를 넘어 후원 한도 4,000만원, 나무 8,000그루가 가득 찼어요. \
그 뒤로 모인 도장 {GREEN_2022_STAMPS - 320_000:,}개도 빠짐없이 셌지만, 한도가 다 차서 기부금은 \
더해지지 않았어요.

나무 8,000그루는 사단법인 평화의숲과 함께 강원도 양구의 산불 피해지에 심었어요. 이 캠페인은 \
종료되어 정산까지 마쳤어요. 관리자 화면에서 파트너별 정산 파일(CSV, XLSX, JSON)을 내려받아 볼 수 \
있어요."""


def seed_green_2022(session: Session, forest: Partner, now: datetime) -> Campaign:
    """Create and settle ``green-edoc-2022`` unless it exists (then nothing changes): its
    people and their stamps imported in bulk (services/bulk_stamps.py), filling the purse."""
    existing = session.scalar(select(Campaign).where(Campaign.slug == SLUG))
    if existing is not None:
        return existing
    starts_at, ends_at = start_of_day(FIRST_DAY), end_bound(LAST_DAY)
    campaign = create_campaign(
        session,
        CampaignSpec(
            slug=SLUG,
            title="전자문서 그린 챌린지 2022",
            summary="종이 대신 전자문서로, 도장을 모아 양구에 나무 8,000그루를 심었어요.",
            story=GREEN_2022_STORY,
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
    rng = random.Random(2022)  # the same demo every time
    people = [
        User(
            email=f"green2022-{n:03d}@example.com",
            display_name=rng.choice(FAMILY) + rng.choice(GIVEN),
            password_hash=UNUSABLE_HASH,
            created_at=starts_at,
            email_verified_at=starts_at,  # demo accounts count as verified
        )
        for n in range(1, PARTICIPANTS + 1)
    ]
    session.add_all(people)
    session.flush()
    joins, rows = _season_2022(rng, people)
    join_many(session, campaign, joins)
    import_stamps(session, campaign, rows, source="demo")
    lifecycle.close(session, campaign, actor=None, now=ends_at, actor_label="demo")
    lifecycle.mark_sent(
        session, campaign, actor=None, now=ends_at + timedelta(days=3), actor_label="demo"
    )
    return campaign


def _season_2022(
    rng: random.Random, people: list[User]
) -> tuple[list[tuple[User, datetime]], list[StampRow]]:
    """When each person joined and every stamp action they took, by the season's rules: most
    join in the first days, each is active on some days after that, and on an active day
    applies for a few e-documents and reports or opens a few (never over 10 of a kind a day)."""
    joins = []
    rows = []
    for n, person in enumerate(people, start=1):
        first = int(rng.random() ** 2 * 25)  # the day they joined, early ones likelier
        joins.append((person, start_of_day(FIRST_DAY + timedelta(days=first))))
        active = rng.uniform(0.55, 1.0)
        for day in range(first, (LAST_DAY - FIRST_DAY).days + 1):
            if rng.random() >= active:
                continue
            # From 07:00 KST on; at most 14 actions a day, 90 s apart: all before 23:00 KST.
            moment = start_of_day(FIRST_DAY + timedelta(days=day)) + timedelta(
                seconds=7 * 3600 + rng.randrange(15 * 3600)
            )
            done = (
                ["apply-edoc"] * rng.randint(6, 10)
                + ["report-paper"] * rng.randint(0, 2)
                + ["open-edoc"] * rng.randint(0, 2)
            )
            rng.shuffle(done)
            taken = dict.fromkeys(EVIDENCE_PREFIX, 0)
            for k, code in enumerate(done):
                evidence = f"{EVIDENCE_PREFIX[code]}-{n:04d}-{day + 1:02d}-{taken[code]}"
                taken[code] += 1
                rows.append(StampRow(person.id, code, evidence, moment + timedelta(seconds=90 * k)))
    return joins, rows


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
