"""Settlement exports: sums equal the settlement, personal data only with consent, recorded."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.errors import Invalid, NotFound, NotSettled
from campaign.exports import digest
from campaign.models import (
    ExportRecord,
    Pledge,
    PledgeSource,
    ReceiptRequest,
    Settlement,
)
from campaign.rules.calendar import kst_day
from campaign.rules.campaign_spec import BeneficiarySpec
from campaign.services import counters, lifecycle
from campaign.services.actions import record_action
from campaign.services.exports import export_settlement
from campaign.services.participation import join
from tests.factories import NOW, make_campaign, make_partner, make_user


@pytest.fixture
def closed(session: Session):
    """A cheer campaign split 1:2 between two partners, closed, with two donors of whom one
    asked for a receipt (one crew gift each, written as ledger rows with their counters)."""
    first, second = make_partner(session, "첫째 단체"), make_partner(session, "=SUM(A1)")
    campaign = make_campaign(
        session,
        purse_won=10_000,
        beneficiaries=(BeneficiarySpec(first.id, 1), BeneficiarySpec(second.id, 2)),
    )
    consenting, private = make_user(session, name="홍길동"), make_user(session, name="비공개")
    for user, gift in ((consenting, 30_001), (private, 50_000)):
        join(session, user, campaign, None, NOW)
        record_action(session, user, campaign, "cheer", None, None, NOW)
        session.add(
            Pledge(
                campaign_id=campaign.id,
                source=PledgeSource.CREW,
                amount_won=gift,
                user_id=user.id,
                created_at=NOW,
                kst_day=kst_day(NOW),
            )
        )
        counters.add_to_campaign(session, campaign.id, 0, crew_won=gift)
    session.add(
        ReceiptRequest(
            campaign_id=campaign.id,
            user_id=consenting.id,
            legal_name="홍길동",
            email="hong@example.com",
            consented_at=NOW,
        )
    )
    lifecycle.close(session, campaign, actor=None, now=NOW + timedelta(hours=1))
    settlement = session.scalar(select(Settlement))
    return campaign, settlement, first, second


def export(session: Session, campaign, partner_id, fmt):
    return export_settlement(
        session,
        campaign,
        partner_id=partner_id,
        format_name=fmt,
        actor=None,
        actor_label="test",
        now=NOW + timedelta(days=1),
    )


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def sheet_rows(rows: list[list[str]], title: str) -> list[list[str]]:
    start = rows.index([title]) + 2  # title line, then the header row
    out = []
    for row in rows[start:]:
        if not row:
            break
        out.append(row)
    return out


def test_whole_settlement_csv_sums_to_the_total(session: Session, closed) -> None:
    campaign, settlement, _first, _second = closed
    assert settlement.total_won == 200 + 80_001
    exported = export(session, campaign, None, "csv")
    rows = csv_rows(exported.data)
    allocations = sheet_rows(rows, "배분")
    assert sum(int(r[3]) for r in allocations) == settlement.total_won
    assert [r[0] for r in allocations] == ["첫째 단체", "'=SUM(A1)"]  # formula neutralised
    record = session.scalar(select(ExportRecord))
    assert (record.total_won, record.sha256, record.partner_id) == (
        settlement.total_won,
        digest(exported.data),
        None,
    )
    assert record.row_count == sum(
        len(sheet_rows(rows, t)) for t in ("배분", "일별", "기부금영수증 신청자")
    )


def test_partner_export_holds_its_allocation_and_only_consenting_donors(
    session: Session,
    closed,
) -> None:
    campaign, settlement, first, second = closed
    rows = csv_rows(export(session, campaign, second.id, "csv").data)
    allocations = sheet_rows(rows, "배분")
    assert len(allocations) == 1 and allocations[0][0] == "'=SUM(A1)"
    amount = int(allocations[0][3])
    # 80,201 split 1:2 is 26,733.67 + 53,467.33: the larger remainder (.67) gets the spare won.
    assert settlement.total_won == 80_201
    assert amount == 53_467
    donors = sheet_rows(rows, "기부금영수증 신청자")
    assert [d[0] for d in donors] == ["홍길동"]
    assert "비공개" not in exported_text(rows)
    assert int(donors[0][4]) == 20_001  # 2/3 of the 30,001원 gift, by largest remainder
    first_rows = csv_rows(export(session, campaign, first.id, "csv").data)
    assert int(sheet_rows(first_rows, "배분")[0][3]) + amount == settlement.total_won
    assert int(sheet_rows(first_rows, "기부금영수증 신청자")[0][4]) == 10_000


def exported_text(rows: list[list[str]]) -> str:
    return "\n".join(",".join(r) for r in rows)


def test_xlsx_and_json_agree_with_the_settlement(session: Session, closed) -> None:
    campaign, settlement, _first, _second = closed
    workbook = load_workbook(io.BytesIO(export(session, campaign, None, "xlsx").data))
    sheet = workbook["배분"]  # Korean headings for people
    amounts = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sum(amounts) == settlement.total_won
    assert all(isinstance(a, int) for a in amounts)
    document = json.loads(export(session, campaign, None, "json").data)
    assert sum(r["amount_won"] for r in document["sheets"]["allocations"]) == settlement.total_won


def test_refusals(session: Session, closed) -> None:
    campaign, _settlement, _first, _second = closed
    with pytest.raises(Invalid):
        export(session, campaign, None, "pdf")
    with pytest.raises(NotFound):
        export(session, campaign, 999_999, "csv")
    stranger = make_partner(session)
    with pytest.raises(NotFound):
        export(session, campaign, stranger.id, "csv")
    with pytest.raises(NotSettled):
        export(session, make_campaign(session), None, "csv")
    assert session.scalar(select(ExportRecord)) is None


def test_a_large_export_goes_to_a_file_with_the_same_bytes(
    session: Session, closed, monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign, _settlement, _first, _second = closed
    in_memory = export(session, campaign, None, "csv")
    monkeypatch.setattr("campaign.services.exports.IN_MEMORY_MAX", 100)
    spilled = export(session, campaign, None, "csv")
    with spilled.file:
        assert not isinstance(spilled.file, io.BytesIO)
        assert b"".join(spilled.chunks()) == in_memory.data
        assert spilled.size == len(in_memory.data)
        assert spilled.record.sha256 == in_memory.record.sha256 == digest(in_memory.data)
        assert spilled.record.row_count == in_memory.record.row_count
