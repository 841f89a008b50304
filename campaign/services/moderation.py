"""Moderation of what people write where others read it: cheer messages on a campaign's wall
and comments on crew proposals.

Anyone signed in who can see an item may report it, once. Admins see the reported (and the
hidden) items in one queue and hide or restore each; every decision is audited. Hiding takes
the text off the page and nothing else: the cheer's action and its ₩ stay in the ledger.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from campaign.errors import Forbidden, Invalid, NotFound
from campaign.models import (
    Campaign,
    CheerMessage,
    ContentReport,
    Proposal,
    ProposalComment,
    User,
)
from campaign.rules.accounts import mask_name
from campaign.rules.cheers import clean_hide_reason
from campaign.services import audit
from campaign.services.sql import insert

QUEUE_MAX = 200


class Subject(enum.StrEnum):
    CHEER = "cheer"
    COMMENT = "comment"


# Per subject: the model, the report column pointing at it, and its author column.
_MODELS = {Subject.CHEER: CheerMessage, Subject.COMMENT: ProposalComment}
_REPORT_COLUMN = {
    Subject.CHEER: ContentReport.cheer_message_id,
    Subject.COMMENT: ContentReport.comment_id,
}
_AUTHOR = {Subject.CHEER: CheerMessage.user_id, Subject.COMMENT: ProposalComment.author_id}


def _report(
    session: Session, reporter: User, subject: Subject, item_id: int, author_id: int, now: datetime
) -> bool:
    if author_id == reporter.id:
        raise Invalid("report", "own_content")
    column = _REPORT_COLUMN[subject]
    # ON CONFLICT DO NOTHING: a second report by the same person (even a concurrent one) is
    # not an error and not a second row.
    written = session.execute(
        insert(session, ContentReport)
        .values({column.key: item_id, "reporter_id": reporter.id, "created_at": now})
        .on_conflict_do_nothing()
        .returning(ContentReport.id)
    ).first()
    return written is not None


def report_cheer(
    session: Session, reporter: User, campaign: Campaign, message_id: int, now: datetime
) -> bool:
    """``reporter`` (who can see ``campaign``) reports one of its messages. True when this is
    their first report of it; False when they had reported it already (nothing is written).
    NotFound for a message that is not on this campaign's wall or is already hidden;
    Invalid(own_content) for one's own message."""
    message = session.get(CheerMessage, message_id)
    if message is None or message.campaign_id != campaign.id or message.hidden_at is not None:
        raise NotFound()
    return _report(session, reporter, Subject.CHEER, message.id, message.user_id, now)


def report_comment(
    session: Session, reporter: User, proposal: Proposal, comment_id: int, now: datetime
) -> bool:
    """Like ``report_cheer`` for a comment on ``proposal`` (which the reporter can see)."""
    comment = session.get(ProposalComment, comment_id)
    if comment is None or comment.proposal_id != proposal.id or comment.hidden_at is not None:
        raise NotFound()
    return _report(session, reporter, Subject.COMMENT, comment.id, comment.author_id, now)


def _admin(actor: User) -> None:
    if not actor.is_admin:
        raise Forbidden()


def _campaign_of(session: Session, item: CheerMessage | ProposalComment) -> int | None:
    # A comment's campaign is its proposal's, once approved: the audit trail files it there.
    if isinstance(item, CheerMessage):
        return item.campaign_id
    return session.scalar(select(Proposal.campaign_id).where(Proposal.id == item.proposal_id))


def _resolve_reports(session: Session, subject: Subject, item_id: int, now: datetime) -> int:
    column = _REPORT_COLUMN[subject]
    return session.execute(
        update(ContentReport)
        .where(column == item_id, ContentReport.resolved_at.is_(None))
        .values(resolved_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount


def hide(
    session: Session, admin: User, subject: Subject, item_id: int, reason: str, now: datetime
) -> bool:
    """Hide a message or comment from everyone (its open reports are resolved). True when it
    was hidden now, False when it already was (nothing changes, nothing is audited).
    Audited as "<subject>.hide" with the reason. Forbidden for anyone but an admin; Invalid
    without a reason; NotFound for no such item."""
    _admin(admin)
    why = clean_hide_reason(reason)
    model = _MODELS[subject]
    item = session.get(model, item_id)
    if item is None:
        raise NotFound()
    changed = session.execute(
        update(model)
        .where(model.id == item_id, model.hidden_at.is_(None))
        .values(hidden_at=now, hidden_by_id=admin.id, hidden_reason=why)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        return False
    reports = _resolve_reports(session, subject, item_id, now)
    audit.record(
        session,
        actor=admin,
        action=f"{subject.value}.hide",
        now=now,
        campaign_id=_campaign_of(session, item),
        before={"id": item_id, "hidden": False},
        after={"id": item_id, "hidden": True, "reports_resolved": reports},
        reason=why,
    )
    session.expire(item)
    return True


def restore(session: Session, admin: User, subject: Subject, item_id: int, now: datetime) -> bool:
    """Show a hidden item again, or keep a reported one: either way its open reports are
    resolved. True when something changed, False when the item was visible and unreported.
    Audited as "<subject>.restore"."""
    _admin(admin)
    model = _MODELS[subject]
    item = session.get(model, item_id)
    if item is None:
        raise NotFound()
    was_hidden = session.execute(
        update(model)
        .where(model.id == item_id, model.hidden_at.is_not(None))
        .values(hidden_at=None, hidden_by_id=None, hidden_reason=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    reports = _resolve_reports(session, subject, item_id, now)
    if not was_hidden and not reports:
        return False
    audit.record(
        session,
        actor=admin,
        action=f"{subject.value}.restore",
        now=now,
        campaign_id=_campaign_of(session, item),
        before={"id": item_id, "hidden": bool(was_hidden)},
        after={"id": item_id, "hidden": False, "reports_resolved": reports},
    )
    session.expire(item)
    return True


@dataclass(frozen=True)
class QueueItem:
    subject: Subject
    id: int
    text: str
    author: str  # masked, as the public sees it
    where: str  # the campaign's or the proposal's title
    where_key: str  # the campaign's slug or the proposal's id, for a link
    created_at: datetime
    open_reports: int
    hidden: bool
    hidden_reason: str | None


def queue(session: Session, limit: int = QUEUE_MAX) -> list[QueueItem]:
    """What waits for a moderator: items with open reports first (most reported first), then
    hidden ones (latest first), each with its open report count. Two statements."""
    items: list[QueueItem] = []
    for subject, model, place, key in (
        (Subject.CHEER, CheerMessage, Campaign, Campaign.slug),
        (Subject.COMMENT, ProposalComment, Proposal, Proposal.id),
    ):
        column = _REPORT_COLUMN[subject]
        open_reports = (
            select(func.count())
            .where(column == model.id, ContentReport.resolved_at.is_(None))
            .correlate(model)
            .scalar_subquery()
        )
        owner = model.campaign_id if model is CheerMessage else model.proposal_id
        text = model.text if model is CheerMessage else model.body
        rows = session.execute(
            select(
                model.id,
                text,
                User.display_name,
                place.title,
                key,
                model.created_at,
                open_reports,
                model.hidden_at,
                model.hidden_reason,
            )
            .join(User, User.id == _AUTHOR[subject])
            .join(place, place.id == owner)
            .where(or_(open_reports > 0, model.hidden_at.is_not(None)))
            .order_by(open_reports.desc(), model.id.desc())
            .limit(limit)
        ).all()
        items += [
            QueueItem(
                subject,
                item_id,
                body,
                mask_name(name),
                title,
                str(where),
                created,
                int(count),
                hidden_at is not None,
                reason,
            )
            for item_id, body, name, title, where, created, count, hidden_at, reason in rows
        ]
    items.sort(key=lambda i: (i.open_reports == 0, -i.open_reports, -i.created_at.timestamp()))
    return items[:limit]
