"""Programs sign up and get tokens; tokens are stored hashed and revocable."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.db import database
from campaign.models import ApiToken, Role, User
from campaign.services.accounts import find_user_by_email
from campaign.services.tokens import digest
from tests.factories import PASSWORD, make_user
from tests.mailbox import Mailbox
from tests.web.helpers import AuthActions, text


def test_sign_up_through_the_api(app: Flask, client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/users",
        json={"email": "Api@Example.com", "password": PASSWORD, "display_name": "에이피아이"},
    )
    assert response.status_code == 202
    assert response.json["status"] == "check_your_mail"
    assert "api@example.com" in response.json["message"]
    with database(app).transaction() as session:
        user = session.scalar(select(User).where(User.email == "api@example.com"))
        assert user.role == Role.USER and not user.is_verified
    # The new account can get a token at once (unverified: no crew, no pending credit).
    token = client.post("/api/v1/tokens", json={"email": "api@example.com", "password": PASSWORD})
    assert token.status_code == 201


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"email": "x", "password": PASSWORD, "display_name": "a"}, 422, "invalid"),
        ({"email": "x@example.com", "password": "short", "display_name": "a"}, 422, "invalid"),
        ({"email": "x@example.com", "password": PASSWORD}, 422, "invalid"),
        ({"email": 5, "password": PASSWORD, "display_name": "a"}, 422, "invalid"),
        ([1, 2], 422, "invalid"),
    ],
)
def test_api_sign_up_refuses_bad_input(
    client: FlaskClient, body: object, status: int, code: str
) -> None:
    response = client.post("/api/v1/users", json=body)
    assert response.status_code == status
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]


def test_api_sign_up_needs_json(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/users", data="email=a", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    broken = client.post("/api/v1/users", data="{not json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json["error"]["code"] == "bad_request"


def test_api_sign_up_answers_the_same_for_a_taken_address(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    client = mail_app.test_client()
    body = {"email": "twice@example.com", "password": PASSWORD, "display_name": "둘"}
    first = client.post("/api/v1/users", json=body)
    again = client.post("/api/v1/users", json={**body, "email": "TWICE@example.com"})
    assert first.status_code == again.status_code == 202
    assert first.json == again.json
    verify, warning = mailbox.to("twice@example.com")
    assert "/verify/" in verify.get_content()
    assert "/verify/" not in warning.get_content()
    assert warning["Subject"] != verify["Subject"]


def test_api_sign_up_gives_crew_to_company_domain_once_verified(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    client = mail_app.test_client()
    body = {"email": "dev@aesseuji.example", "password": PASSWORD, "display_name": "개발"}
    assert client.post("/api/v1/users", json=body).status_code == 202
    with database(mail_app).transaction() as session:
        assert find_user_by_email(session, "dev@aesseuji.example").role == Role.USER
    assert client.get(mailbox.verification_path("dev@aesseuji.example")).status_code == 302
    with database(mail_app).transaction() as session:
        assert find_user_by_email(session, "dev@aesseuji.example").role == Role.CREW


def test_token_issue_is_stored_hashed_and_listed(app: Flask, client: FlaskClient) -> None:
    with database(app).transaction() as session:
        make_user(session, email="prog@example.com")
    response = client.post(
        "/api/v1/tokens", json={"email": "PROG@example.com", "password": PASSWORD, "name": "봇"}
    )
    assert response.status_code == 201
    secret = response.json["token"]
    with database(app).transaction() as session:
        stored = session.scalar(select(ApiToken))
        assert stored.token_hash == digest(secret)
        assert secret not in (stored.token_hash, stored.prefix)
    AuthActions(client).login("prog@example.com")
    page = text(client.get("/account"))
    assert "봇" in page and stored.prefix in page and secret not in page


def test_token_refused_with_one_error_for_email_or_password(
    app: Flask, client: FlaskClient
) -> None:
    with database(app).transaction() as session:
        make_user(session, email="prog@example.com")
    wrong_pw = client.post(
        "/api/v1/tokens", json={"email": "prog@example.com", "password": "nope nope nope"}
    )
    no_user = client.post(
        "/api/v1/tokens", json={"email": "who@example.com", "password": "nope nope nope"}
    )
    assert wrong_pw.status_code == no_user.status_code == 401
    assert wrong_pw.json == no_user.json


def test_token_created_and_revoked_on_the_account_page(app: Flask, client: FlaskClient) -> None:
    with database(app).transaction() as session:
        make_user(session, email="page@example.com")
    AuthActions(client).login("page@example.com")
    page = text(client.post("/account/tokens", data={"name": "CI"}))
    assert "다시 보여 드리지 않아요" in page
    secret = page.split('<code class="secret">')[1].split("</code>")[0]
    with database(app).transaction() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
        assert token is not None and token.revoked_at is None
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    with database(app).transaction() as session:
        assert session.get(ApiToken, token.id).revoked_at is not None


def test_cannot_revoke_someone_elses_token(app: Flask, client: FlaskClient) -> None:
    with database(app).transaction() as session:
        make_user(session, email="owner@example.com")
        make_user(session, email="other@example.com")
    owner = app.test_client()
    AuthActions(owner).login("owner@example.com")
    owner.post("/account/tokens", data={"name": "mine"})
    with database(app).transaction() as session:
        token_id = session.scalar(select(ApiToken.id))
    AuthActions(client).login("other@example.com")
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    with database(app).transaction() as session:
        assert session.get(ApiToken, token_id).revoked_at is None


def test_inactive_user_cannot_get_a_token(app: Flask, client: FlaskClient) -> None:
    with database(app).transaction() as session:
        user = make_user(session, email="gone@example.com")
        user.active = False
    response = client.post(
        "/api/v1/tokens", json={"email": "gone@example.com", "password": PASSWORD}
    )
    assert response.status_code == 401
    with database(app).transaction() as session:
        assert session.scalar(select(User).where(User.email == "gone@example.com")).active is False


@pytest.mark.parametrize("email", ["a\u0000b@example.com", "a\ud800b@example.com"])
def test_unstorable_text_is_a_clear_error_not_a_500(client: FlaskClient, email: str) -> None:
    signup = client.post(
        "/api/v1/users", json={"email": email, "password": PASSWORD, "display_name": "x"}
    )
    assert signup.status_code == 422
    token = client.post("/api/v1/tokens", json={"email": email, "password": "a\ud800bcdefghij"})
    assert token.status_code == 401
