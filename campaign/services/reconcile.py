"""Prove the counters: recompute every one from the ledger and list what differs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.models import (
    Action,
    ActionType,
    Campaign,
    CampaignCounter,
    DailyTally,
    Participant,
    Pledge,
    PledgeSource,
    Team,
    TeamCounter,
    TotalTally,
)
from campaign.services.corrections import voided_ids

SPONSORED = (PledgeSource.ACTION, PledgeSource.MILESTONE, PledgeSource.MATCH)


@dataclass(frozen=True)
class Difference:
    scope: str  # "campaign", "team", "participant", "daily_tally", "total_tally", "purse"
    key: str
    field: str
    counter: int
    ledger: int

    def __str__(self) -> str:
        return (
            f"{self.scope} {self.key} {self.field}: counter {self.counter} ≠ ledger {self.ledger}"
        )


def _compare(
    scope: str,
    counted: dict[tuple, dict[str, int]],
    derived: dict[tuple, dict[str, int]],
    fields: Iterable[str],
) -> list[Difference]:
    out = []
    for key in sorted(set(counted) | set(derived), key=str):
        for name in fields:
            have = counted.get(key, {}).get(name, 0)
            want = derived.get(key, {}).get(name, 0)
            if have != want:
                out.append(Difference(scope, "/".join(map(str, key)), name, have, want))
    return out


def _rows(session: Session, statement, names: list[str]) -> dict[tuple, dict[str, int]]:
    result: dict[tuple, dict[str, int]] = defaultdict(dict)
    width = len(names)
    for row in session.execute(statement):
        key, values = tuple(row[:-width]), row[-width:]
        for name, value in zip(names, values, strict=True):
            result[key][name] = result[key].get(name, 0) + int(value or 0)
    return result


def reconcile(session: Session, campaign_id: int | None = None) -> list[Difference]:
    """Every counter that does not equal its ledger sum (empty when all is well). Voided actions
    (services/corrections.py) count for nothing; their reversing pledges are summed like any."""

    def only(column):
        return column == campaign_id if campaign_id is not None else column.is_not(None)

    differences: list[Difference] = []

    counted = _rows(
        session,
        select(
            CampaignCounter.campaign_id,
            func.sum(CampaignCounter.actions),
            func.sum(CampaignCounter.stamps),
            func.sum(CampaignCounter.participants),
            func.sum(CampaignCounter.sponsor_won),
            func.sum(CampaignCounter.crew_won),
            func.sum(CampaignCounter.topup_won),
        )
        .where(only(CampaignCounter.campaign_id))
        .group_by(CampaignCounter.campaign_id),
        ["actions", "stamps", "participants", "sponsor_won", "crew_won", "topup_won"],
    )
    derived = _rows(
        session,
        select(Action.campaign_id, func.count(), func.sum(Action.stamps))
        .where(only(Action.campaign_id), Action.id.not_in(voided_ids()))
        .group_by(Action.campaign_id),
        ["actions", "stamps"],
    )
    for key, values in _rows(
        session,
        select(Participant.campaign_id, func.count())
        .where(only(Participant.campaign_id))
        .group_by(Participant.campaign_id),
        ["participants"],
    ).items():
        derived[key].update(values)
    for campaign, source, amount in session.execute(
        select(Pledge.campaign_id, Pledge.source, func.sum(Pledge.amount_won))
        .where(only(Pledge.campaign_id))
        .group_by(Pledge.campaign_id, Pledge.source)
    ):
        name = "sponsor_won" if source in SPONSORED else f"{source.value}_won"
        derived[(campaign,)][name] = derived[(campaign,)].get(name, 0) + int(amount)
    differences += _compare(
        "campaign",
        counted,
        derived,
        ["actions", "stamps", "participants", "sponsor_won", "crew_won", "topup_won"],
    )

    # Plain columns, not Campaign objects: loading those would load all their rules too.
    for capped_id, purse_won in session.execute(
        select(Campaign.id, Campaign.purse_won).where(
            only(Campaign.id), Campaign.purse_won.is_not(None)
        )
    ):
        spent = counted.get((capped_id,), {}).get("sponsor_won", 0)
        if spent > purse_won:
            differences.append(Difference("purse", str(capped_id), "sponsor_won", spent, purse_won))

    differences += _compare(
        "team",
        _rows(
            session,
            select(
                TeamCounter.team_id,
                func.sum(TeamCounter.actions),
                func.sum(TeamCounter.participants),
                func.sum(TeamCounter.won),
            )
            .join(Team, Team.id == TeamCounter.team_id)
            .where(only(Team.campaign_id))
            .group_by(TeamCounter.team_id),
            ["actions", "participants", "won"],
        ),
        _merge(
            _rows(
                session,
                select(Action.team_id, func.count())
                .where(
                    only(Action.campaign_id),
                    Action.id.not_in(voided_ids()),
                    Action.team_id.is_not(None),
                )
                .group_by(Action.team_id),
                ["actions"],
            ),
            _rows(
                session,
                select(Participant.team_id, func.count())
                .where(only(Participant.campaign_id), Participant.team_id.is_not(None))
                .group_by(Participant.team_id),
                ["participants"],
            ),
            _rows(
                session,
                select(Pledge.team_id, func.sum(Pledge.amount_won))
                .where(
                    only(Pledge.campaign_id),
                    Pledge.team_id.is_not(None),
                    Pledge.source == PledgeSource.ACTION,
                )
                .group_by(Pledge.team_id),
                ["won"],
            ),
        ),
        ["actions", "participants", "won"],
    )

    differences += _compare(
        "participant",
        _rows(
            session,
            select(
                Participant.campaign_id,
                Participant.user_id,
                Participant.actions,
                Participant.stamps,
                Participant.gifted_won,
                Participant.matched_won,
            ).where(only(Participant.campaign_id)),
            ["actions", "stamps", "gifted_won", "matched_won"],
        ),
        _merge(
            _rows(
                session,
                select(Action.campaign_id, Action.user_id, func.count(), func.sum(Action.stamps))
                .where(only(Action.campaign_id), Action.id.not_in(voided_ids()))
                .group_by(Action.campaign_id, Action.user_id),
                ["actions", "stamps"],
            ),
            _rows(
                session,
                select(Pledge.campaign_id, Pledge.user_id, func.sum(Pledge.amount_won))
                .where(only(Pledge.campaign_id), Pledge.source == PledgeSource.CREW)
                .group_by(Pledge.campaign_id, Pledge.user_id),
                ["gifted_won"],
            ),
            _rows(
                session,
                select(Pledge.campaign_id, Pledge.user_id, func.sum(Pledge.amount_won))
                .where(only(Pledge.campaign_id), Pledge.source == PledgeSource.MATCH)
                .group_by(Pledge.campaign_id, Pledge.user_id),
                ["matched_won"],
            ),
        ),
        ["actions", "stamps", "gifted_won", "matched_won"],
    )

    differences += _compare(
        "daily_tally",
        _rows(session, _tallies(DailyTally, only), ["count"]),
        _rows(session, _capped_action_counts(only, daily=True), ["count"]),
        ["count"],
    )
    differences += _compare(
        "total_tally",
        _rows(session, _tallies(TotalTally, only), ["count"]),
        _rows(session, _capped_action_counts(only, daily=False), ["count"]),
        ["count"],
    )
    return differences


def _merge(*parts: dict[tuple, dict[str, int]]) -> dict[tuple, dict[str, int]]:
    merged: dict[tuple, dict[str, int]] = defaultdict(dict)
    for part in parts:
        for key, values in part.items():
            merged[key].update(values)
    return merged


def _tallies(table, only):
    keys = [table.user_id, table.action_type_id] + ([table.kst_day] if table is DailyTally else [])
    return (
        select(*keys, table.count)
        .join(ActionType, ActionType.id == table.action_type_id)
        .where(only(ActionType.campaign_id))
    )


def _capped_action_counts(only, *, daily: bool):
    cap = ActionType.daily_cap if daily else ActionType.total_cap
    keys = [Action.user_id, Action.action_type_id] + ([Action.kst_day] if daily else [])
    return (
        select(*keys, func.count())
        .join(ActionType, ActionType.id == Action.action_type_id)
        .where(only(Action.campaign_id), Action.id.not_in(voided_ids()), cap.is_not(None))
        .group_by(*keys)
    )
