"""What operators add around a campaign: sponsors, corrections, and draw winners' contacts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base
from campaign.models.types import UTCDateTime, utcnow

SPONSOR_NAME_MAX = 100


class Sponsor(Base):
    """A company that funds a purse (the ₩ per action and per milestone) or a match."""

    __tablename__ = "sponsors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(SPONSOR_NAME_MAX), unique=True)
    contact_name: Mapped[str | None] = mapped_column(String(60))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    # A path under /static/: the fallback while no logo is uploaded (models/images.SponsorLogo).
    logo_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CampaignSponsor(Base):
    """Who pays which part of a campaign: ``purse`` (actions, milestones) or ``match`` (a crew
    fundraiser's company match and top-up). One sponsor per role."""

    __tablename__ = "campaign_sponsors"
    __table_args__ = (CheckConstraint("role IN ('purse', 'match')", name="role_known"),)

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(10), primary_key=True)
    sponsor_id: Mapped[int] = mapped_column(
        ForeignKey("sponsors.id", ondelete="RESTRICT"), index=True
    )

    sponsor: Mapped[Sponsor] = relationship(lazy="joined")


class Correction(Base):
    """An admin's void of one counted action or one crew gift, with its reason.

    The ledger rows it wrote (reversing pledges) point at the action or the gift; this row says
    who voided it, why, and how many ₩ went back. Voided actions stay in ``actions`` (append-only)
    and every count leaves them out. ``after_close``: made once the settlement was frozen, so it
    is listed in the settlement's correction note instead of changing it.
    """

    __tablename__ = "corrections"
    __table_args__ = (
        CheckConstraint("(action_id IS NULL) <> (gift_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="RESTRICT"), index=True
    )
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("actions.id", ondelete="RESTRICT"), unique=True
    )
    gift_id: Mapped[int | None] = mapped_column(
        ForeignKey("pledges.id", ondelete="RESTRICT"), unique=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(Text)
    stamps: Mapped[int] = mapped_column(default=0)
    won_returned: Mapped[int] = mapped_column(default=0)  # sponsor ₩ back to the purse
    gift_won: Mapped[int] = mapped_column(default=0)  # a crew gift's own ₩ taken back
    after_close: Mapped[bool] = mapped_column(default=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WinnerContact(Base):
    """How a drawn winner wants to receive the prize, given with their consent."""

    __tablename__ = "winner_contacts"

    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("settlements.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    legal_name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime())
