"""Reading crew proposals: the crew area's lists, the review queue and one proposal's page.

Callers check first that the viewer may see what they ask for (services/proposals.find_proposal);
everything here only reads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from campaign.models import (
    Campaign,
    ContentReport,
    Endorsement,
    Partner,
    Proposal,
    ProposalComment,
    ProposalDecision,
    ProposalStatus,
    User,
)
from campaign.rules import proposals as rules
from campaign.rules.lifecycle import FINISHED
from campaign.rules.proposals import ProposalAction, ProposalDraft
from campaign.services.paging import Page, page_of, search
from campaign.services.proposals import draft_of, held_by


@dataclass(frozen=True)
class Entry:
    """One line of a list of proposals."""

    proposal: Proposal
    author_name: str
    endorsements: int
    endorsed_by_viewer: bool = False
    campaign: Campaign | None = None


@dataclass(frozen=True)
class CrewOverview:
    mine: list[Entry]
    in_review: list[Entry]
    live: list[Entry]
    internal: list[Campaign]  # crew-only campaigns running or coming up


def _entries(session: Session, statement: Any, viewer: User | None = None) -> list[Entry]:
    counts = (
        select(Endorsement.proposal_id, func.count().label("n"))
        .group_by(Endorsement.proposal_id)
        .subquery()
    )
    rows = session.execute(
        statement.add_columns(User.display_name, func.coalesce(counts.c.n, 0))
        .join(User, User.id == Proposal.author_id)
        .outerjoin(counts, counts.c.proposal_id == Proposal.id)
    ).all()
    endorsed: set[int] = set()
    if viewer is not None and rows:
        endorsed = set(
            session.scalars(
                select(Endorsement.proposal_id).where(
                    Endorsement.user_id == viewer.id,
                    Endorsement.proposal_id.in_([row[0].id for row in rows]),
                )
            )
        )
    campaign_ids = [row[0].campaign_id for row in rows if row[0].campaign_id]
    campaigns = (
        {c.id: c for c in session.scalars(select(Campaign).where(Campaign.id.in_(campaign_ids)))}
        if campaign_ids
        else {}
    )
    return [
        Entry(
            proposal=row[0],
            author_name=row[1],
            endorsements=int(row[2]),
            endorsed_by_viewer=row[0].id in endorsed,
            campaign=campaigns.get(row[0].campaign_id) if row[0].campaign_id else None,
        )
        for row in rows
    ]


def crew_overview(session: Session, viewer: User) -> CrewOverview:
    """The crew area's front page: the viewer's own proposals, everything waiting for review
    (oldest first), proposals that became campaigns not yet over, and crew-only campaigns."""
    mine = _entries(
        session,
        select(Proposal)
        .where(Proposal.author_id == viewer.id)
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc()),
        viewer,
    )
    in_review = _entries(
        session,
        select(Proposal)
        .where(Proposal.status == ProposalStatus.SUBMITTED)
        .order_by(Proposal.submitted_at, Proposal.id),
        viewer,
    )
    live = [
        entry
        for entry in _entries(
            session,
            select(Proposal)
            .where(Proposal.status == ProposalStatus.APPROVED)
            .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
            .limit(50),
            viewer,
        )
        if entry.campaign is not None and entry.campaign.status not in FINISHED
    ]
    internal = list(
        session.scalars(
            select(Campaign)
            .where(Campaign.internal.is_(True), Campaign.status.not_in(FINISHED))
            .order_by(Campaign.starts_at, Campaign.id)
        )
    )
    return CrewOverview(mine=mine, in_review=in_review, live=live, internal=internal)


def review_queue(session: Session) -> list[Entry]:
    """Proposals waiting for a decision, oldest submission first, with endorsement counts."""
    return _entries(
        session,
        select(Proposal)
        .where(Proposal.status == ProposalStatus.SUBMITTED)
        .order_by(Proposal.submitted_at, Proposal.id),
    )


def review_queue_page(session: Session, query: str = "", number: int = 1) -> Page[Entry]:
    """One page of the review queue (oldest submission first), narrowed to proposals whose
    title or cause contains ``query``."""
    statement = search(
        select(Proposal)
        .where(Proposal.status == ProposalStatus.SUBMITTED)
        .order_by(Proposal.submitted_at, Proposal.id),
        query,
        (Proposal.title, Proposal.cause),
    )
    page = page_of(session, statement, number)
    ids = [proposal.id for proposal in page.items]
    entries = (
        _entries(
            session,
            select(Proposal)
            .where(Proposal.id.in_(ids))
            .order_by(Proposal.submitted_at, Proposal.id),
        )
        if ids
        else []
    )
    return replace(page, items=entries)


def pending_review_count(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Proposal)
            .where(Proposal.status == ProposalStatus.SUBMITTED)
        )
        or 0
    )


@dataclass(frozen=True)
class Said:
    """A comment or a decision with the name of who wrote or took it."""

    name: str
    at: datetime
    body: str | None  # a comment hidden by a moderator: None
    from_status: str | None = None
    to_status: str | None = None
    # Comments only: which one (to report it), whether a moderator hid it, whether the viewer
    # wrote it or reported it already.
    id: int | None = None
    hidden: bool = False
    mine: bool = False
    reported_by_viewer: bool = False


@dataclass(frozen=True)
class ProposalPage:
    proposal: Proposal
    draft: ProposalDraft
    author_name: str
    allowed: frozenset[ProposalAction]
    endorsers: list[str]
    endorsed_by_viewer: bool
    comments: list[Said]
    decisions: list[Said]
    partners: dict[int, str]
    campaign: Campaign | None


def proposal_page(session: Session, viewer: User, proposal: Proposal) -> ProposalPage:
    """Everything the proposal's page shows ``viewer`` (who must be allowed to see it)."""
    held = held_by(viewer, proposal)
    endorsements = session.execute(
        select(User.id, User.display_name)
        .join(Endorsement, Endorsement.user_id == User.id)
        .where(Endorsement.proposal_id == proposal.id)
        .order_by(Endorsement.id)
    ).all()
    reported = (
        exists()
        .where(
            ContentReport.comment_id == ProposalComment.id,
            ContentReport.reporter_id == viewer.id,
        )
        .correlate(ProposalComment)
    )
    comments = [
        Said(
            name,
            comment.created_at,
            None if comment.hidden_at is not None else comment.body,
            id=comment.id,
            hidden=comment.hidden_at is not None,
            mine=comment.author_id == viewer.id,
            reported_by_viewer=bool(was_reported),
        )
        for comment, name, was_reported in session.execute(
            select(ProposalComment, User.display_name, reported)
            .join(User, User.id == ProposalComment.author_id)
            .where(ProposalComment.proposal_id == proposal.id)
            .order_by(ProposalComment.id)
        )
    ]
    decisions = [
        Said(name, decision.created_at, decision.reason, decision.from_status, decision.to_status)
        for decision, name in session.execute(
            select(ProposalDecision, User.display_name)
            .join(User, User.id == ProposalDecision.actor_id)
            .where(ProposalDecision.proposal_id == proposal.id)
            .order_by(ProposalDecision.id)
        )
    ]
    draft = draft_of(proposal)
    partner_ids = [b.partner_id for b in draft.rules.beneficiaries]
    partners = {
        int(pid): name
        for pid, name in session.execute(
            select(Partner.id, Partner.name).where(Partner.id.in_(partner_ids))
        )
    }
    author = session.get(User, proposal.author_id)
    return ProposalPage(
        proposal=proposal,
        draft=draft,
        author_name=author.display_name if author else "",
        allowed=rules.allowed(proposal.status, held),
        endorsers=[name for _id, name in endorsements],
        endorsed_by_viewer=any(uid == viewer.id for uid, _name in endorsements),
        comments=comments,
        decisions=decisions,
        partners=partners,
        campaign=session.get(Campaign, proposal.campaign_id) if proposal.campaign_id else None,
    )


def partner_choices(session: Session) -> list[tuple[int, str]]:
    return [
        (row.id, row.name)
        for row in session.execute(select(Partner.id, Partner.name).order_by(Partner.name))
    ]
