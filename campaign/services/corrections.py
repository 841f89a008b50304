"""Corrections: an admin voids one counted action or one crew gift, with a reason.

Nothing is updated or deleted in the ledger. A void writes reversing pledges (the ₩ go back to
the purse or the company's match budget), moves every counter the original moved back by the
same amount in the same transaction, records a ``Correction`` and an audit entry, and tells the
person. Voided actions stay in ``actions``; every count (reconcile, settlement, draw) leaves them
out. After close a correction reopens nothing: the settlement stays as frozen and lists it in its
correction note.

Lock order (the same as an action's, so voids and votes never deadlock): the person's rows
first (participant, tallies), then every counter row in shard order, then the team row.

Stamps: a unit's ₩ go to the action whose stamps complete it, so voiding an action that did not
complete one can still leave the campaign with fewer whole units than it paid for. The ₩ given
back are therefore the action's fixed ₩ plus whatever the unit ₩ paid now exceed the whole units
the remaining stamps make; the next stamps to complete a unit pay it again, so units paid never
exceed units counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from campaign.errors import AlreadyVoided, IllegalTransition, NotFound
from campaign.models import (
    Action,
    ActionType,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Correction,
    DailyTally,
    Pledge,
    PledgeSource,
    Settlement,
    TotalTally,
    User,
)
from campaign.rules.calendar import kst_day
from campaign.rules.transitions import check_reason
from campaign.services import audit, counters, notifications
from campaign.services.fundraising import lock_participant, reverse_gift
from campaign.services.impact import rate_of, unit_won_paid

NOTIFY_ACTION_VOIDED = "action_voided"
NOTIFY_GIFT_VOIDED = "gift_voided"
VOIDABLE = (
    CampaignStatus.ACTIVE,
    CampaignStatus.PAUSED,
    CampaignStatus.CLOSED,
    CampaignStatus.SETTLED,
)

daily_tallies = DailyTally.__table__
team_counters = counters.team_counters


@dataclass(frozen=True)
class Voided:
    correction: Correction
    reversals: list[Pledge]


def voided_ids():
    """The ids of voided actions, for ``Action.id.not_in(...)`` in every count."""
    return select(Correction.action_id).where(Correction.action_id.is_not(None))


def counted(campaign_id: int):
    """WHERE clauses of a campaign's counted (not voided) actions."""
    return (Action.campaign_id == campaign_id, Action.id.not_in(voided_ids()))


def _check_voidable(campaign: Campaign) -> None:
    if campaign.status not in VOIDABLE:
        raise IllegalTransition(transition="void", status=campaign.status.value)


def _frozen(session: Session, campaign: Campaign) -> bool:
    return (
        session.scalar(select(Settlement.id).where(Settlement.campaign_id == campaign.id))
        is not None
    )


def void_action(
    session: Session,
    campaign: Campaign,
    action_id: int,
    *,
    reason: str,
    actor: User,
    now: datetime,
) -> Voided:
    """Void one counted action of ``campaign``.

    Guarantees, in the caller's transaction: Invalid without a reason; NotFound unless the
    action belongs to the campaign; AlreadyVoided the second time (the unique
    ``corrections.action_id`` backs this up under concurrency); IllegalTransition before the
    campaign ran or once it is cancelled. The counters (campaign, team, participant, daily and
    total tallies) move back in this transaction, so ``reconcile`` stays clean; the ₩ given back
    never exceed what the purse paid.
    """
    reason = check_reason(reason)
    action = session.get(Action, action_id)
    if action is None or action.campaign_id != campaign.id:
        raise NotFound()
    _check_voidable(campaign)
    action_type = session.get(ActionType, action.action_type_id)
    assert action_type is not None
    participant = lock_participant(session, campaign, action.user_id)
    assert participant is not None
    if session.scalar(select(Correction.id).where(Correction.action_id == action.id)):
        raise AlreadyVoided()
    if action_type.daily_cap is not None:
        session.execute(
            update(daily_tallies)
            .where(
                daily_tallies.c.user_id == action.user_id,
                daily_tallies.c.action_type_id == action.action_type_id,
                daily_tallies.c.kst_day == action.kst_day,
            )
            .values(count=daily_tallies.c.count - 1)
        )
    if action_type.total_cap is not None:
        total = TotalTally.__table__
        session.execute(
            update(total)
            .where(
                total.c.user_id == action.user_id, total.c.action_type_id == action.action_type_id
            )
            .values(count=total.c.count - 1)
        )
    counters.lock_all(session, campaign.id)
    after_close = _frozen(session, campaign)
    returned = _won_to_return(session, campaign, action, action_type)

    reversals = []
    if returned:
        own = _own_pledge(session, action)
        reversal = Pledge(
            campaign_id=campaign.id,
            source=PledgeSource.ACTION,
            amount_won=-returned,
            user_id=action.user_id,
            team_id=action.team_id,
            action_id=action.id,
            # A plain reversal when it takes back exactly the action's own pledge.
            reverses_id=own.id if own is not None and own.amount_won == returned else None,
            reason=reason,
            created_at=now,
            kst_day=kst_day(now),
        )
        session.add(reversal)
        reversals.append(reversal)
    correction = Correction(
        campaign_id=campaign.id,
        action_id=action.id,
        user_id=action.user_id,
        reason=reason,
        stamps=action.stamps,
        won_returned=returned,
        after_close=after_close,
        actor_id=actor.id,
        actor_label=actor.email,
        created_at=now,
    )
    session.add(correction)
    session.flush()
    counters.add_to_participant(session, participant.id, actions=-1, stamps=-action.stamps)
    counters.add_to_campaign(session, campaign.id, 0, actions=-1, stamps=-action.stamps)
    if returned:
        counters.give_back(session, campaign, returned)
    if action.team_id is not None:
        counters.add_to_team(session, action.team_id, 0, actions=-1, won=-returned)
    audit.record(
        session,
        actor=actor,
        action="action.void",
        campaign_id=campaign.id,
        before={"action_id": action.id, "stamps": action.stamps, "counted": True},
        after={"counted": False, "won_returned": returned, "after_close": after_close},
        reason=reason,
        now=now,
    )
    notifications.notify(
        session,
        [action.user_id],
        NOTIFY_ACTION_VOIDED,
        now,
        params={"title": campaign.title, "action": action_type.label, "reason": reason},
        link=f"/c/{campaign.slug}",
    )
    return Voided(correction, reversals)


def _own_pledge(session: Session, action: Action) -> Pledge | None:
    return session.scalar(
        select(Pledge).where(
            Pledge.action_id == action.id,
            Pledge.source == PledgeSource.ACTION,
            Pledge.reverses_id.is_(None),
            Pledge.amount_won > 0,
        )
    )


def _won_to_return(
    session: Session, campaign: Campaign, action: Action, action_type: ActionType
) -> int:
    """The sponsor ₩ this void gives back (see the module's note on stamps). Runs with every
    counter row locked, so the totals it reads hold until the transaction ends."""
    own = _own_pledge(session, action)
    own_won = own.amount_won if own is not None else 0
    rate = rate_of(campaign)
    if rate is None or action.stamps == 0:
        return own_won
    fixed = min(action_type.worth_won, own_won)
    totals = counters.totals(session, campaign.id)
    paid = unit_won_paid(session, campaign, totals.sponsor_won)
    whole_after = (totals.stamps - action.stamps) // rate.stamps_per_unit
    units_back = max(0, paid - whole_after * rate.won_per_unit)
    return min(fixed + units_back, totals.sponsor_won)


def void_gift(
    session: Session,
    campaign: Campaign,
    gift_id: int,
    *,
    reason: str,
    actor: User,
    now: datetime,
) -> Voided:
    """Void one crew gift of a fundraiser (and its company match), at any time after it ran.

    The same reversing rows as the giver's own cancellation, plus a ``Correction``; NotFound
    unless ``gift_id`` is an original gift of this campaign; AlreadyVoided when it was voided
    or cancelled before.
    """
    reason = check_reason(reason)
    gift = session.get(Pledge, gift_id)
    if (
        gift is None
        or gift.campaign_id != campaign.id
        or gift.source != PledgeSource.CREW
        or gift.reverses_id is not None
        or gift.user_id is None
        or campaign.kind != CampaignKind.FUNDRAISER
    ):
        raise NotFound()
    _check_voidable(campaign)
    participant = lock_participant(session, campaign, gift.user_id)
    assert participant is not None
    if session.scalar(select(Pledge.id).where(Pledge.reverses_id == gift.id)):
        raise AlreadyVoided()
    # Closing locks every counter row before it freezes the ledger: holding them, this void
    # either lands before the settlement is computed or sees it and goes into the note.
    counters.lock_all(session, campaign.id)
    after_close = _frozen(session, campaign)
    reversal, returned = reverse_gift(session, campaign, gift, participant, reason, now)
    correction = Correction(
        campaign_id=campaign.id,
        gift_id=gift.id,
        user_id=gift.user_id,
        reason=reason,
        won_returned=returned,
        gift_won=gift.amount_won,
        after_close=after_close,
        actor_id=actor.id,
        actor_label=actor.email,
        created_at=now,
    )
    session.add(correction)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="gift.void",
        campaign_id=campaign.id,
        before={"gift_id": gift.id, "amount_won": gift.amount_won},
        after={"reversed": True, "match_returned": returned, "after_close": after_close},
        reason=reason,
        now=now,
    )
    notifications.notify(
        session,
        [gift.user_id],
        NOTIFY_GIFT_VOIDED,
        now,
        params={"title": campaign.title, "amount_won": gift.amount_won, "reason": reason},
        link=f"/c/{campaign.slug}/gifts",
    )
    return Voided(correction, [reversal])


@dataclass(frozen=True)
class CorrectionLine:
    id: int
    created_at: datetime
    what: str  # "action" or "gift"
    target_id: int
    user_id: int
    stamps: int
    won_returned: int
    gift_won: int
    reason: str
    after_close: bool
    actor_label: str


def corrections_of(
    session: Session, campaign: Campaign, *, after_close: bool | None = None
) -> list[CorrectionLine]:
    """The campaign's corrections, oldest first (only those after close, when asked)."""
    statement = select(Correction).where(Correction.campaign_id == campaign.id)
    if after_close is not None:
        statement = statement.where(Correction.after_close.is_(after_close))
    return [
        CorrectionLine(
            id=c.id,
            created_at=c.created_at,
            what="action" if c.action_id is not None else "gift",
            target_id=c.action_id if c.action_id is not None else int(c.gift_id or 0),
            user_id=c.user_id,
            stamps=c.stamps,
            won_returned=c.won_returned,
            gift_won=c.gift_won,
            reason=c.reason,
            after_close=c.after_close,
            actor_label=c.actor_label,
        )
        for c in session.scalars(statement.order_by(Correction.id))
    ]


def correction_total(session: Session, campaign: Campaign, *, after_close: bool) -> int:
    """₩ taken off the campaign by corrections (sponsor ₩ returned plus gifts voided)."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(Correction.won_returned + Correction.gift_won), 0)).where(
                Correction.campaign_id == campaign.id, Correction.after_close.is_(after_close)
            )
        )
        or 0
    )
