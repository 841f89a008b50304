"""Campaigns for programs: list, detail, live progress; join and record actions with a token.

Reads are public (a crew member's token also shows internal campaigns). Writes need a user
token; recording an action honours an ``Idempotency-Key`` header, so a client that retries after
a timeout never counts twice: the replay answers like the first time, marked
``Idempotent-Replayed: true``.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, jsonify, request
from flask_limiter.util import get_remote_address

from campaign.api.campaign_json import (
    campaign_json,
    campaign_summary_json,
    participant_json,
    progress_json,
    recorded_json,
)
from campaign.api.common import (
    api_user,
    bearer_token,
    json_object,
    optional_string,
    user_required,
)
from campaign.api.openapi import (
    JSON_BODY,
    NEEDS_TOKEN,
    OPTIONAL_USER,
    RATE_LIMITED,
    USER,
    header,
    operation,
    query,
)
from campaign.api.schemas import ref
from campaign.db import get_session
from campaign.errors import Invalid
from campaign.extensions import action_limit, join_limit, limiter
from campaign.models import Campaign, User
from campaign.models.types import utcnow
from campaign.rules.cheers import MESSAGE_MAX
from campaign.rules.evidence import EVIDENCE_MAX, KEY_MAX
from campaign.services.campaigns import find_campaign, visible_campaigns
from campaign.services.cheers import record_with_message
from campaign.services.onboarding import join_and_credit
from campaign.services.progress import progress

bp = Blueprint("api_campaigns", __name__, url_prefix="/api/v1")

ACTION_CODE_MAX = 40
TEAM_CODE_MAX = 40
REPLAYED_HEADER = "Idempotent-Replayed"
PROGRESS_ANSWERS_MAX = 1_000  # remembered anonymous progress answers per process
READ_ERRORS = ("not_found", *NEEDS_TOKEN)


def per_user_key() -> str:
    user = api_user()
    return f"user:{user.id}" if user is not None else f"ip:{get_remote_address()}"


def reader() -> User | None:
    """Who reads: nobody without a token, the token's user with one. A token that is sent but
    unknown, revoked or of a deactivated user is refused rather than silently ignored; a
    partner's token reads what the public reads."""
    if not request.headers.get("Authorization"):
        return None
    token = bearer_token()
    if token is None:
        abort(401)
    if token.user_id is None:
        return None
    user = api_user()
    if user is None:
        abort(401)
    return user


def _load(slug: str, viewer: User | None) -> Campaign:
    return find_campaign(get_session(), slug, viewer)


def _flag(name: str) -> bool:
    """A boolean query parameter: absent, ``false`` or ``0``; ``true`` or ``1``."""
    raw = request.args.get(name)
    if raw is None or raw in ("false", "0"):
        return False
    if raw in ("true", "1"):
        return True
    raise Invalid(name, "choice")


@bp.get("/campaigns")
@operation(
    "List campaigns",
    tag="campaigns",
    description=(
        "Live and upcoming campaigns with their totals; `?finished=true` lists the finished "
        "ones. A crew member's token also shows internal campaigns."
    ),
    security=OPTIONAL_USER,
    parameters=(
        query("finished", "`true` for finished campaigns.", enum=["true", "false", "1", "0"]),
    ),
    responses={200: ("The campaigns the reader may see.", ref("CampaignList"))},
    errors=("invalid", *NEEDS_TOKEN),
)
def list_campaigns() -> Any:
    """Live and upcoming campaigns (``?finished=true``: the finished ones), with totals."""
    finished = _flag("finished")
    session = get_session()
    now = utcnow()
    campaigns = visible_campaigns(session, reader(), finished=finished)
    return jsonify(
        campaigns=[
            campaign_summary_json(campaign, progress(session, campaign, now))
            for campaign in campaigns
        ]
    )


@bp.get("/campaigns/<slug>")
@operation(
    "A campaign and its rules",
    tag="campaigns",
    description="Story, action types, unit rate, purse, teams, milestones, beneficiaries.",
    security=OPTIONAL_USER,
    responses={200: ("The campaign.", ref("Campaign"))},
    errors=READ_ERRORS,
)
def campaign_detail(slug: str) -> Any:
    return jsonify(campaign_json(_load(slug, reader())))


@bp.get("/campaigns/<slug>/progress")
@operation(
    "Live progress",
    tag="campaigns",
    description="Raised, goal, counts, teams, milestones, the purse left and what one more "
    "action adds right now. Pages poll it every few seconds.",
    security=OPTIONAL_USER,
    responses={200: ("The live numbers.", ref("Progress"))},
    errors=READ_ERRORS,
)
def campaign_progress(slug: str) -> Any:
    public_read = not request.headers.get("Authorization")
    ttl = current_app.config.get("PROGRESS_CACHE_SECONDS", 0)
    remembered = current_app.extensions.setdefault("progress_answers", {})
    if ttl and public_read:
        hit = remembered.get(slug)
        if hit is not None and hit[0] > time.monotonic():
            return _progress_answer(Response(hit[1], mimetype="application/json"), public=True)
    campaign = _load(slug, reader())
    response = jsonify(progress_json(campaign, progress(get_session(), campaign, utcnow())))
    public = public_read and not campaign.internal
    if ttl and public:
        if len(remembered) > PROGRESS_ANSWERS_MAX:
            remembered.clear()
        remembered[slug] = (time.monotonic() + ttl, response.get_data())
    return _progress_answer(response, public=public)


def _progress_answer(response: Response, *, public: bool) -> Response:
    # Pages poll this every few seconds; a shared cache may answer for a moment, and a poller
    # whose numbers have not moved gets a 304 (If-None-Match) instead of the body.
    response.headers["Cache-Control"] = "public, max-age=2" if public else "private, no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.post("/campaigns/<slug>/participants")
@operation(
    "Join a campaign",
    tag="campaigns",
    description="Where there are teams, `team` is required and chosen once.",
    security=USER,
    request=ref("JoinRequest"),
    request_required=False,
    responses={
        201: ("Joined now.", ref("Participation")),
        200: ("Already joined with this team.", ref("Participation")),
    },
    errors=(
        *JSON_BODY,
        *READ_ERRORS,
        "team_required",
        "already_joined",
        "campaign_closed",
        *RATE_LIMITED,
    ),
)
@limiter.limit(join_limit, key_func=per_user_key)
@user_required
def join_campaign(slug: str) -> Any:
    """Join, with ``{"team": "dog"}`` where there are teams. 201 when joined now, 200 when
    already joined with the same team."""
    user: User = g.user
    campaign = _load(slug, user)
    body = json_object() if request.get_data() else {}
    team = optional_string(body, "team", max_length=TEAM_CODE_MAX)
    session = get_session()
    joined = join_and_credit(session, user, campaign, team, utcnow())
    session.refresh(joined.participant)
    body = {"participant": participant_json(campaign, joined.participant)}
    return jsonify(body), 201 if joined.created else 200


@bp.post("/campaigns/<slug>/actions")
@operation(
    "Record an action",
    tag="campaigns",
    description=(
        "Counts one action and pledges what the rules give it (0 when the purse is spent: "
        "the action still counts). Send an `Idempotency-Key` so a retry never counts twice: "
        "the same key again answers like the first time, with `Idempotent-Replayed: true`. "
        "An action type with `message: required` needs a `message` (one line, at most "
        f"{MESSAGE_MAX} characters), shown on the campaign's cheer wall; others take none."
    ),
    security=USER,
    request=ref("ActionRequest"),
    parameters=(
        header(
            "Idempotency-Key",
            "1–100 visible ASCII characters, e.g. a UUID; one per distinct action.",
            minLength=1,
            maxLength=KEY_MAX,
            pattern="^[!-~]+$",
        ),
    ),
    responses={201: ("Counted (or the first answer to this key).", ref("RecordedAction"))},
    errors=(
        *JSON_BODY,
        *READ_ERRORS,
        "campaign_closed",
        "campaign_not_open",
        "not_participant",
        "cap_reached",
        "duplicate_evidence",
        "idempotency_key_reused",
        "request_in_progress",
        *RATE_LIMITED,
    ),
)
@limiter.limit(action_limit, key_func=per_user_key)
@user_required
def record_campaign_action(slug: str) -> Any:
    """Count one action: ``{"action": "vote", "evidence": "...", "message": "..."}`` (a
    message where the action type takes one) plus an optional
    ``Idempotency-Key`` header. 201 with the action, its pledge, any milestone it unlocked and
    the campaign's progress after it."""
    user: User = g.user
    campaign = _load(slug, user)
    body = json_object()
    code = optional_string(body, "action", max_length=ACTION_CODE_MAX)
    if code is None:
        raise Invalid("action", "required")
    evidence = optional_string(body, "evidence", max_length=EVIDENCE_MAX)
    message = optional_string(body, "message", max_length=MESSAGE_MAX)
    session = get_session()
    now = utcnow()
    cheered = record_with_message(
        session,
        user,
        campaign,
        code,
        evidence,
        message,
        request.headers.get("Idempotency-Key"),
        now,
        source="api",
    )
    recorded = cheered.recorded
    answer = recorded_json(campaign, recorded)
    answer["action"]["message"] = cheered.message.text if cheered.message is not None else None
    answer["progress"] = progress_json(campaign, progress(session, campaign, now))
    response = jsonify(answer)
    response.status_code = 201
    if recorded.replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return response
