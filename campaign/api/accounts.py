"""Accounts for programs: sign up and exchange an email and password for a bearer token."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask_babel import gettext as _

from campaign.api.common import json_object, string_field
from campaign.api.openapi import JSON_BODY, RATE_LIMITED, operation
from campaign.api.schemas import ref
from campaign.db import after_commit, get_session, keep_on_error
from campaign.errors import BadCredentials, LoginLocked
from campaign.extensions import limiter
from campaign.http.account_mail import send_sign_up_attempt, send_verification
from campaign.http.error_messages import message_for, status_for
from campaign.http.errors import error_response
from campaign.models import ApiToken
from campaign.models.types import utcnow
from campaign.services import accounts

bp = Blueprint("api_accounts", __name__, url_prefix="/api/v1")

AUTH_LIMIT = "10 per minute"


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
    description=(
        "Answers 202 with the same body whether or not the address already has an account: "
        "a new account gets a mail with a confirmation link, the owner of an existing one a "
        "mail saying someone tried. The new account can get a token at once; crew status "
        "from a company domain and credit partners sent for the address come when the "
        "address is confirmed."
    ),
    request=ref("SignUpRequest"),
    responses={202: ("Check your mail.", ref("SignUpAccepted"))},
    errors=(*JSON_BODY, *RATE_LIMITED),
)
@limiter.limit(AUTH_LIMIT)
def sign_up() -> Any:
    body = json_object()
    session = get_session()
    signed_up = accounts.sign_up(
        session,
        email=string_field(body, "email"),
        password=string_field(body, "password"),
        display_name=string_field(body, "display_name"),
        now=utcnow(),
    )
    send = send_verification if signed_up.created else send_sign_up_attempt
    after_commit(lambda: send(signed_up.user))
    message = _("We sent a mail to %(email)s. Open the link in it to confirm your address.")
    return jsonify(status="check_your_mail", message=message % {"email": signed_up.user.email}), 202


@bp.post("/tokens")
@operation(
    "Get an API token",
    tag="accounts",
    description="Exchange an email and password for a bearer token (shown once).",
    request=ref("TokenRequest"),
    responses={201: ("The token; keep it secret.", ref("IssuedToken"))},
    errors=(*JSON_BODY, "bad_credentials", "login_locked", *RATE_LIMITED),
)
@limiter.limit(AUTH_LIMIT)
def issue_token() -> Any:
    body = json_object()
    session = get_session()
    try:
        user = accounts.authenticate(
            session, string_field(body, "email"), string_field(body, "password"), utcnow()
        )
    except BadCredentials:
        keep_on_error()  # the failure counts toward the address's lock
        raise
    except LoginLocked as exc:
        response, status = error_response(status_for(exc), exc.code, message_for(exc))
        response.headers["Retry-After"] = str(exc.params["retry_after"])
        return response, status
    issued = accounts.issue_api_token(
        session, user, string_field(body, "name", required=False), utcnow()
    )
    return jsonify(token=issued.secret, **token_json(issued.token)), 201
