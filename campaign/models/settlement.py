"""What closing a campaign computes once and keeps: totals, allocations, draws, exports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base
from campaign.models.types import SettlementStatus, UTCDateTime, str_enum, utcnow


class Settlement(Base):
    __tablename__ = "settlements"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="RESTRICT"), unique=True
    )
    status: Mapped[SettlementStatus] = mapped_column(
        str_enum(SettlementStatus, "settlement_status"), default=SettlementStatus.COMPUTED
    )
    total_won: Mapped[int]
    action_won: Mapped[int] = mapped_column(default=0)
    milestone_won: Mapped[int] = mapped_column(default=0)
    crew_won: Mapped[int] = mapped_column(default=0)
    match_won: Mapped[int] = mapped_column(default=0)
    topup_won: Mapped[int] = mapped_column(default=0)
    actions: Mapped[int] = mapped_column(default=0)
    stamps: Mapped[int] = mapped_column(default=0)
    participants: Mapped[int] = mapped_column(default=0)
    # SHA-256 over the frozen ledger; the prize draw's seed is derived from it.
    ledger_digest: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When someone took the job of mailing the participants their results (services/results).
    results_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LedgerChunk(Base):
    """The SHA-256 of one slice of a campaign's ledger (its rows of ``ledger`` — "a" actions,
    "p" pledges — with ids in [chunk × CHUNK_IDS, (chunk + 1) × CHUNK_IDS)) and how many rows it
    covered. Kept by the scheduler's sweep while the campaign runs, so a close re-hashes only
    the slices whose row count changed since (ledger rows are never updated or deleted, so an
    unchanged count is an unchanged slice). Derived data: deleting every row only costs time."""

    __tablename__ = "ledger_chunks"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    ledger: Mapped[str] = mapped_column(String(1), primary_key=True)
    chunk: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    rows: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))


class SettlementAllocation(Base):
    __tablename__ = "settlement_allocations"

    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("settlements.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), primary_key=True
    )
    share: Mapped[int]
    amount_won: Mapped[int]


class SettlementTeam(Base):
    __tablename__ = "settlement_teams"

    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("settlements.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="RESTRICT"), primary_key=True
    )
    actions: Mapped[int]
    participants: Mapped[int]
    won: Mapped[int]
    winner: Mapped[bool] = mapped_column(default=False)


class SettlementDay(Base):
    __tablename__ = "settlement_days"

    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("settlements.id", ondelete="CASCADE"), primary_key=True
    )
    kst_day: Mapped[date] = mapped_column(Date, primary_key=True)
    actions: Mapped[int]
    won: Mapped[int]


class DrawWinner(Base):
    __tablename__ = "draw_winners"
    __table_args__ = (UniqueConstraint("settlement_id", "user_id"),)

    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("settlements.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))


class ExportRecord(Base):
    __tablename__ = "export_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("settlements.id", ondelete="RESTRICT"), index=True
    )
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(60))
    format: Mapped[str] = mapped_column(String(10))
    row_count: Mapped[int]
    total_won: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProgressSnapshot(Base):
    """A campaign's counters as the scheduler saw them once a KST day (for charts)."""

    __tablename__ = "progress_snapshots"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    kst_day: Mapped[date] = mapped_column(Date, primary_key=True)
    raised_won: Mapped[int]
    actions: Mapped[int]
    participants: Mapped[int]
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
