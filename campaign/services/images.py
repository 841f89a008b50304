"""Uploaded images: a campaign's cover, a partner's logo, the cover a crew proposal suggests.

Every upload is checked and re-encoded (rules/images.py) before a byte reaches the store; the
words that describe the picture are checked before that, so a refusal stores nothing at all.
The store is written before the transaction commits: if the commit then fails, an object
nobody points to is left (its name is its content, so a retry reuses it), never a row pointing
to nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

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
    StoredImage,
    User,
)
from campaign.rules import proposals as proposal_rules
from campaign.rules.images import ImageLimits, clean_alt, clean_image
from campaign.rules.proposals import ProposalAction
from campaign.services import audit
from campaign.services.proposals import held_by
from campaign.storage import ImageStore

Placement = TypeVar("Placement", CampaignCover, PartnerLogo, ProposalCover)


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


def _place(
    session: Session,
    placement: Placement | None,
    make: type[Placement],
    owner: dict[str, int],
    image: StoredImage,
    alt: str,
    actor: User | None,
    now: datetime,
) -> tuple[Placement, dict[str, str] | None]:
    before = {"image": placement.image.key, "alt": placement.alt} if placement else None
    if placement is None:
        placement = make(**owner)
        session.add(placement)
    placement.image_id = image.id
    placement.image = image
    placement.alt = alt
    placement.set_by_id = actor.id if actor is not None else None
    placement.set_at = now
    session.flush()
    return placement, before


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
    words = clean_alt(alt)
    image = store_image(session, store, raw, limits, actor, now)
    cover, before = _place(
        session,
        session.get(CampaignCover, campaign.id),
        CampaignCover,
        {"campaign_id": campaign.id},
        image,
        words,
        actor,
        now,
    )
    audit.record(
        session,
        actor=actor,
        action="campaign.cover",
        now=now,
        campaign_id=campaign.id,
        before=before,
        after={"image": image.key, "alt": words},
        actor_label="admin" if actor is not None else "system",
    )
    return cover


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
    words = clean_alt(alt)
    image = store_image(session, store, raw, limits, actor, now)
    logo, before = _place(
        session,
        session.get(PartnerLogo, partner.id),
        PartnerLogo,
        {"partner_id": partner.id},
        image,
        words,
        actor,
        now,
    )
    audit.record(
        session,
        actor=actor,
        action="partner.logo",
        now=now,
        before={"partner_id": partner.id, **(before or {})},
        after={"partner_id": partner.id, "image": image.key, "alt": words},
        actor_label="admin" if actor is not None else "system",
    )
    return logo


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
    words = clean_alt(alt)
    image = store_image(session, store, raw, limits, author, now)
    cover, _ = _place(
        session,
        session.get(ProposalCover, proposal.id),
        ProposalCover,
        {"proposal_id": proposal.id},
        image,
        words,
        author,
        now,
    )
    return cover


def campaign_cover(session: Session, campaign_id: int) -> CampaignCover | None:
    return session.get(CampaignCover, campaign_id)


def partner_logo(session: Session, partner_id: int) -> PartnerLogo | None:
    return session.get(PartnerLogo, partner_id)


def proposal_cover(session: Session, proposal_id: int) -> ProposalCover | None:
    return session.get(ProposalCover, proposal_id)
