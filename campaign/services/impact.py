"""Impact that is true: the units the purse paid for, apart from those only counted.

Stamps become units at the campaign's rate, and the action whose stamps complete a unit brings
that unit's ₩ (rules/conversion.py). Once the purse is spent, stamps still count but pay nothing,
so "12 trees counted" may be "10 trees paid for + 2 counted but unfunded". A unit is funded only
when its whole ₩ was paid: 51.7 trees counted and paid is 51 trees planted.

The ₩ paid for units is read from the counters when the campaign's only sponsored ₩ are unit ₩
(every stamp campaign of the seed: no fixed ₩ per action, no milestone); otherwise the few other
sponsored amounts are taken off it from the ledger (milestone pledges by their unique index; a
campaign that also pays a fixed ₩ per action sums its actions' pledges, which only such mixed
campaigns pay for).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.models import Action, Campaign, CampaignCounter, Correction, Pledge, PledgeSource
from campaign.rules.conversion import UnitRate


@dataclass(frozen=True)
class Impact:
    """A campaign's units: ``counted`` (exact, from the stamps) and ``funded`` (whole units
    whose ₩ the purse paid)."""

    counted: Fraction
    funded: int
    stamps: int = 0  # the campaign's stamps the units come from

    @property
    def unfunded(self) -> int:
        """Whole units counted after the purse ran out (a started unit is not one)."""
        return max(0, int(self.counted) - self.funded)

    def share(self, stamps: int) -> tuple[Fraction, Fraction]:
        """(funded, unfunded) units of someone who counted ``stamps`` of the campaign's: their
        share of each, in proportion to their stamps (so the shares add up to the whole)."""
        if self.stamps <= 0 or stamps <= 0:
            return Fraction(0), Fraction(0)
        part = Fraction(min(stamps, self.stamps), self.stamps)
        return self.funded * part, self.unfunded * part


def rate_of(campaign: Campaign) -> UnitRate | None:
    if campaign.stamps_per_unit is None or campaign.won_per_unit is None:
        return None
    return UnitRate(campaign.stamps_per_unit, campaign.won_per_unit)


def _pays_only_units(campaign: Campaign) -> bool:
    return all(t.worth_won == 0 for t in campaign.action_types)


def milestone_won(session: Session, campaign_ids: list[int]) -> dict[int, int]:
    """₩ paid by milestones, per campaign (one statement; a campaign has a handful)."""
    if not campaign_ids:
        return {}
    rows = session.execute(
        select(Pledge.campaign_id, func.sum(Pledge.amount_won))
        .where(Pledge.campaign_id.in_(campaign_ids), Pledge.source == PledgeSource.MILESTONE)
        .group_by(Pledge.campaign_id)
    ).all()
    return {campaign_id: int(amount or 0) for campaign_id, amount in rows}


def unit_won_paid(
    session: Session,
    campaign: Campaign,
    sponsor_won: int | None = None,
    milestones: int | None = None,
) -> int:
    """The sponsor ₩ paid for stamp units, net of corrections.

    ``sponsor_won`` (the counters' sum) lets a campaign that pays only for units answer without
    reading its actions' pledges; ``milestones`` (``milestone_won``) saves one more statement.
    """
    if _pays_only_units(campaign) and sponsor_won is not None:
        if milestones is None:
            milestones = (
                milestone_won(session, [campaign.id]).get(campaign.id, 0)
                if campaign.milestones
                else 0
            )
        return max(0, sponsor_won - milestones)
    stamp_types = {t.id: t.worth_won for t in campaign.action_types if t.worth_stamps > 0}
    if not stamp_types:
        return 0
    net = int(
        session.scalar(
            select(func.coalesce(func.sum(Pledge.amount_won), 0))
            .join(Action, Action.id == Pledge.action_id)
            .where(
                Pledge.campaign_id == campaign.id,
                Pledge.source == PledgeSource.ACTION,
                Action.action_type_id.in_(list(stamp_types)),
            )
        )
        or 0
    )
    mixed = [type_id for type_id, won in stamp_types.items() if won > 0]
    if not mixed:
        return max(0, net)
    # A mixed action's first ₩ are its fixed worth, the rest its units (clamps cut the units).
    voided = select(Correction.action_id).where(Correction.action_id.is_not(None))
    fixed = 0
    for type_id, amount in session.execute(
        select(Action.action_type_id, Pledge.amount_won)
        .join(Action, Action.id == Pledge.action_id)
        .where(
            Pledge.campaign_id == campaign.id,
            Pledge.source == PledgeSource.ACTION,
            Pledge.reverses_id.is_(None),
            Pledge.amount_won > 0,
            Action.action_type_id.in_(mixed),
            Action.id.not_in(voided),
        )
    ):
        fixed += min(stamp_types[type_id], int(amount))
    return max(0, net - fixed)


def campaign_impact(
    session: Session,
    campaign: Campaign,
    stamps: int,
    sponsor_won: int,
    milestones: int | None = None,
) -> Impact | None:
    """The campaign's units from its counters (``stamps``, ``sponsor_won``); None without a
    unit rate."""
    rate = rate_of(campaign)
    if rate is None:
        return None
    counted = rate.units(stamps)
    if rate.won_per_unit == 0 or (campaign.purse_won is None and _pays_only_units(campaign)):
        # Nothing caps it: every completed unit is paid.
        return Impact(counted, int(counted), stamps)
    paid_units = unit_won_paid(session, campaign, sponsor_won, milestones) // rate.won_per_unit
    return Impact(counted, min(int(counted), paid_units), stamps)


def impacts(session: Session, campaigns: list[Campaign]) -> dict[int, Impact]:
    """``campaign_impact`` of each campaign with a unit rate, in a constant number of statements
    (however many campaigns; a campaign that also pays fixed ₩ reads its own pledges)."""
    rated = [c for c in campaigns if rate_of(c) is not None]
    if not rated:
        return {}
    ids = [c.id for c in rated]
    sums = {
        campaign_id: (int(stamps or 0), int(won or 0))
        for campaign_id, stamps, won in session.execute(
            select(
                CampaignCounter.campaign_id,
                func.sum(CampaignCounter.stamps),
                func.sum(CampaignCounter.sponsor_won),
            )
            .where(CampaignCounter.campaign_id.in_(ids))
            .group_by(CampaignCounter.campaign_id)
        )
    }
    paid_by_milestones = milestone_won(session, [c.id for c in rated if c.milestones])
    found = {}
    for campaign in rated:
        stamps, won = sums.get(campaign.id, (0, 0))
        impact = campaign_impact(
            session, campaign, stamps, won, paid_by_milestones.get(campaign.id, 0)
        )
        assert impact is not None
        found[campaign.id] = impact
    return found
