"""Voiding an action or a gift: reversing rows, counters back in the same transaction, audited,
reconcile clean, and after close listed in the correction note without reopening anything."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import AlreadyVoided, Invalid, NotFound
from campaign.models import (
    Action,
    AuditEntry,
    CampaignKind,
    Correction,
    Notification,
    Pledge,
    PledgeSource,
    Role,
    Settlement,
)
from campaign.rules.states import Evidence
from campaign.services import counters, lifecycle
from campaign.services.actions import record_action
from campaign.services.corrections import corrections_of, void_action, void_gift
from campaign.services.fundraising import pledge_gift
from campaign.services.participation import join
from campaign.services.progress import my_recent_actions, progress, recent_activity
from campaign.services.reconcile import reconcile
from tests.factories import DAY, NOW, action, make_campaign, make_fundraiser, make_user


def _admin(session: Session):
    return make_user(session, role=Role.ADMIN)


def test_voiding_a_vote_gives_its_won_back_and_moves_every_counter(session: Session) -> None:
    campaign = make_campaign(
        session,
        kind=CampaignKind.TEAM,
        purse_won=1_000,
        counter_shards=3,
        actions=(action("vote", worth_won=100, daily_cap=5, total_cap=9),),
    )
    voter, other = make_user(session), make_user(session)
    join(session, voter, campaign, "dog", NOW)
    join(session, other, campaign, "cat", NOW)
    first = record_action(session, voter, campaign, "vote", None, "k1", NOW)
    for n in range(9):
        record_action(session, other if n < 5 else voter, campaign, "vote", None, f"k{n + 2}", NOW)
    assert counters.totals(session, campaign.id).purse_left == 0  # the purse is spent

    voided = void_action(
        session, campaign, first.action.id, reason="  가짜  참여 ", actor=_admin(session), now=NOW
    )

    assert voided.correction.won_returned == 100
    assert voided.correction.reason == "가짜 참여"
    [reversal] = voided.reversals
    assert reversal.amount_won == -100 and reversal.reverses_id is not None
    totals = counters.totals(session, campaign.id)
    assert (totals.actions, totals.sponsor_won, totals.purse_left) == (9, 900, 100)
    assert reconcile(session) == []
    # The voter gets back one of their five daily votes and sees why.
    record_action(session, voter, campaign, "vote", None, "again", NOW)
    assert reconcile(session) == []
    notice = session.scalar(select(Notification).where(Notification.user_id == voter.id))
    assert notice is not None and notice.params["reason"] == "가짜 참여"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "action.void"))
    assert entry is not None and entry.reason == "가짜 참여"
    assert entry.after == {"counted": False, "won_returned": 100, "after_close": False}
    # Nothing was updated or deleted: the action and its pledge are still there.
    assert session.get(Action, first.action.id) is not None
    assert (
        session.scalar(select(func.count()).select_from(Pledge).where(Pledge.amount_won < 0)) == 1
    )


def test_a_void_needs_a_reason_and_happens_once(session: Session) -> None:
    campaign = make_campaign(session)
    user = make_user(session)
    join(session, user, campaign, None, NOW)
    recorded = record_action(session, user, campaign, "cheer", None, None, NOW)
    admin = _admin(session)
    with pytest.raises(Invalid) as refused:
        void_action(session, campaign, recorded.action.id, reason="  ", actor=admin, now=NOW)
    assert refused.value.reason == "required"
    assert session.scalar(select(func.count()).select_from(Correction)) == 0
    void_action(session, campaign, recorded.action.id, reason="중복", actor=admin, now=NOW)
    with pytest.raises(AlreadyVoided):
        void_action(session, campaign, recorded.action.id, reason="중복", actor=admin, now=NOW)
    other = make_campaign(session)
    with pytest.raises(NotFound):
        void_action(session, other, recorded.action.id, reason="x", actor=admin, now=NOW)
    assert reconcile(session) == []


def _stamp_campaign(session: Session, purse_won: int | None):
    return make_campaign(
        session,
        kind=CampaignKind.STAMP,
        stamps_per_unit=40,
        won_per_unit=5_000,
        purse_won=purse_won,
        actions=(
            action("report", worth_stamps=12),
            action("switch", worth_stamps=40, evidence=Evidence.REQUIRED, evidence_unique=True),
        ),
    )


def test_voiding_stamps_takes_back_the_units_they_no_longer_make(session: Session) -> None:
    campaign = _stamp_campaign(session, purse_won=None)
    user = make_user(session)
    join(session, user, campaign, None, NOW)
    for n in range(10):  # 400 stamps: 10 trees, each paid by the action that completed it
        record_action(session, user, campaign, "switch", f"bill-{n}", None, NOW)
    report = record_action(session, user, campaign, "report", None, None, NOW)  # 412 stamps
    assert report.won == 0

    # 412 - 12 = 400 stamps still make 10 trees: nothing goes back.
    kept = void_action(
        session, campaign, report.action.id, reason="오신고", actor=_admin(session), now=NOW
    )
    assert kept.correction.won_returned == 0
    # The report that did not complete a tree is gone, but a switch is voided too: 360 stamps
    # make 9 trees, so one tree's ₩ goes back although that switch had paid one itself.
    switch = session.scalars(select(Action).where(Action.evidence == "bill-3")).one()
    voided = void_action(
        session, campaign, switch.id, reason="가짜 고지서", actor=_admin(session), now=NOW
    )
    assert voided.correction.won_returned == 5_000
    assert counters.totals(session, campaign.id).sponsor_won == 45_000
    shown = progress(session, campaign, NOW)
    assert (shown.stamps, shown.units, shown.units_unfunded) == (360, 9, 0)
    # The next 40 stamps complete the 10th tree again and pay it once.
    again = record_action(session, user, campaign, "switch", "bill-new", None, NOW)
    assert again.won == 5_000
    assert counters.totals(session, campaign.id).sponsor_won == 50_000
    assert reconcile(session) == []


def test_after_close_a_void_reopens_nothing_and_is_listed(session: Session) -> None:
    campaign = make_campaign(session, purse_won=10_000)
    user = make_user(session)
    join(session, user, campaign, None, NOW)
    actions = [record_action(session, user, campaign, "cheer", None, None, NOW) for _ in range(3)]
    lifecycle.close(session, campaign, actor=None, now=NOW + DAY)
    settlement = session.scalars(select(Settlement)).one()

    voided = void_action(
        session,
        campaign,
        actions[0].action.id,
        reason="사후 정정",
        actor=_admin(session),
        now=NOW + 2 * DAY,
    )

    assert voided.correction.after_close
    session.refresh(campaign)
    session.refresh(settlement)
    assert campaign.status.value == "closed"
    assert (settlement.total_won, settlement.actions) == (300, 3)  # frozen as closed
    [line] = corrections_of(session, campaign, after_close=True)
    assert (line.what, line.won_returned, line.reason) == ("action", 100, "사후 정정")
    assert reconcile(session) == []


def test_voiding_a_gift_returns_its_match_to_the_budget(session: Session) -> None:
    campaign = make_fundraiser(session, purse_won=60_000, match_per_person_won=None)
    crew = make_user(session, role=Role.CREW)
    gift = pledge_gift(session, crew, campaign, 50_000, False, None, None, NOW)
    assert gift.matched == 50_000
    admin = _admin(session)

    voided = void_gift(session, campaign, gift.gift.id, reason="이중 결제", actor=admin, now=NOW)

    assert (voided.correction.gift_won, voided.correction.won_returned) == (50_000, 50_000)
    totals = counters.totals(session, campaign.id)
    assert (totals.crew_won, totals.sponsor_won, totals.purse_left) == (0, 0, 60_000)
    assert reconcile(session) == []
    with pytest.raises(AlreadyVoided):
        void_gift(session, campaign, gift.gift.id, reason="이중 결제", actor=admin, now=NOW)
    reversal = session.scalar(
        select(Pledge).where(Pledge.reverses_id == gift.gift.id, Pledge.source == PledgeSource.CREW)
    )
    assert reversal is not None and reversal.reason == "이중 결제"


def test_a_voided_action_leaves_recent_activity_and_is_marked_in_my_actions(
    session: Session,
) -> None:
    campaign = make_campaign(session, purse_won=10_000)
    doer, other = make_user(session, name="홍길동"), make_user(session, name="김철수")
    for person in (doer, other):
        join(session, person, campaign, None, NOW)
    record_action(session, other, campaign, "cheer", None, None, NOW)
    bad = record_action(session, doer, campaign, "cheer", None, None, NOW)
    record_action(session, doer, campaign, "cheer", None, None, NOW)
    admin = _admin(session)
    void_action(session, campaign, bad.action.id, reason="중복 계정", actor=admin, now=NOW)

    public = recent_activity(session, campaign, limit=10)
    assert [a.masked_name for a in public] == ["홍*동", "김*수"]  # the void is not there
    assert [a.won for a in public] == [100, 100]
    assert len(recent_activity(session, campaign, limit=2)) == 2  # the limit counts kept rows
    assert len(public) == counters.totals(session, campaign.id).actions

    mine = my_recent_actions(session, doer)
    assert [(m.voided, m.void_reason, m.won) for m in mine] == [
        (False, None, 100),
        (True, "중복 계정", 0),  # still listed, with the reason its notice gave
    ]
    assert not [m for m in my_recent_actions(session, other) if m.voided]
