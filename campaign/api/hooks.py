"""Signed webhooks from partner systems: ``POST /api/v1/hooks/<integration key>``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_limiter.util import get_remote_address

from campaign.api.openapi import RATE_LIMITED, SIGNED, operation
from campaign.api.schemas import ref
from campaign.db import get_session, keep_on_error
from campaign.extensions import hook_limit, limiter
from campaign.http.error_messages import status_for
from campaign.http.errors import domain_error_response
from campaign.models.types import utcnow
from campaign.rules.signatures import SIGNATURE_HEADER
from campaign.services import webhooks

bp = Blueprint("api_hooks", __name__, url_prefix="/api/v1")


def _integration_and_address() -> str:
    """Rate-limit per integration and sender address, so one noisy sender slows only itself."""
    key = (request.view_args or {}).get("key", "")
    return f"hook:{key}:{get_remote_address()}"


@bp.post("/hooks/<key>")
@operation(
    "Receive a partner event",
    tag="webhooks",
    description=(
        "A partner system reports that a person did the action its integration records. "
        "The body is signed (see the `webhookSignature` scheme). An event id sent before gets "
        "the first answer back and records nothing. An email without an account is kept "
        "pending (`status: pending`) and credited when that person signs up and joins."
    ),
    security=SIGNED,
    request=ref("PartnerEvent"),
    responses={
        200: ("Recorded, kept pending, or the first answer to this event id.", ref("HookResult"))
    },
    errors=(
        "malformed_json",
        "json_too_deep",
        "bad_signature",
        "stale_signature",
        "unknown_integration",
        "campaign_closed",
        "campaign_not_open",
        "not_participant",
        "cap_reached",
        "duplicate_evidence",
        "payload_too_large",
        "invalid",
        "unknown_event_type",
        "event_id_reused",
        *RATE_LIMITED,
    ),
)
@limiter.limit(hook_limit, key_func=_integration_and_address)
def receive(key: str) -> Any:
    session = get_session()
    answer = webhooks.receive_event(
        session,
        key,
        request.headers.get(SIGNATURE_HEADER),
        request.get_data(cache=True),
        utcnow(),
        status_of=status_for,
    )
    keep_on_error()  # the delivery log is kept for refusals too
    if answer.error is not None:
        return domain_error_response(answer.error, answer.status)
    return jsonify(answer.body), answer.status
