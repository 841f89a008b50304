"""An in-process copy of each campaign's rules, so hot paths load a campaign in one statement.

A campaign's action types, teams, milestones and beneficiaries change only through an edit
(before launch, or an audited revision after), while every vote, progress poll and page view
needs them. Loading them is four SELECTs and their ORM rows each time. Here they are kept per
process as plain column values, keyed by the campaign and its ``revision``:

- every flush that adds, changes or removes one of those rows bumps ``campaigns.revision`` in
  the same transaction (``_bump_revisions``, a ``before_flush`` hook on every Session), so an
  edit made by any process is seen by the next load anywhere: the campaign row itself, with its
  status and revision, is always read fresh;
- a revision starts at a random 62-bit number, so a copy can never match another database's
  campaign with the same id, and a session that edited rules stores nothing until it commits
  (a rolled-back edit must not leave its rows behind under a number a later edit reuses);
- each request gets fresh ORM objects built from the copy (attached without SQL), never shared
  ones, so nothing one request does can leak into another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import Select, event, inspect, select, update
from sqlalchemy.orm import Session, lazyload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from campaign.models import ActionType, Beneficiary, Campaign, Milestone, Team

CHILDREN: dict[str, type] = {
    "action_types": ActionType,
    "teams": Team,
    "milestones": Milestone,
    "beneficiaries": Beneficiary,
}
ORDER = {
    "action_types": (ActionType.position, ActionType.id),
    "teams": (Team.position, Team.id),
    "milestones": (Milestone.threshold, Milestone.id),
    "beneficiaries": (Beneficiary.id,),
}
WITHOUT_CHILDREN = tuple(lazyload(getattr(Campaign, name)) for name in CHILDREN)
EDITED = "campaign_cache.edited"  # session.info flag: this transaction changed rules
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class Rules:
    """A campaign's rule rows as column values, in the order the model's relationships use."""

    revision: int
    rows: dict[str, tuple[dict[str, Any], ...]]


_copies: dict[tuple[str, int], Rules] = {}


def clear() -> None:
    _copies.clear()


def load_campaigns(session: Session, statement: Select) -> list[Campaign]:
    """Run ``statement`` (a SELECT of Campaign) and attach each campaign's rules from the copy:
    one statement when the copies are current, five for the campaigns whose revision moved."""
    campaigns = list(session.scalars(statement.options(*WITHOUT_CHILDREN)))
    attach(session, campaigns)
    return campaigns


def load_campaign(session: Session, statement: Select) -> Campaign | None:
    found = load_campaigns(session, statement)
    return found[0] if found else None


def _key(session: Session, campaign_id: int) -> tuple[str, int]:
    return (str(session.get_bind().url), campaign_id)


def attach(session: Session, campaigns: Iterable[Campaign]) -> None:
    """Give each campaign whose rules are not loaded in this session its rules."""
    stale = []
    for campaign in campaigns:
        unloaded = inspect(campaign).unloaded & CHILDREN.keys()
        if not unloaded:
            continue
        rules = _copies.get(_key(session, campaign.id))
        if rules is None or rules.revision != campaign.revision:
            stale.append(campaign)
        else:
            _populate(session, campaign, rules, unloaded)
    if not stale:
        return
    fresh = _read(session, {c.id: c.revision for c in stale})
    keep = not session.info.get(EDITED)
    if keep and len(_copies) > MAX_ENTRIES:
        _copies.clear()
    for campaign in stale:
        rules = fresh[campaign.id]
        if keep:
            _copies[_key(session, campaign.id)] = rules
        _populate(session, campaign, rules, inspect(campaign).unloaded & CHILDREN.keys())


def _read(session: Session, revisions: dict[int, int]) -> dict[int, Rules]:
    rows: dict[int, dict[str, list[dict[str, Any]]]] = {
        campaign_id: {name: [] for name in CHILDREN} for campaign_id in revisions
    }
    for name, model in CHILDREN.items():
        columns = [attr.columns[0].label(attr.key) for attr in inspect(model).column_attrs]
        found = session.execute(
            select(*columns)
            .where(model.campaign_id.in_(list(revisions)))  # type: ignore[attr-defined]
            .order_by(*ORDER[name])
        ).mappings()
        for row in found:
            rows[row["campaign_id"]][name].append(dict(row))
    return {
        campaign_id: Rules(revisions[campaign_id], {k: tuple(v) for k, v in by_name.items()})
        for campaign_id, by_name in rows.items()
    }


def _populate(session: Session, campaign: Campaign, rules: Rules, names: Iterable[str]) -> None:
    for name in names:
        model = CHILDREN[name]
        objects = []
        for values in rules.rows[name]:
            identity = session.identity_map.get(
                inspect(model).identity_key_from_primary_key((values["id"],))
            )
            if identity is None:
                identity = model(**values)
                make_transient_to_detached(identity)
                session.add(identity)
            set_committed_value(identity, "campaign", campaign)
            objects.append(identity)
        set_committed_value(campaign, name, objects)


# --- keeping the revision honest ---------------------------------------------------------------


def _edited_campaigns(session: Session) -> set[int]:
    ids: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, tuple(CHILDREN.values())):
            changed = obj not in session.dirty or session.is_modified(obj)
            owner = obj.campaign_id or (obj.campaign.id if obj.campaign is not None else None)
            if changed and owner is not None:
                ids.add(owner)
        elif isinstance(obj, Campaign) and obj in session.dirty and obj.id is not None:
            attrs = inspect(obj).attrs
            if any(attrs[name].history.has_changes() for name in CHILDREN):
                ids.add(obj.id)
    return ids


@event.listens_for(Session, "before_flush")
def _bump_revisions(session: Session, _context: Any, _instances: Any) -> None:
    ids = _edited_campaigns(session)
    if not ids:
        return
    session.info[EDITED] = True
    session.execute(
        update(Campaign)
        .where(Campaign.id.in_(sorted(ids)))
        .values(revision=Campaign.revision + 1)
        .execution_options(synchronize_session=False)
    )
    for obj in session.identity_map.values():
        if isinstance(obj, Campaign) and obj.id in ids:
            session.expire(obj, ["revision"])


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _transaction_ended(session: Session, *_args: Any) -> None:
    session.info.pop(EDITED, None)
