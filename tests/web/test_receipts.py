"""Asking for a donation receipt from the fundraiser page."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.db import database
from campaign.models import ReceiptRequest, Role
from campaign.models.types import utcnow
from tests.factories import make_fundraiser, make_partner, make_user
from tests.web.helpers import AuthActions, text


def setup(app: Flask) -> str:
    now = utcnow()
    with database(app).transaction() as session:
        make_user(session, email="giver@aesseuji.example", role=Role.CREW)
        make_user(session, email="outsider@example.com")
        campaign = make_fundraiser(
            session,
            partner=make_partner(session, issues_receipts=True),
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=3),
        )
        return campaign.slug


def stored(app: Flask) -> ReceiptRequest | None:
    with database(app).transaction() as session:
        return session.scalar(select(ReceiptRequest))


def test_ask_change_and_withdraw(app: Flask, client: FlaskClient) -> None:
    slug = setup(app)
    AuthActions(client).login("giver@aesseuji.example")
    assert "기부금영수증" in text(client.get(f"/c/{slug}"))
    response = client.post(
        f"/c/{slug}/receipt",
        data={"legal_name": "홍길동", "share_email": "y", "next": f"/c/{slug}"},
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/c/{slug}"
    request = stored(app)
    assert (request.legal_name, request.email, request.phone) == (
        "홍길동",
        "giver@aesseuji.example",
        None,
    )
    page = text(client.get(f"/c/{slug}"))
    assert "홍길동" in page and 'value="홍길동"' in page

    bad = client.post(
        f"/c/{slug}/receipt",
        data={"legal_name": "홍길동", "phone": "call me"},
        follow_redirects=True,
    )
    assert "전화번호" in text(bad)
    assert stored(app).phone is None  # nothing half-written

    client.post(f"/c/{slug}/receipt", data={"withdraw": "1"})
    assert stored(app) is None


def test_people_outside_the_crew_cannot_ask(app: Flask, client: FlaskClient) -> None:
    slug = setup(app)
    AuthActions(client).login("outsider@example.com")
    assert client.post(f"/c/{slug}/receipt", data={"legal_name": "홍길동"}).status_code == 404
    assert stored(app) is None
    anonymous = app.test_client()
    assert anonymous.post(f"/c/{slug}/receipt", data={"legal_name": "x"}).status_code == 302
