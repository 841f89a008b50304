"""Admins grant crew status; nobody else can."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.db import database
from campaign.models import AuditEntry, Role, User
from tests.factories import make_user
from tests.web.helpers import AuthActions, text


def setup_people(app: Flask) -> tuple[int, int]:
    with database(app).transaction() as session:
        admin = make_user(session, email="boss@example.com", role=Role.ADMIN)
        user = make_user(session, email="someone@example.com", name="누군가")
        return admin.id, user.id


def test_admin_grants_crew_and_it_is_audited(app: Flask, client: FlaskClient) -> None:
    admin_id, user_id = setup_people(app)
    AuthActions(client).login("boss@example.com")
    assert "someone@example.com" in text(client.get("/admin/users?q=SOME"))
    response = client.post(f"/admin/users/{user_id}/role", data={"role": "crew"})
    assert response.status_code == 302
    with database(app).transaction() as session:
        assert session.get(User, user_id).role == Role.CREW
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "user.role"))
        assert entry.actor_id == admin_id
        assert entry.before["role"] == "user" and entry.after["role"] == "crew"


def test_admin_cannot_demote_themselves(app: Flask, client: FlaskClient) -> None:
    admin_id, _ = setup_people(app)
    AuthActions(client).login("boss@example.com")
    response = client.post(
        f"/admin/users/{admin_id}/role", data={"role": "user"}, follow_redirects=True
    )
    assert "해제할 수 없어요" in text(response)
    with database(app).transaction() as session:
        assert session.get(User, admin_id).role == Role.ADMIN


def test_unknown_role_and_unknown_user(app: Flask, client: FlaskClient) -> None:
    _, user_id = setup_people(app)
    AuthActions(client).login("boss@example.com")
    assert client.post(f"/admin/users/{user_id}/role", data={"role": "king"}).status_code == 400
    assert client.post("/admin/users/999999/role", data={"role": "crew"}).status_code == 404


@pytest.mark.parametrize("role", [Role.USER, Role.CREW])
def test_non_admins_are_refused(app: Flask, client: FlaskClient, role: Role) -> None:
    _, user_id = setup_people(app)
    with database(app).transaction() as session:
        make_user(session, email="notadmin@example.com", role=role)
    AuthActions(client).login("notadmin@example.com")
    assert client.get("/admin/users").status_code == 403
    assert client.post(f"/admin/users/{user_id}/role", data={"role": "admin"}).status_code == 403


def test_visitors_are_sent_to_log_in(client: FlaskClient) -> None:
    assert client.get("/admin/users").status_code == 302
