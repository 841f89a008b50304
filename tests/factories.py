"""Factories: build what a test needs in one call, with overridable defaults."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from campaign.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    Partner,
    Proposal,
    ProposalStatus,
    Role,
    User,
)
from campaign.rules.calendar import kst_day
from campaign.rules.campaign_spec import (
    ActionTypeSpec,
    BeneficiarySpec,
    CampaignSpec,
    TeamSpec,
)
from campaign.rules.proposals import ProposalDraft, ProposedRules
from campaign.services import proposals
from campaign.services.accounts import hash_password
from campaign.services.campaigns import create_campaign
from campaign.services.integrations import IssuedSecret, create_integration

PASSWORD = "correct horse battery"
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 12:00 KST
_numbers = itertools.count(1)
_HASH = hash_password(PASSWORD)


def make_user(
    session: Session,
    *,
    email: str | None = None,
    name: str | None = None,
    role: Role = Role.USER,
    password: str | None = None,
    verified: bool = True,
) -> User:
    n = next(_numbers)
    user = User(
        email=(email or f"user{n}@example.com").lower(),
        display_name=name or f"사용자{n}",
        password_hash=_HASH if password is None else hash_password(password),
        role=role,
        created_at=NOW,
        email_verified_at=NOW if verified else None,
    )
    session.add(user)
    session.flush()
    return user


def make_partner(session: Session, name: str | None = None, **fields: object) -> Partner:
    partner = Partner(name=name or f"파트너{next(_numbers)}", created_at=NOW, **fields)
    session.add(partner)
    session.flush()
    return partner


DAY = timedelta(days=1)


def action(code: str = "act", **fields: object) -> ActionTypeSpec:
    return ActionTypeSpec(code=code, label=fields.pop("label", code), **fields)  # type: ignore[arg-type]


def make_campaign(
    session: Session,
    *,
    kind: CampaignKind = CampaignKind.CHEER,
    actions: tuple[ActionTypeSpec, ...] | None = None,
    status: CampaignStatus = CampaignStatus.ACTIVE,
    partner: Partner | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    **fields: object,
) -> Campaign:
    """An active campaign around NOW; cheer giving (100원 a cheer) unless told otherwise."""
    partner = partner or make_partner(session)
    n = next(_numbers)
    if actions is None:
        actions = (action("cheer", worth_won=100),)
    defaults: dict[str, object] = {
        "slug": f"c{n}",
        "title": f"캠페인 {n}",
        "goal_won": 1_000_000,
        "beneficiaries": (BeneficiarySpec(partner.id),),
    }
    if kind == CampaignKind.TEAM and "teams" not in fields:
        defaults["teams"] = (TeamSpec("dog", "댕댕이", "🐶"), TeamSpec("cat", "냥냥이", "🐱"))
    spec = CampaignSpec(
        kind=kind,
        starts_at=starts_at or NOW - DAY,
        ends_at=ends_at or NOW + 10 * DAY,
        action_types=actions,
        **{**defaults, **fields},  # type: ignore[arg-type]
    )
    return create_campaign(session, spec, now=NOW - DAY, status=status)


def make_integration(
    session: Session,
    campaign: Campaign,
    *,
    action_code: str | None = None,
    event_type: str = "edoc.switched",
    name: str = "전자문서 서비스",
) -> IssuedSecret:
    """A partner integration recording the campaign's first action type (or ``action_code``);
    its secret is in the result."""
    admin = make_user(session, role=Role.ADMIN)
    return create_integration(
        session,
        admin,
        campaign_id=campaign.id,
        action_code=action_code or campaign.action_types[0].code,
        name=name,
        event_type=event_type,
        now=NOW - DAY,
    )


def make_fundraiser(
    session: Session,
    *,
    partner: Partner | None = None,
    match_percent: int = 100,
    match_per_person_won: int | None = 100_000,
    purse_won: int | None = 50_000_000,
    topup_won: int = 100_000_000,
    **fields: object,
) -> Campaign:
    """An active, crew-only fundraiser around NOW: 1:1 match up to 10만원 a person, a company
    cap of 5,000만원 and a 1억 top-up at close, unless told otherwise."""
    return make_campaign(
        session,
        kind=CampaignKind.FUNDRAISER,
        actions=(),
        partner=partner,
        internal=fields.pop("internal", True),
        match_percent=match_percent,
        match_per_person_won=match_per_person_won,
        purse_won=purse_won,
        topup_won=topup_won,
        goal_won=fields.pop("goal_won", 110_000_000),
        **fields,
    )


def proposal_draft(partner: Partner, *, now: datetime = NOW, **changes: object) -> ProposalDraft:
    """A complete cheer-giving proposal starting a week after ``now``, ready to submit."""
    today = kst_day(now)
    rules = ProposedRules(
        summary="응원 한 번에 200원",
        beneficiaries=(BeneficiarySpec(partner.id),),
        action_types=(action("a1", label="응원하기", worth_won=200, daily_cap=3),),
        purse_won=10_000_000,
    )
    draft = ProposalDraft(
        title=str(changes.pop("title", "연탄 나눔 응원")),
        kind=CampaignKind.CHEER,
        cause="난방이 어려운 이웃에게 연탄을 전합니다.",
        goal_won=10_000_000,
        starts_on=today + 7 * DAY,
        ends_on=today + 20 * DAY,
        rules=rules,
    )
    return dataclasses.replace(draft, **changes)  # type: ignore[arg-type]


def make_proposal(
    session: Session,
    author: User,
    *,
    status: ProposalStatus = ProposalStatus.DRAFT,
    partner: Partner | None = None,
    reviewer: User | None = None,
    now: datetime = NOW,
    **changes: object,
) -> Proposal:
    """A proposal by ``author`` brought to ``status`` through the services (so its decisions
    are recorded); ``reviewer`` (an admin, made when needed) decides where a decision is due.
    Written the day before ``now``; it starts a week after."""
    draft = proposal_draft(partner or make_partner(session), now=now, **changes)
    proposal = proposals.create_draft(session, author, draft, now - 2 * DAY)
    if status == ProposalStatus.DRAFT:
        return proposal
    proposals.submit(session, author, proposal.id, now - DAY)
    if status == ProposalStatus.SUBMITTED:
        return proposal
    if status == ProposalStatus.WITHDRAWN:
        return proposals.withdraw(session, author, proposal.id, now - DAY)
    reviewer = reviewer or make_user(session, role=Role.ADMIN)
    if status == ProposalStatus.RETURNED:
        return proposals.send_back(session, reviewer, proposal.id, "목표를 낮춰 주세요.", now - DAY)
    if status == ProposalStatus.REJECTED:
        return proposals.reject(session, reviewer, proposal.id, "올해 예산이 없습니다.", now - DAY)
    proposals.approve(session, reviewer, proposal.id, now - DAY, slug=f"proposal-{proposal.id}")
    return proposal
