"""``GET /api/v1/me/...`` (a person's own giving) and cheer messages through the action
endpoint, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from campaign.db import database
from campaign.models import Action, CheerMessage, Role, User
from campaign.rules.calendar import end_bound, kst_day
from campaign.rules.states import MessageRule
from campaign.services.accounts import issue_api_token
from campaign.services.fundraising import pledge_gift
from campaign.services.participation import join
from campaign.services.partners import issue_partner_token
from tests.factories import action, make_campaign, make_fundraiser, make_partner, make_user

DAY = timedelta(days=1)
ME = ("/api/v1/me/giving", "/api/v1/me/campaigns", "/api/v1/me/draws")


def clock() -> datetime:
    return datetime.now(UTC)  # the API reads the real clock


def around_now() -> dict[str, object]:
    now = clock()
    return {"starts_at": now - DAY, "ends_at": end_bound(kst_day(now) + 10 * DAY)}


def person(app: Flask, role: Role = Role.USER) -> tuple[int, dict[str, str]]:
    with database(app).transaction() as session:
        user = make_user(session, role=role)
        secret = issue_api_token(session, user, "test", clock()).secret
        return user.id, {"Authorization": f"Bearer {secret}"}


def test_me_needs_a_user_token(app: Flask, client: FlaskClient) -> None:
    with database(app).transaction() as session:
        admin = make_user(session, role=Role.ADMIN)
        partner = issue_partner_token(session, admin, make_partner(session), "정산", clock())
    for path in ME:
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
        # A partner's token reads its own totals, never a person's.
        refused = client.get(path, headers={"Authorization": f"Bearer {partner.secret}"})
        assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthorized"


def test_someone_new_gets_zeros(app: Flask, client: FlaskClient) -> None:
    _id, headers = person(app)
    body = client.get("/api/v1/me/giving", headers=headers).json
    zeros = {"sponsor_won": 0, "gifts_won": 0, "match_won": 0, "total_won": 0}
    assert body["year"] == kst_day(clock()).year
    assert body["this_year"] == body["all_time"] == zeros
    assert body["draws_won"] == 0 and body["receipts_requested"] == []
    assert client.get("/api/v1/me/campaigns", headers=headers).json == {"campaigns": []}
    assert client.get("/api/v1/me/draws", headers=headers).json == {"draws": []}


def test_my_giving_adds_up_my_actions_gifts_and_match(app: Flask, client: FlaskClient) -> None:
    user_id, headers = person(app, Role.CREW)
    slug = None
    with database(app).transaction() as session:
        campaign = make_campaign(
            session,
            actions=(action("cheer", worth_won=100, message=MessageRule.REQUIRED),),
            **around_now(),
        )
        slug = campaign.slug
        drive = make_fundraiser(session, **around_now())
        user = session.get(User, user_id)
        join(session, user, campaign, None, clock())
        pledge_gift(session, user, drive, 20_000, False, None, None, clock())
    for n in range(2):
        sent = client.post(
            f"/api/v1/campaigns/{slug}/actions",
            json={"action": "cheer", "message": f"  응원   {n} "},
            headers=headers,
        )
        assert sent.status_code == 201, sent.json
        assert sent.json["action"]["message"] == f"응원 {n}"
    body = client.get("/api/v1/me/giving", headers=headers).json
    expected = {"sponsor_won": 200, "gifts_won": 20_000, "match_won": 20_000, "total_won": 40_200}
    assert body["this_year"] == body["all_time"] == expected
    campaigns = {
        c["campaign"]: c
        for c in client.get("/api/v1/me/campaigns", headers=headers).json["campaigns"]
    }
    assert campaigns[slug]["actions"] == 2 and campaigns[slug]["sponsor_won"] == 200
    assert campaigns[slug]["units"] is None
    assert campaigns[drive.slug]["gifts_won"] == 20_000
    assert campaigns[drive.slug]["match_won"] == 20_000


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"action": "cheer"}, "required"),
        ({"action": "cheer", "message": "  "}, "required"),
        ({"action": "cheer", "message": "가" * 201}, "too_long"),
        ({"action": "cheer", "message": "응원\u0007"}, "bad_characters"),
        ({"action": "cheer", "message": 7}, "not_a_string"),
        ({"action": "tap", "message": "여기엔 안 돼요"}, "message_not_taken"),
    ],
)
def test_a_bad_message_is_a_json_422_and_writes_nothing(
    app: Flask, client: FlaskClient, body: dict[str, object], reason: str
) -> None:
    user_id, headers = person(app)
    with database(app).transaction() as session:
        campaign = make_campaign(
            session,
            actions=(
                action("cheer", worth_won=100, message=MessageRule.REQUIRED),
                action("tap", worth_won=10),
            ),
            **around_now(),
        )

        join(session, session.get(User, user_id), campaign, None, clock())
        slug = campaign.slug
    refused = client.post(f"/api/v1/campaigns/{slug}/actions", json=body, headers=headers)
    assert refused.status_code == 422
    error = refused.json["error"]
    assert (error["code"], error["field"], error["reason"]) == ("invalid", "message", reason)
    assert error["message"]  # for people, in Korean by default
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Action)) == 0
        assert session.scalar(select(func.count()).select_from(CheerMessage)) == 0
