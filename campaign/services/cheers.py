"""Cheers that carry a message, and the campaign's cheer wall.

Recording wraps ``services.actions.record_action`` (it is not changed): the action is counted,
capped and paid for exactly as any other, then its message row is written in the same
transaction, so a message exists only for a counted action and a refused action leaves none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from campaign.errors import IdempotencyKeyReused
from campaign.models import (
    Action,
    ActionType,
    Campaign,
    CheerMessage,
    ContentReport,
    Correction,
    User,
)
from campaign.rules.accounts import mask_name
from campaign.rules.cheers import clean_message
from campaign.rules.states import MessageRule
from campaign.services.actions import RecordedAction, record_action

WALL_PAGE = 10


@dataclass(frozen=True)
class RecordedCheer:
    """The counted action (as ``record_action`` answered) and the message it carries, if any."""

    recorded: RecordedAction
    message: CheerMessage | None


def record_with_message(
    session: Session,
    user: User,
    campaign: Campaign,
    action_code: str,
    evidence: str | None,
    message: str | None,
    idempotency_key: str | None,
    now: datetime,
    *,
    source: str = "web",
) -> RecordedCheer:
    """Count one action like ``record_action`` (same guarantees, same refusals) and keep the
    message the action type asks for.

    - the message is checked before anything is written: required where the action type wants
      one, refused where it takes none, at most ``MESSAGE_MAX`` characters of one line without
      control characters (rules/cheers.clean_message);
    - the message row is written in the caller's transaction right after the action, so it
      commits or rolls back with it; caps, the purse and the sponsor's ₩ are the action's;
    - a replay of an ``idempotency_key`` answers the first cheer and writes nothing; the same
      key with another message is IdempotencyKeyReused.
    """
    action_type = campaign.action_type(action_code or "")
    # An unknown action has no rule to check the message by: record_action refuses it.
    text = clean_message(message, action_type.message) if action_type is not None else None
    recorded = record_action(
        session, user, campaign, action_code, evidence, idempotency_key, now, source=source
    )
    if recorded.replayed:
        earlier = session.scalar(
            select(CheerMessage).where(CheerMessage.action_id == recorded.action.id)
        )
        if (earlier.text if earlier is not None else None) != text:
            raise IdempotencyKeyReused()
        return RecordedCheer(recorded, earlier)
    if text is None:
        return RecordedCheer(recorded, None)
    row = CheerMessage(
        action_id=recorded.action.id,
        campaign_id=campaign.id,
        user_id=user.id,
        text=text,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return RecordedCheer(recorded, row)


@dataclass(frozen=True)
class WallEntry:
    id: int
    masked_name: str
    text: str | None  # None when a moderator has hidden it
    action_label: str
    created_at: datetime
    mine: bool
    reported_by_viewer: bool

    @property
    def hidden(self) -> bool:
        return self.text is None


@dataclass(frozen=True)
class WallPage:
    entries: list[WallEntry]
    older: int | None  # pass as ``before`` for the next (older) page; None on the last page


def cheer_wall(
    session: Session,
    campaign: Campaign,
    viewer: User | None,
    *,
    before: int | None = None,
    limit: int = WALL_PAGE,
) -> WallPage:
    """The campaign's messages, newest first, ``limit`` at a time (``before`` an id: the page
    of older ones). Names are masked (홍*동); a hidden message keeps its place without its
    text. One statement: an index range scan of ``campaign_id, id``."""
    viewer_id = viewer.id if viewer is not None else None
    reported = (
        exists()
        .where(
            ContentReport.cheer_message_id == CheerMessage.id,
            ContentReport.reporter_id == viewer_id,
        )
        .correlate(CheerMessage)
    )
    query = (
        select(CheerMessage, User.display_name, ActionType.label, reported)
        .join(User, User.id == CheerMessage.user_id)
        .join(Action, Action.id == CheerMessage.action_id)
        .join(ActionType, ActionType.id == Action.action_type_id)
        .where(
            CheerMessage.campaign_id == campaign.id,
            # A voided cheer no longer counts; its message must not stand as if it did.
            ~exists().where(Correction.action_id == CheerMessage.action_id),
        )
        .order_by(CheerMessage.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        query = query.where(CheerMessage.id < before)
    rows = session.execute(query).all()
    entries = [
        WallEntry(
            id=message.id,
            masked_name=mask_name(name),
            text=None if message.hidden_at is not None else message.text,
            action_label=label,
            created_at=message.created_at,
            mine=viewer_id is not None and message.user_id == viewer_id,
            reported_by_viewer=bool(was_reported),
        )
        for message, name, label, was_reported in rows[:limit]
    ]
    older = entries[-1].id if len(rows) > limit else None
    return WallPage(entries, older)


def takes_messages(campaign: Campaign) -> bool:
    """Whether any of the campaign's action types carries a message (so it has a wall)."""
    return any(t.message != MessageRule.NONE for t in campaign.action_types)
