"""In-app notifications: written with the change they announce, read on /notifications.

A notification stores a ``kind`` and plain ``params``; the web layer turns them into a
sentence in the reader's language when it is shown, so a message written today reads right in
either language tomorrow.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from campaign.models import Notification

LIST_LIMIT = 50


def notify(
    session: Session,
    user_ids: Iterable[int],
    kind: str,
    now: datetime,
    *,
    params: dict[str, Any] | None = None,
    link: str | None = None,
) -> list[Notification]:
    """Add one unread notification for each distinct user (in the caller's transaction)."""
    written = []
    for user_id in dict.fromkeys(user_ids):
        notification = Notification(
            user_id=user_id, kind=kind, params=dict(params or {}), link=link, created_at=now
        )
        session.add(notification)
        written.append(notification)
    session.flush()
    return written


def unread_count(session: Session, user_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def recent(session: Session, user_id: int, limit: int = LIST_LIMIT) -> list[Notification]:
    """The user's latest notifications, unread and read, newest first."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(
    session: Session, user_id: int, now: datetime, notification_id: int | None = None
) -> int:
    """Mark one of the user's notifications (or all of them) read; returns how many changed.
    Someone else's notification is never touched."""
    statement = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    return session.execute(statement.values(read_at=now)).rowcount or 0


def find_own(session: Session, user_id: int, notification_id: int) -> Notification | None:
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        return None
    return notification
