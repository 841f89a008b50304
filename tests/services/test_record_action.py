"""record_action on both databases: every refusal writes nothing, every grant is exact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from campaign.errors import (
    CampaignClosed,
    CampaignNotOpen,
    CapReached,
    DomainError,
    DuplicateEvidence,
    IdempotencyKeyReused,
    Invalid,
    NotParticipant,
)
from campaign.models import Action, Campaign, CampaignKind, CampaignStatus, Pledge, PledgeSource
from campaign.rules.campaign_spec import MilestoneSpec
from campaign.rules.states import Evidence
from campaign.services import counters, milestones
from campaign.services.actions import RecordedAction, record_action
from campaign.services.milestones import unlock_reached
from campaign.services.participation import join
from campaign.services.reconcile import reconcile
from tests.factories import DAY, NOW, action, make_campaign, make_user
from tests.ledger_facts import milestone_pledges, pledged, shard_rows, snapshot


def joined(session: Session, campaign: Campaign, team: str | None = None):
    user = make_user(session)
    join(session, user, campaign, team, NOW)
    return user


def refused(session: Session, error: type[DomainError], *args, **kwargs) -> DomainError:
    """Call record_action expecting ``error``; roll back as the web layer does and check that
    nothing at all was written."""
    before = snapshot(session)
    with pytest.raises(error) as raised:
        record_action(session, *args, **kwargs)
    session.rollback()
    assert snapshot(session) == before
    return raised.value


def record(session: Session, user, campaign: Campaign, code: str, **kw) -> RecordedAction:
    return record_action(
        session,
        user,
        campaign,
        code,
        kw.pop("evidence", None),
        kw.pop("key", None),
        kw.pop("now", NOW),
        **kw,
    )


def test_a_cheer_counts_and_pledges_its_won(session: Session) -> None:
    campaign = make_campaign(session, purse_won=10_000)
    user = joined(session, campaign)
    result = record(session, user, campaign, "cheer")
    session.commit()
    assert (result.won, result.won_due, result.purse_exhausted) == (100, 100, False)
    assert result.action.user_id == user.id and result.action.counted_at == NOW
    assert result.action.kst_day == datetime(2026, 11, 25).date()
    [pledge] = session.scalars(select(Pledge))
    assert (pledge.source, pledge.amount_won, pledge.action_id) == (
        PledgeSource.ACTION,
        100,
        result.action.id,
    )
    totals = counters.totals(session, campaign.id)
    assert (totals.actions, totals.sponsor_won, totals.purse_left) == (1, 100, 9_900)
    assert reconcile(session) == []


# --- refusals --------------------------------------------------------------------------------


def test_unknown_action(session: Session) -> None:
    campaign = make_campaign(session)
    user = joined(session, campaign)
    session.commit()
    for code in ("nope", "", "CHEER"):
        error = refused(session, Invalid, user, campaign, code, None, None, NOW)
        assert (error.field, error.reason) == ("action", "unknown_action")


def test_not_joined(session: Session) -> None:
    campaign = make_campaign(session)
    user = make_user(session)
    session.commit()
    refused(session, NotParticipant, user, campaign, "cheer", None, None, NOW)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (CampaignStatus.SCHEDULED, CampaignNotOpen),
        (CampaignStatus.PAUSED, CampaignNotOpen),
        (CampaignStatus.CLOSED, CampaignClosed),
        (CampaignStatus.SETTLED, CampaignClosed),
        (CampaignStatus.CANCELLED, CampaignClosed),
    ],
)
def test_status_refusals(session: Session, status: CampaignStatus, error: type) -> None:
    campaign = make_campaign(session)
    user = joined(session, campaign)
    campaign.status = status
    session.commit()
    refused(session, error, user, campaign, "cheer", None, None, NOW)


def test_the_window_is_checked_at_write_time(session: Session) -> None:
    campaign = make_campaign(session, starts_at=NOW, ends_at=NOW + DAY)
    user = joined(session, campaign)
    session.commit()
    # Status still ACTIVE (no job has run): the instant alone decides.
    refused(session, CampaignNotOpen, user, campaign, "cheer", None, None, NOW - timedelta(1e-6))
    refused(session, CampaignClosed, user, campaign, "cheer", None, None, NOW + DAY)
    refused(session, CampaignClosed, user, campaign, "cheer", None, None, NOW + 5 * DAY)
    assert record(session, user, campaign, "cheer", now=NOW).won == 100  # now == starts_at
    last = NOW + DAY - timedelta(microseconds=1)
    assert record(session, user, campaign, "cheer", now=last).won == 100


def test_the_status_is_read_again_when_the_action_is_written(engine, session: Session) -> None:
    """A campaign object loaded before a close (another request's) cannot let an action in."""
    campaign = make_campaign(session)
    user = joined(session, campaign)
    session.commit()
    assert campaign.status == CampaignStatus.ACTIVE  # loaded, and kept (expire_on_commit=False)
    with Session(engine) as admin, admin.begin():
        admin.execute(
            update(Campaign).where(Campaign.id == campaign.id).values(status=CampaignStatus.CLOSED)
        )
    assert campaign.status == CampaignStatus.ACTIVE  # still stale in this session
    refused(session, CampaignClosed, user, campaign, "cheer", None, None, NOW)


def test_daily_cap_exactly_at_the_limit_then_refused(session: Session) -> None:
    campaign = make_campaign(session, actions=(action("cheer", worth_won=100, daily_cap=3),))
    user, other = joined(session, campaign), joined(session, campaign)
    for _ in range(3):
        record(session, user, campaign, "cheer")
    session.commit()
    error = refused(session, CapReached, user, campaign, "cheer", None, None, NOW)
    assert error.params == {"cap": "daily", "limit": 3}
    assert record(session, other, campaign, "cheer").won == 100  # caps are per person
    assert reconcile(session) == []


def test_the_daily_cap_resets_at_kst_midnight(session: Session) -> None:
    campaign = make_campaign(
        session,
        actions=(action("cheer", worth_won=100, daily_cap=2),),
        starts_at=NOW - 5 * DAY,
    )
    user = joined(session, campaign)
    late = datetime(2026, 11, 25, 14, 59, 59, tzinfo=UTC)  # 23:59:59 KST on the 25th
    midnight = datetime(2026, 11, 25, 15, 0, 0, tzinfo=UTC)  # 00:00 KST on the 26th
    early = datetime(2026, 11, 24, 15, 0, 0, tzinfo=UTC)  # 00:00 KST on the 25th
    record(session, user, campaign, "cheer", now=early)
    record(session, user, campaign, "cheer", now=late)
    session.commit()
    refused(session, CapReached, user, campaign, "cheer", None, None, late)
    # 14:59 UTC on the 24th is still the 24th in Seoul: a different day with its own cap.
    record(session, user, campaign, "cheer", now=early - timedelta(seconds=1))
    record(session, user, campaign, "cheer", now=midnight)
    record(session, user, campaign, "cheer", now=midnight + timedelta(hours=8))
    session.commit()
    refused(session, CapReached, user, campaign, "cheer", None, None, midnight)
    days = sorted(a.kst_day.day for a in session.scalars(select(Action)))
    assert days == [24, 25, 25, 26, 26]
    assert reconcile(session) == []


def test_total_cap(session: Session) -> None:
    campaign = make_campaign(
        session, actions=(action("cheer", worth_won=100, total_cap=2, daily_cap=5),)
    )
    user = joined(session, campaign)
    record(session, user, campaign, "cheer")
    record(session, user, campaign, "cheer", now=NOW + DAY)
    session.commit()
    error = refused(session, CapReached, user, campaign, "cheer", None, None, NOW + 2 * DAY)
    assert error.params == {"cap": "total", "limit": 2}
    assert reconcile(session) == []


def test_evidence_required(session: Session) -> None:
    campaign = make_campaign(
        session,
        actions=(
            action("switch", worth_won=100, evidence=Evidence.REQUIRED, evidence_unique=True),
        ),
    )
    user = joined(session, campaign)
    session.commit()
    for blank in (None, "", "   "):
        error = refused(session, Invalid, user, campaign, "switch", blank, None, NOW)
        assert (error.field, error.reason) == ("evidence", "evidence_required")


def test_the_same_evidence_counts_once_case_and_spacing_folded(session: Session) -> None:
    campaign = make_campaign(
        session,
        actions=(
            action("switch", worth_won=100, evidence=Evidence.REQUIRED, evidence_unique=True),
            action("note", worth_won=10, evidence=Evidence.OPTIONAL),
        ),
    )
    user, other = joined(session, campaign), joined(session, campaign)
    first = record(session, user, campaign, "switch", evidence="  BILL-001 ")
    session.commit()
    assert first.action.evidence == "BILL-001" and first.action.evidence_key == "blllool"
    for again in ("BILL-001", "bill-001", "  Bill-001\t", "ＢＩＬＬ－００１", "BILL\u200b-001"):
        refused(session, DuplicateEvidence, other, campaign, "switch", again, None, NOW)
        refused(session, DuplicateEvidence, user, campaign, "switch", again, None, NOW)
    assert record(session, other, campaign, "switch", evidence="BILL-002").won == 100
    # Evidence that need not be unique may repeat.
    record(session, user, campaign, "note", evidence="BILL-001")
    record(session, other, campaign, "note", evidence="BILL-001")
    session.commit()
    assert reconcile(session) == []


def test_look_alike_bills_are_duplicates(session: Session) -> None:
    campaign = make_campaign(
        session,
        actions=(
            action("switch", worth_won=100, evidence=Evidence.REQUIRED, evidence_unique=True),
        ),
    )
    user, other = joined(session, campaign), joined(session, campaign)
    record(session, user, campaign, "switch", evidence="BILL-2026-77")
    session.commit()
    # U+2010 hyphens, a Cyrillic capital VE, spaces for dashes, no dashes at all.
    for look_alike in ("BILL\u20102026\u201077", "\u0412ILL-2026-77", "BILL 2026 77", "BILL202677"):
        refused(session, DuplicateEvidence, other, campaign, "switch", look_alike, None, NOW)
    error = refused(session, Invalid, other, campaign, "switch", "BILL-\u202e77-2026", None, NOW)
    assert (error.field, error.reason) == ("evidence", "bad_characters")
    assert record(session, other, campaign, "switch", evidence="BILL-2026-78").won == 100
    session.commit()
    assert reconcile(session) == []


# --- idempotency -----------------------------------------------------------------------------


def test_a_replay_returns_the_first_result_and_writes_nothing(session: Session) -> None:
    campaign = make_campaign(session, milestones=(MilestoneSpec(1, 5_000),))
    user = joined(session, campaign)
    first = record(session, user, campaign, "cheer", key="k-1")
    session.commit()
    assert first.milestones and first.milestones[0].won == 5_000
    before = snapshot(session)
    for later in (NOW, NOW + 20 * DAY):  # even after the end: the first result stands
        again = record(session, user, campaign, "cheer", key="k-1", now=later)
        assert again.replayed and not first.replayed
        assert again.action.id == first.action.id
        assert (again.won, again.won_due) == (first.won, first.won_due)
        assert again.milestones == first.milestones
    session.flush()
    assert snapshot(session) == before


def test_a_key_reused_for_another_request_is_refused(session: Session) -> None:
    campaign = make_campaign(
        session,
        actions=(
            action("cheer", worth_won=100),
            action("share", worth_won=50, evidence=Evidence.OPTIONAL),
        ),
    )
    user, other = joined(session, campaign), joined(session, campaign)
    record(session, user, campaign, "share", evidence="post-1", key="k-1")
    session.commit()
    refused(session, IdempotencyKeyReused, user, campaign, "cheer", None, "k-1", NOW)
    refused(session, IdempotencyKeyReused, user, campaign, "share", "post-2", "k-1", NOW)
    # Keys belong to one person: someone else's "k-1" is a new request.
    assert not record(session, other, campaign, "share", evidence="post-1", key="k-1").replayed


def test_a_malformed_key_is_refused(session: Session) -> None:
    campaign = make_campaign(session)
    user = joined(session, campaign)
    session.commit()
    error = refused(session, Invalid, user, campaign, "cheer", None, "has space", NOW)
    assert error.field == "idempotency_key"


# --- the purse ---------------------------------------------------------------------------------


def test_the_purse_pays_a_partial_grant_then_nothing_while_actions_still_count(
    session: Session,
) -> None:
    campaign = make_campaign(session, purse_won=250)
    user = joined(session, campaign)
    results = [record(session, user, campaign, "cheer") for _ in range(5)]
    session.commit()
    assert [r.won for r in results] == [100, 100, 50, 0, 0]
    assert [r.purse_exhausted for r in results] == [False, False, True, True, True]
    assert all(r.won_due == 100 for r in results)
    totals = counters.totals(session, campaign.id)
    assert (totals.actions, totals.sponsor_won, totals.purse_left) == (5, 250, 0)
    assert pledged(session, campaign.id) == 250
    assert session.scalar(select(Pledge.id).where(Pledge.amount_won == 0)) is None
    assert reconcile(session) == []


def test_stamps_become_units_across_the_whole_campaign(session: Session) -> None:
    campaign = make_campaign(
        session,
        kind=CampaignKind.STAMP,
        stamps_per_unit=40,
        won_per_unit=5_000,
        purse_won=12_000,
        actions=(action("report", worth_stamps=10), action("apply", worth_stamps=30)),
    )
    a, b = joined(session, campaign), joined(session, campaign)
    steps = [(a, "report"), (b, "report"), (a, "apply"), (b, "apply"), (a, "apply")]
    results = [record(session, user, campaign, code) for user, code in steps]
    session.commit()
    # stamps: 10, 20, 50 (tree 1), 80 (tree 2), 110 → the purse holds 2 trees and 2,000원
    assert [r.won_due for r in results] == [0, 0, 5_000, 5_000, 0]
    assert [r.won for r in results] == [0, 0, 5_000, 5_000, 0]
    big = record(session, b, campaign, "apply")  # 140: tree 3 finished, 2,000원 left
    assert (big.won_due, big.won, big.purse_exhausted) == (5_000, 2_000, True)
    session.commit()
    totals = counters.totals(session, campaign.id)
    assert (totals.stamps, totals.sponsor_won, totals.purse_left) == (140, 12_000, 0)
    assert pledged(session, campaign.id) == 12_000
    assert reconcile(session) == []


def test_several_units_in_one_action(session: Session) -> None:
    campaign = make_campaign(
        session,
        kind=CampaignKind.STAMP,
        stamps_per_unit=37,
        won_per_unit=1_000,
        actions=(action("big", worth_stamps=100, worth_won=30),),
    )
    user = joined(session, campaign)
    first, second = record(session, user, campaign, "big"), record(session, user, campaign, "big")
    # 0 → 100 finishes units at 37 and 74; 100 → 200 those at 111, 148 and 185.
    assert (first.won, second.won) == (2_030, 3_030)
    session.commit()
    assert reconcile(session) == []


# --- milestones --------------------------------------------------------------------------------


def test_a_milestone_unlocks_exactly_once_when_its_threshold_is_reached(session: Session) -> None:
    campaign = make_campaign(
        session,
        kind=CampaignKind.TEAM,
        actions=(action("vote"),),
        milestones=(MilestoneSpec(3, 10_000), MilestoneSpec(5, 20_000)),
    )
    dog, cat = joined(session, campaign, "dog"), joined(session, campaign, "cat")
    results = [record(session, user, campaign, "vote") for user in (dog, cat, dog, cat, dog, dog)]
    session.commit()
    assert [[m.threshold for m in r.milestones] for r in results] == [[], [], [3], [], [5], []]
    assert [m.won for r in results for m in r.milestones] == [10_000, 20_000]
    assert all(r.won == 0 and not r.purse_exhausted for r in results)
    assert sorted(milestone_pledges(session, campaign.id).values()) == [1, 1]
    # A sweep afterwards finds nothing left to do.
    assert unlock_reached(session, campaign, NOW) == []
    session.commit()
    assert pledged(session, campaign.id, PledgeSource.MILESTONE) == 30_000
    assert reconcile(session) == []


def test_milestones_are_clamped_by_the_purse(session: Session) -> None:
    campaign = make_campaign(
        session,
        actions=(action("cheer", worth_won=100),),
        purse_won=15_000,
        milestones=(MilestoneSpec(2, 10_000), MilestoneSpec(3, 10_000)),
    )
    user = joined(session, campaign)
    results = [record(session, user, campaign, "cheer") for _ in range(4)]
    session.commit()
    # 100 → 200 + 10,000 → 300 + 4,700 (all that is left) → 0
    assert [r.won for r in results] == [100, 100, 100, 0]
    assert [m.won for r in results for m in r.milestones] == [10_000, 4_700]
    assert counters.totals(session, campaign.id).purse_left == 0
    assert pledged(session, campaign.id) == 15_000
    assert reconcile(session) == []


def test_a_milestone_reached_on_an_empty_purse_still_unlocks_once_with_zero(
    session: Session,
) -> None:
    campaign = make_campaign(session, purse_won=100, milestones=(MilestoneSpec(2, 10_000),))
    user = joined(session, campaign)
    record(session, user, campaign, "cheer")
    second = record(session, user, campaign, "cheer")
    session.commit()
    assert [(m.threshold, m.won) for m in second.milestones] == [(2, 0)]
    assert unlock_reached(session, campaign, NOW) == []
    assert list(milestone_pledges(session, campaign.id).values()) == [1]


# --- teams ---------------------------------------------------------------------------------------


def test_team_counters_follow_the_voters_team(session: Session) -> None:
    campaign = make_campaign(
        session, kind=CampaignKind.TEAM, actions=(action("vote", worth_won=10),), purse_won=45
    )
    dogs = [joined(session, campaign, "dog") for _ in range(2)]
    cat = joined(session, campaign, "cat")
    for user in (*dogs, cat, dogs[0], cat, cat):
        record(session, user, campaign, "vote")
    session.commit()
    by_code = {team.code: team.id for team in campaign.teams}
    teams = counters.team_totals(session, list(by_code.values()))
    assert (teams[by_code["dog"]].actions, teams[by_code["dog"]].participants) == (3, 2)
    assert (teams[by_code["cat"]].actions, teams[by_code["cat"]].participants) == (3, 1)
    # 10, 10, 10, 10, 5, 0: the purse of 45원 ran out on the cat's second vote
    assert (teams[by_code["dog"]].won, teams[by_code["cat"]].won) == (30, 15)
    actions = session.scalars(select(Action).order_by(Action.id)).all()
    assert [a.team_id for a in actions] == [
        by_code[c] for c in ("dog",) * 2 + ("cat", "dog") + ("cat",) * 2
    ]
    assert reconcile(session) == []


# --- sharded counters --------------------------------------------------------------------------


def test_sharded_counters_are_exact_and_never_overrun_the_purse(session: Session) -> None:
    campaign = make_campaign(session, counter_shards=4, purse_won=1_030)
    users = [joined(session, campaign) for _ in range(5)]
    results = [record(session, users[i % 5], campaign, "cheer") for i in range(40)]
    session.commit()
    rows = shard_rows(session, campaign.id)
    assert [r.purse_cap for r in rows] == [258, 258, 257, 257]
    assert all(r.sponsor_won <= r.purse_cap for r in rows)
    totals = counters.totals(session, campaign.id)
    assert (totals.actions, totals.participants, totals.purse_cap) == (40, 5, 1_030)
    # The purse is spent to the last won, never beyond it, whatever rows the writes hit.
    assert totals.sponsor_won == sum(r.won for r in results) == 1_030
    assert pledged(session, campaign.id) == 1_030
    # Every grant is 100원 until the purse as a whole runs dry: a dry row borrows from the others.
    granted = [r.won for r in results]
    assert granted[:10] == [100] * 10
    assert granted[10] == 30 and set(granted[11:]) == {0}
    assert reconcile(session) == []


def test_sharded_stamp_grants_spill_over_to_other_rows(session: Session) -> None:
    campaign = make_campaign(
        session,
        kind=CampaignKind.STAMP,
        counter_shards=4,
        stamps_per_unit=2,
        won_per_unit=1_000,
        purse_won=7_000,  # slices of 1,750원: each tree of 1,000원 straddles them
        actions=(action("stamp", worth_stamps=1),),
    )
    user = joined(session, campaign)
    results = [record(session, user, campaign, "stamp") for _ in range(20)]
    session.commit()
    assert [r.won for r in results if r.won_due] == [1_000] * 7 + [0] * 3
    assert counters.totals(session, campaign.id).sponsor_won == 7_000
    assert reconcile(session) == []


def test_sharded_milestones_unlock_at_the_vote_that_reaches_them(session: Session) -> None:
    campaign = make_campaign(
        session,
        kind=CampaignKind.TEAM,
        actions=(action("vote"),),
        counter_shards=4,
        purse_won=25_000,
        milestones=(
            MilestoneSpec(10, 10_000),
            MilestoneSpec(20, 10_000),
            MilestoneSpec(30, 10_000),
        ),
    )
    dog, cat = joined(session, campaign, "dog"), joined(session, campaign, "cat")
    results = []
    for i in range(30):
        results.append(record(session, (dog, cat)[i % 2], campaign, "vote"))
        session.commit()
    # One vote at a time, each sees the whole count: the 10th, 20th and 30th votes unlock, with
    # the last one clamped to what the purse has left (10,000 + 10,000 + 5,000).
    unlocking = {n + 1: r.milestones for n, r in enumerate(results) if r.milestones}
    assert {n: [(m.threshold, m.won) for m in ms] for n, ms in unlocking.items()} == {
        10: [(10, 10_000)],
        20: [(20, 10_000)],
        30: [(30, 5_000)],
    }
    by_action = session.execute(
        select(Pledge.action_id).where(Pledge.source == PledgeSource.MILESTONE)
    ).scalars()
    assert sorted(by_action) == [results[n - 1].action.id for n in (10, 20, 30)]
    assert unlock_reached(session, campaign, NOW) == []  # nothing left for the sweep
    assert pledged(session, campaign.id, PledgeSource.MILESTONE) == 25_000
    assert counters.totals(session, campaign.id).purse_left == 0
    assert set(milestone_pledges(session, campaign.id).values()) == {1}
    assert reconcile(session) == []


def test_sharded_milestones_stop_being_watched_once_all_are_paid(session: Session) -> None:
    campaign = make_campaign(
        session,
        kind=CampaignKind.TEAM,
        actions=(action("vote"),),
        counter_shards=4,
        milestones=(MilestoneSpec(2, 1_000),),
    )
    user = joined(session, campaign, "dog")
    assert milestones.watching(campaign)
    first, second = (record(session, user, campaign, "vote") for _ in range(2))
    session.commit()
    assert [m.threshold for m in second.milestones] == [2] and not first.milestones
    assert milestones.watching(campaign)  # this vote's own pledge was not committed yet
    record(session, user, campaign, "vote")  # reads the paid milestone: stops watching
    session.commit()
    assert not milestones.watching(campaign)
    assert set(milestone_pledges(session, campaign.id).values()) == {1}
    assert counters.totals(session, campaign.id).actions == 3
    assert reconcile(session) == []


def test_a_crossing_no_vote_could_pay_is_left_to_the_sweep(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When every vote near the threshold found the milestone or the purse row busy (only
    possible under concurrency), the sweep pays it."""
    campaign = make_campaign(
        session,
        kind=CampaignKind.TEAM,
        actions=(action("vote"),),
        counter_shards=4,
        milestones=(MilestoneSpec(3, 1_000),),
    )
    user = joined(session, campaign, "dog")
    monkeypatch.setattr(milestones, "_unlock_without_waiting", lambda *args: None)
    assert not any(record(session, user, campaign, "vote").milestones for _ in range(4))
    session.commit()
    assert milestone_pledges(session, campaign.id) == {}
    monkeypatch.undo()
    assert len(unlock_reached(session, campaign, NOW)) == 1
    session.commit()
    assert pledged(session, campaign.id, PledgeSource.MILESTONE) == 1_000
    assert reconcile(session) == []


def test_a_counter_tampered_with_shows_in_reconcile(session: Session) -> None:
    campaign = make_campaign(session)
    user = joined(session, campaign)
    record(session, user, campaign, "cheer")
    session.commit()
    assert reconcile(session) == []
    session.execute(
        update(counters.counters)
        .where(counters.counters.c.campaign_id == campaign.id)
        .values(actions=counters.counters.c.actions + 1)
    )
    [difference] = reconcile(session)
    assert (difference.scope, difference.field, difference.counter, difference.ledger) == (
        "campaign",
        "actions",
        2,
        1,
    )
