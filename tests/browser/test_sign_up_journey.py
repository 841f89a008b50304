"""In a real browser, as a newcomer arrives from a shared link: sign up from the challenge, come
back to it, join the team fight, vote, and see the answer and the bar move without a reload."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import expect

from campaign.db import database
from campaign.models import CampaignKind
from campaign.models.types import utcnow
from tests.factories import DAY, action, make_campaign

PHONE = {"width": 390, "height": 844}
PASSWORD = "new-voter-password-1"


def test_a_newcomer_signs_up_from_the_challenge_and_votes_for_a_team(browser, live_app) -> None:
    app: Flask
    app, base = live_app
    now = utcnow()
    with database(app).transaction() as session:
        slug = make_campaign(
            session,
            kind=CampaignKind.TEAM,
            actions=(action("vote", label="투표"),),
            starts_at=now - DAY,
            ends_at=now + DAY,
        ).slug
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{base}/c/{slug}")
    page.locator("#take-part a", has_text="회원가입").click()

    # Every field's problem at once, and the way back is kept through a refused try.
    page.fill("input[name=email]", "not-an-address")
    page.fill("input[name=password]", "short")
    page.click("main form button[type=submit]")
    expect(page.locator(".error")).to_have_count(3)
    page.fill("input[name=email]", "newcomer@example.com")
    page.fill("input[name=display_name]", "새참여자")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.locator("main a.button", has_text="로그인").click()
    page.fill("input[name=email]", "newcomer@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(f"{base}/c/{slug}")

    page.check("input[name=team][value=dog]")
    page.click("#join-form button[type=submit]")
    # take_part.js answers forms in place once it has run (late on a loaded machine)
    expect(page.locator("#take-part[data-ready]")).to_be_attached()
    page.evaluate("window.__notReloaded = true")
    page.locator("#do-vote").click()
    result = page.locator("#action-form-vote [data-action-result]")
    expect(result).to_have_text("집계됐어요. 고마워요!", timeout=10_000)
    expect(result).to_be_in_viewport()
    expect(page.locator(".big-progress [data-field=actions]")).to_have_text("1")
    expect(page.locator(".team-lead")).to_have_text("댕댕이가 1표 앞서요")
    assert page.evaluate("window.__notReloaded") is True
    page.close()
