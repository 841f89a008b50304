"""A finished season's stamp actions written at once: for importing a ledger (the demo's
history, a season run elsewhere), never a request path. A request records one action through
``services.actions.record_action``; this module exists because calling that 150,000 times
costs ~6 round trips a row.

The result is what ``record_action`` for each row, in time order, would leave: one action row
per input row with its stamps and ``won_due`` (the row whose stamps complete a unit brings
that unit's ₩), one action pledge per row the purse still pays, clamped to the purse (past it
the rows count but pledge 0 ₩), the campaign's counter row 0 holding the exact stamp count,
the participants' counters and the daily/total tallies. ``reconcile`` stays clean.

How, set-based: the rows are validated and sorted in Python (evidence keys are a Python rule,
and so is ``won_due``: one definition of each, in ``rules``), written in one executemany, and
everything after that is derived from the written ledger by a handful of statements: the
pledges by a running sum of ``won_due`` in time order (a window function) against what the
purse has left, the counters and tallies by GROUP BY.

All or nothing. A row that would have been refused one at a time refuses the whole import
with the error ``record_action`` gives (the caller rolls back): an unknown action, malformed or
missing evidence (Invalid); a campaign not open at a row's time (CampaignClosed,
CampaignNotOpen); a person who has not joined (NotParticipant); a daily or total cap exceeded
(CapReached); evidence counted before or twice in the import (DuplicateEvidence). Rows are not
skipped: a ledger that breaks a cap is a broken ledger, and skipping would hide it.

Not idempotent by key (imported rows carry no idempotency key): where the action types demand
unique evidence a second import of the same rows is refused as DuplicateEvidence; otherwise the
caller must not import twice (the demo checks the campaign's slug first).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import BigInteger, and_, case, func, literal, select, update
from sqlalchemy.orm import Session

from campaign.errors import CapReached, DuplicateEvidence, Invalid, NotParticipant
from campaign.models import (
    Action,
    ActionType,
    Campaign,
    CampaignCounter,
    DailyTally,
    Participant,
    Pledge,
    PledgeSource,
    TotalTally,
)
from campaign.rules.calendar import kst_day
from campaign.rules.conversion import won_due
from campaign.rules.evidence import clean_evidence
from campaign.rules.lifecycle import ensure_accepting
from campaign.services import counters
from campaign.services.actions import unit_rate
from campaign.services.sql import insert, insert_rows

actions = Action.__table__
action_types = ActionType.__table__
pledges = Pledge.__table__
participants = Participant.__table__
campaign_counters = CampaignCounter.__table__
campaigns = Campaign.__table__
# What an imported action row says; team and idempotency key are NULL (no teams, no keys).
COLUMNS = (
    "campaign_id",
    "user_id",
    "action_type_id",
    "evidence",
    "evidence_key",
    "stamps",
    "won_due",
    "source",
    "counted_at",
    "kst_day",
)


class StampRow(NamedTuple):
    """One counted action as the finished season's ledger has it (a tuple: an import makes
    ~100,000 of them)."""

    user_id: int
    action_code: str
    evidence: str | None
    counted_at: datetime


@dataclass(frozen=True)
class ImportedStamps:
    actions: int
    stamps: int
    won_due: int  # what the rules said the rows were worth
    won: int  # what the purse paid: less than ``won_due`` once it is full


def import_stamps(
    session: Session,
    campaign: Campaign,
    rows: Iterable[StampRow],
    *,
    source: str = "import",
) -> ImportedStamps:
    """Count ``rows`` as ``record_action`` would one by one in time order (ties keep the
    order given), or refuse them all with an error it would raise (see the module). They are
    counted after whatever the campaign already holds (stamps, purse, tallies): import a
    season into a campaign that has nothing later than the rows.

    ValueError for a campaign this import does not model: without a stamp rate, with teams or
    milestones (a milestone's pledge would land between the stamps' ones), or an action type
    worth no stamps; those go through ``record_action``. Holds every counter row of the
    campaign until the transaction ends (``counters.lock_all``), so no action is recorded in
    between. Flushes; the caller commits.
    """
    rate = unit_rate(campaign)
    if rate is None or campaign.teams or campaign.milestones:
        raise ValueError("only stamp campaigns without teams or milestones are imported in bulk")
    ordered = sorted(enumerate(rows), key=lambda numbered: (numbered[1].counted_at, numbered[0]))
    if not ordered:
        return ImportedStamps(0, 0, 0, 0)
    types = _action_types(campaign, {row.action_code for _, row in ordered})

    session.flush()  # what the caller added goes first: the statements below bypass the ORM
    counters.lock_all(session, campaign.id)
    status = session.execute(select(campaigns.c.status).where(campaigns.c.id == campaign.id))
    status = status.scalar_one()
    for moment in (ordered[0][1].counted_at, ordered[-1][1].counted_at):
        ensure_accepting(status, campaign.starts_at, campaign.ends_at, moment)
    joined = set(
        session.scalars(
            select(participants.c.user_id).where(participants.c.campaign_id == campaign.id)
        )
    )
    if any(row.user_id not in joined for _, row in ordered):
        raise NotParticipant()

    counter = session.execute(
        select(campaign_counters.c.stamps).where(
            campaign_counters.c.campaign_id == campaign.id, campaign_counters.c.shard == 0
        )
    ).scalar_one()
    seen = _counted_evidence(session, [t for t in types.values() if t.evidence_unique])
    stamps_before = counter
    campaign_id = campaign.id
    values = []
    due_total = 0
    # Plain values per action type: an ORM attribute read a row would cost more than the rest.
    plain = {
        code: (t.id, t.evidence, t.evidence_unique, t.worth_stamps, t.worth_won)
        for code, t in types.items()
    }
    for _, row in ordered:
        type_id, rule, unique, stamps, worth_won = plain[row.action_code]
        evidence, key = clean_evidence(row.evidence, rule, unique)
        if key is not None:
            if (type_id, key) in seen:
                raise DuplicateEvidence()
            seen.add((type_id, key))
        due = won_due(
            worth_won=worth_won, stamps_before=stamps_before, stamps_added=stamps, rate=rate
        )
        stamps_before += stamps
        due_total += due
        values.append(
            (
                campaign_id,
                row.user_id,
                type_id,
                evidence,
                key,
                stamps,
                due,
                source,
                row.counted_at,
                kst_day(row.counted_at),
            )
        )
    # The rows written from here on are this campaign's actions with a higher id: nobody else
    # can add one while every counter row is held.
    after_id = session.scalar(
        select(func.coalesce(func.max(actions.c.id), 0)).where(actions.c.campaign_id == campaign.id)
    )
    insert_rows(session.connection(), actions, COLUMNS, values)
    imported = and_(actions.c.campaign_id == campaign.id, actions.c.id > after_id)

    won = _pledge(session, campaign, imported)
    _count(session, campaign, imported, won, count=len(values), stamps=stamps_before - counter)
    _tally(session, imported, types)
    return ImportedStamps(len(values), stamps_before - counter, due_total, won)


def _action_types(campaign: Campaign, codes: set[str]) -> dict[str, ActionType]:
    found = {}
    for code in codes:
        action_type = campaign.action_type(code or "")
        if action_type is None:
            raise Invalid("action", "unknown_action")
        if action_type.worth_stamps <= 0:
            raise ValueError("an action worth no stamps is recorded one by one")
        found[code] = action_type
    return found


def _counted_evidence(session: Session, unique: list[ActionType]) -> set[tuple[int, str]]:
    """The evidence keys already counted for these action types (all of them: a bulk import
    may read a big set once, rather than ask row by row)."""
    if not unique:
        return set()
    return {
        (row.action_type_id, row.evidence_key)
        for row in session.execute(
            select(actions.c.action_type_id, actions.c.evidence_key).where(
                actions.c.action_type_id.in_([t.id for t in unique]),
                actions.c.evidence_key.is_not(None),
            )
        )
    }


def _pledge(session: Session, campaign: Campaign, imported) -> int:
    """Write the action pledges of the imported rows; returns their sum.

    A row's pledge is its ``won_due`` as far as the purse had it left when the row came: the
    running sum of ``won_due`` in time order (through this row) against what was left before
    the import. The row that crosses the purse gets the remainder, the rows after it nothing.
    """
    left = counters.totals(session, campaign.id).purse_left
    due = actions.c.won_due
    through = func.sum(due).over(order_by=(actions.c.counted_at, actions.c.id)).label("through")
    running = (
        select(
            actions.c.id,
            actions.c.user_id,
            actions.c.team_id,
            actions.c.counted_at,
            actions.c.kst_day,
            due,
            through,
        )
        .where(imported, due > 0)
        .subquery("running")
    )
    if left is None:
        granted = running.c.won_due
    else:
        cap = literal(left, BigInteger)
        before = running.c.through - running.c.won_due
        granted = case(
            (running.c.through <= cap, running.c.won_due),
            (before >= cap, literal(0, BigInteger)),
            else_=cap - before,
        )
    paid = (
        select(
            literal(campaign.id, BigInteger).label("campaign_id"),
            literal(PledgeSource.ACTION, pledges.c.source.type).label("source"),
            granted.label("amount_won"),
            running.c.user_id,
            running.c.team_id,
            running.c.id.label("action_id"),
            literal(False).label("anonymous"),
            running.c.counted_at.label("created_at"),
            running.c.kst_day,
        )
        .where(granted > 0)
        .subquery("paid")
    )
    names = list(paid.c.keys())
    session.execute(pledges.insert().from_select(names, select(*paid.c)))
    return int(
        session.scalar(
            select(func.coalesce(func.sum(pledges.c.amount_won), 0)).where(
                pledges.c.action_id.in_(select(actions.c.id).where(imported)),
                pledges.c.source == PledgeSource.ACTION,
            )
        )
    )


def _count(
    session: Session, campaign: Campaign, imported, won: int, *, count: int, stamps: int
) -> None:
    """Add the rows to the counters as ``record_action`` does: every stamp action and its
    stamps on row 0 (which holds the exact stamp count), the ₩ from row 0's slice of the purse
    first and then from the rows above it, in shard order (``counters.grant`` from row 0)."""
    counters.add_to_campaign(session, campaign.id, 0, actions=count, stamps=stamps)
    rows = session.execute(
        select(
            campaign_counters.c.shard,
            campaign_counters.c.purse_cap,
            campaign_counters.c.sponsor_won,
        )
        .where(campaign_counters.c.campaign_id == campaign.id)
        .order_by(campaign_counters.c.shard)
    ).all()
    left = won
    for row in rows:
        take = left if row.purse_cap is None else min(left, row.purse_cap - row.sponsor_won)
        if take > 0:
            counters.add_to_campaign(session, campaign.id, row.shard, sponsor_won=take)
            left -= take
    assert left == 0, "the pledges were clamped to what the purse had left"

    per_person = (
        select(
            actions.c.user_id,
            func.count().label("count"),
            func.sum(actions.c.stamps).label("stamps"),
        )
        .where(imported)
        .group_by(actions.c.user_id)
        .subquery("per_person")
    )
    session.execute(
        update(participants)
        .where(
            participants.c.campaign_id == campaign.id,
            participants.c.user_id == per_person.c.user_id,
        )
        .values(
            actions=participants.c.actions + per_person.c.count,
            stamps=participants.c.stamps + per_person.c.stamps,
        )
    )


def _tally(session: Session, imported, types: dict[str, ActionType]) -> None:
    """Add the rows to the per-person caps' tallies, then refuse the import if any tally went
    over its cap (the caller rolls back, as after ``record_action``'s CapReached)."""
    for table, cap, keys in (
        (DailyTally.__table__, "daily_cap", ("user_id", "action_type_id", "kst_day")),
        (TotalTally.__table__, "total_cap", ("user_id", "action_type_id")),
    ):
        capped = {t.id: getattr(t, cap) for t in types.values() if getattr(t, cap) is not None}
        if not capped:
            continue
        grouped = (
            select(*(actions.c[key] for key in keys), func.count().label("count"))
            .where(imported, actions.c.action_type_id.in_(list(capped)))
            .group_by(*(actions.c[key] for key in keys))
        )
        upsert = insert(session, table).from_select([*keys, "count"], grouped)
        session.execute(
            upsert.on_conflict_do_update(
                index_elements=list(keys), set_={"count": table.c.count + upsert.excluded.count}
            )
        )
        over = session.execute(
            select(table.c.count, action_types.c[cap])
            .join(action_types, action_types.c.id == table.c.action_type_id)
            .where(table.c.action_type_id.in_(list(capped)), table.c.count > action_types.c[cap])
            .limit(1)
        ).first()
        if over is not None:
            raise CapReached(cap=cap.removesuffix("_cap"), limit=over[1])
