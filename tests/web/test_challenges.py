"""The challenge pages: cards on the home page, one challenge's page in both languages, joining,
taking part through the forms (a double submit counts once), every refusal, closed campaigns
and "My page"."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from campaign.db import database
from campaign.errors import ConcurrentReplay
from campaign.models import (
    Action,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Evidence,
    Participant,
    Pledge,
    Role,
)
from campaign.rules.calendar import end_bound, kst_day
from campaign.rules.campaign_spec import BeneficiarySpec, MilestoneSpec
from campaign.services import counters
from campaign.services.actions import record_action
from campaign.services.participation import join
from tests.factories import PASSWORD, action, make_campaign, make_partner, make_user
from tests.web.helpers import AuthActions, text

DAY = timedelta(days=1)
STAMP_ACTIONS = (
    action(
        "report-paper",
        label="종이 우편물 신고",
        worth_stamps=1,
        daily_cap=10,
        evidence=Evidence.REQUIRED,
        evidence_unique=True,
    ),
    action("apply-edoc", label="전자문서 신청", worth_stamps=3, daily_cap=10),
)


def clock() -> datetime:
    # Views read the real clock, so campaigns are placed around it.
    return datetime.now(UTC)


def live(**fields: object) -> dict[str, object]:
    now = clock()
    # The last day is ten KST days from today, whatever the time of day.
    return {"starts_at": now - DAY, "ends_at": end_bound(kst_day(now) + 10 * DAY), **fields}


def stamp_campaign(**fields: object) -> dict[str, object]:
    return live(
        **{
            "kind": CampaignKind.STAMP,
            "actions": STAMP_ACTIONS,
            "stamps_per_unit": 40,
            "won_per_unit": 5_000,
            "unit_name": "그루",
            "unit_name_en": "tree",
            "purse_won": 40_000_000,
            "goal_won": 40_000_000,
            **fields,
        }
    )


def team_campaign(**fields: object) -> dict[str, object]:
    return live(
        **{
            "kind": CampaignKind.TEAM,
            "actions": (action("vote", label="투표"),),
            "milestones": (MilestoneSpec(50_000, 10_000_000), MilestoneSpec(1_000_000, 20_000_000)),
            "purse_won": 60_000_000,
            "goal_won": 60_000_000,
            **fields,
        }
    )


def cheer_campaign(**fields: object) -> dict[str, object]:
    return live(
        **{
            "kind": CampaignKind.CHEER,
            "actions": (action("cheer", label="응원하기", worth_won=100, daily_cap=3),),
            "purse_won": 200_000_000,
            "goal_won": 200_000_000,
            **fields,
        }
    )


def create(app: Flask, **fields: object) -> str:
    with database(app).transaction() as session:
        return make_campaign(session, **fields).slug


def person(app: Flask, email: str, role: Role = Role.USER, name: str | None = None) -> int:
    with database(app).transaction() as session:
        return make_user(session, email=email, role=role, name=name).id


def log_in(app: Flask, client: FlaskClient, email: str, role: Role = Role.USER) -> int:
    user_id = person(app, email, role)
    AuthActions(client).login(email)
    return user_id


def form_key(page: str, code: str) -> str:
    pattern = rf'id="key-{re.escape(code)}" name="idempotency_key" [^>]*value="([^"]+)"'
    found = re.search(pattern, page)
    assert found, f"no form for {code}"
    return found.group(1)


def act(
    client: FlaskClient, slug: str, code: str, evidence: str = "", key: str | None = None
) -> TestResponse:
    # Without a key: as if from a freshly rendered form (test_each_page_render_gives_a_new_key).
    key = key or uuid.uuid4().hex
    return client.post(
        f"/c/{slug}/actions", data={"action": code, "evidence": evidence, "idempotency_key": key}
    )


def totals(app: Flask, slug: str) -> counters.Totals:
    with database(app).transaction() as session:
        campaign_id = session.scalar(select(Campaign.id).where(Campaign.slug == slug))
        return counters.totals(session, campaign_id)


def english(client: FlaskClient) -> None:
    client.get("/lang/en")


# --- home ---------------------------------------------------------------------------------


def test_home_shows_live_challenges_as_cards(app: Flask, client: FlaskClient) -> None:
    slug = create(app, title="응원 챌린지", summary="하루 세 번 응원해요", **cheer_campaign())
    with database(app).transaction() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
        for _ in range(3):
            user = make_user(session)
            join(session, user, campaign, None, clock())
            record_action(session, user, campaign, "cheer", None, None, clock())
    create(app, title="곧 시작", **cheer_campaign(starts_at=clock() + 2 * DAY))
    create(app, title="끝난 챌린지", status=CampaignStatus.CLOSED, **cheer_campaign())
    page = text(client.get("/"))
    card = page.split("응원 챌린지")[1].split("</article>")[0]
    assert "하루 세 번 응원해요" in card
    assert "300원" in card and "2억원" in card  # raised / goal
    assert 'data-field="participants" data-format="number">3<' in card
    assert "응원 기부" in page.split("응원 챌린지")[0].rsplit("<article", 1)[1]  # kind badge
    assert "10일 남음" in page.split("응원 챌린지")[0].rsplit("<article", 1)[1]
    assert "시작 전" in page.split("곧 시작")[0].rsplit("<article", 1)[1]
    finished = page.split("끝난 챌린지</h2>")[1]
    assert "끝난 챌린지</a>" in finished and "종료" in finished
    assert f'data-progress-url="/api/v1/campaigns/{slug}/progress"' in page
    assert "progress.js" in page


def test_internal_campaigns_are_cards_only_for_crew(app: Flask, client: FlaskClient) -> None:
    create(app, title="크루 모금 챌린지", internal=True, **cheer_campaign())
    assert "크루 모금 챌린지" not in text(client.get("/"))
    log_in(app, client, "user@example.com")
    assert "크루 모금 챌린지" not in text(client.get("/"))
    AuthActions(client).logout()
    log_in(app, client, "crew@aesseuji.example", Role.CREW)
    page = text(client.get("/"))
    assert "크루 모금 챌린지" in page and "크루 전용" in page


def test_home_in_english(app: Flask, client: FlaskClient) -> None:
    create(app, title="Cheer", **cheer_campaign())
    english(client)
    page = text(client.get("/"))
    assert "Cheer giving" in page and "10 days left" in page and "₩200 million" in page


# --- the challenge page ---------------------------------------------------------------------


def test_stamp_page_explains_the_rules_in_korean_and_english(
    app: Flask, client: FlaskClient
) -> None:
    slug = create(app, title="그린 챌린지", story="첫 문단\n\n둘째 문단", **stamp_campaign())
    page = text(client.get(f"/c/{slug}"))
    assert "<p>첫 문단</p>" in page and "<p>둘째 문단</p>" in page
    assert (
        "종이 우편물 신고 = 도장 1개, 하루 10회까지, 확인 번호 필요, 같은 번호는 한 번만 인정"
        in page
    )
    assert "전자문서 신청 = 도장 3개, 하루 10회까지" in page
    assert "도장 40개 = 1그루 = 5,000원" in page
    assert "후원 한도 4,000만원" in page
    # A stamp adds 0원 until a tree is complete: the page says what it adds and when ₩ follow,
    # not an average "about +125원".
    assert '+도장 1개 <span class="hint">(도장 40개마다 5,000원)</span>' in page
    assert "다음 그루까지 도장 40개" in page
    assert "약 +" not in page
    assert "로그인하고 챌린지에 참여하세요." in page
    english(client)
    page = text(client.get(f"/c/{slug}"))
    assert "종이 우편물 신고 = 1 stamp, up to 10 a day, needs a reference number" in page
    assert "40 stamps = 1 tree = ₩5,000" in page
    assert "Sponsor&#39;s limit: ₩40 million" in page


def test_cheer_page_rules_and_beneficiaries(app: Flask, client: FlaskClient) -> None:
    with database(app).transaction() as session:
        chest = make_partner(session, "사랑의열매")
        forest = make_partner(session, "평화의숲")
        slug = make_campaign(
            session,
            beneficiaries=(BeneficiarySpec(chest.id, 2), BeneficiarySpec(forest.id, 1)),
            **cheer_campaign(),
        ).slug
    page = text(client.get(f"/c/{slug}"))
    assert "응원하기 1회 = 100원, 하루 3회까지" in page
    assert "후원 한도 2억원" in page
    assert "사랑의열매</strong> · 전체의 66.7%" in page
    assert "평화의숲</strong> · 전체의 33.3%" in page
    english(client)
    assert "응원하기 once = ₩100, up to 3 a day" in text(client.get(f"/c/{slug}"))


def test_team_page_shows_the_team_fight(app: Flask, client: FlaskClient) -> None:
    with database(app).transaction() as session:
        dogs = make_partner(session, "용인시동물보호협회")
        cats = make_partner(session, "한국고양이보호협회")
        campaign = make_campaign(
            session,
            beneficiaries=(BeneficiarySpec(dogs.id, 1, "dog"), BeneficiarySpec(cats.id, 1, "cat")),
            **team_campaign(),
        )
        for team, votes in (("dog", 3), ("cat", 1)):
            user = make_user(session)
            join(session, user, campaign, team, clock())
            for _ in range(votes):
                record_action(session, user, campaign, "vote", None, None, clock())
        slug = campaign.slug
    page = text(client.get(f"/c/{slug}"))
    bar = page.split('class="team-bar"')[1].split("</div>")[0]
    assert 'team-0 bar-75" data-bar="teams.dog.percent">🐶' in bar
    assert 'team-1 bar-25" data-bar="teams.cat.percent">🐱' in bar
    assert 'data-field="teams.dog.actions" data-format="number">3</span>표' in page
    assert "투표 50,000회 달성 시 1,000만원" in page
    assert "투표 1,000,000회 달성 시 2,000만원" in page
    assert "다음 목표까지 49,996회 남았어요" in page
    assert "용인시동물보호협회</strong> · 전체의 50% · 🐶 댕댕이 팀 몫" in page
    assert "팀은 한 번만 고를 수 있어요: 🐶 댕댕이 · 🐱 냥냥이" in page
    activity = page.split("최근 활동")[1]
    assert activity.count("🐶") == 3 and activity.count("🐱") == 1
    assert re.search(r"사용자\d+", activity) is None  # names are masked
    english(client)
    page = text(client.get(f"/c/{slug}"))
    assert "투표 50,000 reached: ₩10 million" in page and "3</span> votes" in page


def test_unknown_and_malformed_slugs_are_404(client: FlaskClient) -> None:
    assert client.get("/c/nothing-here").status_code == 404
    assert client.get("/c/%00bad").status_code == 404
    assert client.get("/c/" + "x" * 500).status_code == 404


def test_internal_campaign_is_404_for_non_crew(app: Flask, client: FlaskClient) -> None:
    slug = create(app, internal=True, title="사내 모금", **cheer_campaign())
    assert client.get(f"/c/{slug}").status_code == 404
    log_in(app, client, "plain@example.com")
    assert client.get(f"/c/{slug}").status_code == 404
    assert client.post(f"/c/{slug}/join").status_code == 404
    AuthActions(client).logout()
    log_in(app, client, "crew@aesseuji.example", Role.CREW)
    page = text(client.get(f"/c/{slug}"))
    assert "사내 모금" in page and "data-progress-url" not in page  # not public: no polling


# --- joining --------------------------------------------------------------------------------


def test_join_without_team(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **cheer_campaign())
    assert client.post(f"/c/{slug}/join").status_code == 302  # to log in
    log_in(app, client, "joiner@example.com")
    response = client.post(f"/c/{slug}/join")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/c/{slug}#take-part")
    page = text(client.get(f"/c/{slug}"))
    assert "참여했어요. 이제 함께해요!" in page
    assert "내 참여" in page and 'id="key-cheer"' in page
    assert totals(app, slug).participants == 1
    client.post(f"/c/{slug}/join")
    assert "이미 참여한 챌린지예요." in text(client.get(f"/c/{slug}"))
    assert totals(app, slug).participants == 1


def test_join_with_team(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **team_campaign())
    log_in(app, client, "dog@example.com")
    page = text(client.get(f"/c/{slug}"))
    assert 'type="radio" value="dog"' in page and 'type="radio" value="cat"' in page
    missing = client.post(f"/c/{slug}/join")
    assert missing.status_code == 422
    assert "참여할 팀을 골라 주세요." in text(missing)
    unknown = client.post(f"/c/{slug}/join", data={"team": "bird"})
    assert unknown.status_code == 422
    assert "이 챌린지에는 그런 팀이 없어요." in text(unknown)
    assert totals(app, slug).participants == 0
    assert client.post(f"/c/{slug}/join", data={"team": "dog"}).status_code == 302
    page = text(client.get(f"/c/{slug}"))
    assert "🐶 댕댕이 팀이 되었어요!" in page and "나는 🐶 댕댕이 팀이에요." in page
    other = client.post(f"/c/{slug}/join", data={"team": "cat"})
    assert other.status_code == 409
    assert "이미 참여한 챌린지예요. 팀은 바꿀 수 없어요." in text(other)
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Participant)) == 1


def test_join_refused_once_the_campaign_has_ended(app: Flask, client: FlaskClient) -> None:
    slug = create(app, status=CampaignStatus.CLOSED, **cheer_campaign())
    log_in(app, client, "late@example.com")
    response = client.post(f"/c/{slug}/join")
    assert response.status_code == 409
    assert "종료된 챌린지예요" in text(response)
    assert totals(app, slug).participants == 0


# --- taking part ------------------------------------------------------------------------------


def test_cheer_through_the_form_and_a_double_submit_counts_once(
    app: Flask, client: FlaskClient
) -> None:
    slug = create(app, **cheer_campaign())
    log_in(app, client, "cheer@example.com")
    client.post(f"/c/{slug}/join")
    key = form_key(text(client.get(f"/c/{slug}")), "cheer")
    first = act(client, slug, "cheer", key=key)
    assert first.status_code == 302
    assert "집계 완료: +100원 기부 약정." in text(client.get(f"/c/{slug}"))
    again = act(client, slug, "cheer", key=key)
    assert again.status_code == 302
    assert "이미 집계됐어요. 두 번 세지 않아요." in text(client.get(f"/c/{slug}"))
    assert totals(app, slug).actions == 1
    assert totals(app, slug).sponsor_won == 100
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Action)) == 1
        assert session.scalar(select(func.sum(Pledge.amount_won))) == 100
    # A freshly rendered form carries a new key and counts again.
    assert act(client, slug, "cheer").status_code == 302
    assert totals(app, slug).actions == 2


def test_each_page_render_gives_a_new_key(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **cheer_campaign())
    log_in(app, client, "keys@example.com")
    client.post(f"/c/{slug}/join")
    keys = {form_key(text(client.get(f"/c/{slug}")), "cheer") for _ in range(3)}
    assert len(keys) == 3


def test_stamp_actions_show_stamps_units_and_the_completed_unit(
    app: Flask, client: FlaskClient
) -> None:
    slug = create(app, **stamp_campaign(stamps_per_unit=4))
    log_in(app, client, "green@example.com")
    client.post(f"/c/{slug}/join")
    act(client, slug, "report-paper", "BILL-1")
    assert "집계 완료: 도장 1개 적립." in text(client.get(f"/c/{slug}"))
    act(client, slug, "apply-edoc")
    page = text(client.get(f"/c/{slug}"))
    assert "집계 완료: 도장 3개 적립, 1그루 완성! +5,000원 기부 약정!" in page
    assert "내 도장으로 만든 임팩트: 1.0그루" in page
    assert totals(app, slug).sponsor_won == 5_000 and totals(app, slug).stamps == 4


def test_refusals_are_shown_with_their_status(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **stamp_campaign())
    log_in(app, client, "refused@example.com")
    not_joined = act(client, slug, "report-paper", "BILL-1", key="k-1")
    assert not_joined.status_code == 409
    assert "먼저 챌린지에 참여해 주세요." in text(not_joined)
    client.post(f"/c/{slug}/join")
    no_evidence = act(client, slug, "report-paper", "")
    assert no_evidence.status_code == 422
    assert "이 활동에는 확인 번호(예: 고지서 번호)가 필요해요." in text(no_evidence)
    assert act(client, slug, "report-paper", "BILL-1").status_code == 302
    duplicate = act(client, slug, "report-paper", " bill-1 ")
    assert duplicate.status_code == 409
    page = text(duplicate)
    assert "이미 반영된 확인 번호예요." in page
    assert 'value=" bill-1 "' in page  # what the reader typed is kept
    unknown = act(client, slug, "plant-a-tree", key="k-2")
    assert unknown.status_code == 422
    assert "이 챌린지에는 그런 활동이 없어요." in text(unknown)
    incomplete = client.post(f"/c/{slug}/actions", data={})
    assert incomplete.status_code == 422
    assert "양식이 완전하지 않아요." in text(incomplete)
    too_long = act(client, slug, "report-paper", "X" * 300)
    assert too_long.status_code == 422
    assert totals(app, slug).actions == 1


def test_daily_cap_refusal(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **cheer_campaign())
    log_in(app, client, "capped@example.com")
    client.post(f"/c/{slug}/join")
    for _ in range(3):
        assert act(client, slug, "cheer").status_code == 302
    capped = act(client, slug, "cheer")
    assert capped.status_code == 409
    assert "오늘 이 활동의 한도(3회)" in text(capped)
    assert totals(app, slug).actions == 3
    with database(app).transaction() as session:
        assert session.scalar(select(Participant.actions)) == 3  # the refused one left nothing


def test_total_cap_refusal(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **cheer_campaign(actions=(action("cheer", worth_won=100, total_cap=1),)))
    log_in(app, client, "once@example.com")
    client.post(f"/c/{slug}/join")
    assert act(client, slug, "cheer").status_code == 302
    capped = act(client, slug, "cheer")
    assert capped.status_code == 409
    assert "이 활동의 참여 한도(1회)" in text(capped)


def test_reused_form_key_with_other_details_is_refused(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **stamp_campaign())
    log_in(app, client, "reuse@example.com")
    client.post(f"/c/{slug}/join")
    key = form_key(text(client.get(f"/c/{slug}")), "report-paper")
    assert act(client, slug, "report-paper", "BILL-1", key=key).status_code == 302
    reused = act(client, slug, "report-paper", "BILL-2", key=key)
    assert reused.status_code == 422
    assert "이 양식은 다른 내용으로 이미 보냈어요." in text(reused)
    assert totals(app, slug).actions == 1


def test_concurrent_submit_of_the_same_form_is_409(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    slug = create(app, **cheer_campaign())
    log_in(app, client, "race@example.com")
    client.post(f"/c/{slug}/join")

    def in_flight(*_args: object, **_kwargs: object) -> None:
        raise ConcurrentReplay()

    monkeypatch.setattr("campaign.services.cheers.record_action", in_flight)
    response = act(client, slug, "cheer")
    assert response.status_code == 409
    assert "같은 요청을 지금 처리하고 있어요." in text(response)


def test_not_open_and_closed_campaigns_refuse_actions(app: Flask, client: FlaskClient) -> None:
    paused = create(app, status=CampaignStatus.PAUSED, **cheer_campaign())
    log_in(app, client, "waiting@example.com")
    client.post(f"/c/{paused}/join")
    page = text(client.get(f"/c/{paused}"))
    assert "챌린지가 잠시 멈췄어요." in page and 'id="key-cheer"' not in page
    refused = act(client, paused, "cheer", key="k-paused")
    assert refused.status_code == 409
    assert "지금은 참여할 수 없는 챌린지예요." in text(refused)

    upcoming = create(app, **cheer_campaign(starts_at=clock() + DAY))
    client.post(f"/c/{upcoming}/join")
    assert "참여 완료! 챌린지는" in text(client.get(f"/c/{upcoming}"))
    assert act(client, upcoming, "cheer", key="k-upcoming").status_code == 409

    with database(app).transaction() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == paused))
        campaign.status = CampaignStatus.CLOSED
    closed = act(client, paused, "cheer", key="k-closed")
    assert closed.status_code == 409
    assert "종료된 챌린지예요" in text(closed)
    assert totals(app, paused).actions == 0


def test_closed_campaign_shows_final_numbers_and_no_forms(app: Flask, client: FlaskClient) -> None:
    with database(app).transaction() as session:
        campaign = make_campaign(session, **team_campaign())
        user = make_user(session, email="voter@example.com")
        join(session, user, campaign, "cat", clock())
        record_action(session, user, campaign, "vote", None, None, clock())
        campaign.status = CampaignStatus.CLOSED
        slug = campaign.slug
    AuthActions(client).login("voter@example.com")
    page = text(client.get(f"/c/{slug}"))
    assert "최종 결과" in page and "챌린지가 끝났어요. 위 숫자가 최종 결과예요." in page
    assert "승리 팀: 🐱 냥냥이" in page
    assert "idempotency_key" not in page and "/join" not in page
    assert "data-progress-url" not in page


def test_purse_spent_is_said_plainly(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **cheer_campaign(purse_won=100))
    log_in(app, client, "late-cheer@example.com")
    client.post(f"/c/{slug}/join")
    act(client, slug, "cheer")
    page = text(client.get(f"/c/{slug}"))
    assert "집계 완료: +100원 기부 약정." in page
    act(client, slug, "cheer")
    page = text(client.get(f"/c/{slug}"))
    assert "집계됐지만 후원 한도가 모두 소진되어 더해진 금액은 +0원이에요." in page
    spent = re.search(r'<p class="purse-spent"([^>]*)>', page)
    assert spent and "hidden" not in spent.group(1)
    assert 'data-field="marginal_won.cheer" data-format="won">0원<' in page
    assert totals(app, slug).actions == 2 and totals(app, slug).sponsor_won == 100


def test_purse_notice_is_hidden_while_money_is_left(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **cheer_campaign())
    page = text(client.get(f"/c/{slug}"))
    notice = re.search(r'<p class="purse-spent"([^>]*)>', page)
    assert notice and "hidden" in notice.group(1)


def test_milestone_unlocked_is_flashed(app: Flask, client: FlaskClient) -> None:
    slug = create(app, **team_campaign(milestones=(MilestoneSpec(2, 1_000_000),)))
    log_in(app, client, "ms@example.com")
    client.post(f"/c/{slug}/join", data={"team": "dog"})
    act(client, slug, "vote")
    assert "목표 달성" not in text(client.get(f"/c/{slug}"))
    act(client, slug, "vote")
    page = text(client.get(f"/c/{slug}"))
    assert "목표 달성! 참여 2회로 100만원이 더해졌어요!" in page
    assert "모든 목표를 달성했어요." in page
    assert totals(app, slug).sponsor_won == 1_000_000


def test_action_rate_limit_is_per_person(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMIT_ENABLED=True, ACTION_RATE_LIMIT="3 per minute")
    slug = create(app, **cheer_campaign(actions=(action("cheer", worth_won=1),)))
    first, second = app.test_client(), app.test_client()
    log_in(app, first, "one@example.com")
    log_in(app, second, "two@example.com")
    for client in (first, second):
        client.post(f"/c/{slug}/join")
    statuses = [act(first, slug, "cheer").status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert act(second, slug, "cheer").status_code == 302
    assert totals(app, slug).actions == 4


# --- My page --------------------------------------------------------------------------------


def test_my_page_needs_log_in(client: FlaskClient) -> None:
    response = client.get("/me")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_my_page_lists_my_challenges_and_impact(app: Flask, client: FlaskClient) -> None:
    green = create(app, title="그린 챌린지", **stamp_campaign())
    cheer = create(app, title="응원 챌린지", **cheer_campaign())
    create(app, title="안 한 챌린지", **cheer_campaign())
    log_in(app, client, "me@example.com")
    assert "마이페이지" in text(client.get("/"))  # in the navigation
    empty = text(client.get("/me"))
    assert "아직 참여한 챌린지가 없어요." in empty
    client.post(f"/c/{green}/join")
    client.post(f"/c/{cheer}/join")
    act(client, green, "report-paper", "BILL-77")
    for _ in range(4):
        act(client, green, "apply-edoc")
    act(client, cheer, "cheer")
    page = text(client.get("/me"))
    assert "그린 챌린지" in page and "응원 챌린지" in page and "안 한 챌린지" not in page
    green_card = page.split("그린 챌린지</a></h3>")[1].split("</article>")[0]
    assert "<dd>13</dd>" in green_card  # 1 + 4×3 stamps
    # 13/40 of a tree is started, not planted: the purse has paid for no tree yet.
    assert "<dd>0.0그루</dd>" in green_card
    cheer_card = page.split("응원 챌린지</a></h3>")[1].split("</article>")[0]
    assert "<dd>100원</dd>" in cheer_card
    assert "BILL-77" in page  # the latest actions
    english(client)
    assert "<dd>0.0 trees</dd>" in text(client.get("/me"))


def test_the_forms_carry_what_csrf_protection_needs(make_app: Callable[..., Flask]) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    slug = create(app, **cheer_campaign())
    person(app, "csrf@example.com")

    def csrf(page: str) -> str:
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert found
        return found.group(1)

    login = text(client.get("/login"))
    client.post(
        "/login",
        data={"email": "csrf@example.com", "password": PASSWORD, "csrf_token": csrf(login)},
    )
    page = text(client.get(f"/c/{slug}"))
    assert client.post(f"/c/{slug}/join").status_code == 400  # no token: refused
    assert client.post(f"/c/{slug}/join", data={"csrf_token": csrf(page)}).status_code == 302
    page = text(client.get(f"/c/{slug}"))
    form = page.split('id="key-cheer"')[0].rsplit("<form", 1)[1]
    data = {"action": "cheer", "idempotency_key": form_key(page, "cheer")}
    assert client.post(f"/c/{slug}/actions", data=data).status_code == 400
    assert totals(app, slug).actions == 0
    response = client.post(f"/c/{slug}/actions", data={**data, "csrf_token": csrf(form)})
    assert response.status_code == 302
    assert totals(app, slug).actions == 1
