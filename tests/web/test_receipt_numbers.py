"""A giver types a resident number on the fundraiser page; the charity reads it in its export
and reports the receipt's status with its token. The number is never in plain text in the
database, the logs, a page or any other export."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy import text as sql

from campaign.db import database
from campaign.models import Campaign, ReceiptRequest, Role, User
from campaign.models.types import utcnow
from campaign.services import lifecycle
from campaign.services.fundraising import pledge_gift
from campaign.services.partners import issue_partner_token
from tests.factories import make_fundraiser, make_partner, make_user
from tests.web.helpers import AuthActions, text

RRN = "900101-1234568"
SECRETS = ("9001011234568", "1234568")


def setup(app: Flask) -> dict[str, str]:
    now = utcnow()
    with database(app).transaction() as session:
        admin = make_user(session, role=Role.ADMIN)
        make_user(session, email="giver@aesseuji.example", role=Role.CREW)
        charity = make_partner(session, "사랑의열매", issues_receipts=True)
        stranger = make_partner(session, "다른 단체", issues_receipts=True)
        campaign = make_fundraiser(
            session,
            partner=charity,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=3),
        )
        return {
            "slug": campaign.slug,
            "charity": issue_partner_token(session, admin, charity, "영수증", now).secret,
            "stranger": issue_partner_token(session, admin, stranger, "영수증", now).secret,
        }


def ask(client, slug: str, **fields: str):
    data = {
        "legal_name": "홍길동",
        "donor_kind": "person",
        "id_number": RRN,
        "share_id_number": "y",
        "address": "서울시 중구 세종대로 110",
        "share_address": "y",
        "next": f"/c/{slug}",
        **fields,
    }
    return client.post(f"/c/{slug}/receipt", data=data, follow_redirects=True)


def stored(app: Flask) -> ReceiptRequest | None:
    with database(app).transaction() as session:
        return session.scalar(select(ReceiptRequest))


def close_with_a_gift(app: Flask, slug: str) -> None:
    with database(app).transaction() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
        giver = session.scalar(select(User).where(User.email == "giver@aesseuji.example"))
        pledge_gift(session, giver, campaign, 20_000, False, None, None, utcnow())
        lifecycle.close(session, campaign, actor=None, now=utcnow())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_bad_numbers_are_refused_in_korean_and_nothing_is_written(app: Flask) -> None:
    s = setup(app)
    client = app.test_client()
    AuthActions(client).login("giver@aesseuji.example")
    for fields, korean in (
        ({"id_number": "900101-1234567"}, "마지막 자리"),
        ({"id_number": "12345"}, "13자리"),
        ({"share_id_number": ""}, "동의"),
        ({"donor_kind": "company", "id_number": "220-81-62518"}, "마지막 자리"),
    ):
        page = ask(client, s["slug"], **fields)
        assert page.status_code == 200 and korean in text(page), fields
        assert stored(app) is None


def test_the_number_stays_sealed_from_form_to_the_charitys_export(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    s = setup(app)
    client = app.test_client()
    AuthActions(client).login("giver@aesseuji.example")
    page = text(ask(client, s["slug"]))
    assert "900101-1******" in page and not any(d in page for d in SECRETS)
    with database(app).transaction() as session:  # the raw column, as the database holds it
        raw = session.execute(sql("SELECT * FROM receipt_requests")).all()
    assert raw and not any(d in str(raw) for d in SECRETS)
    data = client.get("/account/data")
    assert "900101-1******" in data.get_data(as_text=True)
    assert not any(d in data.get_data(as_text=True) for d in SECRETS)

    close_with_a_gift(app, s["slug"])
    export = client.application.test_client().get(
        f"/api/v1/partner/settlements/{s['slug']}/export?format=csv", headers=bearer(s["charity"])
    )
    assert export.status_code == 200 and RRN in export.get_data(as_text=True)
    receipt = stored(app)
    assert receipt.status.value == "sent"
    logged = caplog.text + " ".join(str(vars(record)) for record in caplog.records)
    assert "/receipt" in logged  # the requests were logged, without the number
    assert not any(d in logged for d in SECRETS)
    assert "서울시" not in logged


def test_the_charity_reports_the_status_and_no_one_else_can(app: Flask) -> None:
    s = setup(app)
    client = app.test_client()
    AuthActions(client).login("giver@aesseuji.example")
    ask(client, s["slug"])
    receipt_id = stored(app).id
    api = app.test_client()
    path = f"/api/v1/partner/receipts/{receipt_id}/status"
    assert api.post(path, json={"status": "issued"}).status_code == 401
    wrong = api.post(path, json={"status": "issued"}, headers=bearer(s["stranger"]))
    assert wrong.status_code == 404 and wrong.json["error"]["code"] == "not_found"
    assert (
        api.post(
            f"/api/v1/partner/receipts/{receipt_id + 99}/status",
            json={"status": "issued"},
            headers=bearer(s["charity"]),
        ).status_code
        == 404
    )
    bad = api.post(path, json={"status": "lost"}, headers=bearer(s["charity"]))
    assert bad.status_code == 422 and bad.json["error"]["field"] == "status"
    assert api.post(path, data="x", headers=bearer(s["charity"])).status_code == 415
    assert stored(app).status.value == "requested"
    done = api.post(path, json={"status": "issued"}, headers=bearer(s["charity"]))
    assert done.status_code == 200 and done.json["status"] == "issued"
    back = api.post(path, json={"status": "sent"}, headers=bearer(s["charity"]))
    assert back.status_code == 409 and back.json["error"]["code"] == "illegal_transition"
    assert stored(app).status.value == "issued"
    page = text(client.get(f"/c/{s['slug']}"))
    assert "기부처에서 발급했어요" in page
