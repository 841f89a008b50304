"""Who gets what from every crew, review, giving and notification route: the exact status for a
visitor, a user, a crew member, a crew member who already endorsed, the author and an admin.

Nobody outside the crew can see, open or guess their way into the crew area: a visitor is asked
to log in whatever the address, a signed-in non-crew user gets 404 for every crew page (the same
answer as for an address that does not exist), and a draft is 404 to everyone but its author.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from campaign.db import database
from campaign.models import CampaignStatus, ProposalStatus, Role
from campaign.rules.calendar import end_bound, kst_day, start_of_day
from campaign.services import notifications, proposals
from campaign.services.accounts import start_login_session
from campaign.services.fundraising import pledge_gift
from tests.factories import PASSWORD, make_fundraiser, make_partner, make_proposal, make_user
from tests.web.helpers import AuthActions
from tests.web.test_crew import clock

DAY = timedelta(days=1)
BLUEPRINTS = ("crew", "admin_review", "fundraiser", "notifications")
ROLES = ("visitor", "user", "crew", "other_crew", "author", "admin")
EMAILS = {
    "user": "user@example.com",
    "crew": "crew@aesseuji.example",
    "other_crew": "endorser@aesseuji.example",
    "author": "author@aesseuji.example",
    "admin": "admin@aesseuji.example",
}


@dataclass(frozen=True)
class World:
    draft: int  # the author's draft
    submitted: int  # the author's proposal in review, endorsed by other_crew
    gift: int  # the author's gift to the crew-only fundraiser
    notification: int  # one of the author's notifications
    comment: int  # other_crew's comment on the proposal in review
    tokens: dict[str, str]  # a log-in session for each signed-in role


def build(app: Flask) -> World:
    now = clock()
    today = kst_day(now)
    with database(app).transaction() as session:
        people = {
            "user": make_user(session, email=EMAILS["user"]),
            "crew": make_user(session, email=EMAILS["crew"], role=Role.CREW),
            "other_crew": make_user(session, email=EMAILS["other_crew"], role=Role.CREW),
            "author": make_user(session, email=EMAILS["author"], role=Role.CREW),
            "admin": make_user(session, email=EMAILS["admin"], role=Role.ADMIN),
        }
        partner = make_partner(session)
        author = people["author"]
        draft = make_proposal(session, author, partner=partner, title="초안", now=now)
        submitted = make_proposal(
            session, author, partner=partner, status=ProposalStatus.SUBMITTED, now=now
        )
        proposals.endorse(session, people["other_crew"], submitted.id, now)
        comment = proposals.add_comment(session, people["other_crew"], submitted.id, "글", now)
        fundraiser = make_fundraiser(
            session, slug="crew-only", partner=partner, starts_at=now - DAY, ends_at=now + DAY
        )
        make_fundraiser(
            session,
            slug="upcoming",
            partner=partner,
            status=CampaignStatus.SCHEDULED,
            starts_at=start_of_day(today + 3 * DAY),
            ends_at=end_bound(today + 6 * DAY),
        )
        gift = pledge_gift(session, author, fundraiser, 10_000, False, None, None, now).gift
        [note] = notifications.notify(
            session, [author.id], proposals.NOTIFY_APPROVED, now, params={"title": "초안"}
        )
        # Log-in sessions made directly: the log-in form itself is tested in test_auth.py, and
        # checking a password (scrypt) for each of these hundreds of cases costs minutes.
        tokens = {
            role: start_login_session(session, person, now) for role, person in people.items()
        }
        return World(draft.id, submitted.id, gift.id, note.id, comment.id, tokens)


# (method, path template, form data)
ROUTES = {
    "crew home": ("GET", "/crew/", None),
    "new proposal form": ("GET", "/crew/proposals/new", None),
    "new proposal (empty form)": ("POST", "/crew/proposals/new", {}),
    "draft": ("GET", "/crew/proposals/{draft}", None),
    "proposal in review": ("GET", "/crew/proposals/{submitted}", None),
    "missing proposal": ("GET", "/crew/proposals/999999", None),
    "huge id": ("GET", "/crew/proposals/99999999999999999999", None),
    "edit draft form": ("GET", "/crew/proposals/{draft}/edit", None),
    "edit draft (empty form)": ("POST", "/crew/proposals/{draft}/edit", {}),
    "edit proposal in review": ("GET", "/crew/proposals/{submitted}/edit", None),
    "submit draft": ("POST", "/crew/proposals/{draft}/submit", {}),
    "submit again": ("POST", "/crew/proposals/{submitted}/submit", {}),
    "withdraw": ("POST", "/crew/proposals/{submitted}/withdraw", {}),
    "withdraw draft": ("POST", "/crew/proposals/{draft}/withdraw", {}),
    "endorse": ("POST", "/crew/proposals/{submitted}/endorse", {}),
    "endorse draft": ("POST", "/crew/proposals/{draft}/endorse", {}),
    "comment": ("POST", "/crew/proposals/{submitted}/comments", {"body": "좋아요"}),
    "report a comment": ("POST", "/crew/proposals/{submitted}/comments/{comment}/report", {}),
    "report it through the draft": (
        "POST",
        "/crew/proposals/{draft}/comments/{comment}/report",
        {},
    ),
    "review queue": ("GET", "/admin/proposals", None),
    "review page": ("GET", "/admin/proposals/{submitted}", None),
    "review page of a draft": ("GET", "/admin/proposals/{draft}", None),
    "approve form": ("GET", "/admin/proposals/{submitted}/approve", None),
    "approve (empty form)": ("POST", "/admin/proposals/{submitted}/approve", {}),
    "send back (no comment)": ("POST", "/admin/proposals/{submitted}/return", {}),
    "reject (no reason)": ("POST", "/admin/proposals/{submitted}/reject", {}),
    "reject": ("POST", "/admin/proposals/{submitted}/reject", {"reject-reason": "아니요"}),
    "edit scheduled form": ("GET", "/admin/scheduled/upcoming/edit", None),
    "edit scheduled (empty form)": ("POST", "/admin/scheduled/upcoming/edit", {}),
    "giving page": ("GET", "/c/crew-only/gifts", None),
    "give": (
        "POST",
        "/c/crew-only/gifts",
        {"quick": "10000", "idempotency_key": "k", "confirmed": "1"},
    ),
    "cancel the author's gift": ("POST", "/c/crew-only/gifts/{gift}/cancel", {}),
    "ask for a receipt": ("POST", "/c/crew-only/receipt", {"legal_name": "홍길동"}),
    "notifications": ("GET", "/notifications", None),
    "mark all read": ("POST", "/notifications/read", {}),
    "open the author's notification": ("POST", "/notifications/{notification}/open", {}),
}

# The expected status per role, in the order of ROLES:
#            visitor user crew other_crew author admin
EXPECTED = {
    "crew home": (302, 404, 200, 200, 200, 200),
    "new proposal form": (302, 404, 200, 200, 200, 200),
    "new proposal (empty form)": (302, 404, 200, 200, 200, 200),
    "draft": (302, 404, 404, 404, 200, 404),
    "proposal in review": (302, 404, 200, 200, 200, 200),
    "missing proposal": (302, 404, 404, 404, 404, 404),
    "huge id": (404, 404, 404, 404, 404, 404),  # no such address at all
    "edit draft form": (302, 404, 404, 404, 200, 404),
    "edit draft (empty form)": (302, 404, 404, 404, 200, 404),
    "edit proposal in review": (302, 404, 403, 403, 409, 403),
    "submit draft": (302, 404, 404, 404, 302, 404),
    "submit again": (302, 404, 403, 403, 409, 403),
    "withdraw": (302, 404, 403, 403, 302, 403),
    "withdraw draft": (302, 404, 404, 404, 409, 404),
    "endorse": (302, 404, 302, 409, 403, 302),
    "endorse draft": (302, 404, 404, 404, 403, 404),
    "comment": (302, 404, 302, 302, 302, 302),
    # other_crew wrote it: their own report is refused with a message, back on the page.
    "report a comment": (302, 404, 302, 302, 302, 302),
    "report it through the draft": (302, 404, 404, 404, 404, 404),
    "review queue": (302, 403, 403, 403, 403, 200),
    "review page": (302, 403, 403, 403, 403, 200),
    "review page of a draft": (302, 403, 403, 403, 403, 404),
    "approve form": (302, 403, 403, 403, 403, 200),
    "approve (empty form)": (302, 403, 403, 403, 403, 200),
    "send back (no comment)": (302, 403, 403, 403, 403, 200),
    "reject (no reason)": (302, 403, 403, 403, 403, 200),
    "reject": (302, 403, 403, 403, 403, 302),
    "edit scheduled form": (302, 403, 403, 403, 403, 200),
    "edit scheduled (empty form)": (302, 403, 403, 403, 403, 200),
    "giving page": (404, 404, 200, 200, 200, 200),
    "give": (302, 404, 302, 302, 302, 302),
    "cancel the author's gift": (302, 404, 404, 404, 302, 404),
    "ask for a receipt": (302, 404, 302, 302, 302, 302),
    "notifications": (302, 200, 200, 200, 200, 200),
    "mark all read": (302, 302, 302, 302, 302, 302),
    "open the author's notification": (302, 404, 404, 404, 302, 404),
}


def _pattern(path: str) -> str:
    """/crew/proposals/{draft}/edit and /crew/proposals/<int:proposal_id>/edit → the same."""
    path = re.sub(r"<[^>]+>|\{[^}]+\}|\b[0-9]+\b", "<>", path)
    return re.sub(r"/c/(crew-only|upcoming)/|/scheduled/(crew-only|upcoming)/", _slug, path)


def _slug(match: re.Match[str]) -> str:
    return match.group(0).replace(match.group(1) or match.group(2), "<>")


def test_the_table_covers_every_route_of_these_blueprints(app: Flask) -> None:
    """A route added to the crew area, the review, giving or notifications must be added here."""
    covered = {(method, _pattern(path)) for method, path, _ in ROUTES.values()}
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.partition(".")[0] not in BLUEPRINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            assert (method, _pattern(rule.rule)) in covered, (method, rule.rule)
            checked += 1
    assert checked == 26
    assert set(EXPECTED) == set(ROUTES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", list(ROUTES))
def test_role_by_route(app: Flask, client: FlaskClient, route: str, role: str) -> None:
    world = build(app)
    if role != "visitor":
        with client.session_transaction() as cookie:
            cookie["_user_id"] = world.tokens[role]
            cookie["_fresh"] = True
    method, path, data = ROUTES[route]
    url = path.format(
        draft=world.draft,
        submitted=world.submitted,
        gift=world.gift,
        notification=world.notification,
        comment=world.comment,
    )
    response = client.get(url) if method == "GET" else client.post(url, data=data)
    expected = EXPECTED[route][ROLES.index(role)]
    assert response.status_code == expected, (route, role, response.status_code)
    if role == "visitor" and expected == 302:
        assert response.headers["Location"].startswith("/login")


def test_a_real_log_in_gets_the_same_answers(app: Flask, client: FlaskClient) -> None:
    """The shortcut above stands for logging in through the form."""
    world = build(app)
    assert AuthActions(client).login(EMAILS["user"], PASSWORD).status_code == 302
    assert client.get("/crew/").status_code == 404
    assert client.get(f"/crew/proposals/{world.submitted}").status_code == 404
    AuthActions(client).logout()
    assert AuthActions(client).login(EMAILS["crew"], PASSWORD).status_code == 302
    assert client.get(f"/crew/proposals/{world.submitted}").status_code == 200
    assert client.get(f"/crew/proposals/{world.draft}").status_code == 404
