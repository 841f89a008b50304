"""Many votes of one person written at once: for importing a finished season's ledger (the demo's
history), never a request path.

A vote that is worth no ₩ of its own, carries no stamps or evidence and has no cap (a team
fight's vote) changes nothing but counts, so ``count`` of them are ``count`` action rows and
the same counters ``count`` calls of ``record_action`` would leave: the campaign's counter row
0, the person's team row 0 and the person's participant row. Milestones they reach are then
unlocked by the same sweep the scheduler runs. ``reconcile`` stays clean.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import literal, select, update
from sqlalchemy.orm import Session

from campaign.errors import NotParticipant
from campaign.models import (
    Action,
    Campaign,
    CampaignCounter,
    Evidence,
    Participant,
    TeamCounter,
    User,
)
from campaign.rules.calendar import kst_day
from campaign.rules.lifecycle import ensure_accepting
from campaign.services import counters
from campaign.services.milestones import unlock_reached


def record_votes(
    session: Session,
    user: User,
    campaign: Campaign,
    action_code: str,
    count: int,
    now: datetime,
    *,
    source: str = "import",
) -> int:
    """Count ``count`` votes of ``user`` at ``now``; returns the campaign's total actions after.

    ValueError for an action that could be worth ₩, stamps or be capped or need evidence (those
    go through record_action, one by one). Refuses like record_action: CampaignClosed or
    CampaignNotOpen outside the campaign's time or status, NotParticipant before joining.
    """
    action_type = campaign.action_type(action_code)
    if (
        action_type is None
        or count < 1
        or action_type.worth_won
        or action_type.worth_stamps
        or action_type.daily_cap is not None
        or action_type.total_cap is not None
        or action_type.evidence != Evidence.NONE
    ):
        raise ValueError("only plain votes (no ₩, stamps, caps or evidence) are counted in bulk")
    ensure_accepting(campaign.status, campaign.starts_at, campaign.ends_at, now)
    session.flush()
    joined = session.execute(
        update(Participant)
        .where(Participant.campaign_id == campaign.id, Participant.user_id == user.id)
        .values(actions=Participant.actions + count)
        .returning(Participant.id, Participant.team_id)
    ).first()
    if joined is None:
        raise NotParticipant()
    team_id = joined.team_id
    session.execute(
        update(CampaignCounter)
        .where(CampaignCounter.campaign_id == campaign.id, CampaignCounter.shard == 0)
        .values(actions=CampaignCounter.actions + count)
    )
    if team_id is not None:
        session.execute(
            update(TeamCounter)
            .where(TeamCounter.team_id == team_id, TeamCounter.shard == 0)
            .values(actions=TeamCounter.actions + count)
        )
    # One INSERT … SELECT over a counting CTE: the database makes the rows, so ``count`` costs
    # one statement rather than ``count`` sets of parameters.
    table = Action.__table__
    values = {
        "campaign_id": campaign.id,
        "user_id": user.id,
        "action_type_id": action_type.id,
        "team_id": team_id,
        "stamps": 0,
        "won_due": 0,
        "source": source,
        "counted_at": now,
        "kst_day": kst_day(now),
    }
    numbers = select(literal(1).label("n")).cte("numbers", recursive=True)
    numbers = numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n < count))
    rows = select(
        *(literal(value, type_=table.c[name].type).label(name) for name, value in values.items())
    ).select_from(numbers)
    session.execute(table.insert().from_select(list(values), rows))
    unlock_reached(session, campaign, now)
    return counters.totals(session, campaign.id).actions
