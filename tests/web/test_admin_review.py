"""Admins review proposals through the site: the queue, approving (with edits), sending back,
rejecting, and correcting a scheduled campaign before it starts — with bad input each time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from campaign.db import database
from campaign.models import (
    AuditEntry,
    Campaign,
    CampaignStatus,
    Endorsement,
    Proposal,
    ProposalStatus,
    User,
)
from campaign.rules.calendar import end_bound, kst_day, start_of_day
from campaign.services import proposals
from tests.factories import make_fundraiser, make_proposal
from tests.web.helpers import AuthActions, text
from tests.web.posted_form import PostedForm
from tests.web.test_crew import ADMIN, AUTHOR, clock, world

DAY = timedelta(days=1)


@pytest.fixture
def ids(app: Flask) -> dict[str, int]:
    return world(app)


def submitted(app: Flask, ids: dict[str, int], **changes: object) -> int:
    with database(app).transaction() as session:
        author = session.get(User, ids["author"])
        return make_proposal(
            session, author, status=ProposalStatus.SUBMITTED, now=clock(), **changes
        ).id


def status_of(app: Flask, proposal_id: int) -> ProposalStatus:
    with database(app).transaction() as session:
        return session.get(Proposal, proposal_id).status


@pytest.fixture
def as_admin(client: FlaskClient, ids: dict[str, int]) -> FlaskClient:
    AuthActions(client).login(ADMIN)
    return client


def test_the_queue_is_oldest_first_with_endorsement_counts(
    app: Flask, as_admin: FlaskClient, ids: dict[str, int]
) -> None:
    with database(app).transaction() as session:
        author = session.get(User, ids["author"])
        colleague = session.get(User, ids["colleague"])
        late = make_proposal(
            session, author, status=ProposalStatus.SUBMITTED, title="늦은 제안", now=clock()
        )
        early = make_proposal(session, author, title="이른 제안", now=clock())
        proposals.submit(session, author, early.id, clock() - 3 * DAY)
        proposals.endorse(session, colleague, late.id, clock())
        make_proposal(session, author, title="비밀 초안", now=clock())
    page = text(as_admin.get("/admin/proposals"))
    assert page.index("이른 제안") < page.index("늦은 제안")
    assert "비밀 초안" not in page
    rows = re.findall(
        r"<tr><td>[^<]*</td>\s*<td><a [^>]*>([^<]+)</a></td>.*?<td class=\"num\">(\d+)</td>",
        page,
        re.S,
    )
    assert rows == [("이른 제안", "0"), ("늦은 제안", "1")]
    # The navigation shows how many wait.
    assert re.search(r'href="/admin/proposals"[^>]*>[^<]*<span class="badge">2</span>', page)


def test_approving_with_edits_creates_a_scheduled_campaign(
    app: Flask, as_admin: FlaskClient, ids: dict[str, int]
) -> None:
    proposal_id = submitted(app, ids)
    view = text(as_admin.get(f"/admin/proposals/{proposal_id}"))
    assert "연탄 나눔 응원" in view and f'href="/admin/proposals/{proposal_id}/approve"' in view
    page = text(as_admin.get(f"/admin/proposals/{proposal_id}/approve"))
    assert f'value="proposal-{proposal_id}"' in page
    form = PostedForm(page, f"/admin/proposals/{proposal_id}/approve").data
    assert form["title"] == "연탄 나눔 응원" and form["action_types-0-label"] == "응원하기"
    form.update(
        title="연탄 나눔 응원 챌린지", slug="yeontan", note="좋은 제안이에요", goal_won="12,000,000"
    )
    response = as_admin.post(f"/admin/proposals/{proposal_id}/approve", data=form)
    assert response.status_code == 302
    assert "승인했어요" in text(as_admin.get(response.headers["Location"]))
    with database(app).transaction() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == "yeontan"))
        assert campaign.status == CampaignStatus.SCHEDULED
        assert (campaign.title, campaign.goal_won) == ("연탄 나눔 응원 챌린지", 12_000_000)
        assert [(a.label, a.worth_won, a.daily_cap) for a in campaign.action_types] == [
            ("응원하기", 200, 3)
        ]
        proposal = session.get(Proposal, proposal_id)
        assert proposal.status == ProposalStatus.APPROVED and proposal.campaign_id == campaign.id
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"proposal.edit", "proposal.approve"} <= actions
    # Once decided there is nothing left to approve.
    assert as_admin.get(f"/admin/proposals/{proposal_id}/approve").status_code == 409
    AuthActions(as_admin).logout()
    AuthActions(as_admin).login(AUTHOR)
    mine = text(as_admin.get(f"/crew/proposals/{proposal_id}"))
    assert "좋은 제안이에요" in mine and "승인됐어요: 이 제안은" in mine


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "Not A Slug"}, "영문 소문자, 숫자, 하이픈으로"),
        ({"slug": ""}, "이 항목은 필수입니다"),
        ({"slug": "taken"}, "이미 쓰고 있는 주소"),
        ({"slug": "new"}, "사이트가 쓰는 주소예요"),
        ({"goal_won": ""}, "필수 항목이에요"),
        ({"goal_won": "lots"}, "정수를 입력하세요"),
        ({"starts_on": "2020-01-01", "ends_on": "2020-01-05"}, "시작일은 오늘 이후"),
        ({"beneficiaries-0-partner": "", "beneficiaries-0-share": ""}, "필수 항목이에요"),
        ({"beneficiaries-0-partner": ""}, "이 행을 마저 채우거나"),
        ({"action_types-0-label": ""}, "이 행을 마저 채우거나"),
        ({"note": "a\x00"}, "제어 문자"),
    ],
)
def test_an_approval_that_cannot_run_changes_nothing(
    app: Flask,
    as_admin: FlaskClient,
    ids: dict[str, int],
    changes: dict[str, str],
    message: str,
) -> None:
    with database(app).transaction() as session:
        make_fundraiser(session, slug="taken")
    proposal_id = submitted(app, ids)
    page = text(as_admin.get(f"/admin/proposals/{proposal_id}/approve"))
    form = PostedForm(page, f"/admin/proposals/{proposal_id}/approve").data
    form.update(changes)
    response = as_admin.post(f"/admin/proposals/{proposal_id}/approve", data=form)
    assert response.status_code == 200
    assert message in text(response), re.findall(r'class="error"[^>]*>([^<]*)', text(response))
    assert status_of(app, proposal_id) == ProposalStatus.SUBMITTED
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 1
        assert session.scalars(select(AuditEntry)).all() == []


def test_sending_back_needs_a_comment_and_the_author_resubmits(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    proposal_id = submitted(app, ids)
    AuthActions(client).login(ADMIN)
    empty = client.post(f"/admin/proposals/{proposal_id}/return", data={"return-reason": "  "})
    assert empty.status_code == 200 and "이 항목은 필수입니다" in text(empty)
    bad = client.post(f"/admin/proposals/{proposal_id}/return", data={"return-reason": "a\x00"})
    assert bad.status_code == 200 and "제어 문자" in text(bad)
    assert status_of(app, proposal_id) == ProposalStatus.SUBMITTED
    sent = client.post(
        f"/admin/proposals/{proposal_id}/return", data={"return-reason": "목표를 낮춰 주세요."}
    )
    assert sent.status_code == 302 and sent.headers["Location"] == "/admin/proposals"
    assert status_of(app, proposal_id) == ProposalStatus.RETURNED
    # A second decision on the same proposal is refused.
    again = client.post(f"/admin/proposals/{proposal_id}/reject", data={"reject-reason": "아니요"})
    assert again.status_code == 409

    AuthActions(client).logout()
    AuthActions(client).login(AUTHOR)
    page = text(client.get(f"/crew/proposals/{proposal_id}"))
    assert "목표를 낮춰 주세요." in page and "박관리" in page
    assert client.post(f"/crew/proposals/{proposal_id}/submit").status_code == 302
    assert status_of(app, proposal_id) == ProposalStatus.SUBMITTED


def test_rejecting_with_a_reason(app: Flask, as_admin: FlaskClient, ids: dict[str, int]) -> None:
    proposal_id = submitted(app, ids)
    empty = as_admin.post(f"/admin/proposals/{proposal_id}/reject", data={"reject-reason": ""})
    assert empty.status_code == 200 and status_of(app, proposal_id) == ProposalStatus.SUBMITTED
    long = as_admin.post(
        f"/admin/proposals/{proposal_id}/reject", data={"reject-reason": "가" * 2001}
    )
    assert long.status_code == 200 and "2000" in text(long)
    done = as_admin.post(
        f"/admin/proposals/{proposal_id}/reject", data={"reject-reason": "올해 예산이 없습니다."}
    )
    assert done.status_code == 302 and status_of(app, proposal_id) == ProposalStatus.REJECTED
    with database(app).transaction() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "proposal.reject"))
        assert entry.reason == "올해 예산이 없습니다." and entry.actor_label == ADMIN


def test_an_admin_does_not_decide_their_own_proposal(
    app: Flask, as_admin: FlaskClient, ids: dict[str, int]
) -> None:
    with database(app).transaction() as session:
        admin = session.get(User, ids["admin"])
        proposal_id = make_proposal(session, admin, status=ProposalStatus.SUBMITTED, now=clock()).id
    page = text(as_admin.get(f"/admin/proposals/{proposal_id}"))
    assert "다른 관리자가 결정해요" in page
    assert as_admin.get(f"/admin/proposals/{proposal_id}/approve").status_code == 403
    assert (
        as_admin.post(
            f"/admin/proposals/{proposal_id}/reject", data={"reject-reason": "x"}
        ).status_code
        == 403
    )


def test_endorsing_is_counted_on_the_admin_page(
    app: Flask, as_admin: FlaskClient, ids: dict[str, int]
) -> None:
    proposal_id = submitted(app, ids)
    assert as_admin.post(f"/crew/proposals/{proposal_id}/endorse").status_code == 302
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Endorsement)) == 1
    assert "추천 1명" in text(as_admin.get(f"/admin/proposals/{proposal_id}"))


# --- Correcting a scheduled campaign ---------------------------------------------------------


@pytest.fixture
def upcoming(app: Flask, ids: dict[str, int]) -> str:
    today = kst_day(clock())
    with database(app).transaction() as session:
        campaign = make_fundraiser(
            session,
            slug="upcoming",
            status=CampaignStatus.SCHEDULED,
            starts_at=start_of_day(today + 3 * DAY),
            ends_at=end_bound(today + 8 * DAY),
        )
        return campaign.slug


def test_an_admin_corrects_a_scheduled_campaign(
    app: Flask, as_admin: FlaskClient, upcoming: str
) -> None:
    queue = text(as_admin.get("/admin/proposals"))
    assert f'href="/admin/scheduled/{upcoming}/edit"' in queue
    page = text(as_admin.get(f"/admin/scheduled/{upcoming}/edit"))
    form = PostedForm(page, f"/admin/scheduled/{upcoming}/edit").data
    assert form["goal_won"] == "110000000" and form["match_percent"] == "100"
    form.update(goal_won="120,000,000", topup_won="200000000", reason="회사 추가 지원")
    response = as_admin.post(f"/admin/scheduled/{upcoming}/edit", data=form)
    assert response.status_code == 302
    assert "저장했어요" in text(as_admin.get(response.headers["Location"]))
    with database(app).transaction() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == upcoming))
        assert (campaign.goal_won, campaign.topup_won) == (120_000_000, 200_000_000)
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.edit"))
        assert entry.before == {"goal_won": 110_000_000, "topup_won": 100_000_000}
        assert entry.reason == "회사 추가 지원" and entry.actor_label == ADMIN


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "이 항목은 필수입니다"),
        ({"goal_won": ""}, "이 항목은 필수입니다"),
        ({"goal_won": "0"}, "사이의 숫자를 입력하세요"),
        ({"starts_on": "not a day"}, "YYYY-MM-DD"),
        ({"starts_on": "2020-01-01"}, "시작일은 오늘 이후"),
        ({"ends_on": "2020-01-01"}, "종료일은 시작일보다"),
        ({"purse_won": "-1"}, "정수를 입력하세요"),
        ({"match_percent": "1001"}, "사이의 숫자를 입력하세요"),
    ],
)
def test_bad_corrections_change_nothing(
    app: Flask, as_admin: FlaskClient, upcoming: str, changes: dict[str, str], message: str
) -> None:
    page = text(as_admin.get(f"/admin/scheduled/{upcoming}/edit"))
    form = PostedForm(page, f"/admin/scheduled/{upcoming}/edit").data
    form.update(changes)
    response = as_admin.post(f"/admin/scheduled/{upcoming}/edit", data=form)
    assert response.status_code == 200
    assert message in text(response), re.findall(r'class="error"[^>]*>([^<]*)', text(response))
    with database(app).transaction() as session:
        assert (
            session.scalar(select(Campaign.goal_won).where(Campaign.slug == upcoming))
            == 110_000_000
        )
        assert session.scalars(select(AuditEntry)).all() == []


def test_a_started_campaign_is_not_editable(
    app: Flask, as_admin: FlaskClient, ids: dict[str, int]
) -> None:
    with database(app).transaction() as session:
        make_fundraiser(session, slug="running", starts_at=clock() - DAY, ends_at=clock() + DAY)
    response = as_admin.get("/admin/scheduled/running/edit", follow_redirects=True)
    assert "이미 시작된 캠페인이라" in text(response)
    assert as_admin.post("/admin/scheduled/running/edit", data={"title": "x"}).status_code == 302
    assert as_admin.get("/admin/scheduled/nothing-here/edit").status_code == 404
    assert as_admin.get("/admin/scheduled/bad%00slug/edit").status_code == 404
