"""Results reach people: at close every participant gets an in-app notice and (once, after the
commit) a mail with the result and their own part; draw winners are told they won and give
their contact details with consent; winners are published masked and exported to the operator.

The notices are written in the closing transaction. The mails are claimed once per settlement
(``results_mailed_at``, one conditional UPDATE) by whoever sends them first after the commit:
the admin's close, the CLI or the scheduler's sweep, so a close the scheduler made is mailed too
and nobody is mailed twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import JSON, String, func, insert, literal, select, update
from sqlalchemy.orm import Session

from campaign.errors import Forbidden, Invalid, NotFound, NotSettled
from campaign.models import (
    Campaign,
    DrawWinner,
    Notification,
    Participant,
    Pledge,
    PledgeSource,
    Settlement,
    SettlementTeam,
    Team,
    User,
    WinnerContact,
)
from campaign.models.types import UTCDateTime
from campaign.rules.accounts import mask_name
from campaign.rules.draw import draw, draw_seed
from campaign.rules.text import clean_phone, clean_text
from campaign.services import audit, notifications
from campaign.services.impact import campaign_impact
from campaign.services.settlement import draw_candidates, settlement_for

NOTIFY_RESULT = "campaign_result"
NOTIFY_WON = "draw_won"
NOTIFY_CANCELLED = "campaign_cancelled"
NAME_MAX = 60
PHONE_MAX = 40
ADDRESS_MAX = 300

settlements = Settlement.__table__
notification_table = Notification.__table__


def participant_ids(session: Session, campaign: Campaign) -> list[int]:
    return list(
        session.scalars(
            select(Participant.user_id)
            .where(Participant.campaign_id == campaign.id)
            .order_by(Participant.user_id)
        )
    )


def winner_ids(session: Session, settlement: Settlement) -> list[int]:
    return list(
        session.scalars(
            select(DrawWinner.user_id)
            .where(DrawWinner.settlement_id == settlement.id)
            .order_by(DrawWinner.rank)
        )
    )


def announce(session: Session, campaign: Campaign, settlement: Settlement, now: datetime) -> None:
    """The notices of a close itself: "you won" to the draw's winners (a handful of rows). The
    result notice to every participant follows with the result mail (``claim_results``), so a
    campaign of a million participants still closes in about a second."""
    winners = winner_ids(session, settlement)
    if winners:
        notifications.notify(
            session, winners, NOTIFY_WON, now,
            params={"title": campaign.title}, link=f"/c/{campaign.slug}/prize",
        )  # fmt: skip


def claim_results(
    session: Session, campaign: Campaign, settlement: Settlement, now: datetime
) -> bool:
    """Take the job of telling a settlement's participants their result, once: the in-app
    notice to every participant (one INSERT … SELECT) in the claiming transaction, the mails
    after it commits. False when someone has already claimed it (then nothing is written)."""
    if not claim_mailing(session, settlement.id, now):
        return False
    params = {"title": campaign.title, "total_won": settlement.total_won}
    session.execute(
        insert(notification_table).from_select(
            ["user_id", "kind", "params", "link", "created_at"],
            select(
                Participant.user_id,
                literal(NOTIFY_RESULT, String()),
                literal(params, JSON()),
                literal(f"/c/{campaign.slug}", String()),
                literal(now, UTCDateTime()),
            ).where(Participant.campaign_id == campaign.id),
        )
    )
    return True


def announce_cancelled(session: Session, campaign: Campaign, reason: str, now: datetime) -> None:
    """Tell every participant that the campaign was cancelled, and why."""
    notifications.notify(
        session, participant_ids(session, campaign), NOTIFY_CANCELLED, now,
        params={"title": campaign.title, "reason": reason}, link=f"/c/{campaign.slug}",
    )  # fmt: skip


def claim_mailing(session: Session, settlement_id: int, now: datetime) -> bool:
    """Take the job of mailing a settlement's results; False when someone already has."""
    result = session.execute(
        update(settlements)
        .where(settlements.c.id == settlement_id, settlements.c.results_mailed_at.is_(None))
        .values(results_mailed_at=now)
    )
    return bool(result.rowcount)


def unmailed(session: Session) -> list[int]:
    """Campaigns whose closing results are not mailed yet."""
    return list(
        session.scalars(
            select(Settlement.campaign_id)
            .where(Settlement.results_mailed_at.is_(None))
            .order_by(Settlement.id)
        )
    )


@dataclass(frozen=True)
class Letter:
    """What one participant's result mail says."""

    email: str
    name: str
    actions: int
    stamps: int
    won: int  # sponsor ₩ their own actions brought
    gifted_won: int
    matched_won: int
    units: Fraction | None  # their share of the units the purse paid for
    won_draw: bool


def letters(session: Session, campaign: Campaign, settlement: Settlement) -> Iterator[Letter]:
    """One letter per participant with a verified, active address (an unproved address is
    never mailed), read in batches."""
    won = dict(
        session.execute(
            select(Pledge.user_id, func.sum(Pledge.amount_won))
            .where(Pledge.campaign_id == campaign.id, Pledge.source == PledgeSource.ACTION)
            .group_by(Pledge.user_id)
        ).all()
    )
    impact = campaign_impact(session, campaign, settlement.stamps, settlement.action_won, 0)
    winners = set(winner_ids(session, settlement))
    rows = session.execute(
        select(Participant, User)
        .join(User, User.id == Participant.user_id)
        .where(
            Participant.campaign_id == campaign.id,
            User.active.is_(True),
            User.email_verified_at.is_not(None),
        )
        .order_by(Participant.id)
        .execution_options(yield_per=500)
    )
    for participant, user in rows:
        yield Letter(
            email=user.email,
            name=user.display_name,
            actions=participant.actions,
            stamps=participant.stamps,
            won=int(won.get(user.id) or 0),
            gifted_won=participant.gifted_won,
            matched_won=participant.matched_won,
            units=impact.share(participant.stamps)[0] if impact else None,
            won_draw=user.id in winners,
        )


# --- The draw ------------------------------------------------------------------------------


def winning_team_id(session: Session, settlement: Settlement) -> int | None:
    return session.scalar(
        select(SettlementTeam.team_id).where(
            SettlementTeam.settlement_id == settlement.id, SettlementTeam.winner.is_(True)
        )
    )


def rerun_draw(session: Session, campaign: Campaign) -> list[int]:
    """The draw again, from the stored seed (the frozen ledger's digest) and the candidates as
    the close saw them: the same winners in the same order, or the stored ones were not drawn
    fairly."""
    settlement = settlement_for(session, campaign)
    if settlement is None:
        raise NotSettled()
    seed = draw_seed(settlement.ledger_digest, campaign.slug)
    team_id = winning_team_id(session, settlement) if campaign.teams else None
    return draw(seed, draw_candidates(session, campaign.id, team_id), campaign.draw_winners)


@dataclass(frozen=True)
class PublicWinner:
    rank: int
    masked_name: str
    team_name: str | None


def public_winners(session: Session, campaign: Campaign) -> list[PublicWinner]:
    """The drawn winners as the result page shows them: masked names only."""
    settlement = settlement_for(session, campaign)
    if settlement is None:
        return []
    team = session.scalar(
        select(Team.name)
        .join(SettlementTeam, SettlementTeam.team_id == Team.id)
        .where(SettlementTeam.settlement_id == settlement.id, SettlementTeam.winner.is_(True))
    )
    return [
        PublicWinner(w.rank, mask_name(name), team)
        for w, name in session.execute(
            select(DrawWinner, User.display_name)
            .join(User, User.id == DrawWinner.user_id)
            .where(DrawWinner.settlement_id == settlement.id)
            .order_by(DrawWinner.rank)
        )
    ]


def draw_shortfall(session: Session, campaign: Campaign) -> tuple[int, int] | None:
    """(asked, drawn) when the draw found fewer candidates than winners asked for, else None."""
    settlement = settlement_for(session, campaign)
    if settlement is None or not campaign.draw_winners:
        return None
    drawn = len(winner_ids(session, settlement))
    return (campaign.draw_winners, drawn) if drawn < campaign.draw_winners else None


def own_win(session: Session, campaign: Campaign, user: User) -> tuple[Settlement, DrawWinner]:
    """The user's win in this campaign's draw; NotFound when there was none."""
    settlement = settlement_for(session, campaign)
    if settlement is None:
        raise NotFound()
    win = session.scalar(
        select(DrawWinner).where(
            DrawWinner.settlement_id == settlement.id, DrawWinner.user_id == user.id
        )
    )
    if win is None:
        raise NotFound()
    return settlement, win


def contact_of(session: Session, settlement: Settlement, user: User) -> WinnerContact | None:
    return session.get(WinnerContact, (settlement.id, user.id))


def save_contact(
    session: Session,
    campaign: Campaign,
    user: User,
    *,
    legal_name: str | None,
    phone: str | None,
    address: str | None,
    consent: bool,
    now: datetime,
) -> WinnerContact:
    """A winner's contact details for the prize, with the time they consented; given again,
    the newer details replace the older. NotFound unless ``user`` won; Invalid (nothing
    written) for a missing consent, name or phone, or a malformed phone."""
    if not user.is_active:
        raise Forbidden()
    settlement, _win = own_win(session, campaign, user)
    name = clean_text(legal_name, "legal_name", NAME_MAX, required=True)
    number = clean_phone(phone, "phone", PHONE_MAX)
    if not number:
        raise Invalid("phone", "required")
    where = clean_text(address, "address", ADDRESS_MAX) or None
    if not consent:
        raise Invalid("consent", "consent_required")
    contact = contact_of(session, settlement, user)
    if contact is None:
        contact = WinnerContact(settlement_id=settlement.id, user_id=user.id)
        session.add(contact)
    contact.legal_name, contact.phone, contact.address = name, number, where
    contact.consented_at = now
    session.flush()
    return contact


@dataclass(frozen=True)
class WinnerRow:
    rank: int
    display_name: str
    email: str
    team: str | None
    legal_name: str | None
    phone: str | None
    address: str | None
    consented_at: datetime | None


def winner_rows(session: Session, campaign: Campaign) -> list[WinnerRow]:
    """Every winner with the contact they gave (None where they have not yet), by rank."""
    settlement = settlement_for(session, campaign)
    if settlement is None:
        raise NotSettled()
    team = session.scalar(
        select(Team.name)
        .join(SettlementTeam, SettlementTeam.team_id == Team.id)
        .where(SettlementTeam.settlement_id == settlement.id, SettlementTeam.winner.is_(True))
    )
    rows = session.execute(
        select(DrawWinner, User, WinnerContact)
        .join(User, User.id == DrawWinner.user_id)
        .outerjoin(
            WinnerContact,
            (WinnerContact.settlement_id == DrawWinner.settlement_id)
            & (WinnerContact.user_id == DrawWinner.user_id),
        )
        .where(DrawWinner.settlement_id == settlement.id)
        .order_by(DrawWinner.rank)
    ).all()
    return [
        WinnerRow(
            rank=w.rank,
            display_name=u.display_name,
            email=u.email,
            team=team,
            legal_name=c.legal_name if c else None,
            phone=c.phone if c else None,
            address=c.address if c else None,
            consented_at=c.consented_at if c else None,
        )
        for w, u, c in rows
    ]


def record_winners_export(
    session: Session, campaign: Campaign, actor: User, rows: int, now: datetime
) -> None:
    """Winners' contacts are personal data: who downloaded them, and when, is audited."""
    audit.record(
        session,
        actor=actor,
        action="winners.export",
        campaign_id=campaign.id,
        after={"rows": rows},
        now=now,
    )
