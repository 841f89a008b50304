"""Languages, money formatting and the navigation each role sees."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from campaign.db import database
from campaign.i18n import format_won
from campaign.models import Role
from tests.factories import make_user
from tests.web.helpers import AuthActions, text


def test_korean_is_the_default(client: FlaskClient) -> None:
    page = text(client.get("/"))
    assert '<html lang="ko">' in page
    assert "로그인" in page


def test_english_is_chosen_and_remembered(client: FlaskClient) -> None:
    response = client.get("/lang/en?next=/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    cookie = client.get_cookie("lang")
    assert cookie is not None and cookie.value == "en"
    assert "Log in" in text(client.get("/login"))
    assert "Log in" in text(client.get("/"))  # still English on the next page


def test_language_switch_refuses_foreign_next_and_unknown_language(client: FlaskClient) -> None:
    response = client.get("/lang/xx?next=//evil.example")
    assert response.headers["Location"] == "/"
    assert client.get_cookie("lang") is None


def test_won_format() -> None:
    assert format_won(1000, "ko") == "1,000원"
    assert format_won(1000, "en") == "₩1,000"
    assert format_won(-5000, "ko") == "-5,000원"
    assert format_won(0, "en") == "₩0"


@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [
        (None, ["로그인", "회원가입"], ["로그아웃", 'href="/admin/users"']),
        (Role.USER, ["로그아웃"], ['href="/admin/users"', "회원가입"]),
        (Role.CREW, ["로그아웃", "크루"], ['href="/admin/users"']),
        (Role.ADMIN, ["로그아웃", 'href="/admin/users"'], ["회원가입"]),
    ],
)
def test_navigation_shows_what_the_role_may_use(
    app: Flask, client: FlaskClient, role: Role | None, sees: list[str], does_not_see: list[str]
) -> None:
    if role is not None:
        with database(app).transaction() as session:
            make_user(session, email="nav@example.com", role=role)
        AuthActions(client).login("nav@example.com")
    page = text(client.get("/"))
    for fragment in sees:
        assert fragment in page
    for fragment in does_not_see:
        assert fragment not in page
