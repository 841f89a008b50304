"""Partner systems that report actions to us through signed webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base
from campaign.models.types import UTCDateTime, utcnow


class Integration(Base):
    __tablename__ = "integrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The public name in the hook URL: /api/v1/hooks/<key>.
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    # The one event type this integration sends (e.g. "edoc.switched"); it records
    # ``action_type``. Any other type is refused.
    event_type: Mapped[str] = mapped_column(String(60))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    action_type_id: Mapped[int] = mapped_column(ForeignKey("action_types.id", ondelete="CASCADE"))
    # HMAC needs the secret itself, so it cannot be stored hashed; it is shown once.
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebhookEvent(Base):
    """The first outcome of each event id; a retry with the same id gets this answer back."""

    __tablename__ = "webhook_events"
    __table_args__ = (
        UniqueConstraint("integration_id", "event_id"),
        # Signing up and joining look for the pending events of one address.
        Index("ix_webhook_events_outcome_email", "outcome", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(100))
    event_type: Mapped[str] = mapped_column(String(60))
    email: Mapped[str] = mapped_column(String(254))
    evidence: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # recorded | pending (no account yet) | credited (pending, later recorded) | refused
    outcome: Mapped[str] = mapped_column(String(20))
    # Why it is pending (no_account, not_participant) or was refused (the error code).
    reason: Mapped[str | None] = mapped_column(String(60))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="RESTRICT"))
    status_code: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    credited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebhookDelivery(Base):
    """Every delivery attempt, accepted or not, for the admin's delivery log."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_integration_id_id", "integration_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"))
    event_id: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20))  # accepted | replayed | pending | refused
    reason: Mapped[str | None] = mapped_column(String(60))
    status_code: Mapped[int]
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
