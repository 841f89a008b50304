"""Settlement exports for partner charities: one function behind the admin page, the command
line and the partner API.

A partner's export holds its allocation and the campaign's totals; people appear by name only
when they asked for a donation receipt (기부금영수증), with the fields they agreed to share.
Every export is recorded with its row count, ₩ sum and SHA-256, and its sum always equals the
settlement (the whole) or the partner's allocation.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from campaign.errors import Invalid, NotFound, NotSettled
from campaign.exports import FORMATS, Column, ExportDocument, Sheet, total_won
from campaign.models import (
    Campaign,
    ExportRecord,
    Partner,
    Pledge,
    PledgeSource,
    ReceiptRequest,
    Settlement,
    SettlementAllocation,
    SettlementDay,
    SettlementTeam,
    Team,
    User,
)
from campaign.rules.calendar import kst_day, last_day
from campaign.rules.money import allocate
from campaign.rules.receipts import formatted
from campaign.services.corrections import correction_total, corrections_of
from campaign.services.impact import campaign_impact
from campaign.services.paging import Page, page_of, search
from campaign.services.progress import decimal_units
from campaign.services.receipt_cipher import ReceiptCipher
from campaign.services.receipts import issuing_partner, mark_carried_sent
from campaign.services.settlement import settlement_for
from campaign.services.sponsors import owed_at_settlement

ALLOCATIONS = "allocations"
RECEIPT_DONORS = "receipt_donors"
# An export up to this size stays in memory; a larger one goes to a temporary file as written.
IN_MEMORY_MAX = 8 * 1024 * 1024
CHUNK = 256 * 1024  # how much of the file is read at a time to send it
STREAM_ROWS = 2000  # rows fetched from the database at a time for a streamed sheet


@dataclass(frozen=True)
class ExportFile:
    """A written export: ``file`` (at its start) holds ``size`` bytes; ``data`` reads it whole,
    ``chunks()`` piece by piece (what a download sends). Close ``file`` when done."""

    file: IO[bytes]
    size: int
    filename: str
    media_type: str
    record: ExportRecord

    @property
    def data(self) -> bytes:
        self.file.seek(0)
        return self.file.read()

    def chunks(self) -> Iterator[bytes]:
        self.file.seek(0)
        while piece := self.file.read(CHUNK):
            yield piece


class _Spool:
    """Where an export is written: memory up to IN_MEMORY_MAX, then a temporary file; keeps the
    SHA-256 and the size of what was written."""

    def __init__(self) -> None:
        self.file: IO[bytes] = io.BytesIO()
        self.on_disk = False
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        if not self.on_disk and self.size > IN_MEMORY_MAX:
            spilled = tempfile.TemporaryFile()  # noqa: SIM115 (closed by ExportFile's owner)
            spilled.write(self.file.getvalue())  # type: ignore[attr-defined]
            self.file, self.on_disk = spilled, True
        return self.file.write(data)


def build_document(
    session: Session,
    campaign: Campaign,
    settlement: Settlement,
    partner: Partner | None,
    cipher: ReceiptCipher | None = None,
) -> ExportDocument:
    """The settlement as sheets: for one partner, or the whole (every partner) when None.
    ``cipher`` opens the receipt numbers, for a receipt-issuing partner's export only."""
    allocations = session.execute(
        select(Partner, SettlementAllocation)
        .join(SettlementAllocation, SettlementAllocation.partner_id == Partner.id)
        .where(SettlementAllocation.settlement_id == settlement.id)
        .order_by(Partner.id)
    ).all()
    if partner is not None:
        allocations = [(p, a) for p, a in allocations if p.id == partner.id]
        if not allocations:
            raise NotFound()
    allocated = sum(a.amount_won for _p, a in allocations)
    summary = [
        ("campaign", campaign.title),
        ("slug", campaign.slug),
        ("period_start", kst_day(campaign.starts_at)),
        ("period_end", last_day(campaign.ends_at)),
        ("partner", partner.name if partner else "all partners"),
        ("partner_registration_number", (partner.registration_number or "") if partner else ""),
        ("allocated_won", allocated, "won"),
        ("settlement_total_won", settlement.total_won, "won"),
        ("sponsor_per_action_won", settlement.action_won, "won"),
        ("milestone_won", settlement.milestone_won, "won"),
        ("crew_pledged_won", settlement.crew_won, "won"),
        ("company_match_won", settlement.match_won, "won"),
        ("company_topup_won", settlement.topup_won, "won"),
        ("actions", settlement.actions),
        ("stamps", settlement.stamps),
        *_units_summary(session, campaign, settlement),
        ("participants", settlement.participants),
        ("ledger_sha256", settlement.ledger_digest),
        ("computed_at", settlement.computed_at),
    ]
    sheets = [
        Sheet(
            ALLOCATIONS,
            (
                Column("partner"),
                Column("registration_number"),
                Column("share", "int"),
                Column("amount_won", "won"),
            ),
            tuple(
                (p.name, p.registration_number or "", a.share, a.amount_won) for p, a in allocations
            ),
        ),
        Sheet(
            "daily",
            (Column("kst_day", "date"), Column("actions", "int"), Column("won", "won")),
            tuple(
                (d.kst_day, d.actions, d.won)
                for d in session.scalars(
                    select(SettlementDay)
                    .where(SettlementDay.settlement_id == settlement.id)
                    .order_by(SettlementDay.kst_day)
                )
            ),
        ),
    ]
    teams = session.execute(
        select(Team.name, SettlementTeam)
        .join(SettlementTeam, SettlementTeam.team_id == Team.id)
        .where(SettlementTeam.settlement_id == settlement.id)
        .order_by(Team.position)
    ).all()
    if teams:
        sheets.append(
            Sheet(
                "teams",
                (
                    Column("team"),
                    Column("actions", "int"),
                    Column("participants", "int"),
                    Column("won", "won"),
                    Column("winner"),
                ),
                tuple(
                    (name, t.actions, t.participants, t.won, "yes" if t.winner else "no")
                    for name, t in teams
                ),
            )
        )
    sheets.append(_receipt_donors(session, campaign, partner, cipher))
    sheets.append(_correction_note(session, campaign))
    owed = owed_at_settlement(session, campaign, settlement)
    if partner is not None:
        owed = [line for line in owed if line.partner == partner.name]
    sheets.append(
        Sheet(
            "sponsors_owed",
            (
                Column("role"),
                Column("sponsor"),
                Column("partner"),
                Column("registration_number"),
                Column("share", "int"),
                Column("amount_won", "won"),
            ),
            tuple(
                (o.role, o.sponsor, o.partner, o.registration_number, o.share, o.amount_won)
                for o in owed
            ),
        )
    )
    summary.append(
        (
            "corrections_after_close_won",
            correction_total(session, campaign, after_close=True),
            "won",
        )
    )
    return ExportDocument(summary=summary, sheets=sheets, created_at=settlement.computed_at)


def _units_summary(
    session: Session, campaign: Campaign, settlement: Settlement
) -> list[tuple[str, object] | tuple[str, object, str]]:
    """The rate and the units the frozen stamps make: those the purse paid for and those
    counted after it ran out."""
    impact = campaign_impact(session, campaign, settlement.stamps, settlement.action_won, 0)
    if impact is None:
        return []
    return [
        ("unit_name", campaign.unit_name or ""),
        ("stamps_per_unit", campaign.stamps_per_unit),
        ("won_per_unit", campaign.won_per_unit, "won"),
        ("units_counted", decimal_units(impact.counted) or ""),
        ("units_funded", impact.funded),
        ("units_unfunded", impact.unfunded),
    ]


def _correction_note(session: Session, campaign: Campaign) -> Sheet:
    """Corrections made after close: listed here, the settlement's figures stay as frozen."""
    return Sheet(
        "corrections_after_close",
        (
            Column("corrected_at", "datetime"),
            Column("what"),
            Column("reference", "int"),
            Column("stamps", "int"),
            Column("sponsor_won_returned", "won"),
            Column("gift_won_returned", "won"),
            Column("reason"),
        ),
        tuple(
            (c.created_at, c.what, c.target_id, c.stamps, c.won_returned, c.gift_won, c.reason)
            for c in corrections_of(session, campaign, after_close=True)
        ),
    )


def _receipt_donors(
    session: Session,
    campaign: Campaign,
    partner: Partner | None,
    cipher: ReceiptCipher | None,
) -> Sheet:
    """Donors who asked for a receipt: their own gifts (net of cancellations) per KST year (the
    year-end 연말정산 counts a calendar year), and for a partner's export the part of each
    that partner receives (split by shares). The 주민등록번호 / 사업자등록번호 is opened only
    for the export of a partner that issues this campaign's receipts (given ``cipher``);
    every other export shows its mask.

    Streamed: one statement (the gifts summed per donor and year by the database, joined to the
    receipt requests), read STREAM_ROWS at a time as the writer asks, never the whole list in
    memory."""
    year = func.extract("year", Pledge.kst_day)
    given = (
        select(
            Pledge.user_id.label("user_id"),
            year.label("year"),
            func.sum(Pledge.amount_won).label("won"),
            # a reversal takes its gift back
            func.sum(case((Pledge.amount_won > 0, 1), else_=-1)).label("gifts"),
            func.min(Pledge.kst_day).label("first_day"),
            func.max(Pledge.kst_day).label("last_day"),
        )
        .where(
            Pledge.campaign_id == campaign.id,
            Pledge.source == PledgeSource.CREW,
            Pledge.user_id.is_not(None),
        )
        .group_by(Pledge.user_id, year)
        .subquery()
    )
    statement = (
        select(
            ReceiptRequest.legal_name,
            ReceiptRequest.email,
            ReceiptRequest.phone,
            ReceiptRequest.consented_at,
            given.c.won,
            ReceiptRequest.id,
            ReceiptRequest.status,
            ReceiptRequest.donor_kind,
            ReceiptRequest.id_number_sealed,
            ReceiptRequest.id_number_masked,
            ReceiptRequest.address,
            given.c.year,
            given.c.gifts,
            given.c.first_day,
            given.c.last_day,
        )
        .join(given, given.c.user_id == ReceiptRequest.user_id)
        .where(ReceiptRequest.campaign_id == campaign.id, given.c.won > 0)
        .order_by(ReceiptRequest.id, given.c.year)
        .execution_options(yield_per=STREAM_ROWS)
    )
    beneficiaries = sorted(campaign.beneficiaries, key=lambda b: b.id)
    shares = [b.share for b in beneficiaries]
    index = next(
        (i for i, b in enumerate(beneficiaries) if partner and b.partner_id == partner.id), None
    )
    opens = partner is not None and cipher is not None and issuing_partner(campaign, partner)

    def rows() -> Iterator[tuple[Any, ...]]:
        # Core rows on the session's connection: no ORM result machinery per line.
        for (
            legal_name,
            email,
            phone,
            consented_at,
            won,
            request_id,
            status,
            donor_kind,
            sealed,
            masked,
            address,
            donation_year,
            gifts,
            first_gift,
            last_gift,
        ) in session.connection().execute(statement):
            if sealed is None:
                number = ""
            elif opens and cipher is not None:
                number = formatted(donor_kind, cipher.decrypt(sealed))
            else:
                number = masked or ""
            amount = int(won)
            if index is not None:
                amount = allocate(amount, shares)[index]
            yield (
                legal_name,
                email or "",
                phone or "",
                consented_at,
                amount,
                request_id,
                status.value,
                donor_kind.value,
                number,
                address or "",
                int(donation_year),
                max(int(gifts), 1),
                first_gift,
                last_gift,
            )

    return Sheet(
        RECEIPT_DONORS,
        (
            Column("legal_name"),
            Column("email"),
            Column("phone"),
            Column("consented_at", "datetime"),
            Column("donated_won", "won"),
            Column("receipt_id", "int"),
            Column("status"),
            Column("donor_kind"),  # person: 주민등록번호, company: 사업자등록번호
            Column("id_number"),
            Column("address"),
            Column("donation_year", "int"),
            Column("gift_count", "int"),
            Column("first_gift_on", "date"),
            Column("last_gift_on", "date"),
        ),
        stream=rows,
    )


def export_settlement(
    session: Session,
    campaign: Campaign,
    *,
    partner_id: int | None,
    format_name: str,
    actor: User | None,
    actor_label: str,
    now: datetime,
    cipher: ReceiptCipher | None = None,
) -> ExportFile:
    """Write the settlement export and record it. Raises NotSettled before close, NotFound for a
    partner that does not receive from this campaign, Invalid for an unknown format.

    The export of a partner that issues this campaign's receipts, given ``cipher``, carries the
    donors' numbers in full (what the 연말정산 간소화 upload needs) and marks the receipt
    requests it carries "sent"; every other export shows the numbers masked."""
    export_format = FORMATS.get(format_name)
    if export_format is None:
        raise Invalid("format", "choice")
    settlement = settlement_for(session, campaign)
    if settlement is None:
        raise NotSettled()
    partner = None
    if partner_id is not None:
        partner = session.get(Partner, partner_id)
        if partner is None:
            raise NotFound()
    document = build_document(session, campaign, settlement, partner, cipher)
    out = _Spool()
    try:
        rows = export_format.write_to(document, out)  # type: ignore[arg-type]
    except BaseException:
        out.file.close()
        raise
    if partner is not None and cipher is not None and issuing_partner(campaign, partner):
        # What this export carried (written as "requested") is now with the charity.
        mark_carried_sent(session, campaign, now)
    out.file.seek(0)
    record = ExportRecord(
        settlement_id=settlement.id,
        partner_id=partner.id if partner else None,
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else actor_label,
        format=export_format.name,
        row_count=rows,
        total_won=total_won(document, ALLOCATIONS, "amount_won"),
        sha256=out.sha256.hexdigest(),
        created_at=now,
    )
    session.add(record)
    session.flush()
    suffix = f"-partner{partner.id}" if partner else ""
    filename = f"{campaign.slug}-settlement{suffix}.{export_format.extension}"
    return ExportFile(out.file, out.size, filename, export_format.media_type, record)


def export_history(
    session: Session, settlement: Settlement, query: str = "", number: int = 1
) -> Page[ExportRecord]:
    """One page of a settlement's exports, newest first, narrowed to those whose format or
    exporter contains ``query``."""
    statement = search(
        select(ExportRecord)
        .where(ExportRecord.settlement_id == settlement.id)
        .order_by(ExportRecord.id.desc()),
        query,
        (ExportRecord.format, ExportRecord.actor_label),
    )
    return page_of(session, statement, number)


def partner_settlements(
    session: Session, partner: Partner
) -> list[tuple[Campaign, Settlement, int]]:
    """Settlements that allocate money to ``partner``: (campaign, settlement, its allocation)."""
    return [
        tuple(row)
        for row in session.execute(
            select(Campaign, Settlement, SettlementAllocation.amount_won)
            .join(Settlement, Settlement.campaign_id == Campaign.id)
            .join(SettlementAllocation, SettlementAllocation.settlement_id == Settlement.id)
            .where(SettlementAllocation.partner_id == partner.id)
            .order_by(Settlement.computed_at.desc())
        )
    ]
