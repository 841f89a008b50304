"""Factories: build what a test needs in one call, with overridable defaults."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from campaign.models import Campaign, CampaignKind, CampaignStatus, Partner, Role, User
from campaign.rules.campaign_spec import (
    ActionTypeSpec,
    BeneficiarySpec,
    CampaignSpec,
    MilestoneSpec,
    TeamSpec,
)
from campaign.services.accounts import hash_password
from campaign.services.campaigns import create_campaign

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
) -> User:
    n = next(_numbers)
    user = User(
        email=(email or f"user{n}@example.com").lower(),
        display_name=name or f"사용자{n}",
        password_hash=_HASH if password is None else hash_password(password),
        role=role,
        created_at=NOW,
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
