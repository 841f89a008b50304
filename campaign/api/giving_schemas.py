"""JSON Schemas of ``GET /api/v1/me/...`` (campaign/api/giving.py), published with the others
(campaign/api/schemas.py adds them to ``components/schemas``)."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

_WON = {"type": "integer", "description": "Whole won (₩)."}
_TIMESTAMP: Schema = {"type": "string", "format": "date-time"}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


GIVING_COMPONENTS: dict[str, Schema] = {
    "GivingTotals": {
        "type": "object",
        "required": ["sponsor_won", "gifts_won", "match_won", "total_won"],
        "properties": {
            "sponsor_won": {**_WON, "description": "Pledged by sponsors for your actions."},
            "gifts_won": {**_WON, "description": "Your own gifts, net of cancellations."},
            "match_won": {**_WON, "description": "The company's match of your gifts, net."},
            "total_won": {**_WON, "description": "The three together."},
        },
    },
    "MyGiving": {
        "type": "object",
        "required": ["year", "this_year", "all_time", "draws_won", "receipts_requested"],
        "properties": {
            "year": {"type": "integer", "description": "The calendar year (Korea time)."},
            "this_year": _ref("GivingTotals"),
            "all_time": _ref("GivingTotals"),
            "draws_won": {"type": "integer"},
            "receipts_requested": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["campaign", "title", "requested_at"],
                    "properties": {
                        "campaign": {"type": "string"},
                        "title": {"type": "string"},
                        "requested_at": _TIMESTAMP,
                    },
                },
            },
        },
    },
    "MyCampaign": {
        "type": "object",
        "required": [
            "campaign",
            "title",
            "kind",
            "status",
            "actions",
            "stamps",
            "sponsor_won",
            "gifts_won",
            "match_won",
            "units",
        ],
        "properties": {
            "campaign": {"type": "string"},
            "title": {"type": "string"},
            "kind": {"type": "string", "enum": ["stamp", "team", "cheer", "fundraiser"]},
            "status": {"type": "string"},
            "team": {"type": ["string", "null"]},
            "actions": {"type": "integer"},
            "stamps": {"type": "integer"},
            "sponsor_won": _WON,
            "gifts_won": _WON,
            "match_won": _WON,
            "units": {
                "type": ["string", "null"],
                "description": 'Impact units of your stamps, one decimal rounded down ("0.3").',
            },
            "unit_name": {"type": ["string", "null"]},
        },
    },
    "MyCampaignList": {
        "type": "object",
        "required": ["campaigns"],
        "properties": {"campaigns": {"type": "array", "items": _ref("MyCampaign")}},
    },
    "MyDrawList": {
        "type": "object",
        "required": ["draws"],
        "properties": {
            "draws": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["campaign", "title", "rank", "drawn_at"],
                    "properties": {
                        "campaign": {"type": "string"},
                        "title": {"type": "string"},
                        "rank": {"type": "integer"},
                        "drawn_at": _TIMESTAMP,
                    },
                },
            }
        },
    },
}
