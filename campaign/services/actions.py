"""Recording an action: the write path every channel (web, API, webhooks) goes through."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import BigInteger, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from campaign.errors import (
    CapReached,
    ConcurrentReplay,
    DuplicateEvidence,
    IdempotencyKeyReused,
    Invalid,
    NotParticipant,
)
from campaign.models import (
    Action,
    ActionType,
    Campaign,
    CampaignStatus,
    DailyTally,
    Participant,
    Pledge,
    PledgeSource,
    TotalTally,
    User,
)
from campaign.rules.calendar import kst_day
from campaign.rules.conversion import UnitRate, won_due
from campaign.rules.evidence import clean_evidence, clean_idempotency_key
from campaign.rules.lifecycle import ensure_accepting
from campaign.rules.milestones import crossed
from campaign.services import counters, milestones
from campaign.services.sql import insert

actions = Action.__table__
pledges = Pledge.__table__
participants = Participant.__table__
daily_tallies = DailyTally.__table__
total_tallies = TotalTally.__table__
campaigns = Campaign.__table__

# The vote's hot path runs statements built once here on the session's connection: building a
# statement and its ORM objects costs more Python than running its cached compiled form.
_BY_KEY = select(*actions.c).where(
    actions.c.campaign_id == bindparam("campaign_id"),
    actions.c.user_id == bindparam("user_id"),
    actions.c.idempotency_key == bindparam("key"),
)
_JOINED = (
    update(participants)
    .where(
        participants.c.campaign_id == bindparam("b_campaign_id"),
        participants.c.user_id == bindparam("b_user_id"),
    )
    .values(
        actions=participants.c.actions + 1,
        stamps=participants.c.stamps + bindparam("b_stamps", type_=BigInteger),
    )
    .returning(participants.c.team_id)
)
_STATUS = select(campaigns.c.status).where(campaigns.c.id == bindparam("campaign_id"))
_PLEDGE = pledges.insert()
_INSERT_ACTION = {
    name: dialect.insert(actions).on_conflict_do_nothing().returning(actions.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


@dataclass(frozen=True)
class UnlockedMilestone:
    milestone_id: int
    threshold: int
    won: int


@dataclass(frozen=True)
class RecordedAction:
    """What happened. ``won`` is what the sponsor pledged for this action; ``won_due`` what the
    rules said it was worth: less means the purse ran out (the action still counts)."""

    action: Action
    action_type: ActionType
    won: int
    won_due: int
    milestones: list[UnlockedMilestone] = field(default_factory=list)
    replayed: bool = False

    @property
    def purse_exhausted(self) -> bool:
        return self.won < self.won_due


def unit_rate(campaign: Campaign) -> UnitRate | None:
    if campaign.stamps_per_unit is None or campaign.won_per_unit is None:
        return None
    return UnitRate(campaign.stamps_per_unit, campaign.won_per_unit)


def record_action(
    session: Session,
    user: User,
    campaign: Campaign,
    action_code: str,
    evidence: str | None,
    idempotency_key: str | None,
    now: datetime,
    *,
    source: str = "web",
) -> RecordedAction:
    """Count one action of ``user`` and pledge the ₩ the campaign's rules give it.

    Guarantees, all in the caller's transaction. A refusal found after the first write (a cap,
    duplicate evidence) leaves that write in the transaction: the transaction must end in a
    rollback when it raises, which the request boundary (``db.unit_of_work``) does for every
    error; the CLI and tests that call it directly roll back themselves.
    - refuses, in this order: an unknown action or malformed evidence / key (Invalid); a
      campaign that is not active or is past ``ends_at`` at ``now`` (CampaignClosed,
      CampaignNotOpen); a user who has not joined (NotParticipant); a reached daily or total cap
      (CapReached, saying which); evidence already counted (DuplicateEvidence);
    - the campaign's status is read again once its counter row is locked (by the team row's
      UPDATE where there is a team, else by a SELECT), so an action racing a close either lands
      before the close freezes the ledger or is refused;
    - caps and the sponsor purse are enforced by conditional UPDATEs, so concurrent writers can
      never overrun them; when the purse is spent the action still counts and pledges 0 ₩;
    - a milestone is unlocked by exactly one pledge;
    - the same ``idempotency_key`` again returns the first result and writes nothing.
    """
    action_type = campaign.action_type(action_code or "")
    if action_type is None:
        raise Invalid("action", "unknown_action")
    key = clean_idempotency_key(idempotency_key)
    evidence, evidence_key = clean_evidence(
        evidence, action_type.evidence, action_type.evidence_unique
    )
    session.flush()  # what the caller added goes first: the statements below bypass the ORM
    if key is not None:
        earlier = _find_by_key(session, campaign, user, key)
        if earlier is not None:
            return _replay(session, earlier, action_type, evidence)
    ensure_accepting(campaign.status, campaign.starts_at, campaign.ends_at, now)
    day = kst_day(now)
    stamps = action_type.worth_stamps

    # Per-person rows first (no contention between people), the shared counters last, so the
    # hot rows stay locked for as short a time as possible and locks are always taken in the
    # same order.
    connection = session.connection()
    joined = connection.execute(
        _JOINED, {"b_campaign_id": campaign.id, "b_user_id": user.id, "b_stamps": stamps}
    ).first()
    if joined is None:
        raise NotParticipant()
    team_id = joined.team_id
    if action_type.daily_cap is not None:
        _take_from_cap(
            session,
            daily_tallies,
            action_type.daily_cap,
            "daily",
            user_id=user.id,
            action_type_id=action_type.id,
            kst_day=day,
        )
    if action_type.total_cap is not None:
        _take_from_cap(
            session,
            total_tallies,
            action_type.total_cap,
            "total",
            user_id=user.id,
            action_type_id=action_type.id,
        )

    rate = unit_rate(campaign)
    converts = rate is not None and stamps > 0
    # Which action completes a unit depends on the campaign's exact stamp count, which only one
    # row can hold: actions that carry stamps count on row 0. Votes and cheers, the hot ones,
    # spread over all rows.
    shard = 0 if converts else counters.pick_shard(campaign)
    # Without stamp conversion the ₩ due is known now: count and grant in one statement.
    upfront_due = 0 if converts else action_type.worth_won
    counted = counters.count_action(
        session,
        campaign.id,
        shard,
        stamps=stamps,
        grant_due=upfront_due,
        watching=milestones.watching(campaign),
    )
    stamps_after, won = counted.stamps, counted.granted
    if team_id is None:
        _ensure_still_accepting(session, campaign, now)
    if won < upfront_due:
        won += counters.spill(session, campaign, shard, upfront_due - won).granted
    due = won_due(
        worth_won=action_type.worth_won,
        stamps_before=stamps_after - stamps,
        stamps_added=stamps,
        rate=rate,
    )
    if converts and due:
        won = counters.grant(session, campaign, shard, due)
    if team_id is not None:
        # The team row's UPDATE re-reads the status too (one statement instead of two).
        status = counters.count_vote_for_team(session, campaign.id, team_id, shard, won)
        _ensure_accepting_now(status, campaign, now)

    row = {
        "campaign_id": campaign.id,
        "user_id": user.id,
        "action_type_id": action_type.id,
        "team_id": team_id,
        "evidence": evidence,
        "evidence_key": evidence_key,
        "idempotency_key": key,
        "stamps": stamps,
        "won_due": due,
        "source": source,
        "counted_at": now,
        "kst_day": day,
    }
    action_id = connection.execute(_INSERT_ACTION[connection.dialect.name], row).scalar()
    if action_id is None:
        if key is not None and _find_by_key(session, campaign, user, key) is not None:
            raise ConcurrentReplay()
        raise DuplicateEvidence()
    # A plain object for the answer: the row is written, the session need not track it.
    action = Action(id=action_id, **row)
    if won:
        connection.execute(
            _PLEDGE,
            {
                "campaign_id": campaign.id,
                "source": PledgeSource.ACTION.value,
                "amount_won": won,
                "user_id": user.id,
                "team_id": team_id,
                "action_id": action_id,
                "anonymous": False,
                "created_at": now,
                "kst_day": day,
            },
        )

    unlocked: list[UnlockedMilestone] = []
    if campaign.milestones:
        unlocked = _unlock_crossed(session, campaign, counted, action.id, shard, now)
    return RecordedAction(action, action_type, won, due, unlocked)


def _unlock_crossed(
    session: Session,
    campaign: Campaign,
    counted: counters.Counted,
    action_id: int,
    shard: int,
    now: datetime,
) -> list[UnlockedMilestone]:
    """The milestones this action unlocks (see services/milestones.py for several rows)."""
    if campaign.counter_shards > 1:
        if counted.campaign_actions is None:
            return []  # every milestone is paid
        return [
            UnlockedMilestone(milestone.id, milestone.threshold, granted)
            for milestone, granted in milestones.unlock_at_vote(
                session, campaign, counted, action_id, shard, now
            )
        ]
    # One counter row: its RETURNING value is the campaign's exact count, so this is the
    # action that crossed the threshold.
    unlocked = []
    for milestone in crossed(counted.actions - 1, counted.actions, milestones.thresholds(campaign)):
        granted = milestones.unlock(session, campaign, milestone.id, action_id, shard, now)
        if granted is not None:
            unlocked.append(UnlockedMilestone(milestone.id, milestone.threshold, granted))
    return unlocked


def _ensure_still_accepting(session: Session, campaign: Campaign, now: datetime) -> None:
    """Check the status as committed now, with this action's counter row locked.

    Closing locks every counter row before it freezes the ledger (``unlock_reached`` →
    ``counters.lock_all``), so either this action holds its row first and the close waits for it
    to commit, or the close commits first and this fresh read sees it.
    """
    status = session.connection().execute(_STATUS, {"campaign_id": campaign.id}).scalar()
    _ensure_accepting_now(status, campaign, now)


def _ensure_accepting_now(status: CampaignStatus | None, campaign: Campaign, now: datetime) -> None:
    ensure_accepting(status or CampaignStatus.CANCELLED, campaign.starts_at, campaign.ends_at, now)


def _take_from_cap(session: Session, table, cap: int, which: str, **key: object) -> None:
    """Count one more against a per-person cap, or raise CapReached: one upsert that only
    increments while below the cap, so two concurrent requests cannot both take the last one."""
    row = session.execute(
        insert(session, table)
        .values(**key, count=1)
        .on_conflict_do_update(
            index_elements=list(key),
            set_={"count": table.c.count + 1},
            where=table.c.count < cap,
        )
        .returning(table.c.count)
    ).first()
    if row is None:
        raise CapReached(cap=which, limit=cap)


def _find_by_key(session: Session, campaign: Campaign, user: User, key: str) -> Action | None:
    row = (
        session.connection()
        .execute(_BY_KEY, {"campaign_id": campaign.id, "user_id": user.id, "key": key})
        .first()
    )
    return None if row is None else Action(**row._asdict())


def _replay(
    session: Session, action: Action, action_type: ActionType, evidence: str | None
) -> RecordedAction:
    if action.action_type_id != action_type.id or action.evidence != evidence:
        raise IdempotencyKeyReused()
    won = 0
    unlocked = []
    for pledge in session.scalars(select(Pledge).where(Pledge.action_id == action.id)):
        if pledge.source == PledgeSource.ACTION:
            won += pledge.amount_won
        elif pledge.milestone_id is not None:
            threshold = next(
                m.threshold for m in action_type.campaign.milestones if m.id == pledge.milestone_id
            )
            unlocked.append(UnlockedMilestone(pledge.milestone_id, threshold, pledge.amount_won))
    return RecordedAction(action, action_type, won, action.won_due, unlocked, replayed=True)
