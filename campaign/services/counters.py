"""The running totals: conditional, single-statement updates that never read-modify-write.

A campaign's counters are ``counter_shards`` rows. Each write picks one at random, so with
several rows concurrent writers rarely wait on the same lock; reads add the rows up (a handful,
however many actions there are). The sponsor purse is split across the rows in exact slices;
a grant takes from its own row first and from the others when that row runs dry, so the purse
as a whole is spent to the last won and never beyond it.

Lock order, which keeps concurrent writers free of deadlocks: a writer takes its per-person rows
first and one counter row (its own shard) after them. When it needs more rows (a grant that
spills over, a milestone sweep) it waits only for rows with a higher shard number than any it
holds, and takes lower rows only if nobody holds them at that instant (PostgreSQL's
``SKIP LOCKED``; SQLite has one writer at a time and never skips). A sweep that holds no counter
row yet locks them all, in shard order, before anything else (``lock_all``).

Grants clamp in SQL: ``sponsor_won + LEAST(due, cap - sponsor_won)``, and the same statement
stores what it granted in ``last_grant`` (SET expressions all see the row as it was before the
update), which RETURNING hands back. One statement, row-locked, exact under concurrency.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import BigInteger, bindparam, case, func, literal, select, update
from sqlalchemy.orm import Session

from campaign.errors import Invalid
from campaign.models import (
    Campaign,
    CampaignCounter,
    Milestone,
    Participant,
    Pledge,
    TeamCounter,
)
from campaign.rules.money import allocate

counters = CampaignCounter.__table__
team_counters = TeamCounter.__table__
campaigns = Campaign.__table__
participant_counters = Participant.__table__
pledges = Pledge.__table__


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


def _count_statement(grants: bool, watch: bool = False):
    values = {
        "actions": counters.c.actions + 1,
        "stamps": counters.c.stamps + bindparam("b_stamps", type_=BigInteger),
    }
    if grants:
        due = bindparam("b_due", type_=BigInteger)
        left = counters.c.purse_cap - counters.c.sponsor_won
        clamp = case((counters.c.purse_cap.is_(None), due), (left < due, left), else_=due)
        values |= {"sponsor_won": counters.c.sponsor_won + clamp, "last_grant": clamp}
    return (
        update(counters)
        .where(
            counters.c.campaign_id == bindparam("b_campaign_id"),
            counters.c.shard == bindparam("b_shard"),
        )
        .values(values)
        .returning(
            counters.c.actions,
            counters.c.stamps,
            counters.c.last_grant,
            *(_watched() if watch else ()),
        )
    )


def _watched():
    """What a vote on a campaign with several rows and milestones still to unlock reads in the
    same statement as its count: the other rows' committed actions (the statement's snapshot:
    its own row's new count plus these is the campaign's total as far as this vote can know) and
    how many of the campaign's milestones are paid (an index probe per milestone)."""
    others = counters.alias("others")
    other_actions = (
        select(func.coalesce(func.sum(others.c.actions), 0))
        .where(
            others.c.campaign_id == bindparam("b_campaign_id"),
            others.c.shard != bindparam("b_shard"),
        )
        .scalar_subquery()
    )
    milestones = Milestone.__table__
    paid = (
        select(func.count())
        .select_from(pledges)
        .where(
            pledges.c.milestone_id.in_(
                select(milestones.c.id).where(
                    milestones.c.campaign_id == bindparam("b_campaign_id")
                )
            )
        )
        .scalar_subquery()
    )
    return other_actions.label("other_actions"), paid.label("milestones_paid")


# Built once (the vote's hot path): building a statement costs more Python than running its
# cached compiled form.
COUNT = _count_statement(grants=False)
COUNT_AND_GRANT = _count_statement(grants=True)
COUNT_WATCHING = _count_statement(grants=False, watch=True)
COUNT_AND_GRANT_WATCHING = _count_statement(grants=True, watch=True)


@dataclass(frozen=True)
class Counted:
    """A counter row after one action: its own actions, stamps and the ₩ granted up front; when
    the count was ``watching`` (see ``count_action``), also the campaign's total as far as this
    transaction can see and how many milestones were paid (else None)."""

    actions: int
    stamps: int
    granted: int
    campaign_actions: int | None = None
    milestones_paid: int | None = None


def count_action(
    session: Session,
    campaign_id: int,
    shard: int,
    *,
    stamps: int,
    grant_due: int = 0,
    watching: bool = False,
) -> Counted:
    """Add one action (and its stamps) to a counter row; when ``grant_due`` is known up front,
    grant it from this row's purse slice in the same statement.

    ``actions`` and ``stamps`` are the row's after the update; with one shard they are the
    campaign's totals. ``watching`` (several rows, milestones to unlock) also reads the other
    rows and the paid milestones in the same statement: no extra round trip on the vote.
    """
    params = {"b_campaign_id": campaign_id, "b_shard": shard, "b_stamps": stamps}
    if grant_due:
        params["b_due"] = grant_due
        statement = COUNT_AND_GRANT_WATCHING if watching else COUNT_AND_GRANT
    else:
        statement = COUNT_WATCHING if watching else COUNT
    row = session.connection().execute(statement, params).one()
    granted = row.last_grant if grant_due else 0
    if not watching:
        return Counted(row.actions, row.stamps, granted)
    return Counted(
        row.actions,
        row.stamps,
        granted,
        row.actions + int(row.other_actions),
        int(row.milestones_paid),
    )


def grant(session: Session, campaign: Campaign, shard: int, due: int) -> int:
    """Take up to ``due`` ₩ from the purse, starting at ``shard``; returns what was granted.

    ``shard`` is the row this transaction takes first (or already holds); see the lock order
    above for how the other rows are visited.
    """
    if due <= 0:
        return 0
    granted = _take(session, campaign.id, shard, due)
    if granted < due:
        granted += spill(session, campaign, shard, due - granted).granted
    return granted


def grant_from_held(session: Session, campaign: Campaign, held: int, due: int) -> int | None:
    """Grant ``due`` in full as far as the purse allows, from the row ``held`` and the others,
    never waiting for a row another writer holds; None when it came up short only because it
    skipped such a row (run this in a savepoint and roll it back then: the grant must wait for a
    sweep that can lock every row)."""
    if due <= 0:
        return 0
    granted = _take(session, campaign.id, held, due)
    if granted < due:
        spilled = spill(session, campaign, held, due - granted, wait=False)
        if spilled.skipped and granted + spilled.granted < due:
            return None
        granted += spilled.granted
    return granted


@dataclass(frozen=True)
class Spill:
    granted: int
    skipped: bool  # a row was passed over because another writer held it


def spill(session: Session, campaign: Campaign, held: int, due: int, *, wait: bool = True) -> Spill:
    """Take up to ``due`` ₩ from the rows other than ``held`` (whose slice has run dry).

    Rows above ``held`` are waited for (unless ``wait`` is false); rows below it are taken only
    when no other writer holds them, so two writers spilling towards each other never deadlock.
    A row that was skipped keeps its ₩ for the next grant (``skipped`` says so).
    """
    shards = campaign.counter_shards
    if shards == 1 or due <= 0 or campaign.purse_won is None:
        return Spill(0, False)
    skip_busy = session.get_bind().dialect.name == "postgresql"
    granted, skipped = 0, False
    for shard in (*range(held + 1, shards), *range(held)):
        if granted >= due:
            break
        if skip_busy and (shard < held or not wait):
            taken = _take_if_free(session, campaign.id, shard, due - granted)
        else:
            taken = _take(session, campaign.id, shard, due - granted)
        if taken is None:
            skipped = True
        else:
            granted += taken
    return Spill(granted, skipped)


def _take(session: Session, campaign_id: int, shard: int, due: int) -> int:
    """Grant up to ``due`` from one row's slice, waiting for the row if another writer holds it.
    A row with nothing left is not locked at all."""
    granted = session.execute(
        update(counters)
        .where(
            counters.c.campaign_id == campaign_id,
            counters.c.shard == shard,
            counters.c.purse_cap.is_(None) | (counters.c.sponsor_won < counters.c.purse_cap),
        )
        .values(sponsor_won=counters.c.sponsor_won + _clamp(due), last_grant=_clamp(due))
        .returning(counters.c.last_grant)
    ).scalar()
    return granted or 0


def _take_if_free(session: Session, campaign_id: int, shard: int, due: int) -> int | None:
    """Like ``_take``, but None at once when another writer holds the row (PostgreSQL)."""
    free = (
        select(counters.c.shard)
        .where(counters.c.campaign_id == campaign_id, counters.c.shard == shard)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    return session.execute(
        update(counters)
        .where(counters.c.campaign_id == campaign_id, counters.c.shard == free)
        .values(sponsor_won=counters.c.sponsor_won + _clamp(due), last_grant=_clamp(due))
        .returning(counters.c.last_grant)
    ).scalar()


def lock_all(session: Session, campaign_id: int) -> None:
    """Lock every counter row of the campaign, in shard order (PostgreSQL; SQLite's writer lock
    already excludes everyone else). Waits for the writers in flight; until this transaction
    ends no action can add to the counters, so totals read afterwards are final for it."""
    session.execute(
        select(counters.c.shard)
        .where(counters.c.campaign_id == campaign_id)
        .order_by(counters.c.shard)
        .with_for_update()
    ).all()


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


# A vote's team row, with the campaign's status read by the same statement (see
# ``count_vote_for_team``).
TEAM_VOTE = (
    update(team_counters)
    .where(
        team_counters.c.team_id == bindparam("b_team_id"),
        team_counters.c.shard == bindparam("b_shard"),
    )
    .values(
        actions=team_counters.c.actions + 1,
        won=team_counters.c.won + bindparam("b_won", type_=BigInteger),
    )
    .returning(
        select(campaigns.c.status)
        .where(campaigns.c.id == bindparam("b_campaign_id"))
        .scalar_subquery()
    )
)


def count_vote_for_team(
    session: Session, campaign_id: int, team_id: int, shard: int, won: int
) -> str | None:
    """Add one action and ``won`` to a team's row; returns the campaign's status as committed
    when this statement started (None if the campaign is gone).

    Called once the action's campaign counter row is held, so the statement's snapshot is taken
    after that lock: a close (which locks every counter row first) has either committed before
    it, and shows here, or waits for this transaction.
    """
    return (
        session.connection()
        .execute(
            TEAM_VOTE,
            {"b_team_id": team_id, "b_shard": shard, "b_won": won, "b_campaign_id": campaign_id},
        )
        .scalar()
    )


def add_to_participant(session: Session, participant_id: int, **amounts: int) -> None:
    """Add (signed) to a participant's counters: gifted_won, matched_won, actions, stamps."""
    session.execute(
        update(participant_counters)
        .where(participant_counters.c.id == participant_id)
        .values({name: participant_counters.c[name] + value for name, value in amounts.items()})
    )


def set_purse(session: Session, campaign: Campaign, purse_won: int | None) -> None:
    """Re-slice the purse of a campaign over its counter rows (an admin edit before launch).

    Each row takes its new slice only if it has not already paid more than that, in the same
    statement; Invalid("purse_won", "below_spent") when one has.
    """
    for shard, cap in enumerate(purse_slices(purse_won, campaign.counter_shards)):
        statement = update(counters).where(
            counters.c.campaign_id == campaign.id, counters.c.shard == shard
        )
        if cap is not None:
            statement = statement.where(counters.c.sponsor_won <= cap)
        if not session.execute(statement.values(purse_cap=cap)).rowcount:
            raise Invalid("purse_won", "below_spent")


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


def _campaign_sums():
    return select(
        literal(-1, BigInteger).label("team_id"),
        func.coalesce(func.sum(counters.c.actions), 0),
        func.coalesce(func.sum(counters.c.stamps), 0),
        func.coalesce(func.sum(counters.c.participants), 0),
        func.coalesce(func.sum(counters.c.sponsor_won), 0),
        func.coalesce(func.sum(counters.c.crew_won), 0),
        func.coalesce(func.sum(counters.c.topup_won), 0),
        func.sum(counters.c.purse_cap),
        func.count(counters.c.purse_cap),
        func.count(),
    ).where(counters.c.campaign_id == bindparam("campaign_id"))


def _team_sums():
    zero = literal(0, BigInteger)
    return (
        select(
            team_counters.c.team_id,
            func.sum(team_counters.c.actions),
            zero,
            func.sum(team_counters.c.participants),
            func.sum(team_counters.c.won),
            zero,
            zero,
            literal(None, BigInteger),
            zero,
            zero,
        )
        .where(team_counters.c.team_id.in_(bindparam("team_ids", expanding=True)))
        .group_by(team_counters.c.team_id)
    )


# Built once: reads run on every poll and page view, and building a statement costs more Python
# than running its cached compiled form.
CAMPAIGN_SUMS = _campaign_sums()
CAMPAIGN_AND_TEAM_SUMS = _campaign_sums().union_all(_team_sums())


def totals(session: Session, campaign_id: int) -> Totals:
    """The campaign's counters, summed over its shards (a few rows: O(1) in the ledger size)."""
    return _totals_of(session.execute(CAMPAIGN_SUMS, {"campaign_id": campaign_id}).one())


def totals_with_teams(
    session: Session, campaign_id: int, team_ids: list[int]
) -> tuple[Totals, dict[int, TeamTotals]]:
    """``totals`` and ``team_totals`` in one statement (one round trip for a page or a poll)."""
    if not team_ids:
        return totals(session, campaign_id), {}
    rows = session.execute(
        CAMPAIGN_AND_TEAM_SUMS, {"campaign_id": campaign_id, "team_ids": team_ids}
    ).all()
    found = {}
    whole = None
    for row in rows:
        if row[0] == -1:
            whole = _totals_of(row)
        else:
            found[row[0]] = TeamTotals(int(row[1]), int(row[3]), int(row[4]))
    assert whole is not None
    return whole, {team_id: found.get(team_id, TeamTotals()) for team_id in team_ids}


def _totals_of(row) -> Totals:
    row = row[1:]
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
