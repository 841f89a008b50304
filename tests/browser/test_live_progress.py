"""In a real browser: numbers refresh without reloading, and everything works without JS."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from campaign.db import database
from campaign.models import Campaign, User
from campaign.models.types import utcnow
from campaign.services.actions import record_action
from campaign.services.participation import join
from tests.factories import DAY, PASSWORD, make_campaign, make_user


def seed(app: Flask) -> tuple[str, int]:
    now = utcnow()
    with database(app).transaction() as session:
        make_user(session, email="web@example.com", name="브라우저")
        other = make_user(session, email="other@example.com")
        campaign = make_campaign(session, starts_at=now - DAY, ends_at=now + DAY, purse_won=10_000)
        join(session, other, campaign, None, now)
        return campaign.slug, other.id


def test_progress_refreshes_by_itself(browser, live_app) -> None:
    app, base = live_app
    slug, other_id = seed(app)
    page = browser.new_page()
    page.goto(f"{base}/c/{slug}")
    actions = page.locator("[data-field=actions]").first
    assert actions.inner_text().strip() == "0"
    page.evaluate("window.__notReloaded = true")

    with database(app).transaction() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
        record_action(session, session.get(User, other_id), campaign, "cheer", None, None, utcnow())

    # A locator assertion polls from Playwright's side: the page's CSP forbids the eval that
    # wait_for_function would need.
    expect(page.locator("[data-field=actions]").first).to_have_text("1", timeout=15_000)
    assert page.evaluate("window.__notReloaded") is True
    assert "100원" in page.locator("[data-field=raised]").first.inner_text()
    page.close()


def test_join_and_act_without_javascript(browser, live_app) -> None:
    app, base = live_app
    slug, _ = seed(app)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=email]", "web@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.goto(f"{base}/c/{slug}")
    page.click("form[action$='/join'] button[type=submit]")
    page.click("form[action$='/actions'] button[type=submit]")
    assert page.locator("[data-field=actions]").first.inner_text().strip() == "1"
    assert "100원" in page.content()
    context.close()
