"""Anonymous challenge and home pages from memory (PAGE_CACHE_SECONDS): shared by readers with
no session, public for a CDN, with ETag/304; a signed-in reader, or one carrying a flash, always
gets a page rendered for them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask

from campaign.db import database
from campaign.models import Campaign, User
from campaign.services.actions import record_action
from campaign.services.participation import join
from tests.factories import make_campaign, make_user
from tests.web.helpers import AuthActions, text

NOW = datetime.now(UTC)


def _live(app: Flask) -> tuple[str, Callable[[], None]]:
    with database(app).transaction() as session:
        campaign = make_campaign(
            session,
            title="캐시 시험",
            starts_at=NOW.replace(year=NOW.year - 1),
            ends_at=NOW.replace(year=NOW.year + 1),
        )
        user = make_user(session, email="fan@example.com")
        join(session, user, campaign, None, NOW)
        slug, campaign_id, user_id = campaign.slug, campaign.id, user.id

    def cheer() -> None:
        with database(app).transaction() as session:
            record_action(
                session,
                session.get(User, user_id),
                session.get(Campaign, campaign_id),
                "cheer",
                None,
                None,
                datetime.now(UTC),
            )

    return slug, cheer


@pytest.mark.parametrize("path", ["/c/{slug}", "/"])
def test_anonymous_readers_share_one_rendering(make_app, path: str) -> None:
    app = make_app(PAGE_CACHE_SECONDS=3600)
    slug, cheer = _live(app)
    url = path.format(slug=slug)
    first = app.test_client().get(url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=3600"
    assert "Cookie" in first.headers["Vary"]
    assert "Set-Cookie" not in first.headers
    cheer()  # the numbers move, but for the cache's moment readers get the stored page
    again = app.test_client().get(url)
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert (
        app.test_client().get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )
    # Another language is another page.
    english = app.test_client()
    english.set_cookie("lang", "en")
    assert english.get(url).get_data() != first.get_data()


def test_a_signed_in_reader_never_gets_the_shared_page(make_app) -> None:
    app = make_app(PAGE_CACHE_SECONDS=3600)
    slug, _cheer = _live(app)
    shared = app.test_client().get(f"/c/{slug}")
    member = app.test_client()
    AuthActions(member).login("fan@example.com")
    page = member.get(f"/c/{slug}")
    assert page.status_code == 200
    assert page.get_data() != shared.get_data()
    assert "public" not in page.headers.get("Cache-Control", "")
    assert "csrf_token" in text(page)  # their own forms, with their own token
    assert "csrf_token" not in text(shared)


def test_a_reader_with_a_session_is_rendered_for_and_never_stored(make_app) -> None:
    app = make_app(PAGE_CACHE_SECONDS=3600)
    slug, _cheer = _live(app)
    reader = app.test_client()
    with reader.session_transaction() as browser:  # not signed in, but a flash waits for them
        browser["_flashes"] = [("info", "다시 만나요!")]
    after = reader.get(f"/c/{slug}")
    assert after.status_code == 200
    assert "다시 만나요!" in text(after)
    assert "public" not in after.headers.get("Cache-Control", "")
    assert app.extensions.get("anonymous_pages", {}) == {}  # nothing was stored for anyone


def test_without_the_setting_pages_are_rendered_each_time(make_app) -> None:
    app = make_app()
    slug, _cheer = _live(app)
    page = app.test_client().get(f"/c/{slug}")
    assert page.status_code == 200
    assert "public" not in page.headers.get("Cache-Control", "")
    assert "anonymous_pages" not in app.extensions


def test_with_csrf_on_the_anonymous_page_starts_no_session_and_is_shared(make_app) -> None:
    app = make_app(PAGE_CACHE_SECONDS=3600, WTF_CSRF_ENABLED=True)
    slug, _cheer = _live(app)
    page = app.test_client().get(f"/c/{slug}")
    assert page.status_code == 200
    assert "Set-Cookie" not in page.headers  # no form of theirs, so no token, so no session
    assert page.headers["Cache-Control"] == "public, max-age=3600"
    assert list(app.extensions["anonymous_pages"]) == [(f"/c/{slug}", b"", "ko")]
