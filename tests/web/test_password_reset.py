"""Forgotten passwords through the site: the request, the mail at a real SMTP server, the link."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select

from campaign.db import database
from campaign.models import ApiToken, LoginFailures, LoginSession, Role, User
from campaign.models.types import utcnow
from campaign.services.accounts import issue_api_token, start_login_session
from tests.factories import PASSWORD, make_user
from tests.mailbox import Mailbox
from tests.web.helpers import AuthActions, text

NEW = "a fresh new password"


def add_user(app: Flask, **kwargs: object) -> User:
    with database(app).transaction() as session:
        return make_user(session, **kwargs)


def reset_path(mailbox: Mailbox, address: str) -> str:
    [*_, link] = [link for link in mailbox.links(address) if "/password/reset/" in link]
    return urlsplit(link).path


def forgot(client, email: str):
    return client.post("/password/forgot", data={"email": email})


def test_the_log_in_page_links_to_the_reset(app: Flask) -> None:
    page = text(app.test_client().get("/login"))
    assert 'href="/password/forgot"' in page and "비밀번호를 잊으셨나요?" in page
    assert app.test_client().get("/password/forgot").status_code == 200


def test_the_link_arrives_by_mail_and_resets_the_password_once(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    add_user(mail_app, email="me@example.com")
    client = mail_app.test_client()
    answer = forgot(client, "ME@example.com")
    assert answer.status_code == 200 and "링크를 보냈어요" in text(answer)
    [mail] = mailbox.to("me@example.com")
    assert "60분" in mail.get_content()
    path = reset_path(mailbox, "me@example.com")
    form = client.get(path)
    assert form.status_code == 200 and "새 비밀번호 확인" in text(form)
    done = client.post(path, data={"new_password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert AuthActions(client).login("me@example.com", PASSWORD).status_code == 200
    assert AuthActions(client).login("me@example.com", NEW).status_code == 302
    # Used: the password it was bound to is gone.
    again = client.get(path)
    assert again.status_code == 400 and "새 링크를 요청해 주세요" in text(again)
    replay = client.post(
        path, data={"new_password": "yet another password", "confirm": "yet another password"}
    )
    assert replay.status_code == 400
    assert AuthActions(mail_app.test_client()).login("me@example.com", NEW).status_code == 302


def test_unknown_and_deactivated_addresses_get_the_same_answer_and_no_mail(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    add_user(mail_app, email="real@example.com")
    gone = add_user(mail_app, email="gone@example.com")
    with database(mail_app).transaction() as session:
        session.get(User, gone.id).active = False
    client = mail_app.test_client()
    answers = [
        text(forgot(client, email)).replace(email, "X")
        for email in ("real@example.com", "nobody@example.com", "gone@example.com")
    ]
    assert answers[0] == answers[1] == answers[2]
    assert [m["To"] for m in mailbox.messages] == ["real@example.com"]


def test_a_reset_ends_sessions_revokes_tokens_clears_the_lock_and_verifies(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    user = add_user(mail_app, email="kim@aesseuji.example", verified=False)
    now = utcnow()
    with database(mail_app).transaction() as session:
        owner = session.get(User, user.id)
        start_login_session(session, owner, now)
        issue_api_token(session, owner, "laptop", now)
        session.add(
            LoginFailures(
                email="kim@aesseuji.example",
                failures=9,
                last_failed_at=now,
                locked_until=now + timedelta(hours=1),
            )
        )
    signed_in = mail_app.test_client()
    # A locked address still gets its link (the lock guards passwords, not mailboxes).
    forgot(signed_in, "kim@aesseuji.example")
    path = reset_path(mailbox, "kim@aesseuji.example")
    assert signed_in.post(path, data={"new_password": NEW, "confirm": NEW}).status_code == 302
    with database(mail_app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(LoginSession)) == 0
        [token] = session.scalars(select(ApiToken)).all()
        assert token.revoked_at is not None
        assert session.scalar(select(func.count()).select_from(LoginFailures)) == 0
        owner = session.get(User, user.id)
        assert owner.is_verified and owner.role == Role.CREW
    assert AuthActions(mail_app.test_client()).login("kim@aesseuji.example", NEW).status_code == 302


def test_a_signed_in_person_is_logged_out_by_the_reset(mail_app: Flask, mailbox: Mailbox) -> None:
    add_user(mail_app, email="here@example.com")
    client = mail_app.test_client()
    AuthActions(client).login("here@example.com")
    forgot(client, "here@example.com")
    path = reset_path(mailbox, "here@example.com")
    assert client.post(path, data={"new_password": NEW, "confirm": NEW}).status_code == 302
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"new_password": "short", "confirm": "short"}, "10자 이상"),
        ({"new_password": NEW, "confirm": NEW + "!"}, "두 비밀번호가 서로 달라요"),
        ({"new_password": "", "confirm": ""}, "필수"),
        ({"new_password": "x" * 5000, "confirm": "x" * 5000}, "200"),
    ],
)
def test_bad_new_passwords_get_form_errors(
    mail_app: Flask, mailbox: Mailbox, data: dict[str, str], message: str
) -> None:
    add_user(mail_app, email="me@example.com")
    client = mail_app.test_client()
    forgot(client, "me@example.com")
    path = reset_path(mailbox, "me@example.com")
    answer = client.post(path, data=data)
    assert answer.status_code == 200
    assert 'class="error"' in text(answer) and message in text(answer)
    # The link still works: nothing changed.
    assert client.post(path, data={"new_password": NEW, "confirm": NEW}).status_code == 302


@pytest.mark.parametrize("email", ["", "x" * 300, "\x00@example.com"])
def test_bad_addresses_never_fail(mail_app: Flask, mailbox: Mailbox, email: str) -> None:
    answer = forgot(mail_app.test_client(), email)
    assert answer.status_code == 200
    assert mailbox.messages == []


def test_forged_links_get_a_clear_page(app: Flask) -> None:
    client = app.test_client()
    for path in ("/password/reset/forged", "/password/reset/" + "x" * 2000):
        answer = client.get(path)
        assert answer.status_code == 400 and "비밀번호 재설정 링크가" in text(answer)
        assert client.post(path, data={"new_password": NEW, "confirm": NEW}).status_code == 400
    client.get("/lang/en")
    english = client.get("/password/reset/forged")
    assert "This password reset link is expired" in text(english)


def test_requests_are_rate_limited(make_app, mailbox: Mailbox, _smtp_server) -> None:
    app = make_app(RATELIMIT_ENABLED=True, RESET_REQUEST_LIMIT="2 per hour", **_smtp_server[1])
    add_user(app, email="me@example.com")
    client = app.test_client()
    assert forgot(client, "me@example.com").status_code == 200
    assert forgot(client, "nobody@example.com").status_code == 200
    assert forgot(client, "me@example.com").status_code == 429
    assert len(mailbox.to("me@example.com")) == 1


def test_the_forms_need_the_csrf_token(make_app, mailbox: Mailbox, _smtp_server) -> None:
    app = make_app(WTF_CSRF_ENABLED=True, **_smtp_server[1])
    add_user(app, email="me@example.com")
    client = app.test_client()
    assert forgot(client, "me@example.com").status_code == 400
    assert mailbox.messages == []


def test_the_owner_told_of_a_sign_up_attempt_is_pointed_to_the_reset(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    add_user(mail_app, email="taken@example.com")
    AuthActions(mail_app.test_client()).signup("taken@example.com")
    [warning] = mailbox.to("taken@example.com")
    assert "/password/forgot" in warning.get_content()
