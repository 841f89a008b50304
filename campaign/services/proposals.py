"""Crew proposals: drafting, endorsing, discussing, and the admins' review.

Every step loads the proposal with a row lock, asks rules/proposals whether this person may
take it in this state, and records it: a ProposalDecision for each status change (who, when,
why), the audit trail for each admin decision. Someone who may not see a proposal gets
NotFound, never a hint that it exists.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.errors import AlreadyEndorsed, Forbidden, Invalid, NotFound
from campaign.models import (
    Campaign,
    CampaignCover,
    CampaignStatus,
    Endorsement,
    Notification,
    Partner,
    Proposal,
    ProposalComment,
    ProposalCover,
    ProposalDecision,
    ProposalStatus,
    User,
)
from campaign.rules import proposals as rules
from campaign.rules.calendar import kst_day
from campaign.rules.proposals import (
    COMMENT_MAX,
    REASON_MAX,
    Capacity,
    ProposalAction,
    ProposalDraft,
    ProposedRules,
)
from campaign.services import audit, notifications
from campaign.services.campaigns import create_campaign

# What an author hears about their proposal, and endorsers about one they backed.
NOTIFY_RETURNED = "proposal_returned"
NOTIFY_REJECTED = "proposal_rejected"
NOTIFY_APPROVED = "proposal_approved"
NOTIFY_ENDORSED_APPROVED = "endorsed_proposal_approved"
NOTIFY_LIVE = "proposal_live"


def held_by(viewer: User | None, proposal: Proposal) -> frozenset[Capacity]:
    if viewer is None or not viewer.is_active:
        return frozenset()
    return rules.capacities(
        is_author=viewer.id == proposal.author_id,
        is_crew=viewer.is_crew,
        is_admin=viewer.is_admin,
    )


def draft_of(proposal: Proposal) -> ProposalDraft:
    return ProposalDraft(
        title=proposal.title,
        kind=proposal.kind,
        cause=proposal.cause,
        goal_won=proposal.goal_won,
        starts_on=proposal.starts_on,
        ends_on=proposal.ends_on,
        rules=rules.rules_from_json(proposal.details),
    )


def draft_json(draft: ProposalDraft) -> dict[str, Any]:
    """A draft as plain JSON (for the audit trail)."""
    return {
        "title": draft.title,
        "kind": draft.kind.value,
        "cause": draft.cause,
        "goal_won": draft.goal_won,
        "starts_on": draft.starts_on.isoformat() if draft.starts_on else None,
        "ends_on": draft.ends_on.isoformat() if draft.ends_on else None,
        "details": rules.rules_to_json(draft.rules),
    }


def find_proposal(session: Session, viewer: User | None, proposal_id: int) -> Proposal:
    """The proposal if ``viewer`` may see it; NotFound otherwise (drafts are their author's
    alone; nobody but crew sees any)."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or not rules.can_see(proposal.status, held_by(viewer, proposal)):
        raise NotFound()
    return proposal


def _take(
    session: Session, actor: User, proposal_id: int, action: ProposalAction
) -> tuple[Proposal, ProposalStatus | None]:
    """Lock the proposal row, then check the step: concurrent decisions on one proposal run
    one after the other, and the second sees the first's outcome."""
    proposal = session.scalar(
        select(Proposal)
        .where(Proposal.id == proposal_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    held = frozenset() if proposal is None else held_by(actor, proposal)
    if proposal is None or not rules.can_see(proposal.status, held):
        raise NotFound()
    return proposal, rules.check(action, proposal.status, held)


def _check_partners(session: Session, proposed: ProposedRules) -> None:
    wanted = {b.partner_id for b in proposed.beneficiaries}
    if not wanted:
        return
    known = set(session.scalars(select(Partner.id).where(Partner.id.in_(wanted))))
    if known != wanted:
        raise Invalid("beneficiaries", "unknown_partner")


def _store(proposal: Proposal, draft: ProposalDraft, now: datetime) -> None:
    proposal.title = draft.title
    proposal.kind = draft.kind
    proposal.cause = draft.cause
    proposal.goal_won = draft.goal_won
    proposal.starts_on = draft.starts_on
    proposal.ends_on = draft.ends_on
    proposal.details = rules.rules_to_json(draft.rules)
    proposal.updated_at = now


def _decide(
    session: Session,
    proposal: Proposal,
    actor: User,
    to: ProposalStatus,
    now: datetime,
    reason: str | None = None,
) -> ProposalDecision:
    decision = ProposalDecision(
        proposal_id=proposal.id,
        actor_id=actor.id,
        from_status=proposal.status.value,
        to_status=to.value,
        reason=reason,
        created_at=now,
    )
    session.add(decision)
    proposal.status = to
    proposal.updated_at = now
    return decision


# --- The author ---------------------------------------------------------------------------


def create_draft(session: Session, author: User, draft: ProposalDraft, now: datetime) -> Proposal:
    """Save a new draft for a crew member. It may be incomplete, never malformed (Invalid).
    Forbidden for anyone who is not crew."""
    if not author.is_crew or not author.is_active:
        raise Forbidden()
    clean = rules.clean_draft(draft)
    _check_partners(session, clean.rules)
    proposal = Proposal(author_id=author.id, status=ProposalStatus.DRAFT, created_at=now)
    _store(proposal, clean, now)
    session.add(proposal)
    session.flush()
    return proposal


def update_draft(
    session: Session, author: User, proposal_id: int, draft: ProposalDraft, now: datetime
) -> Proposal:
    """The author changes a draft, or a proposal sent back to them."""
    proposal, _to = _take(session, author, proposal_id, ProposalAction.EDIT)
    clean = rules.clean_draft(draft)
    _check_partners(session, clean.rules)
    _store(proposal, clean, now)
    session.flush()
    return proposal


def submit(session: Session, author: User, proposal_id: int, now: datetime) -> Proposal:
    """Send a complete draft (or a returned proposal) to review. Raises Invalid naming the
    first field that keeps it from becoming a campaign. The queue keeps the first
    submission's time, so a proposal sent back and fixed does not lose its place."""
    proposal, to = _take(session, author, proposal_id, ProposalAction.SUBMIT)
    assert to is not None
    draft = draft_of(proposal)
    rules.to_spec(draft, slug="proposal-check", today=kst_day(now))
    _check_partners(session, draft.rules)
    _decide(session, proposal, author, to, now)
    proposal.submitted_at = proposal.submitted_at or now
    session.flush()
    return proposal


def withdraw(session: Session, author: User, proposal_id: int, now: datetime) -> Proposal:
    """The author takes a proposal out of review (final)."""
    proposal, to = _take(session, author, proposal_id, ProposalAction.WITHDRAW)
    assert to is not None
    _decide(session, proposal, author, to, now)
    session.flush()
    return proposal


# --- Colleagues ---------------------------------------------------------------------------


def endorse(session: Session, colleague: User, proposal_id: int, now: datetime) -> Endorsement:
    """A crew member other than the author backs a proposal in review, once
    (AlreadyEndorsed the second time; the database's unique constraint backs this up)."""
    proposal, _to = _take(session, colleague, proposal_id, ProposalAction.ENDORSE)
    existing = session.scalar(
        select(Endorsement.id).where(
            Endorsement.proposal_id == proposal.id, Endorsement.user_id == colleague.id
        )
    )
    if existing is not None:
        raise AlreadyEndorsed()
    endorsement = Endorsement(proposal_id=proposal.id, user_id=colleague.id, created_at=now)
    session.add(endorsement)
    session.flush()
    return endorsement


def add_comment(
    session: Session, author: User, proposal_id: int, body: str, now: datetime
) -> ProposalComment:
    """Any crew member (the author too) adds to the discussion of a proposal in review."""
    proposal, _to = _take(session, author, proposal_id, ProposalAction.COMMENT)
    comment = ProposalComment(
        proposal_id=proposal.id,
        author_id=author.id,
        body=rules.clean_comment(body, "body", COMMENT_MAX),
        created_at=now,
    )
    session.add(comment)
    session.flush()
    return comment


# --- Reviewers ----------------------------------------------------------------------------


def _endorser_ids(session: Session, proposal_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Endorsement.user_id)
            .where(Endorsement.proposal_id == proposal_id)
            .order_by(Endorsement.id)
        )
    )


def approve(
    session: Session,
    reviewer: User,
    proposal_id: int,
    now: datetime,
    *,
    slug: str,
    edits: ProposalDraft | None = None,
    note: str | None = None,
) -> Campaign:
    """Approve a proposal in review, optionally with the reviewer's edits, and create its
    campaign (scheduled, rules frozen, at ``slug``). The edits, the decision and the new
    campaign are audited; the author and the endorsers are told.

    Raises Invalid (naming the field) when the proposal, as edited, cannot run; nothing is
    changed then.
    """
    proposal, to = _take(session, reviewer, proposal_id, ProposalAction.APPROVE)
    assert to is not None
    before = draft_of(proposal)
    draft = rules.clean_draft(edits) if edits is not None else before
    note = rules.clean_note(note, "note", REASON_MAX)
    spec = rules.to_spec(draft, slug=(slug or "").strip(), today=kst_day(now))
    author = session.get(User, proposal.author_id)
    campaign = create_campaign(
        session, spec, now=now, created_by=author, status=CampaignStatus.SCHEDULED
    )
    if draft != before:
        _store(proposal, draft, now)
        audit.record(
            session,
            actor=reviewer,
            action="proposal.edit",
            now=now,
            before={"proposal_id": proposal.id, **draft_json(before)},
            after={"proposal_id": proposal.id, **draft_json(draft)},
        )
    _decide(session, proposal, reviewer, to, now, note)
    proposal.campaign_id = campaign.id
    _carry_cover(session, proposal.id, campaign.id, now)
    audit.record(
        session,
        actor=reviewer,
        action="proposal.approve",
        now=now,
        campaign_id=campaign.id,
        before={"proposal_id": proposal.id, "status": ProposalStatus.SUBMITTED.value},
        after={
            "proposal_id": proposal.id,
            "status": ProposalStatus.APPROVED.value,
            "campaign": campaign.slug,
        },
        reason=note,
    )
    params = {
        "proposal_id": proposal.id,
        "title": proposal.title,
        "slug": campaign.slug,
        "starts_on": draft.starts_on.isoformat() if draft.starts_on else "",
    }
    notifications.notify(session, [proposal.author_id], NOTIFY_APPROVED, now, params=params)
    endorsers = [uid for uid in _endorser_ids(session, proposal.id) if uid != proposal.author_id]
    notifications.notify(session, endorsers, NOTIFY_ENDORSED_APPROVED, now, params=params)
    session.flush()
    return campaign


def _carry_cover(session: Session, proposal_id: int, campaign_id: int, now: datetime) -> None:
    """The cover the author suggested becomes the new campaign's, with the same words."""
    suggested = session.get(ProposalCover, proposal_id)
    if suggested is not None:
        session.add(
            CampaignCover(
                campaign_id=campaign_id,
                image_id=suggested.image_id,
                alt=suggested.alt,
                set_by_id=suggested.set_by_id,
                set_at=now,
            )
        )


def _close_review(
    session: Session,
    reviewer: User,
    proposal_id: int,
    action: ProposalAction,
    reason: str,
    now: datetime,
    kind: str,
) -> Proposal:
    proposal, to = _take(session, reviewer, proposal_id, action)
    assert to is not None
    why = rules.clean_comment(reason, "reason", REASON_MAX)
    _decide(session, proposal, reviewer, to, now, why)
    audit.record(
        session,
        actor=reviewer,
        action=f"proposal.{action.value}",
        now=now,
        before={"proposal_id": proposal.id, "status": ProposalStatus.SUBMITTED.value},
        after={"proposal_id": proposal.id, "status": to.value},
        reason=why,
    )
    notifications.notify(
        session,
        [proposal.author_id],
        kind,
        now,
        params={"proposal_id": proposal.id, "title": proposal.title, "reason": why},
    )
    session.flush()
    return proposal


def send_back(
    session: Session, reviewer: User, proposal_id: int, comment: str, now: datetime
) -> Proposal:
    """Return a proposal to its author with a comment (required); they edit and resubmit."""
    return _close_review(
        session, reviewer, proposal_id, ProposalAction.RETURN, comment, now, NOTIFY_RETURNED
    )


def reject(
    session: Session, reviewer: User, proposal_id: int, reason: str, now: datetime
) -> Proposal:
    """Turn a proposal down for good, with a reason (required)."""
    return _close_review(
        session, reviewer, proposal_id, ProposalAction.REJECT, reason, now, NOTIFY_REJECTED
    )


def announce_opened(session: Session, campaign: Campaign, now: datetime) -> int:
    """Tell the author and the endorsers of the proposal behind ``campaign`` that it is live.

    For whoever opens campaigns (the scheduler's sweep). Idempotent: a person told once is not
    told again. Returns how many were told now.
    """
    proposal = session.scalar(select(Proposal).where(Proposal.campaign_id == campaign.id))
    if proposal is None:
        return 0
    people = [proposal.author_id, *_endorser_ids(session, proposal.id)]
    told = {
        n.user_id
        for n in session.scalars(
            select(Notification).where(
                Notification.kind == NOTIFY_LIVE, Notification.user_id.in_(people)
            )
        )
        if n.params.get("campaign_id") == campaign.id
    }
    fresh = [uid for uid in dict.fromkeys(people) if uid not in told]
    notifications.notify(
        session,
        fresh,
        NOTIFY_LIVE,
        now,
        params={
            "proposal_id": proposal.id,
            "campaign_id": campaign.id,
            "title": campaign.title,
            "slug": campaign.slug,
        },
    )
    return len(fresh)
