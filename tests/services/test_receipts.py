"""Receipt requests: a giver's consent decides what a charity learns about them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from campaign.errors import IllegalTransition, Invalid, NotFound
from campaign.models import ReceiptRequest, Role
from campaign.rules.receipts import DonorKind, ReceiptStatus
from campaign.services.receipt_cipher import ReceiptCipher, development_key
from campaign.services.receipts import (
    find_request,
    request_receipt,
    set_status,
    withdraw_receipt,
)
from tests.factories import NOW, make_fundraiser, make_partner, make_user


def fundraiser(session: Session, receipts: bool = True):
    return make_fundraiser(session, partner=make_partner(session, issues_receipts=receipts))


def test_request_change_and_withdraw(session: Session) -> None:
    giver = make_user(session, role=Role.CREW, email="giver@aesseuji.example")
    campaign = fundraiser(session)
    request = request_receipt(
        session, giver, campaign, legal_name="  홍   길동 ", share_email=True, phone=None, now=NOW
    )
    assert (request.legal_name, request.email, request.phone) == (
        "홍 길동",
        "giver@aesseuji.example",
        None,
    )
    request_receipt(
        session,
        giver,
        campaign,
        legal_name="홍길동",
        share_email=False,
        phone="010-1234-5678",
        now=NOW,
    )
    again = find_request(session, campaign, giver)
    assert (again.email, again.phone) == (None, "010-1234-5678")  # only what they agreed to
    assert session.scalar(select(func.count()).select_from(ReceiptRequest)) == 1
    assert withdraw_receipt(session, giver, campaign) is True
    assert find_request(session, campaign, giver) is None
    assert withdraw_receipt(session, giver, campaign) is False


@pytest.mark.parametrize(
    ("name", "phone", "field", "reason"),
    [
        ("", None, "legal_name", "required"),
        ("x" * 61, None, "legal_name", "too_long"),
        ("홍길동", "call me", "phone", "phone_format"),
        ("홍\x00길동", None, "legal_name", "bad_characters"),
    ],
)
def test_bad_requests_are_refused(
    session: Session, name: str, phone: str | None, field: str, reason: str
) -> None:
    giver = make_user(session, role=Role.CREW)
    with pytest.raises(Invalid) as info:
        request_receipt(
            session,
            giver,
            fundraiser(session),
            legal_name=name,
            share_email=True,
            phone=phone,
            now=NOW,
        )
    assert (info.value.field, info.value.reason) == (field, reason)


def test_no_receipts_where_no_charity_issues_them(session: Session) -> None:
    giver = make_user(session, role=Role.CREW)
    with pytest.raises(Invalid) as info:
        request_receipt(
            session,
            giver,
            fundraiser(session, receipts=False),
            legal_name="홍길동",
            share_email=True,
            phone=None,
            now=NOW,
        )
    assert info.value.reason == "no_receipts"


def test_people_who_cannot_see_the_campaign_cannot_ask(session: Session) -> None:
    outsider = make_user(session, role=Role.USER)
    with pytest.raises(NotFound):
        request_receipt(
            session,
            outsider,
            fundraiser(session),
            legal_name="홍길동",
            share_email=True,
            phone=None,
            now=NOW,
        )


# -- numbers, addresses, consent and status -----------------------------------------------------

CIPHER = ReceiptCipher((development_key("test-secret-key"),))
RRN = "9001011234568"


def ask(session: Session, giver, campaign, **fields):
    values = {
        "legal_name": "홍길동",
        "share_email": False,
        "phone": None,
        "now": NOW,
        "id_number": "900101-1234568",
        "share_id_number": True,
        "address": "서울시 중구 세종대로 110",
        "share_address": True,
        "cipher": CIPHER,
    }
    return request_receipt(session, giver, campaign, **{**values, **fields})


def test_the_number_is_sealed_and_masked(session: Session) -> None:
    giver = make_user(session, role=Role.CREW)
    campaign = fundraiser(session)
    request = ask(session, giver, campaign)
    session.commit()
    assert request.id_number_masked == "900101-1******"
    assert request.address == "서울시 중구 세종대로 110"
    assert request.status == ReceiptStatus.REQUESTED
    raw = session.execute(text("SELECT * FROM receipt_requests")).one()
    assert RRN not in str(tuple(raw)) and "1234568" not in str(tuple(raw))
    assert CIPHER.decrypt(request.id_number_sealed) == RRN
    # Saving again without typing it keeps the number; unticking its consent removes it.
    ask(session, giver, campaign, id_number="")
    assert CIPHER.decrypt(find_request(session, campaign, giver).id_number_sealed) == RRN
    ask(session, giver, campaign, id_number="", share_id_number=False)
    again = find_request(session, campaign, giver)
    assert (again.id_number_sealed, again.id_number_masked) == (None, None)


def test_a_company_gives_its_business_number(session: Session) -> None:
    giver = make_user(session, role=Role.CREW)
    request = ask(
        session, giver, fundraiser(session), donor_kind="company", id_number="220-81-62517"
    )
    assert (request.donor_kind, request.id_number_masked) == (DonorKind.COMPANY, "220-81-*****")


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"id_number": "900101-1234567"}, "id_number", "id_number_checksum"),
        ({"id_number": "900101-12345"}, "id_number", "id_number_format"),
        ({"share_id_number": False}, "id_number", "consent_required"),
        ({"share_address": False}, "address", "consent_required"),
        ({"address": "x" * 201}, "address", "too_long"),
        ({"donor_kind": "robot"}, "donor_kind", "choice"),
        ({"donor_kind": "company"}, "id_number", "id_number_format"),  # 13 digits for a company
    ],
)
def test_bad_details_write_nothing(session: Session, fields, field: str, reason: str) -> None:
    giver = make_user(session, role=Role.CREW)
    campaign = fundraiser(session)
    with pytest.raises(Invalid) as info:
        ask(session, giver, campaign, **fields)
    assert (info.value.field, info.value.reason) == (field, reason)
    assert session.scalar(select(func.count()).select_from(ReceiptRequest)) == 0


def test_the_charity_moves_the_status_forward_only(session: Session) -> None:
    giver = make_user(session, role=Role.CREW)
    charity = make_partner(session, issues_receipts=True)
    campaign = make_fundraiser(session, partner=charity)
    request = ask(session, giver, campaign)
    assert set_status(session, charity, request.id, "sent", NOW).status == ReceiptStatus.SENT
    assert set_status(session, charity, request.id, "sent", NOW).status == ReceiptStatus.SENT
    assert set_status(session, charity, request.id, "issued", NOW).status == ReceiptStatus.ISSUED
    with pytest.raises(IllegalTransition):
        set_status(session, charity, request.id, "sent", NOW)
    with pytest.raises(Invalid) as info:
        set_status(session, charity, request.id, "lost", NOW)
    assert info.value.field == "status"
    # Issued: the giver can neither change nor withdraw it any more.
    with pytest.raises(Invalid) as refused:
        ask(session, giver, campaign, legal_name="홍길순")
    assert refused.value.reason == "receipt_issued"
    with pytest.raises(Invalid):
        withdraw_receipt(session, giver, campaign)
    assert find_request(session, campaign, giver).legal_name == "홍길동"


def test_another_charity_cannot_touch_the_status(session: Session) -> None:
    giver = make_user(session, role=Role.CREW)
    campaign = fundraiser(session)
    request = ask(session, giver, campaign)
    stranger = make_partner(session, issues_receipts=True)
    for receipt_id in (request.id, request.id + 1000):
        with pytest.raises(NotFound):
            set_status(session, stranger, receipt_id, "issued", NOW)
    assert find_request(session, campaign, giver).status == ReceiptStatus.REQUESTED


def test_a_change_after_sending_sends_it_again(session: Session) -> None:
    giver = make_user(session, role=Role.CREW)
    charity = make_partner(session, issues_receipts=True)
    campaign = make_fundraiser(session, partner=charity)
    request = ask(session, giver, campaign)
    set_status(session, charity, request.id, "sent", NOW)
    assert ask(session, giver, campaign, phone="010-0000-0000").status == ReceiptStatus.REQUESTED
