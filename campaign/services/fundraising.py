"""Crew fundraisers: crew give their own ₩, the company matches, and tops up at close.

A gift and its match are written in one transaction: the giver's participant row is locked
first (so one person's concurrent gifts see each other's match for the per-person cap), the
match is taken from the company cap by the conditional purse update (so concurrent gifts never
overrun it), and the counters move with the ledger rows. Nothing is ever deleted: a cancelled
gift gets a reversing CREW row, its match a reversing MATCH row, and the match goes back to
the company's budget.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from campaign.errors import Forbidden, IdempotencyKeyReused, NotFound
from campaign.models import (
    Campaign,
    CampaignKind,
    Participant,
    Pledge,
    PledgeSource,
    User,
)
from campaign.rules.calendar import kst_day
from campaign.rules.evidence import clean_idempotency_key
from campaign.rules.lifecycle import ensure_accepting, is_live
from campaign.rules.matching import (
    MatchPolicy,
    check_gift_amount,
    clean_message,
    match_due,
    match_left_for,
)
from campaign.services import counters
from campaign.services.campaigns import can_see
from campaign.services.participation import join

CANCEL_REASON = "cancelled by the giver"


@dataclass(frozen=True)
class GiftResult:
    """A crew gift and the company's match of it. ``match_due`` is what the policy promised;
    ``matched`` less than that means the company's budget ran out."""

    gift: Pledge
    match: Pledge | None
    match_due: int
    replayed: bool = False

    @property
    def matched(self) -> int:
        return self.match.amount_won if self.match is not None else 0

    @property
    def budget_short(self) -> bool:
        return self.matched < self.match_due


@dataclass(frozen=True)
class Cancellation:
    gift: Pledge
    reversal: Pledge
    match_returned: int
    already: bool = False  # it had been cancelled before; nothing was written now


def policy_of(campaign: Campaign) -> MatchPolicy:
    return MatchPolicy(campaign.match_percent, campaign.match_per_person_won)


def _fundraiser(campaign: Campaign | None, user: User | None) -> Campaign:
    if campaign is None or campaign.kind != CampaignKind.FUNDRAISER or not can_see(campaign, user):
        raise NotFound()
    return campaign


def _lock_participant(session: Session, campaign: Campaign, user: User) -> Participant | None:
    return lock_participant(session, campaign, user.id)


def _hold_open(session: Session, campaign: Campaign, now: datetime) -> None:
    """Check, under a shared lock on the campaign row, that it still takes gifts. Closing takes
    that row exclusively, so a gift either lands before the close (and is settled with it) or
    waits and sees the campaign closed: never a gift after the settlement was frozen."""
    status, starts_at, ends_at = session.execute(
        select(Campaign.status, Campaign.starts_at, Campaign.ends_at)
        .where(Campaign.id == campaign.id)
        .with_for_update(read=True)
    ).one()
    ensure_accepting(status, starts_at, ends_at, now)


def _gift_by_key(session: Session, campaign: Campaign, user: User, key: str) -> Pledge | None:
    return session.scalar(
        select(Pledge).where(
            Pledge.campaign_id == campaign.id,
            Pledge.user_id == user.id,
            Pledge.idempotency_key == key,
        )
    )


def _match_of(session: Session, gift: Pledge) -> Pledge | None:
    return session.scalar(
        select(Pledge).where(
            Pledge.matches_id == gift.id,
            Pledge.source == PledgeSource.MATCH,
            Pledge.reverses_id.is_(None),
        )
    )


def _replay(
    session: Session, gift: Pledge, amount: int, anonymous: bool, message: str | None
) -> GiftResult:
    if (
        gift.source != PledgeSource.CREW
        or gift.amount_won != amount
        or gift.anonymous != anonymous
        or gift.message != message
    ):
        raise IdempotencyKeyReused()
    match = _match_of(session, gift)
    return GiftResult(gift, match, match.amount_won if match else 0, replayed=True)


def pledge_gift(
    session: Session,
    user: User,
    campaign: Campaign,
    amount: int,
    anonymous: bool,
    message: str | None,
    idempotency_key: str | None,
    now: datetime,
) -> GiftResult:
    """Record a crew member's own gift to an active fundraiser and the company's match of it.

    Guarantees, in the caller's transaction (nothing is written when it raises):
    - NotFound unless ``campaign`` is a fundraiser the user may see; Forbidden for non-crew;
      Invalid for an amount outside the bounds or a bad message; CampaignClosed /
      CampaignNotOpen outside the campaign's time or status;
    - the match follows the policy (ratio, per-person cap counted over the person's earlier
      matches) and is clamped to the company cap by one conditional UPDATE, so concurrent
      gifts can never overrun either cap;
    - the giver joins the campaign with their first gift;
    - the same ``idempotency_key`` again returns the first result and writes nothing.
    """
    campaign = _fundraiser(campaign, user)
    if not user.is_crew or not user.is_active:
        raise Forbidden()
    amount = check_gift_amount(amount)
    message = clean_message(message)
    anonymous = bool(anonymous)
    key = clean_idempotency_key(idempotency_key)
    if key is not None:
        earlier = _gift_by_key(session, campaign, user, key)
        if earlier is not None:
            return _replay(session, earlier, amount, anonymous, message)
    _hold_open(session, campaign, now)
    join(session, user, campaign, None, now)
    participant = _lock_participant(session, campaign, user)
    assert participant is not None
    if key is not None:
        # A request with the same key may have committed while this one waited for the lock.
        earlier = _gift_by_key(session, campaign, user, key)
        if earlier is not None:
            return _replay(session, earlier, amount, anonymous, message)

    day = kst_day(now)
    due = match_due(amount, policy_of(campaign), participant.matched_won)
    gift = Pledge(
        campaign_id=campaign.id,
        source=PledgeSource.CREW,
        amount_won=amount,
        user_id=user.id,
        idempotency_key=key,
        anonymous=anonymous,
        message=message,
        created_at=now,
        kst_day=day,
    )
    session.add(gift)
    session.flush()
    shard = counters.pick_shard(campaign)
    granted = counters.grant(session, campaign, shard, due) if due else 0
    match = None
    if granted:
        match = Pledge(
            campaign_id=campaign.id,
            source=PledgeSource.MATCH,
            amount_won=granted,
            user_id=user.id,
            matches_id=gift.id,
            anonymous=anonymous,
            created_at=now,
            kst_day=day,
        )
        session.add(match)
    counters.add_to_participant(session, participant.id, gifted_won=amount, matched_won=granted)
    counters.add_to_campaign(session, campaign.id, shard, crew_won=amount)
    session.flush()
    return GiftResult(gift, match, due)


def cancel_gift(session: Session, user: User, pledge_id: int, now: datetime) -> Cancellation:
    """The giver takes back one of their gifts while the campaign is active.

    Writes a reversing CREW row and, when the gift was matched, a reversing MATCH row, and
    returns the match to the company's budget (the per-person cap frees up the same amount).
    NotFound unless ``pledge_id`` is the user's own gift; CampaignClosed / CampaignNotOpen
    once the campaign no longer takes gifts. Cancelling again writes nothing.
    """
    gift = session.get(Pledge, pledge_id)
    if (
        gift is None
        or gift.source != PledgeSource.CREW
        or gift.reverses_id is not None
        or gift.user_id != user.id
    ):
        raise NotFound()
    campaign = _fundraiser(session.get(Campaign, gift.campaign_id), user)
    _hold_open(session, campaign, now)
    participant = _lock_participant(session, campaign, user)
    assert participant is not None
    earlier = session.scalar(select(Pledge).where(Pledge.reverses_id == gift.id))
    if earlier is not None:
        return Cancellation(gift, earlier, 0, already=True)

    reversal, returned = reverse_gift(session, campaign, gift, participant, CANCEL_REASON, now)
    return Cancellation(gift, reversal, returned)


def reverse_gift(
    session: Session,
    campaign: Campaign,
    gift: Pledge,
    participant: Participant,
    reason: str,
    now: datetime,
) -> tuple[Pledge, int]:
    """Write the reversing CREW row of ``gift`` (and the reversing MATCH row of its match),
    move the counters back and return the match to the company's budget.

    The caller holds the giver's participant row and has checked that the gift is not reversed
    yet (the unique ``reverses_id`` backs this up). Returns (the reversal, the match ₩ returned).
    """
    day = kst_day(now)
    reversal = Pledge(
        campaign_id=campaign.id,
        source=PledgeSource.CREW,
        amount_won=-gift.amount_won,
        user_id=gift.user_id,
        reverses_id=gift.id,
        anonymous=gift.anonymous,
        reason=reason,
        created_at=now,
        kst_day=day,
    )
    session.add(reversal)
    match = _match_of(session, gift)
    returned = 0
    if match is not None:
        returned = match.amount_won
        session.add(
            Pledge(
                campaign_id=campaign.id,
                source=PledgeSource.MATCH,
                amount_won=-returned,
                user_id=gift.user_id,
                matches_id=gift.id,
                reverses_id=match.id,
                anonymous=gift.anonymous,
                reason=reason,
                created_at=now,
                kst_day=day,
            )
        )
    session.flush()
    counters.add_to_participant(
        session, participant.id, gifted_won=-gift.amount_won, matched_won=-returned
    )
    # Row 0 first: give_back walks the rows upwards, so locks are taken in one order.
    counters.add_to_campaign(session, campaign.id, 0, crew_won=-gift.amount_won)
    if returned:
        counters.give_back(session, campaign, returned)
    return reversal, returned


def lock_participant(session: Session, campaign: Campaign, user_id: int) -> Participant | None:
    """The participant row of ``user_id`` in ``campaign``, locked (per-person rows come first)."""
    return session.scalar(
        select(Participant)
        .where(Participant.campaign_id == campaign.id, Participant.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def write_topup(session: Session, campaign: Campaign, now: datetime) -> Pledge | None:
    """Write the company's fixed top-up of ``campaign`` (for whoever closes it).

    Idempotent: the campaign row is locked and the top-up written only if it is not there yet.
    Returns the pledge written now, or None (no top-up declared, or written before).
    """
    locked = session.scalar(
        select(Campaign)
        .where(Campaign.id == campaign.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None or locked.topup_won <= 0:
        return None
    written = session.scalar(
        select(Pledge.id).where(
            Pledge.campaign_id == campaign.id,
            Pledge.source == PledgeSource.TOPUP,
            Pledge.reverses_id.is_(None),
        )
    )
    if written is not None:
        return None
    topup = Pledge(
        campaign_id=campaign.id,
        source=PledgeSource.TOPUP,
        amount_won=locked.topup_won,
        reason="company top-up at close",
        created_at=now,
        kst_day=kst_day(now),
    )
    session.add(topup)
    session.flush()
    counters.add_to_campaign(session, campaign.id, 0, topup_won=locked.topup_won)
    return topup


# --- Reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GiftLine:
    id: int
    name: str | None  # None: the giver chose to stay anonymous
    amount_won: int
    matched_won: int
    message: str | None
    created_at: datetime
    cancelled: bool = False


@dataclass(frozen=True)
class FundraiserOverview:
    crew_won: int
    matched_won: int
    topup_won: int  # written (at close)
    topup_pending: int  # declared, still to come at close
    goal_won: int
    givers: int
    policy: MatchPolicy
    company_cap: int | None
    budget_left: int | None  # None: the company set no cap
    accepting: bool
    recent: list[GiftLine]
    my_gifted: int = 0
    my_matched: int = 0
    my_match_left: int | None = 0
    my_gifts: tuple[GiftLine, ...] = ()

    @property
    def total(self) -> int:
        return self.crew_won + self.matched_won + self.topup_won

    @property
    def total_with_topup(self) -> int:
        return self.total + self.topup_pending

    @property
    def percent(self) -> float:
        return min(100.0, 100.0 * self.total / self.goal_won) if self.goal_won else 0.0


def _cancelled():
    """True for a gift (``Pledge``) that has a reversing row."""
    reversal = aliased(Pledge)
    return select(reversal.id).where(reversal.reverses_id == Pledge.id).exists()


def _gift_lines(session: Session, statement) -> list[GiftLine]:
    match = aliased(Pledge)
    matched = (
        select(func.coalesce(func.sum(match.amount_won), 0))
        .where(match.matches_id == Pledge.id, match.source == PledgeSource.MATCH)
        .where(match.reverses_id.is_(None))
        .scalar_subquery()
    )
    rows = session.execute(
        statement.add_columns(User.display_name, matched, _cancelled()).join(
            User, User.id == Pledge.user_id
        )
    ).all()
    return [
        GiftLine(
            id=gift.id,
            name=None if gift.anonymous else name,
            amount_won=gift.amount_won,
            matched_won=int(match_won),
            message=gift.message,
            created_at=gift.created_at,
            cancelled=bool(was_cancelled),
        )
        for gift, name, match_won, was_cancelled in rows
    ]


def overview(
    session: Session, campaign: Campaign, viewer: User | None, now: datetime, recent: int = 20
) -> FundraiserOverview:
    """What the fundraiser's page shows: crew-given, matched and top-up apart, the budget left,
    the latest gifts (cancelled ones left out) and the viewer's own gifts."""
    campaign = _fundraiser(campaign, viewer)
    totals = counters.totals(session, campaign.id)
    originals = select(Pledge).where(
        Pledge.campaign_id == campaign.id,
        Pledge.source == PledgeSource.CREW,
        Pledge.reverses_id.is_(None),
    )
    lines = _gift_lines(
        session, originals.where(~_cancelled()).order_by(Pledge.id.desc()).limit(recent)
    )
    policy = policy_of(campaign)
    result = FundraiserOverview(
        crew_won=totals.crew_won,
        matched_won=totals.sponsor_won,
        topup_won=totals.topup_won,
        topup_pending=campaign.topup_won if totals.topup_won == 0 else 0,
        goal_won=campaign.goal_won,
        givers=totals.participants,
        policy=policy,
        company_cap=totals.purse_cap,
        budget_left=totals.purse_left if policy.matches else 0,
        accepting=is_live(campaign.status, campaign.starts_at, campaign.ends_at, now),
        recent=lines,
        my_match_left=match_left_for(policy, 0),
    )
    if viewer is None:
        return result
    participant = session.scalar(
        select(Participant).where(
            Participant.campaign_id == campaign.id, Participant.user_id == viewer.id
        )
    )
    if participant is None:
        return result
    mine = _gift_lines(session, originals.where(Pledge.user_id == viewer.id).order_by(Pledge.id))
    return replace(
        result,
        my_gifted=participant.gifted_won,
        my_matched=participant.matched_won,
        my_match_left=match_left_for(policy, participant.matched_won),
        my_gifts=tuple(mine),
    )
