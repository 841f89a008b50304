"""Donation receipt (기부금영수증) requests: the only way a giver's name reaches a partner.

A giver asks for a receipt on a campaign and says, field by field, what the receiving charity
may have: the legal name (always, a receipt needs it), the 주민등록번호 (or a company's
사업자등록번호), the address, the e-mail, the phone. A field is stored only when its box is
ticked. The number is validated by its check digit (rules/receipts.py), sealed with
``RECEIPT_KEY`` (services/receipt_cipher.py) and kept beside its masked form; pages and every
export but the issuing charity's show the mask.

Each request has a status: requested → sent (the charity's export carried it) → issued (the
charity says so through its API token). Withdrawing a request deletes it: it is personal data,
not part of the ledger. Receipts are for gifts only (crew pledges); sponsor pledges are the
sponsor's donation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from campaign.errors import IllegalTransition, Invalid, NotFound
from campaign.models import Campaign, Partner, Pledge, PledgeSource, ReceiptRequest, User
from campaign.rules.receipts import (
    ADDRESS_MAX,
    DonorKind,
    ReceiptStatus,
    clean_id_number,
    mask,
    moves_forward,
)
from campaign.rules.text import clean_phone, clean_text
from campaign.services.campaigns import can_see
from campaign.services.receipt_cipher import ReceiptCipher

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


def _donor_kind(raw: str | DonorKind) -> DonorKind:
    try:
        return DonorKind(raw or DonorKind.PERSON)
    except ValueError:
        raise Invalid("donor_kind", "choice") from None


def request_receipt(
    session: Session,
    user: User,
    campaign: Campaign,
    *,
    legal_name: str,
    share_email: bool,
    phone: str | None,
    now: datetime,
    donor_kind: str | DonorKind = DonorKind.PERSON,
    id_number: str | None = None,
    share_id_number: bool = False,
    address: str | None = None,
    share_address: bool = False,
    cipher: ReceiptCipher | None = None,
) -> ReceiptRequest:
    """Ask for a receipt (or change the request).

    ``id_number`` and ``address`` are stored only with their consent (``share_…``); a number
    left empty while its consent stays ticked keeps the one stored (a page never shows it to
    type again), an unticked consent removes it. A change sends the request back to
    "requested", so the charity's next export carries it again. Everything is checked before
    anything is written. NotFound unless the user may see the campaign; Invalid when no
    beneficiary issues receipts, the charity has issued the receipt already, or a field is bad.
    """
    if not can_see(campaign, user):
        raise NotFound()
    if not issues_receipts(campaign):
        raise Invalid("legal_name", "no_receipts")
    kind = _donor_kind(donor_kind)
    name = clean_text(legal_name, "legal_name", LEGAL_NAME_MAX, required=True)
    number = clean_phone(phone, "phone", PHONE_MAX) or None
    typed_number = (id_number or "").strip()
    if typed_number and not share_id_number:
        raise Invalid("id_number", "consent_required")
    digits = clean_id_number(kind, typed_number, "id_number") if typed_number else None
    place = clean_text(address, "address", ADDRESS_MAX) or None
    if place and not share_address:
        raise Invalid("address", "consent_required")
    if digits is not None and cipher is None:
        raise ValueError("a resident number needs the receipt cipher")
    sealed = cipher.encrypt(digits) if digits is not None and cipher is not None else None
    request = find_request(session, campaign, user)
    if request is not None and request.status == ReceiptStatus.ISSUED:
        raise Invalid("legal_name", "receipt_issued")
    if request is None:
        request = ReceiptRequest(campaign_id=campaign.id, user_id=user.id)
        session.add(request)
    keep_number = (
        digits is None
        and share_id_number
        and request.id_number_sealed is not None
        and request.donor_kind == kind
    )
    request.donor_kind = kind
    request.legal_name = name
    request.email = user.email if share_email else None
    request.phone = number
    request.address = place
    if digits is not None:
        request.id_number_sealed, request.id_number_masked = sealed, mask(kind, digits)
    elif not keep_number:
        request.id_number_sealed = request.id_number_masked = None
    request.consented_at = now
    if request.status != ReceiptStatus.REQUESTED:
        request.status, request.status_changed_at = ReceiptStatus.REQUESTED, now
    session.flush()
    return request


def withdraw_receipt(session: Session, user: User, campaign: Campaign) -> bool:
    """Take the request back (and with it the consent); True when there was one. A receipt the
    charity has issued stays (Invalid ``receipt_issued``): it is on the tax office's record."""
    request = find_request(session, campaign, user)
    if request is None:
        return False
    if request.status == ReceiptStatus.ISSUED:
        raise Invalid("legal_name", "receipt_issued")
    session.execute(delete(ReceiptRequest).where(ReceiptRequest.id == request.id))
    return True


def issuing_partner(campaign: Campaign, partner: Partner) -> bool:
    """Whether ``partner`` issues receipts for gifts to ``campaign``."""
    return partner.issues_receipts and any(
        b.partner_id == partner.id for b in campaign.beneficiaries
    )


def mark_carried_sent(session: Session, campaign: Campaign, now: datetime) -> None:
    """The issuing charity's export has carried the campaign's requests of everyone whose own
    gifts there come to more than nothing in some year (the rows of its receipt_donors
    sheet): "requested" ones become "sent". One set-based UPDATE however many there are."""
    year = func.extract("year", Pledge.kst_day)
    carried = (
        select(Pledge.user_id)
        .where(
            Pledge.campaign_id == campaign.id,
            Pledge.source == PledgeSource.CREW,
            Pledge.user_id.is_not(None),
        )
        .group_by(Pledge.user_id, year)
        .having(func.sum(Pledge.amount_won) > 0)
    )
    session.execute(
        update(ReceiptRequest)
        .where(
            ReceiptRequest.campaign_id == campaign.id,
            ReceiptRequest.status == ReceiptStatus.REQUESTED,
            ReceiptRequest.user_id.in_(carried),
        )
        .values(status=ReceiptStatus.SENT, status_changed_at=now)
        .execution_options(synchronize_session="fetch")
    )


def set_status(
    session: Session, partner: Partner, receipt_id: int, status: object, now: datetime
) -> ReceiptRequest:
    """A charity reports how a receipt stands ("sent" or "issued"); it only moves forward, and
    the same status again changes nothing. NotFound for a request of a campaign the partner
    does not issue receipts for (whether or not it exists), Invalid for an unknown status,
    IllegalTransition for a step back."""
    request = session.get(ReceiptRequest, receipt_id)
    campaign = session.get(Campaign, request.campaign_id) if request is not None else None
    if request is None or campaign is None or not issuing_partner(campaign, partner):
        raise NotFound()
    if not isinstance(status, str) or status not in {s.value for s in ReceiptStatus}:
        raise Invalid("status", "choice")
    new = ReceiptStatus(status)
    if new == request.status:
        return request
    if not moves_forward(request.status, new):
        raise IllegalTransition()
    request.status, request.status_changed_at = new, now
    session.flush()
    return request


def erase_unsent(session: Session, user: User) -> int:
    """Delete the user's requests no charity has received yet (account deletion); those
    already sent or issued are the charity's record and stay as sent. Returns how many."""
    result = session.execute(
        delete(ReceiptRequest).where(
            ReceiptRequest.user_id == user.id, ReceiptRequest.status == ReceiptStatus.REQUESTED
        )
    )
    return int(result.rowcount or 0)
