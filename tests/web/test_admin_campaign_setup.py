"""The admin's campaign set-up pages: create directly (kind first, then only its fields), edit
the text, raise the purse, start the next season. Bad input is a Korean error beside the
field and nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from campaign.db import database
from campaign.models import AuditEntry, Campaign, CampaignKind, CampaignStatus, Role
from campaign.models.types import utcnow
from campaign.rules.calendar import kst_day
from campaign.services import lifecycle
from campaign.services.actions import record_action
from campaign.services.participation import join
from tests.factories import make_campaign, make_partner, make_user
from tests.web.helpers import AuthActions, text


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> FlaskClient:
    with database(app).transaction() as session:
        make_user(session, email="admin@example.com", role=Role.ADMIN)
    assert AuthActions(client).login("admin@example.com").status_code == 302
    return client


def partners(app: Flask, count: int = 2) -> list[int]:
    with database(app).transaction() as session:
        return [make_partner(session).id for _ in range(count)]


def campaigns(app: Flask) -> int:
    with database(app).transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Campaign)) or 0)


def stored(app: Flask, slug: str) -> Campaign | None:
    with database(app).transaction() as session:
        return session.scalar(select(Campaign).where(Campaign.slug == slug))


def days(start: int = 3, end: int = 12) -> dict[str, str]:
    today = kst_day(utcnow())
    return {
        "starts_on": (today + timedelta(days=start)).isoformat(),
        "ends_on": (today + timedelta(days=end)).isoformat(),
    }


def team_form(dogs: int, cats: int, **changes: str) -> dict[str, str]:
    return {
        "kind": "team",
        "slug": "dangnyang-2",
        "title": "댕냥파이트 시즌 2",
        "summary": "댕댕이 vs 냥냥이",
        "cause": "유기동물을 도와요.",
        "goal_won": "10,000,000",
        **days(),
        "purse_won": "10,000,000",
        "action_types-0-label": "투표",
        "action_types-0-evidence": "none",
        "teams-0-name": "댕댕이",
        "teams-0-emoji": "🐶",
        "teams-1-name": "냥냥이",
        "teams-1-emoji": "🐱",
        "milestones-0-threshold": "50000",
        "milestones-0-amount_won": "5,000,000",
        "beneficiaries-0-partner": str(dogs),
        "beneficiaries-0-share": "1",
        "beneficiaries-0-team": "1",
        "beneficiaries-1-partner": str(cats),
        "beneficiaries-1-share": "1",
        "beneficiaries-1-team": "2",
        "draw_winners": "20",
        "counter_shards": "4",
        **changes,
    }


def test_the_kind_comes_first_and_the_form_shows_only_its_fields(admin: FlaskClient) -> None:
    chooser = text(admin.get("/admin/campaigns/new"))
    assert 'name="kind"' in chooser and 'value="fundraiser"' in chooser
    team = text(admin.get("/admin/campaigns/new?kind=team"))
    assert 'name="draw_winners"' in team and 'name="teams-0-name"' in team
    assert 'name="counter_shards"' in team
    assert 'name="match_percent"' not in team and 'name="unit_name_en"' not in team
    stamp = text(admin.get("/admin/campaigns/new?kind=stamp"))
    assert 'name="unit_name_en"' in stamp and 'name="stamps_per_unit"' in stamp
    assert 'name="draw_winners"' not in stamp and 'name="teams-0-name"' not in stamp
    fundraiser = text(admin.get("/admin/campaigns/new?kind=fundraiser"))
    assert 'name="match_percent"' in fundraiser and 'name="action_types-0-label"' not in fundraiser
    # An unknown kind is asked again, never a 500.
    assert 'value="stamp"' in text(admin.get("/admin/campaigns/new?kind=lottery"))
    # No inline script: the page works by plain round trips.
    assert "<script>" not in team and "onclick" not in team


def test_an_admin_creates_a_team_fight_with_a_draw_and_counter_rows(
    app: Flask, admin: FlaskClient
) -> None:
    dogs, cats = partners(app)
    response = admin.post("/admin/campaigns/new", data=team_form(dogs, cats))
    assert response.status_code == 302, text(response)
    assert response.headers["Location"].endswith("/admin/campaigns/dangnyang-2")
    created = stored(app, "dangnyang-2")
    assert created is not None and created.status == CampaignStatus.SCHEDULED
    assert (created.draw_winners, created.counter_shards) == (20, 4)
    assert [b.partner_id for b in created.beneficiaries] == [dogs, cats]
    assert [b.team_id for b in created.beneficiaries] == [t.id for t in created.teams]
    with database(app).transaction() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.create"))
        assert entry is not None and entry.campaign_id == created.id
    page = text(admin.get("/admin/campaigns/dangnyang-2"))
    assert "이긴 팀에서 20명 추첨" in page
    # Nobody has joined yet: the admin is told plainly that 20 cannot win so far.
    assert "지금 가장 큰 팀의 참여자가 0명이에요" in page


def test_a_stamp_challenge_takes_unit_names_in_both_languages(
    app: Flask, admin: FlaskClient
) -> None:
    [forest] = partners(app, 1)
    response = admin.post(
        "/admin/campaigns/new",
        data={
            "kind": "stamp",
            "slug": "green-next",
            "title": "전자문서 그린 챌린지",
            "cause": "나무를 심어요.",
            "goal_won": "40000000",
            **days(),
            "purse_won": "40000000",
            "action_types-0-label": "전자문서 신청",
            "action_types-0-worth_stamps": "3",
            "action_types-0-evidence": "required",
            "action_types-0-evidence_unique": "y",
            "unit_name": "그루",
            "unit_name_en": "tree",
            "stamps_per_unit": "40",
            "won_per_unit": "5000",
            "beneficiaries-0-partner": str(forest),
            # A team column or a draw sent for a kind that has none is ignored.
            "draw_winners": "5",
        },
    )
    assert response.status_code == 302, text(response)
    created = stored(app, "green-next")
    assert created is not None
    assert (created.unit_name, created.unit_name_en) == ("그루", "tree")
    assert (created.stamps_per_unit, created.won_per_unit, created.draw_winners) == (40, 5000, 0)


@pytest.mark.parametrize(
    ("changes", "korean"),
    [
        ({"counter_shards": "65"}, "1부터 64 사이의 숫자를 입력하세요."),
        ({"draw_winners": "스무 명"}, "정수를 입력하세요."),
        ({"slug": "Bad Slug!"}, None),
        ({"slug": "new"}, "사이트가 쓰는 주소예요. 다른 주소를 골라 주세요."),
        ({"starts_on": "2020-01-01"}, "시작일은 오늘 이후여야 해요."),
        ({"teams-1-name": "", "teams-1-emoji": "", "beneficiaries-1-team": ""}, None),
        ({"title": ""}, "이 항목은 필수입니다."),
    ],
)
def test_bad_input_is_a_korean_error_and_nothing_is_written(
    app: Flask, admin: FlaskClient, changes: dict[str, str], korean: str | None
) -> None:
    dogs, cats = partners(app)
    before = campaigns(app)
    response = admin.post("/admin/campaigns/new", data=team_form(dogs, cats, **changes))
    assert response.status_code == 422
    page = text(response)
    assert 'class="error"' in page
    assert korean is None or korean in page
    typed = changes.get("slug", "dangnyang-2")
    assert f'value="{typed}"' in page or typed in page  # what was typed is kept
    assert campaigns(app) == before


def test_a_taken_address_is_refused_beside_the_field(app: Flask, admin: FlaskClient) -> None:
    dogs, cats = partners(app)
    assert admin.post("/admin/campaigns/new", data=team_form(dogs, cats)).status_code == 302
    before = campaigns(app)
    response = admin.post("/admin/campaigns/new", data=team_form(dogs, cats))
    assert response.status_code == 422
    assert "다른 캠페인이 이미 쓰고 있는 주소예요." in text(response)
    assert campaigns(app) == before


# --- Running campaigns --------------------------------------------------------------------------


def running(app: Flask, **fields: object) -> str:
    now = utcnow()
    with database(app).transaction() as session:
        return make_campaign(
            session, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=5), **fields
        ).slug


def test_the_text_is_corrected_while_running(app: Flask, admin: FlaskClient) -> None:
    slug = running(app, story="오타 있는 이야기")
    form = text(admin.get(f"/admin/campaigns/{slug}/content"))
    assert "오타 있는 이야기" in form
    response = admin.post(
        f"/admin/campaigns/{slug}/content",
        data={"title": "고친 제목", "summary": "요약", "story": "고친 이야기", "reason": "오타"},
    )
    assert response.status_code == 302
    campaign = stored(app, slug)
    assert campaign is not None and (campaign.title, campaign.story) == ("고친 제목", "고친 이야기")
    assert "고친 이야기" in text(admin.get(f"/c/{slug}"))

    response = admin.post(
        f"/admin/campaigns/{slug}/content", data={"title": " ", "story": "지워질 뻔"}
    )
    assert response.status_code == 422 and "이 항목은 필수입니다." in text(response)
    campaign = stored(app, slug)
    assert campaign is not None and campaign.story == "고친 이야기"


def test_the_purse_is_raised_but_never_lowered(app: Flask, admin: FlaskClient) -> None:
    slug = running(app, purse_won=100_000)
    response = admin.post(
        f"/admin/campaigns/{slug}/purse", data={"purse_won": "50,000", "reason": "감액"}
    )
    assert response.status_code == 422
    assert "진행 중인 캠페인의 후원 한도는 지금보다 높게만 바꿀 수 있어요." in text(response)
    campaign = stored(app, slug)
    assert campaign is not None and campaign.purse_won == 100_000
    response = admin.post(f"/admin/campaigns/{slug}/purse", data={"purse_won": "200,000"})
    assert response.status_code == 422  # a reason is required
    response = admin.post(
        f"/admin/campaigns/{slug}/purse", data={"purse_won": "200,000", "reason": "증액 합의"}
    )
    assert response.status_code == 302
    campaign = stored(app, slug)
    assert campaign is not None and campaign.purse_won == 200_000


def test_the_next_season_links_both_pages(app: Flask, admin: FlaskClient) -> None:
    now = utcnow()
    with database(app).transaction() as session:
        first = make_campaign(
            session,
            kind=CampaignKind.TEAM,
            starts_at=now - timedelta(days=2),
            ends_at=now + timedelta(days=5),
            draw_winners=20,
            title="댕냥파이트 시즌 1",
        )
        people = [make_user(session) for _ in range(3)]
        for person in people:
            join(session, person, first, "dog", now)
            record_action(session, person, first, "cheer", None, None, now)
        lifecycle.close(session, first, actor=None, now=now)
        slug = first.slug
    page = text(admin.get(f"/admin/campaigns/{slug}"))
    # The draw asked for 20 and got 3: said plainly.
    assert "20명을 뽑기로 했지만 이긴 팀 참여자가 3명뿐이라 모두 당첨됐어요." in page

    before = campaigns(app)
    refused = admin.post(
        f"/admin/campaigns/{slug}/next-season", data={"slug": "season-2", **days(-2, 5)}
    )
    assert refused.status_code == 422 and "시작일은 오늘 이후여야 해요." in text(refused)
    assert campaigns(app) == before

    response = admin.post(
        f"/admin/campaigns/{slug}/next-season", data={"slug": "season-2", **days()}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/campaigns/season-2")
    season = stored(app, "season-2")
    assert season is not None and season.status == CampaignStatus.SCHEDULED
    assert season.draw_winners == 20 and season.title == "댕냥파이트 시즌 1"

    public = text(admin.get("/c/season-2"))
    assert f'href="/c/{slug}"' in public and "시즌 1" in public
    assert "지난 시즌 댕냥파이트 시즌 1에서는 300원을 모았어요" in public
    assert 'href="/c/season-2"' in text(admin.get(f"/c/{slug}"))
    again = admin.post(f"/admin/campaigns/{slug}/next-season", data={"slug": "season-2b", **days()})
    assert again.status_code == 422 and "이 캠페인에는 이미 다음 시즌이 있어요." in text(again)


# --- Long lists ---------------------------------------------------------------------------------


def test_the_campaign_list_is_paged_and_searchable(app: Flask, admin: FlaskClient) -> None:
    with database(app).transaction() as session:
        partner = make_partner(session)
        for n in range(55):
            make_campaign(session, partner=partner, slug=f"bulk-{n:02d}", title=f"묶음 {n:02d}")
        make_campaign(session, partner=partner, slug="needle", title="바늘 캠페인")
    first = text(admin.get("/admin/campaigns"))
    assert "2쪽 중 1쪽 (모두 56개)" in first and 'rel="next"' in first
    second = text(admin.get("/admin/campaigns?page=2"))
    assert "2쪽 중 2쪽" in second and 'rel="prev"' in second
    found = text(admin.get("/admin/campaigns?q=바늘"))
    assert 'href="/admin/campaigns/needle"' in found and "bulk-00" not in found
    assert 'href="/admin/campaigns/needle"' in text(admin.get("/admin/campaigns?q=NEEDLE"))
    assert admin.get("/admin/campaigns?page=abc&q=%25").status_code == 200


def test_the_people_and_review_lists_are_searchable(app: Flask, admin: FlaskClient) -> None:
    with database(app).transaction() as session:
        for n in range(52):
            make_user(session, email=f"bulk{n:02d}@example.com", name=f"대량{n:02d}")
    page = text(admin.get("/admin/users?q=대량"))
    assert "2쪽 중 1쪽 (모두 52개)" in page
    assert "bulk00@example.com" in text(admin.get("/admin/users?q=대량&page=2"))
    assert admin.get("/admin/proposals?q=없는제안&page=7").status_code == 200


def test_a_next_season_with_other_rules_starts_from_a_prefilled_form(
    app: Flask, admin: FlaskClient
) -> None:
    dogs, cats = partners(app)
    assert admin.post("/admin/campaigns/new", data=team_form(dogs, cats)).status_code == 302
    form = text(admin.get("/admin/campaigns/new?season_of=dangnyang-2"))
    assert 'name="season_of" value="dangnyang-2"' in form
    assert 'value="댕냥파이트 시즌 2"' in form and 'value="50000"' in form  # the rules, copied
    assert admin.get("/admin/campaigns/new?season_of=nowhere").status_code == 404
    changed = team_form(
        dogs,
        cats,
        slug="dangnyang-3",
        title="댕냥파이트 시즌 3",
        season_of="dangnyang-2",
        **{"milestones-0-threshold": "100000", "draw_winners": "30"},
    )
    del changed["kind"]  # the kind comes from the season before
    response = admin.post("/admin/campaigns/new", data=changed)
    assert response.status_code == 302, text(response)
    third, second = stored(app, "dangnyang-3"), stored(app, "dangnyang-2")
    assert third is not None and second is not None
    assert third.predecessor_id == second.id and third.draw_winners == 30
    assert [m.threshold for m in third.milestones] == [100_000]
    before = campaigns(app)
    again = admin.post("/admin/campaigns/new", data={**changed, "slug": "dangnyang-3b"})
    assert again.status_code == 422 and "이 캠페인에는 이미 다음 시즌이 있어요." in text(again)
    assert campaigns(app) == before
