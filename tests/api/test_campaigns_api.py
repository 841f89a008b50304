"""The campaigns API: list, detail and progress for everyone; joining and recording actions with a
user token, an Idempotency-Key that makes retries safe, and a JSON error for every refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema_rs
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from campaign.db import database
from campaign.errors import ConcurrentReplay
from campaign.models import (
    Action,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Evidence,
    Participant,
    Pledge,
    Role,
)
from campaign.rules.calendar import end_bound, kst_day
from campaign.rules.campaign_spec import BeneficiarySpec, MilestoneSpec, TeamSpec
from campaign.services import counters
from campaign.services.accounts import issue_api_token, revoke_api_token
from campaign.services.actions import record_action
from campaign.services.participation import join
from tests.factories import action, make_campaign, make_partner, make_user

DAY = timedelta(days=1)


def clock() -> datetime:
    return datetime.now(UTC)  # the API reads the real clock


def live(**fields: object) -> dict[str, object]:
    now = clock()
    return {"starts_at": now - DAY, "ends_at": end_bound(kst_day(now) + 10 * DAY), **fields}


def cheer(**fields: object) -> dict[str, object]:
    return live(
        **{
            "kind": CampaignKind.CHEER,
            "actions": (action("cheer", label="응원하기", worth_won=100, daily_cap=3),),
            "purse_won": 200_000_000,
            "goal_won": 200_000_000,
            **fields,
        }
    )


def team_fight(**fields: object) -> dict[str, object]:
    return live(
        **{
            "kind": CampaignKind.TEAM,
            "actions": (action("vote", label="투표"),),
            "milestones": (MilestoneSpec(50_000, 10_000_000, "1단계"),),
            "purse_won": 60_000_000,
            "goal_won": 60_000_000,
            **fields,
        }
    )


def green(**fields: object) -> dict[str, object]:
    return live(
        **{
            "kind": CampaignKind.STAMP,
            "actions": (
                action(
                    "report-paper",
                    label="종이 우편물 신고",
                    worth_stamps=1,
                    daily_cap=20,
                    evidence=Evidence.REQUIRED,
                    evidence_unique=True,
                ),
            ),
            "stamps_per_unit": 40,
            "won_per_unit": 5_000,
            "unit_name": "그루",
            "unit_name_en": "tree",
            "purse_won": 40_000_000,
            "goal_won": 40_000_000,
            **fields,
        }
    )


def create(app: Flask, **fields: object) -> str:
    with database(app).transaction() as session:
        return make_campaign(session, **fields).slug


def token(app: Flask, email: str | None = None, role: Role = Role.USER) -> dict[str, str]:
    """Authorization headers of a new user's token."""
    with database(app).transaction() as session:
        user = make_user(session, email=email, role=role)
        secret = issue_api_token(session, user, "test", clock()).secret
    return {"Authorization": f"Bearer {secret}"}


def joined(app: Flask, client: FlaskClient, slug: str, team: str | None = None) -> dict[str, str]:
    headers = token(app)
    body = {"team": team} if team else {}
    assert (
        client.post(
            f"/api/v1/campaigns/{slug}/participants", json=body, headers=headers
        ).status_code
        == 201
    )
    return headers


def post_action(
    client: FlaskClient,
    slug: str,
    headers: dict[str, str],
    body: Any = None,
    key: str | None = None,
) -> Any:
    headers = dict(headers)
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(
        f"/api/v1/campaigns/{slug}/actions",
        json={"action": "cheer"} if body is None else body,
        headers=headers,
    )


def totals(app: Flask, slug: str) -> counters.Totals:
    with database(app).transaction() as session:
        campaign_id = session.scalar(select(Campaign.id).where(Campaign.slug == slug))
        return counters.totals(session, campaign_id)


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.json["error"]
    assert body["code"] == code and body["message"]
    return body


# --- reading ------------------------------------------------------------------------------


def test_list_shows_what_the_reader_may_see(app: Flask, client: FlaskClient) -> None:
    public = create(app, **cheer())
    internal = create(app, internal=True, **cheer())
    closed = create(app, status=CampaignStatus.CLOSED, **cheer())
    crew = token(app, "crew@aesseuji.example", Role.CREW)

    def slugs(response: Any) -> list[str]:
        assert response.status_code == 200
        return [c["slug"] for c in response.json["campaigns"]]

    assert slugs(client.get("/api/v1/campaigns")) == [public]
    assert slugs(client.get("/api/v1/campaigns", headers=token(app))) == [public]
    assert set(slugs(client.get("/api/v1/campaigns", headers=crew))) == {public, internal}
    assert slugs(client.get("/api/v1/campaigns?finished=true")) == [closed]
    assert slugs(client.get("/api/v1/campaigns?finished=1")) == [closed]
    assert slugs(client.get("/api/v1/campaigns?finished=false")) == [public]
    item = client.get("/api/v1/campaigns").json["campaigns"][0]
    assert item["kind"] == "cheer" and item["status"] == "active" and item["live"] is True
    assert item["raised"] == 0 and item["goal_won"] == 200_000_000 and item["participants"] == 0
    assert item["links"]["progress"] == f"/api/v1/campaigns/{public}/progress"
    assert item["ends_at"].endswith("Z")


def test_list_refuses_bad_flags_and_bad_tokens(app: Flask, client: FlaskClient) -> None:
    for bad in ("maybe", "", "TRUE", "-1", "99999999999999999999"):
        body = error(client.get(f"/api/v1/campaigns?finished={bad}"), 422, "invalid")
        assert body["field"] == "finished"
    unknown = client.get("/api/v1/campaigns", headers={"Authorization": "Bearer nope"})
    error(unknown, 401, "unauthorized")
    assert unknown.headers["WWW-Authenticate"].startswith("Bearer")


def test_detail_describes_the_campaign(app: Flask, client: FlaskClient) -> None:
    with database(app).transaction() as session:
        dogs = make_partner(session, "용인시동물보호협회")
        cats = make_partner(session, "한국고양이보호협회")
        campaign = make_campaign(
            session,
            story="이야기",
            draw_winners=20,
            counter_shards=4,
            teams=(TeamSpec("dog", "댕댕이", "🐶"), TeamSpec("cat", "냥냥이", "🐱")),
            beneficiaries=(BeneficiarySpec(dogs.id, 1, "dog"), BeneficiarySpec(cats.id, 1, "cat")),
            **team_fight(),
        )
        slug, starts_at, ends_at = campaign.slug, campaign.starts_at, campaign.ends_at
    body = client.get(f"/api/v1/campaigns/{slug}").json
    assert body["story"] == "이야기" and body["kind"] == "team" and body["status"] == "active"
    assert body["action_types"] == [
        {
            "code": "vote",
            "label": "투표",
            "worth_won": 0,
            "worth_stamps": 0,
            "daily_cap": None,
            "total_cap": None,
            "evidence": "none",
            "evidence_unique": False,
            "message": "none",
        }
    ]
    assert body["teams"] == [
        {"code": "dog", "name": "댕댕이", "emoji": "🐶"},
        {"code": "cat", "name": "냥냥이", "emoji": "🐱"},
    ]
    assert body["milestones"] == [{"threshold": 50_000, "amount_won": 10_000_000, "label": "1단계"}]
    assert [(b["partner"]["name"], b["share"], b["team"]) for b in body["beneficiaries"]] == [
        ("용인시동물보호협회", 1, "dog"),
        ("한국고양이보호협회", 1, "cat"),
    ]
    assert body["purse_won"] == 60_000_000 and body["goal_won"] == 60_000_000
    assert body["unit_rate"] is None and body["draw_winners"] == 20
    assert body["starts_at"] == starts_at.isoformat().replace("+00:00", "Z")
    assert datetime.fromisoformat(body["ends_at"]) == ends_at
    assert body["last_day_kst"] == (kst_day(clock()) + 10 * DAY).isoformat()


def test_detail_of_a_stamp_campaign_has_its_unit_rate(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **green())
    body = client.get(f"/api/v1/campaigns/{slug}").json
    assert body["unit_rate"] == {
        "stamps_per_unit": 40,
        "won_per_unit": 5_000,
        "unit_name": "그루",
        "unit_name_en": "tree",
    }
    [report] = body["action_types"]
    assert report["evidence"] == "required" and report["evidence_unique"] is True
    assert report["worth_stamps"] == 1 and report["daily_cap"] == 20


@pytest.mark.parametrize("path", ["nothing-here", "%00", "x" * 300, "UPPER", "-1", "9" * 40])
def test_unknown_slugs_are_404(client: FlaskClient, path: str) -> None:
    for suffix in ("", "/progress"):
        error(client.get(f"/api/v1/campaigns/{path}{suffix}"), 404, "not_found")


def test_internal_campaign_is_404_unless_crew(app: Flask, client: FlaskClient) -> None:
    slug = create(app, internal=True, **cheer())
    error(client.get(f"/api/v1/campaigns/{slug}"), 404, "not_found")
    error(client.get(f"/api/v1/campaigns/{slug}/progress", headers=token(app)), 404, "not_found")
    crew = token(app, "crew@aesseuji.example", Role.CREW)
    assert client.get(f"/api/v1/campaigns/{slug}/progress", headers=crew).status_code == 200
    response = client.post(f"/api/v1/campaigns/{slug}/participants", headers=token(app), json={})
    error(response, 404, "not_found")


def test_progress_equals_the_counters(app: Flask, client: FlaskClient) -> None:
    with database(app).transaction() as session:
        campaign = make_campaign(session, counter_shards=4, **team_fight())
        for team, votes in (("dog", 5), ("cat", 3), ("dog", 1)):
            user = make_user(session)
            join(session, user, campaign, team, clock())
            for _ in range(votes):
                record_action(session, user, campaign, "vote", None, None, clock())
        slug = campaign.slug
        dog, cat = (t.id for t in campaign.teams)
    response = client.get(f"/api/v1/campaigns/{slug}/progress")
    assert response.status_code == 200
    body = response.json
    want = totals(app, slug)
    assert body["raised"] == want.raised == 0
    assert body["actions"] == want.actions == 9
    assert body["participants"] == want.participants == 3
    assert body["stamps"] == want.stamps == 0 and body["units"] is None
    assert body["purse_won"] == 60_000_000 and body["purse_left"] == want.purse_left
    with database(app).transaction() as session:
        by_team = counters.team_totals(session, [dog, cat])
    assert [(t["code"], t["actions"], t["participants"], t["won"]) for t in body["teams"]] == [
        ("dog", by_team[dog].actions, by_team[dog].participants, by_team[dog].won),
        ("cat", by_team[cat].actions, by_team[cat].participants, by_team[cat].won),
    ]
    assert [t["percent"] for t in body["teams"]] == [66.66, 33.33]
    assert body["milestones"] == [
        {
            "threshold": 50_000,
            "amount_won": 10_000_000,
            "label": "1단계",
            "reached": False,
            "declared_won": 10_000_000,
            "paid_won": None,
        }
    ]
    assert body["next_milestone"]["threshold"] == 50_000
    assert body["lead"] == {"team": "dog", "gap": 3}  # 6 votes to 3: the settlement's rule
    document = client.get("/api/v1/openapi.json").json
    described = jsonschema_rs.validator_for(
        {"$ref": "#/components/schemas/Progress", "components": document["components"]}
    )
    assert described.is_valid(body)
    assert not described.is_valid({**body, "lead": {"team": "dog", "gap": -1}})
    assert body["marginal_won"] == {"vote": 0}
    assert body["live"] is True and body["status"] == "active"
    assert set(body) >= {"goal", "percent", "sponsor_won", "crew_won", "topup_won"}


def test_progress_of_a_stamp_campaign_gives_units_as_a_decimal(
    app: Flask, client: FlaskClient
) -> None:
    slug = create(app, **green())
    headers = joined(app, client, slug)
    for n in range(13):
        body = {"action": "report-paper", "evidence": f"BILL-{n}"}
        assert post_action(client, slug, headers, body).status_code == 201
    progress = client.get(f"/api/v1/campaigns/{slug}/progress").json
    assert progress["stamps"] == 13 and progress["units_counted"] == "0.3"
    # No tree is complete yet, so none is paid for: "units" are the units the purse paid for.
    assert (progress["units"], progress["units_funded"], progress["units_unfunded"]) == (
        "0.0",
        0,
        0,
    )
    assert progress["marginal_won"] == {"report-paper": 125}
    assert progress["percent"] == 0.0
    assert progress["lead"] is None  # no teams, nobody to lead


# --- joining ------------------------------------------------------------------------------


def test_join_needs_a_valid_user_token(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **cheer())
    url = f"/api/v1/campaigns/{slug}/participants"
    error(client.post(url, json={}), 401, "unauthorized")
    error(client.post(url, json={}, headers={"Authorization": "Bearer x"}), 401, "unauthorized")
    error(client.post(url, json={}, headers={"Authorization": "Basic a:b"}), 401, "unauthorized")
    with database(app).transaction() as session:
        user = make_user(session)
        issued = issue_api_token(session, user, "old", clock())
        revoke_api_token(session, user, issued.token.id, clock())
    revoked = {"Authorization": f"Bearer {issued.secret}"}
    error(client.post(url, json={}, headers=revoked), 401, "unauthorized")
    assert totals(app, slug).participants == 0


def test_join_without_team_then_again(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **cheer())
    headers = token(app)
    url = f"/api/v1/campaigns/{slug}/participants"
    first = client.post(url, headers=headers)  # no body at all is fine
    assert first.status_code == 201
    assert first.json["participant"]["team"] is None
    assert first.json["participant"]["campaign"] == slug
    again = client.post(url, json={}, headers=headers)
    assert again.status_code == 200 and again.json == first.json
    error(client.post(url, json={"team": "dog"}, headers=headers), 422, "invalid")
    assert totals(app, slug).participants == 1


def test_join_with_team(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **team_fight())
    headers = token(app)
    url = f"/api/v1/campaigns/{slug}/participants"
    error(client.post(url, json={}, headers=headers), 422, "team_required")
    body = error(client.post(url, json={"team": "bird"}, headers=headers), 422, "invalid")
    assert body["field"] == "team" and body["reason"] == "unknown_team"
    dog = client.post(url, json={"team": "dog"}, headers=headers)
    assert dog.status_code == 201 and dog.json["participant"]["team"] == "dog"
    assert client.post(url, json={"team": "dog"}, headers=headers).status_code == 200
    error(client.post(url, json={"team": "cat"}, headers=headers), 409, "already_joined")
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Participant)) == 1


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"team": 5}, 422, "not_a_string"),
        ({"team": -1}, 422, "not_a_string"),
        ({"team": 1e308}, 422, "not_a_string"),
        ({"team": ["dog"]}, 422, "not_a_string"),
        ({"team": {"code": "dog"}}, 422, "not_a_string"),
        ({"team": True}, 422, "not_a_string"),
        ({"team": "d" * 10_000}, 422, "too_long"),
        ([1, 2], 422, "not_an_object"),
        ("dog", 422, "not_an_object"),
    ],
)
def test_join_refuses_malformed_bodies(
    app: Flask, client: FlaskClient, body: object, status: int, reason: str
) -> None:
    slug = create(app, **team_fight())
    response = client.post(f"/api/v1/campaigns/{slug}/participants", json=body, headers=token(app))
    assert error(response, status, "invalid")["reason"] == reason
    assert totals(app, slug).participants == 0


def test_join_refuses_what_is_not_json(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **team_fight())
    url = f"/api/v1/campaigns/{slug}/participants"
    headers = token(app)
    form = client.post(url, data="team=dog", headers=headers, content_type="text/plain")
    error(form, 415, "unsupported_media_type")
    broken = client.post(url, data="{team", headers=headers, content_type="application/json")
    error(broken, 400, "bad_request")


def test_join_a_closed_campaign_is_409(app: Flask, client: FlaskClient) -> None:
    slug = create(app, status=CampaignStatus.CLOSED, **cheer())
    response = client.post(f"/api/v1/campaigns/{slug}/participants", headers=token(app))
    error(response, 409, "campaign_closed")


# --- recording actions --------------------------------------------------------------------


def test_record_an_action(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **cheer())
    headers = joined(app, client, slug)
    response = post_action(client, slug, headers, key="first-cheer")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response.headers
    body = response.json
    assert body["action"]["code"] == "cheer" and body["action"]["stamps"] == 0
    assert body["action"]["evidence"] is None and body["action"]["team"] is None
    assert body["action"]["counted_at"].endswith("Z")
    assert body["pledge"] == {"won": 100, "won_due": 100, "purse_exhausted": False}
    assert body["milestones"] == []
    assert body["progress"] == client.get(f"/api/v1/campaigns/{slug}/progress").json
    assert body["progress"]["raised"] == 100 == totals(app, slug).sponsor_won
    with database(app).transaction() as session:
        stored = session.get(Action, body["action"]["id"])
        assert stored.source == "api" and stored.idempotency_key == "first-cheer"


def test_a_replay_returns_the_first_result_and_counts_once(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **green())
    headers = joined(app, client, slug)
    body = {"action": "report-paper", "evidence": "BILL-1"}
    first = post_action(client, slug, headers, body, key="retry-me")
    replay = post_action(client, slug, headers, body, key="retry-me")
    assert first.status_code == replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json["action"] == first.json["action"]
    assert replay.json["pledge"] == first.json["pledge"]
    assert set(replay.json) == set(first.json)
    assert totals(app, slug).actions == 1 and totals(app, slug).stamps == 1
    other = post_action(client, slug, headers, {**body, "evidence": "BILL-2"}, key="retry-me")
    error(other, 422, "idempotency_key_reused")
    assert totals(app, slug).actions == 1


@pytest.mark.parametrize("key", ["has space", "x" * 101, "한글키", "tab\there"])
def test_a_malformed_idempotency_key_is_422(app: Flask, client: FlaskClient, key: str) -> None:
    slug = create(app, **cheer())
    headers = joined(app, client, slug)
    headers["Idempotency-Key"] = key.encode().decode("latin-1")
    body = error(post_action(client, slug, headers), 422, "invalid")
    assert body["field"] == "idempotency_key"
    assert totals(app, slug).actions == 0


def test_daily_and_total_caps(app: Flask, client: FlaskClient) -> None:
    daily = create(app, **cheer())
    headers = joined(app, client, daily)
    for _ in range(3):
        assert post_action(client, daily, headers).status_code == 201
    body = error(post_action(client, daily, headers), 409, "cap_reached")
    assert body["cap"] == "daily" and body["limit"] == 3 and "3" in body["message"]
    assert totals(app, daily).actions == 3
    once = create(app, **cheer(actions=(action("cheer", worth_won=100, total_cap=1),)))
    headers = joined(app, client, once)
    assert post_action(client, once, headers).status_code == 201
    body = error(post_action(client, once, headers), 409, "cap_reached")
    assert body["cap"] == "total" and body["limit"] == 1


def test_duplicate_evidence_is_409(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **green())
    first, second = joined(app, client, slug), joined(app, client, slug)
    assert (
        post_action(client, slug, first, {"action": "report-paper", "evidence": "A-1"}).status_code
        == 201
    )
    response = post_action(client, slug, second, {"action": "report-paper", "evidence": " a-1 "})
    error(response, 409, "duplicate_evidence")
    missing = error(post_action(client, slug, second, {"action": "report-paper"}), 422, "invalid")
    assert missing["reason"] == "evidence_required"
    assert totals(app, slug).actions == 1


def test_refusals_by_state(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **cheer())
    stranger = token(app)
    error(post_action(client, slug, stranger), 409, "not_participant")
    headers = joined(app, client, slug)
    with database(app).transaction() as session:
        session.scalar(select(Campaign).where(Campaign.slug == slug)).status = CampaignStatus.PAUSED
    error(post_action(client, slug, headers), 409, "campaign_not_open")
    with database(app).transaction() as session:
        session.scalar(select(Campaign).where(Campaign.slug == slug)).status = CampaignStatus.CLOSED
    error(post_action(client, slug, headers), 409, "campaign_closed")
    upcoming = create(app, **cheer(starts_at=clock() + DAY))
    early = joined(app, client, upcoming)
    error(post_action(client, upcoming, early), 409, "campaign_not_open")
    assert totals(app, slug).actions == totals(app, upcoming).actions == 0


def test_action_needs_a_token_and_a_known_slug(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **cheer())
    error(post_action(client, slug, {}), 401, "unauthorized")
    error(post_action(client, "no-such-campaign", token(app)), 404, "not_found")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({}, "required"),
        ({"action": None}, "required"),
        ({"action": 5}, "not_a_string"),
        ({"action": -1}, "not_a_string"),
        ({"action": 1e308}, "not_a_string"),
        ({"action": ["cheer"]}, "not_a_string"),
        ({"action": {"code": "cheer"}}, "not_a_string"),
        ({"action": "cheer" * 1000}, "too_long"),
        ({"action": "plant-a-tree"}, "unknown_action"),
        ({"action": "cheer", "evidence": 12}, "not_a_string"),
        ({"action": "cheer", "evidence": "x" * 100_000}, "too_long"),
        ({"action": "cheer", "evidence": "\ud800"}, "bad_characters"),
        ([{"action": "cheer"}], "not_an_object"),
        (42, "not_an_object"),
    ],
)
def test_malformed_action_bodies_are_refused(
    app: Flask, client: FlaskClient, body: object, reason: str
) -> None:
    slug = create(app, **cheer())
    headers = joined(app, client, slug)
    assert error(post_action(client, slug, headers, body), 422, "invalid")["reason"] == reason
    assert totals(app, slug).actions == 0


def test_action_body_must_be_json(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **cheer())
    headers = joined(app, client, slug)
    url = f"/api/v1/campaigns/{slug}/actions"
    error(client.post(url, data="action=cheer", headers=headers), 415, "unsupported_media_type")
    broken = client.post(url, data='{"action":', headers=headers, content_type="application/json")
    error(broken, 400, "bad_request")


def test_concurrent_request_with_the_same_key_is_409(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    slug = create(app, **cheer())
    headers = joined(app, client, slug)

    def in_flight(*_args: object, **_kwargs: object) -> None:
        raise ConcurrentReplay()

    monkeypatch.setattr("campaign.services.cheers.record_action", in_flight)
    error(post_action(client, slug, headers, key="same"), 409, "request_in_progress")


def test_spent_purse_still_counts_and_says_so(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **cheer(purse_won=150))
    headers = joined(app, client, slug)
    assert post_action(client, slug, headers).json["pledge"]["won"] == 100
    partial = post_action(client, slug, headers).json
    assert partial["pledge"] == {"won": 50, "won_due": 100, "purse_exhausted": True}
    spent = post_action(client, slug, headers).json
    assert spent["pledge"] == {"won": 0, "won_due": 100, "purse_exhausted": True}
    assert spent["progress"]["purse_left"] == 0 and spent["progress"]["marginal_won"] == {
        "cheer": 0
    }
    assert totals(app, slug).actions == 3 and totals(app, slug).sponsor_won == 150
    with database(app).transaction() as session:
        assert session.scalar(select(func.sum(Pledge.amount_won))) == 150


def test_the_action_that_reaches_a_milestone_reports_it(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **team_fight(milestones=(MilestoneSpec(2, 1_000_000),)))
    headers = joined(app, client, slug, team="cat")
    vote = {"action": "vote"}
    first = post_action(client, slug, headers, vote).json
    assert first["milestones"] == [] and first["action"]["team"] == "cat"
    second = post_action(client, slug, headers, vote).json
    assert second["milestones"] == [{"threshold": 2, "amount_won": 1_000_000}]
    assert second["progress"]["milestones"][0]["reached"] is True
    assert second["progress"]["next_milestone"] is None
    assert second["progress"]["raised"] == 1_000_000
    assert second["progress"]["teams"][1]["actions"] == 2


def test_action_rate_limit_is_per_user(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMIT_ENABLED=True, ACTION_RATE_LIMIT="3 per minute")
    client = app.test_client()
    slug = create(app, **cheer(actions=(action("cheer", worth_won=1),)))
    first, second = joined(app, client, slug), joined(app, client, slug)
    statuses = [post_action(client, slug, first).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    error(post_action(client, slug, first), 429, "rate_limited")
    assert post_action(client, slug, second).status_code == 201  # same address, other user
    assert totals(app, slug).actions == 4
