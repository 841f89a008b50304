"""The named states and kinds of the domain (plain enums, stored as strings)."""

from __future__ import annotations

import enum


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


class MessageRule(enum.StrEnum):
    """Whether an action type takes a short cheer message (a comment on the cheer wall)."""

    NONE = "none"
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
