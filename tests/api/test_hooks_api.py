"""The webhook endpoint over HTTP: JSON errors, body limits, rate limits, and the pending credit
from a partner event to a person who signs up on the site or through the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from campaign.db import database
from campaign.models import Action, WebhookDelivery, WebhookEvent
from campaign.models.types import utcnow
from campaign.rules.campaign_spec import ActionTypeSpec
from campaign.rules.signatures import SIGNATURE_HEADER, signature_header
from campaign.services.accounts import find_user_by_email
from tests.factories import PASSWORD, action, make_campaign, make_integration, make_user
from tests.mailbox import Mailbox
from tests.web.helpers import AuthActions


def setup_hook(app: Flask, *actions: ActionTypeSpec) -> tuple[str, str]:
    with database(app).transaction() as session:
        campaign = make_campaign(
            session,
            actions=actions or (action("switch", worth_won=500),),
            starts_at=utcnow().replace(year=2020),
            ends_at=utcnow().replace(year=2099),
        )
        issued = make_integration(session, campaign)
        return issued.integration.key, issued.secret


def event(n: int = 1, email: str = "later@example.com") -> dict[str, Any]:
    return {
        "id": f"evt_{n}",
        "type": "edoc.switched",
        "occurred_at": "2026-11-25T12:00:00+09:00",
        "user": {"email": email},
        "evidence": f"bill-{n}",
    }


def post(client: FlaskClient, key: str, secret: str | None, body: Any, **headers: str):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    if secret is not None:
        headers[SIGNATURE_HEADER] = signature_header(secret, int(utcnow().timestamp()), raw)
    return client.post(
        f"/api/v1/hooks/{key}", data=raw, content_type="application/json", headers=headers
    )


def test_accepted_and_refused_answers_are_json(client: FlaskClient, app: Flask) -> None:
    key, secret = setup_hook(app)
    accepted = post(client, key, secret, event(1))
    assert accepted.status_code == 200
    assert accepted.json == {"event_id": "evt_1", "status": "pending", "reason": "no_account"}

    unsigned = post(client, key, None, event(2))
    assert unsigned.status_code == 401
    assert unsigned.json["error"]["code"] == "bad_signature"
    assert "X-Aesseuji-Signature" in unsigned.json["error"]["message"]

    unknown = post(client, "nope", secret, event(3))
    assert unknown.status_code == 404
    assert unknown.json["error"]["code"] == "unknown_integration"

    broken = post(client, key, secret, b"{oops")
    assert (broken.status_code, broken.json["error"]["code"]) == (400, "malformed_json")

    wrong_type = post(client, key, secret, {**event(4), "type": "edoc.opened"})
    assert (wrong_type.status_code, wrong_type.json["error"]["code"]) == (422, "unknown_event_type")

    with database(app).transaction() as session:
        outcomes = session.scalars(select(WebhookDelivery.outcome).order_by(WebhookDelivery.id))
        assert list(outcomes) == ["pending", "refused", "refused", "refused"]
        assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 1


def test_a_replayed_refusal_keeps_its_status_and_code(client: FlaskClient, app: Flask) -> None:
    key, secret = setup_hook(app, action("switch", worth_won=500, daily_cap=1))
    with database(app).transaction() as session:
        make_user(session, email="later@example.com")
    assert post(client, key, secret, event(1)).json["status"] == "recorded"
    first = post(client, key, secret, event(2))
    again = post(client, key, secret, event(2))
    for answer in (first, again):
        assert answer.status_code == 409
        assert answer.json["error"]["code"] == "cap_reached"
        assert "(1회)" in answer.json["error"]["message"]
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Action)) == 1
        outcomes = session.scalars(select(WebhookDelivery.outcome).order_by(WebhookDelivery.id))
        assert list(outcomes) == ["accepted", "refused", "replayed"]


def test_a_body_over_the_limit_is_413(make_app) -> None:
    app = make_app(MAX_CONTENT_LENGTH=2048)
    key, secret = setup_hook(app)
    big = {**event(1), "padding": "x" * 4096}
    response = post(app.test_client(), key, secret, big)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_the_hook_is_rate_limited_per_integration(make_app) -> None:
    app = make_app(RATELIMIT_ENABLED=True, API_HOOK_RATE_LIMIT="2 per minute")
    key, secret = setup_hook(app)
    other_key, other_secret = setup_hook(app)
    client = app.test_client()
    statuses = [post(client, key, secret, event(n)).status_code for n in (1, 2, 3)]
    assert statuses == [200, 200, 429]
    limited = post(client, key, secret, event(4))
    assert limited.json["error"]["code"] == "rate_limited"
    assert post(client, other_key, other_secret, event(5)).status_code == 200


def test_web_sign_up_credits_pending_events_once_verified(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    client = mail_app.test_client()
    key, secret = setup_hook(mail_app)
    post(client, key, secret, event(1, email="Later@Example.com"))
    assert AuthActions(client).signup("later@example.com").status_code == 200
    with database(mail_app).transaction() as session:
        assert session.scalar(select(Action)) is None
        assert session.scalar(select(WebhookEvent.outcome)) == "pending"
    assert client.get(mailbox.verification_path("later@example.com")).status_code == 302
    with database(mail_app).transaction() as session:
        recorded = session.scalar(select(Action))
        assert recorded is not None and recorded.source == "webhook"
        assert session.scalar(select(WebhookEvent.outcome)) == "credited"


def test_api_sign_up_credits_pending_events_once_verified(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    client = mail_app.test_client()
    key, secret = setup_hook(mail_app)
    post(client, key, secret, event(1))
    response = client.post(
        "/api/v1/users",
        json={"email": "later@example.com", "password": PASSWORD, "display_name": "나중"},
    )
    assert response.status_code == 202
    with database(mail_app).transaction() as session:
        assert session.scalar(select(Action)) is None
    assert client.get(mailbox.verification_path("later@example.com")).status_code == 302
    with database(mail_app).transaction() as session:
        user = find_user_by_email(session, "later@example.com")
        recorded = session.scalar(select(Action))
        assert recorded is not None and recorded.user_id == user.id
        assert session.scalar(select(WebhookEvent.outcome)) == "credited"


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_other_methods_are_405_with_allow(client: FlaskClient, app: Flask, method: str) -> None:
    key, _secret = setup_hook(app)
    response = getattr(client, method)(f"/api/v1/hooks/{key}")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
