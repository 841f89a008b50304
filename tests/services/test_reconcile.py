"""reconcile proves the counters against the ledger; the CLI exits 1 when any differs."""

from __future__ import annotations

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from campaign.models import (
    CampaignCounter,
    CampaignKind,
    DailyTally,
    Participant,
    TeamCounter,
    TotalTally,
)
from campaign.rules.campaign_spec import MilestoneSpec
from campaign.rules.states import Evidence
from campaign.services.actions import record_action
from campaign.services.milestones import unlock_reached
from campaign.services.participation import join
from campaign.services.reconcile import reconcile
from tests.factories import DAY, NOW, action, make_campaign, make_user


def busy_campaigns(session: Session):
    """Two campaigns after ordinary use: joins, votes, capped stamps, evidence, a spent purse,
    milestones, replays."""
    team = make_campaign(
        session,
        kind=CampaignKind.TEAM,
        slug="team-fight",
        counter_shards=3,
        purse_won=1_000,
        actions=(action("vote", worth_won=30, daily_cap=5),),
        milestones=(MilestoneSpec(6, 500),),
    )
    stamps = make_campaign(
        session,
        kind=CampaignKind.STAMP,
        slug="green",
        stamps_per_unit=40,
        won_per_unit=5_000,
        purse_won=20_000,
        actions=(
            action("report", worth_stamps=10, total_cap=3),
            action("switch", worth_stamps=30, evidence=Evidence.REQUIRED, evidence_unique=True),
        ),
    )
    users = [make_user(session) for _ in range(4)]
    for i, user in enumerate(users):
        join(session, user, team, ("dog", "cat")[i % 2], NOW)
        join(session, user, stamps, None, NOW)
    for day in range(2):
        for i, user in enumerate(users):
            for n in range(3):
                now = NOW + day * DAY
                record_action(session, user, team, "vote", None, f"v{day}{n}", now)
                record_action(session, user, team, "vote", None, f"v{day}{n}", now)  # replay
            record_action(session, user, stamps, "report", None, None, NOW + day * DAY)
            record_action(session, user, stamps, "switch", f"bill-{day}-{i}", None, NOW)
    unlock_reached(session, team, NOW)
    session.commit()
    return team, stamps


def test_reconcile_is_clean_after_normal_use(session: Session) -> None:
    team, stamps = busy_campaigns(session)
    assert reconcile(session) == []
    assert reconcile(session, team.id) == []
    assert reconcile(session, stamps.id) == []


@pytest.mark.parametrize(
    ("table", "column", "scope", "delta"),
    [
        (CampaignCounter, "actions", "campaign", 7),
        (CampaignCounter, "stamps", "campaign", 7),
        (CampaignCounter, "participants", "campaign", -1),
        (CampaignCounter, "sponsor_won", "campaign", -7),  # the purse is full: only down
        (TeamCounter, "actions", "team", 7),
        (TeamCounter, "won", "team", -7),
        (Participant, "actions", "participant", 1),
        (Participant, "stamps", "participant", 7),
        (DailyTally, "count", "daily_tally", -1),
        (TotalTally, "count", "total_tally", 1),
    ],
)
def test_a_tampered_counter_is_reported(
    session: Session, table: type, column: str, scope: str, delta: int
) -> None:
    busy_campaigns(session)
    target = getattr(table, column)
    first = session.execute(table.__table__.select().limit(1)).first()
    keys = [c for c in table.__table__.primary_key.columns]
    session.execute(
        update(table)
        .where(*(c == getattr(first, c.name) for c in keys))
        .values({column: target + delta})
    )
    session.commit()
    differences = reconcile(session)
    assert len(differences) == 1
    [difference] = differences
    assert (difference.scope, difference.field) == (scope, column)
    assert difference.counter - difference.ledger == delta
    assert str(difference).startswith(scope)


def test_a_purse_overrun_is_reported(session: Session) -> None:
    team, _ = busy_campaigns(session)
    # Only a broken writer could do this: lift the per-row caps, then overspend.
    session.execute(
        update(CampaignCounter)
        .where(CampaignCounter.campaign_id == team.id)
        .values(purse_cap=None, sponsor_won=CampaignCounter.sponsor_won + 1_000)
    )
    session.commit()
    scopes = {d.scope for d in reconcile(session, team.id)}
    assert scopes == {"campaign", "purse"}


def test_the_cli_exits_0_when_clean_and_1_with_differences(
    runner: FlaskCliRunner, engine: Engine
) -> None:
    with Session(engine) as session:
        team, _ = busy_campaigns(session)
        team_id = team.id
    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 0, result.output
    assert "counters match the ledger" in result.output
    assert runner.invoke(args=["reconcile", "--campaign", "green"]).exit_code == 0

    with Session(engine) as session, session.begin():
        session.execute(
            update(CampaignCounter)
            .where(CampaignCounter.campaign_id == team_id, CampaignCounter.shard == 1)
            .values(actions=CampaignCounter.actions + 2)
        )
    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 1
    assert f"campaign {team_id} actions" in result.output
    assert runner.invoke(args=["reconcile", "--campaign", "green"]).exit_code == 0
    assert runner.invoke(args=["reconcile", "--campaign", "team-fight"]).exit_code == 1
    missing = runner.invoke(args=["reconcile", "--campaign", "nope"])
    assert missing.exit_code == 1 and "no campaign" in missing.output
