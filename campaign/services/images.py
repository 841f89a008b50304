"""Uploaded images: a campaign's cover, a partner's or a sponsor's logo, the cover a crew
proposal suggests. One function places them all (``place_image``); the setters name where.

Every upload is checked and re-encoded (rules/images.py) before a byte reaches the store; the
words that describe the picture are checked before that, so a refusal stores nothing at all.
The store is written before the transaction commits: if the commit then fails, an object
nobody points to is left (its name is its content, so a retry reuses it), never a row pointing
to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from campaign.models import (
    Campaign,
    CampaignCover,
    Partner,
    PartnerLogo,
    Proposal,
    ProposalCover,
    Sponsor,
    SponsorLogo,
    StoredImage,
    User,
)
from campaign.rules import proposals as proposal_rules
from campaign.rules.images import ImageLimits, clean_alt, clean_image
from campaign.rules.proposals import ProposalAction
from campaign.services import audit
from campaign.services.proposals import held_by
from campaign.storage import ImageStore

Placement = TypeVar("Placement", CampaignCover, PartnerLogo, SponsorLogo, ProposalCover)


def store_image(
    session: Session,
    store: ImageStore,
    raw: bytes,
    limits: ImageLimits,
    uploader: User | None,
    now: datetime,
) -> StoredImage:
    """Check, re-encode and keep one image; the same picture uploaded again is the same row.

    Raises Invalid (field "image") when the file is not an image we accept."""
    clean = clean_image(raw, limits)
    existing = session.scalar(select(StoredImage).where(StoredImage.key == clean.key))
    if existing is not None:
        return existing
    store.put(clean.key, clean.data, clean.content_type)
    image = StoredImage(
        key=clean.key,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        byte_size=len(clean.data),
        uploaded_by_id=uploader.id if uploader is not None else None,
        created_at=now,
    )
    try:
        with session.begin_nested():  # another upload of the same picture may have won
            session.add(image)
    except IntegrityError:
        found = session.scalar(select(StoredImage).where(StoredImage.key == clean.key))
        assert found is not None
        return found
    return image


@dataclass(frozen=True)
class Placing(Generic[Placement]):
    """Where an image goes: the placement table, the column naming its owner, and the audit
    entry a change writes (None: the owner keeps its own history, as a proposal does)."""

    model: type[Placement]
    owner: str
    audit_action: str | None


CAMPAIGN_COVER = Placing(CampaignCover, "campaign_id", "campaign.cover")
PARTNER_LOGO = Placing(PartnerLogo, "partner_id", "partner.logo")
SPONSOR_LOGO = Placing(SponsorLogo, "sponsor_id", "sponsor.logo")
PROPOSAL_COVER = Placing(ProposalCover, "proposal_id", None)


def place_image(
    session: Session,
    store: ImageStore,
    limits: ImageLimits,
    placing: Placing[Placement],
    owner_id: int,
    raw: bytes,
    alt: str | None,
    actor: User | None,
    now: datetime,
    *,
    campaign_id: int | None = None,
) -> Placement:
    """Show ``raw`` at ``placing`` for its owner (a first picture or a new one), with the
    words that describe it; audited as ``placing.audit_action`` (the entry's campaign is
    ``campaign_id``). Raises Invalid ("alt" before "image") and stores nothing when refused."""
    words = clean_alt(alt)
    image = store_image(session, store, raw, limits, actor, now)
    placement = session.get(placing.model, owner_id)
    before = {"image": placement.image.key, "alt": placement.alt} if placement else None
    if placement is None:
        placement = placing.model(**{placing.owner: owner_id})
        session.add(placement)
    placement.image_id = image.id
    placement.image = image
    placement.alt = words
    placement.set_by_id = actor.id if actor is not None else None
    placement.set_at = now
    session.flush()
    if placing.audit_action is not None:
        owner = {placing.owner: owner_id}
        audit.record(
            session,
            actor=actor,
            action=placing.audit_action,
            now=now,
            campaign_id=campaign_id,
            before={**owner, **before} if before else None,
            after={**owner, "image": image.key, "alt": words},
            actor_label="admin" if actor is not None else "system",
        )
    return placement


def set_campaign_cover(
    session: Session,
    store: ImageStore,
    limits: ImageLimits,
    campaign: Campaign,
    raw: bytes,
    alt: str | None,
    actor: User | None,
    now: datetime,
) -> CampaignCover:
    """Give a campaign its cover (or a new one), with the words that describe it; audited."""
    return place_image(
        session,
        store,
        limits,
        CAMPAIGN_COVER,
        campaign.id,
        raw,
        alt,
        actor,
        now,
        campaign_id=campaign.id,
    )


def set_partner_logo(
    session: Session,
    store: ImageStore,
    limits: ImageLimits,
    partner: Partner,
    raw: bytes,
    alt: str | None,
    actor: User | None,
    now: datetime,
) -> PartnerLogo:
    """Give a partner its logo (or a new one), with the words that describe it; audited."""
    return place_image(session, store, limits, PARTNER_LOGO, partner.id, raw, alt, actor, now)


def set_sponsor_logo(
    session: Session,
    store: ImageStore,
    limits: ImageLimits,
    sponsor: Sponsor,
    raw: bytes,
    alt: str | None,
    actor: User | None,
    now: datetime,
) -> SponsorLogo:
    """Give a sponsor its logo (or a new one), with the words that describe it; audited. It
    takes the place of the sponsor's typed ``logo_url`` wherever the logo is shown."""
    return place_image(session, store, limits, SPONSOR_LOGO, sponsor.id, raw, alt, actor, now)


def set_proposal_cover(
    session: Session,
    store: ImageStore,
    limits: ImageLimits,
    author: User,
    proposal: Proposal,
    raw: bytes,
    alt: str | None,
    now: datetime,
) -> ProposalCover:
    """The author suggests a cover while the proposal may be edited (a draft, or sent back).

    Raises what the proposal rules raise for anyone else or another state (403/409)."""
    proposal_rules.check(ProposalAction.EDIT, proposal.status, held_by(author, proposal))
    return place_image(session, store, limits, PROPOSAL_COVER, proposal.id, raw, alt, author, now)


def campaign_cover(session: Session, campaign_id: int) -> CampaignCover | None:
    return session.get(CampaignCover, campaign_id)


def partner_logo(session: Session, partner_id: int) -> PartnerLogo | None:
    return session.get(PartnerLogo, partner_id)


def sponsor_logo(session: Session, sponsor_id: int) -> SponsorLogo | None:
    return session.get(SponsorLogo, sponsor_id)


def sponsor_logos(session: Session, sponsor_ids: Iterable[int]) -> dict[int, SponsorLogo]:
    """The logos of several sponsors in one statement (a list page shows many)."""
    wanted = list(set(sponsor_ids))
    if not wanted:
        return {}
    found = session.scalars(select(SponsorLogo).where(SponsorLogo.sponsor_id.in_(wanted)))
    return {logo.sponsor_id: logo for logo in found}


def proposal_cover(session: Session, proposal_id: int) -> ProposalCover | None:
    return session.get(ProposalCover, proposal_id)
