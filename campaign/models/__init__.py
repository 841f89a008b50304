"""All models, so that ``Base.metadata`` is complete once this package is imported."""

from campaign.models.accounts import ApiToken, LoginFailures, LoginSession, Notification, User
from campaign.models.audit import AuditEntry
from campaign.models.campaigns import ActionType, Beneficiary, Campaign, Milestone, Team
from campaign.models.cheers import CheerMessage, ContentReport
from campaign.models.crew import Endorsement, Proposal, ProposalComment, ProposalDecision
from campaign.models.images import (
    CampaignCover,
    PartnerLogo,
    ProposalCover,
    SponsorLogo,
    StoredImage,
)
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
from campaign.models.operations import CampaignSponsor, Correction, Sponsor, WinnerContact
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
    MessageRule,
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
    "CampaignCover",
    "CampaignKind",
    "CampaignSponsor",
    "CampaignStatus",
    "CheerMessage",
    "ContentReport",
    "Correction",
    "DailyTally",
    "DrawWinner",
    "Endorsement",
    "Evidence",
    "ExportRecord",
    "Integration",
    "LedgerChunk",
    "LoginFailures",
    "LoginSession",
    "MessageRule",
    "Milestone",
    "Notification",
    "Participant",
    "Partner",
    "PartnerLogo",
    "Pledge",
    "PledgeSource",
    "ProgressSnapshot",
    "Proposal",
    "ProposalComment",
    "ProposalCover",
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
    "Sponsor",
    "SponsorLogo",
    "StoredImage",
    "Team",
    "TeamCounter",
    "TotalTally",
    "User",
    "WebhookDelivery",
    "WebhookEvent",
    "WinnerContact",
]
