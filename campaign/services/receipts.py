"""Donation receipt (기부금영수증) requests: the only way a giver's name reaches a partner.

A giver asks for a receipt on a campaign and says which contact details the receiving charity
may have; the settlement export lists them with exactly those fields. Withdrawing the request
deletes it: it is personal data, not part of the ledger.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from campaign.errors import Invalid, NotFound
from campaign.models import Campaign, ReceiptRequest, User
from campaign.rules.text import clean_phone, clean_text
from campaign.services.campaigns import can_see

LEGAL_NAME_MAX = 60
PHONE_MAX = 40


def issues_receipts(campaign: Campaign) -> bool:
    """Whether any charity this campaign gives to can issue receipts."""
    return any(b.partner.issues_receipts for b in campaign.beneficiaries)


def find_request(session: Session, campaign: Campaign, user: User) -> ReceiptRequest | None:
    return session.scalar(
        select(ReceiptRequest).where(
            ReceiptRequest.campaign_id == campaign.id, ReceiptRequest.user_id == user.id
        )
    )


def request_receipt(
    session: Session,
    user: User,
    campaign: Campaign,
    *,
    legal_name: str,
    share_email: bool,
    phone: str | None,
    now: datetime,
) -> ReceiptRequest:
    """Ask for a receipt (or change the request): the legal name it is issued to, and the
    contact details the charity may have. NotFound unless the user may see the campaign;
    Invalid when no beneficiary issues receipts or a field is bad."""
    if not can_see(campaign, user):
        raise NotFound()
    if not issues_receipts(campaign):
        raise Invalid("legal_name", "no_receipts")
    name = clean_text(legal_name, "legal_name", LEGAL_NAME_MAX, required=True)
    number = clean_phone(phone, "phone", PHONE_MAX) or None
    request = find_request(session, campaign, user)
    if request is None:
        request = ReceiptRequest(campaign_id=campaign.id, user_id=user.id)
        session.add(request)
    request.legal_name = name
    request.email = user.email if share_email else None
    request.phone = number
    request.consented_at = now
    session.flush()
    return request


def withdraw_receipt(session: Session, user: User, campaign: Campaign) -> bool:
    """Take the request back (and with it the consent); True when there was one."""
    result = session.execute(
        delete(ReceiptRequest).where(
            ReceiptRequest.campaign_id == campaign.id, ReceiptRequest.user_id == user.id
        )
    )
    return bool(result.rowcount)
