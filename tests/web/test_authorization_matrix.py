"""Deny by default, proved on every route: the exact status each kind of caller gets from every
route and method of the app.

A route (or a method of one) that is not in ``MATRIX`` fails
``test_every_route_and_method_has_a_decision``: whoever adds a route decides here who may use
it. To add one, add a line ``(METHOD, rule): Case(path, expected...)`` where ``rule`` is the
rule exactly as Flask lists it (``flask --app campaign routes``) and ``path`` a concrete address
(``{name}`` fields are filled from ``World``). Expected statuses are in the order of ``CALLERS``.

Callers: nobody (``anonymous``); a verified ``user``; an ``unverified`` account at a company
domain (it must get nothing more than a user); ``crew``; ``admin``; and a ``partner`` charity's
read-only API token. Signed-in people send their log-in cookie to pages and their API token to
``/api/``; the partner sends its token everywhere. The crew area's finer cases (authors,
endorsers, drafts) are in test_permissions.py.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from campaign.db import database
from campaign.models import CampaignStatus, MessageRule, ProposalStatus, Role
from campaign.rules.calendar import end_bound, kst_day, start_of_day
from campaign.rules.images import ImageLimits
from campaign.services import images, notifications, partners, proposals
from campaign.services.accounts import issue_api_token, start_login_session
from campaign.services.cheers import record_with_message
from campaign.services.fundraising import pledge_gift
from campaign.services.participation import join
from tests.factories import (
    action,
    make_campaign,
    make_fundraiser,
    make_integration,
    make_partner,
    make_proposal,
    make_user,
)
from tests.images import picture

CALLERS = ("anonymous", "user", "unverified", "crew", "admin", "partner")
DAY = timedelta(days=1)


@dataclass(frozen=True)
class World:
    proposal: int  # crew's proposal in review
    notification: int  # one of crew's notifications
    partner: int
    partner_token: int  # one of the partner's tokens
    integration: int
    hook: str  # the integration's key
    bystander: int  # an account admins act on
    user_token: int  # one of user's API tokens
    gift: int  # crew's gift to the crew fundraiser
    image: str  # the open campaign's cover image (its stored name)
    cheer: int  # bystander's message on the open campaign's cheer wall
    comment: int  # admin's comment on crew's proposal


@dataclass(frozen=True)
class Case:
    path: str
    expected: tuple[int, int, int, int, int, int]  # in the order of CALLERS
    data: dict[str, Any] | None = None  # a form; JSON for /api/
    headers: dict[str, str] | None = None


def build(app: Flask) -> tuple[World, dict[str, dict[str, str]]]:
    """The world, and per caller how it proves who it is: a log-in cookie and/or a bearer."""
    now = datetime.now(UTC)  # views read the real clock
    today = kst_day(now)
    with database(app).transaction() as session:
        people = {
            "user": make_user(session, email="user@example.com"),
            "unverified": make_user(session, email="new@aesseuji.example", verified=False),
            "crew": make_user(session, email="crew@aesseuji.example", role=Role.CREW),
            "admin": make_user(session, email="admin@aesseuji.example", role=Role.ADMIN),
        }
        bystander = make_user(session, email="bystander@example.com")
        partner = make_partner(session, name="숲")
        open_campaign = make_campaign(
            session,
            slug="open",
            partner=partner,
            actions=(
                action("cheer", worth_won=100),
                action("wall", worth_won=100, message=MessageRule.REQUIRED),
            ),
            starts_at=now - DAY,
            ends_at=now + DAY,
        )
        join(session, bystander, open_campaign, None, now)
        cheer = record_with_message(
            session, bystander, open_campaign, "wall", None, "힘내요", None, now
        ).message
        fundraiser = make_fundraiser(
            session, slug="crew-drive", partner=partner, starts_at=now - DAY, ends_at=now + DAY
        )
        make_fundraiser(
            session,
            slug="upcoming",
            partner=partner,
            status=CampaignStatus.SCHEDULED,
            starts_at=start_of_day(today + 3 * DAY),
            ends_at=end_bound(today + 6 * DAY),
        )
        hook = make_integration(session, open_campaign)
        proposal = make_proposal(
            session, people["crew"], partner=partner, status=ProposalStatus.SUBMITTED, now=now
        )
        [note] = notifications.notify(
            session, [people["crew"].id], proposals.NOTIFY_APPROVED, now, params={"title": "x"}
        )
        comment = proposals.add_comment(session, people["admin"], proposal.id, "좋아요", now)
        gift = pledge_gift(session, people["crew"], fundraiser, 10_000, False, None, None, now)
        partner_token = partners.issue_partner_token(session, people["admin"], partner, "정산", now)
        cover = images.set_campaign_cover(
            session,
            app.extensions["campaign.storage"],
            ImageLimits(max_bytes=100_000, max_pixels=10_000, max_edge=100),
            open_campaign,
            picture(),
            "숲",
            people["admin"],
            now,
        )
        credentials: dict[str, dict[str, str]] = {"anonymous": {}}
        tokens = {}
        for role, person in people.items():
            tokens[role] = issue_api_token(session, person, "matrix", now)
            credentials[role] = {
                "cookie": start_login_session(session, person, now),
                "bearer": tokens[role].secret,
            }
        credentials["partner"] = {"bearer": partner_token.secret}
        world = World(
            proposal=proposal.id,
            notification=note.id,
            partner=partner.id,
            partner_token=partner_token.token.id,
            integration=hook.integration.id,
            hook=hook.integration.key,
            bystander=bystander.id,
            user_token=tokens["user"].token.id,
            gift=gift.gift.id,
            image=cover.image.key,
            cheer=cheer.id,
            comment=comment.id,
        )
        return world, credentials


# Statuses in the order of CALLERS:
#   anonymous, user, unverified, crew, admin, partner
MATRIX: dict[tuple[str, str], Case] = {
    # -- public pages ---------------------------------------------------------------------
    ("GET", "/"): Case("/", (200, 200, 200, 200, 200, 200)),
    ("GET", "/healthz"): Case("/healthz", (200, 200, 200, 200, 200, 200)),
    ("GET", "/favicon.ico"): Case("/favicon.ico", (301, 301, 301, 301, 301, 301)),
    # Public probes: not ready (503) for everyone until the scheduler leader has swept.
    ("GET", "/readyz"): Case("/readyz", (503, 503, 503, 503, 503, 503)),
    # Loopback callers (the test client) read metrics without METRICS_TOKEN (test_observability
    # covers the token and remote addresses).
    ("GET", "/metrics"): Case("/metrics", (200, 200, 200, 200, 200, 200)),
    ("GET", "/static/<path:filename>"): Case("/static/app.css", (200, 200, 200, 200, 200, 200)),
    ("GET", "/lang/<code>"): Case("/lang/en", (302, 302, 302, 302, 302, 302)),
    ("GET", "/c/<slug>"): Case("/c/open", (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/docs"): Case("/api/docs", (200, 200, 200, 200, 200, 200)),
    # Images are public under their content's address (covers of internal campaigns too: the
    # address is a SHA-256 that only their pages reveal).
    ("GET", "/media/<key>"): Case("/media/{image}", (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/openapi.json"): Case("/api/v1/openapi.json", (200, 200, 200, 200, 200, 200)),
    # -- accounts ---------------------------------------------------------------------------
    ("GET", "/signup"): Case("/signup", (200, 302, 302, 302, 302, 200)),
    ("POST", "/signup"): Case("/signup", (200, 302, 302, 302, 302, 200), {}),
    ("GET", "/login"): Case("/login", (200, 200, 200, 200, 200, 200)),
    ("POST", "/login"): Case("/login", (200, 200, 200, 200, 200, 200), {}),
    ("POST", "/logout"): Case("/logout", (302, 302, 302, 302, 302, 302), {}),
    ("GET", "/verify/<token>"): Case("/verify/forged", (400, 400, 400, 400, 400, 400)),
    ("GET", "/password/forgot"): Case("/password/forgot", (200, 200, 200, 200, 200, 200)),
    ("POST", "/password/forgot"): Case("/password/forgot", (200, 200, 200, 200, 200, 200), {}),
    ("GET", "/password/reset/<token>"): Case(
        "/password/reset/forged", (400, 400, 400, 400, 400, 400)
    ),
    ("POST", "/password/reset/<token>"): Case(
        "/password/reset/forged", (400, 400, 400, 400, 400, 400), {}
    ),
    ("GET", "/account"): Case("/account", (302, 200, 200, 200, 200, 302)),
    ("POST", "/account/password"): Case("/account/password", (302, 200, 200, 200, 200, 302), {}),
    ("POST", "/account/tokens"): Case("/account/tokens", (302, 200, 200, 200, 200, 302), {}),
    ("POST", "/account/tokens/<int:token_id>/revoke"): Case(
        "/account/tokens/{user_token}/revoke", (302, 302, 404, 404, 404, 302), {}
    ),
    ("POST", "/account/verification"): Case(
        "/account/verification", (302, 302, 302, 302, 302, 302), {}
    ),
    ("GET", "/me"): Case("/me", (302, 200, 200, 200, 200, 302)),
    # Account control: the signed-in person's own account only (an empty form: wrong password).
    ("GET", "/account/email"): Case("/account/email", (302, 200, 200, 200, 200, 302)),
    ("POST", "/account/email"): Case("/account/email", (302, 200, 200, 200, 200, 302), {}),
    ("GET", "/account/email/<token>"): Case(
        "/account/email/forged", (400, 400, 400, 400, 400, 400)
    ),
    ("GET", "/account/data"): Case("/account/data", (302, 200, 200, 200, 200, 302)),
    ("GET", "/account/delete"): Case("/account/delete", (302, 200, 200, 200, 200, 302)),
    ("POST", "/account/delete"): Case("/account/delete", (302, 200, 200, 200, 200, 302), {}),
    # -- taking part ------------------------------------------------------------------------
    ("POST", "/c/<slug>/join"): Case("/c/open/join", (302, 302, 302, 302, 302, 302), {}),
    ("POST", "/c/<slug>/actions"): Case("/c/open/actions", (302, 422, 422, 422, 422, 302), {}),
    ("POST", "/c/<slug>/cheers/<int(max=9223372036854775807):message_id>/report"): Case(
        "/c/open/cheers/{cheer}/report", (302, 302, 302, 302, 302, 302), {}
    ),
    ("GET", "/c/<slug>/gifts"): Case("/c/crew-drive/gifts", (404, 404, 404, 200, 200, 404)),
    ("POST", "/c/<slug>/gifts"): Case("/c/crew-drive/gifts", (302, 404, 404, 302, 302, 302), {}),
    ("POST", "/c/<slug>/gifts/<int(max=9223372036854775807):pledge_id>/cancel"): Case(
        "/c/crew-drive/gifts/{gift}/cancel", (302, 404, 404, 302, 404, 302), {}
    ),
    ("POST", "/c/<slug>/receipt"): Case(
        "/c/crew-drive/receipt", (302, 404, 404, 302, 302, 302), {}
    ),
    ("GET", "/notifications"): Case("/notifications", (302, 200, 200, 200, 200, 302)),
    ("POST", "/notifications/read"): Case(
        "/notifications/read", (302, 302, 302, 302, 302, 302), {}
    ),
    ("POST", "/notifications/<int(max=9223372036854775807):notification_id>/open"): Case(
        "/notifications/{notification}/open", (302, 404, 404, 302, 404, 302), {}
    ),
    # -- crew ---------------------------------------------------------------------------------
    ("GET", "/crew/"): Case("/crew/", (302, 404, 404, 200, 200, 302)),
    ("GET", "/crew/proposals/new"): Case("/crew/proposals/new", (302, 404, 404, 200, 200, 302)),
    ("POST", "/crew/proposals/new"): Case(
        "/crew/proposals/new", (302, 404, 404, 200, 200, 302), {}
    ),
    ("GET", "/crew/proposals/<int(max=9223372036854775807):proposal_id>"): Case(
        "/crew/proposals/{proposal}", (302, 404, 404, 200, 200, 302)
    ),
    ("GET", "/crew/proposals/<int(max=9223372036854775807):proposal_id>/edit"): Case(
        "/crew/proposals/{proposal}/edit", (302, 404, 404, 409, 403, 302)
    ),
    ("POST", "/crew/proposals/<int(max=9223372036854775807):proposal_id>/edit"): Case(
        "/crew/proposals/{proposal}/edit", (302, 404, 404, 409, 403, 302), {}
    ),
    # The proposal is in review: nobody may change its cover now (its author: 409).
    ("POST", "/crew/proposals/<int(max=9223372036854775807):proposal_id>/cover"): Case(
        "/crew/proposals/{proposal}/cover", (302, 404, 404, 409, 403, 302), {}
    ),
    ("POST", "/crew/proposals/<int(max=9223372036854775807):proposal_id>/comments"): Case(
        "/crew/proposals/{proposal}/comments", (302, 404, 404, 200, 200, 302), {}
    ),
    # crew reports admin's comment; admin's own report is refused with a message (302 too).
    (
        "POST",
        "/crew/proposals/<int(max=9223372036854775807):proposal_id>/comments/"
        "<int(max=9223372036854775807):comment_id>/report",
    ): Case(
        "/crew/proposals/{proposal}/comments/{comment}/report",
        (302, 404, 404, 302, 302, 302),
        {},
    ),
    ("POST", "/crew/proposals/<int(max=9223372036854775807):proposal_id>/endorse"): Case(
        "/crew/proposals/{proposal}/endorse", (302, 404, 404, 403, 302, 302), {}
    ),
    ("POST", "/crew/proposals/<int(max=9223372036854775807):proposal_id>/submit"): Case(
        "/crew/proposals/{proposal}/submit", (302, 404, 404, 409, 403, 302), {}
    ),
    ("POST", "/crew/proposals/<int(max=9223372036854775807):proposal_id>/withdraw"): Case(
        "/crew/proposals/999999/withdraw", (302, 404, 404, 404, 404, 302), {}
    ),
    # -- admin --------------------------------------------------------------------------------
    ("GET", "/admin/audit"): Case("/admin/audit", (302, 403, 403, 403, 200, 302)),
    ("GET", "/admin/campaigns"): Case("/admin/campaigns", (302, 403, 403, 403, 200, 302)),
    ("GET", "/admin/campaigns/<slug>"): Case(
        "/admin/campaigns/open", (302, 403, 403, 403, 200, 302)
    ),
    ("GET", "/admin/campaigns/new"): Case("/admin/campaigns/new", (302, 403, 403, 403, 200, 302)),
    ("POST", "/admin/campaigns/new"): Case(
        "/admin/campaigns/new", (302, 403, 403, 403, 422, 302), {"kind": "team"}
    ),
    ("GET", "/admin/campaigns/<slug>/content"): Case(
        "/admin/campaigns/open/content", (302, 403, 403, 403, 200, 302)
    ),
    ("POST", "/admin/campaigns/<slug>/content"): Case(
        "/admin/campaigns/open/content", (302, 403, 403, 403, 422, 302), {}
    ),
    ("POST", "/admin/campaigns/<slug>/purse"): Case(
        "/admin/campaigns/open/purse", (302, 403, 403, 403, 422, 302), {}
    ),
    ("POST", "/admin/campaigns/<slug>/next-season"): Case(
        "/admin/campaigns/open/next-season", (302, 403, 403, 403, 422, 302), {}
    ),
    ("POST", "/admin/campaigns/<slug>/<any(open, pause, resume, close, settle):transition>"): Case(
        "/admin/campaigns/open/resume", (302, 403, 403, 403, 302, 302), {}
    ),
    ("POST", "/admin/campaigns/<slug>/acknowledge"): Case(
        "/admin/campaigns/open/acknowledge", (302, 403, 403, 403, 302, 302), {}
    ),
    # An admin without a file is told so on the page (the redirect back).
    ("POST", "/admin/campaigns/<slug>/cover"): Case(
        "/admin/campaigns/open/cover", (302, 403, 403, 403, 302, 302), {}
    ),
    ("POST", "/admin/campaigns/<slug>/cancel"): Case(
        "/admin/campaigns/open/cancel", (302, 403, 403, 403, 422, 302), {}
    ),
    ("POST", "/admin/campaigns/<slug>/export"): Case(
        "/admin/campaigns/open/export", (302, 403, 403, 403, 302, 302), {}
    ),
    ("POST", "/admin/campaigns/<slug>/extend"): Case(
        "/admin/campaigns/open/extend", (302, 403, 403, 403, 422, 302), {}
    ),
    # -- corrections, results, sponsors (ops) ---------------------------------------------------
    ("GET", "/admin/campaigns/<slug>/corrections"): Case(
        "/admin/campaigns/open/corrections", (302, 403, 403, 403, 200, 302)
    ),
    ("POST", "/admin/campaigns/<slug>/void"): Case(
        "/admin/campaigns/open/void", (302, 403, 403, 403, 422, 302), {}
    ),
    # Not closed yet: no winners to export.
    ("GET", "/admin/campaigns/<slug>/winners.csv"): Case(
        "/admin/campaigns/open/winners.csv", (302, 403, 403, 403, 404, 302)
    ),
    ("POST", "/admin/campaigns/<slug>/sponsors"): Case(
        "/admin/campaigns/open/sponsors", (302, 403, 403, 403, 302, 302), {}
    ),
    ("GET", "/admin/campaigns/<slug>/sponsor-statement"): Case(
        "/admin/campaigns/open/sponsor-statement", (302, 403, 403, 403, 200, 302)
    ),
    ("GET", "/admin/campaigns/<slug>/sponsor-statement.csv"): Case(
        "/admin/campaigns/open/sponsor-statement.csv", (302, 403, 403, 403, 200, 302)
    ),
    ("GET", "/admin/sponsors"): Case("/admin/sponsors", (302, 403, 403, 403, 200, 302)),
    ("GET", "/admin/sponsors/new"): Case("/admin/sponsors/new", (302, 403, 403, 403, 200, 302)),
    ("POST", "/admin/sponsors/new"): Case(
        "/admin/sponsors/new", (302, 403, 403, 403, 422, 302), {}
    ),
    ("GET", "/admin/sponsors/<int(max=9223372036854775807):sponsor_id>"): Case(
        "/admin/sponsors/999999", (302, 403, 403, 403, 404, 302)
    ),
    ("POST", "/admin/sponsors/<int(max=9223372036854775807):sponsor_id>"): Case(
        "/admin/sponsors/999999", (302, 403, 403, 403, 404, 302), {}
    ),
    ("POST", "/admin/sponsors/<int(max=9223372036854775807):sponsor_id>/logo"): Case(
        "/admin/sponsors/999999/logo", (302, 403, 403, 403, 404, 302), {}
    ),
    # Only a drawn winner of a closed campaign has a prize page.
    ("GET", "/c/<slug>/prize"): Case("/c/open/prize", (302, 404, 404, 404, 404, 302)),
    ("POST", "/c/<slug>/prize"): Case("/c/open/prize", (302, 404, 404, 404, 404, 302), {}),
    ("GET", "/admin/integrations"): Case("/admin/integrations", (302, 403, 403, 403, 200, 302)),
    ("GET", "/admin/integrations/<int:integration_id>"): Case(
        "/admin/integrations/{integration}", (302, 403, 403, 403, 200, 302)
    ),
    ("POST", "/admin/integrations/<int:integration_id>/deactivate"): Case(
        "/admin/integrations/999999/deactivate", (302, 403, 403, 403, 404, 302), {}
    ),
    ("POST", "/admin/integrations/<int:integration_id>/rotate"): Case(
        "/admin/integrations/999999/rotate", (302, 403, 403, 403, 404, 302), {}
    ),
    ("POST", "/admin/integrations/new"): Case(
        "/admin/integrations/new", (302, 403, 403, 403, 200, 302), {}
    ),
    ("GET", "/admin/moderation"): Case("/admin/moderation", (302, 403, 403, 403, 200, 302)),
    (
        "POST",
        "/admin/moderation/<any(cheer, comment):subject>/<int(max=9223372036854775807):item_id>"
        "/hide",
    ): Case(
        "/admin/moderation/cheer/{cheer}/hide",
        (302, 403, 403, 403, 302, 302),
        {"reason": "욕설"},
    ),
    (
        "POST",
        "/admin/moderation/<any(cheer, comment):subject>/<int(max=9223372036854775807):item_id>"
        "/restore",
    ): Case("/admin/moderation/comment/{comment}/restore", (302, 403, 403, 403, 302, 302), {}),
    ("GET", "/admin/partners"): Case("/admin/partners", (302, 403, 403, 403, 200, 302)),
    ("GET", "/admin/partners/new"): Case("/admin/partners/new", (302, 403, 403, 403, 200, 302)),
    ("POST", "/admin/partners/new"): Case(
        "/admin/partners/new", (302, 403, 403, 403, 200, 302), {}
    ),
    ("GET", "/admin/partners/<int:partner_id>"): Case(
        "/admin/partners/{partner}", (302, 403, 403, 403, 200, 302)
    ),
    ("POST", "/admin/partners/<int:partner_id>"): Case(
        "/admin/partners/{partner}", (302, 403, 403, 403, 302, 302), {}
    ),
    ("POST", "/admin/partners/<int:partner_id>/logo"): Case(
        "/admin/partners/{partner}/logo", (302, 403, 403, 403, 302, 302), {}
    ),
    ("POST", "/admin/partners/<int:partner_id>/tokens"): Case(
        "/admin/partners/999999/tokens", (302, 403, 403, 403, 404, 302), {}
    ),
    ("POST", "/admin/partners/<int:partner_id>/tokens/<int:token_id>/revoke"): Case(
        "/admin/partners/{partner}/tokens/999999/revoke", (302, 403, 403, 403, 404, 302), {}
    ),
    ("GET", "/admin/proposals"): Case("/admin/proposals", (302, 403, 403, 403, 200, 302)),
    ("GET", "/admin/proposals/<int(max=9223372036854775807):proposal_id>"): Case(
        "/admin/proposals/{proposal}", (302, 403, 403, 403, 200, 302)
    ),
    ("GET", "/admin/proposals/<int(max=9223372036854775807):proposal_id>/approve"): Case(
        "/admin/proposals/{proposal}/approve", (302, 403, 403, 403, 200, 302)
    ),
    ("POST", "/admin/proposals/<int(max=9223372036854775807):proposal_id>/approve"): Case(
        "/admin/proposals/{proposal}/approve", (302, 403, 403, 403, 200, 302), {}
    ),
    ("POST", "/admin/proposals/<int(max=9223372036854775807):proposal_id>/reject"): Case(
        "/admin/proposals/{proposal}/reject", (302, 403, 403, 403, 200, 302), {}
    ),
    ("POST", "/admin/proposals/<int(max=9223372036854775807):proposal_id>/return"): Case(
        "/admin/proposals/{proposal}/return", (302, 403, 403, 403, 200, 302), {}
    ),
    ("GET", "/admin/scheduled/<slug>/edit"): Case(
        "/admin/scheduled/upcoming/edit", (302, 403, 403, 403, 200, 302)
    ),
    ("POST", "/admin/scheduled/<slug>/edit"): Case(
        "/admin/scheduled/upcoming/edit", (302, 403, 403, 403, 200, 302), {}
    ),
    ("GET", "/admin/users"): Case("/admin/users", (302, 403, 403, 403, 200, 302)),
    ("POST", "/admin/users/<int:user_id>/active"): Case(
        "/admin/users/{bystander}/active", (302, 403, 403, 403, 302, 302), {"active": "1"}
    ),
    ("POST", "/admin/users/<int:user_id>/role"): Case(
        "/admin/users/{bystander}/role", (302, 403, 403, 403, 302, 302), {"role": "user"}
    ),
    # -- the API ------------------------------------------------------------------------------
    ("POST", "/api/v1/users"): Case("/api/v1/users", (422, 422, 422, 422, 422, 422), {}),
    ("POST", "/api/v1/tokens"): Case("/api/v1/tokens", (422, 422, 422, 422, 422, 422), {}),
    ("GET", "/api/v1/campaigns"): Case("/api/v1/campaigns", (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/campaigns/<slug>"): Case(
        "/api/v1/campaigns/crew-drive", (404, 404, 404, 200, 200, 404)
    ),
    ("GET", "/api/v1/campaigns/<slug>/progress"): Case(
        "/api/v1/campaigns/crew-drive/progress", (404, 404, 404, 200, 200, 404)
    ),
    ("POST", "/api/v1/campaigns/<slug>/participants"): Case(
        "/api/v1/campaigns/open/participants", (401, 201, 201, 201, 201, 401), {}
    ),
    ("POST", "/api/v1/campaigns/<slug>/actions"): Case(
        "/api/v1/campaigns/open/actions", (401, 422, 422, 422, 422, 401), {}
    ),
    ("GET", "/api/v1/me/giving"): Case("/api/v1/me/giving", (401, 200, 200, 200, 200, 401)),
    ("GET", "/api/v1/me/campaigns"): Case("/api/v1/me/campaigns", (401, 200, 200, 200, 200, 401)),
    ("GET", "/api/v1/me/draws"): Case("/api/v1/me/draws", (401, 200, 200, 200, 200, 401)),
    ("POST", "/api/v1/hooks/<key>"): Case(
        "/api/v1/hooks/{hook}", (401, 401, 401, 401, 401, 401), {}
    ),
    ("GET", "/api/v1/partner/settlements"): Case(
        "/api/v1/partner/settlements", (401, 401, 401, 401, 401, 200)
    ),
    ("GET", "/api/v1/partner/settlements/<slug>"): Case(
        "/api/v1/partner/settlements/open", (401, 401, 401, 401, 401, 404)
    ),
    ("GET", "/api/v1/partner/settlements/<slug>/export"): Case(
        "/api/v1/partner/settlements/open/export", (401, 401, 401, 401, 401, 404)
    ),
    # Only a partner's token gets past 401; a receipt that is not the partner's is 404 (the
    # issuing partner's 200 and another partner's 404 are in test_receipt_numbers.py).
    ("POST", "/api/v1/partner/receipts/<int(max=9223372036854775807):receipt_id>/status"): Case(
        "/api/v1/partner/receipts/999999/status", (401, 401, 401, 401, 401, 404), {}
    ),
}


def _route_methods(app: Flask) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_and_method_has_a_decision(app: Flask) -> None:
    routes = _route_methods(app)
    undecided = sorted(routes - set(MATRIX))
    assert not undecided, f"add these to MATRIX with the status for each caller: {undecided}"
    assert not sorted(set(MATRIX) - routes), "MATRIX lists routes the app does not have"


def _call(client: FlaskClient, case: Case, world: World, credentials: dict[str, str]) -> int:
    path = case.path.format(**{f.name: getattr(world, f.name) for f in fields(World)})
    headers = dict(case.headers or {})
    api = path.startswith("/api/")
    if "bearer" in credentials and (api or "cookie" not in credentials):
        headers["Authorization"] = f"Bearer {credentials['bearer']}"
    if "cookie" in credentials and not api:
        with client.session_transaction() as cookie:
            cookie["_user_id"] = credentials["cookie"]
            cookie["_fresh"] = True
    if case.data is None:
        response = client.get(path, headers=headers)
    elif api:
        response = client.post(path, json=case.data, headers=headers)
    else:
        response = client.post(path, data=case.data, headers=headers)
    response.close()  # a static file's answer holds the file open
    return response.status_code


@pytest.mark.parametrize("route", sorted(MATRIX), ids=" ".join)
def test_caller_by_route(app: Flask, route: tuple[str, str]) -> None:
    case = MATRIX[route]
    world, credentials = build(app)
    got = tuple(_call(app.test_client(), case, world, credentials[c]) for c in CALLERS)
    assert got == case.expected, dict(zip(CALLERS, got, strict=True))
