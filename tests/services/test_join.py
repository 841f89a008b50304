"""Joining: once per person, the team chosen for good, only where the viewer may see it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import (
    AlreadyJoined,
    CampaignClosed,
    DomainError,
    Invalid,
    NotFound,
    TeamRequired,
)
from campaign.models import CampaignKind, CampaignStatus, Participant, Role
from campaign.services import counters
from campaign.services.participation import join, join_many
from campaign.services.reconcile import reconcile
from tests.factories import DAY, NOW, make_campaign, make_user
from tests.ledger_facts import snapshot


def participants(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Participant))


def refused(session: Session, error: type[DomainError], *args) -> DomainError:
    before, count = snapshot(session), participants(session)
    with pytest.raises(error) as raised:
        join(session, *args)
    session.rollback()
    assert (snapshot(session), participants(session)) == (before, count)
    return raised.value


def test_joining_counts_a_participant_once(session: Session) -> None:
    campaign = make_campaign(session)
    user = make_user(session)
    first = join(session, user, campaign, None, NOW)
    again = join(session, user, campaign, "", NOW)  # a retried request is harmless
    session.commit()
    assert first.created and not again.created
    assert again.participant.id == first.participant.id
    assert first.participant.team_id is None and first.participant.joined_at == NOW
    assert participants(session) == 1
    assert counters.totals(session, campaign.id).participants == 1
    assert reconcile(session) == []


def test_a_team_fight_needs_a_known_team(session: Session) -> None:
    campaign = make_campaign(session, kind=CampaignKind.TEAM)
    user = make_user(session)
    session.commit()
    refused(session, TeamRequired, user, campaign, None, NOW)
    refused(session, TeamRequired, user, campaign, "  ", NOW)
    error = refused(session, Invalid, user, campaign, "hamster", NOW)
    assert (error.field, error.reason) == ("team", "unknown_team")


def test_a_campaign_without_teams_refuses_a_team(session: Session) -> None:
    campaign = make_campaign(session)
    user = make_user(session)
    session.commit()
    error = refused(session, Invalid, user, campaign, "dog", NOW)
    assert (error.field, error.reason) == ("team", "unknown_team")


def test_the_team_is_chosen_once(session: Session) -> None:
    campaign = make_campaign(session, kind=CampaignKind.TEAM)
    user = make_user(session)
    joined = join(session, user, campaign, " dog ", NOW)
    session.commit()
    dog = campaign.team("dog")
    assert joined.participant.team_id == dog.id
    again = join(session, user, campaign, "dog", NOW)  # the same team again: harmless
    assert not again.created and again.participant.id == joined.participant.id
    refused(session, AlreadyJoined, user, campaign, "cat", NOW)
    teams = counters.team_totals(session, [t.id for t in campaign.teams])
    assert {t.code: teams[t.id].participants for t in campaign.teams} == {"dog": 1, "cat": 0}
    assert reconcile(session) == []


@pytest.mark.parametrize("role", [Role.USER])
def test_an_internal_campaign_does_not_exist_for_non_crew(session: Session, role: Role) -> None:
    campaign = make_campaign(session, internal=True, kind=CampaignKind.FUNDRAISER, actions=())
    outsider = make_user(session, role=role)
    session.commit()
    refused(session, NotFound, outsider, campaign, None, NOW)
    for crew_role in (Role.CREW, Role.ADMIN):
        assert join(session, make_user(session, role=crew_role), campaign, None, NOW).created


@pytest.mark.parametrize(
    "status", [CampaignStatus.CLOSED, CampaignStatus.SETTLED, CampaignStatus.CANCELLED]
)
def test_a_finished_campaign_cannot_be_joined(session: Session, status: CampaignStatus) -> None:
    campaign = make_campaign(session)
    campaign.status = status
    user = make_user(session)
    session.commit()
    refused(session, CampaignClosed, user, campaign, None, NOW)


def test_past_the_end_it_cannot_be_joined_even_while_still_active(session: Session) -> None:
    campaign = make_campaign(session, ends_at=NOW + DAY)
    user = make_user(session)
    session.commit()
    refused(session, CampaignClosed, user, campaign, None, NOW + DAY)
    assert join(session, user, campaign, None, NOW + DAY - DAY / 86_400_000_000).created


@pytest.mark.parametrize("status", [CampaignStatus.SCHEDULED, CampaignStatus.PAUSED])
def test_people_may_join_before_the_start_and_while_paused(
    session: Session, status: CampaignStatus
) -> None:
    campaign = make_campaign(session, status=status, starts_at=NOW + DAY, ends_at=NOW + 5 * DAY)
    assert join(session, make_user(session), campaign, None, NOW).created


def test_joins_spread_over_sharded_counters_add_up(session: Session) -> None:
    campaign = make_campaign(session, kind=CampaignKind.TEAM, counter_shards=8)
    for i in range(30):
        join(session, make_user(session), campaign, ("dog", "cat")[i % 3 == 0], NOW)
    session.commit()
    assert counters.totals(session, campaign.id).participants == 30
    teams = counters.team_totals(session, [t.id for t in campaign.teams])
    assert {t.code: teams[t.id].participants for t in campaign.teams} == {"dog": 20, "cat": 10}
    assert reconcile(session) == []


def test_join_many_joins_each_person_once_and_counts_them(session: Session) -> None:
    campaign = make_campaign(session, counter_shards=3)
    already, first, second = (make_user(session) for _ in range(3))
    join(session, already, campaign, None, NOW)
    joined = join_many(
        session, campaign, [(already, NOW), (first, NOW - DAY), (second, NOW), (first, NOW)]
    )
    assert joined == 2
    rows = session.scalars(select(Participant).where(Participant.campaign_id == campaign.id))
    assert sorted((p.user_id, p.joined_at) for p in rows) == sorted(
        [(already.id, NOW), (first.id, NOW - DAY), (second.id, NOW)]
    )
    assert counters.totals(session, campaign.id).participants == 3
    assert reconcile(session) == []


def test_join_many_refuses_like_join(session: Session) -> None:
    fight = make_campaign(session, kind=CampaignKind.TEAM)
    with pytest.raises(TeamRequired):
        join_many(session, fight, [(make_user(session), NOW)])
    campaign = make_campaign(session)
    late = campaign.ends_at
    with pytest.raises(CampaignClosed):
        join_many(session, campaign, [(make_user(session), NOW), (make_user(session), late)])
    assert session.scalar(select(func.count()).select_from(Participant)) == 0
