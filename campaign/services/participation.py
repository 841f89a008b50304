"""Joining a campaign: once per person, with a team chosen for good where there are teams."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.errors import AlreadyJoined, CampaignClosed, Invalid, NotFound, TeamRequired
from campaign.models import Campaign, Participant, User
from campaign.rules.lifecycle import FINISHED
from campaign.services import counters
from campaign.services.campaigns import can_see
from campaign.services.sql import insert

participants = Participant.__table__


@dataclass(frozen=True)
class Joined:
    participant: Participant
    created: bool


def find_participant(session: Session, campaign: Campaign, user: User) -> Participant | None:
    return session.scalar(
        select(Participant).where(
            Participant.campaign_id == campaign.id, Participant.user_id == user.id
        )
    )


def join(
    session: Session, user: User, campaign: Campaign, team_code: str | None, now: datetime
) -> Joined:
    """Make ``user`` a participant of ``campaign``.

    Joining again with the same team (or none, where there are no teams) returns the existing
    participation unchanged, so a retried request is harmless. Asking for another team raises
    AlreadyJoined: the team is chosen once. Raises TeamRequired / Invalid("team") when the team
    is missing or unknown, CampaignClosed once the campaign is over, NotFound when the viewer
    may not see it.
    """
    if not can_see(campaign, user):
        raise NotFound()
    if campaign.status in FINISHED or now >= campaign.ends_at:
        raise CampaignClosed()
    team = None
    team_code = (team_code or "").strip() or None
    if campaign.teams:
        if team_code is None:
            raise TeamRequired()
        team = campaign.team(team_code)
        if team is None:
            raise Invalid("team", "unknown_team")
    elif team_code is not None:
        raise Invalid("team", "unknown_team")

    existing = find_participant(session, campaign, user)
    if existing is not None:
        if existing.team_id != (team.id if team else None):
            raise AlreadyJoined()
        return Joined(existing, created=False)

    new_id = session.execute(
        insert(session, participants)
        .values(
            campaign_id=campaign.id,
            user_id=user.id,
            team_id=team.id if team else None,
            joined_at=now,
            actions=0,
            stamps=0,
            gifted_won=0,
            matched_won=0,
        )
        .on_conflict_do_nothing()
        .returning(participants.c.id)
    ).scalar()
    if new_id is None:  # a concurrent request joined first
        existing = find_participant(session, campaign, user)
        assert existing is not None
        if existing.team_id != (team.id if team else None):
            raise AlreadyJoined()
        return Joined(existing, created=False)

    shard = counters.pick_shard(campaign)
    counters.add_to_campaign(session, campaign.id, shard, participants=1)
    if team is not None:
        counters.add_to_team(session, team.id, shard, participants=1)
    participant = session.get(Participant, new_id)
    assert participant is not None
    return Joined(participant, created=True)


def join_many(session: Session, campaign: Campaign, people: Sequence[tuple[User, datetime]]) -> int:
    """Make each (user, joined at) a participant of ``campaign``, a campaign without teams, in
    a few statements; returns how many joined (those already in are left as they are).

    For importing a finished season (the demo's history), never a request path: it refuses
    like ``join`` (NotFound, CampaignClosed, TeamRequired) but does not wait for a concurrent
    ``join`` of the same person, which would fail the whole batch on the unique constraint.
    """
    if campaign.teams:
        raise TeamRequired()
    for user, now in people:
        if not can_see(campaign, user):
            raise NotFound()
        if campaign.status in FINISHED or now >= campaign.ends_at:
            raise CampaignClosed()
    session.flush()  # the users first: the statements below bypass the ORM
    joined = set(
        session.scalars(
            select(participants.c.user_id).where(participants.c.campaign_id == campaign.id)
        )
    )
    rows = []
    for user, now in people:
        if user.id in joined:
            continue
        joined.add(user.id)
        rows.append(
            {
                "campaign_id": campaign.id,
                "user_id": user.id,
                "team_id": None,
                "joined_at": now,
                "actions": 0,
                "stamps": 0,
                "gifted_won": 0,
                "matched_won": 0,
            }
        )
    if rows:
        session.execute(participants.insert(), rows)
        counters.add_to_campaign(
            session, campaign.id, counters.pick_shard(campaign), participants=len(rows)
        )
    return len(rows)
