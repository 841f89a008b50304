"""The partner API: a charity's token fetches its own settlements and exports, and reports
how the donation receipts it issues stand (the one thing it writes)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, jsonify, request

from campaign.api.common import json_object, partner_required
from campaign.api.openapi import JSON_BODY, NEEDS_TOKEN, PARTNER, Body, operation, query
from campaign.api.schemas import ref
from campaign.db import get_session
from campaign.errors import Invalid
from campaign.exports import FORMATS
from campaign.http.downloads import attachment
from campaign.http.receipt_keys import receipt_cipher
from campaign.models import Campaign
from campaign.models.types import utcnow
from campaign.rules.calendar import kst_day, last_day
from campaign.services.exports import export_settlement, partner_settlements
from campaign.services.receipts import set_status

bp = Blueprint("api_partners", __name__, url_prefix="/api/v1/partner")


def _settlement_json(campaign: Campaign, settlement: Any, allocated: int) -> dict[str, Any]:
    return {
        "campaign": {"slug": campaign.slug, "title": campaign.title},
        "period": {
            "start": kst_day(campaign.starts_at).isoformat(),
            "end": last_day(campaign.ends_at).isoformat(),
        },
        "status": settlement.status.value,
        "allocated_won": allocated,
        "total_won": settlement.total_won,
        "computed_at": settlement.computed_at.isoformat(),
        "ledger_sha256": settlement.ledger_digest,
    }


@bp.get("/settlements")
@operation(
    "The partner's settlements",
    tag="partners",
    security=PARTNER,
    responses={200: ("Settlements that allocate money to this partner.", ref("SettlementList"))},
    errors=NEEDS_TOKEN,
)
@partner_required
def settlements() -> Any:
    rows = partner_settlements(get_session(), g.partner)
    return jsonify(settlements=[_settlement_json(c, s, a) for c, s, a in rows])


def _own(slug: str) -> tuple[Campaign, Any, int]:
    """The partner's settlement of campaign ``slug``; 404 for anyone else's (closed or not)."""
    for row in partner_settlements(get_session(), g.partner):
        if row[0].slug == slug:
            return row
    abort(404)


@bp.get("/settlements/<slug>")
@operation(
    "One settlement",
    tag="partners",
    security=PARTNER,
    responses={200: ("The settlement of campaign `slug`.", ref("Settlement"))},
    errors=(*NEEDS_TOKEN, "not_found"),
)
@partner_required
def settlement(slug: str) -> Any:
    return jsonify(_settlement_json(*_own(slug)))


@bp.get("/settlements/<slug>/export")
@operation(
    "Export a settlement",
    tag="partners",
    description="The partner's own export, recorded like any other.",
    security=PARTNER,
    parameters=[query("format", "csv, xlsx or json (default).", enum=["csv", "xlsx", "json"])],
    responses={
        200: (
            "The file; `X-Content-SHA256` is its digest.",
            Body(
                {
                    "text/csv": {"type": "string"},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                        "type": "string",
                        "contentMediaType": "application/octet-stream",
                    },
                    "application/json": {"type": "object"},
                }
            ),
        )
    },
    errors=(*NEEDS_TOKEN, "not_found", "invalid"),
)
@partner_required
def export(slug: str) -> Any:
    """The partner's own export (recorded like any other). ``format``: csv, xlsx or json."""
    format_name = request.args.get("format", "json")
    if format_name not in FORMATS:
        raise Invalid("format", "choice")
    campaign = _own(slug)[0]
    session = get_session()
    exported = export_settlement(
        session,
        campaign,
        partner_id=g.partner.id,
        format_name=format_name,
        actor=None,
        actor_label=f"partner:{g.partner.id}",
        now=utcnow(),
        cipher=receipt_cipher(),
    )
    return attachment(exported)


@bp.post("/receipts/<int(max=9223372036854775807):receipt_id>/status")
@operation(
    "Report a receipt's status",
    tag="partners",
    description=(
        "A charity that issues this campaign's donation receipts (기부금영수증) says how one "
        "stands: `sent` (it has the details; its export marks this too) or `issued`. A receipt "
        "only moves forward; the same status again changes nothing. `receipt_id` is the "
        "`receipt_id` column of the settlement export's `receipt_donors` sheet."
    ),
    security=PARTNER,
    request=ref("ReceiptStatusRequest"),
    responses={200: ("The receipt's status now.", ref("ReceiptStatus"))},
    errors=(*JSON_BODY, *NEEDS_TOKEN, "not_found", "illegal_transition"),
)
@partner_required
def receipt_status(receipt_id: int) -> Any:
    body = json_object()
    receipt = set_status(get_session(), g.partner, receipt_id, body.get("status"), utcnow())
    return jsonify(
        receipt_id=receipt.id,
        status=receipt.status.value,
        status_changed_at=receipt.status_changed_at.isoformat()
        if receipt.status_changed_at
        else None,
    )
