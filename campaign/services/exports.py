"""Settlement exports for partner charities: one function behind the admin page, the command
line and the partner API.

A partner's export holds its allocation and the campaign's totals; people appear by name only
when they asked for a donation receipt (기부금영수증), with the fields they agreed to share.
Every export is recorded with its row count, ₩ sum and SHA-256, and its sum always equals the
settlement (the whole) or the partner's allocation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.errors import Invalid, NotFound, NotSettled
from campaign.exports import FORMATS, Column, ExportDocument, Sheet, digest, row_count, total_won
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
from campaign.services.corrections import correction_total, corrections_of
from campaign.services.impact import campaign_impact
from campaign.services.paging import Page, page_of, search
from campaign.services.progress import decimal_units
from campaign.rules.receipts import formatted
from campaign.services.receipt_cipher import ReceiptCipher
from campaign.services.receipts import issuing_partner, mark_sent
from campaign.services.settlement import settlement_for
from campaign.services.sponsors import owed_at_settlement

ALLOCATIONS = "allocations"
RECEIPT_DONORS = "receipt_donors"


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    filename: str
    media_type: str
    record: ExportRecord


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
    every other export shows its mask."""
    given: dict[int, dict[int, tuple[int, int, date, date]]] = {}
    for user_id, day, amount in session.execute(
        select(Pledge.user_id, Pledge.kst_day, Pledge.amount_won)
        .where(Pledge.campaign_id == campaign.id, Pledge.source == PledgeSource.CREW)
        .order_by(Pledge.id)
    ):
        years = given.setdefault(user_id, {})
        total, gifts, first, last = years.get(day.year, (0, 0, day, day))
        gifts += 1 if amount > 0 else -1  # a reversal takes its gift back
        years[day.year] = (total + amount, gifts, min(first, day), max(last, day))
    beneficiaries = sorted(campaign.beneficiaries, key=lambda b: b.id)
    index = next(
        (i for i, b in enumerate(beneficiaries) if partner and b.partner_id == partner.id), None
    )
    opens = partner is not None and cipher is not None and issuing_partner(campaign, partner)
    rows = []
    for request in session.scalars(
        select(ReceiptRequest)
        .where(ReceiptRequest.campaign_id == campaign.id)
        .order_by(ReceiptRequest.id)
    ):
        if request.id_number_sealed is None:
            number = ""
        elif opens and cipher is not None:
            number = formatted(request.donor_kind, cipher.decrypt(request.id_number_sealed))
        else:
            number = request.id_number_masked or ""
        for year, (total, gifts, first, last) in sorted(given.get(request.user_id, {}).items()):
            amount = total
            if amount <= 0:
                continue
            if index is not None:
                amount = allocate(amount, [b.share for b in beneficiaries])[index]
            rows.append(
                (
                    request.legal_name,
                    request.email or "",
                    request.phone or "",
                    request.consented_at,
                    amount,
                    request.id,
                    request.status.value,
                    request.donor_kind.value,
                    number,
                    request.address or "",
                    year,
                    max(gifts, 1),
                    first,
                    last,
                )
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
        tuple(rows),
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
    if partner is not None and cipher is not None and issuing_partner(campaign, partner):
        index, _column = document.sheet(RECEIPT_DONORS).column("receipt_id")
        mark_sent(session, (row[index] for row in document.sheet(RECEIPT_DONORS).rows), now)
    data = export_format.write(document)
    record = ExportRecord(
        settlement_id=settlement.id,
        partner_id=partner.id if partner else None,
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else actor_label,
        format=export_format.name,
        row_count=row_count(document),
        total_won=total_won(document, ALLOCATIONS, "amount_won"),
        sha256=digest(data),
        created_at=now,
    )
    session.add(record)
    session.flush()
    suffix = f"-partner{partner.id}" if partner else ""
    filename = f"{campaign.slug}-settlement{suffix}.{export_format.extension}"
    return ExportFile(data, filename, export_format.media_type, record)


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
