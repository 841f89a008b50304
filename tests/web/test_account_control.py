"""Account control through the site: a new address by mailed link, my data as JSON, deleting
the account behind a confirmation page — each refusing bad input in Korean, writing nothing."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import func, select

from campaign.db import database
from campaign.models import ApiToken, LoginSession, User
from campaign.services.accounts import issue_api_token
from tests.factories import PASSWORD, make_user
from tests.mailbox import Mailbox
from tests.web.helpers import AuthActions, text


def add_user(app: Flask, **kwargs: object) -> User:
    with database(app).transaction() as session:
        return make_user(session, **kwargs)


def email_of(app: Flask, user_id: int) -> str:
    with database(app).transaction() as session:
        return session.get(User, user_id).email


def main_of(response) -> str:
    """The page's own content (the header carries a per-request CSRF token)."""
    page = text(response)
    return page[page.index("<main") : page.index("</main>")]


def change_path(mailbox: Mailbox, address: str) -> str:
    [*_, link] = [link for link in mailbox.links(address) if "/account/email/" in link]
    return urlsplit(link).path


def test_the_account_page_links_to_account_control(app: Flask) -> None:
    add_user(app, email="me@example.com")
    client = app.test_client()
    AuthActions(client).login("me@example.com")
    page = text(client.get("/account"))
    for href in ("/account/email", "/account/data", "/account/delete"):
        assert f'href="{href}"' in page
    assert "내 정보 내려받기" in page and "계정 삭제하기" in page


def test_a_new_address_by_link_and_the_old_one_is_told(mail_app: Flask, mailbox: Mailbox) -> None:
    me = add_user(mail_app, email="me@example.com")
    client = mail_app.test_client()
    AuthActions(client).login("me@example.com")
    sent = client.post(
        "/account/email", data={"new_email": "New@Example.com", "password": PASSWORD}
    )
    assert sent.status_code == 200 and "링크를 보냈어요" in text(sent)
    assert email_of(mail_app, me.id) == "me@example.com"  # not before the link
    assert [m["To"] for m in mailbox.messages] == ["new@example.com"]
    path = change_path(mailbox, "new@example.com")
    done = client.get(path)
    assert done.status_code == 302 and done.headers["Location"].endswith("/account")
    assert email_of(mail_app, me.id) == "new@example.com"
    [notice] = mailbox.to("me@example.com")
    assert "더는 이 주소를 쓰지 않아요" in notice.get_content()
    again = mail_app.test_client().get(path)
    assert again.status_code == 400 and "다시 변경을 요청해 주세요" in text(again)
    assert AuthActions(mail_app.test_client()).login("new@example.com").status_code == 302


def test_a_taken_address_gets_the_same_answer_and_no_mail(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    add_user(mail_app, email="me@example.com")
    add_user(mail_app, email="taken@example.com")
    client = mail_app.test_client()
    AuthActions(client).login("me@example.com")
    answers = [
        main_of(client.post("/account/email", data={"new_email": e, "password": PASSWORD})).replace(
            e, "X"
        )
        for e in ("free@example.com", "taken@example.com")
    ]
    assert answers[0] == answers[1]
    assert [m["To"] for m in mailbox.messages] == ["free@example.com"]


def test_bad_change_requests_are_refused_in_korean(mail_app: Flask, mailbox: Mailbox) -> None:
    me = add_user(mail_app, email="me@example.com")
    client = mail_app.test_client()
    AuthActions(client).login("me@example.com")
    for data, korean in (
        ({"new_email": "new@example.com", "password": "wrong one"}, "현재 비밀번호"),
        ({"new_email": "new@example.com", "password": ""}, "현재 비밀번호"),
        ({"new_email": "nope", "password": PASSWORD}, "올바른 이메일"),
        ({"new_email": "me@example.com", "password": PASSWORD}, "지금 쓰고 있는 주소"),
        ({"new_email": "x" * 300 + "@example.com", "password": PASSWORD}, "254"),
    ):
        page = client.post("/account/email", data=data)
        assert page.status_code == 200 and korean in text(page), data
    assert mailbox.messages == [] and email_of(mail_app, me.id) == "me@example.com"
    assert client.get("/account/email/forged").status_code == 400


def test_my_data_is_a_json_file_without_secrets(app: Flask) -> None:
    me = add_user(app, email="me@example.com", name="홍길동")
    with database(app).transaction() as session:
        secret = issue_api_token(session, session.get(User, me.id), "내 스크립트", me.created_at)
    client = app.test_client()
    AuthActions(client).login("me@example.com")
    response = client.get("/account/data")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    document = json.loads(response.get_data(as_text=True))
    assert document["profile"]["email"] == "me@example.com"
    assert document["profile"]["display_name"] == "홍길동"
    assert [t["name"] for t in document["api_tokens"]] == ["내 스크립트"]
    body = response.get_data(as_text=True)
    assert secret.secret not in body and secret.token.token_hash not in body
    assert "password" not in body
    assert {"participations", "actions", "pledges", "receipt_requests", "notifications"} <= set(
        document
    )


def test_deleting_asks_for_the_password_and_the_box(app: Flask) -> None:
    me = add_user(app, email="me@example.com")
    client = app.test_client()
    AuthActions(client).login("me@example.com")
    page = client.get("/account/delete")
    assert page.status_code == 200 and "되돌릴 수 없어요" in text(page)
    assert "기부처가 세무 신고를 위해 보관하는 기록" in text(page)
    for data, korean in (
        ({"password": "wrong one", "confirm": "y"}, "현재 비밀번호"),
        ({"password": PASSWORD}, "확인 상자"),
    ):
        refused = client.post("/account/delete", data=data)
        assert refused.status_code == 200 and korean in text(refused), data
    assert email_of(app, me.id) == "me@example.com"
    gone = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert gone.status_code == 302 and gone.headers["Location"] == "/"
    assert client.get("/account").status_code == 302  # logged out
    assert email_of(app, me.id) != "me@example.com"
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(LoginSession)) == 0
        assert session.scalar(select(func.count()).select_from(ApiToken)) == 0
    assert AuthActions(app.test_client()).login("me@example.com").status_code == 200  # refused
    # The address is free again: a new account can have it.
    assert AuthActions(app.test_client()).signup("me@example.com").status_code == 200
    with database(app).transaction() as session:
        assert session.scalar(select(User).where(User.email == "me@example.com")) is not None
