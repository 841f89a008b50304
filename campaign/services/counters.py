"""The running totals: conditional, single-statement updates that never read-modify-write.

A campaign's counters are ``counter_shards`` rows. Each write picks one at random, so with
several rows concurrent writers rarely wait on the same lock; reads add the rows up (a handful,
however many actions there are). The sponsor purse is split across the rows in exact slices;
a grant takes from its own row first and from the others when that row runs dry, so the purse
as a whole is spent to the last won and never beyond it.

Grants clamp in SQL: ``sponsor_won + LEAST(due, cap - sponsor_won)``, and the same statement
stores what it granted in ``last_grant`` (SET expressions all see the row as it was before the
update), which RETURNING hands back. One statement, row-locked, exact under concurrency.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import BigInteger, case, func, literal, select, update
from sqlalchemy.orm import Session

from campaign.models import Campaign, CampaignCounter, TeamCounter
from campaign.rules.money import allocate

counters = CampaignCounter.__table__
team_counters = TeamCounter.__table__


def purse_slices(purse_won: int | None, shards: int) -> list[int | None]:
    if purse_won is None:
        return [None] * shards
    return list(allocate(purse_won, [1] * shards))


def create_counters(session: Session, campaign: Campaign) -> None:
    """Write the zeroed counter rows of a new campaign (and of its teams)."""
    for shard, cap in enumerate(purse_slices(campaign.purse_won, campaign.counter_shards)):
        session.add(CampaignCounter(campaign_id=campaign.id, shard=shard, purse_cap=cap))
        for team in campaign.teams:
            session.add(TeamCounter(team_id=team.id, shard=shard))
    session.flush()


def pick_shard(campaign: Campaign) -> int:
    return random.randrange(campaign.counter_shards) if campaign.counter_shards > 1 else 0


def _clamp(due: int):
    amount = literal(due, BigInteger)
    left = counters.c.purse_cap - counters.c.sponsor_won
    return case(
        (counters.c.purse_cap.is_(None), amount),
        (left < amount, left),
        else_=amount,
    )


def count_action(
    session: Session, campaign_id: int, shard: int, *, stamps: int, grant_due: int = 0
) -> tuple[int, int, int]:
    """Add one action (and its stamps) to a counter row; when ``grant_due`` is known up front,
    grant it from this row's purse slice in the same statement.

    Returns (actions, stamps, granted) of the row after the update. With one shard the first
    two are the campaign's totals.
    """
    values = {
        "actions": counters.c.actions + 1,
        "stamps": counters.c.stamps + stamps,
    }
    if grant_due:
        clamp = _clamp(grant_due)
        values |= {"sponsor_won": counters.c.sponsor_won + clamp, "last_grant": clamp}
    row = session.execute(
        update(counters)
        .where(counters.c.campaign_id == campaign_id, counters.c.shard == shard)
        .values(values)
        .returning(counters.c.actions, counters.c.stamps, counters.c.last_grant)
    ).one()
    return row.actions, row.stamps, (row.last_grant if grant_due else 0)


def grant(session: Session, campaign: Campaign, shard: int, due: int) -> int:
    """Take up to ``due`` ₩ from the purse, starting at ``shard``; returns what was granted."""
    granted = 0
    shards = campaign.counter_shards
    for step in range(shards):
        if granted >= due:
            break
        row = session.execute(
            update(counters)
            .where(
                counters.c.campaign_id == campaign.id,
                counters.c.shard == (shard + step) % shards,
            )
            .values(
                sponsor_won=counters.c.sponsor_won + _clamp(due - granted),
                last_grant=_clamp(due - granted),
            )
            .returning(counters.c.last_grant)
        ).one()
        granted += row.last_grant
    return granted


def give_back(session: Session, campaign: Campaign, amount: int) -> None:
    """Return ``amount`` ₩ to the purse (a cancelled grant), to rows that have spent enough."""
    left = amount
    rows = session.execute(
        select(counters.c.shard, counters.c.sponsor_won)
        .where(counters.c.campaign_id == campaign.id, counters.c.sponsor_won > 0)
        .order_by(counters.c.shard)
    ).all()
    for row in rows:
        if left <= 0:
            break
        take = min(left, row.sponsor_won)
        result = session.execute(
            update(counters)
            .where(
                counters.c.campaign_id == campaign.id,
                counters.c.shard == row.shard,
                counters.c.sponsor_won >= take,
            )
            .values(sponsor_won=counters.c.sponsor_won - take)
        )
        if result.rowcount:
            left -= take
    if left:
        raise RuntimeError("give_back: the purse has paid out less than is being returned")


def add_to_campaign(session: Session, campaign_id: int, shard: int, **amounts: int) -> None:
    """Add to plain counters of one row: participants, crew_won, topup_won."""
    session.execute(
        update(counters)
        .where(counters.c.campaign_id == campaign_id, counters.c.shard == shard)
        .values({name: counters.c[name] + value for name, value in amounts.items()})
    )


def add_to_team(session: Session, team_id: int, shard: int, **amounts: int) -> None:
    """Add to a team's counters: actions, participants, won."""
    session.execute(
        update(team_counters)
        .where(team_counters.c.team_id == team_id, team_counters.c.shard == shard)
        .values({name: team_counters.c[name] + value for name, value in amounts.items()})
    )


@dataclass(frozen=True)
class Totals:
    actions: int = 0
    stamps: int = 0
    participants: int = 0
    sponsor_won: int = 0
    crew_won: int = 0
    topup_won: int = 0
    purse_cap: int | None = None

    @property
    def raised(self) -> int:
        return self.sponsor_won + self.crew_won + self.topup_won

    @property
    def purse_left(self) -> int | None:
        return None if self.purse_cap is None else self.purse_cap - self.sponsor_won


@dataclass(frozen=True)
class TeamTotals:
    actions: int = 0
    participants: int = 0
    won: int = 0


def totals(session: Session, campaign_id: int) -> Totals:
    """The campaign's counters, summed over its shards (a few rows: O(1) in the ledger size)."""
    row = session.execute(
        select(
            func.coalesce(func.sum(counters.c.actions), 0),
            func.coalesce(func.sum(counters.c.stamps), 0),
            func.coalesce(func.sum(counters.c.participants), 0),
            func.coalesce(func.sum(counters.c.sponsor_won), 0),
            func.coalesce(func.sum(counters.c.crew_won), 0),
            func.coalesce(func.sum(counters.c.topup_won), 0),
            func.sum(counters.c.purse_cap),
            func.count(counters.c.purse_cap),
            func.count(),
        ).where(counters.c.campaign_id == campaign_id)
    ).one()
    capped = row[7] == row[8] and row[8] > 0
    return Totals(
        actions=int(row[0]),
        stamps=int(row[1]),
        participants=int(row[2]),
        sponsor_won=int(row[3]),
        crew_won=int(row[4]),
        topup_won=int(row[5]),
        purse_cap=int(row[6]) if capped else None,
    )


def team_totals(session: Session, team_ids: list[int]) -> dict[int, TeamTotals]:
    if not team_ids:
        return {}
    rows = session.execute(
        select(
            team_counters.c.team_id,
            func.sum(team_counters.c.actions),
            func.sum(team_counters.c.participants),
            func.sum(team_counters.c.won),
        )
        .where(team_counters.c.team_id.in_(team_ids))
        .group_by(team_counters.c.team_id)
    ).all()
    found = {row[0]: TeamTotals(int(row[1]), int(row[2]), int(row[3])) for row in rows}
    return {team_id: found.get(team_id, TeamTotals()) for team_id in team_ids}
