"""The crew area through the browser's eyes: drafting and sending proposals (and every kind of
bad input), endorsing, discussing, withdrawing; giving to a crew fundraiser; notifications."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from campaign.db import database
from campaign.models import (
    Endorsement,
    Notification,
    Pledge,
    Proposal,
    ProposalComment,
    ProposalStatus,
    Role,
    User,
)
from campaign.rules.calendar import end_bound, kst_day
from campaign.services import proposals
from campaign.services.reconcile import reconcile
from tests.factories import (
    PASSWORD,
    make_campaign,
    make_fundraiser,
    make_partner,
    make_proposal,
    make_user,
)
from tests.web.helpers import AuthActions, text
from tests.web.posted_form import PostedForm

DAY = timedelta(days=1)
AUTHOR = "author@aesseuji.example"
COLLEAGUE = "colleague@aesseuji.example"
ADMIN = "boss@aesseuji.example"
OUTSIDER = "someone@example.com"


def clock() -> datetime:
    # Views read the real clock, so dates are placed around it.
    return datetime.now(UTC)


def world(app: Flask) -> dict[str, int]:
    """The people of these tests and one partner charity; their ids."""
    with database(app).transaction() as session:
        ids = {
            "author": make_user(session, email=AUTHOR, role=Role.CREW, name="김크루").id,
            "colleague": make_user(session, email=COLLEAGUE, role=Role.CREW, name="이크루").id,
            "admin": make_user(session, email=ADMIN, role=Role.ADMIN, name="박관리").id,
            "outsider": make_user(session, email=OUTSIDER, name="홍길동").id,
        }
        ids["partner"] = make_partner(session, "사랑의열매").id
        return ids


def proposal_form(partner_id: int, **changes: str) -> dict[str, str]:
    """A complete cheer-giving proposal as the form posts it, starting next week."""
    today = kst_day(clock())
    form = {
        "title": "연탄 나눔 응원",
        "kind": "cheer",
        "summary": "응원 한 번에 200원",
        "cause": "난방이 어려운 이웃에게 연탄을 전합니다.",
        "goal_won": "10,000,000원",
        "starts_on": (today + 7 * DAY).isoformat(),
        "ends_on": (today + 20 * DAY).isoformat(),
        "beneficiaries-0-partner": str(partner_id),
        "beneficiaries-0-share": "1",
        "action_types-0-label": "응원하기",
        "action_types-0-worth_won": "200",
        "action_types-0-daily_cap": "3",
        "action_types-0-evidence": "none",
        "purse_won": "10000000",
        "match_percent": "0",
        "topup_won": "0",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def count(app: Flask, model: type) -> int:
    with database(app).transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def only_proposal(app: Flask) -> Proposal:
    with database(app).transaction() as session:
        return session.scalar(select(Proposal))


def flashes(response_text: str) -> list[str]:
    return [m.strip() for m in re.findall(r'class="flash[^"]*"[^>]*>([^<]+)', response_text)]


@pytest.fixture
def ids(app: Flask) -> dict[str, int]:
    return world(app)


@pytest.fixture
def as_author(client: FlaskClient, ids: dict[str, int]) -> FlaskClient:
    AuthActions(client).login(AUTHOR)
    return client


def test_a_crew_member_saves_a_draft_then_sends_it(
    app: Flask, as_author: FlaskClient, ids: dict[str, int]
) -> None:
    page = text(as_author.get("/crew/proposals/new"))
    assert "사랑의열매" in page and 'name="action_types-3-label"' in page
    response = as_author.post(
        "/crew/proposals/new", data=proposal_form(ids["partner"], intent="save", goal_won="")
    )
    assert response.status_code == 302
    proposal = only_proposal(app)
    assert response.headers["Location"] == f"/crew/proposals/{proposal.id}"
    assert proposal.status == ProposalStatus.DRAFT and proposal.goal_won is None
    assert proposal.details["action_types"][0] == {
        "code": "a1",
        "label": "응원하기",
        "worth_won": 200,
        "worth_stamps": 0,
        "daily_cap": 3,
        "total_cap": None,
        "evidence": "none",
        "evidence_unique": False,
        "message": "none",
    }
    view = text(as_author.get(response.headers["Location"]))
    assert "초안을 저장했어요." in view
    assert f'action="/crew/proposals/{proposal.id}/submit"' in view

    # Sending it incomplete: back to the form with the reason.
    refused = as_author.post(f"/crew/proposals/{proposal.id}/submit")
    assert refused.headers["Location"] == f"/crew/proposals/{proposal.id}/edit"
    assert only_proposal(app).status == ProposalStatus.DRAFT

    edit = text(as_author.get(f"/crew/proposals/{proposal.id}/edit"))
    assert 'value="연탄 나눔 응원"' in edit and 'value="200"' in edit
    sent = as_author.post(
        f"/crew/proposals/{proposal.id}/edit", data=proposal_form(ids["partner"], intent="submit")
    )
    assert sent.status_code == 302
    proposal = only_proposal(app)
    assert proposal.status == ProposalStatus.SUBMITTED and proposal.goal_won == 10_000_000
    # No longer editable by its author: the edit page says so with 409.
    assert as_author.get(f"/crew/proposals/{proposal.id}/edit").status_code == 409


def test_sending_an_incomplete_proposal_keeps_nothing(
    app: Flask, as_author: FlaskClient, ids: dict[str, int]
) -> None:
    response = as_author.post(
        "/crew/proposals/new", data=proposal_form(ids["partner"], intent="submit", cause="")
    )
    assert response.status_code == 200
    assert "필수 항목이에요." in text(response)
    assert 'value="연탄 나눔 응원"' in text(response)  # what was typed stays
    assert count(app, Proposal) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required|필수"),
        ({"title": "가" * 121}, "120"),
        ({"title": "bad\x01title"}, "제어 문자"),
        ({"kind": "lottery"}, "올바르지 않은 선택값"),
        ({"goal_won": "ten million"}, "정수를 입력하세요"),
        ({"goal_won": "-5"}, "정수를 입력하세요"),
        ({"goal_won": "9" * 40}, "정수를 입력하세요"),
        ({"starts_on": "2026-13-45"}, "YYYY-MM-DD"),
        ({"starts_on": "9999-12-31", "ends_on": "9999-12-31"}, "2000"),
        ({"ends_on": "2020-01-01"}, "종료"),
        ({"beneficiaries-0-partner": "999999"}, "목록에서"),
        ({"beneficiaries-0-partner": "x\x00"}, "목록에서"),
        ({"beneficiaries-1-share": "3"}, "이 행을"),
        ({"beneficiaries-0-team": "2"}, "팀"),
        ({"action_types-1-worth_won": "100"}, "이 행을"),
        ({"action_types-0-worth_won": "1.5"}, "정수를 입력하세요"),
        ({"action_types-0-evidence": "maybe"}, "올바르지 않은 선택값"),
        ({"teams-0-emoji": "🐶"}, "이 행을"),
        ({"milestones-0-amount_won": "1000"}, "이 행을"),
        ({"match_percent": "5000"}, "1000"),
        ({"summary": "가" * 301}, "300"),
    ],
)
def test_bad_input_re_renders_the_form_and_saves_nothing(
    app: Flask, as_author: FlaskClient, ids: dict[str, int], changes: dict[str, str], message: str
) -> None:
    response = as_author.post(
        "/crew/proposals/new", data=proposal_form(ids["partner"], intent="save", **changes)
    )
    assert response.status_code == 200
    page = text(response)
    assert re.search(message, page), page[-3000:]
    assert count(app, Proposal) == 0


def test_a_team_fight_with_per_team_partners(
    app: Flask, as_author: FlaskClient, ids: dict[str, int]
) -> None:
    with database(app).transaction() as session:
        cats = make_partner(session, "한국고양이보호협회").id
    form = proposal_form(
        ids["partner"],
        intent="submit",
        kind="team",
        **{
            # A browser sends every row, the empty ones too.
            "teams-0-name": "",
            "teams-1-name": "댕댕이",
            "teams-2-name": "",
            "teams-1-emoji": "🐶",
            "teams-3-name": "냥냥이",
            "beneficiaries-0-team": "2",
            "beneficiaries-1-partner": str(cats),
            "beneficiaries-1-team": "4",
            "milestones-0-threshold": "50,000",
            "milestones-0-amount_won": "10,000,000",
        },
    )
    assert as_author.post("/crew/proposals/new", data=form).status_code == 302
    details = only_proposal(app).details
    assert [t["code"] for t in details["teams"]] == ["t1", "t2"]
    assert [(b["partner_id"], b["team"]) for b in details["beneficiaries"]] == [
        (ids["partner"], "t1"),
        (cats, "t2"),
    ]
    assert details["milestones"] == [{"threshold": 50_000, "amount_won": 10_000_000, "label": ""}]


def test_colleagues_endorse_once_and_discuss(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    with database(app).transaction() as session:
        author = session.get(User, ids["author"])
        proposal_id = make_proposal(
            session, author, status=ProposalStatus.SUBMITTED, now=clock()
        ).id
    AuthActions(client).login(COLLEAGUE)
    page = text(client.get(f"/crew/proposals/{proposal_id}"))
    assert "김크루" in page and f'action="/crew/proposals/{proposal_id}/endorse"' in page
    assert client.post(f"/crew/proposals/{proposal_id}/endorse").status_code == 302
    again = client.post(f"/crew/proposals/{proposal_id}/endorse")
    assert again.status_code == 409 and "이미 추천" in text(again)
    assert count(app, Endorsement) == 1

    empty = client.post(f"/crew/proposals/{proposal_id}/comments", data={"body": "   "})
    assert empty.status_code == 200 and "이 항목은 필수입니다." in text(empty)
    long = client.post(f"/crew/proposals/{proposal_id}/comments", data={"body": "가" * 2001})
    assert long.status_code == 200 and "2000" in text(long)
    assert count(app, ProposalComment) == 0
    posted = client.post(
        f"/crew/proposals/{proposal_id}/comments", data={"body": "좋아요!\n같이 해요"}
    )
    assert posted.status_code == 302
    page = text(client.get(f"/crew/proposals/{proposal_id}"))
    assert "좋아요!" in page and "같이 해요" in page and "이크루" in page
    # A colleague cannot withdraw someone else's proposal.
    assert client.post(f"/crew/proposals/{proposal_id}/withdraw").status_code == 403

    AuthActions(client).logout()
    AuthActions(client).login(AUTHOR)
    # The author cannot endorse their own proposal, but may withdraw it.
    assert client.post(f"/crew/proposals/{proposal_id}/endorse").status_code == 403
    assert client.post(f"/crew/proposals/{proposal_id}/withdraw").status_code == 302
    with database(app).transaction() as session:
        assert session.get(Proposal, proposal_id).status == ProposalStatus.WITHDRAWN
    assert client.post(f"/crew/proposals/{proposal_id}/withdraw").status_code == 409


def test_the_crew_page_lists_mine_waiting_and_live(
    app: Flask, as_author: FlaskClient, ids: dict[str, int]
) -> None:
    with database(app).transaction() as session:
        author = session.get(User, ids["author"])
        colleague = session.get(User, ids["colleague"])
        admin = session.get(User, ids["admin"])
        make_proposal(session, author, title="내 초안", now=clock())
        make_proposal(
            session, colleague, status=ProposalStatus.SUBMITTED, title="동료 제안", now=clock()
        )
        make_proposal(
            session,
            colleague,
            status=ProposalStatus.APPROVED,
            title="승인된 제안",
            reviewer=admin,
            now=clock(),
        )
        make_fundraiser(
            session, slug="flood", title="크루 모금", starts_at=clock() - DAY, ends_at=clock() + DAY
        )
    page = text(as_author.get("/crew/"))
    for title in ("내 초안", "동료 제안", "승인된 제안", "크루 모금"):
        assert title in page
    assert 'href="/c/flood/gifts"' in page


# --- Giving to a crew fundraiser ------------------------------------------------------------


@pytest.fixture
def fundraiser(app: Flask, ids: dict[str, int]) -> str:
    with database(app).transaction() as session:
        campaign = make_fundraiser(
            session,
            slug="flood",
            purse_won=150_000,
            starts_at=clock() - DAY,
            ends_at=end_bound(kst_day(clock()) + 3 * DAY),
        )
        return campaign.slug


def ledger(app: Flask) -> list[tuple[str, int]]:
    with database(app).transaction() as session:
        return [
            (p.source.value, p.amount_won)
            for p in session.scalars(select(Pledge).order_by(Pledge.id))
        ]


def gift(**fields: Any) -> dict[str, str]:
    """A gift form as sent; a quick pick as sent from its confirmation page unless told."""
    sent = {"idempotency_key": fields.pop("key", "k-1"), "confirmed": "1"}
    return {**sent, **{k: str(v) for k, v in fields.items()}}


def test_giving_with_a_quick_pick_and_a_typed_amount(
    app: Flask, as_author: FlaskClient, fundraiser: str
) -> None:
    page = text(as_author.get(f"/c/{fundraiser}/gifts"))
    for pick in ("10,000원", "30,000원", "50,000원"):
        assert pick in page
    assert "기부액의 100%를 1인당 최대 100,000원까지" in page
    # A quick pick is one tap of real money: it asks once more and gives nothing yet.
    asked = as_author.post(
        f"/c/{fundraiser}/gifts", data=gift(quick=30000, message="힘내세요", confirmed="")
    )
    assert asked.status_code == 200
    assert "30,000원을 기부할까요?" in text(asked)
    assert 'name="confirmed" value="1"' in text(asked) and 'value="힘내세요"' in text(asked)
    assert ledger(app) == []
    response = as_author.post(f"/c/{fundraiser}/gifts", data=gift(quick=30000, message="힘내세요"))
    assert response.status_code == 302 and response.headers["Location"] == f"/c/{fundraiser}/gifts"
    page = text(as_author.get(response.headers["Location"]))
    assert "30,000원" in page and "힘내세요" in page and "김크루" in page
    # The same form sent twice (double click): one gift.
    as_author.post(f"/c/{fundraiser}/gifts", data=gift(quick=30000, message="힘내세요"))
    assert ledger(app) == [("crew", 30_000), ("match", 30_000)]
    as_author.post(
        f"/c/{fundraiser}/gifts",
        data=gift(key="k-2", amount="80,000원", anonymous="y", next=f"/c/{fundraiser}"),
    )
    assert ledger(app)[-2:] == [("crew", 80_000), ("match", 70_000)]  # per-person cap: 100,000
    page = text(as_author.get(f"/c/{fundraiser}/gifts"))
    assert "익명" in page
    with database(app).transaction() as session:
        assert reconcile(session) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "금액을 고르거나"),
        ({"amount": "abc"}, "정수를 입력하세요"),
        ({"amount": "999"}, "^1,000원부터 1,000만원까지 입력해 주세요.$"),
        ({"amount": "10,000,001"}, "^1,000원부터 1,000만원까지 입력해 주세요.$"),
        ({"amount": "5000", "message": "가" * 201}, "200"),
        ({"amount": "5000", "message": "a\x00b"}, "제어 문자"),
        ({"amount": "5000", "key": "has spaces"}, "ASCII"),
    ],
)
def test_bad_gifts_are_refused_with_a_message(
    app: Flask,
    as_author: FlaskClient,
    fundraiser: str,
    fields: dict[str, str],
    message: str,
) -> None:
    response = as_author.post(f"/c/{fundraiser}/gifts", data=gift(**fields))
    assert response.status_code == 302
    page = text(as_author.get(response.headers["Location"]))
    assert any(re.search(message, line) for line in flashes(page)), flashes(page)
    assert ledger(app) == []


def test_cancelling_a_gift(app: Flask, client: FlaskClient, fundraiser: str) -> None:
    AuthActions(client).login(AUTHOR)
    client.post(f"/c/{fundraiser}/gifts", data=gift(quick=50000))
    with database(app).transaction() as session:
        gift_id = session.scalar(select(Pledge.id).where(Pledge.source == "crew"))
    AuthActions(client).logout()
    AuthActions(client).login(COLLEAGUE)
    assert client.post(f"/c/{fundraiser}/gifts/{gift_id}/cancel").status_code == 404
    AuthActions(client).logout()
    AuthActions(client).login(AUTHOR)
    page = text(client.get(f"/c/{fundraiser}/gifts"))
    assert f'action="/c/{fundraiser}/gifts/{gift_id}/cancel"' in page
    response = client.post(f"/c/{fundraiser}/gifts/{gift_id}/cancel")
    assert response.status_code == 302
    assert ledger(app) == [
        ("crew", 50_000),
        ("match", 50_000),
        ("crew", -50_000),
        ("match", -50_000),
    ]
    again = client.post(f"/c/{fundraiser}/gifts/{gift_id}/cancel", follow_redirects=True)
    assert len(ledger(app)) == 4 and "이미 취소된 기부예요." in text(again)
    assert client.post(f"/c/{fundraiser}/gifts/{gift_id + 99}/cancel").status_code == 404


def test_gifts_after_the_end_are_refused(
    app: Flask, as_author: FlaskClient, ids: dict[str, int]
) -> None:
    with database(app).transaction() as session:
        make_fundraiser(session, slug="over", starts_at=clock() - 5 * DAY, ends_at=clock() - DAY)
    response = as_author.post("/c/over/gifts", data=gift(quick=10000), follow_redirects=True)
    assert "종료된 챌린지예요" in text(response)
    assert ledger(app) == []


def test_a_cheer_challenge_has_no_gifts(
    app: Flask, as_author: FlaskClient, ids: dict[str, int]
) -> None:
    with database(app).transaction() as session:
        make_campaign(session, slug="cheer", starts_at=clock() - DAY, ends_at=clock() + DAY)
    assert as_author.get("/c/cheer/gifts").status_code == 404
    assert as_author.post("/c/cheer/gifts", data=gift(quick=10000)).status_code == 404
    assert as_author.get("/c/no%00such/gifts").status_code == 404


# --- Notifications ---------------------------------------------------------------------------


def test_notifications_list_badge_and_reading(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    with database(app).transaction() as session:
        author = session.get(User, ids["author"])
        admin = session.get(User, ids["admin"])
        proposal = make_proposal(session, author, status=ProposalStatus.SUBMITTED, now=clock())
        proposals.send_back(session, admin, proposal.id, "목표를 낮춰 주세요.", clock())
        proposals.submit(session, author, proposal.id, clock())
        proposals.reject(session, admin, proposal.id, "예산이 없습니다.", clock())
        proposal_id = proposal.id
    AuthActions(client).login(AUTHOR)
    home = text(client.get("/"))
    assert re.search(r'href="/notifications"[^>]*>[^<]*<span class="badge">2</span>', home)
    page = text(client.get("/notifications"))
    assert "목표를 낮춰 주세요." in page and "예산이 없습니다." in page
    with database(app).transaction() as session:
        first = session.scalar(select(Notification.id).order_by(Notification.id))
    opened = client.post(f"/notifications/{first}/open")
    assert opened.headers["Location"] == f"/crew/proposals/{proposal_id}"
    assert '<span class="badge">1</span>' in text(client.get("/"))
    assert client.post("/notifications/read").status_code == 302
    assert 'class="badge"' not in text(client.get("/crew/"))
    # Someone else's notification cannot be opened.
    AuthActions(client).logout()
    AuthActions(client).login(COLLEAGUE)
    assert client.post(f"/notifications/{first}/open").status_code == 404
    assert client.post("/notifications/99999999999999999999/open").status_code == 404


def test_the_forms_carry_their_csrf_tokens(make_app: Callable[..., Flask]) -> None:
    """With CSRF on (as in production) every form here posts; without its token it does not."""
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    ids = world(app)
    with database(app).transaction() as session:
        author = session.get(User, ids["author"])
        proposal_id = make_proposal(
            session, author, status=ProposalStatus.SUBMITTED, now=clock()
        ).id
        make_fundraiser(session, slug="flood", starts_at=clock() - DAY, ends_at=clock() + DAY)
    login_page = text(client.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post("/login", data={"email": COLLEAGUE, "password": PASSWORD, "csrf_token": token})

    page = text(client.get("/c/flood/gifts"))
    form = PostedForm(page, "/c/flood/gifts").data
    assert form["csrf_token"] and form["idempotency_key"]
    assert (
        client.post("/c/flood/gifts", data={**form, "quick": "10000", "confirmed": "1"}).status_code
        == 302
    )
    assert ledger(app) == [("crew", 10_000), ("match", 10_000)]
    no_token = {key: value for key, value in form.items() if key != "csrf_token"}
    assert client.post("/c/flood/gifts", data={**no_token, "quick": "10000"}).status_code == 400

    page = text(client.get(f"/crew/proposals/{proposal_id}"))
    endorse = PostedForm(page, f"/crew/proposals/{proposal_id}/endorse").data
    assert client.post(f"/crew/proposals/{proposal_id}/endorse").status_code == 400
    assert client.post(f"/crew/proposals/{proposal_id}/endorse", data=endorse).status_code == 302
    comment = PostedForm(page, f"/crew/proposals/{proposal_id}/comments").data
    posted = client.post(
        f"/crew/proposals/{proposal_id}/comments", data={**comment, "body": "좋아요"}
    )
    assert posted.status_code == 302
    new = text(client.get("/crew/proposals/new"))
    draft = PostedForm(new, "/crew/proposals/new").data
    draft.update(proposal_form(ids["partner"], intent="save"))
    assert client.post("/crew/proposals/new", data=draft).status_code == 302
