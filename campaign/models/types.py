"""Column types and enums shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum, TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; always hands back an aware datetime, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def str_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a named CHECK constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Role(enum.StrEnum):
    USER = "user"
    CREW = "crew"
    ADMIN = "admin"


class CampaignKind(enum.StrEnum):
    STAMP = "stamp"  # actions earn stamps; stamps become impact units; units become ₩
    TEAM = "team"  # teams chosen once; votes unlock milestone sums
    CHEER = "cheer"  # each action is worth a fixed ₩
    FUNDRAISER = "fundraiser"  # crew pledge their own ₩, the company matches


class CampaignStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"
    SETTLED = "settled"
    CANCELLED = "cancelled"


class Evidence(enum.StrEnum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


class PledgeSource(enum.StrEnum):
    ACTION = "action"  # the sponsor's ₩ for a counted action (per action, or a completed unit)
    MILESTONE = "milestone"  # a fixed sum unlocked when a threshold is reached
    CREW = "crew"  # a crew member's own money
    MATCH = "match"  # the company's match of a crew pledge
    TOPUP = "topup"  # the company's fixed top-up written at close


class ProposalStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class SettlementStatus(enum.StrEnum):
    COMPUTED = "computed"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
