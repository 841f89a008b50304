"""Uploaded images: what is known of each stored object (its bytes are in the image store,
campaign/storage.py), and where each is shown with which words.

The placements are tables of their own rather than columns of campaigns, partners, sponsors
and proposals: a picture changes nothing those rows guard (rules, money, state), and the hot rows
that every action touches stay as they were.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base
from campaign.models.types import UTCDateTime, utcnow
from campaign.rules.images import ALT_MAX

KEY_MAX = 80
CONTENT_TYPE_MAX = 40


class StoredImage(Base):
    """One re-encoded image, named by its content: the same picture uploaded twice is one row."""

    __tablename__ = "images"
    __table_args__ = (
        CheckConstraint("width > 0 AND height > 0 AND byte_size > 0", name="dimensions_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX), unique=True)
    content_type: Mapped[str] = mapped_column(String(CONTENT_TYPE_MAX))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class _Placement:
    """An image shown somewhere, with the words that describe it there (required)."""

    image_id: Mapped[int] = mapped_column(ForeignKey("images.id", ondelete="RESTRICT"))
    alt: Mapped[str] = mapped_column(String(ALT_MAX))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CampaignCover(_Placement, Base):
    """The picture at the top of a challenge page and in its link previews."""

    __tablename__ = "campaign_covers"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    image: Mapped[StoredImage] = relationship(lazy="joined")


class PartnerLogo(_Placement, Base):
    """A partner charity's logo, shown beside its name."""

    __tablename__ = "partner_logos"

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    image: Mapped[StoredImage] = relationship(lazy="joined")


class SponsorLogo(_Placement, Base):
    """A sponsor's logo, shown beside its name (statement, campaign page); it replaces the
    typed ``Sponsor.logo_url``, which stays only as a fallback for a path under /static/."""

    __tablename__ = "sponsor_logos"

    sponsor_id: Mapped[int] = mapped_column(
        ForeignKey("sponsors.id", ondelete="CASCADE"), primary_key=True
    )
    image: Mapped[StoredImage] = relationship(lazy="joined")


class ProposalCover(_Placement, Base):
    """The cover a crew member suggests; approval carries it, with its words, to the campaign."""

    __tablename__ = "proposal_covers"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    image: Mapped[StoredImage] = relationship(lazy="joined")
