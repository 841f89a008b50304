"""A partner's read-only token reaches its own settlements and exports, and nothing else."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.db import database
from campaign.models import ExportRecord, Role
from campaign.rules.campaign_spec import BeneficiarySpec
from campaign.services import lifecycle
from campaign.services.accounts import issue_api_token
from campaign.services.actions import record_action
from campaign.services.participation import join
from campaign.services.partners import issue_partner_token
from tests.factories import NOW, make_campaign, make_partner, make_user


def setup(app: Flask) -> dict[str, str]:
    with database(app).transaction() as session:
        admin = make_user(session, role=Role.ADMIN)
        user = make_user(session)
        ours, theirs = make_partner(session, "우리 단체"), make_partner(session, "다른 단체")
        mine = make_campaign(session, beneficiaries=(BeneficiarySpec(ours.id),))
        other = make_campaign(session, beneficiaries=(BeneficiarySpec(theirs.id),))
        still_open = make_campaign(session, beneficiaries=(BeneficiarySpec(ours.id),))
        for campaign in (mine, other):
            join(session, user, campaign, None, NOW)
            record_action(session, user, campaign, "cheer", None, None, NOW)
            lifecycle.close(session, campaign, actor=None, now=NOW + timedelta(hours=1))
        return {
            "partner_token": issue_partner_token(session, admin, ours, "회계", NOW).secret,
            "user_token": issue_api_token(session, user, "me", NOW).secret,
            "mine": mine.slug,
            "other": other.slug,
            "open": still_open.slug,
        }


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_partner_lists_and_fetches_its_own(app: Flask, client: FlaskClient) -> None:
    s = setup(app)
    listing = client.get("/api/v1/partner/settlements", headers=auth(s["partner_token"]))
    assert listing.status_code == 200
    assert [x["campaign"]["slug"] for x in listing.json["settlements"]] == [s["mine"]]
    assert listing.json["settlements"][0]["allocated_won"] == 100
    one = client.get(f"/api/v1/partner/settlements/{s['mine']}", headers=auth(s["partner_token"]))
    assert one.status_code == 200 and one.json["total_won"] == 100
    exported = client.get(
        f"/api/v1/partner/settlements/{s['mine']}/export?format=json",
        headers=auth(s["partner_token"]),
    )
    assert exported.status_code == 200
    assert sum(r["amount_won"] for r in exported.get_json()["sheets"]["allocations"]) == 100
    with database(app).transaction() as session:
        record = session.scalar(select(ExportRecord))
        assert record.actor_label.startswith("partner:") and record.total_won == 100


def test_partner_cannot_reach_other_settlements(app: Flask, client: FlaskClient) -> None:
    s = setup(app)
    for slug in (s["other"], s["open"], "no-such-campaign"):
        assert (
            client.get(
                f"/api/v1/partner/settlements/{slug}", headers=auth(s["partner_token"])
            ).status_code
            == 404
        )
        assert (
            client.get(
                f"/api/v1/partner/settlements/{slug}/export", headers=auth(s["partner_token"])
            ).status_code
            == 404
        )
    bad_format = client.get(
        f"/api/v1/partner/settlements/{s['mine']}/export?format=exe",
        headers=auth(s["partner_token"]),
    )
    assert bad_format.status_code == 422


def test_partner_token_opens_nothing_else(app: Flask, client: FlaskClient) -> None:
    s = setup(app)
    response = client.post(
        f"/api/v1/campaigns/{s['open']}/participants", json={}, headers=auth(s["partner_token"])
    )
    assert response.status_code == 401


def test_user_tokens_and_no_tokens_are_refused(app: Flask, client: FlaskClient) -> None:
    s = setup(app)
    assert (
        client.get("/api/v1/partner/settlements", headers=auth(s["user_token"])).status_code == 401
    )
    assert client.get("/api/v1/partner/settlements").status_code == 401
    assert client.get("/api/v1/partner/settlements", headers=auth("aesp_forged")).status_code == 401
