"""Changing a campaign's status: open, pause, resume, close, cancel, extend, settle.

Each change is one conditional UPDATE (``… WHERE status IN (allowed sources)``), so when two
parties race — the scheduler and an admin closing at the same moment, or a double click — one
of them changes the row and writes the audit entry, and the other finds nothing to do. Closing
also freezes the ledger into a settlement in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from campaign.errors import IllegalTransition
from campaign.models import Campaign, SettlementStatus, User
from campaign.rules import transitions
from campaign.rules.calendar import last_day
from campaign.rules.transitions import Transition
from campaign.services import audit, results
from campaign.services.fundraising import write_topup
from campaign.services.milestones import unlock_reached
from campaign.services.proposals import announce_opened
from campaign.services.settlement import settle, settlement_for

campaigns = Campaign.__table__


def _change(
    session: Session,
    campaign: Campaign,
    transition: Transition,
    *,
    actor: User | None,
    actor_label: str,
    now: datetime,
    reason: str | None = None,
    extra: dict[str, Any] | None = None,
) -> bool:
    """Apply ``transition`` if the campaign is (still) in an allowed status.

    Returns False when a concurrent party already made the same change (nothing written);
    raises IllegalTransition when the current status does not allow it at all.
    """
    sources, target = transitions.ALLOWED[transition]
    values: dict[str, Any] = dict(extra or {})
    if target is not None:
        values["status"] = target.value
    result = session.execute(
        update(campaigns)
        .where(campaigns.c.id == campaign.id, campaigns.c.status.in_([s.value for s in sources]))
        .values(values)
    )
    before = {"status": campaign.status.value}
    if "ends_at" in values:
        before["ends_at"] = campaign.ends_at.isoformat()
    session.refresh(campaign)
    if result.rowcount == 0:
        if target is not None and campaign.status == target:
            return False
        raise IllegalTransition(transition=transition.value, status=campaign.status.value)
    after = {"status": campaign.status.value}
    if "ends_at" in values:
        after["ends_at"] = campaign.ends_at.isoformat()
        after["last_day"] = last_day(campaign.ends_at).isoformat()
    audit.record(
        session,
        actor=actor,
        actor_label=actor_label,
        action=f"campaign.{transition.value}",
        campaign_id=campaign.id,
        before=before,
        after=after,
        reason=reason,
        now=now,
    )
    return True


def open_campaign(
    session: Session,
    campaign: Campaign,
    *,
    actor: User | None,
    now: datetime,
    actor_label: str = "scheduler",
) -> bool:
    """Start taking actions, and tell the crew behind its proposal that it is live. Opening
    before the planned start moves the start to ``now``."""
    extra: dict[str, Any] = {"opened_at": now}
    if campaign.starts_at > now:
        extra["starts_at"] = now
    changed = _change(
        session,
        campaign,
        Transition.OPEN,
        actor=actor,
        actor_label=actor_label,
        now=now,
        extra=extra,
    )
    if changed:
        announce_opened(session, campaign, now)
    return changed


def pause(
    session: Session, campaign: Campaign, *, actor: User, now: datetime, actor_label: str = "admin"
) -> bool:
    return _change(
        session, campaign, Transition.PAUSE, actor=actor, actor_label=actor_label, now=now
    )


def resume(
    session: Session, campaign: Campaign, *, actor: User, now: datetime, actor_label: str = "admin"
) -> bool:
    return _change(
        session, campaign, Transition.RESUME, actor=actor, actor_label=actor_label, now=now
    )


def cancel(
    session: Session, campaign: Campaign, *, actor: User, reason: str, now: datetime
) -> bool:
    """Stop a campaign that will not be settled. A reason is required; every participant is
    told (in-app here; the caller mails them after the commit)."""
    reason = transitions.check_reason(reason)
    changed = _change(
        session,
        campaign,
        Transition.CANCEL,
        actor=actor,
        actor_label="admin",
        now=now,
        reason=reason,
    )
    if changed:
        results.announce_cancelled(session, campaign, reason, now)
    return changed


def extend(
    session: Session,
    campaign: Campaign,
    *,
    actor: User,
    new_ends_at: datetime,
    now: datetime,
    reason: str | None = None,
) -> bool:
    """Move the end later (audited). ``new_ends_at`` is the exclusive bound (rules.calendar)."""
    transitions.check(Transition.EXTEND, campaign.status)
    transitions.check_extension(campaign.ends_at, new_ends_at, campaign.starts_at, now)
    return _change(
        session,
        campaign,
        Transition.EXTEND,
        actor=actor,
        actor_label="admin",
        now=now,
        reason=reason,
        extra={"ends_at": new_ends_at},
    )


def close(
    session: Session,
    campaign: Campaign,
    *,
    actor: User | None,
    now: datetime,
    actor_label: str = "scheduler",
) -> bool:
    """Close the campaign and freeze its ledger into a settlement, once.

    Returns False when it was already closed by someone else (then nothing is written).
    Participants and draw winners get their in-app notices in the same transaction; the mails
    follow the commit (services/results.py).
    """
    changed = _change(
        session,
        campaign,
        Transition.CLOSE,
        actor=actor,
        actor_label=actor_label,
        now=now,
        extra={"closed_at": now},
    )
    if changed:
        unlock_reached(session, campaign, now)
        write_topup(session, campaign, now)
        settlement = settle(session, campaign, now)
        results.announce(session, campaign, settlement, now)
    return changed


def mark_sent(
    session: Session,
    campaign: Campaign,
    *,
    actor: User | None,
    now: datetime,
    actor_label: str = "admin",
) -> bool:
    """The settlement has gone to the partners: the campaign becomes settled."""
    changed = _change(
        session, campaign, Transition.SETTLE, actor=actor, actor_label=actor_label, now=now
    )
    if changed:
        settlement = settlement_for(session, campaign)
        assert settlement is not None
        settlement.status = SettlementStatus.SENT
        settlement.sent_at = now
        session.flush()
    return changed


def mark_acknowledged(session: Session, campaign: Campaign, *, actor: User, now: datetime) -> None:
    """A partner confirmed receipt of a sent settlement (audited; the status stays settled)."""
    settlement = settlement_for(session, campaign)
    if settlement is None or settlement.status != SettlementStatus.SENT:
        raise IllegalTransition(transition="acknowledge", status=campaign.status.value)
    settlement.status = SettlementStatus.ACKNOWLEDGED
    settlement.acknowledged_at = now
    audit.record(
        session,
        actor=actor,
        action="settlement.acknowledge",
        campaign_id=campaign.id,
        before={"settlement": "sent"},
        after={"settlement": "acknowledged"},
        now=now,
    )
    session.flush()
