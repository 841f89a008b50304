"""In a real browser: a cheer message posted from the challenge page appears on its wall,
and a 360 px wide "My page" needs no sideways scrolling."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from campaign.db import database
from campaign.models import Campaign, MessageRule, User
from campaign.models.types import utcnow
from campaign.services.cheers import record_with_message
from campaign.services.participation import join
from tests.factories import DAY, PASSWORD, action, make_campaign, make_user


def seed(app: Flask) -> str:
    now = utcnow()
    with database(app).transaction() as session:
        make_user(session, email="wall@example.com", name="김응원")
        campaign = make_campaign(
            session,
            actions=(
                action("cheer", label="응원 댓글", worth_won=100, message=MessageRule.REQUIRED),
            ),
            starts_at=now - DAY,
            ends_at=now + DAY,
            purse_won=10_000,
        )
        return campaign.slug


def log_in(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", "wall@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")


def test_a_cheer_message_appears_on_the_wall(browser, live_app) -> None:
    app, base = live_app
    slug = seed(app)
    page = browser.new_page()
    log_in(page, base)
    page.goto(f"{base}/c/{slug}")
    expect(page.locator("#cheer-wall")).to_contain_text("아직 메시지가 없어요.")
    page.click("form[action$='/join'] button[type=submit]")
    page.fill("#message-cheer", "브라우저에서 <b>응원</b>해요!")
    page.click("form[action$='/actions'] button[type=submit]")
    wall = page.locator("#cheer-wall .cheer-text").first
    expect(wall).to_have_text("브라우저에서 <b>응원</b>해요!")  # shown as typed, never as HTML
    expect(page.locator("#cheer-wall .who").first).to_have_text("김*원")
    expect(page.locator("[data-field=raised]").first).to_contain_text("100원")
    # The wall is the page's own markup: no inline script came with the message.
    assert page.locator("#cheer-wall b").count() == 0
    page.close()


def test_my_page_reads_at_360_px(browser, live_app) -> None:
    app, base = live_app
    slug = seed(app)
    with database(app).transaction() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
        user = session.scalar(select(User).where(User.email == "wall@example.com"))
        join(session, user, campaign, None, utcnow())
        long_line = "아주 긴 응원 메시지 " * 15
        record_with_message(session, user, campaign, "cheer", None, long_line, None, utcnow())
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    log_in(page, base)
    page.goto(f"{base}/me")
    expect(page.locator(".my-giving")).to_contain_text("올해")
    expect(page.locator(".my-actions")).to_contain_text("응원 댓글")
    expect(page.locator("[data-totals=all]")).to_contain_text("100원")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(f"{base}/c/{slug}#cheer-wall")  # a long message wraps on the wall too
    expect(page.locator("#cheer-wall .cheer-text").first).to_contain_text("아주 긴 응원")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
