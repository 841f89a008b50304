"""Admins register partner integrations, see the secret once, rotate it, switch it off and read
the delivery log; nobody else can."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from campaign.db import database
from campaign.models import AuditEntry, Integration, Role
from campaign.models.types import utcnow
from campaign.rules.signatures import SIGNATURE_HEADER, signature_header
from tests.factories import action, make_campaign, make_user
from tests.web.helpers import AuthActions, text

SECRET = re.compile(r"whsec_[A-Za-z0-9_-]{20,}")


def setup_admin(app: Flask) -> int:
    """An admin (boss@example.com), a user and a crew member, and a live campaign; its id."""
    with database(app).transaction() as session:
        make_user(session, email="boss@example.com", role=Role.ADMIN)
        make_user(session, email="user@example.com")
        make_user(session, email="crew@aesseuji.example", role=Role.CREW)
        campaign = make_campaign(
            session,
            title="그린 챌린지",
            actions=(action("switch", label="전자문서 전환", worth_won=500),),
            starts_at=utcnow() - timedelta(days=1),
            ends_at=utcnow() + timedelta(days=10),
        )
        return campaign.id


def create(client: FlaskClient, campaign_id: int, **changes: str):
    form = {
        "name": "전자문서 서비스",
        "action": f"{campaign_id}:switch",
        "event_type": "edoc.switched",
        **changes,
    }
    return client.post("/admin/integrations/new", data=form)


def only_integration(app: Flask) -> Integration:
    with database(app).transaction() as session:
        found = session.scalar(select(Integration))
        assert found is not None
        return found


@pytest.mark.parametrize("email", ["user@example.com", "crew@aesseuji.example"])
def test_only_admins_may_use_integrations(app: Flask, client: FlaskClient, email: str) -> None:
    campaign_id = setup_admin(app)
    boss = app.test_client()
    AuthActions(boss).login("boss@example.com")
    create(boss, campaign_id)
    integration_id = only_integration(app).id
    AuthActions(client).login(email)
    for path in ("/admin/integrations", f"/admin/integrations/{integration_id}"):
        assert client.get(path).status_code == 403
    for path in (
        "/admin/integrations/new",
        f"/admin/integrations/{integration_id}/rotate",
        f"/admin/integrations/{integration_id}/deactivate",
    ):
        assert client.post(path, data={"grace_hours": "0"}).status_code == 403
    assert only_integration(app).active is True
    assert "/admin/integrations" not in text(client.get("/"))


def test_visitors_are_sent_to_log_in(app: Flask, client: FlaskClient) -> None:
    setup_admin(app)
    response = client.get("/admin/integrations")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_creates_an_integration_and_sees_the_secret_once(
    app: Flask, client: FlaskClient
) -> None:
    campaign_id = setup_admin(app)
    AuthActions(client).login("boss@example.com")
    listing = text(client.get("/admin/integrations"))
    assert "그린 챌린지 — 전자문서 전환" in listing
    assert 'href="/admin/integrations"' in text(client.get("/"))  # in the navigation

    response = create(client, campaign_id)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    shown = SECRET.findall(page)
    stored = only_integration(app)
    assert shown == [stored.secret]
    assert stored.event_type == "edoc.switched" and stored.active
    assert f"/api/v1/hooks/{stored.key}" in page

    again = text(client.get(f"/admin/integrations/{stored.id}"))
    assert stored.secret not in again and "전자문서 서비스" in again
    assert "전자문서 서비스" in text(client.get("/admin/integrations"))
    with database(app).transaction() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "integration.create"))
        assert entry.actor_label == "boss@example.com"
        assert stored.secret not in json.dumps(entry.after)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "이 항목은 필수입니다."),
        ({"name": "   "}, "이 항목은 필수입니다."),
        ({"name": "가" * 81}, "80자 보다 많을 수 없습니다"),
        ({"name": "a\x01b"}, "제어 문자를 지워 주세요."),
        ({"event_type": "Edoc Switched!"}, "영문 소문자, 숫자"),
        ({"action": "999999:switch"}, "올바르지 않은 선택값입니다."),
    ],
)
def test_bad_input_is_shown_and_nothing_is_created(
    app: Flask, client: FlaskClient, changes: dict[str, str], message: str
) -> None:
    campaign_id = setup_admin(app)
    AuthActions(client).login("boss@example.com")
    response = create(client, campaign_id, **changes)
    assert response.status_code == 200
    assert message in text(response)
    assert SECRET.search(text(response)) is None
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Integration)) == 0


def test_rotating_shows_a_new_secret_and_keeps_the_old_for_the_grace(
    app: Flask, client: FlaskClient
) -> None:
    campaign_id = setup_admin(app)
    AuthActions(client).login("boss@example.com")
    create(client, campaign_id)
    old = only_integration(app)
    before = utcnow()
    response = client.post(f"/admin/integrations/{old.id}/rotate", data={"grace_hours": "2"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    rotated = only_integration(app)
    assert SECRET.findall(text(response)) == [rotated.secret]
    assert rotated.secret != old.secret and rotated.previous_secret == old.secret
    assert before + timedelta(hours=2) <= rotated.previous_valid_until
    assert rotated.previous_valid_until <= utcnow() + timedelta(hours=2)

    bad = client.post(f"/admin/integrations/{old.id}/rotate", data={"grace_hours": "-1"})
    assert bad.status_code == 200 and only_integration(app).secret == rotated.secret


def test_switching_off_refuses_further_events(app: Flask, client: FlaskClient) -> None:
    campaign_id = setup_admin(app)
    AuthActions(client).login("boss@example.com")
    create(client, campaign_id)
    integration = only_integration(app)
    response = client.post(f"/admin/integrations/{integration.id}/deactivate")
    assert response.status_code == 302
    assert only_integration(app).active is False
    raw = b'{"id": "evt_1"}'
    hook = client.post(
        f"/api/v1/hooks/{integration.key}",
        data=raw,
        content_type="application/json",
        headers={
            SIGNATURE_HEADER: signature_header(integration.secret, int(utcnow().timestamp()), raw)
        },
    )
    assert hook.status_code == 404


def test_the_delivery_log_and_pending_events_are_shown(app: Flask, client: FlaskClient) -> None:
    campaign_id = setup_admin(app)
    AuthActions(client).login("boss@example.com")
    create(client, campaign_id)
    integration = only_integration(app)
    url = f"/api/v1/hooks/{integration.key}"
    body = json.dumps(
        {
            "id": "evt_pending_1",
            "type": "edoc.switched",
            "occurred_at": "2026-11-25T12:00:00+09:00",
            "user": {"email": "newcomer@example.com"},
        }
    ).encode()
    signed = signature_header(integration.secret, int(utcnow().timestamp()), body)
    api = app.test_client()
    api.post(url, data=body, content_type="application/json", headers={SIGNATURE_HEADER: signed})
    api.post(url, data=body, content_type="application/json", headers={SIGNATURE_HEADER: signed})
    api.post(url, data=body, content_type="application/json")  # unsigned

    page = text(client.get(f"/admin/integrations/{integration.id}"))
    pending = page.split('id="pending"')[1].split("</section>")[0]
    assert "evt_pending_1" in pending and "newcomer@example.com" in pending
    assert "아직 이 이메일의 계정이 없어요" in pending
    log = page.split('id="deliveries"')[1].split("</section>")[0]
    assert log.count('<tr class="outcome-') == 3
    assert "outcome-refused" in log and "bad_signature" in log and "401" in log
    assert "outcome-replayed" in log and "outcome-pending" in log
