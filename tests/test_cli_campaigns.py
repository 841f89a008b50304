"""``flask campaigns create --from FILE.json``: the API's campaign detail read back into a new
campaign; a bad file is a JSON error, exit code 1, and nothing written."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from campaign.db import database
from campaign.models import AuditEntry, Campaign, CampaignKind, CampaignStatus
from campaign.models.types import utcnow
from campaign.rules.calendar import end_bound, kst_day, start_of_day
from campaign.rules.campaign_spec import MilestoneSpec, TeamSpec, spec_from_model
from tests.factories import action, make_campaign, make_partner


def team_fight(app: Flask) -> str:
    """A running team fight with every spec field set away from its default."""
    now = utcnow()
    with database(app).transaction() as session:
        dogs = make_partner(session)
        campaign = make_campaign(
            session,
            kind=CampaignKind.TEAM,
            partner=dogs,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=9),
            summary="댕댕이 vs 냥냥이",
            story="첫째 문단\n\n둘째 문단",
            purse_won=20_000_000,
            draw_winners=20,
            counter_shards=8,
            actions=(action("vote", label="투표", daily_cap=100),),
            teams=(TeamSpec("dog", "댕댕이", "🐶"), TeamSpec("cat", "냥냥이", "🐱")),
            milestones=(MilestoneSpec(50_000, 10_000_000, "1단계"),),
        )
        return campaign.slug


def detail_file(client: FlaskClient, source: str, tmp_path: Path, **changes: object) -> Path:
    """The API's detail of campaign ``source`` as a file, with ``changes``."""
    response = client.get(f"/api/v1/campaigns/{source}")
    assert response.status_code == 200
    detail = {**response.get_json(), **changes}
    path = tmp_path / "campaign.json"
    path.write_text(json.dumps(detail, ensure_ascii=False), encoding="utf-8")
    return path


def next_days() -> dict[str, str]:
    today = kst_day(utcnow())
    return {
        "starts_at": start_of_day(today + timedelta(days=7)).isoformat(),
        "ends_at": end_bound(today + timedelta(days=16)).isoformat(),
    }


def count(app: Flask) -> int:
    with database(app).transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Campaign)) or 0)


def test_the_api_detail_creates_the_same_campaign(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    slug = team_fight(app)
    path = detail_file(client, slug, tmp_path, slug="dangnyang-2", **next_days())
    result = runner.invoke(args=["campaigns", "create", "--from", str(path)])
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)["created"]
    assert created["slug"] == "dangnyang-2" and created["status"] == "scheduled"
    with database(app).transaction() as session:
        original = session.scalar(select(Campaign).where(Campaign.slug == slug))
        copy = session.scalar(select(Campaign).where(Campaign.slug == "dangnyang-2"))
        assert original is not None and copy is not None
        assert copy.status == CampaignStatus.SCHEDULED
        # Every spec field came through the JSON: only the address and the days differ.
        expected = spec_from_model(original)
        got = spec_from_model(copy)
        assert got.draw_winners == 20 and got.counter_shards == 8
        assert got == type(expected)(
            **{
                **expected.__dict__,
                "slug": "dangnyang-2",
                "starts_at": got.starts_at,
                "ends_at": got.ends_at,
            }
        )
        assert got.starts_at == start_of_day(kst_day(utcnow()) + timedelta(days=7))
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.create"))
        assert entry is not None and entry.actor_label == "cli" and entry.campaign_id == copy.id


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"slug": "Not A Slug"}, "slug", "slug_format"),
        ({"slug": "new"}, "slug", "slug_reserved"),
        ({"draw_winners": "twenty"}, "draw_winners", "not_a_number"),
        ({"counter_shards": 65}, "counter_shards", "out_of_range"),
        ({"starts_at": "next monday"}, "starts_at", "datetime_format"),
        ({"teams": "dog, cat"}, "teams", "bad_shape"),
        ({"kind": "lottery"}, "kind", "choice"),
        ({"beneficiaries": [{"partner": {"id": 999999}, "share": 1}]}, "beneficiaries", None),
    ],
)
def test_a_bad_file_is_a_json_error_and_writes_nothing(
    app: Flask,
    client: FlaskClient,
    runner: FlaskCliRunner,
    tmp_path: Path,
    changes: dict[str, object],
    field: str,
    reason: str | None,
) -> None:
    slug = team_fight(app)
    path = detail_file(client, slug, tmp_path, **{"slug": "copy", **next_days(), **changes})
    before = count(app)
    result = runner.invoke(args=["campaigns", "create", "--from", str(path)])
    assert result.exit_code == 1
    error = json.loads(result.output)["error"]
    assert error["code"] == "invalid" and error["field"] == field
    assert reason is None or error["reason"] == reason
    assert any("가" <= ch <= "힣" for ch in error["message"])  # a Korean sentence
    assert count(app) == before


def test_a_file_that_is_not_json(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"slug": "x",', encoding="utf-8")
    before = count(app)
    result = runner.invoke(args=["campaigns", "create", "--from", str(path)])
    assert result.exit_code == 1
    assert json.loads(result.output)["error"]["code"] == "bad_json"
    path.write_text("[1, 2]", encoding="utf-8")
    result = runner.invoke(args=["campaigns", "create", "--from", str(path)])
    assert result.exit_code == 1
    assert json.loads(result.output)["error"]["reason"] == "not_an_object"
    assert count(app) == before


def test_a_season_with_other_rules_from_a_file(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    slug = team_fight(app)
    milestones = [{"threshold": 100_000, "amount_won": 20_000_000, "label": "10만 표"}]
    path = detail_file(
        client, slug, tmp_path, slug="season-2", milestones=milestones, **next_days()
    )
    args = ["campaigns", "create", "--from", str(path), "--season-of", slug]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    with database(app).transaction() as session:
        first = session.scalar(select(Campaign).where(Campaign.slug == slug))
        season = session.scalar(select(Campaign).where(Campaign.slug == "season-2"))
        assert first is not None and season is not None
        assert season.predecessor_id == first.id
        assert [(m.threshold, m.amount_won) for m in season.milestones] == [(100_000, 20_000_000)]
    path = detail_file(client, slug, tmp_path, slug="season-2b", **next_days())
    result = runner.invoke(args=["campaigns", "create", "--from", str(path), "--season-of", slug])
    assert result.exit_code == 1 and json.loads(result.output)["error"]["reason"] == "season_taken"
    result = runner.invoke(
        args=["campaigns", "create", "--from", str(path), "--season-of", "nowhere"]
    )
    assert result.exit_code == 1
    assert json.loads(result.output)["error"]["reason"] == "unknown_campaign"
