"""Everything the product holds about one person, as one JSON-ready document (개인정보보호법:
the right to see one's data). Numbers on receipt requests appear masked, as their owner sees
them on the site; API tokens by name (never their secrets or hashes)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import (
    Action,
    ActionType,
    ApiToken,
    Campaign,
    CheerMessage,
    DrawWinner,
    Endorsement,
    LoginSession,
    Notification,
    Participant,
    Pledge,
    Proposal,
    ProposalComment,
    ReceiptRequest,
    Team,
    User,
    WinnerContact,
)

FORMAT_VERSION = 1


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value"):  # an enum
        return value.value
    return value


def _rows(session: Session, statement, names: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {name: _value(v) for name, v in zip(names, row, strict=True)}
        for row in session.execute(statement)
    ]


def my_data(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """The document: profile, participations, actions, pledges (own gifts, what the sponsor
    gave for one's actions, the company's match of one's gifts), draws won, receipt requests,
    notifications, proposals, comments, endorsements, API tokens and log-in sessions."""
    uid = user.id
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "profile": {
            "id": uid,
            "email": user.email,
            "email_verified_at": _value(user.email_verified_at),
            "display_name": user.display_name,
            "role": user.role.value,
            "active": user.active,
            "created_at": _value(user.created_at),
        },
        "participations": _rows(
            session,
            select(
                Campaign.slug,
                Team.code,
                Participant.joined_at,
                Participant.actions,
                Participant.stamps,
                Participant.gifted_won,
                Participant.matched_won,
            )
            .join(Campaign, Campaign.id == Participant.campaign_id)
            .outerjoin(Team, Team.id == Participant.team_id)
            .where(Participant.user_id == uid)
            .order_by(Participant.id),
            ("campaign", "team", "joined_at", "actions", "stamps", "gifted_won", "matched_won"),
        ),
        "actions": _rows(
            session,
            select(
                Action.id,
                Campaign.slug,
                ActionType.code,
                Action.evidence,
                Action.stamps,
                Action.source,
                Action.counted_at,
            )
            .join(Campaign, Campaign.id == Action.campaign_id)
            .join(ActionType, ActionType.id == Action.action_type_id)
            .where(Action.user_id == uid)
            .order_by(Action.id),
            ("id", "campaign", "action", "evidence", "stamps", "source", "counted_at"),
        ),
        "pledges": _rows(
            session,
            select(
                Pledge.id,
                Campaign.slug,
                Pledge.source,
                Pledge.amount_won,
                Pledge.action_id,
                Pledge.matches_id,
                Pledge.reverses_id,
                Pledge.anonymous,
                Pledge.message,
                Pledge.created_at,
            )
            .join(Campaign, Campaign.id == Pledge.campaign_id)
            .where(Pledge.user_id == uid)
            .order_by(Pledge.id),
            (
                "id",
                "campaign",
                "source",
                "amount_won",
                "action_id",
                "matches_id",
                "reverses_id",
                "anonymous",
                "message",
                "created_at",
            ),
        ),
        "draws_won": _rows(
            session,
            select(DrawWinner.settlement_id, DrawWinner.rank).where(DrawWinner.user_id == uid),
            ("settlement_id", "rank"),
        ),
        "cheer_messages": _rows(
            session,
            select(
                CheerMessage.id,
                Campaign.slug,
                CheerMessage.action_id,
                CheerMessage.text,
                CheerMessage.created_at,
                CheerMessage.hidden_at,
            )
            .join(Campaign, Campaign.id == CheerMessage.campaign_id)
            .where(CheerMessage.user_id == uid)
            .order_by(CheerMessage.id),
            ("id", "campaign", "action_id", "text", "created_at", "hidden_at"),
        ),
        "prize_contacts": _rows(
            session,
            select(
                WinnerContact.settlement_id,
                WinnerContact.legal_name,
                WinnerContact.phone,
                WinnerContact.address,
                WinnerContact.consented_at,
            )
            .where(WinnerContact.user_id == uid)
            .order_by(WinnerContact.settlement_id),
            ("settlement_id", "legal_name", "phone", "address", "consented_at"),
        ),
        "receipt_requests": _rows(
            session,
            select(
                ReceiptRequest.id,
                Campaign.slug,
                ReceiptRequest.legal_name,
                ReceiptRequest.donor_kind,
                ReceiptRequest.id_number_masked,
                ReceiptRequest.address,
                ReceiptRequest.email,
                ReceiptRequest.phone,
                ReceiptRequest.consented_at,
                ReceiptRequest.status,
                ReceiptRequest.status_changed_at,
            )
            .join(Campaign, Campaign.id == ReceiptRequest.campaign_id)
            .where(ReceiptRequest.user_id == uid)
            .order_by(ReceiptRequest.id),
            (
                "id",
                "campaign",
                "legal_name",
                "donor_kind",
                "id_number",
                "address",
                "email",
                "phone",
                "consented_at",
                "status",
                "status_changed_at",
            ),
        ),
        "notifications": _rows(
            session,
            select(
                Notification.kind,
                Notification.params,
                Notification.link,
                Notification.created_at,
                Notification.read_at,
            )
            .where(Notification.user_id == uid)
            .order_by(Notification.id),
            ("kind", "params", "link", "created_at", "read_at"),
        ),
        "proposals": _rows(
            session,
            select(Proposal.id, Proposal.title, Proposal.status, Proposal.created_at)
            .where(Proposal.author_id == uid)
            .order_by(Proposal.id),
            ("id", "title", "status", "created_at"),
        ),
        "proposal_comments": _rows(
            session,
            select(ProposalComment.proposal_id, ProposalComment.body, ProposalComment.created_at)
            .where(ProposalComment.author_id == uid)
            .order_by(ProposalComment.id),
            ("proposal_id", "body", "created_at"),
        ),
        "endorsements": _rows(
            session,
            select(Endorsement.proposal_id, Endorsement.created_at)
            .where(Endorsement.user_id == uid)
            .order_by(Endorsement.id),
            ("proposal_id", "created_at"),
        ),
        "api_tokens": _rows(
            session,
            select(ApiToken.name, ApiToken.created_at, ApiToken.revoked_at)
            .where(ApiToken.user_id == uid)
            .order_by(ApiToken.id),
            ("name", "created_at", "revoked_at"),
        ),
        "login_sessions": _rows(
            session,
            select(LoginSession.created_at)
            .where(LoginSession.user_id == uid)
            .order_by(LoginSession.id),
            ("created_at",),
        ),
    }
