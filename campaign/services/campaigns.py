"""Creating campaigns from a spec and finding the ones a viewer may see."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.errors import Invalid, NotFound
from campaign.models import (
    ActionType,
    Beneficiary,
    Campaign,
    CampaignStatus,
    Milestone,
    Partner,
    Team,
    User,
)
from campaign.rules.campaign_spec import (
    SLUG,
    CampaignSpec,
    campaign_values,
    row_values,
    validate,
)
from campaign.rules.lifecycle import FINISHED
from campaign.services import campaign_cache, counters


def create_campaign(
    session: Session,
    spec: CampaignSpec,
    *,
    now: datetime,
    created_by: User | None = None,
    status: CampaignStatus = CampaignStatus.SCHEDULED,
) -> Campaign:
    """Validate ``spec`` and write the campaign with its rules and zeroed counters.

    Raises Invalid for a spec that cannot run, a slug in use or an unknown partner.
    """
    validate(spec)
    if session.scalar(select(Campaign.id).where(Campaign.slug == spec.slug)) is not None:
        raise Invalid("slug", "slug_taken")
    partner_ids = {b.partner_id for b in spec.beneficiaries}
    known = set(session.scalars(select(Partner.id).where(Partner.id.in_(partner_ids))))
    if known != partner_ids:
        raise Invalid("beneficiaries", "unknown_partner")

    campaign = Campaign(
        **campaign_values(spec),
        status=status,
        created_by_id=created_by.id if created_by else None,
        created_at=now,
        opened_at=now if status == CampaignStatus.ACTIVE else None,
    )
    campaign.action_types = [
        ActionType(**row_values(a), position=i) for i, a in enumerate(spec.action_types)
    ]
    campaign.teams = [Team(**row_values(t), position=i) for i, t in enumerate(spec.teams)]
    campaign.milestones = [Milestone(**row_values(m)) for m in spec.milestones]
    session.add(campaign)
    session.flush()
    teams = {team.code: team for team in campaign.teams}
    campaign.beneficiaries = [
        Beneficiary(
            partner_id=b.partner_id,
            share=b.share,
            team_id=teams[b.team_code].id if b.team_code else None,
        )
        for b in spec.beneficiaries
    ]
    session.flush()
    counters.create_counters(session, campaign)
    return campaign


def can_see(campaign: Campaign, viewer: User | None) -> bool:
    """Internal campaigns exist only for crew; everything else is public."""
    return not campaign.internal or (viewer is not None and viewer.is_crew)


def campaign_at(session: Session, slug: str) -> Campaign | None:
    """The campaign at ``slug``, whoever asks; None for anything that cannot be a slug (such
    text never reaches the database, which may refuse it, e.g. a NUL on PostgreSQL)."""
    if not SLUG.match(slug or ""):
        return None
    return campaign_cache.load_campaign(session, select(Campaign).where(Campaign.slug == slug))


def find_campaign(session: Session, slug: str, viewer: User | None) -> Campaign:
    """The campaign at ``slug`` if ``viewer`` may see it; NotFound otherwise (never 403, so
    internal campaigns cannot be discovered by guessing)."""
    campaign = campaign_at(session, slug)
    if campaign is None or not can_see(campaign, viewer):
        raise NotFound()
    return campaign


def visible_campaigns(
    session: Session, viewer: User | None, *, finished: bool = False
) -> list[Campaign]:
    """Campaigns the viewer may see: live and upcoming first by start, or the finished ones."""
    statement = select(Campaign)
    if finished:
        statement = statement.where(Campaign.status.in_(FINISHED)).order_by(Campaign.ends_at.desc())
    else:
        statement = statement.where(Campaign.status.not_in(FINISHED)).order_by(
            Campaign.starts_at, Campaign.id
        )
    if viewer is None or not viewer.is_crew:
        statement = statement.where(Campaign.internal.is_(False))
    return campaign_cache.load_campaigns(session, statement)
