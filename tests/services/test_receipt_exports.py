"""The resident number leaves the database only in the export of the charity that issues the
receipt, which is what the 연말정산 간소화 upload needs; every other export shows the mask."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import ReceiptRequest, Role
from campaign.rules.campaign_spec import BeneficiarySpec
from campaign.rules.receipts import ReceiptStatus
from campaign.services import lifecycle
from campaign.services.exports import export_settlement
from campaign.services.fundraising import pledge_gift
from campaign.services.receipt_cipher import ReceiptCipher, development_key
from campaign.services.receipts import request_receipt
from tests.factories import NOW, make_fundraiser, make_partner, make_user

CIPHER = ReceiptCipher((development_key("test-secret-key"),))
DIGITS = ("9001011234568", "900101-1234568", "1234568")


def _closed(session: Session):
    charity = make_partner(session, "사랑의열매", issues_receipts=True)
    forest = make_partner(session, "숲", issues_receipts=False)
    campaign = make_fundraiser(
        session,
        partner=charity,
        beneficiaries=(BeneficiarySpec(charity.id, 1), BeneficiarySpec(forest.id, 1)),
    )
    giver = make_user(session, role=Role.CREW, name="홍길동")
    pledge_gift(session, giver, campaign, 30_001, False, None, None, NOW)
    pledge_gift(session, giver, campaign, 10_000, False, None, None, NOW + timedelta(hours=1))
    request_receipt(
        session,
        giver,
        campaign,
        legal_name="홍길동",
        share_email=False,
        phone=None,
        now=NOW,
        id_number="900101-1234568",
        share_id_number=True,
        address="서울시 중구 세종대로 110",
        share_address=True,
        cipher=CIPHER,
    )
    lifecycle.close(session, campaign, actor=None, now=NOW + timedelta(hours=2))
    return campaign, charity, forest


def _export(session: Session, campaign, partner_id, fmt: str, cipher=CIPHER) -> str:
    data = export_settlement(
        session,
        campaign,
        partner_id=partner_id,
        format_name=fmt,
        actor=None,
        actor_label="test",
        now=NOW + timedelta(days=1),
        cipher=cipher,
    ).data
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(data))
        return " ".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return data.decode("utf-8-sig")


def test_only_the_issuing_charitys_export_carries_the_number(session: Session) -> None:
    campaign, charity, forest = _closed(session)
    for fmt in ("csv", "json", "xlsx"):
        for partner_id in (None, forest.id):
            shown = _export(session, campaign, partner_id, fmt)
            assert "900101-1******" in shown, (fmt, partner_id)
            assert not any(d in shown for d in DIGITS), (fmt, partner_id)
        # Without the cipher (a caller outside the partner's export) it stays masked too.
        assert "1234568" not in _export(session, campaign, charity.id, fmt, cipher=None)
    request = session.scalar(select(ReceiptRequest))
    assert request.status == ReceiptStatus.REQUESTED  # nothing was sent yet
    for fmt in ("csv", "json", "xlsx"):
        full = _export(session, campaign, charity.id, fmt)
        assert "900101-1234568" in full and "서울시 중구 세종대로 110" in full, fmt
    session.refresh(request)
    assert request.status == ReceiptStatus.SENT


def test_the_charitys_rows_say_what_the_year_end_upload_needs(session: Session) -> None:
    campaign, charity, _forest = _closed(session)
    [row] = json.loads(_export(session, campaign, charity.id, "json"))["sheets"]["receipt_donors"]
    assert row["id_number"] == "900101-1234568" and row["donor_kind"] == "person"
    assert row["donation_year"] == 2026 and row["gift_count"] == 2
    assert row["first_gift_on"] == row["last_gift_on"] == "2026-11-25"
    # Half of 40,001원 to each of two partners: the larger remainder goes to the first.
    assert row["donated_won"] == 20_001
