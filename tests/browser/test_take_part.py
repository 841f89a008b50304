"""In a real browser: acting answers right where the person is looking, without a reload."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Page, expect

from campaign.db import database
from campaign.models import CampaignKind, Evidence
from campaign.models.types import utcnow
from tests.factories import DAY, PASSWORD, action, make_campaign, make_user

PHONE = {"width": 390, "height": 844}


def seed(app: Flask, **fields: object) -> str:
    now = utcnow()
    with database(app).transaction() as session:
        make_user(session, email="fan@example.com", name="냥집사")
        campaign = make_campaign(session, starts_at=now - DAY, ends_at=now + DAY, **fields)
        return campaign.slug


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", "fan@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")


def ready(page: Page) -> None:
    """Wait until take_part.js answers forms in place: a click before that (a loaded machine
    runs deferred scripts late) would post the plain form and reload instead."""
    expect(page.locator("#take-part[data-ready]")).to_be_attached()


def test_vote_answers_inline_and_the_match_moves(browser, live_app) -> None:
    app, base = live_app
    slug = seed(app, kind=CampaignKind.TEAM, actions=(action("vote", label="투표"),))
    page = browser.new_page(viewport=PHONE)
    log_in(page, base)
    page.goto(f"{base}/c/{slug}")
    page.check("input[name=team][value=cat]")
    page.click("#join-form button[type=submit]")
    ready(page)
    page.evaluate("window.__notReloaded = true")

    vote = page.locator("#do-vote")
    expect(vote).to_have_class("button big team-button team-1")  # the cat team's colour
    vote.click()

    result = page.locator("#action-form-vote [data-action-result]")
    expect(result).to_have_text("집계됐어요. 고마워요!", timeout=10_000)
    expect(result).to_be_in_viewport()
    expect(result).to_have_attribute("aria-live", "polite")
    expect(page.locator(".big-progress [data-field=actions]")).to_have_text("1")
    expect(page.locator(".team-lead")).to_have_text("냥냥이가 1표 앞서요")
    # The bottom bar on a phone votes too, and its answer shows next to the form's button.
    page.locator("#bar-do").click()
    expect(page.locator(".big-progress [data-field=actions]")).to_have_text("2", timeout=10_000)
    expect(page.locator(".team-lead")).to_have_text("냥냥이가 2표 앞서요")
    assert page.evaluate("window.__notReloaded") is True
    page.close()


def test_the_button_turns_off_with_the_reason_at_the_daily_cap(browser, live_app) -> None:
    app, base = live_app
    slug = seed(app, actions=(action("cheer", label="응원", worth_won=100, daily_cap=2),))
    page = browser.new_page(viewport=PHONE)
    log_in(page, base)
    page.goto(f"{base}/c/{slug}")
    page.click("#join-form button[type=submit]")
    ready(page)
    expect(page.locator("#state-cheer")).to_have_text("오늘 0/2")
    page.click("#do-cheer")
    expect(page.locator("#state-cheer")).to_have_text("오늘 1/2", timeout=10_000)
    expect(page.locator("#action-form-cheer [data-action-result]")).to_contain_text("+100원")
    page.click("#do-cheer")
    expect(page.locator("#state-cheer")).to_contain_text("오늘은 다 했어요 (2/2)", timeout=10_000)
    expect(page.locator("#do-cheer")).to_be_disabled()
    expect(page.locator("#bar-do")).to_be_disabled()
    expect(page.locator(".big-progress [data-field=raised]")).to_have_text("200원")
    page.close()


def test_without_javascript_the_message_is_in_view_below_the_header(browser, live_app) -> None:
    app, base = live_app
    slug = seed(app)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    log_in(page, base)
    page.goto(f"{base}/c/{slug}")
    page.click("#join-form button[type=submit]")
    page.click("#do-cheer")
    flash = page.locator("#take-part .flash")
    expect(flash).to_have_text("집계 완료: +100원 기부 약정.")
    expect(flash).to_be_in_viewport()
    header = page.locator(".site-header").bounding_box()
    heading = page.locator("#take-part-heading").bounding_box()
    assert header is not None and heading is not None
    assert heading["y"] >= header["y"] + header["height"]  # not hidden under the sticky header
    context.close()


def test_a_stamp_with_evidence_and_a_refused_duplicate_answer_inline(browser, live_app) -> None:
    app, base = live_app
    slug = seed(
        app,
        kind=CampaignKind.STAMP,
        actions=(
            action(
                "report",
                label="종이 우편물 신고",
                worth_stamps=1,
                evidence=Evidence.REQUIRED,
                evidence_unique=True,
            ),
        ),
        stamps_per_unit=40,
        won_per_unit=5_000,
        unit_name="그루",
    )
    page = browser.new_page(viewport=PHONE)
    log_in(page, base)
    page.goto(f"{base}/c/{slug}")
    page.click("#join-form button[type=submit]")
    ready(page)
    page.fill("#evidence-report", "BILL-77")
    page.click("#do-report")
    result = page.locator("#action-form-report [data-action-result]")
    expect(result).to_have_text("집계 완료: 도장 1개 적립.", timeout=10_000)
    expect(page.locator("#evidence-report")).to_have_value("")  # ready for the next bill
    expect(page.locator(".next-unit")).to_contain_text("다음 그루까지 도장 39개")
    page.fill("#evidence-report", "BILL-77")
    page.click("#do-report")
    expect(result).to_have_text("이미 반영된 확인 번호예요.", timeout=10_000)
    expect(result).to_have_class("action-result is-error is-new")
    expect(page.locator("#evidence-report")).to_have_value("BILL-77")  # kept to correct it
    expect(page.locator(".big-progress [data-field=stamps]")).to_have_text("1")
    page.close()
