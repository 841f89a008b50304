"""Admins add and edit partner charities and manage their API tokens; nobody else can."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from campaign.db import database
from campaign.models import ApiToken, AuditEntry, Partner, Role
from campaign.services import accounts, partners
from campaign.services.partners import PartnerDetails
from campaign.services.tokens import digest
from tests.factories import NOW, make_user
from tests.web.helpers import AuthActions, text

SECRET = re.compile(r"aesp_[A-Za-z0-9_-]{20,}")
ERROR = re.compile(r'<small class="error">([^<]*)</small>')
FORM = {
    "name": "평화의숲",
    "registration_number": "123-82-00001",
    "contact_name": "김담당",
    "contact_email": "Forest@Example.org",
    "contact_phone": "02-123-4567",
    "issues_receipts": "y",
}


def setup_partner(app: Flask, name: str = "사랑의열매") -> int:
    """An admin (boss@example.com, logged in by the tests) and one partner; the partner's id."""
    with database(app).transaction() as session:
        boss = make_user(session, email="boss@example.com", role=Role.ADMIN)
        return partners.create_partner(session, boss, PartnerDetails(name=name), NOW).id


def partner_count(app: Flask) -> int:
    with database(app).transaction() as session:
        return session.scalar(select(func.count()).select_from(Partner))


def test_admin_adds_a_partner(app: Flask, client: FlaskClient) -> None:
    setup_partner(app)
    AuthActions(client).login("boss@example.com")
    page = text(client.get("/admin/partners"))
    assert "사랑의열매" in page and 'action="/admin/partners/new"' in page
    assert "/admin/partners/new" in text(client.get("/admin/partners/new"))
    response = client.post("/admin/partners/new", data=FORM)
    assert response.status_code == 302
    with database(app).transaction() as session:
        partner = session.scalar(select(Partner).where(Partner.name == "평화의숲"))
        assert partner.contact_email == "forest@example.org"
        assert partner.issues_receipts is True
        assert response.headers["Location"] == f"/admin/partners/{partner.id}"
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "partner.create"))
        assert entry.actor_label == "boss@example.com"
    listing = text(client.get("/admin/partners"))
    assert "평화의숲" in listing and "forest@example.org" in listing


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "필수"),
        ({"name": "   "}, "필수"),
        ({"contact_email": "not-an-email"}, "올바른 이메일 주소를 입력하세요."),
        ({"contact_phone": "call me maybe"}, "전화번호는 숫자"),
        ({"name": "가" * 101}, "100"),
        ({"registration_number": "1" * 41}, "40"),
        ({"name": "bad\x01name"}, "제어 문자를 지워 주세요."),
        ({"name": "사랑의열매"}, "같은 이름의 파트너가 이미 있어요."),
        ({"name": "  사랑의열매  "}, "같은 이름의 파트너가 이미 있어요."),
    ],
)
def test_bad_input_re_renders_the_form_with_a_message(
    app: Flask, client: FlaskClient, changes: dict[str, str], message: str
) -> None:
    setup_partner(app)
    AuthActions(client).login("boss@example.com")
    response = client.post("/admin/partners/new", data={**FORM, **changes})
    assert response.status_code == 200
    page = text(response)
    errors = ERROR.findall(page)
    assert len(errors) == 1 and message in errors[0], errors
    assert 'value="김담당"' in page  # what was typed is kept
    assert partner_count(app) == 1


def test_admin_edits_a_partner(app: Flask, client: FlaskClient) -> None:
    partner_id = setup_partner(app)
    AuthActions(client).login("boss@example.com")
    page = text(client.get(f"/admin/partners/{partner_id}"))
    assert 'value="사랑의열매"' in page
    response = client.post(
        f"/admin/partners/{partner_id}", data={"name": "사랑의열매 사회복지공동모금회"}
    )
    assert response.status_code == 302
    assert "저장했어요" in text(client.get(response.headers["Location"]))
    with database(app).transaction() as session:
        assert session.get(Partner, partner_id).name == "사랑의열매 사회복지공동모금회"
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "partner.update"))
        assert entry.before["name"] == "사랑의열매"
    again = client.post(
        f"/admin/partners/{partner_id}",
        data={"name": "사랑의열매 사회복지공동모금회"},
        follow_redirects=True,
    )
    assert "바뀐 것이 없어요" in text(again)


def test_edit_refuses_a_name_in_use_and_bad_input(app: Flask, client: FlaskClient) -> None:
    partner_id = setup_partner(app)
    with database(app).transaction() as session:
        boss = accounts.find_user_by_email(session, "boss@example.com")
        partners.create_partner(session, boss, PartnerDetails(name="평화의숲"), NOW)
    AuthActions(client).login("boss@example.com")
    taken = client.post(f"/admin/partners/{partner_id}", data={"name": "평화의숲"})
    assert taken.status_code == 200 and "같은 이름의 파트너가 이미 있어요." in text(taken)
    bad = client.post(
        f"/admin/partners/{partner_id}", data={"name": "새 이름", "contact_email": "x@y"}
    )
    assert bad.status_code == 200 and "올바른 이메일 주소를 입력하세요." in text(bad)
    assert 'value="새 이름"' in text(bad)
    with database(app).transaction() as session:
        assert session.get(Partner, partner_id).name == "사랑의열매"


def test_unknown_partner_is_404(app: Flask, client: FlaskClient) -> None:
    setup_partner(app)
    AuthActions(client).login("boss@example.com")
    assert client.get("/admin/partners/999999").status_code == 404
    assert client.post("/admin/partners/999999", data=FORM).status_code == 404
    assert client.post("/admin/partners/999999/tokens", data={}).status_code == 404
    assert client.post("/admin/partners/999999/tokens/1/revoke").status_code == 404


def test_a_token_is_shown_once_and_stored_hashed(app: Flask, client: FlaskClient) -> None:
    partner_id = setup_partner(app)
    AuthActions(client).login("boss@example.com")
    response = client.post(f"/admin/partners/{partner_id}/tokens", data={"token_name": "정산"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    [secret] = SECRET.findall(text(response))
    with database(app).transaction() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.partner_id == partner_id))
        assert token.token_hash == digest(secret)
        assert token.name == "정산" and token.user_id is None
        owner = accounts.token_owner(session, secret)
        assert owner is not None and owner.partner_id == partner_id
        audit_text = str([(e.before, e.after) for e in session.scalars(select(AuditEntry)).all()])
        assert secret not in audit_text
    later = text(client.get(f"/admin/partners/{partner_id}"))
    assert secret not in later
    assert token.prefix in later and "정산" in later


def test_a_too_long_token_name_is_refused(app: Flask, client: FlaskClient) -> None:
    partner_id = setup_partner(app)
    AuthActions(client).login("boss@example.com")
    response = client.post(f"/admin/partners/{partner_id}/tokens", data={"token_name": "x" * 61})
    assert response.status_code == 200
    assert not SECRET.search(text(response))
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_revoked_token_stops_working(app: Flask, client: FlaskClient) -> None:
    partner_id = setup_partner(app)
    other_id = setup_other_partner(app)
    with database(app).transaction() as session:
        boss = accounts.find_user_by_email(session, "boss@example.com")
        issued = partners.issue_partner_token(
            session, boss, partners.get_partner(session, partner_id), "정산", NOW
        )
        token_id, secret = issued.token.id, issued.secret
    AuthActions(client).login("boss@example.com")
    # Through another partner's address the token is not found, and stays live.
    assert client.post(f"/admin/partners/{other_id}/tokens/{token_id}/revoke").status_code == 404
    response = client.post(f"/admin/partners/{partner_id}/tokens/{token_id}/revoke")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "토큰을 폐기했어요." in page and "폐기됨" in page
    with database(app).transaction() as session:
        assert accounts.token_owner(session, secret) is None
        entry = session.scalar(
            select(AuditEntry).where(AuditEntry.action == "partner.token.revoke")
        )
        assert entry.after["token_id"] == token_id
    again = client.post(f"/admin/partners/{partner_id}/tokens/{token_id}/revoke")
    assert again.status_code == 404


def setup_other_partner(app: Flask) -> int:
    with database(app).transaction() as session:
        boss = accounts.find_user_by_email(session, "boss@example.com")
        return partners.create_partner(session, boss, PartnerDetails(name="다른 단체"), NOW).id


ROUTES = [
    ("get", "/admin/partners"),
    ("get", "/admin/partners/new"),
    ("post", "/admin/partners/new"),
    ("get", "/admin/partners/{id}"),
    ("post", "/admin/partners/{id}"),
    ("post", "/admin/partners/{id}/tokens"),
    ("post", "/admin/partners/{id}/tokens/{token}/revoke"),
]


def setup_token(app: Flask, partner_id: int) -> tuple[int, str]:
    with database(app).transaction() as session:
        boss = accounts.find_user_by_email(session, "boss@example.com")
        issued = partners.issue_partner_token(
            session, boss, partners.get_partner(session, partner_id), "t", NOW
        )
        return issued.token.id, issued.secret


@pytest.mark.parametrize("role", [Role.USER, Role.CREW])
def test_non_admins_are_refused_everywhere(app: Flask, client: FlaskClient, role: Role) -> None:
    partner_id = setup_partner(app)
    token_id, secret = setup_token(app, partner_id)
    with database(app).transaction() as session:
        make_user(session, email="notadmin@example.com", role=role)
    AuthActions(client).login("notadmin@example.com")
    for method, route in ROUTES:
        url = route.format(id=partner_id, token=token_id)
        response = getattr(client, method)(url, data={**FORM, "token_name": "x"})
        assert response.status_code == 403, (method, url)
    assert partner_count(app) == 1
    with database(app).transaction() as session:
        assert session.get(Partner, partner_id).name == "사랑의열매"
        assert session.scalar(select(func.count()).select_from(ApiToken)) == 1
        assert accounts.token_owner(session, secret) is not None


def test_visitors_are_sent_to_log_in(app: Flask, client: FlaskClient) -> None:
    partner_id = setup_partner(app)
    token_id, secret = setup_token(app, partner_id)
    for method, route in ROUTES:
        url = route.format(id=partner_id, token=token_id)
        response = getattr(client, method)(url, data=FORM)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login")
    with database(app).transaction() as session:
        assert accounts.token_owner(session, secret) is not None


def test_forms_need_the_csrf_token(make_app: Callable[..., Flask]) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    partner_id = setup_partner(app)
    client = app.test_client()
    login_page = text(client.get("/login"))
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    assert csrf is not None
    AuthActions(client).login("boss@example.com", csrf_token=csrf.group(1))
    assert client.post("/admin/partners/new", data=FORM).status_code == 400
    assert client.post(f"/admin/partners/{partner_id}/tokens", data={}).status_code == 400
    assert partner_count(app) == 1


def test_only_admins_see_the_partner_and_audit_links(app: Flask, client: FlaskClient) -> None:
    setup_partner(app)
    with database(app).transaction() as session:
        make_user(session, email="crew@example.com", role=Role.CREW)
    AuthActions(client).login("boss@example.com")
    page = text(client.get("/admin/audit"))
    assert 'href="/admin/partners"' in page and 'href="/admin/audit"' in page
    AuthActions(client).logout()
    AuthActions(client).login("crew@example.com")
    page = text(client.get("/account"))
    assert 'href="/admin/partners"' not in page and 'href="/admin/audit"' not in page
