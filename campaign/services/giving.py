"""A person's giving across every campaign: what "My page" and ``GET /api/v1/me/...`` show.

Totals come from the ledger (the pledges that name the person) in one aggregate statement,
this KST calendar year and all time; impact per campaign is each campaign's own part as the
challenge page computes it (services/progress.my_challenges), so both always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from campaign.models import (
    Campaign,
    DrawWinner,
    Pledge,
    PledgeSource,
    ReceiptRequest,
    Settlement,
    User,
)
from campaign.rules.calendar import kst_day
from campaign.services.campaigns import can_see
from campaign.services.progress import MyChallenge, my_challenges

# Whose pledge counts as what: the sponsor's ₩ for the person's own actions, their own gifts
# (a cancellation is a negative row of the same source, so sums are net), and the company's
# match of those gifts.
SOURCES = (PledgeSource.ACTION, PledgeSource.CREW, PledgeSource.MATCH)


@dataclass(frozen=True)
class Totals:
    sponsor_won: int = 0  # pledged by sponsors for this person's actions
    gifts_won: int = 0  # the person's own gifts, net of cancellations
    match_won: int = 0  # the company's match of those gifts, net

    @property
    def total_won(self) -> int:
        return self.sponsor_won + self.gifts_won + self.match_won


@dataclass(frozen=True)
class DrawWin:
    campaign_slug: str
    campaign_title: str
    rank: int
    drawn_at: datetime


@dataclass(frozen=True)
class ReceiptLine:
    campaign_slug: str
    campaign_title: str
    requested_at: datetime


@dataclass(frozen=True)
class Giving:
    year: int  # the KST calendar year of ``this_year``
    this_year: Totals
    all_time: Totals
    campaigns: list[MyChallenge]
    draws: list[DrawWin]
    receipts: list[ReceiptLine]


def totals(session: Session, user: User, now: datetime) -> tuple[int, Totals, Totals]:
    """(the KST year of ``now``, that year's totals, all-time totals) of ``user``'s pledges:
    one GROUP BY over the person's pledges (ix_pledges_user_id_campaign_id)."""
    year = kst_day(now).year
    within = Pledge.kst_day.between(date(year, 1, 1), date(year, 12, 31))
    this_year = case((within, Pledge.amount_won), else_=0)
    rows = session.execute(
        select(
            Pledge.source,
            func.coalesce(func.sum(this_year), 0),
            func.coalesce(func.sum(Pledge.amount_won), 0),
        )
        .where(Pledge.user_id == user.id, Pledge.source.in_(SOURCES))
        .group_by(Pledge.source)
    ).all()
    by_source = {source: (int(year_won), int(all_won)) for source, year_won, all_won in rows}

    def pick(index: int) -> Totals:
        return Totals(
            sponsor_won=by_source.get(PledgeSource.ACTION, (0, 0))[index],
            gifts_won=by_source.get(PledgeSource.CREW, (0, 0))[index],
            match_won=by_source.get(PledgeSource.MATCH, (0, 0))[index],
        )

    return year, pick(0), pick(1)


def draws_won(session: Session, user: User) -> list[DrawWin]:
    """The closing draws ``user`` won, latest first."""
    rows = session.execute(
        select(Campaign, DrawWinner.rank, Settlement.computed_at)
        .join(Settlement, Settlement.id == DrawWinner.settlement_id)
        .join(Campaign, Campaign.id == Settlement.campaign_id)
        .where(DrawWinner.user_id == user.id)
        .order_by(Settlement.computed_at.desc(), DrawWinner.rank)
    ).all()
    return [
        DrawWin(campaign.slug, campaign.title, rank, drawn_at)
        for campaign, rank, drawn_at in rows
        if can_see(campaign, user)
    ]


def receipts_requested(session: Session, user: User) -> list[ReceiptLine]:
    """The donation receipts ``user`` asked for, latest first."""
    rows = session.execute(
        select(Campaign, ReceiptRequest.consented_at)
        .join(Campaign, Campaign.id == ReceiptRequest.campaign_id)
        .where(ReceiptRequest.user_id == user.id)
        .order_by(ReceiptRequest.consented_at.desc(), ReceiptRequest.id.desc())
    ).all()
    return [ReceiptLine(campaign.slug, campaign.title, at) for campaign, at in rows]


def giving(session: Session, user: User, now: datetime) -> Giving:
    """Everything the personal dashboard shows; the number of statements does not grow with
    the number of campaigns."""
    year, this_year, all_time = totals(session, user, now)
    return Giving(
        year=year,
        this_year=this_year,
        all_time=all_time,
        campaigns=my_challenges(session, user, now),
        draws=draws_won(session, user),
        receipts=receipts_requested(session, user),
    )
