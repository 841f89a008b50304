"""JSON Schemas (2020-12, as OpenAPI 3.1 uses) shared by the API's operations.

Each is published under ``components/schemas`` in the OpenAPI document; operations point at
them with ``ref("Name")``. The limits repeat the rules' constants so the document says what
the server really accepts.
"""

from __future__ import annotations

from typing import Any

from campaign.api.giving_schemas import GIVING_COMPONENTS
from campaign.rules.accounts import EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN
from campaign.rules.cheers import MESSAGE_MAX
from campaign.rules.evidence import EVIDENCE_MAX
from campaign.rules.webhook_events import EVENT_ID_MAX, EVENT_TYPE_PATTERN

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    """A reference to a shared schema; the drift test checks every one resolves."""
    return {"$ref": f"#/components/schemas/{name}"}


# The email rule of rules/accounts.py, so generated examples are ones the server accepts.
EMAIL: Schema = {
    "type": "string",
    "format": "email",
    "maxLength": EMAIL_MAX,
    "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$",
}
TIMESTAMP: Schema = {"type": "string", "format": "date-time"}

COMPONENTS: dict[str, Schema] = {
    "Error": {
        "type": "object",
        "description": "Every error answers with this body and an HTTP status saying what kind.",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "description": "Stable, for programs."},
                    "message": {"type": "string", "description": "For people (ko or en)."},
                    "field": {"type": "string", "description": "The input an `invalid` names."},
                    "reason": {"type": "string", "description": "The rule it breaks."},
                },
            }
        },
    },
    "SignUpRequest": {
        "type": "object",
        "required": ["email", "password", "display_name"],
        "properties": {
            "email": EMAIL,
            "password": {
                "type": "string",
                "minLength": PASSWORD_MIN,
                "maxLength": PASSWORD_MAX,
                "description": "At least 4 different characters, and not the email itself.",
            },
            "display_name": {"type": "string", "minLength": 1, "maxLength": NAME_MAX},
        },
    },
    "SignUpAccepted": {
        "type": "object",
        "required": ["status", "message"],
        "properties": {
            "status": {"type": "string", "enum": ["check_your_mail"]},
            "message": {"type": "string"},
        },
    },
    "TokenRequest": {
        "type": "object",
        "required": ["email", "password"],
        "properties": {
            "email": {"type": "string", "maxLength": EMAIL_MAX},
            "password": {"type": "string", "maxLength": PASSWORD_MAX},
            "name": {"type": "string", "description": "A label for the token (≤ 60 characters)."},
        },
    },
    "IssuedToken": {
        "type": "object",
        "required": ["token", "id", "name", "prefix", "created_at"],
        "properties": {
            "token": {
                "type": "string",
                "description": "The bearer secret. Shown once; only its hash is stored.",
            },
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "prefix": {"type": "string"},
            "created_at": TIMESTAMP,
        },
    },
    "PartnerEvent": {
        "type": "object",
        "description": (
            "One thing a person did in a partner system. `id` is the sender's: sending the "
            "same id again (a retry) returns the first answer and records nothing."
        ),
        "required": ["id", "type", "occurred_at", "user"],
        "properties": {
            "id": {
                "type": "string",
                "minLength": 1,
                "maxLength": EVENT_ID_MAX,
                "pattern": "^[!-~]+$",
                "examples": ["evt_0001"],
            },
            "type": {
                "type": "string",
                "pattern": EVENT_TYPE_PATTERN,
                "description": "The one event type the integration was registered for.",
                "examples": ["edoc.switched"],
            },
            "occurred_at": TIMESTAMP,
            "user": {
                "type": "object",
                "required": ["email"],
                "properties": {"email": EMAIL},
            },
            "evidence": {
                "type": ["string", "null"],
                "maxLength": EVIDENCE_MAX,
                "description": (
                    "The reference that makes the action unique (e.g. the bill), when the "
                    "action type asks for one."
                ),
                "examples": ["bill-2026-11-0001"],
            },
        },
    },
    "HookResult": {
        "type": "object",
        "required": ["event_id", "status"],
        "properties": {
            "event_id": {"type": "string"},
            "status": {
                "type": "string",
                "enum": ["recorded", "pending"],
                "description": (
                    "`recorded`: the action counts now. `pending`: kept until the person "
                    "signs up (`no_account`) or joins the campaign (`not_participant`), "
                    "then credited."
                ),
            },
            "reason": {"type": "string", "enum": ["no_account", "not_participant"]},
            "action_id": {"type": "integer"},
            "won": {"type": "integer", "description": "₩ the sponsor pledged for it."},
            "won_due": {
                "type": "integer",
                "description": "₩ the rules gave it; more than `won` when the purse ran out.",
            },
            "stamps": {"type": "integer"},
        },
    },
    # -- campaigns (campaign/api/campaigns.py, shapes of campaign/api/campaign_json.py) --
    "Links": {
        "type": "object",
        "required": ["self", "progress", "page"],
        "properties": {
            "self": {"type": "string"},
            "progress": {"type": "string"},
            "page": {"type": "string"},
        },
    },
    "CampaignSummary": {
        "type": "object",
        "required": ["slug", "title", "kind", "status", "goal_won", "raised", "percent", "live"],
        "properties": {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "kind": {"type": "string", "enum": ["stamp", "team", "cheer", "fundraiser"]},
            "status": {"type": "string"},
            "internal": {"type": "boolean"},
            "goal_won": {"type": "integer"},
            "starts_at": TIMESTAMP,
            "ends_at": TIMESTAMP,
            "raised": {"type": "integer"},
            "percent": {"type": "number", "minimum": 0, "maximum": 100},
            "participants": {"type": "integer"},
            "live": {"type": "boolean"},
            "links": ref("Links"),
        },
    },
    "CampaignList": {
        "type": "object",
        "required": ["campaigns"],
        "properties": {"campaigns": {"type": "array", "items": ref("CampaignSummary")}},
    },
    "Campaign": {
        "type": "object",
        "description": "Everything that defines a campaign: story, rules, money, beneficiaries.",
        "required": ["slug", "title", "kind", "status", "goal_won", "action_types", "teams"],
        "properties": {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "story": {"type": "string"},
            "kind": {"type": "string", "enum": ["stamp", "team", "cheer", "fundraiser"]},
            "status": {"type": "string"},
            "internal": {"type": "boolean"},
            "goal_won": {"type": "integer"},
            "purse_won": {"type": ["integer", "null"]},
            "starts_at": TIMESTAMP,
            "ends_at": TIMESTAMP,
            "last_day_kst": {"type": "string", "format": "date"},
            "opened_at": {"type": ["string", "null"], "format": "date-time"},
            "closed_at": {"type": ["string", "null"], "format": "date-time"},
            "action_types": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "label", "worth_won", "worth_stamps", "evidence"],
                    "properties": {
                        "code": {"type": "string"},
                        "label": {"type": "string"},
                        "worth_won": {"type": "integer"},
                        "worth_stamps": {"type": "integer"},
                        "daily_cap": {"type": ["integer", "null"]},
                        "total_cap": {"type": ["integer", "null"]},
                        "evidence": {"type": "string", "enum": ["none", "optional", "required"]},
                        "evidence_unique": {"type": "boolean"},
                        "message": {"type": "string", "enum": ["none", "required"]},
                    },
                },
            },
            "unit_rate": {"type": ["object", "null"]},
            "match": {"type": "object"},
            "teams": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "name"],
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "emoji": {"type": "string"},
                    },
                },
            },
            "milestones": {"type": "array", "items": {"type": "object"}},
            "beneficiaries": {"type": "array", "items": {"type": "object"}},
            "draw_winners": {"type": "integer"},
            "counter_shards": {"type": "integer"},
            "links": ref("Links"),
        },
    },
    "Milestone": {
        "type": "object",
        "required": ["threshold", "amount_won", "reached"],
        "properties": {
            "threshold": {"type": "integer"},
            "amount_won": {
                "type": "integer",
                "description": "What it paid once unlocked (less when the purse clamped it).",
            },
            "label": {"type": "string"},
            "reached": {"type": "boolean"},
            "declared_won": {"type": "integer"},
            "paid_won": {"type": ["integer", "null"]},
        },
    },
    "Progress": {
        "type": "object",
        "description": "The live numbers, straight from the counters.",
        "required": ["raised", "goal", "percent", "actions", "participants", "live", "status"],
        "properties": {
            "raised": {"type": "integer"},
            "goal": {"type": "integer"},
            "percent": {"type": "number", "minimum": 0, "maximum": 100},
            "actions": {"type": "integer"},
            "stamps": {"type": "integer"},
            "units": {
                "type": ["string", "null"],
                "description": 'Impact units the purse paid for, e.g. "10.0".',
            },
            "units_funded": {
                "type": ["integer", "null"],
                "description": "Whole units the purse paid for.",
            },
            "units_counted": {
                "type": ["string", "null"],
                "description": 'Units the stamps add up to, paid or not, e.g. "12.3".',
            },
            "units_unfunded": {
                "type": ["integer", "null"],
                "description": "Whole units counted after the purse ran out (not paid).",
            },
            "participants": {"type": "integer"},
            "sponsor_won": {"type": "integer"},
            "crew_won": {"type": "integer"},
            "topup_won": {"type": "integer"},
            "teams": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "actions", "won", "participants", "percent"],
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "emoji": {"type": "string"},
                        "actions": {"type": "integer"},
                        "won": {"type": "integer"},
                        "participants": {"type": "integer"},
                        "percent": {"type": "number"},
                    },
                },
            },
            "lead": {
                "description": (
                    "Who is ahead in a team fight, by the rule the settlement picks its "
                    "winner with: `team` is the code of the one team strictly ahead, null for "
                    "a tie or before any vote; `gap` is its lead over the second team in "
                    "actions (0 for a tie). Null when the campaign has no teams."
                ),
                "anyOf": [
                    {
                        "type": "object",
                        "required": ["team", "gap"],
                        "properties": {
                            "team": {"type": ["string", "null"]},
                            "gap": {"type": "integer", "minimum": 0},
                        },
                    },
                    {"type": "null"},
                ],
            },
            "milestones": {"type": "array", "items": ref("Milestone")},
            "next_milestone": {"anyOf": [ref("Milestone"), {"type": "null"}]},
            "purse_won": {"type": ["integer", "null"]},
            "purse_left": {"type": ["integer", "null"]},
            "marginal_won": {
                "type": "object",
                "description": "₩ one more action of each type adds right now, by action code.",
                "additionalProperties": {"type": "integer"},
            },
            "live": {"type": "boolean"},
            "status": {"type": "string"},
        },
    },
    "JoinRequest": {
        "type": "object",
        "properties": {
            "team": {
                "type": ["string", "null"],
                "maxLength": 40,
                "description": "The team's code, where the campaign has teams.",
            }
        },
    },
    "Participation": {
        "type": "object",
        "required": ["participant"],
        "properties": {
            "participant": {
                "type": "object",
                "required": ["campaign", "team", "joined_at", "actions", "stamps"],
                "properties": {
                    "campaign": {"type": "string"},
                    "team": {"type": ["string", "null"]},
                    "joined_at": TIMESTAMP,
                    "actions": {"type": "integer"},
                    "stamps": {"type": "integer"},
                },
            }
        },
    },
    "ActionRequest": {
        "type": "object",
        "required": ["action"],
        "properties": {
            "action": {"type": "string", "minLength": 1, "maxLength": 40},
            "evidence": {"type": ["string", "null"], "maxLength": EVIDENCE_MAX},
            "message": {
                "type": ["string", "null"],
                "maxLength": MESSAGE_MAX,
                "description": "Where the action type has `message: required`: one line "
                "without control characters, shown on the cheer wall. Others take none.",
            },
        },
    },
    "RecordedAction": {
        "type": "object",
        "required": ["action", "pledge", "milestones", "progress"],
        "properties": {
            "action": {
                "type": "object",
                "required": ["id", "code", "stamps", "counted_at"],
                "properties": {
                    "id": {"type": "integer"},
                    "code": {"type": "string"},
                    "evidence": {"type": ["string", "null"]},
                    "message": {"type": ["string", "null"]},
                    "stamps": {"type": "integer"},
                    "counted_at": TIMESTAMP,
                    "team": {"type": ["string", "null"]},
                },
            },
            "pledge": {
                "type": "object",
                "required": ["won", "won_due", "purse_exhausted"],
                "properties": {
                    "won": {"type": "integer"},
                    "won_due": {"type": "integer"},
                    "purse_exhausted": {"type": "boolean"},
                },
            },
            "milestones": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "threshold": {"type": "integer"},
                        "amount_won": {"type": "integer"},
                    },
                },
            },
            "progress": ref("Progress"),
        },
    },
    # -- partner charities (campaign/api/partners.py) --
    "Settlement": {
        "type": "object",
        "required": ["campaign", "status", "allocated_won", "total_won", "computed_at"],
        "properties": {
            "campaign": {
                "type": "object",
                "properties": {"slug": {"type": "string"}, "title": {"type": "string"}},
            },
            "period": {
                "type": "object",
                "properties": {
                    "start": {"type": "string", "format": "date"},
                    "end": {"type": "string", "format": "date"},
                },
            },
            "status": {"type": "string", "enum": ["computed", "sent", "acknowledged"]},
            "allocated_won": {"type": "integer"},
            "total_won": {"type": "integer"},
            "computed_at": TIMESTAMP,
            "ledger_sha256": {"type": "string"},
        },
    },
    "ReceiptStatusRequest": {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {
                "type": "string",
                "enum": ["sent", "issued"],
                "description": "`requested` → `sent` → `issued`; never backwards.",
            }
        },
    },
    "ReceiptStatus": {
        "type": "object",
        "required": ["receipt_id", "status", "status_changed_at"],
        "properties": {
            "receipt_id": {"type": "integer"},
            "status": {"type": "string", "enum": ["requested", "sent", "issued"]},
            "status_changed_at": {"oneOf": [TIMESTAMP, {"type": "null"}]},
        },
    },
    "SettlementList": {
        "type": "object",
        "required": ["settlements"],
        "properties": {"settlements": {"type": "array", "items": ref("Settlement")}},
    },
    "OpenApiDocument": {
        "type": "object",
        "required": ["openapi", "info", "paths"],
        "properties": {
            "openapi": {"type": "string"},
            "info": {"type": "object"},
            "paths": {"type": "object"},
        },
    },
    # -- a person's own giving (campaign/api/giving.py) --
    **GIVING_COMPONENTS,
}
