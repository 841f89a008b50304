"""The cheer wall and its moderation: the message a cheer carries, and people's reports of
messages and crew comments.

A message belongs to exactly one counted action (the ledger row stays the record of the ₩);
hiding it hides the text only, never the action or its pledge.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base
from campaign.models.types import UTCDateTime, utcnow
from campaign.rules.cheers import HIDE_REASON_MAX, MESSAGE_MAX


class CheerMessage(Base):
    __tablename__ = "cheer_messages"
    __table_args__ = (
        UniqueConstraint("action_id"),
        Index("ix_cheer_messages_campaign_id_id", "campaign_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="RESTRICT"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    text: Mapped[str] = mapped_column(String(MESSAGE_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set by a moderator (audited); the wall then shows that a message was hidden, not its text.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str | None] = mapped_column(String(HIDE_REASON_MAX))


class ContentReport(Base):
    """Someone signed in says a cheer message or a crew comment does not belong; once per
    person and item. ``resolved_at`` is set when a moderator hides or keeps the item."""

    __tablename__ = "content_reports"
    __table_args__ = (
        UniqueConstraint("cheer_message_id", "reporter_id"),
        UniqueConstraint("comment_id", "reporter_id"),
        CheckConstraint("(cheer_message_id IS NULL) <> (comment_id IS NULL)", name="one_subject"),
        Index("ix_content_reports_resolved_at", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cheer_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("cheer_messages.id", ondelete="CASCADE")
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal_comments.id", ondelete="CASCADE")
    )
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
