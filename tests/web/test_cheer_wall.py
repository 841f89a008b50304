"""The cheer wall through the site: posting a message with a cheer, the wall (newest first,
masked, escaped, paged), reporting once, and admins hiding and restoring messages and crew
comments; every bad input is a Korean answer that writes nothing."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from campaign.db import database
from campaign.models import (
    Action,
    AuditEntry,
    Campaign,
    CheerMessage,
    ContentReport,
    Pledge,
    Proposal,
    ProposalComment,
    ProposalStatus,
    Role,
    User,
)
from campaign.rules.calendar import end_bound, kst_day
from campaign.rules.states import MessageRule
from campaign.services import counters, proposals
from campaign.services.cheers import WALL_PAGE, record_with_message
from campaign.services.participation import join
from tests.factories import action, make_campaign, make_partner, make_proposal, make_user
from tests.web.helpers import AuthActions, text
from tests.web.test_crew import proposal_form

DAY = timedelta(days=1)


def clock() -> datetime:
    return datetime.now(UTC)  # views read the real clock


def wall_campaign(app: Flask, **fields: object) -> str:
    now = clock()
    with database(app).transaction() as session:
        return make_campaign(
            session,
            actions=(
                action("cheer", label="응원 댓글", worth_won=100, message=MessageRule.REQUIRED),
                action("tap", label="응원하기", worth_won=10),
            ),
            starts_at=now - DAY,
            ends_at=end_bound(kst_day(now) + 10 * DAY),
            purse_won=1_000_000,
            **fields,
        ).slug


def log_in(app: Flask, client: FlaskClient, email: str, role: Role = Role.USER, name=None) -> int:
    with database(app).transaction() as session:
        user_id = make_user(session, email=email, role=role, name=name).id
    AuthActions(client).login(email)
    return user_id


def cheer(client: FlaskClient, slug: str, message: str, code: str = "cheer") -> TestResponse:
    return client.post(
        f"/c/{slug}/actions",
        data={"action": code, "message": message, "idempotency_key": uuid.uuid4().hex},
    )


def counts(app: Flask) -> tuple[int, int, int, int]:
    with database(app).transaction() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Action, Pledge, CheerMessage, ContentReport)
        )


def money(app: Flask, slug: str) -> counters.Totals:
    with database(app).transaction() as session:
        campaign_id = session.scalar(select(Campaign.id).where(Campaign.slug == slug))
        return counters.totals(session, campaign_id)


def test_a_cheer_message_goes_on_the_wall_escaped_and_masked(
    app: Flask, client: FlaskClient
) -> None:
    slug = wall_campaign(app)
    log_in(app, client, "writer@example.com", name="홍길동")
    client.post(f"/c/{slug}/join")
    page = text(client.get(f"/c/{slug}"))
    assert 'id="message-cheer"' in page and 'id="message-tap"' not in page
    assert "아직 메시지가 없어요." in page
    sent = cheer(client, slug, "<script>alert(1)</script> 힘내요")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("#cheer-wall")
    page = text(client.get(f"/c/{slug}"))
    assert "응원 메시지가 응원 벽에 올라갔어요." in page
    wall = page.split('id="cheer-wall"')[1].split("</section>")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 힘내요" in wall
    assert "<script>alert" not in page
    assert "홍*동" in wall and "홍길동" not in wall
    assert money(app, slug).sponsor_won == 100


def test_a_refused_message_answers_in_korean_and_writes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    slug = wall_campaign(app)
    log_in(app, client, "bad@example.com")
    client.post(f"/c/{slug}/join")
    before = counts(app)
    for message, korean in (
        ("", "필수 항목이에요."),
        ("   ", "필수 항목이에요."),
        ("가" * 201, "200자 이하로 입력하세요."),
        ("응원\x07", "제어 문자를 지워 주세요."),
    ):
        refused = cheer(client, slug, message)
        assert refused.status_code == 422
        assert korean in text(refused)
    refused = cheer(client, slug, "메시지", code="tap")
    assert refused.status_code == 422
    assert "이 참여에는 메시지를 남길 수 없어요." in text(refused)
    assert counts(app) == before


def test_the_typed_message_stays_in_the_form_after_a_refusal(
    app: Flask, client: FlaskClient
) -> None:
    slug = wall_campaign(app)
    log_in(app, client, "keep@example.com")
    client.post(f"/c/{slug}/join")
    refused = cheer(client, slug, "가" * 201)
    found = re.search(r'id="message-cheer"[^>]*value="([^"]*)"', text(refused))
    assert found and found.group(1) == "가" * 201


def test_the_wall_pages_newest_first(app: Flask, client: FlaskClient) -> None:
    slug = wall_campaign(app)
    with database(app).transaction() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
        writer = make_user(session)
        join(session, writer, campaign, None, clock())
        for n in range(WALL_PAGE + 2):
            record_with_message(
                session, writer, campaign, "cheer", None, f"메시지{n:02d}", None, clock()
            )
    page = text(client.get(f"/c/{slug}"))
    shown = re.findall(r'class="cheer-text">메시지(\d\d)<', page)
    assert shown == [f"{n:02d}" for n in range(WALL_PAGE + 1, 1, -1)]
    older = re.search(r'href="([^"]*before=\d+[^"]*)">이전 메시지', page)
    assert older
    rest = text(client.get(older.group(1).replace("&amp;", "&")))
    assert re.findall(r'class="cheer-text">메시지(\d\d)<', rest) == ["01", "00"]
    assert "최신 메시지" in rest and "이전 메시지" not in rest
    # A cursor that is not an id shows the newest page rather than an error.
    for junk in ("abc", "-1", "9" * 30):
        assert client.get(f"/c/{slug}?before={junk}").status_code == 200


def test_report_once_then_an_admin_hides_and_restores(app: Flask) -> None:
    slug = wall_campaign(app)
    writer, reader, admin = app.test_client(), app.test_client(), app.test_client()
    log_in(app, writer, "writer@example.com")
    writer.post(f"/c/{slug}/join")
    cheer(writer, slug, "나쁜 말")
    with database(app).transaction() as session:
        message_id = session.scalar(select(CheerMessage.id))
    report = f"/c/{slug}/cheers/{message_id}/report"
    assert f'action="{report}"' not in text(writer.get(f"/c/{slug}"))  # not on one's own
    own = writer.post(report, follow_redirects=True)
    assert "내가 쓴 글은 신고할 수 없어요." in text(own)

    log_in(app, reader, "reader@example.com")
    assert f'action="{report}"' in text(reader.get(f"/c/{slug}"))
    first = reader.post(report, follow_redirects=True)
    assert "관리자가 이 메시지를 살펴볼게요." in text(first)
    assert "내가 신고한 메시지예요." in text(first)
    again = reader.post(report, follow_redirects=True)
    assert "이미 신고한 메시지예요." in text(again)
    assert reader.post(f"/c/{slug}/cheers/999999/report").status_code == 404
    assert counts(app)[3] == 1

    log_in(app, admin, "admin@aesseuji.example", Role.ADMIN)
    queue = text(admin.get("/admin/moderation"))
    assert "나쁜 말" in queue and "처리 전 신고 1건" in queue
    paid = money(app, slug)
    no_reason = admin.post(f"/admin/moderation/cheer/{message_id}/hide", data={"reason": " "})
    assert "필수 항목이에요." in text(admin.get("/admin/moderation"))
    assert no_reason.status_code == 302
    hidden = admin.post(
        f"/admin/moderation/cheer/{message_id}/hide", data={"reason": "욕설"}, follow_redirects=True
    )
    assert "가렸어요." in text(hidden)
    wall = text(reader.get(f"/c/{slug}"))
    assert "관리자가 가린 메시지예요." in wall and "나쁜 말" not in wall
    assert money(app, slug) == paid  # the wall hides text, not money
    admin.post(f"/admin/moderation/cheer/{message_id}/restore")
    assert "나쁜 말" in text(reader.get(f"/c/{slug}"))
    assert money(app, slug) == paid
    with database(app).transaction() as session:
        audited = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert audited == ["cheer.hide", "cheer.restore"]
    assert "신고된 글이 없어요." in text(admin.get("/admin/moderation"))


def test_crew_comments_are_reported_and_hidden_the_same_way(app: Flask) -> None:
    crew, colleague, admin = app.test_client(), app.test_client(), app.test_client()
    author_id = log_in(app, crew, "author@aesseuji.example", Role.CREW)
    log_in(app, colleague, "colleague@aesseuji.example", Role.CREW)
    log_in(app, admin, "admin@aesseuji.example", Role.ADMIN)
    with database(app).transaction() as session:
        author = session.get(User, author_id)
        proposal = make_proposal(session, author, status=ProposalStatus.SUBMITTED)
        comment = proposals.add_comment(session, author, proposal.id, "문제의 댓글", clock())
        proposal_id, comment_id = proposal.id, comment.id
    page = f"/crew/proposals/{proposal_id}"
    report = f"{page}/comments/{comment_id}/report"
    assert f'action="{report}"' not in text(crew.get(page))
    reported = colleague.post(report, follow_redirects=True)
    assert "관리자가 이 댓글을 살펴볼게요." in text(reported)
    assert "이미 신고한 댓글이에요." in text(colleague.post(report, follow_redirects=True))
    assert colleague.post(f"{page}/comments/999999/report").status_code == 404
    assert "문제의 댓글" in text(admin.get("/admin/moderation"))
    admin.post(f"/admin/moderation/comment/{comment_id}/hide", data={"reason": "비방"})
    shown = text(colleague.get(page))
    assert "관리자가 가린 댓글이에요." in shown and "문제의 댓글" not in shown
    assert "관리자가 가린 댓글이에요." in text(admin.get(f"/admin/proposals/{proposal_id}"))
    with database(app).transaction() as session:
        assert session.get(ProposalComment, comment_id).hidden_reason == "비방"


def test_crew_propose_an_action_that_takes_a_message(app: Flask, client: FlaskClient) -> None:
    with database(app).transaction() as session:
        partner_id = make_partner(session, "사랑의열매").id
    log_in(app, client, "proposer@aesseuji.example", Role.CREW)
    form = text(client.get("/crew/proposals/new"))
    assert 'name="action_types-0-message"' in form and "응원 메시지 필수" in form
    sent = client.post(
        "/crew/proposals/new",
        data=proposal_form(partner_id, intent="save", **{"action_types-0-message": "required"}),
    )
    assert sent.status_code == 302
    with database(app).transaction() as session:
        proposal = session.scalar(select(Proposal))
        assert proposal.details["action_types"][0]["message"] == "required"
    page = text(client.get(sent.headers["Location"]))
    assert "응원 메시지 필수" in page
    # A choice the form does not offer is refused, and nothing is saved.
    refused = client.post(
        "/crew/proposals/new",
        data=proposal_form(partner_id, intent="save", **{"action_types-0-message": "maybe"}),
    )
    assert refused.status_code == 200 and "Not a valid choice" not in text(refused)
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Proposal)) == 1
