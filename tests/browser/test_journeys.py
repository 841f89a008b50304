"""Whole journeys in a real browser: a crew member proposes a campaign with a cover and an admin
approves and opens it; an admin closes a campaign and downloads its export; a participant
records a green-challenge action with evidence. And the main pages of the demo, on a phone and
on a laptop: screenshots (SCREENSHOTS_DIR, else the test's temporary folder) and axe."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from campaign.db import database
from campaign.demo import DEMO_PASSWORD, seed_demo
from campaign.models import Campaign, CampaignCover, CampaignKind, CampaignStatus, Evidence, Role
from campaign.rules.calendar import kst_day
from campaign.services.actions import record_action
from campaign.services.participation import join
from campaign.web.images import limits
from tests.browser.axe import axe_source, serious_violations
from tests.factories import PASSWORD, action, make_campaign, make_partner, make_user
from tests.images import picture

WIDTHS = {"390": (390, 844), "1280": (1280, 800)}
DAY = timedelta(days=1)


def log_in(page: object, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{email} could not log in"


def test_crew_proposes_with_a_cover_and_the_admin_takes_it_live(
    browser, live_app: tuple[Flask, str], tmp_path: Path
) -> None:
    app, base = live_app
    with database(app).transaction() as session:
        make_user(session, email="crew@aesseuji.example", role=Role.CREW, name="김크루")
        make_user(session, email="boss@aesseuji.example", role=Role.ADMIN, name="박관리")
        partner_id = make_partner(session, name="연탄은행").id
    cover = tmp_path / "briquettes.jpg"
    cover.write_bytes(picture(size=(320, 180), exif=True))
    today = kst_day(datetime.now(UTC))

    crew = browser.new_context()
    page = crew.new_page()
    log_in(page, base, "crew@aesseuji.example")
    page.goto(f"{base}/crew/proposals/new")
    page.select_option("select[name=kind]", "cheer")
    for name, value in {
        "title": "연탄 나눔 응원",
        "summary": "응원 한 번에 200원",
        "cause": "난방이 어려운 이웃에게 연탄을 전합니다.",
        "goal_won": "10,000,000",
        "starts_on": (today + 7 * DAY).isoformat(),
        "ends_on": (today + 20 * DAY).isoformat(),
        "beneficiaries-0-share": "1",
        "action_types-0-label": "응원하기",
        "action_types-0-worth_won": "200",
        "purse_won": "10000000",
    }.items():
        page.fill(f"[name='{name}']", value)
    page.select_option("select[name='beneficiaries-0-partner']", str(partner_id))
    page.click("button[name=intent][value=save]")
    expect(page.locator("h1")).to_contain_text("연탄 나눔 응원")

    page.set_input_files("#cover-image", str(cover))
    page.fill("#cover-alt", "층층이 쌓인 연탄")
    page.click("#cover button[type=submit]")
    expect(page.locator("#cover img")).to_have_attribute("alt", "층층이 쌓인 연탄")
    page.click("form[action$='/submit'] button[type=submit]")
    expect(page.locator("h1")).to_contain_text("연탄 나눔 응원")
    proposal_url = page.url
    crew.close()

    admin = browser.new_context()
    page = admin.new_page()
    log_in(page, base, "boss@aesseuji.example")
    page.goto(proposal_url.replace("/crew/proposals/", "/admin/proposals/") + "/approve")
    page.fill("[name=slug]", "yeontan")
    page.click("main form button[type=submit]")
    page.goto(f"{base}/admin/campaigns/yeontan")
    page.click("form[action$='/open'] button[type=submit]")
    page.goto(f"{base}/c/yeontan")
    cover_image = page.locator("figure.cover img")
    expect(cover_image).to_have_attribute("alt", "층층이 쌓인 연탄")
    assert page.evaluate("img => img.naturalWidth", cover_image.element_handle()) == 320
    admin.close()
    with database(app).transaction() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == "yeontan"))
        assert campaign is not None and campaign.status == CampaignStatus.ACTIVE
        assert session.get(CampaignCover, campaign.id) is not None


def test_an_admin_closes_a_campaign_and_downloads_its_export(
    browser, live_app: tuple[Flask, str], tmp_path: Path
) -> None:
    app, base = live_app
    now = datetime.now(UTC)
    with database(app).transaction() as session:
        make_user(session, email="boss@aesseuji.example", role=Role.ADMIN)
        fan = make_user(session, email="fan@example.com")
        campaign = make_campaign(
            session, title="응원 기부", starts_at=now - DAY, ends_at=now + DAY, slug="cheers"
        )
        join(session, fan, campaign, None, now)
        record_action(session, fan, campaign, "cheer", None, None, now)

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    log_in(page, base, "boss@aesseuji.example")
    page.goto(f"{base}/admin/campaigns/cheers")
    # Closing is final, so the form asks the admin to tick a confirmation first.
    page.check("form[action$='/close'] input[name=confirm]")
    page.click("form[action$='/close'] button[type=submit]")
    expect(page.locator("h2", has_text="정산")).to_be_visible()
    page.select_option("select[name=format]", "csv")
    with page.expect_download() as download:
        page.click("form[action$='/export'] button[type=submit]")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Korean Excel
    assert "100" in data.decode("utf-8-sig")
    context.close()


def test_recording_a_green_challenge_action_with_evidence(
    browser, live_app: tuple[Flask, str]
) -> None:
    app, base = live_app
    now = datetime.now(UTC)
    with database(app).transaction() as session:
        make_user(session, email="green@example.com", name="초록")
        make_campaign(
            session,
            kind=CampaignKind.STAMP,
            slug="green",
            title="전자문서 그린 챌린지",
            starts_at=now - DAY,
            ends_at=now + 10 * DAY,
            actions=(
                action(
                    "switch",
                    label="종이 고지서를 전자문서로",
                    worth_stamps=5,
                    evidence=Evidence.REQUIRED,
                    evidence_unique=True,
                ),
            ),
            unit_name="그루",
            unit_name_en="tree",
            stamps_per_unit=40,
            won_per_unit=5_000,
        )
    page = browser.new_page()
    log_in(page, base, "green@example.com")
    page.goto(f"{base}/c/green")
    page.click("form[action$='/join'] button[type=submit]")
    page.fill("#evidence-switch", "BILL-2026-0001")
    page.click("form[action$='/actions'] button[type=submit]")
    expect(page.locator("body")).to_contain_text("도장 5개")
    expect(page.locator("[data-field=stamps]").first).to_have_text("5")
    # The same bill counts once.
    page.fill("#evidence-switch", "BILL-2026-0001")
    page.click("form[action$='/actions'] button[type=submit]")
    expect(page.locator("[data-field=stamps]").first).to_have_text("5")
    page.close()


MAIN_PAGES = [
    ("home", None, "/"),
    ("green-challenge", None, "/c/green-edoc"),
    ("team-fight", "user@example.com", "/c/dangnyang-fight"),
    ("closed-2022", None, "/c/green-edoc-2022"),
    ("my-page", "user@example.com", "/me"),
    ("crew", "crew@aesseuji.example", "/crew/"),
    ("admin-campaign", "admin@aesseuji.example", "/admin/campaigns/green-edoc"),
]


@pytest.fixture
def demo_site(live_app: tuple[Flask, str]) -> tuple[Flask, str]:
    app, base = live_app
    with app.app_context(), database(app).transaction() as session:
        seed_demo(
            session,
            datetime.now(UTC),
            (app.extensions["campaign.storage"], limits()),
        )
    return app, base


def test_main_pages_of_the_demo_on_a_phone_and_a_laptop(
    browser, demo_site: tuple[Flask, str], tmp_path: Path
) -> None:
    _app, base = demo_site
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    source = axe_source()
    found: list[str] = []
    contexts = {}
    for name, who, path in MAIN_PAGES:
        if who not in contexts:
            contexts[who] = browser.new_context(bypass_csp=True, locale="ko-KR")
            contexts[who].new_page()
            if who:
                log_in(contexts[who].pages[0], base, who, DEMO_PASSWORD)
        page = contexts[who].pages[0]
        for width, (w, h) in WIDTHS.items():
            page.set_viewport_size({"width": w, "height": h})
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth")
            if overflow > w:
                found.append(f"{path} @{width}: the page is {overflow} px wide")
            found += [f"{path} @{width}: {v}" for v in serious_violations(page, source)]
    for context in contexts.values():
        context.close()
    shots = sorted(p.name for p in folder.glob("*.png"))
    assert len(shots) == 2 * len(MAIN_PAGES), shots
    assert all(re.fullmatch(r"[a-z0-9-]+-(390|1280)\.png", s) for s in shots)
    assert not found, "\n".join(found)
