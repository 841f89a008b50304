"""Campaigns, their progress and recorded actions as JSON (API v1 shapes).

Money is integer ₩; instants are ISO 8601 in UTC ("2026-11-25T03:00:00Z"); impact units are a
decimal string with one digit, rounded down ("0.3").
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from flask import url_for

from campaign.models import Campaign, Participant
from campaign.rules.calendar import last_day
from campaign.rules.campaign_spec import (
    ActionTypeSpec,
    MilestoneSpec,
    TeamSpec,
    row_from_model,
    row_json,
)
from campaign.services.actions import RecordedAction
from campaign.services.progress import MilestoneProgress, Progress, decimal_units


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _percent(value: float) -> float:
    # Rounded down, so a goal never shows as reached before it is.
    return math.floor(value * 100) / 100


def campaign_summary_json(campaign: Campaign, progress: Progress) -> dict[str, Any]:
    return {
        "slug": campaign.slug,
        "title": campaign.title,
        "summary": campaign.summary,
        "kind": campaign.kind.value,
        "status": campaign.status.value,
        "internal": campaign.internal,
        "goal_won": campaign.goal_won,
        "starts_at": iso(campaign.starts_at),
        "ends_at": iso(campaign.ends_at),
        "raised": progress.raised,
        "percent": _percent(progress.percent),
        "participants": progress.participants,
        "live": progress.live,
        "links": _links(campaign),
    }


def _links(campaign: Campaign) -> dict[str, str]:
    return {
        "self": url_for("api_campaigns.campaign_detail", slug=campaign.slug),
        "progress": url_for("api_campaigns.campaign_progress", slug=campaign.slug),
        "page": url_for("challenges.show", slug=campaign.slug),
    }


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    """Everything that defines the campaign: its story, rules, money and beneficiaries.
    ``flask campaigns create --from`` reads this shape back (rules/campaign_spec.spec_from_json)."""
    teams = {team.id: team.code for team in campaign.teams}
    unit_rate = None
    if campaign.stamps_per_unit is not None:
        unit_rate = {
            "stamps_per_unit": campaign.stamps_per_unit,
            "won_per_unit": campaign.won_per_unit,
            "unit_name": campaign.unit_name,
            "unit_name_en": campaign.unit_name_en,
        }
    return {
        "slug": campaign.slug,
        "title": campaign.title,
        "summary": campaign.summary,
        "story": campaign.story,
        "kind": campaign.kind.value,
        "status": campaign.status.value,
        "internal": campaign.internal,
        "goal_won": campaign.goal_won,
        "purse_won": campaign.purse_won,
        "starts_at": iso(campaign.starts_at),
        "ends_at": iso(campaign.ends_at),
        "last_day_kst": last_day(campaign.ends_at).isoformat(),
        "opened_at": iso(campaign.opened_at),
        "closed_at": iso(campaign.closed_at),
        "action_types": [
            row_json(row_from_model(ActionTypeSpec, a)) for a in campaign.action_types
        ],
        "unit_rate": unit_rate,
        "match": {
            "percent": campaign.match_percent,
            "per_person_won": campaign.match_per_person_won,
            "topup_won": campaign.topup_won,
        },
        "teams": [row_json(row_from_model(TeamSpec, t)) for t in campaign.teams],
        "milestones": [row_json(row_from_model(MilestoneSpec, m)) for m in campaign.milestones],
        "beneficiaries": [
            {
                "partner": {"id": b.partner.id, "name": b.partner.name},
                "share": b.share,
                "team": teams.get(b.team_id) if b.team_id else None,
            }
            for b in campaign.beneficiaries
        ],
        "draw_winners": campaign.draw_winners,
        "counter_shards": campaign.counter_shards,
        "links": _links(campaign),
    }


def _milestone_json(m: MilestoneProgress) -> dict[str, Any]:
    return {
        "threshold": m.threshold,
        "amount_won": m.amount_won,
        "label": m.label,
        "reached": m.reached,
        "declared_won": m.declared_won,
        "paid_won": m.paid_won,
    }


def progress_json(campaign: Campaign, progress: Progress) -> dict[str, Any]:
    """The live numbers, straight from the counters."""
    upcoming = progress.next_milestone
    return {
        "raised": progress.raised,
        "goal": progress.goal,
        "percent": _percent(progress.percent),
        "actions": progress.actions,
        "stamps": progress.stamps,
        "units": decimal_units(progress.units),
        "units_funded": int(progress.units) if progress.units is not None else None,
        "units_counted": decimal_units(progress.units_counted),
        "units_unfunded": progress.units_unfunded,
        "participants": progress.participants,
        "sponsor_won": progress.sponsor_won,
        "crew_won": progress.crew_won,
        "topup_won": progress.topup_won,
        "teams": [
            {
                "code": t.code,
                "name": t.name,
                "emoji": t.emoji,
                "actions": t.actions,
                "won": t.won,
                "participants": t.participants,
                "percent": _percent(t.percent),
            }
            for t in progress.teams
        ],
        "lead": (
            {"team": progress.lead.leader, "gap": progress.lead.gap}
            if progress.lead is not None
            else None
        ),
        "milestones": [_milestone_json(m) for m in progress.milestones],
        "next_milestone": _milestone_json(upcoming) if upcoming else None,
        "purse_won": progress.purse_won,
        "purse_left": progress.purse_left,
        "marginal_won": progress.marginal_won,
        "live": progress.live,
        "status": campaign.status.value,
    }


def participant_json(campaign: Campaign, participant: Participant) -> dict[str, Any]:
    teams = {team.id: team.code for team in campaign.teams}
    return {
        "campaign": campaign.slug,
        "team": teams.get(participant.team_id) if participant.team_id else None,
        "joined_at": iso(participant.joined_at),
        "actions": participant.actions,
        "stamps": participant.stamps,
    }


def recorded_json(campaign: Campaign, recorded: RecordedAction) -> dict[str, Any]:
    action = recorded.action
    teams = {team.id: team.code for team in campaign.teams}
    return {
        "action": {
            "id": action.id,
            "code": recorded.action_type.code,
            "evidence": action.evidence,
            "stamps": action.stamps,
            "counted_at": iso(action.counted_at),
            "team": teams.get(action.team_id) if action.team_id else None,
        },
        "pledge": {
            "won": recorded.won,
            "won_due": recorded.won_due,
            "purse_exhausted": recorded.purse_exhausted,
        },
        "milestones": [
            {"threshold": m.threshold, "amount_won": m.won} for m in recorded.milestones
        ],
    }
