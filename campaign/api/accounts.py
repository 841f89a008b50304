"""Accounts for programs: sign up and exchange an email and password for a bearer token."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from campaign.api.common import json_object, string_field
from campaign.api.openapi import JSON_BODY, RATE_LIMITED, operation
from campaign.api.schemas import ref
from campaign.db import get_session
from campaign.extensions import limiter
from campaign.models import ApiToken, User
from campaign.models.types import utcnow
from campaign.services import accounts, webhooks

bp = Blueprint("api_accounts", __name__, url_prefix="/api/v1")

AUTH_LIMIT = "10 per minute"


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role.value,
    }


def token_json(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at.isoformat(),
    }


@bp.post("/users")
@operation(
    "Sign up",
    tag="accounts",
    description="Addresses of the company's domains start as crew.",
    request=ref("SignUpRequest"),
    responses={201: ("The new account.", ref("User"))},
    errors=(*JSON_BODY, "email_taken", *RATE_LIMITED),
)
@limiter.limit(AUTH_LIMIT)
def sign_up() -> Any:
    body = json_object()
    session = get_session()
    user = accounts.sign_up(
        session,
        email=string_field(body, "email"),
        password=string_field(body, "password"),
        display_name=string_field(body, "display_name"),
        crew_domains=current_app.config["CREW_EMAIL_DOMAINS"],
        now=utcnow(),
    )
    webhooks.credit_pending(session, user, utcnow())  # partner events sent before sign-up
    session.commit()
    return jsonify(user_json(user)), 201


@bp.post("/tokens")
@operation(
    "Get an API token",
    tag="accounts",
    description="Exchange an email and password for a bearer token (shown once).",
    request=ref("TokenRequest"),
    responses={201: ("The token; keep it secret.", ref("IssuedToken"))},
    errors=(*JSON_BODY, "bad_credentials", *RATE_LIMITED),
)
@limiter.limit(AUTH_LIMIT)
def issue_token() -> Any:
    body = json_object()
    session = get_session()
    user = accounts.authenticate(
        session, string_field(body, "email"), string_field(body, "password")
    )
    issued = accounts.issue_api_token(
        session, user, string_field(body, "name", required=False), utcnow()
    )
    session.commit()
    return jsonify(token=issued.secret, **token_json(issued.token)), 201
