"""The campaign admin pages: every transition, its permissions, settlement and downloads."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from campaign.db import database
from campaign.models import AuditEntry, Campaign, CampaignStatus, ExportRecord, Role, Settlement
from campaign.models.types import utcnow
from campaign.rules.calendar import end_bound
from campaign.services.actions import record_action
from campaign.services.participation import join
from tests.factories import make_campaign, make_user
from tests.web.helpers import AuthActions, text


def setup_campaign(app: Flask, **fields: object) -> str:
    now = utcnow()
    with database(app).transaction() as session:
        make_user(session, email="admin@example.com", role=Role.ADMIN)
        user = make_user(session, email="doer@example.com")
        campaign = make_campaign(
            session, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=5), **fields
        )
        if campaign.status == CampaignStatus.ACTIVE:
            join(session, user, campaign, None, now)
            record_action(session, user, campaign, "cheer", None, None, now)
        return campaign.slug


def status(app: Flask, slug: str) -> CampaignStatus:
    with database(app).transaction() as session:
        return session.scalar(select(Campaign.status).where(Campaign.slug == slug))


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> FlaskClient:
    return client


def login_admin(client: FlaskClient) -> None:
    assert AuthActions(client).login("admin@example.com").status_code == 302


def test_list_filters_by_status(app: Flask, client: FlaskClient) -> None:
    slug = setup_campaign(app)
    login_admin(client)
    link = f'href="/admin/campaigns/{slug}"'
    assert link in text(client.get("/admin/campaigns"))
    assert link in text(client.get("/admin/campaigns?status=active"))
    assert link not in text(client.get("/admin/campaigns?status=closed"))
    assert client.get("/admin/campaigns?status=nonsense").status_code == 200


def test_pause_resume_close_then_export_and_settle(app: Flask, client: FlaskClient) -> None:
    slug = setup_campaign(app)
    login_admin(client)
    page = text(client.get(f"/admin/campaigns/{slug}"))
    assert "일시정지" in page or "Pause" in page
    assert client.post(f"/admin/campaigns/{slug}/pause").status_code == 302
    assert status(app, slug) == CampaignStatus.PAUSED
    assert client.post(f"/admin/campaigns/{slug}/resume").status_code == 302
    # Closing cannot be undone: without the ticked box nothing happens and the page says why.
    unconfirmed = client.post(f"/admin/campaigns/{slug}/close", follow_redirects=True)
    assert "상자에 체크해 확인해 주세요" in text(unconfirmed)
    assert status(app, slug) == CampaignStatus.ACTIVE
    assert 'name="confirm" value="yes"' in text(client.get(f"/admin/campaigns/{slug}"))
    closing = client.post(f"/admin/campaigns/{slug}/close", data={"confirm": "yes"})
    assert closing.status_code == 302
    assert status(app, slug) == CampaignStatus.CLOSED
    again = client.post(
        f"/admin/campaigns/{slug}/close", data={"confirm": "yes"}, follow_redirects=True
    )
    assert again.status_code == 200  # a second close is a harmless no-op
    with database(app).transaction() as session:
        closes = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "campaign.close")
        )
        assert closes == 1
        total = session.scalar(select(Settlement.total_won))
    assert total == 100

    download = client.post(f"/admin/campaigns/{slug}/export", data={"format": "csv", "partner": ""})
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"), newline="")))
    assert ["배분 금액(원)", "100"] in rows  # Korean headings for people
    with database(app).transaction() as session:
        assert session.scalar(select(ExportRecord.total_won)) == 100
    assert "100" in text(client.get(f"/admin/campaigns/{slug}"))

    assert client.post(f"/admin/campaigns/{slug}/settle").status_code == 302
    assert status(app, slug) == CampaignStatus.SETTLED
    assert client.post(f"/admin/campaigns/{slug}/acknowledge").status_code == 302


def test_illegal_transition_is_a_clear_message(app: Flask, client: FlaskClient) -> None:
    slug = setup_campaign(app)
    login_admin(client)
    response = client.post(f"/admin/campaigns/{slug}/settle", follow_redirects=True)
    assert "지금 상태에서는 그렇게 바꿀 수 없어요" in text(response)
    assert status(app, slug) == CampaignStatus.ACTIVE
    assert client.post(f"/admin/campaigns/{slug}/explode").status_code == 404


def test_export_before_close_is_refused(app: Flask, client: FlaskClient) -> None:
    slug = setup_campaign(app)
    login_admin(client)
    response = client.post(
        f"/admin/campaigns/{slug}/export",
        data={"format": "csv", "partner": ""},
        follow_redirects=True,
    )
    assert "정산이 없어요" in text(response)
    bad = client.post(
        f"/admin/campaigns/{slug}/export",
        data={"format": "exe", "partner": ""},
        follow_redirects=True,
    )
    assert bad.status_code == 200
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(ExportRecord)) == 0


def test_cancel_needs_a_reason(app: Flask, client: FlaskClient) -> None:
    slug = setup_campaign(app)
    login_admin(client)
    assert client.post(f"/admin/campaigns/{slug}/cancel", data={"reason": ""}).status_code == 422
    assert status(app, slug) == CampaignStatus.ACTIVE
    # A reason alone is not enough: cancelling cannot be undone, so the box must be ticked.
    unconfirmed = client.post(f"/admin/campaigns/{slug}/cancel", data={"reason": "후원사 사정"})
    assert unconfirmed.status_code == 422
    assert "상자에 체크해 확인해 주세요" in text(unconfirmed)
    assert status(app, slug) == CampaignStatus.ACTIVE
    assert (
        client.post(
            f"/admin/campaigns/{slug}/cancel", data={"reason": "후원사 사정", "confirm": "y"}
        ).status_code
        == 302
    )
    assert status(app, slug) == CampaignStatus.CANCELLED


def test_extend_takes_a_later_kst_day(app: Flask, client: FlaskClient) -> None:
    slug = setup_campaign(app)
    login_admin(client)
    earlier = client.post(f"/admin/campaigns/{slug}/extend", data={"last_day": "2020-01-01"})
    assert earlier.status_code == 422
    assert (
        client.post(f"/admin/campaigns/{slug}/extend", data={"last_day": "not a day"}).status_code
        == 422
    )
    later = (utcnow() + timedelta(days=30)).date()
    assert (
        client.post(
            f"/admin/campaigns/{slug}/extend", data={"last_day": later.isoformat()}
        ).status_code
        == 302
    )
    with database(app).transaction() as session:
        ends_at = session.scalar(select(Campaign.ends_at).where(Campaign.slug == slug))
    assert ends_at == end_bound(date.fromisoformat(later.isoformat()))


def test_open_now_starts_a_scheduled_campaign(app: Flask, client: FlaskClient) -> None:
    slug = setup_campaign(app, status=CampaignStatus.SCHEDULED)
    login_admin(client)
    assert client.post(f"/admin/campaigns/{slug}/open").status_code == 302
    assert status(app, slug) == CampaignStatus.ACTIVE


ROUTES = [
    ("get", "/admin/campaigns"),
    ("get", "/admin/campaigns/{slug}"),
    ("post", "/admin/campaigns/{slug}/pause"),
    ("post", "/admin/campaigns/{slug}/close"),
    ("post", "/admin/campaigns/{slug}/cancel"),
    ("post", "/admin/campaigns/{slug}/extend"),
    ("post", "/admin/campaigns/{slug}/export"),
    ("post", "/admin/campaigns/{slug}/acknowledge"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("role", [None, Role.USER, Role.CREW])
def test_only_admins_get_in(
    app: Flask, client: FlaskClient, method: str, path: str, role: Role | None
) -> None:
    slug = setup_campaign(app)
    if role is not None:
        with database(app).transaction() as session:
            make_user(session, email="other@example.com", role=role)
        AuthActions(client).login("other@example.com")
    response = getattr(client, method)(path.format(slug=slug))
    if role is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == 403
    assert status(app, slug) == CampaignStatus.ACTIVE


def test_a_slug_no_campaign_can_have_is_404_not_500(app: Flask, client: FlaskClient) -> None:
    setup_campaign(app)
    login_admin(client)
    assert client.get("/admin/campaigns/a%00b").status_code == 404
    assert client.get("/c/a%00b").status_code == 404
    assert client.get("/api/v1/campaigns/a%00b/progress").status_code == 404
