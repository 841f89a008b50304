"""Freezing a closed campaign's ledger into a settlement: computed once, stored, exported.

Everything here is derived from the ledger rows (never from counters), with a SHA-256 digest of
those rows so anyone holding the ledger can check the numbers and re-run the prize draw (kept
a slice at a time by the sweep: services/ledger_digest.py).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.models import (
    Action,
    Campaign,
    Correction,
    DrawWinner,
    Participant,
    Partner,
    Pledge,
    PledgeSource,
    Settlement,
    SettlementAllocation,
    SettlementDay,
    SettlementTeam,
    User,
)
from campaign.rules.draw import draw, draw_seed
from campaign.rules.money import allocate
from campaign.rules.team_fight import lead as team_lead
from campaign.services.corrections import voided_ids
from campaign.services.ledger_digest import ledger_digest

SOURCE_FIELDS = {
    PledgeSource.ACTION: "action_won",
    PledgeSource.MILESTONE: "milestone_won",
    PledgeSource.CREW: "crew_won",
    PledgeSource.MATCH: "match_won",
    PledgeSource.TOPUP: "topup_won",
}


def settle(session: Session, campaign: Campaign, now: datetime) -> Settlement:
    """Compute and store the settlement of a closed campaign. Called once, by close."""
    by_source: dict[str, int] = defaultdict(int)
    for source, amount in session.execute(
        select(Pledge.source, func.sum(Pledge.amount_won))
        .where(Pledge.campaign_id == campaign.id)
        .group_by(Pledge.source)
    ):
        by_source[SOURCE_FIELDS[source]] += int(amount)
    total = sum(by_source.values())
    action_count, stamps = session.execute(
        select(func.count(), func.coalesce(func.sum(Action.stamps), 0)).where(
            Action.campaign_id == campaign.id, Action.id.not_in(voided_ids())
        )
    ).one()
    participant_count = session.scalar(
        select(func.count()).select_from(Participant).where(Participant.campaign_id == campaign.id)
    )
    digest = ledger_digest(session, campaign.id)
    settlement = Settlement(
        campaign_id=campaign.id,
        total_won=total,
        actions=int(action_count),
        stamps=int(stamps),
        participants=int(participant_count or 0),
        ledger_digest=digest,
        computed_at=now,
        **by_source,
    )
    session.add(settlement)
    session.flush()

    beneficiaries = sorted(campaign.beneficiaries, key=lambda b: b.id)
    if beneficiaries:
        parts = allocate(total, [b.share for b in beneficiaries])
        for beneficiary, amount in zip(beneficiaries, parts, strict=True):
            session.add(
                SettlementAllocation(
                    settlement_id=settlement.id,
                    partner_id=beneficiary.partner_id,
                    share=beneficiary.share,
                    amount_won=amount,
                )
            )

    winner_team_id = _settle_teams(session, campaign, settlement)
    _settle_days(session, campaign, settlement)
    if campaign.draw_winners:
        _draw_winners(session, campaign, settlement, winner_team_id)
    session.flush()
    return settlement


def _settle_teams(session: Session, campaign: Campaign, settlement: Settlement) -> int | None:
    if not campaign.teams:
        return None
    actions = dict(
        session.execute(
            select(Action.team_id, func.count())
            .where(Action.campaign_id == campaign.id, Action.id.not_in(voided_ids()))
            .group_by(Action.team_id)
        ).all()
    )
    people = dict(
        session.execute(
            select(Participant.team_id, func.count())
            .where(Participant.campaign_id == campaign.id)
            .group_by(Participant.team_id)
        ).all()
    )
    won = dict(
        session.execute(
            select(Pledge.team_id, func.sum(Pledge.amount_won))
            .where(Pledge.campaign_id == campaign.id, Pledge.team_id.is_not(None))
            .group_by(Pledge.team_id)
        ).all()
    )
    counts = {team.id: int(actions.get(team.id, 0)) for team in campaign.teams}
    winner = team_lead(counts).leader  # the rule the live page's "ahead by" uses
    for team in campaign.teams:
        session.add(
            SettlementTeam(
                settlement_id=settlement.id,
                team_id=team.id,
                actions=counts[team.id],
                participants=int(people.get(team.id, 0)),
                won=int(won.get(team.id, 0) or 0),
                winner=team.id == winner,
            )
        )
    return winner


def _settle_days(session: Session, campaign: Campaign, settlement: Settlement) -> None:
    days: dict = defaultdict(lambda: [0, 0])
    for day, count in session.execute(
        select(Action.kst_day, func.count())
        .where(Action.campaign_id == campaign.id, Action.id.not_in(voided_ids()))
        .group_by(Action.kst_day)
    ):
        days[day][0] = int(count)
    for day, amount in session.execute(
        select(Pledge.kst_day, func.sum(Pledge.amount_won))
        .where(Pledge.campaign_id == campaign.id)
        .group_by(Pledge.kst_day)
    ):
        days[day][1] = int(amount)
    for day in sorted(days):
        session.add(
            SettlementDay(
                settlement_id=settlement.id, kst_day=day, actions=days[day][0], won=days[day][1]
            )
        )


def draw_candidates(session: Session, campaign_id: int, team_id: int | None) -> list[int]:
    """Everyone who counted at least one action (in the winning team, when there is one),
    leaving out actions voided before close: a correction after close reopens nothing, so the
    draw re-run from the stored seed sees the candidates the close saw."""
    before_close = select(Correction.action_id).where(
        Correction.action_id.is_not(None), Correction.after_close.is_(False)
    )
    statement = (
        select(Action.user_id)
        .where(Action.campaign_id == campaign_id, Action.id.not_in(before_close))
        .distinct()
    )
    if team_id is not None:
        statement = statement.where(Action.team_id == team_id)
    return sorted(session.scalars(statement))


def _draw_winners(
    session: Session, campaign: Campaign, settlement: Settlement, team_id: int | None
) -> None:
    seed = draw_seed(settlement.ledger_digest, campaign.slug)
    winners = draw(seed, draw_candidates(session, campaign.id, team_id), campaign.draw_winners)
    for rank, user_id in enumerate(winners, start=1):
        session.add(DrawWinner(settlement_id=settlement.id, rank=rank, user_id=user_id))


def settlement_for(session: Session, campaign: Campaign) -> Settlement | None:
    return session.scalar(select(Settlement).where(Settlement.campaign_id == campaign.id))


def settlement_details(session: Session, settlement: Settlement) -> dict[str, Any]:
    """What the admin reads of a settlement: each partner's allocation, the teams, the days
    (in order) and the drawn winners with their accounts (by rank)."""
    return {
        "allocations": session.execute(
            select(Partner, SettlementAllocation)
            .join(SettlementAllocation, SettlementAllocation.partner_id == Partner.id)
            .where(SettlementAllocation.settlement_id == settlement.id)
            .order_by(Partner.id)
        ).all(),
        "teams": session.scalars(
            select(SettlementTeam).where(SettlementTeam.settlement_id == settlement.id)
        ).all(),
        "days": session.scalars(
            select(SettlementDay)
            .where(SettlementDay.settlement_id == settlement.id)
            .order_by(SettlementDay.kst_day)
        ).all(),
        "winners": session.execute(
            select(DrawWinner, User)
            .join(User, User.id == DrawWinner.user_id)
            .where(DrawWinner.settlement_id == settlement.id)
            .order_by(DrawWinner.rank)
        ).all(),
    }
