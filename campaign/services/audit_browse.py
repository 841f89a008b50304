"""Reading the audit trail (services/audit.py writes it): filtered, newest first, by page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from campaign.models import AuditEntry, Campaign
from campaign.rules.calendar import end_bound, start_of_day

PER_PAGE = 50
# Past this the offset is absurd; capping it keeps every request cheap and in range.
MAX_PAGE = 100_000


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to show. Empty values do not filter; the days are KST and inclusive."""

    action: str = ""  # a prefix: "partner." matches "partner.create" and "partner.token.issue"
    campaign_id: int | None = None
    actor: str = ""  # part of the actor's email (or "system", "scheduler" …), any case
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class Change:
    """One key of an entry's before/after, as text for people."""

    key: str
    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    campaign_title: str | None
    changes: list[Change]


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _like_escaped(term: str) -> str:
    for special in ("\\", "%", "_"):
        term = term.replace(special, "\\" + special)
    return term


def _filtered(statement: Select[Any], filters: AuditFilter) -> Select[Any]:
    if filters.action:
        statement = statement.where(
            AuditEntry.action.like(_like_escaped(filters.action) + "%", escape="\\")
        )
    if filters.campaign_id is not None:
        statement = statement.where(AuditEntry.campaign_id == filters.campaign_id)
    if filters.actor:
        pattern = "%" + _like_escaped(filters.actor.lower()) + "%"
        statement = statement.where(func.lower(AuditEntry.actor_label).like(pattern, escape="\\"))
    if filters.since is not None:
        statement = statement.where(AuditEntry.created_at >= start_of_day(filters.since))
    if filters.until is not None:
        statement = statement.where(AuditEntry.created_at < end_bound(filters.until))
    return statement


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _as_dict(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    return value if isinstance(value, dict) else {"value": value}


def describe_changes(before: Any, after: Any) -> list[Change]:
    """Each key of ``before`` and ``after`` (in the order written) with both values as text."""
    old, new = _as_dict(before), _as_dict(after)
    keys = list(dict.fromkeys([*old, *new]))
    return [Change(key, _as_text(old.get(key)), _as_text(new.get(key))) for key in keys]


def browse(
    session: Session, filters: AuditFilter, page: int = 1, per_page: int = PER_PAGE
) -> AuditPage:
    """One page of matching entries, newest first (ties by id), with their campaign's title.

    ``page`` outside 1..MAX_PAGE is brought back into it.
    """
    page = min(max(page, 1), MAX_PAGE)
    statement = _filtered(
        select(AuditEntry, Campaign.title).outerjoin(
            Campaign, Campaign.id == AuditEntry.campaign_id
        ),
        filters,
    )
    statement = (
        statement.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)  # one more tells whether there is a next page
    )
    found = session.execute(statement).all()
    rows = [
        AuditRow(entry, title, describe_changes(entry.before, entry.after))
        for entry, title in found[:per_page]
    ]
    return AuditPage(rows=rows, page=page, has_next=len(found) > per_page)
