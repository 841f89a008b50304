"""Progress polls: ETag/304 for pollers, and each process answering anonymous polls from memory
for PROGRESS_CACHE_SECONDS (a token's reader always gets fresh numbers)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask

from campaign.db import database
from campaign.models import Campaign, User
from campaign.services.accounts import issue_api_token
from campaign.services.actions import record_action
from campaign.services.participation import join
from tests.factories import action, make_campaign, make_user

NOW = datetime.now(UTC)


def _campaign(app: Flask) -> tuple[str, str, Callable[[], None]]:
    """A live cheer campaign; its slug, a user's token, and a function that records one cheer."""
    with database(app).transaction() as session:
        campaign = make_campaign(
            session,
            actions=(action("cheer", worth_won=100),),
            starts_at=NOW.replace(year=NOW.year - 1),
            ends_at=NOW.replace(year=NOW.year + 1),
        )
        user = make_user(session)
        join(session, user, campaign, None, NOW)
        secret = issue_api_token(session, user, "t", NOW).secret
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
                NOW,
            )

    return slug, secret, cheer


def test_an_unchanged_poll_gets_304(app: Flask) -> None:
    slug, _secret, cheer = _campaign(app)
    client = app.test_client()
    first = client.get(f"/api/v1/campaigns/{slug}/progress")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, max-age=2"
    etag = first.headers["ETag"]
    again = client.get(f"/api/v1/campaigns/{slug}/progress", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    cheer()
    moved = client.get(f"/api/v1/campaigns/{slug}/progress", headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.json["actions"] == 1


def test_without_the_memo_every_poll_reads_the_counters(app: Flask) -> None:
    slug, _secret, cheer = _campaign(app)
    client = app.test_client()
    assert client.get(f"/api/v1/campaigns/{slug}/progress").json["actions"] == 0
    cheer()
    assert client.get(f"/api/v1/campaigns/{slug}/progress").json["actions"] == 1


def test_anonymous_polls_share_one_answer_while_a_token_reads_fresh(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(PROGRESS_CACHE_SECONDS=3600)
    slug, secret, cheer = _campaign(app)
    client = app.test_client()
    assert client.get(f"/api/v1/campaigns/{slug}/progress").json["actions"] == 0
    cheer()
    assert client.get(f"/api/v1/campaigns/{slug}/progress").json["actions"] == 0  # remembered
    mine = client.get(
        f"/api/v1/campaigns/{slug}/progress", headers={"Authorization": f"Bearer {secret}"}
    )
    assert mine.json["actions"] == 1
    assert mine.headers["Cache-Control"] == "private, no-cache"
