"""A person's own giving for programs: ``GET /api/v1/me/...`` with their user token, the same
numbers as "My page" (services/giving.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify

from campaign.api.campaign_json import iso
from campaign.api.common import user_required
from campaign.api.openapi import NEEDS_TOKEN, USER, operation
from campaign.api.schemas import ref
from campaign.db import get_session
from campaign.models import User
from campaign.models.types import utcnow
from campaign.services import giving
from campaign.services.progress import decimal_units, my_challenges

bp = Blueprint("api_giving", __name__, url_prefix="/api/v1/me")


def _totals_json(totals: giving.Totals) -> dict[str, int]:
    return {
        "sponsor_won": totals.sponsor_won,
        "gifts_won": totals.gifts_won,
        "match_won": totals.match_won,
        "total_won": totals.total_won,
    }


@bp.get("/giving")
@operation(
    "My giving",
    tag="me",
    description=(
        "This calendar year's (Korea time) and all-time totals of what your part raised: the "
        "sponsors' pledges for your actions, your own gifts and the company's match of them; "
        "how many draws you won and the donation receipts you asked for."
    ),
    security=USER,
    responses={200: ("Your totals.", ref("MyGiving"))},
    errors=NEEDS_TOKEN,
)
@user_required
def my_giving() -> Any:
    user: User = g.user
    session = get_session()
    year, this_year, all_time = giving.totals(session, user, utcnow())
    return jsonify(
        year=year,
        this_year=_totals_json(this_year),
        all_time=_totals_json(all_time),
        draws_won=len(giving.draws_won(session, user)),
        receipts_requested=[
            {
                "campaign": r.campaign_slug,
                "title": r.campaign_title,
                "requested_at": iso(r.requested_at),
            }
            for r in giving.receipts_requested(session, user)
        ],
    )


@bp.get("/campaigns")
@operation(
    "My campaigns and their impact",
    tag="me",
    description="Every campaign you joined (latest first) with your own part and its impact.",
    security=USER,
    responses={200: ("Your campaigns.", ref("MyCampaignList"))},
    errors=NEEDS_TOKEN,
)
@user_required
def my_campaigns() -> Any:
    user: User = g.user
    mine = []
    for item in my_challenges(get_session(), user, utcnow()):
        campaign, part = item.campaign, item.contribution
        mine.append(
            {
                "campaign": campaign.slug,
                "title": campaign.title,
                "kind": campaign.kind.value,
                "status": campaign.status.value,
                "team": part.team_code,
                "actions": part.actions,
                "stamps": part.stamps,
                "sponsor_won": part.won,
                "gifts_won": part.gifted_won,
                "match_won": part.matched_won,
                "units": decimal_units(part.units),
                "unit_name": campaign.unit_name,
            }
        )
    return jsonify(campaigns=mine)


@bp.get("/draws")
@operation(
    "Draws I won",
    tag="me",
    description="The closing prize draws you won, latest first.",
    security=USER,
    responses={200: ("Your wins.", ref("MyDrawList"))},
    errors=NEEDS_TOKEN,
)
@user_required
def my_draws() -> Any:
    user: User = g.user
    return jsonify(
        draws=[
            {
                "campaign": d.campaign_slug,
                "title": d.campaign_title,
                "rank": d.rank,
                "drawn_at": iso(d.drawn_at),
            }
            for d in giving.draws_won(get_session(), user)
        ]
    )
