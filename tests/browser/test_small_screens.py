"""In a real browser at 360 px: the proposal form shows one kind's fields, nothing overflows."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from campaign.db import database
from campaign.models import Role
from campaign.models.types import utcnow
from campaign.services.actions import record_action
from campaign.services.participation import join
from tests.factories import DAY, PASSWORD, make_campaign, make_user

SMALL = {"width": 360, "height": 780}


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")


def overflow(page: Page) -> int:
    """How far the page is wider than the screen, in CSS pixels."""
    width = page.evaluate("document.documentElement.scrollWidth")
    return int(width) - SMALL["width"]


def test_the_proposal_form_shows_only_the_chosen_kind(browser, live_app) -> None:
    app, base = live_app
    with database(app).transaction() as session:
        make_user(session, email="crew@example.com", role=Role.CREW)
    page = browser.new_page(viewport=SMALL)
    log_in(page, base, "crew@example.com")
    page.goto(f"{base}/crew/proposals/new")
    company = page.locator('section[data-kinds="fundraiser"]')
    teams = page.locator('div[data-kinds="team"]')
    page.select_option("select[name=kind]", "team")
    expect(teams).to_be_visible()
    expect(company).to_be_hidden()
    page.select_option("select[name=kind]", "fundraiser")
    expect(company).to_be_visible()
    expect(teams).to_be_hidden()
    expect(page.locator("input[name=purse_won]")).to_be_visible()  # the match budget
    assert overflow(page) <= 0
    page.close()


def test_pages_fit_a_small_phone(browser, live_app) -> None:
    app, base = live_app
    now = utcnow()
    with database(app).transaction() as session:
        admin = make_user(session, email="admin@example.com", role=Role.ADMIN)
        campaign = make_campaign(session, starts_at=now - DAY, ends_at=now + DAY)
        join(session, admin, campaign, None, now)
        record_action(session, admin, campaign, "cheer", None, None, now)  # a row on /me
        slug = campaign.slug
    page = browser.new_page(viewport=SMALL)
    log_in(page, base, "admin@example.com")
    for path in (
        f"/c/{slug}",
        "/me",
        "/account",
        "/admin/campaigns",
        f"/admin/campaigns/{slug}",
        "/admin/users",
        "/admin/partners",
        "/admin/audit",
        "/crew/",
    ):
        page.goto(f"{base}{path}")
        assert overflow(page) <= 0, path
    page.close()
