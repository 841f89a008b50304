"""Sign-up, log-in, log-out, password change and what each does to sessions."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from campaign.db import database
from campaign.models import LoginSession, Role, User
from tests.factories import PASSWORD, make_user
from tests.mailbox import Mailbox
from tests.web.helpers import AuthActions, text


def add_user(app: Flask, **kwargs) -> User:
    with database(app).transaction() as session:
        return make_user(session, **kwargs)


def test_sign_up_stores_lowercase_email_and_asks_to_check_mail(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    client = mail_app.test_client()
    response = AuthActions(client).signup("New.Person@Example.com", name="새사람")
    assert response.status_code == 200
    assert "메일을 확인해 주세요" in text(response)
    with database(mail_app).transaction() as session:
        user = session.scalar(select(User).where(User.email == "new.person@example.com"))
        assert user is not None and user.role == Role.USER and not user.is_verified
        assert user.password_hash.startswith("scrypt:")
    [mail] = mailbox.to("new.person@example.com")
    assert "/verify/" in mail.get_content()
    # An unverified account may log in; it just gets nothing tied to the address yet.
    assert AuthActions(client).login("new.person@example.com").status_code == 302
    assert "새사람" in text(client.get("/account"))


def test_sign_up_from_company_domain_is_crew_only_once_verified(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    client = mail_app.test_client()
    AuthActions(client).signup("Kim@AESSEUJI.example")
    AuthActions(client).login("kim@aesseuji.example")
    assert client.get("/crew/").status_code == 404
    with database(mail_app).transaction() as session:
        role = session.scalar(select(User.role).where(User.email == "kim@aesseuji.example"))
        assert role == Role.USER
    assert client.get(mailbox.verification_path("kim@aesseuji.example")).status_code == 302
    assert client.get("/crew/").status_code == 200


@pytest.mark.parametrize(
    ("email", "name", "password", "message"),
    [
        ("not-an-email", "홍길동", PASSWORD, "올바른 이메일 주소"),
        ("a@example.com", "홍길동", "short", "10자 이상"),
        ("a@example.com", "   ", PASSWORD, "필수"),
        ("a@example.com", "x" * 41, PASSWORD, "40"),
    ],
)
def test_sign_up_refuses_bad_input_with_a_message(
    app: Flask, client: FlaskClient, email: str, name: str, password: str, message: str
) -> None:
    response = AuthActions(client).signup(email, name=name, password=password)
    assert response.status_code == 200
    assert 'class="error"' in text(response)
    assert message in text(response)
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_sign_up_with_a_taken_email_answers_the_same_and_tells_the_owner(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    add_user(mail_app, email="taken@example.com", name="주인")
    client = mail_app.test_client()
    taken = AuthActions(client).signup("TAKEN@example.com", name="침입자")
    fresh = AuthActions(client).signup("fresh@example.com", name="침입자")
    assert taken.status_code == fresh.status_code == 200
    assert text(taken).replace("taken@example.com", "X") == text(fresh).replace(
        "fresh@example.com", "X"
    )
    [warning] = mailbox.to("taken@example.com")
    assert "/verify/" not in warning.get_content() and "/login" in warning.get_content()
    with database(mail_app).transaction() as session:
        owner = session.scalar(select(User).where(User.email == "taken@example.com"))
        assert owner.display_name == "주인"  # nothing about the account changed


def test_log_in_is_case_insensitive(app: Flask, client: FlaskClient) -> None:
    add_user(app, email="case@example.com", name="케이스")
    response = AuthActions(client).login("  CASE@Example.COM ")
    assert response.status_code == 302
    assert "케이스" in text(client.get("/account"))


def test_wrong_email_and_wrong_password_get_the_same_answer(
    app: Flask, client: FlaskClient
) -> None:
    add_user(app, email="real@example.com")
    auth = AuthActions(client)
    wrong_password = auth.login("real@example.com", "wrong password!!")
    unknown_email = auth.login("nobody@example.com", "wrong password!!")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert "이메일 또는 비밀번호가 올바르지 않아요" in text(wrong_password)
    assert text(wrong_password).replace("real@example.com", "X") == text(unknown_email).replace(
        "nobody@example.com", "X"
    )


@pytest.mark.parametrize(
    ("next_value", "expected"),
    [
        ("/account", "/account"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
    ],
)
def test_next_only_leads_to_this_site(
    app: Flask, client: FlaskClient, next_value: str, expected: str
) -> None:
    add_user(app, email="next@example.com")
    response = AuthActions(client).login("next@example.com", next=next_value)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_login_page_carries_next_into_the_form(client: FlaskClient) -> None:
    page = text(client.get("/login?next=/account"))
    assert 'value="/account"' in page


def test_pages_that_need_login_send_visitors_to_log_in(client: FlaskClient) -> None:
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def _session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_logout_invalidates_every_copy_of_the_cookie(app: Flask, client: FlaskClient) -> None:
    add_user(app, email="copy@example.com")
    AuthActions(client).login("copy@example.com")
    stolen = _session_cookie(client)
    AuthActions(client).logout()

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/account")
    assert response.status_code == 302  # sent to log in: the copy no longer works
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_password_change_logs_out_other_copies_but_keeps_this_browser(
    app: Flask, client: FlaskClient
) -> None:
    add_user(app, email="pw@example.com")
    AuthActions(client).login("pw@example.com")
    other_device = app.test_client()
    AuthActions(other_device).login("pw@example.com")
    old_cookie = _session_cookie(client)

    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a brand new secret"},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert replay.get("/account").status_code == 302

    fresh = app.test_client()
    assert AuthActions(fresh).login("pw@example.com", "a brand new secret").status_code == 302


def test_password_change_refuses_wrong_current_password(app: Flask, client: FlaskClient) -> None:
    add_user(app, email="pw2@example.com")
    AuthActions(client).login("pw2@example.com")
    response = client.post(
        "/account/password",
        data={"current_password": "not it at all", "new_password": "another secret 1"},
    )
    assert response.status_code == 200
    assert "현재 비밀번호가 올바르지 않아요" in text(response)
    assert AuthActions(app.test_client()).login("pw2@example.com").status_code == 302


def test_remember_cookie_is_invalidated_by_logout(app: Flask, client: FlaskClient) -> None:
    add_user(app, email="rem@example.com")
    AuthActions(client).login("rem@example.com", remember="y")
    remember = client.get_cookie("remember_token")
    assert remember is not None
    AuthActions(client).logout()
    other = app.test_client()
    other.set_cookie("remember_token", remember.value)
    assert other.get("/account").status_code == 302


def test_cookies_are_httponly_and_samesite(app: Flask, client: FlaskClient) -> None:
    add_user(app, email="cookie@example.com")
    response = AuthActions(client).login("cookie@example.com", remember="y")
    headers = response.headers.getlist("Set-Cookie")
    assert headers
    for header in headers:
        assert "HttpOnly" in header
        assert "SameSite=Lax" in header


def test_forms_refuse_a_missing_csrf_token(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post(
        "/login", data={"email": "x@example.com", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "양식이 만료됐어요" in text(response)


def test_forms_work_with_the_csrf_token(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    add_user(app, email="csrf@example.com")
    client = app.test_client()
    page = text(client.get("/login"))
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login", data={"email": "csrf@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_sign_up_shows_every_field_error_at_once(app: Flask, client: FlaskClient) -> None:
    response = AuthActions(client).signup("not-an-email", name="x" * 41, password="short")
    page = text(response)
    assert response.status_code == 200
    assert "올바른 이메일 주소" in page and "10자 이상" in page and "40" in page
    assert page.count('class="error"') == 3
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_sign_up_from_a_challenge_keeps_the_way_back(client: FlaskClient) -> None:
    form = text(client.get("/signup?next=/c/green"))
    assert 'name="next" type="hidden" value="/c/green"' in form
    assert 'href="/login?next=/c/green"' in form
    done = client.post(
        "/signup",
        data={
            "email": "back@example.com",
            "display_name": "돌아옴",
            "password": PASSWORD,
            "next": "/c/green",
        },
    )
    assert 'href="/login?next=/c/green"' in text(done) and "로그인하고 돌아가기" in text(done)
    # Only a local path is kept.
    elsewhere = client.post(
        "/signup",
        data={
            "email": "away@example.com",
            "display_name": "멀리",
            "password": PASSWORD,
            "next": "//evil.example",
        },
    )
    assert "evil" not in text(elsewhere)
