"""The proposal workflow through the services: every step for every person in every state,
what each decision records, who hears about it, and the campaign an approval creates."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import AlreadyEndorsed, Forbidden, IllegalTransition, Invalid, NotFound
from campaign.models import (
    AuditEntry,
    Campaign,
    CampaignStatus,
    Endorsement,
    Notification,
    Proposal,
    ProposalComment,
    ProposalDecision,
    ProposalStatus,
    Role,
    User,
)
from campaign.rules.calendar import end_bound, start_of_day
from campaign.rules.proposals import ProposalAction, ProposalDraft
from campaign.services import proposal_views, proposals
from tests.factories import NOW, make_partner, make_proposal, make_user, proposal_draft
from tests.rules.test_proposals import MAY, MOVES

S = ProposalStatus
A = ProposalAction


@dataclasses.dataclass
class Cast:
    author: User
    crew: User
    admin: User
    user: User


def cast(session: Session) -> Cast:
    return Cast(
        author=make_user(session, role=Role.CREW, name="김크루"),
        crew=make_user(session, role=Role.CREW, name="이크루"),
        admin=make_user(session, role=Role.ADMIN, name="박관리"),
        user=make_user(session, role=Role.USER, name="홍길동"),
    )


def take(action: ProposalAction, session: Session, actor: User, proposal: Proposal) -> object:
    """Take ``action`` through its service, as the web does."""
    steps: dict[ProposalAction, Callable[[], object]] = {
        A.EDIT: lambda: proposals.update_draft(
            session, actor, proposal.id, proposals.draft_of(proposal), NOW
        ),
        A.SUBMIT: lambda: proposals.submit(session, actor, proposal.id, NOW),
        A.WITHDRAW: lambda: proposals.withdraw(session, actor, proposal.id, NOW),
        A.ENDORSE: lambda: proposals.endorse(session, actor, proposal.id, NOW),
        A.COMMENT: lambda: proposals.add_comment(session, actor, proposal.id, "좋아요", NOW),
        A.APPROVE: lambda: proposals.approve(
            session, actor, proposal.id, NOW, slug=f"approved-{proposal.id}"
        ),
        A.RETURN: lambda: proposals.send_back(session, actor, proposal.id, "다시", NOW),
        A.REJECT: lambda: proposals.reject(session, actor, proposal.id, "아니요", NOW),
    }
    return steps[action]()


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("who", ["author", "crew", "admin", "user"])
def test_every_step_for_every_person_in_every_state(
    session: Session, status: ProposalStatus, who: str
) -> None:
    people = cast(session)
    actor = getattr(people, who)
    proposal = make_proposal(session, people.author, status=status, reviewer=people.admin)
    assert proposal.status == status
    sees = who == "author" or (who != "user" and status != S.DRAFT)
    for action in A:
        with session.begin_nested() as nested:
            if not sees:
                with pytest.raises(NotFound):
                    take(action, session, actor, proposal)
            elif who not in MAY[action]:
                with pytest.raises(Forbidden):
                    take(action, session, actor, proposal)
            elif status not in MOVES[action]:
                with pytest.raises(IllegalTransition):
                    take(action, session, actor, proposal)
            else:
                take(action, session, actor, proposal)
                session.flush()
                expected = MOVES[action][status] or status
                assert session.get(Proposal, proposal.id).status == expected, action
            if nested.is_active:
                nested.rollback()
        session.expire_all()
        assert session.get(Proposal, proposal.id).status == status  # rolled back


def test_a_draft_is_its_authors_alone(session: Session) -> None:
    people = cast(session)
    proposal = make_proposal(session, people.author)
    assert proposals.find_proposal(session, people.author, proposal.id) is proposal
    for outsider in (people.crew, people.admin, people.user, None):
        with pytest.raises(NotFound):
            proposals.find_proposal(session, outsider, proposal.id)
    with pytest.raises(NotFound):
        proposals.find_proposal(session, people.author, proposal.id + 1000)


def test_only_crew_may_propose(session: Session) -> None:
    people = cast(session)
    partner = make_partner(session)
    with pytest.raises(Forbidden):
        proposals.create_draft(session, people.user, proposal_draft(partner), NOW)
    assert session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_an_author_who_is_no_longer_crew_loses_access(session: Session) -> None:
    people = cast(session)
    proposal = make_proposal(session, people.author, status=S.SUBMITTED)
    people.author.role = Role.USER
    with pytest.raises(NotFound):
        proposals.find_proposal(session, people.author, proposal.id)
    with pytest.raises(NotFound):
        proposals.withdraw(session, people.author, proposal.id, NOW)


def test_saving_a_draft_keeps_it_incomplete_but_clean(session: Session) -> None:
    people = cast(session)
    proposal = proposals.create_draft(
        session,
        people.author,
        ProposalDraft(title="  크루   아이디어 ", kind=proposal_draft(make_partner(session)).kind),
        NOW,
    )
    assert proposal.title == "크루 아이디어"
    assert proposal.status == S.DRAFT and proposal.submitted_at is None
    with pytest.raises(Invalid) as caught:
        proposals.submit(session, people.author, proposal.id, NOW)
    assert (caught.value.field, caught.value.reason) == ("cause", "required")
    assert proposal.status == S.DRAFT
    assert session.scalar(select(func.count()).select_from(ProposalDecision)) == 0


def test_an_unknown_partner_is_refused_on_save(session: Session) -> None:
    people = cast(session)
    draft = proposal_draft(make_partner(session))
    bad = dataclasses.replace(
        draft,
        rules=dataclasses.replace(
            draft.rules,
            beneficiaries=(dataclasses.replace(draft.rules.beneficiaries[0], partner_id=999_999),),
        ),
    )
    with pytest.raises(Invalid) as caught:
        proposals.create_draft(session, people.author, bad, NOW)
    assert (caught.value.field, caught.value.reason) == ("beneficiaries", "unknown_partner")


def test_send_back_edit_resubmit_approve(session: Session) -> None:
    people = cast(session)
    partner = make_partner(session, "사랑의열매")
    proposal = proposals.create_draft(
        session, people.author, proposal_draft(partner), NOW - timedelta(days=3)
    )
    first = NOW - timedelta(days=2)
    proposals.submit(session, people.author, proposal.id, first)
    proposals.endorse(session, people.crew, proposal.id, first)
    proposals.add_comment(session, people.crew, proposal.id, "응원해요!\n같이 해요", first)

    proposals.send_back(session, people.admin, proposal.id, "  목표를 낮춰 주세요.  ", NOW)
    assert proposal.status == S.RETURNED
    [note] = session.scalars(select(Notification).where(Notification.user_id == people.author.id))
    assert note.kind == proposals.NOTIFY_RETURNED
    assert note.params == {
        "proposal_id": proposal.id,
        "title": "연탄 나눔 응원",
        "reason": "목표를 낮춰 주세요.",
    }

    smaller = dataclasses.replace(proposals.draft_of(proposal), goal_won=5_000_000)
    proposals.update_draft(session, people.author, proposal.id, smaller, NOW)
    proposals.submit(session, people.author, proposal.id, NOW + timedelta(hours=1))
    assert proposal.status == S.SUBMITTED
    assert proposal.submitted_at == first  # keeps its place in the queue

    campaign = proposals.approve(
        session,
        people.admin,
        proposal.id,
        NOW + timedelta(hours=2),
        slug="briquettes",
        note="좋아요",
    )
    session.commit()
    assert proposal.status == S.APPROVED and proposal.campaign_id == campaign.id
    assert campaign.status == CampaignStatus.SCHEDULED
    assert campaign.goal_won == 5_000_000
    assert campaign.created_by_id == people.author.id
    assert campaign.starts_at == start_of_day(proposal.starts_on)
    assert campaign.ends_at == end_bound(proposal.ends_on)
    assert [(a.code, a.label, a.worth_won, a.daily_cap) for a in campaign.action_types] == [
        ("a1", "응원하기", 200, 3)
    ]
    assert [b.partner_id for b in campaign.beneficiaries] == [partner.id]
    assert campaign.purse_won == 10_000_000

    history = [
        (d.actor_id, d.from_status, d.to_status, d.reason)
        for d in session.scalars(select(ProposalDecision).order_by(ProposalDecision.id))
    ]
    assert history == [
        (people.author.id, "draft", "submitted", None),
        (people.admin.id, "submitted", "returned", "목표를 낮춰 주세요."),
        (people.author.id, "returned", "submitted", None),
        (people.admin.id, "submitted", "approved", "좋아요"),
    ]
    audits = {e.action: e for e in session.scalars(select(AuditEntry))}
    assert set(audits) == {"proposal.return", "proposal.approve"}
    assert audits["proposal.approve"].campaign_id == campaign.id
    assert audits["proposal.approve"].actor_id == people.admin.id
    assert audits["proposal.return"].reason == "목표를 낮춰 주세요."

    told = {
        (n.user_id, n.kind)
        for n in session.scalars(select(Notification).where(Notification.read_at.is_(None)))
    }
    assert told == {
        (people.author.id, proposals.NOTIFY_RETURNED),
        (people.author.id, proposals.NOTIFY_APPROVED),
        (people.crew.id, proposals.NOTIFY_ENDORSED_APPROVED),
    }

    page = proposal_views.proposal_page(session, people.crew, proposal)
    assert page.endorsers == ["이크루"]
    assert [(c.name, c.body) for c in page.comments] == [("이크루", "응원해요!\n같이 해요")]
    assert [d.to_status for d in page.decisions] == [
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]
    assert page.campaign is not None and page.campaign.id == campaign.id
    assert page.allowed == frozenset()


def test_approval_with_edits_is_audited_before_and_after(session: Session) -> None:
    people = cast(session)
    proposal = make_proposal(session, people.author, status=S.SUBMITTED)
    edited = dataclasses.replace(proposals.draft_of(proposal), title="연탄 나눔 응원 챌린지")
    campaign = proposals.approve(
        session, people.admin, proposal.id, NOW, slug="yeontan", edits=edited
    )
    assert campaign.title == "연탄 나눔 응원 챌린지" == proposal.title
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "proposal.edit"))
    assert entry.before["title"] == "연탄 나눔 응원"
    assert entry.after["title"] == "연탄 나눔 응원 챌린지"
    assert entry.actor_id == people.admin.id


def test_approval_without_changes_writes_no_edit(session: Session) -> None:
    people = cast(session)
    proposal = make_proposal(session, people.author, status=S.SUBMITTED)
    proposals.approve(
        session, people.admin, proposal.id, NOW, slug="same", edits=proposals.draft_of(proposal)
    )
    actions = set(session.scalars(select(AuditEntry.action)))
    assert actions == {"proposal.approve"}


@pytest.mark.parametrize(
    ("slug", "edits", "field", "reason"),
    [
        ("taken", None, "slug", "slug_taken"),
        ("Bad Slug", None, "slug", "slug_format"),
        ("new", None, "slug", "slug_reserved"),
        ("fine", {"goal_won": None}, "goal_won", "required"),
        ("fine", {"starts_on": "yesterday"}, "starts_on", "date_past"),
    ],
)
def test_an_approval_that_cannot_run_changes_nothing(
    session: Session, slug: str, edits: dict[str, object] | None, field: str, reason: str
) -> None:
    people = cast(session)
    make_proposal(session, people.author, status=S.APPROVED, reviewer=people.admin)
    existing = session.scalar(select(Campaign))
    existing.slug = "taken"
    proposal = make_proposal(session, people.author, status=S.SUBMITTED, title="두 번째")
    draft = None
    if edits is not None:
        changes = dict(edits)
        if changes.get("starts_on") == "yesterday":
            changes["starts_on"] = NOW.date() - timedelta(days=1)
        draft = dataclasses.replace(proposals.draft_of(proposal), **changes)
    with pytest.raises(Invalid) as caught:
        proposals.approve(session, people.admin, proposal.id, NOW, slug=slug, edits=draft)
    assert (caught.value.field, caught.value.reason) == (field, reason)
    assert proposal.status == S.SUBMITTED and proposal.campaign_id is None
    assert session.scalar(select(func.count()).select_from(Campaign)) == 1
    assert proposals.draft_of(proposal).goal_won == 10_000_000


def test_nobody_approves_their_own_proposal(session: Session) -> None:
    people = cast(session)
    proposal = make_proposal(session, people.admin, status=S.SUBMITTED)
    for step in (A.APPROVE, A.RETURN, A.REJECT):
        with pytest.raises(Forbidden):
            take(step, session, people.admin, proposal)
    other_admin = make_user(session, role=Role.ADMIN)
    take(A.APPROVE, session, other_admin, proposal)
    assert proposal.status == S.APPROVED


@pytest.mark.parametrize("step", [proposals.send_back, proposals.reject])
def test_sending_back_and_rejecting_need_a_reason(session: Session, step: Callable) -> None:
    people = cast(session)
    proposal = make_proposal(session, people.author, status=S.SUBMITTED)
    for reason in ("", "   \n "):
        with pytest.raises(Invalid) as caught:
            step(session, people.admin, proposal.id, reason, NOW)
        assert (caught.value.field, caught.value.reason) == ("reason", "required")
    assert proposal.status == S.SUBMITTED
    assert session.scalar(select(func.count()).select_from(Notification)) == 0


def test_rejection_is_final_and_told_with_its_reason(session: Session) -> None:
    people = cast(session)
    proposal = make_proposal(session, people.author, status=S.SUBMITTED)
    proposals.reject(session, people.admin, proposal.id, "올해 예산이 없습니다.", NOW)
    [note] = session.scalars(select(Notification))
    assert (note.user_id, note.kind, note.params["reason"]) == (
        people.author.id,
        proposals.NOTIFY_REJECTED,
        "올해 예산이 없습니다.",
    )
    assert proposal_views.proposal_page(session, people.author, proposal).allowed == frozenset()


def test_a_colleague_endorses_once(session: Session) -> None:
    people = cast(session)
    proposal = make_proposal(session, people.author, status=S.SUBMITTED)
    proposals.endorse(session, people.crew, proposal.id, NOW)
    with pytest.raises(AlreadyEndorsed):
        proposals.endorse(session, people.crew, proposal.id, NOW)
    proposals.endorse(session, people.admin, proposal.id, NOW)
    assert session.scalar(select(func.count()).select_from(Endorsement)) == 2
    page = proposal_views.proposal_page(session, people.crew, proposal)
    assert page.endorsed_by_viewer is True
    assert page.endorsers == ["이크루", "박관리"]


def test_comments_are_cleaned_and_required(session: Session) -> None:
    people = cast(session)
    proposal = make_proposal(session, people.author, status=S.SUBMITTED)
    for body, reason in (
        ("  ", "required"),
        ("가" * 2001, "too_long"),
        ("a\x00", "bad_characters"),
    ):
        with pytest.raises(Invalid) as caught:
            proposals.add_comment(session, people.crew, proposal.id, body, NOW)
        assert caught.value.reason == reason
    comment = proposals.add_comment(session, people.author, proposal.id, " 답변: 네! ", NOW)
    assert comment.body == "답변: 네!"
    assert session.scalar(select(func.count()).select_from(ProposalComment)) == 1


def test_the_review_queue_is_oldest_first_with_endorsement_counts(session: Session) -> None:
    people = cast(session)
    partner = make_partner(session)
    ids = []
    for n, hours in enumerate((5, 9, 1)):
        proposal = proposals.create_draft(
            session, people.author, proposal_draft(partner, title=f"제안 {n}"), NOW
        )
        proposals.submit(session, people.author, proposal.id, NOW - timedelta(hours=hours))
        ids.append(proposal.id)
    proposals.endorse(session, people.crew, ids[0], NOW)
    proposals.endorse(session, people.admin, ids[0], NOW)
    proposals.endorse(session, people.crew, ids[2], NOW)
    make_proposal(session, people.author, title="초안")  # drafts never queue
    queue = proposal_views.review_queue(session)
    assert [(e.proposal.id, e.endorsements, e.author_name) for e in queue] == [
        (ids[1], 0, "김크루"),
        (ids[0], 2, "김크루"),
        (ids[2], 1, "김크루"),
    ]
    assert proposal_views.pending_review_count(session) == 3


def test_the_crew_overview(session: Session) -> None:
    people = cast(session)
    mine_draft = make_proposal(session, people.crew, title="내 초안")
    waiting = make_proposal(session, people.author, status=S.SUBMITTED, title="검토 중")
    proposals.endorse(session, people.crew, waiting.id, NOW)
    approved = make_proposal(session, people.author, status=S.APPROVED, title="승인됨")
    make_proposal(session, people.author, status=S.REJECTED, title="반려됨")
    overview = proposal_views.crew_overview(session, people.crew)
    assert [e.proposal.id for e in overview.mine] == [mine_draft.id]
    assert [(e.proposal.id, e.endorsements, e.endorsed_by_viewer) for e in overview.in_review] == [
        (waiting.id, 1, True)
    ]
    assert [(e.proposal.id, e.campaign.id) for e in overview.live] == [
        (approved.id, approved.campaign_id)
    ]


def test_going_live_is_announced_once_to_author_and_endorsers(session: Session) -> None:
    people = cast(session)
    proposal = make_proposal(session, people.author, status=S.SUBMITTED)
    proposals.endorse(session, people.crew, proposal.id, NOW)
    campaign = proposals.approve(session, people.admin, proposal.id, NOW, slug="live-soon")
    assert proposals.announce_opened(session, campaign, NOW) == 2
    assert proposals.announce_opened(session, campaign, NOW) == 0
    live = session.scalars(
        select(Notification.user_id).where(Notification.kind == proposals.NOTIFY_LIVE)
    ).all()
    assert sorted(live) == sorted([people.author.id, people.crew.id])
    other = make_proposal(session, people.author, status=S.APPROVED, reviewer=people.admin)
    other_campaign = session.get(Campaign, other.campaign_id)
    assert proposals.announce_opened(session, other_campaign, NOW) == 1
