"""Cheers with a message (services/cheers.py) on both databases: the message rule, cleaning,
caps and the sponsor's ₩ are the action's; a refused cheer writes nothing; the wall pages
newest first with masked names."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import CapReached, DomainError, IdempotencyKeyReused, Invalid
from campaign.models import Campaign, CheerMessage, Pledge, PledgeSource, Role
from campaign.rules.cheers import MESSAGE_MAX
from campaign.rules.states import MessageRule
from campaign.services import counters
from campaign.services.cheers import cheer_wall, record_with_message, takes_messages
from campaign.services.corrections import void_action
from campaign.services.participation import join
from campaign.services.reconcile import reconcile
from tests.factories import DAY, NOW, action, make_campaign, make_user
from tests.ledger_facts import snapshot

CHEER = action("cheer", label="응원 댓글", worth_won=100, daily_cap=2, message=MessageRule.REQUIRED)


def cheer_campaign(session: Session, **fields: object) -> Campaign:
    return make_campaign(
        session, actions=(CHEER, action("tap", label="응원하기", worth_won=50)), **fields
    )


def joined(session: Session, campaign: Campaign, name: str | None = None):
    user = make_user(session, name=name)
    join(session, user, campaign, None, NOW)
    return user


def cheer(session: Session, user, campaign: Campaign, message: str | None, **kw):
    return record_with_message(
        session,
        user,
        campaign,
        kw.pop("code", "cheer"),
        None,
        message,
        kw.pop("key", None),
        kw.pop("now", NOW),
    )


def refused(session: Session, error: type[DomainError], *args, **kwargs) -> DomainError:
    """Expect ``error``; roll back as the request boundary does; nothing at all was written."""
    before = (snapshot(session), session.scalar(select(func.count()).select_from(CheerMessage)))
    with pytest.raises(error) as raised:
        cheer(session, *args, **kwargs)
    session.rollback()
    after = (snapshot(session), session.scalar(select(func.count()).select_from(CheerMessage)))
    assert after == before
    return raised.value


def test_a_cheer_with_a_message_counts_pays_and_keeps_the_message(session: Session) -> None:
    campaign = cheer_campaign(session, purse_won=10_000)
    user = joined(session, campaign)
    done = cheer(session, user, campaign, "  힘내세요!   모두   응원해요 ")
    session.commit()
    assert (done.recorded.won, done.recorded.won_due) == (100, 100)
    [message] = session.scalars(select(CheerMessage))
    # Cleaned like every other line people type: trimmed, runs of spaces folded.
    assert message.text == "힘내세요! 모두 응원해요"
    assert (message.action_id, message.user_id, message.campaign_id) == (
        done.recorded.action.id,
        user.id,
        campaign.id,
    )
    [pledge] = session.scalars(select(Pledge))
    assert (pledge.source, pledge.amount_won, pledge.action_id) == (
        PledgeSource.ACTION,
        100,
        message.action_id,
    )
    assert counters.totals(session, campaign.id).sponsor_won == 100
    assert reconcile(session) == []


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (None, "required"),
        ("   ", "required"),
        ("가" * (MESSAGE_MAX + 1), "too_long"),
        ("응원\x00해요", "bad_characters"),
        ("응원\u202e해요", "bad_characters"),
    ],
)
def test_a_bad_message_is_refused_and_nothing_is_written(
    session: Session, message: str | None, reason: str
) -> None:
    campaign = cheer_campaign(session)
    user = joined(session, campaign)
    session.commit()
    error = refused(session, Invalid, user, campaign, message)
    assert (error.field, error.reason) == ("message", reason)


def test_a_message_of_exactly_the_limit_is_kept(session: Session) -> None:
    campaign = cheer_campaign(session)
    user = joined(session, campaign)
    done = cheer(session, user, campaign, "가" * MESSAGE_MAX)
    assert done.message is not None and len(done.message.text) == MESSAGE_MAX


def test_an_action_without_a_message_rule_takes_none(session: Session) -> None:
    campaign = cheer_campaign(session)
    user = joined(session, campaign)
    session.commit()
    error = refused(session, Invalid, user, campaign, "여기엔 못 써요", code="tap")
    assert (error.field, error.reason) == ("message", "message_not_taken")
    done = cheer(session, user, campaign, "", code="tap")
    assert done.message is None and done.recorded.won == 50
    assert session.scalar(select(func.count()).select_from(CheerMessage)) == 0


def test_messages_count_toward_the_daily_cap(session: Session) -> None:
    campaign = cheer_campaign(session)
    user = joined(session, campaign)
    cheer(session, user, campaign, "하나")
    cheer(session, user, campaign, "둘")
    session.commit()
    error = refused(session, CapReached, user, campaign, "셋")
    assert error.params == {"cap": "daily", "limit": 2}
    # The next KST day the cap starts again.
    assert cheer(session, user, campaign, "다음 날", now=NOW + DAY).message is not None


def test_after_the_purse_a_message_still_counts_for_0_won(session: Session) -> None:
    campaign = cheer_campaign(session, purse_won=150)
    first, second = joined(session, campaign), joined(session, campaign)
    assert cheer(session, first, campaign, "첫 응원").recorded.won == 100
    late = cheer(session, second, campaign, "늦은 응원")
    assert (late.recorded.won, late.recorded.won_due, late.recorded.purse_exhausted) == (
        50,
        100,
        True,
    )
    assert late.message is not None
    assert counters.totals(session, campaign.id).sponsor_won == 150
    assert reconcile(session) == []


def test_a_replay_answers_the_first_cheer_and_another_message_is_refused(
    session: Session,
) -> None:
    campaign = cheer_campaign(session)
    user = joined(session, campaign)
    first = cheer(session, user, campaign, "한 번만", key="k-1")
    session.commit()
    again = cheer(session, user, campaign, "한 번만", key="k-1")
    assert again.recorded.replayed and again.message is not None
    assert again.message.id == first.message.id
    refused(session, IdempotencyKeyReused, user, campaign, "다른 말", key="k-1")
    assert session.scalar(select(func.count()).select_from(CheerMessage)) == 1


def test_the_wall_pages_newest_first_with_masked_names(session: Session) -> None:
    campaign = cheer_campaign(session)
    other = cheer_campaign(session)
    writer = joined(session, campaign, name="홍길동")
    join(session, writer, other, None, NOW)
    for n in range(5):
        cheer(session, writer, campaign, f"응원 {n}", now=NOW + n * DAY)
    cheer(session, writer, other, "다른 캠페인")
    assert takes_messages(campaign)
    page = cheer_wall(session, campaign, None, limit=2)
    assert [e.text for e in page.entries] == ["응원 4", "응원 3"]
    assert {e.masked_name for e in page.entries} == {"홍*동"}
    assert page.entries[0].action_label == "응원 댓글"
    older = cheer_wall(session, campaign, None, before=page.older, limit=2)
    assert [e.text for e in older.entries] == ["응원 2", "응원 1"]
    last = cheer_wall(session, campaign, writer, before=older.older, limit=2)
    assert [e.text for e in last.entries] == ["응원 0"] and last.older is None
    assert last.entries[0].mine


def test_a_campaign_without_message_actions_has_no_wall(session: Session) -> None:
    assert not takes_messages(make_campaign(session))


def test_a_voided_cheer_leaves_the_wall(session: Session) -> None:
    campaign = cheer_campaign(session)
    writer, spammer = joined(session, campaign, name="홍길동"), joined(session, campaign)
    kept = cheer(session, writer, campaign, "힘내요")
    spam = cheer(session, spammer, campaign, "광고 링크", now=NOW + DAY)
    admin = make_user(session, role=Role.ADMIN)
    void_action(session, campaign, spam.recorded.action.id, reason="광고", actor=admin, now=NOW)
    for viewer in (None, writer, spammer):  # the one who wrote it too: it no longer counts
        page = cheer_wall(session, campaign, viewer)
        assert [e.id for e in page.entries] == [kept.message.id]
