"""Writing the audit trail (services/audit_browse.py reads it): who did what, when, to what,
with the state before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from campaign.models import AuditEntry, User


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    now: datetime,
    campaign_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
    actor_label: str = "system",
) -> AuditEntry:
    """Append one audit entry. ``actor`` None means the scheduler or a command (``actor_label``)."""
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else actor_label,
        campaign_id=campaign_id,
        action=action,
        before=before,
        after=after,
        reason=reason,
        created_at=now,
    )
    session.add(entry)
    return entry
