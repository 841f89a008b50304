"""Admins browse the audit trail: filters, pages, forgiving query strings; nobody else can."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from campaign.db import database
from campaign.models import Campaign, CampaignKind, Role
from campaign.services import audit
from campaign.services.audit_browse import AuditFilter, browse, describe_changes
from tests.factories import NOW, make_user
from tests.web.helpers import AuthActions, text

ROW = re.compile(r"<code>([A-Za-z0-9_.]+)</code></td>")
ERROR = re.compile(r'<small class="error">([^<]*)</small>')


def actions_on(page: str) -> list[str]:
    """The action names in the table, top to bottom."""
    return ROW.findall(page)


def make_campaign(session: Session, title: str) -> Campaign:
    campaign = Campaign(
        slug=title.lower().replace(" ", "-"),
        title=title,
        kind=CampaignKind.CHEER,
        goal_won=1_000_000,
        starts_at=NOW,
        ends_at=NOW + timedelta(days=10),
    )
    session.add(campaign)
    session.flush()
    return campaign


def setup_trail(app: Flask) -> int:
    """A small trail by two admins and the scheduler; returns the campaign's id."""
    with database(app).transaction() as session:
        boss = make_user(session, email="boss@example.com", role=Role.ADMIN)
        other = make_user(session, email="other@example.com", role=Role.ADMIN)
        campaign = make_campaign(session, "Team Dog")
        audit.record(
            session,
            actor=boss,
            action="partner.create",
            now=NOW,
            after={"partner_id": 1, "name": "평화의숲"},
        )
        audit.record(
            session,
            actor=other,
            action="partner.update",
            now=NOW + timedelta(hours=1),
            before={"partner_id": 1, "name": "평화의숲"},
            after={"partner_id": 1, "name": "평화의 숲"},
        )
        audit.record(
            session,
            actor=boss,
            action="campaign.pause",
            now=NOW + timedelta(days=1),
            campaign_id=campaign.id,
            before={"status": "active"},
            after={"status": "paused"},
            reason="스폰서 요청",
        )
        audit.record(
            session,
            actor=None,
            actor_label="scheduler",
            action="campaign.close",
            now=NOW + timedelta(days=2),
            campaign_id=campaign.id,
        )
        # An action whose name would match "partner." only if "." or "_" were wildcards.
        audit.record(session, actor=boss, action="partnerXcreate", now=NOW - timedelta(days=1))
        return campaign.id


def login(client: FlaskClient) -> None:
    AuthActions(client).login("boss@example.com")


def test_newest_first_with_who_when_what_and_changes(app: Flask, client: FlaskClient) -> None:
    campaign_id = setup_trail(app)
    login(client)
    response = client.get("/admin/audit")
    assert response.status_code == 200
    page = text(response)
    assert actions_on(page) == [
        "campaign.close",
        "campaign.pause",
        "partner.update",
        "partner.create",
        "partnerXcreate",
    ]
    assert "2026.11.25 12:00" in page  # NOW in KST
    assert "other@example.com" in page and "scheduler" in page
    assert f"#{campaign_id} Team Dog" in page
    assert "<del>active</del> → <ins>paused</ins>" in page
    assert "<del>평화의숲</del> → <ins>평화의 숲</ins>" in page
    assert "스폰서 요청" in page


def test_filter_by_action_prefix(app: Flask, client: FlaskClient) -> None:
    setup_trail(app)
    login(client)
    assert actions_on(text(client.get("/admin/audit?action=partner."))) == [
        "partner.update",
        "partner.create",
    ]
    assert actions_on(text(client.get("/admin/audit?action=campaign.c"))) == ["campaign.close"]
    # LIKE's wildcards are taken literally.
    assert actions_on(text(client.get("/admin/audit?action=%25"))) == []
    assert actions_on(text(client.get("/admin/audit?action=partner_"))) == []


def test_filter_by_campaign_actor_and_days(app: Flask, client: FlaskClient) -> None:
    campaign_id = setup_trail(app)
    login(client)
    assert actions_on(text(client.get(f"/admin/audit?campaign={campaign_id}"))) == [
        "campaign.close",
        "campaign.pause",
    ]
    assert actions_on(text(client.get("/admin/audit?actor=OTHER@example.com"))) == [
        "partner.update"
    ]
    assert actions_on(text(client.get("/admin/audit?actor=scheduler"))) == ["campaign.close"]
    # NOW is 2026-11-25 12:00 KST; the pause is on the 26th, the close on the 27th.
    assert actions_on(text(client.get("/admin/audit?since=2026-11-26&until=2026-11-26"))) == [
        "campaign.pause"
    ]
    assert actions_on(
        text(client.get("/admin/audit?since=2026-11-25&until=2026-11-25&action=partner"))
    ) == ["partner.update", "partner.create"]
    combined = f"/admin/audit?action=campaign.&campaign={campaign_id}&actor=boss&since=2026-11-26"
    assert actions_on(text(client.get(combined))) == ["campaign.pause"]


def test_days_are_kst_calendar_days(app: Flask, client: FlaskClient) -> None:
    with database(app).transaction() as session:
        boss = make_user(session, email="boss@example.com", role=Role.ADMIN)
        midnight_kst = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 11-25 00:00 KST
        audit.record(session, actor=boss, action="a.before", now=midnight_kst - timedelta(0, 1))
        audit.record(session, actor=boss, action="a.first", now=midnight_kst)
        audit.record(session, actor=boss, action="a.last", now=midnight_kst + timedelta(1, -1))
        audit.record(session, actor=boss, action="a.after", now=midnight_kst + timedelta(1))
    login(client)
    page = text(client.get("/admin/audit?since=2026-11-25&until=2026-11-25"))
    assert actions_on(page) == ["a.last", "a.first"]


def test_pages_of_fifty(app: Flask, client: FlaskClient) -> None:
    with database(app).transaction() as session:
        boss = make_user(session, email="boss@example.com", role=Role.ADMIN)
        for n in range(120):
            audit.record(
                session, actor=boss, action=f"bulk.n{n:03d}", now=NOW + timedelta(minutes=n)
            )
    login(client)
    first = text(client.get("/admin/audit?action=bulk."))
    assert len(actions_on(first)) == 50
    assert actions_on(first)[0] == "bulk.n119"
    assert 'rel="next" href="/admin/audit?page=2&amp;action=bulk."' in first
    assert 'rel="prev"' not in first
    third = text(client.get("/admin/audit?action=bulk.&page=3"))
    assert actions_on(third) == [f"bulk.n{n:03d}" for n in range(19, -1, -1)]
    assert 'rel="next"' not in third and 'rel="prev"' in third
    beyond = text(client.get("/admin/audit?action=bulk.&page=4"))
    assert actions_on(beyond) == [] and "조건에 맞는 기록이 없어요." in beyond


@pytest.mark.parametrize("page", ["abc", "0", "-2", "1.5", "", "99999999999999999999999", "٣"])
def test_a_bad_page_number_shows_the_first_page(app: Flask, client: FlaskClient, page: str) -> None:
    setup_trail(app)
    login(client)
    response = client.get("/admin/audit", query_string={"page": page})
    assert response.status_code == 200
    assert actions_on(text(response))[0] == "campaign.close"


@pytest.mark.parametrize(
    ("query", "field_message"),
    [
        ({"campaign": "abc"}, "캠페인 번호"),
        ({"campaign": "-3"}, "캠페인 번호"),
        ({"campaign": "0"}, "캠페인 번호"),
        ({"campaign": "²"}, "캠페인 번호"),
        ({"campaign": "9" * 30}, "캠페인 번호"),
        ({"since": "2026-13-45"}, "YYYY-MM-DD"),
        ({"since": "20261125"}, "YYYY-MM-DD"),
        ({"since": "0001-01-01"}, "YYYY-MM-DD"),
        ({"until": "9999-12-31"}, "YYYY-MM-DD"),
        ({"until": "2026-11-25T00:00"}, "YYYY-MM-DD"),
        ({"since": "2026-11-27", "until": "2026-11-20"}, "종료일은 시작일보다 뒤여야 해요."),
    ],
)
def test_bad_filter_values_are_explained_and_left_out(
    app: Flask, client: FlaskClient, query: dict[str, str], field_message: str
) -> None:
    setup_trail(app)
    login(client)
    response = client.get("/admin/audit", query_string=query)
    assert response.status_code == 200
    page = text(response)
    [error] = ERROR.findall(page)
    assert field_message in error
    # The bad value does not filter: the whole trail (since the 27th, when that part held).
    shown = actions_on(page)
    assert shown[0] == "campaign.close"
    assert len(shown) == (1 if query.get("since") == "2026-11-27" else 5)


@pytest.mark.parametrize("name", ["action", "actor", "campaign", "since", "until", "page"])
def test_control_characters_and_long_values_never_break_the_page(
    app: Flask, client: FlaskClient, name: str
) -> None:
    setup_trail(app)
    login(client)
    for value in ("\x00", "partner.\x00", "x" * 5000, "<script>alert(1)</script>"):
        response = client.get("/admin/audit", query_string={name: value})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in text(response)


def test_values_are_escaped(app: Flask, client: FlaskClient) -> None:
    with database(app).transaction() as session:
        boss = make_user(session, email="boss@example.com", role=Role.ADMIN)
        audit.record(
            session,
            actor=boss,
            action="partner.update",
            now=NOW,
            before={"name": "<b>old</b>"},
            after={"name": "<script>x</script>"},
            reason="<i>why</i>",
        )
    login(client)
    page = text(client.get("/admin/audit"))
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<i>why</i>" not in page


def test_describe_changes_shows_every_key_as_text() -> None:
    changes = describe_changes(
        {"partner_id": 1, "name": "A", "tags": ["x"]},
        {"partner_id": 1, "name": "B", "issues_receipts": True},
    )
    assert [(c.key, c.before, c.after, c.changed) for c in changes] == [
        ("partner_id", "1", "1", False),
        ("name", "A", "B", True),
        ("tags", '["x"]', None, True),
        ("issues_receipts", None, "true", True),
    ]
    assert describe_changes(None, None) == []
    assert [(c.key, c.after) for c in describe_changes(None, ["a"])] == [("value", '["a"]')]


def test_browse_clamps_the_page(app: Flask) -> None:
    setup_trail(app)
    with database(app).transaction() as session:
        assert browse(session, AuditFilter(), page=-5).page == 1
        result = browse(session, AuditFilter(action="campaign."), page=1, per_page=1)
        assert result.has_next and not result.has_previous
        assert [row.entry.action for row in result.rows] == ["campaign.close"]


@pytest.mark.parametrize("role", [Role.USER, Role.CREW])
def test_non_admins_are_refused(app: Flask, client: FlaskClient, role: Role) -> None:
    setup_trail(app)
    with database(app).transaction() as session:
        make_user(session, email="notadmin@example.com", role=role)
    AuthActions(client).login("notadmin@example.com")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit?action=partner.&page=2").status_code == 403


def test_visitors_are_sent_to_log_in(client: FlaskClient) -> None:
    response = client.get("/admin/audit")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
