"""Stamps imported in bulk leave the ledger and counters that one action at a time leaves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.errors import (
    CampaignClosed,
    CapReached,
    DuplicateEvidence,
    Invalid,
    NotParticipant,
)
from campaign.models import (
    Action,
    ActionType,
    Campaign,
    CampaignCounter,
    CampaignKind,
    DailyTally,
    Evidence,
    Participant,
    Pledge,
    TotalTally,
    User,
)
from campaign.rules.campaign_spec import MilestoneSpec
from campaign.services import counters
from campaign.services.actions import record_action
from campaign.services.bulk_stamps import StampRow, import_stamps
from campaign.services.participation import join
from campaign.services.reconcile import reconcile
from tests.factories import NOW, action, make_campaign, make_user

HOUR = timedelta(hours=1)


def stamp_campaign(session: Session, **fields: object) -> Campaign:
    """4 stamps a unit, 1,000원 a unit, a purse of 5,500원: the fifth unit is paid 500원 and
    everything after it counts for nothing."""
    return make_campaign(
        session,
        kind=CampaignKind.STAMP,
        actions=(
            action(
                "paper",
                worth_stamps=1,
                daily_cap=3,
                evidence=Evidence.REQUIRED,
                evidence_unique=True,
            ),
            action("apply", worth_stamps=3, total_cap=2),
            action("bonus", worth_stamps=2, worth_won=10),
        ),
        stamps_per_unit=4,
        won_per_unit=1_000,
        purse_won=5_500,
        **fields,
    )


def people(session: Session, campaigns: list[Campaign], count: int) -> list[User]:
    users = [make_user(session) for _ in range(count)]
    for campaign in campaigns:
        for user in users:
            join(session, user, campaign, None, NOW - HOUR)
    return users


def season(users: list[User]) -> list[StampRow]:
    """Twenty-odd actions over two KST days, caps filled to the limit, the purse crossed."""
    a, b, c = (user.id for user in users)
    plan = [
        (a, "paper"), (b, "apply"), (a, "paper"), (c, "bonus"), (a, "paper"),
        (b, "paper"), (b, "apply"), (c, "paper"), (c, "bonus"), (a, "bonus"),
        (c, "apply"), (a, "apply"), (b, "bonus"), (c, "paper"), (a, "apply"),
        (b, "bonus"), (c, "bonus"), (b, "paper"), (c, "apply"), (a, "bonus"),
    ]  # fmt: skip
    start = NOW - 20 * HOUR  # 19:00 KST the day before: the rows cross a KST midnight
    return [
        StampRow(user, code, f"bill-{n:03d}" if code == "paper" else None, start + n * HOUR / 2)
        for n, (user, code) in enumerate(plan)
    ]


def ledger(session: Session, campaign: Campaign) -> dict[str, list[tuple]]:
    """What a campaign's rows say, with its people and action types by position and code."""
    ids = {row.id: n for n, row in enumerate(session.scalars(select(User).order_by(User.id)))}
    code = {t.id: t.code for t in session.scalars(select(ActionType))}
    actions = session.scalars(
        select(Action).where(Action.campaign_id == campaign.id).order_by(Action.id)
    ).all()
    position = {row.id: n for n, row in enumerate(actions)}
    return {
        "actions": [
            (
                ids[r.user_id],
                code[r.action_type_id],
                r.stamps,
                r.won_due,
                r.evidence_key,
                r.counted_at,
                r.kst_day,
            )
            for r in actions
        ],
        "pledges": [
            (ids[p.user_id], position[p.action_id], p.source, p.amount_won, p.created_at)
            for p in session.scalars(
                select(Pledge).where(Pledge.campaign_id == campaign.id).order_by(Pledge.id)
            )
        ],
        "counters": [
            (c.shard, c.actions, c.stamps, c.sponsor_won, c.purse_cap)
            for c in session.scalars(
                select(CampaignCounter)
                .where(CampaignCounter.campaign_id == campaign.id)
                .order_by(CampaignCounter.shard)
            )
        ],
        "participants": sorted(
            (ids[p.user_id], p.actions, p.stamps)
            for p in session.scalars(
                select(Participant).where(Participant.campaign_id == campaign.id)
            )
        ),
        "daily": sorted(
            (ids[t.user_id], code[t.action_type_id], t.kst_day, t.count)
            for t in session.scalars(select(DailyTally))
            if t.action_type_id in {a.id for a in campaign.action_types}
        ),
        "total": sorted(
            (ids[t.user_id], code[t.action_type_id], t.count)
            for t in session.scalars(select(TotalTally))
            if t.action_type_id in {a.id for a in campaign.action_types}
        ),
    }


def one_by_one(session: Session, campaign: Campaign, rows: list[StampRow]) -> None:
    for row in rows:
        user = session.get(User, row.user_id)
        assert user is not None
        record_action(session, user, campaign, row.action_code, row.evidence, None, row.counted_at)


@pytest.mark.parametrize("shards", [1, 3])
def test_an_import_leaves_what_record_action_leaves(session: Session, shards: int) -> None:
    single = stamp_campaign(session, counter_shards=shards)
    bulk = stamp_campaign(session, counter_shards=shards)
    rows = season(people(session, [single, bulk], 3))
    one_by_one(session, single, rows)
    # Some of the season already counted one by one, the rest imported, given out of order.
    one_by_one(session, bulk, rows[:4])
    imported = import_stamps(session, bulk, list(reversed(rows[4:])), source="web")

    assert ledger(session, bulk) == ledger(session, single)
    every = ledger(session, bulk)
    # The purse (5,500원) is crossed inside the import: that row is paid the 500원 left, and
    # the stamps after it count for nothing.
    *_, (_, last, _, clamped, _) = every["pledges"]
    assert sum(amount for *_, amount, _at in every["pledges"]) == 5_500
    assert 0 < clamped < every["actions"][last][3]  # paid less than its won_due
    assert any(due for *_, due, _k, _t, _d in every["actions"][last + 1 :])  # unfunded after
    assert last >= 4  # inside the import
    assert sum(stamps for _, _, stamps, *_ in every["actions"]) == 39  # 9 whole units due
    assert imported.actions == 16 and imported.won < imported.won_due
    totals = counters.totals(session, bulk.id)
    assert (totals.stamps, totals.sponsor_won, totals.purse_left) == (39, 5_500, 0)
    assert reconcile(session) == []


def test_an_import_into_an_empty_campaign_pays_units_as_they_complete(session: Session) -> None:
    campaign = stamp_campaign(session)
    [user] = people(session, [campaign], 1)
    rows = [
        StampRow(user.id, "bonus", None, NOW - HOUR + n * timedelta(minutes=1)) for n in range(3)
    ]
    result = import_stamps(session, campaign, rows)
    # 2, 4, 6 stamps: the second completes the first unit (1,000원); each also brings 10원.
    assert [a.won_due for a in session.scalars(select(Action).order_by(Action.id))] == [
        10,
        1_010,
        10,
    ]
    assert result == type(result)(actions=3, stamps=6, won_due=1_030, won=1_030)
    assert {a.source for a in session.scalars(select(Action))} == {"import"}
    assert reconcile(session) == []


def test_a_daily_cap_refuses_the_whole_import(session: Session) -> None:
    campaign = stamp_campaign(session)
    [user] = people(session, [campaign], 1)
    record_action(session, user, campaign, "paper", "bill-a", None, NOW - HOUR)
    second = timedelta(seconds=1)
    rows = [StampRow(user.id, "paper", f"bill-{n}", NOW - HOUR + n * second) for n in range(1, 4)]
    with pytest.raises(CapReached) as refused:
        import_stamps(session, campaign, rows)
    assert refused.value.params == {"cap": "daily", "limit": 3}
    session.rollback()


def test_the_same_day_again_the_next_kst_day_is_fine(session: Session) -> None:
    campaign = stamp_campaign(session)
    [user] = people(session, [campaign], 1)
    # 23:30 KST and 00:30 KST the next day: three each, under the daily cap of 3.
    late = NOW.replace(hour=14, minute=30) - timedelta(days=1)
    rows = [
        StampRow(user.id, "paper", f"bill-{day}-{n}", late + day * HOUR + n * timedelta(seconds=1))
        for day in range(2)
        for n in range(3)
    ]
    import_stamps(session, campaign, rows)
    assert sorted(t.count for t in session.scalars(select(DailyTally))) == [3, 3]
    assert reconcile(session) == []


def test_a_total_cap_counts_what_was_there_before(session: Session) -> None:
    campaign = stamp_campaign(session)
    [user] = people(session, [campaign], 1)
    record_action(session, user, campaign, "apply", None, None, NOW - 2 * HOUR)
    rows = [StampRow(user.id, "apply", None, NOW - HOUR + n * HOUR / 4) for n in range(2)]
    with pytest.raises(CapReached) as refused:
        import_stamps(session, campaign, rows)
    assert refused.value.params == {"cap": "total", "limit": 2}
    session.rollback()


def test_evidence_counts_once_however_it_is_typed(session: Session) -> None:
    campaign = stamp_campaign(session)
    [user] = people(session, [campaign], 1)
    record_action(session, user, campaign, "paper", "BILL-2026-77", None, NOW - 2 * HOUR)
    session.commit()
    before = ledger(session, campaign)
    with pytest.raises(DuplicateEvidence):  # counted before
        import_stamps(session, campaign, [StampRow(user.id, "paper", "bill 2026 77", NOW)])
    session.rollback()
    twice = [StampRow(user.id, "paper", ref, NOW - HOUR) for ref in ("A-1", "a1")]
    with pytest.raises(DuplicateEvidence):  # twice in the import
        import_stamps(session, campaign, twice)
    session.rollback()
    with pytest.raises(Invalid) as missing:
        import_stamps(session, campaign, [StampRow(user.id, "paper", "  ", NOW - HOUR)])
    assert missing.value.params["reason"] == "evidence_required"
    session.rollback()
    assert ledger(session, campaign) == before


def test_only_open_campaigns_known_actions_and_participants(session: Session) -> None:
    campaign = stamp_campaign(session)
    [user] = people(session, [campaign], 1)
    stranger = make_user(session)
    with pytest.raises(Invalid) as unknown:
        import_stamps(session, campaign, [StampRow(user.id, "vote", None, NOW)])
    assert unknown.value.params["reason"] == "unknown_action"
    with pytest.raises(NotParticipant):
        import_stamps(session, campaign, [StampRow(stranger.id, "apply", None, NOW)])
    with pytest.raises(CampaignClosed):  # one row after the end refuses them all
        import_stamps(
            session,
            campaign,
            [
                StampRow(user.id, "apply", None, NOW),
                StampRow(user.id, "bonus", None, campaign.ends_at),
            ],
        )
    session.rollback()
    assert session.scalars(select(Action)).all() == []
    assert import_stamps(session, campaign, []).actions == 0


def test_what_the_import_does_not_model_goes_one_by_one(session: Session) -> None:
    cheers = make_campaign(session)  # no stamp rate
    with pytest.raises(ValueError):
        import_stamps(session, cheers, [])
    milestones = stamp_campaign(session, milestones=(MilestoneSpec(10, 1_000, "10"),))
    with pytest.raises(ValueError):
        import_stamps(session, milestones, [])
    mixed = make_campaign(
        session,
        kind=CampaignKind.STAMP,
        actions=(action("cheer", worth_won=100),),
        stamps_per_unit=4,
        won_per_unit=1_000,
    )
    [user] = people(session, [mixed], 1)
    with pytest.raises(ValueError):
        import_stamps(session, mixed, [StampRow(user.id, "cheer", None, NOW)])
