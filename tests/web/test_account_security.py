"""Through the web and the API: tokens die with the password and with an admin's decision, the
per-address log-in lock, and mail that cannot be sent."""

from __future__ import annotations

from email import message_from_bytes, policy

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.db import database
from campaign.models import AuditEntry, Role, User
from campaign.rules.accounts import FREE_FAILURES
from tests.factories import PASSWORD, make_fundraiser, make_user
from tests.mailbox import Mailbox
from tests.web.helpers import AuthActions, text

WRONG = "not the password 1"


def add_user(app: Flask, **kwargs: object) -> User:
    with database(app).transaction() as session:
        return make_user(session, **kwargs)


def token_for(client: FlaskClient, email: str, password: str = PASSWORD) -> str:
    response = client.post("/api/v1/tokens", json={"email": email, "password": password})
    assert response.status_code == 201, response.json
    return response.json["token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_password_change_revokes_the_api_tokens(app: Flask, client: FlaskClient) -> None:
    add_user(app, email="pw@example.com", password=PASSWORD)
    token = token_for(client, "pw@example.com")
    assert client.get("/api/v1/campaigns", headers=bearer(token)).status_code == 200
    AuthActions(client).login("pw@example.com")
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a brand new secret"},
        follow_redirects=True,
    )
    assert "API 토큰은 모두 취소됐어요" in text(response)
    assert client.get("/api/v1/campaigns", headers=bearer(token)).status_code == 401
    assert token_for(client, "pw@example.com", "a brand new secret")


def test_deactivation_takes_effect_on_tokens_and_sessions_at_once(app: Flask) -> None:
    add_user(app, email="admin@aesseuji.example", role=Role.ADMIN)
    user = add_user(app, email="gone@example.com")
    admin, person = app.test_client(), app.test_client()
    AuthActions(admin).login("admin@aesseuji.example")
    AuthActions(person).login("gone@example.com")
    token = token_for(person, "gone@example.com")

    assert admin.post(f"/admin/users/{user.id}/active", data={"active": "0"}).status_code == 302
    assert person.get("/account").status_code == 302  # the session is over
    assert person.get("/api/v1/campaigns", headers=bearer(token)).status_code == 401
    assert person.post("/api/v1/tokens", json={"email": "gone@example.com", "password": PASSWORD})
    assert AuthActions(person).login("gone@example.com").status_code == 200  # refused

    assert admin.post(f"/admin/users/{user.id}/active", data={"active": "1"}).status_code == 302
    assert person.get("/api/v1/campaigns", headers=bearer(token)).status_code == 401  # stays dead
    assert AuthActions(person).login("gone@example.com").status_code == 302
    with database(app).transaction() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["user.active", "user.active"]


def test_the_admin_cannot_deactivate_themselves_and_bad_input_is_400(
    app: Flask, client: FlaskClient
) -> None:
    admin = add_user(app, email="admin@aesseuji.example", role=Role.ADMIN)
    AuthActions(client).login("admin@aesseuji.example")
    page = client.post(
        f"/admin/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True
    )
    assert "자기 계정은 비활성화할 수 없어요" in text(page)
    assert client.post(f"/admin/users/{admin.id}/active", data={"active": "x"}).status_code == 400
    assert client.post("/admin/users/999999/active", data={"active": "0"}).status_code == 404


def test_a_demotion_takes_effect_on_tokens_and_sessions_at_once(app: Flask) -> None:
    add_user(app, email="admin@aesseuji.example", role=Role.ADMIN)
    crew = add_user(app, email="crew@aesseuji.example", role=Role.CREW)
    with database(app).transaction() as session:
        make_fundraiser(session, slug="crew-drive")
    admin, person = app.test_client(), app.test_client()
    AuthActions(admin).login("admin@aesseuji.example")
    AuthActions(person).login("crew@aesseuji.example")
    token = token_for(person, "crew@aesseuji.example")
    assert person.get("/crew/").status_code == 200
    assert person.get("/api/v1/campaigns/crew-drive", headers=bearer(token)).status_code == 200

    assert admin.post(f"/admin/users/{crew.id}/role", data={"role": "user"}).status_code == 302
    assert person.get("/crew/").status_code == 404
    assert person.get("/api/v1/campaigns/crew-drive", headers=bearer(token)).status_code == 404


# -- the per-address log-in lock ------------------------------------------------------------


def test_failures_across_log_in_and_token_lock_the_address(make_app) -> None:
    app = make_app()
    add_user(app, email="target@example.com")
    client = app.test_client()
    for n in range(FREE_FAILURES):
        if n % 2:
            assert AuthActions(client).login("target@example.com", WRONG).status_code == 200
        else:
            answer = client.post(
                "/api/v1/tokens", json={"email": "Target@example.com", "password": WRONG}
            )
            assert answer.status_code == 401
    locked = client.post(
        "/api/v1/tokens", json={"email": "target@example.com", "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert locked.json["error"]["code"] == "login_locked"
    assert 0 < int(locked.headers["Retry-After"]) <= 60
    page = AuthActions(client).login("target@example.com")
    assert page.status_code == 429 and "몇 분 뒤에 다시" in text(page)
    # Another address is not affected.
    add_user(app, email="other@example.com")
    assert AuthActions(app.test_client()).login("other@example.com").status_code == 302


def test_a_locked_address_keeps_its_owners_session_and_token(app: Flask) -> None:
    add_user(app, email="owner@example.com")
    owner, stranger = app.test_client(), app.test_client()
    AuthActions(owner).login("owner@example.com")
    token = token_for(owner, "owner@example.com")
    for _ in range(FREE_FAILURES + 2):
        AuthActions(stranger).login("owner@example.com", WRONG)
    assert AuthActions(stranger).login("owner@example.com").status_code == 429
    assert owner.get("/account").status_code == 200
    assert owner.get("/api/v1/campaigns", headers=bearer(token)).status_code == 200


# -- verification through the site ---------------------------------------------------------


def test_the_link_verifies_once_and_can_be_sent_again(mail_app: Flask, mailbox: Mailbox) -> None:
    client = mail_app.test_client()
    AuthActions(client).signup("new@example.com")
    AuthActions(client).login("new@example.com")
    assert "링크 다시 보내기" in text(client.get("/account"))
    assert client.post("/account/verification").status_code == 302
    first, second = (m.get_content() for m in mailbox.to("new@example.com"))
    assert "/verify/" in first and "/verify/" in second
    link = mailbox.verification_path("new@example.com")
    done = client.get(link, follow_redirects=True)
    assert "이메일 주소가 확인됐어요" in text(done)
    assert "링크 다시 보내기" not in text(done)
    again = client.get(link)
    assert again.status_code == 400 and "만료됐거나 이미 쓰였거나" in text(again)
    assert client.get("/verify/not-a-token").status_code == 400


def test_resending_is_rate_limited(make_app, mailbox: Mailbox, _smtp_server) -> None:
    app = make_app(
        RATELIMIT_ENABLED=True, RESEND_VERIFICATION_LIMIT="1 per hour", **_smtp_server[1]
    )
    add_user(app, email="slow@example.com", verified=False)
    client = app.test_client()
    AuthActions(client).login("slow@example.com")
    assert client.post("/account/verification").status_code == 302
    assert client.post("/account/verification").status_code == 429
    assert len(mailbox.to("slow@example.com")) == 1


def test_without_a_mail_server_mail_is_written_to_the_instance_folder(make_app, tmp_path) -> None:
    app = make_app(MAIL_BACKEND="file", MAIL_DIR=str(tmp_path / "mail"))
    AuthActions(app.test_client()).signup("dev@example.com")
    [written] = (tmp_path / "mail").glob("*.eml")
    mail = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert mail["To"] == "dev@example.com" and "/verify/" in mail.get_content()


def test_a_mail_server_that_is_down_does_not_fail_the_sign_up(make_app) -> None:
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_USE_TLS=False)
    response = AuthActions(app.test_client()).signup("down@example.com")
    assert response.status_code == 200
    with database(app).transaction() as session:
        assert session.scalar(select(User.email)) == "down@example.com"  # committed first


def test_api_tokens_live_in_a_developer_section_shown_on_request(
    app: Flask, client: FlaskClient
) -> None:
    add_user(app, email="plain@example.com")
    AuthActions(client).login("plain@example.com")
    page = text(client.get("/account"))
    assert 'id="tokens"' not in page and "Bearer" not in page
    assert 'href="/account?developer=1#tokens"' in page
    asked = text(client.get("/account?developer=1"))
    assert 'id="tokens"' in asked and "개발자" in asked
    # The example is text, not a tag that swallows "<token>".
    assert "Bearer &lt;token&gt;" in asked
    created = text(client.post("/account/tokens", data={"name": "내 스크립트"}))
    assert 'class="secret"' in created
    # Once a token exists the section stays, so it can be revoked.
    again = text(client.get("/account"))
    assert 'id="tokens"' in again and "내 스크립트" in again
