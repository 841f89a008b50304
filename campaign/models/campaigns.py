"""A campaign and the rules it runs by: action types, teams, milestones, beneficiaries.

Everything here is frozen once the campaign is active; a change before launch is an audited
admin edit.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base
from campaign.models.partners import Partner
from campaign.models.types import (
    CampaignKind,
    CampaignStatus,
    Evidence,
    MessageRule,
    UTCDateTime,
    str_enum,
    utcnow,
)
from campaign.rules.campaign_spec import (
    EMOJI_MAX,
    LABEL_MAX,
    SLUG_MAX,
    SUMMARY_MAX,
    TEAM_NAME_MAX,
    TITLE_MAX,
    UNIT_NAME_MAX,
)


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("goal_won > 0", name="goal_positive"),
        CheckConstraint("purse_won IS NULL OR purse_won >= 0", name="purse_not_negative"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("counter_shards BETWEEN 1 AND 64", name="shards_range"),
        CheckConstraint(
            "(stamps_per_unit IS NULL) = (won_per_unit IS NULL)", name="unit_rate_complete"
        ),
        Index("ix_campaigns_status_starts_at", "status", "starts_at"),
        Index("ix_campaigns_predecessor_id", "predecessor_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    story: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[CampaignKind] = mapped_column(str_enum(CampaignKind, "campaign_kind"))
    status: Mapped[CampaignStatus] = mapped_column(
        str_enum(CampaignStatus, "campaign_status"), default=CampaignStatus.SCHEDULED
    )
    internal: Mapped[bool] = mapped_column(default=False)  # only crew see and join it
    goal_won: Mapped[int]
    # The sponsor's hard cap in ₩ (for a crew fundraiser: the company's match budget).
    # NULL means the sponsor pays whatever the rules earn.
    purse_won: Mapped[int | None]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The first instant after the campaign: an end date of 12-31 (KST, inclusive to 23:59:59)
    # is stored as 01-01 00:00 KST, so "still open" is simply ``now < ends_at``.
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Stamps → impact units → ₩ (e.g. 40 stamps = 1 tree = 5,000원).
    unit_name: Mapped[str | None] = mapped_column(String(UNIT_NAME_MAX))
    unit_name_en: Mapped[str | None] = mapped_column(String(UNIT_NAME_MAX))
    stamps_per_unit: Mapped[int | None]
    won_per_unit: Mapped[int | None]
    # Company support for crew fundraisers: match ratio in percent (100 = 1:1), a per-person cap
    # on the match, and a fixed top-up written at close. The company cap is ``purse_won``.
    match_percent: Mapped[int] = mapped_column(default=0)
    match_per_person_won: Mapped[int | None]
    topup_won: Mapped[int] = mapped_column(default=0)
    # How many winners the closing draw picks from the winning team (0 = no draw).
    draw_winners: Mapped[int] = mapped_column(default=0)
    # Counter rows per campaign: more than one spreads a hot campaign's writes (see README).
    counter_shards: Mapped[int] = mapped_column(default=1)
    # Bumped by every flush that adds, changes or removes one of its action types, teams,
    # milestones or beneficiaries (services/campaign_cache.py): the key of the in-process copy
    # of those rows that hot paths read instead of four SELECTs.
    # It starts at a random number, so a copy can never match another database's campaign.
    revision: Mapped[int] = mapped_column(default=lambda: secrets.randbits(62), server_default="1")
    # The season before this one ("start the next season" copies it): at most one successor.
    # Campaigns are never deleted, so the reference needs no ON DELETE (which SQLite could not
    # report back for a column added in place).
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    action_types: Mapped[list[ActionType]] = relationship(
        back_populates="campaign", order_by="ActionType.position", lazy="selectin"
    )
    teams: Mapped[list[Team]] = relationship(
        back_populates="campaign", order_by="Team.position", lazy="selectin"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="campaign", order_by="Milestone.threshold", lazy="selectin"
    )
    beneficiaries: Mapped[list[Beneficiary]] = relationship(
        back_populates="campaign", order_by="Beneficiary.id", lazy="selectin"
    )

    def action_type(self, code: str) -> ActionType | None:
        return next((t for t in self.action_types if t.code == code), None)

    def team(self, code: str) -> Team | None:
        return next((t for t in self.teams if t.code == code), None)


class ActionType(Base):
    """Something a participant can do, what it is worth and how often it counts."""

    __tablename__ = "action_types"
    __table_args__ = (
        UniqueConstraint("campaign_id", "code"),
        CheckConstraint("worth_won >= 0 AND worth_stamps >= 0", name="worth_not_negative"),
        CheckConstraint("daily_cap IS NULL OR daily_cap > 0", name="daily_cap_positive"),
        CheckConstraint("total_cap IS NULL OR total_cap > 0", name="total_cap_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(LABEL_MAX))
    worth_won: Mapped[int] = mapped_column(default=0)
    worth_stamps: Mapped[int] = mapped_column(default=0)
    daily_cap: Mapped[int | None]  # per user per KST calendar day
    total_cap: Mapped[int | None]  # per user for the whole campaign
    evidence: Mapped[Evidence] = mapped_column(
        str_enum(Evidence, "evidence_rule"), default=Evidence.NONE
    )
    evidence_unique: Mapped[bool] = mapped_column(default=False)
    # Whether each action carries a cheer message (services/cheers.py keeps them).
    message: Mapped[MessageRule] = mapped_column(
        str_enum(MessageRule, "message_rule"), default=MessageRule.NONE, server_default="none"
    )
    position: Mapped[int] = mapped_column(default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="action_types")


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(TEAM_NAME_MAX))
    emoji: Mapped[str] = mapped_column(String(EMOJI_MAX), default="")
    position: Mapped[int] = mapped_column(default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="teams")


class Milestone(Base):
    """When the campaign's counted actions reach ``threshold``, the sponsor adds ``amount_won``."""

    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("campaign_id", "threshold"),
        CheckConstraint("threshold > 0 AND amount_won >= 0", name="positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    threshold: Mapped[int]
    amount_won: Mapped[int]
    label: Mapped[str] = mapped_column(String(LABEL_MAX), default="")

    campaign: Mapped[Campaign] = relationship(back_populates="milestones")


class Beneficiary(Base):
    """A partner receiving ``share`` parts of the total (split by largest remainder)."""

    __tablename__ = "beneficiaries"
    __table_args__ = (
        UniqueConstraint("campaign_id", "partner_id"),
        CheckConstraint("share > 0", name="share_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    share: Mapped[int] = mapped_column(default=1)
    # The team this partner stands for in a team fight (shown beside the team), if any.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))

    campaign: Mapped[Campaign] = relationship(back_populates="beneficiaries")
    partner: Mapped[Partner] = relationship(lazy="joined")
