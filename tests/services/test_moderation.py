"""Reporting and moderating cheer messages and crew comments (services/moderation.py) on both
databases: one report per person, admins hide and restore with an audit entry, and the money
never moves."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import Forbidden, Invalid, NotFound
from campaign.models import AuditEntry, ContentReport, ProposalStatus, Role
from campaign.rules.states import MessageRule
from campaign.services import counters, moderation, proposal_views, proposals
from campaign.services.cheers import cheer_wall, record_with_message
from campaign.services.moderation import Subject
from campaign.services.participation import join
from campaign.services.reconcile import reconcile
from tests.factories import NOW, action, make_campaign, make_proposal, make_user
from tests.ledger_facts import snapshot


def a_cheer(session: Session):
    campaign = make_campaign(
        session, actions=(action("cheer", worth_won=100, message=MessageRule.REQUIRED),)
    )
    author = make_user(session, name="김응원")
    join(session, author, campaign, None, NOW)
    done = record_with_message(session, author, campaign, "cheer", None, "나쁜 말", None, NOW)
    return campaign, author, done.message


def reports(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ContentReport)) or 0


def test_a_report_counts_once_per_person(session: Session) -> None:
    campaign, _author, message = a_cheer(session)
    reader, another = make_user(session), make_user(session)
    assert moderation.report_cheer(session, reader, campaign, message.id, NOW)
    assert not moderation.report_cheer(session, reader, campaign, message.id, NOW)
    assert moderation.report_cheer(session, another, campaign, message.id, NOW)
    session.commit()
    assert reports(session) == 2
    [item] = moderation.queue(session)
    assert (item.subject, item.id, item.open_reports, item.hidden) == (
        Subject.CHEER,
        message.id,
        2,
        False,
    )
    assert item.text == "나쁜 말" and item.author == "김*원" and item.where_key == campaign.slug
    wall = cheer_wall(session, campaign, reader)
    assert wall.entries[0].reported_by_viewer


def test_nobody_reports_their_own_message_or_one_from_another_wall(session: Session) -> None:
    campaign, author, message = a_cheer(session)
    with pytest.raises(Invalid) as raised:
        moderation.report_cheer(session, author, campaign, message.id, NOW)
    assert raised.value.reason == "own_content"
    elsewhere = make_campaign(session)
    with pytest.raises(NotFound):
        moderation.report_cheer(session, make_user(session), elsewhere, message.id, NOW)
    with pytest.raises(NotFound):
        moderation.report_cheer(session, make_user(session), campaign, 10**12, NOW)
    assert reports(session) == 0


def test_hiding_takes_the_text_off_the_wall_and_leaves_the_money(session: Session) -> None:
    campaign, _author, message = a_cheer(session)
    admin = make_user(session, role=Role.ADMIN)
    moderation.report_cheer(session, make_user(session), campaign, message.id, NOW)
    session.commit()
    money = (snapshot(session), counters.totals(session, campaign.id))
    assert moderation.hide(session, admin, Subject.CHEER, message.id, "욕설", NOW)
    assert not moderation.hide(session, admin, Subject.CHEER, message.id, "욕설", NOW)
    session.commit()
    assert (snapshot(session), counters.totals(session, campaign.id)) == money
    assert reconcile(session) == []
    [entry] = cheer_wall(session, campaign, None).entries
    assert entry.hidden and entry.text is None
    [audit] = session.scalars(select(AuditEntry))
    assert (audit.action, audit.actor_id, audit.campaign_id, audit.reason) == (
        "cheer.hide",
        admin.id,
        campaign.id,
        "욕설",
    )
    assert audit.before == {"id": message.id, "hidden": False}
    assert audit.after == {"id": message.id, "hidden": True, "reports_resolved": 1}
    # A hidden message cannot be reported again; it waits in the queue as hidden.
    with pytest.raises(NotFound):
        moderation.report_cheer(session, make_user(session), campaign, message.id, NOW)
    [item] = moderation.queue(session)
    assert item.hidden and item.open_reports == 0 and item.hidden_reason == "욕설"

    assert moderation.restore(session, admin, Subject.CHEER, message.id, NOW)
    session.commit()
    assert cheer_wall(session, campaign, None).entries[0].text == "나쁜 말"
    assert [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
        "cheer.hide",
        "cheer.restore",
    ]
    assert (snapshot(session), counters.totals(session, campaign.id)) == money
    assert moderation.queue(session) == []


def test_keeping_a_reported_message_closes_its_reports(session: Session) -> None:
    campaign, _author, message = a_cheer(session)
    admin = make_user(session, role=Role.ADMIN)
    moderation.report_cheer(session, make_user(session), campaign, message.id, NOW)
    assert moderation.restore(session, admin, Subject.CHEER, message.id, NOW)
    assert moderation.queue(session) == []
    assert not moderation.restore(session, admin, Subject.CHEER, message.id, NOW)
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 1


def test_only_admins_moderate_and_a_hide_needs_a_reason(session: Session) -> None:
    _campaign, _author, message = a_cheer(session)
    crew = make_user(session, role=Role.CREW)
    with pytest.raises(Forbidden):
        moderation.hide(session, crew, Subject.CHEER, message.id, "이유", NOW)
    with pytest.raises(Forbidden):
        moderation.restore(session, crew, Subject.CHEER, message.id, NOW)
    admin = make_user(session, role=Role.ADMIN)
    with pytest.raises(Invalid) as raised:
        moderation.hide(session, admin, Subject.CHEER, message.id, "  ", NOW)
    assert (raised.value.field, raised.value.reason) == ("reason", "required")
    with pytest.raises(NotFound):
        moderation.hide(session, admin, Subject.CHEER, 10**12, "이유", NOW)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_crew_comments_get_the_same_moderation(session: Session) -> None:
    author = make_user(session, role=Role.CREW, name="박크루")
    proposal = make_proposal(session, author, status=ProposalStatus.SUBMITTED)
    comment = proposals.add_comment(session, author, proposal.id, "부적절한 댓글", NOW)
    colleague = make_user(session, role=Role.CREW)
    admin = make_user(session, role=Role.ADMIN)
    with pytest.raises(Invalid):
        moderation.report_comment(session, author, proposal, comment.id, NOW)
    assert moderation.report_comment(session, colleague, proposal, comment.id, NOW)
    assert not moderation.report_comment(session, colleague, proposal, comment.id, NOW)
    [item] = moderation.queue(session)
    assert (item.subject, item.where_key, item.text) == (
        Subject.COMMENT,
        str(proposal.id),
        "부적절한 댓글",
    )
    page = proposal_views.proposal_page(session, colleague, proposal)
    assert page.comments[0].reported_by_viewer and not page.comments[0].mine

    assert moderation.hide(session, admin, Subject.COMMENT, comment.id, "비방", NOW)
    page = proposal_views.proposal_page(session, colleague, proposal)
    assert page.comments[0].hidden and page.comments[0].body is None
    assert moderation.restore(session, admin, Subject.COMMENT, comment.id, NOW)
    page = proposal_views.proposal_page(session, colleague, proposal)
    assert page.comments[0].body == "부적절한 댓글"
    actions = [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-2:] == ["comment.hide", "comment.restore"]
