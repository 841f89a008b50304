"""The operator's forms: void, sponsors, a campaign's sponsors, the statement, the winners'
export and the winner's contact form; bad input gets a Korean error and writes nothing."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from campaign import scheduler
from campaign.db import database
from campaign.models import (
    AuditEntry,
    CampaignKind,
    CampaignSponsor,
    Correction,
    Role,
    Sponsor,
    User,
    WinnerContact,
)
from campaign.models.types import utcnow
from campaign.services import lifecycle
from campaign.services.actions import record_action
from campaign.services.participation import join
from campaign.services.reconcile import reconcile
from campaign.services.results import rerun_draw
from tests.factories import action, make_campaign, make_user
from tests.mailbox import Mailbox
from tests.web.helpers import AuthActions, text

REQUIRED = "이 항목은 필수입니다."  # WTForms' own Korean


def _setup(app: Flask, **fields: object) -> tuple[str, int]:
    now = utcnow()
    with database(app).transaction() as session:
        make_user(session, email="admin@example.com", role=Role.ADMIN)
        doer = make_user(session, email="doer@example.com")
        campaign = make_campaign(
            session, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=5), **fields
        )
        join(session, doer, campaign, None, now)
        recorded = record_action(session, doer, campaign, "cheer", None, None, now)
        return campaign.slug, recorded.action.id


def _corrections(app: Flask) -> int:
    with database(app).transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Correction)) or 0)


def test_the_void_form_refuses_bad_input_and_voids_good(app: Flask, client: FlaskClient) -> None:
    slug, action_id = _setup(app, purse_won=1_000)
    AuthActions(client).login("admin@example.com")
    assert "활동이나 기부 무효 처리" in text(client.get(f"/admin/campaigns/{slug}"))
    good = {"what": "action", "target_id": str(action_id), "reason": "가짜 참여", "confirm": "y"}

    no_reason = client.post(f"/admin/campaigns/{slug}/void", data={**good, "reason": " "})
    assert no_reason.status_code == 422 and REQUIRED in text(no_reason)
    unconfirmed = client.post(f"/admin/campaigns/{slug}/void", data={**good, "confirm": ""})
    assert unconfirmed.status_code == 422 and REQUIRED in text(unconfirmed)
    not_a_number = client.post(f"/admin/campaigns/{slug}/void", data={**good, "target_id": "x"})
    assert not_a_number.status_code == 422
    unknown = client.post(f"/admin/campaigns/{slug}/void", data={**good, "target_id": "999999"})
    assert unknown.status_code == 422 and "찾을 수 없" in text(unknown)
    assert _corrections(app) == 0

    done = client.post(f"/admin/campaigns/{slug}/void", data=good, follow_redirects=True)
    assert done.status_code == 200 and "무효 처리했어요" in text(done)
    assert "가짜 참여" in text(done)
    again = client.post(f"/admin/campaigns/{slug}/void", data=good)
    assert again.status_code == 422 and "이미 무효 처리됐어요" in text(again)
    assert _corrections(app) == 1
    with database(app).transaction() as session:
        assert reconcile(session) == []


def test_a_voided_action_is_off_the_public_page_and_marked_on_my_page(
    app: Flask, client: FlaskClient
) -> None:
    slug, action_id = _setup(app)
    AuthActions(client).login("admin@example.com")
    before = text(client.get(f"/c/{slug}"))
    assert 'class="activity-list"' in before
    void = {"what": "action", "target_id": str(action_id), "reason": "가짜 참여", "confirm": "y"}
    assert client.post(f"/admin/campaigns/{slug}/void", data=void).status_code == 302
    AuthActions(client).logout()
    after = text(client.get(f"/c/{slug}"))
    assert 'class="activity-list"' not in after  # its only action was the voided one
    AuthActions(client).login("doer@example.com")
    mine = text(client.get("/me"))
    assert "무효 처리됐어요: 더는 세지 않아요" in mine and "사유: 가짜 참여" in mine


def test_sponsor_forms_refuse_bad_input_and_page_the_list(app: Flask, client: FlaskClient) -> None:
    slug, _action_id = _setup(app)
    AuthActions(client).login("admin@example.com")
    empty = client.post("/admin/sponsors/new", data={"name": " "})
    assert empty.status_code == 422 and REQUIRED in text(empty)
    bad_logo = client.post(
        "/admin/sponsors/new", data={"name": "카카오페이", "logo_url": "javascript:1"}
    )
    assert bad_logo.status_code == 422 and "/static/ 아래 경로를 입력하거나" in text(bad_logo)
    # Another site's address would be saved and never shown (CSP img-src 'self').
    elsewhere = client.post(
        "/admin/sponsors/new", data={"name": "카카오페이", "logo_url": "https://cdn.example/kp.png"}
    )
    assert elsewhere.status_code == 422 and "로고를 올려 주세요" in text(elsewhere)
    bad_mail = client.post(
        "/admin/sponsors/new", data={"name": "카카오페이", "contact_email": "x@"}
    )
    assert bad_mail.status_code == 422
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Sponsor)) == 0

    made = client.post(
        "/admin/sponsors/new", data={"name": "카카오페이", "logo_url": "/static/kp.png"}
    )
    assert made.status_code == 302
    taken = client.post("/admin/sponsors/new", data={"name": "카카오페이"})
    assert taken.status_code == 422 and "같은 이름의 후원사가 이미 있어요" in text(taken)
    for n in range(21):
        client.post("/admin/sponsors/new", data={"name": f"후원사 {n:02d}"})
    first = text(client.get("/admin/sponsors"))
    assert "1쪽" in first and "2쪽" in first
    assert "후원사 20" in text(client.get("/admin/sponsors?page=2"))
    found = text(client.get("/admin/sponsors?q=카카오"))
    assert "카카오페이" in found and "후원사 01" not in found

    with database(app).transaction() as session:
        sponsor_id = session.scalar(select(Sponsor.id).where(Sponsor.name == "카카오페이"))
    wrong = client.post(f"/admin/campaigns/{slug}/sponsors", data={"purse": "999999", "match": ""})
    assert wrong.status_code == 302
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(CampaignSponsor)) == 0
    client.post(f"/admin/campaigns/{slug}/sponsors", data={"purse": str(sponsor_id), "match": ""})
    with database(app).transaction() as session:
        assert session.scalar(select(CampaignSponsor.sponsor_id)) == sponsor_id
    statement = client.get(f"/admin/campaigns/{slug}/sponsor-statement")
    assert statement.status_code == 200 and "카카오페이" in text(statement)
    assert 'src="/static/kp.png"' in text(statement)  # the typed path, while nothing is uploaded
    exported = client.get(f"/admin/campaigns/{slug}/sponsor-statement.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data().decode("utf-8-sig"))))
    assert ["purse_sponsor", "카카오페이"] in rows and ["action_won", "100"] in rows


def _closed_team_fight(app: Flask) -> tuple[str, list[int]]:
    now = utcnow()
    with database(app).transaction() as session:
        make_user(session, email="admin@example.com", role=Role.ADMIN)
        campaign = make_campaign(
            session,
            kind=CampaignKind.TEAM,
            draw_winners=2,
            actions=(action("vote", worth_won=10),),
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=5),
        )
        for n in range(4):
            person = make_user(session, email=f"voter{n}@example.com", name=f"투표자{n}번")
            join(session, person, campaign, "dog", now)
            record_action(session, person, campaign, "vote", None, None, now)
        lifecycle.close(session, campaign, actor=None, now=now)
        return campaign.slug, rerun_draw(session, campaign)


def test_a_winner_gives_contact_details_and_the_operator_exports_them(
    app: Flask, client: FlaskClient
) -> None:
    slug, winners = _closed_team_fight(app)
    with database(app).transaction() as session:
        winner = session.get(User, winners[0])
        assert winner is not None
        address = winner.email
    page = text(client.get(f"/c/{slug}"))
    assert "경품 당첨자" in page and "투***번" in page  # 투표자0번, masked
    assert "투표자" not in page.split("경품 당첨자", 1)[1].split("</section>", 1)[0]
    AuthActions(client).login(address)
    assert "당첨됐어요!" in text(client.get(f"/c/{slug}"))
    form = {"legal_name": "홍길동", "phone": "010-1234-5678", "address": "", "consent": "y"}
    unconsented = client.post(f"/c/{slug}/prize", data={**form, "consent": ""})
    assert unconsented.status_code == 422 and REQUIRED in text(unconsented)
    bad_phone = client.post(f"/c/{slug}/prize", data={**form, "phone": "전화 주세요"})
    assert bad_phone.status_code == 422 and "숫자, 공백" in text(bad_phone)
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(WinnerContact)) == 0
    assert client.post(f"/c/{slug}/prize", data=form).status_code == 302
    AuthActions(client).logout()

    AuthActions(client).login("admin@example.com")
    admin_page = text(client.get(f"/admin/campaigns/{slug}"))
    assert "같은 당첨자가 나와요" in admin_page
    exported = client.get(f"/admin/campaigns/{slug}/winners.csv")
    assert exported.headers["Cache-Control"] == "no-store"
    body = exported.get_data().decode("utf-8-sig")
    assert "홍길동" in body and "010-1234-5678" in body
    with database(app).transaction() as session:
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "winners.export"))


class _Leader:
    """A scheduler lock that is held: the job runs."""

    def held(self) -> bool:
        return True


def test_closing_and_cancelling_from_the_admin_page_mail_participants(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    client = mail_app.test_client()
    closing, _id = _setup(mail_app)
    AuthActions(client).login("admin@example.com")
    closed = client.post(
        f"/admin/campaigns/{closing}/close", data={"confirm": "yes"}, follow_redirects=True
    )
    assert "1분 안에" in text(closed)  # the flash promises the mail ...
    assert mailbox.to("doer@example.com") == []  # ... which the request itself never sends
    scheduler.mail_results(mail_app, _Leader())()  # the scheduler's job sends it, once
    scheduler.mail_results(mail_app, _Leader())()
    [result] = mailbox.to("doer@example.com")
    assert "결과" in result["Subject"] and f"/c/{closing}" in result.get_content()

    now = utcnow()
    with database(mail_app).transaction() as session:
        other = make_campaign(
            session, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=5)
        )
        person = make_user(session, email="joiner@example.com")
        join(session, person, other, None, now)
        other_slug = other.slug
    assert (
        client.post(
            f"/admin/campaigns/{other_slug}/cancel",
            data={"reason": "후원사 사정", "confirm": "y"},
        ).status_code
        == 302
    )
    [cancelled] = mailbox.to("joiner@example.com")
    assert "후원사 사정" in cancelled.get_content()


def test_the_void_command(app: Flask, runner: FlaskCliRunner) -> None:
    slug, action_id = _setup(app)
    refused = runner.invoke(
        args=[
            "void",
            slug,
            "action",
            str(action_id),
            "--reason",
            " ",
            "--admin",
            "admin@example.com",
        ]
    )
    assert refused.exit_code != 0 and "required" in refused.output
    not_admin = runner.invoke(
        args=[
            "void",
            slug,
            "action",
            str(action_id),
            "--reason",
            "x",
            "--admin",
            "doer@example.com",
        ]
    )
    assert not_admin.exit_code != 0
    assert _corrections(app) == 0
    done = runner.invoke(
        args=[
            "void",
            slug,
            "action",
            str(action_id),
            "--reason",
            "가짜",
            "--admin",
            "admin@example.com",
        ]
    )
    assert done.exit_code == 0 and "100 won back" in done.output
    assert _corrections(app) == 1
    assert runner.invoke(args=["reconcile"]).exit_code == 0


def test_after_close_the_admin_page_lists_the_correction_note_and_what_is_owed(
    app: Flask, client: FlaskClient
) -> None:
    slug, action_id = _setup(app)
    AuthActions(client).login("admin@example.com")
    client.post("/admin/sponsors/new", data={"name": "카카오페이"})
    with database(app).transaction() as session:
        sponsor_id = session.scalar(select(Sponsor.id))
    client.post(f"/admin/campaigns/{slug}/sponsors", data={"purse": str(sponsor_id), "match": ""})
    assert client.post(f"/admin/campaigns/{slug}/close", data={"confirm": "yes"}).status_code == 302
    good = {"what": "action", "target_id": str(action_id), "reason": "마감 후 확인", "confirm": "y"}
    assert client.post(f"/admin/campaigns/{slug}/void", data=good).status_code == 302
    page = text(client.get(f"/admin/campaigns/{slug}"))
    assert "정정 내역 (마감 후)" in page and "마감 후 확인" in page
    owed = page.split('id="owed"')[1].split("</section>")[0]
    assert "카카오페이" in owed and "100원" in owed  # as frozen at close
