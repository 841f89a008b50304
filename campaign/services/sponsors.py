"""Sponsors: who pays a campaign's purse (the ₩ per action and per milestone) or its match, and
the statement of what that money paid for. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import Invalid, NotFound, SponsorNameTaken
from campaign.exports import Column, ExportDocument, Sheet
from campaign.models import (
    Action,
    ActionType,
    Campaign,
    CampaignSponsor,
    Milestone,
    Partner,
    Pledge,
    PledgeSource,
    Settlement,
    Sponsor,
    User,
)
from campaign.models.operations import SPONSOR_NAME_MAX
from campaign.rules.accounts import normalize_email
from campaign.rules.money import allocate
from campaign.rules.text import clean_phone, clean_text
from campaign.services import audit, counters
from campaign.services.corrections import voided_ids
from campaign.services.impact import campaign_impact
from campaign.services.paging import page_of, search
from campaign.services.settlement import settlement_for

CONTACT_NAME_MAX = 60
PHONE_MAX = 40
LOGO_MAX = 500
PAGE_SIZE = 20
ROLES = ("purse", "match")


@dataclass(frozen=True)
class SponsorDetails:
    name: str
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    logo_url: str | None = None


def clean_details(details: SponsorDetails) -> SponsorDetails:
    """Trimmed and checked; Invalid naming the first bad field."""
    name = clean_text(details.name, "name", SPONSOR_NAME_MAX, required=True)
    email = clean_text(details.contact_email, "contact_email", 254)
    if email:
        try:
            email = normalize_email(email)
        except Invalid as exc:
            raise Invalid("contact_email", exc.reason) from exc
    logo = clean_text(details.logo_url, "logo_url", LOGO_MAX)
    # Only the site's own files: the pages' Content-Security-Policy (img-src 'self') keeps any
    # other site's image from showing, so an https:// address would be saved and never seen.
    # An uploaded logo (services/images.set_sponsor_logo) is the way to give one.
    if logo and not logo.startswith("/static/"):
        raise Invalid("logo_url", "static_path")
    return SponsorDetails(
        name=name,
        contact_name=clean_text(details.contact_name, "contact_name", CONTACT_NAME_MAX) or None,
        contact_email=email or None,
        contact_phone=clean_phone(details.contact_phone, "contact_phone", PHONE_MAX) or None,
        logo_url=logo or None,
    )


def _snapshot(sponsor: Sponsor) -> dict[str, Any]:
    return {field.name: getattr(sponsor, field.name) for field in fields(SponsorDetails)}


def _check_name_free(session: Session, name: str, sponsor_id: int | None) -> None:
    statement = select(Sponsor.id).where(func.lower(Sponsor.name) == name.lower())
    if sponsor_id is not None:
        statement = statement.where(Sponsor.id != sponsor_id)
    if session.scalar(statement.limit(1)) is not None:
        raise SponsorNameTaken(name=name)


def create_sponsor(
    session: Session, actor: User, details: SponsorDetails, now: datetime
) -> Sponsor:
    """Add a sponsor (audited). Invalid for a bad field, SponsorNameTaken for a name in use
    (in any case)."""
    details = clean_details(details)
    _check_name_free(session, details.name, None)
    sponsor = Sponsor(created_at=now, **_snapshot_of(details))
    session.add(sponsor)
    session.flush()
    audit.record(session, actor=actor, action="sponsor.create", after=_snapshot(sponsor), now=now)
    return sponsor


def _snapshot_of(details: SponsorDetails) -> dict[str, Any]:
    return {field.name: getattr(details, field.name) for field in fields(SponsorDetails)}


def update_sponsor(
    session: Session, actor: User, sponsor: Sponsor, details: SponsorDetails, now: datetime
) -> bool:
    """Change a sponsor's details (audited); False when nothing changed."""
    details = clean_details(details)
    _check_name_free(session, details.name, sponsor.id)
    before = _snapshot(sponsor)
    after = _snapshot_of(details)
    if before == after:
        return False
    for name, value in after.items():
        setattr(sponsor, name, value)
    session.flush()
    audit.record(session, actor=actor, action="sponsor.update", before=before, after=after, now=now)
    return True


def get_sponsor(session: Session, sponsor_id: int) -> Sponsor:
    sponsor = session.get(Sponsor, sponsor_id)
    if sponsor is None:
        raise NotFound()
    return sponsor


@dataclass(frozen=True)
class SponsorPage:
    sponsors: list[Sponsor]
    page: int
    pages: int
    total: int
    query: str


def list_sponsors(
    session: Session, *, page: int = 1, query: str = "", size: int = PAGE_SIZE
) -> SponsorPage:
    """Sponsors by name, ``size`` a page, optionally those whose name contains ``query``
    (services/paging, like every other admin list)."""
    query = " ".join(query.split())[:SPONSOR_NAME_MAX]
    statement = search(select(Sponsor).order_by(Sponsor.name, Sponsor.id), query, (Sponsor.name,))
    found = page_of(session, statement, page, size)
    return SponsorPage(found.items, found.number, found.pages, found.total, query)


def all_sponsors(session: Session) -> list[Sponsor]:
    return list(session.scalars(select(Sponsor).order_by(Sponsor.name)))


def sponsors_of(session: Session, campaign: Campaign) -> dict[str, Sponsor]:
    """The campaign's sponsors by role ("purse", "match")."""
    return {
        link.role: link.sponsor
        for link in session.scalars(
            select(CampaignSponsor).where(CampaignSponsor.campaign_id == campaign.id)
        )
    }


def set_campaign_sponsor(
    session: Session,
    actor: User,
    campaign: Campaign,
    role: str,
    sponsor_id: int | None,
    now: datetime,
) -> bool:
    """Attach ``sponsor_id`` to the campaign's purse or match (None detaches); audited.
    Who pays is a fact about the money, not a rule of it, so it may be set at any time."""
    if role not in ROLES:
        raise Invalid("role", "choice")
    sponsor = get_sponsor(session, sponsor_id) if sponsor_id is not None else None
    link = session.get(CampaignSponsor, (campaign.id, role))
    before = link.sponsor_id if link else None
    if before == sponsor_id:
        return False
    if sponsor is None:
        session.delete(link)
    elif link is None:
        session.add(CampaignSponsor(campaign_id=campaign.id, role=role, sponsor_id=sponsor.id))
    else:
        link.sponsor_id = sponsor.id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="campaign.sponsor",
        campaign_id=campaign.id,
        before={role: before},
        after={role: sponsor_id},
        now=now,
    )
    return True


# --- The statement -------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeLine:
    code: str
    label: str
    actions: int
    stamps: int
    won: int


@dataclass(frozen=True)
class MilestoneLine:
    threshold: int
    label: str
    declared_won: int
    paid_won: int | None  # None: not reached


@dataclass(frozen=True)
class OwedLine:
    role: str
    sponsor: str
    partner: str
    registration_number: str
    share: int
    amount_won: int


@dataclass(frozen=True)
class Statement:
    """What the campaign's sponsor money paid for, from the ledger (net of corrections)."""

    campaign: Campaign
    sponsors: dict[str, Sponsor]
    final: bool  # closed: the owed lines come from the frozen settlement
    purse_won: int | None
    by_type: list[TypeLine]
    milestones: list[MilestoneLine]
    match_won: int
    topup_won: int
    spent_won: int  # action + milestone + match (the purse's part)
    units_counted: str | None
    units_funded: int | None
    units_unfunded: int | None
    owed: list[OwedLine]

    @property
    def action_won(self) -> int:
        return sum(line.won for line in self.by_type)

    @property
    def milestone_won(self) -> int:
        return sum(m.paid_won or 0 for m in self.milestones)

    @property
    def unspent_won(self) -> int | None:
        return None if self.purse_won is None else self.purse_won - self.spent_won


def statement(session: Session, campaign: Campaign) -> Statement:
    """The sponsor statement of ``campaign``: per action type and per milestone what the purse
    paid, the match and top-up, what is left unspent, and per sponsor what is owed to which
    partner (split by the beneficiaries' shares, as the settlement splits its total)."""
    counts = {
        type_id: (int(n), int(stamps or 0))
        for type_id, n, stamps in session.execute(
            select(Action.action_type_id, func.count(), func.sum(Action.stamps))
            .where(Action.campaign_id == campaign.id, Action.id.not_in(voided_ids()))
            .group_by(Action.action_type_id)
        )
    }
    won_by_type = {
        type_id: int(won or 0)
        for type_id, won in session.execute(
            select(Action.action_type_id, func.sum(Pledge.amount_won))
            .join(Action, Action.id == Pledge.action_id)
            .where(Pledge.campaign_id == campaign.id, Pledge.source == PledgeSource.ACTION)
            .group_by(Action.action_type_id)
        )
    }
    by_type = [
        TypeLine(
            t.code,
            t.label,
            counts.get(t.id, (0, 0))[0],
            counts.get(t.id, (0, 0))[1],
            won_by_type.get(t.id, 0),
        )
        for t in session.scalars(
            select(ActionType)
            .where(ActionType.campaign_id == campaign.id)
            .order_by(ActionType.position)
        )
    ]
    paid = dict(
        session.execute(
            select(Pledge.milestone_id, Pledge.amount_won).where(
                Pledge.campaign_id == campaign.id, Pledge.source == PledgeSource.MILESTONE
            )
        ).all()
    )
    milestones = [
        MilestoneLine(m.threshold, m.label, m.amount_won, paid.get(m.id))
        for m in session.scalars(
            select(Milestone)
            .where(Milestone.campaign_id == campaign.id)
            .order_by(Milestone.threshold)
        )
    ]
    by_source = dict(
        session.execute(
            select(Pledge.source, func.sum(Pledge.amount_won))
            .where(Pledge.campaign_id == campaign.id)
            .group_by(Pledge.source)
        ).all()
    )
    match_won = int(by_source.get(PledgeSource.MATCH) or 0)
    topup_won = int(by_source.get(PledgeSource.TOPUP) or 0)
    milestone_won = sum(int(v) for v in paid.values())
    action_won = sum(line.won for line in by_type)
    totals = counters.totals(session, campaign.id)
    impact = campaign_impact(session, campaign, totals.stamps, totals.sponsor_won)
    sponsors = sponsors_of(session, campaign)
    settlement = settlement_for(session, campaign)
    if settlement is not None:
        owed_by_role = {
            "purse": settlement.action_won + settlement.milestone_won,
            "match": settlement.match_won + settlement.topup_won,
        }
    else:
        owed_by_role = {"purse": action_won + milestone_won, "match": match_won + topup_won}
    return Statement(
        campaign=campaign,
        sponsors=sponsors,
        final=settlement is not None,
        purse_won=campaign.purse_won,
        by_type=by_type,
        milestones=milestones,
        match_won=match_won,
        topup_won=topup_won,
        spent_won=action_won + milestone_won + match_won,
        units_counted=_units(impact.counted) if impact else None,
        units_funded=impact.funded if impact else None,
        units_unfunded=impact.unfunded if impact else None,
        owed=_owed(campaign, sponsors, owed_by_role),
    )


def owed_at_settlement(
    session: Session, campaign: Campaign, settlement: Settlement
) -> list[OwedLine]:
    """Per sponsor, what the frozen settlement says it owes each partner."""
    return _owed(
        campaign,
        sponsors_of(session, campaign),
        {
            "purse": settlement.action_won + settlement.milestone_won,
            "match": settlement.match_won + settlement.topup_won,
        },
    )


def _units(value: Any) -> str:
    tenths = int(value * 10)
    return f"{tenths // 10}.{tenths % 10}"


def _owed(
    campaign: Campaign, sponsors: dict[str, Sponsor], owed_by_role: dict[str, int]
) -> list[OwedLine]:
    beneficiaries = sorted(campaign.beneficiaries, key=lambda b: b.id)
    if not beneficiaries:
        return []
    lines = []
    for role in ROLES:
        sponsor = sponsors.get(role)
        amount = owed_by_role[role]
        if sponsor is None or amount == 0:
            continue
        parts = allocate(amount, [b.share for b in beneficiaries])
        for beneficiary, part in zip(beneficiaries, parts, strict=True):
            partner: Partner = beneficiary.partner
            lines.append(
                OwedLine(
                    role,
                    sponsor.name,
                    partner.name,
                    partner.registration_number or "",
                    beneficiary.share,
                    part,
                )
            )
    return lines


def statement_document(stmt: Statement) -> ExportDocument:
    """The statement as an export document (CSV for the sponsor's accounts)."""
    campaign = stmt.campaign
    summary: list[tuple[str, object] | tuple[str, object, str]] = [
        ("campaign", campaign.title),
        ("slug", campaign.slug),
        ("purse_sponsor", stmt.sponsors["purse"].name if "purse" in stmt.sponsors else ""),
        ("match_sponsor", stmt.sponsors["match"].name if "match" in stmt.sponsors else ""),
        ("final", "yes" if stmt.final else "no (running totals)"),
        ("purse_won", stmt.purse_won if stmt.purse_won is not None else 0, "won"),
        ("action_won", stmt.action_won, "won"),
        ("milestone_won", stmt.milestone_won, "won"),
        ("match_won", stmt.match_won, "won"),
        ("topup_won", stmt.topup_won, "won"),
        ("spent_won", stmt.spent_won, "won"),
        ("unspent_won", stmt.unspent_won if stmt.unspent_won is not None else 0, "won"),
    ]
    if stmt.units_funded is not None:
        summary += [
            ("unit_name", campaign.unit_name or ""),
            ("stamps_per_unit", campaign.stamps_per_unit),
            ("won_per_unit", campaign.won_per_unit, "won"),
            ("units_counted", stmt.units_counted or ""),
            ("units_funded", stmt.units_funded),
            ("units_unfunded", stmt.units_unfunded or 0),
        ]
    sheets = [
        Sheet(
            "by_action_type",
            (
                Column("code"),
                Column("label"),
                Column("actions", "int"),
                Column("stamps", "int"),
                Column("won", "won"),
            ),
            tuple((t.code, t.label, t.actions, t.stamps, t.won) for t in stmt.by_type),
        ),
        Sheet(
            "milestones",
            (
                Column("threshold", "int"),
                Column("label"),
                Column("declared_won", "won"),
                Column("paid_won", "won"),
            ),
            tuple((m.threshold, m.label, m.declared_won, m.paid_won) for m in stmt.milestones),
        ),
        Sheet(
            "owed",
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
                for o in stmt.owed
            ),
        ),
    ]
    return ExportDocument(summary=summary, sheets=sheets)
