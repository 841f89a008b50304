"""The append-only ledger (actions, pledges) and the counters derived from it.

Rows in ``actions`` and ``pledges`` are never updated or deleted; a correction is a pledge that
reverses another. Counters are updated in the same transaction as the ledger rows they summarise
and can always be recomputed from them (``flask --app campaign reconcile``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base
from campaign.models.types import PledgeSource, UTCDateTime, str_enum, utcnow
from campaign.rules.receipts import DonorKind, ReceiptStatus


class Participant(Base):
    """A user who joined a campaign (with their team, fixed at joining) and their running totals."""

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("campaign_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="RESTRICT"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Counters (derived from the ledger).
    actions: Mapped[int] = mapped_column(default=0)
    stamps: Mapped[int] = mapped_column(default=0)
    gifted_won: Mapped[int] = mapped_column(default=0)  # own crew pledges, net of cancellations
    matched_won: Mapped[int] = mapped_column(default=0)  # company match of those, net


class Action(Base):
    """One counted action. Its ₩, if any, is in the pledges that point at it."""

    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id", "idempotency_key"),
        # evidence_key is the evidence when the action type wants it unique, else NULL
        # (NULLs never collide), so "the same bill counts once" lives in the database.
        UniqueConstraint("action_type_id", "evidence_key"),
        Index("ix_actions_campaign_id_id", "campaign_id", "id"),
        Index("ix_actions_user_id_campaign_id", "user_id", "campaign_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    action_type_id: Mapped[int] = mapped_column(ForeignKey("action_types.id", ondelete="RESTRICT"))
    # The participant's team at the time (fixed at joining), so team totals reconcile directly.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="RESTRICT"))
    evidence: Mapped[str | None] = mapped_column(String(200))
    evidence_key: Mapped[str | None] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    stamps: Mapped[int] = mapped_column(default=0)
    # What the rules said this action was worth before the purse: more than its pledges when
    # the purse ran out.
    won_due: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(20), default="web")  # web / api / webhook
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kst_day: Mapped[date] = mapped_column(Date)


class Pledge(Base):
    """A signed amount of ₩ promised to the campaign, with where it came from."""

    __tablename__ = "pledges"
    __table_args__ = (
        # A milestone unlocks exactly once; a pledge is reversed at most once.
        UniqueConstraint("milestone_id"),
        UniqueConstraint("reverses_id"),
        UniqueConstraint("campaign_id", "user_id", "idempotency_key"),
        Index("ix_pledges_campaign_id_source", "campaign_id", "source"),
        Index("ix_pledges_action_id", "action_id"),
        Index("ix_pledges_user_id_campaign_id", "user_id", "campaign_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    source: Mapped[PledgeSource] = mapped_column(str_enum(PledgeSource, "pledge_source"))
    amount_won: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="RESTRICT"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="RESTRICT"))
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestones.id", ondelete="RESTRICT")
    )
    # For a match: the crew pledge it matches. For a reversal: see reverses_id.
    matches_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id", ondelete="RESTRICT"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id", ondelete="RESTRICT"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    anonymous: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kst_day: Mapped[date] = mapped_column(Date)


class CampaignCounter(Base):
    """Running totals of a campaign, split over ``counter_shards`` rows (usually one).

    ``purse_cap`` is this shard's slice of the sponsor purse; ``sponsor_won`` what it has paid.
    ``last_grant`` is scratch space that lets one UPDATE both clamp a grant to the purse and
    report how much it granted (see services/purse.py).
    """

    __tablename__ = "campaign_counters"
    __table_args__ = (
        CheckConstraint("purse_cap IS NULL OR sponsor_won <= purse_cap", name="purse_not_overrun"),
    )

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    shard: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    actions: Mapped[int] = mapped_column(default=0)
    stamps: Mapped[int] = mapped_column(default=0)
    participants: Mapped[int] = mapped_column(default=0)
    sponsor_won: Mapped[int] = mapped_column(default=0)  # action + milestone + match pledges
    crew_won: Mapped[int] = mapped_column(default=0)
    topup_won: Mapped[int] = mapped_column(default=0)
    purse_cap: Mapped[int | None]
    last_grant: Mapped[int] = mapped_column(default=0)


class TeamCounter(Base):
    __tablename__ = "team_counters"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    shard: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    actions: Mapped[int] = mapped_column(default=0)
    participants: Mapped[int] = mapped_column(default=0)
    won: Mapped[int] = mapped_column(default=0)


class DailyTally(Base):
    """How often a user did an action type on one KST day; holds the daily cap."""

    __tablename__ = "daily_tallies"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    action_type_id: Mapped[int] = mapped_column(
        ForeignKey("action_types.id", ondelete="CASCADE"), primary_key=True
    )
    kst_day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class TotalTally(Base):
    """How often a user did an action type in the whole campaign; holds the per-user cap."""

    __tablename__ = "total_tallies"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    action_type_id: Mapped[int] = mapped_column(
        ForeignKey("action_types.id", ondelete="CASCADE"), primary_key=True
    )
    count: Mapped[int] = mapped_column(default=0)


class ReceiptRequest(Base):
    """A donor's request for a donation receipt (기부금영수증) and the fields they agreed to share.

    Only people with a row here ever appear by name in a partner export. A detail is stored
    only when its owner ticked the box for it (``consented_at`` is when). The 주민등록번호 /
    사업자등록번호 is kept sealed (services/receipt_cipher.py) beside its masked form; only the
    export of a charity that issues receipts opens it.
    """

    __tablename__ = "receipt_requests"
    __table_args__ = (UniqueConstraint("campaign_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    legal_name: Mapped[str] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    donor_kind: Mapped[DonorKind] = mapped_column(
        str_enum(DonorKind, "receipt_donor_kind"), default=DonorKind.PERSON
    )
    id_number_sealed: Mapped[str | None] = mapped_column(String(400))  # Fernet token
    id_number_masked: Mapped[str | None] = mapped_column(String(20))  # 900101-1******
    address: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[ReceiptStatus] = mapped_column(
        str_enum(ReceiptStatus, "receipt_status"), default=ReceiptStatus.REQUESTED
    )
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
