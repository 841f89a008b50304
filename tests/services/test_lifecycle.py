"""Admin and scheduler status changes: guarded, audited, and closing freezes a settlement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import CampaignClosed, IllegalTransition, Invalid
from campaign.models import (
    AuditEntry,
    CampaignStatus,
    Notification,
    ProposalStatus,
    Role,
    Settlement,
    SettlementStatus,
)
from campaign.services import lifecycle, proposals
from campaign.services.actions import record_action
from campaign.services.participation import join
from tests.factories import DAY, NOW, make_campaign, make_proposal, make_user


def audit_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_open_pause_resume_close_settle(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    campaign = make_campaign(session, status=CampaignStatus.SCHEDULED, starts_at=NOW + DAY)
    assert lifecycle.open_campaign(session, campaign, actor=admin, now=NOW, actor_label="admin")
    assert campaign.status == CampaignStatus.ACTIVE
    assert campaign.starts_at == NOW  # opened early: the start moves to now
    assert lifecycle.pause(session, campaign, actor=admin, now=NOW)
    assert campaign.status == CampaignStatus.PAUSED
    assert lifecycle.resume(session, campaign, actor=admin, now=NOW)
    assert lifecycle.close(session, campaign, actor=admin, now=NOW, actor_label="admin")
    assert campaign.status == CampaignStatus.CLOSED and campaign.closed_at == NOW
    assert lifecycle.mark_sent(session, campaign, actor=admin, now=NOW)
    assert campaign.status == CampaignStatus.SETTLED
    settlement = session.scalar(select(Settlement))
    assert settlement.status == SettlementStatus.SENT and settlement.sent_at == NOW
    lifecycle.mark_acknowledged(session, campaign, actor=admin, now=NOW)
    assert settlement.status == SettlementStatus.ACKNOWLEDGED
    assert audit_actions(session) == [
        "campaign.open",
        "campaign.pause",
        "campaign.resume",
        "campaign.close",
        "campaign.settle",
        "settlement.acknowledge",
    ]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.pause"))
    assert entry.actor_id == admin.id
    assert entry.before == {"status": "active"} and entry.after == {"status": "paused"}


@pytest.mark.parametrize(
    ("status", "operation"),
    [
        (CampaignStatus.SCHEDULED, "pause"),
        (CampaignStatus.CLOSED, "pause"),
        (CampaignStatus.CANCELLED, "resume"),
        (CampaignStatus.ACTIVE, "mark_sent"),
    ],
)
def test_illegal_changes_are_refused_and_write_nothing(
    session: Session, status: CampaignStatus, operation: str
) -> None:
    admin = make_user(session, role=Role.ADMIN)
    campaign = make_campaign(session, status=status)
    with pytest.raises(IllegalTransition):
        getattr(lifecycle, operation)(session, campaign, actor=admin, now=NOW)
    assert campaign.status == status
    assert audit_actions(session) == []


def test_asking_for_the_state_it_is_already_in_is_a_harmless_no_op(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    campaign = make_campaign(session)
    assert lifecycle.resume(session, campaign, actor=admin, now=NOW) is False
    assert campaign.status == CampaignStatus.ACTIVE
    assert audit_actions(session) == []


def test_closing_twice_is_one_close_and_one_audit_row(session: Session) -> None:
    campaign = make_campaign(session)
    assert lifecycle.close(session, campaign, actor=None, now=NOW) is True
    assert lifecycle.close(session, campaign, actor=None, now=NOW + DAY) is False
    assert audit_actions(session) == ["campaign.close"]
    assert session.scalar(select(func.count()).select_from(Settlement)) == 1
    assert campaign.closed_at == NOW


def test_cancel_needs_a_reason(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    campaign = make_campaign(session)
    with pytest.raises(Invalid):
        lifecycle.cancel(session, campaign, actor=admin, reason="  ", now=NOW)
    assert lifecycle.cancel(session, campaign, actor=admin, reason="스폰서 철회", now=NOW)
    assert campaign.status == CampaignStatus.CANCELLED
    entry = session.scalar(select(AuditEntry))
    assert entry.reason == "스폰서 철회"


def test_extend_moves_the_end_and_is_audited(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    campaign = make_campaign(session, ends_at=NOW + DAY)
    old_end = campaign.ends_at
    with pytest.raises(Invalid):
        lifecycle.extend(session, campaign, actor=admin, new_ends_at=old_end - DAY, now=NOW)
    assert lifecycle.extend(session, campaign, actor=admin, new_ends_at=old_end + 3 * DAY, now=NOW)
    assert campaign.ends_at == old_end + 3 * DAY
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.extend"))
    assert entry.before["ends_at"] == old_end.isoformat()
    assert entry.after["ends_at"] == (old_end + 3 * DAY).isoformat()


def test_after_close_no_action_is_accepted(session: Session) -> None:
    user = make_user(session)
    campaign = make_campaign(session)
    join(session, user, campaign, None, NOW)
    record_action(session, user, campaign, "cheer", None, None, NOW)
    lifecycle.close(session, campaign, actor=None, now=NOW + timedelta(minutes=1))
    with pytest.raises(CampaignClosed):
        record_action(session, user, campaign, "cheer", None, None, NOW + timedelta(minutes=2))


def test_opening_a_proposed_campaign_tells_its_author_and_endorsers(session: Session) -> None:
    author = make_user(session, role=Role.CREW)
    backer = make_user(session, role=Role.CREW)
    proposal = make_proposal(session, author, status=ProposalStatus.SUBMITTED)
    proposals.endorse(session, backer, proposal.id, NOW)
    admin = make_user(session, role=Role.ADMIN)
    campaign = proposals.approve(session, admin, proposal.id, NOW, slug="from-a-proposal")
    before = session.scalar(select(func.count()).select_from(Notification))
    assert lifecycle.open_campaign(session, campaign, actor=None, now=NOW)
    told = session.scalars(
        select(Notification.user_id).order_by(Notification.id).offset(before)
    ).all()
    assert set(told) == {author.id, backer.id}
    assert campaign.status == CampaignStatus.ACTIVE
    assert lifecycle.open_campaign(session, campaign, actor=None, now=NOW) is False
    assert session.scalar(select(func.count()).select_from(Notification)) == before + 2
