"""Admins read the audit trail: who did what, when, to which campaign, before and after."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from campaign.db import get_session
from campaign.services.audit_browse import MAX_PAGE, AuditFilter, browse
from campaign.web.access import admin_required

bp = Blueprint("admin_audit", __name__, url_prefix="/admin")

# Days outside this range are typing mistakes, and converting them to UTC could overflow.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2999, 12, 31)
ID_MAX = 2**63 - 1  # BIGINT
_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _text(args: MultiDict[str, str], name: str, maximum: int) -> str:
    value = "".join(ch for ch in args.get(name, "") if not unicodedata.category(ch).startswith("C"))
    return value.strip()[:maximum]


def _day(raw: str) -> date:
    if not _ISO_DAY.match(raw):
        raise ValueError(raw)
    day = date.fromisoformat(raw)
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(raw)
    return day


def _page(raw: str) -> int:
    """The page asked for; anything but a plain number in range means the first page."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        return 1
    page = int(raw)
    return page if 1 <= page <= MAX_PAGE else 1


def parse_filter(args: MultiDict[str, str]) -> tuple[AuditFilter, dict[str, str], dict[str, str]]:
    """The filter the query string asks for, the problems with it (field → message), and the
    query arguments of the valid part (to keep while paging). A bad value is left out."""
    problems: dict[str, str] = {}
    kept: dict[str, str] = {}
    action = _text(args, "action", 50)
    actor = _text(args, "actor", 254)
    campaign_id = None
    raw_campaign = _text(args, "campaign", 40)
    if raw_campaign:
        if raw_campaign.isascii() and raw_campaign.isdigit() and 0 < int(raw_campaign) <= ID_MAX:
            campaign_id = int(raw_campaign)
        else:
            problems["campaign"] = _("Enter a campaign number, like 12.")
    days: dict[str, date] = {}
    for name in ("since", "until"):
        raw = _text(args, name, 40)
        if raw:
            try:
                days[name] = _day(raw)
            except ValueError:
                problems[name] = _("Enter a date as YYYY-MM-DD.")
    if "since" in days and "until" in days and days["since"] > days["until"]:
        problems["until"] = _("The end must come after the start.")
        del days["until"]
    for name, value in (("action", action), ("actor", actor)):
        if value:
            kept[name] = value
    if campaign_id is not None:
        kept["campaign"] = str(campaign_id)
    kept.update({name: day.isoformat() for name, day in days.items()})
    filters = AuditFilter(
        action=action,
        campaign_id=campaign_id,
        actor=actor,
        since=days.get("since"),
        until=days.get("until"),
    )
    return filters, problems, kept


@bp.route("/audit")
@admin_required
def audit() -> str:
    filters, problems, kept = parse_filter(request.args)
    page = browse(get_session(), filters, _page(request.args.get("page", "1")))
    values: dict[str, Any] = {
        name: _text(request.args, name, 254)
        for name in ("action", "actor", "campaign", "since", "until")
    }
    return render_template(
        "admin/audit.html", page=page, values=values, problems=problems, kept=kept
    )
