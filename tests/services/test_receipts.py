"""Receipt requests: a giver's consent decides what a charity learns about them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import Invalid, NotFound
from campaign.models import ReceiptRequest, Role
from campaign.services.receipts import find_request, request_receipt, withdraw_receipt
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
