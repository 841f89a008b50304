"""All models, so that ``Base.metadata`` is complete once this package is imported."""

from campaign.models.accounts import ApiToken, LoginFailures, LoginSession, Notification, User
from campaign.models.audit import AuditEntry
from campaign.models.campaigns import ActionType, Beneficiary, Campaign, Milestone, Team
from campaign.models.crew import Endorsement, Proposal, ProposalComment, ProposalDecision
from campaign.models.integrations import Integration, WebhookDelivery, WebhookEvent
from campaign.models.ledger import (
    Action,
    CampaignCounter,
    DailyTally,
    Participant,
    Pledge,
    ReceiptRequest,
    TeamCounter,
    TotalTally,
)
from campaign.models.partners import Partner
from campaign.models.scheduler import SchedulerSweep
from campaign.models.settlement import (
    DrawWinner,
    ExportRecord,
    LedgerChunk,
    ProgressSnapshot,
    Settlement,
    SettlementAllocation,
    SettlementDay,
    SettlementTeam,
)
from campaign.models.types import (
    CampaignKind,
    CampaignStatus,
    Evidence,
    PledgeSource,
    ProposalStatus,
    Role,
    SettlementStatus,
)

__all__ = [
    "Action",
    "ActionType",
    "ApiToken",
    "AuditEntry",
    "Beneficiary",
    "Campaign",
    "CampaignCounter",
    "CampaignKind",
    "CampaignStatus",
    "DailyTally",
    "DrawWinner",
    "Endorsement",
    "Evidence",
    "ExportRecord",
    "Integration",
    "LedgerChunk",
    "LoginFailures",
    "LoginSession",
    "Milestone",
    "Notification",
    "Participant",
    "Partner",
    "Pledge",
    "PledgeSource",
    "ProgressSnapshot",
    "Proposal",
    "ProposalComment",
    "ProposalDecision",
    "ProposalStatus",
    "ReceiptRequest",
    "Role",
    "SchedulerSweep",
    "Settlement",
    "SettlementAllocation",
    "SettlementDay",
    "SettlementStatus",
    "SettlementTeam",
    "Team",
    "TeamCounter",
    "TotalTally",
    "User",
    "WebhookDelivery",
    "WebhookEvent",
]
