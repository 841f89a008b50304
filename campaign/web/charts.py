"""The pictures of a challenge page, for templates/challenges/_chart.html and _impact.html:
the SVG (rules/charts.py) with its words in the reader's language, and the same numbers as
text for anyone who cannot see the picture."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from flask import Blueprint
from flask_babel import gettext as _
from markupsafe import Markup

from campaign.db import get_session
from campaign.i18n import current_language, format_won
from campaign.models import Campaign
from campaign.models.types import utcnow
from campaign.rules import charts
from campaign.rules.calendar import kst_day
from campaign.rules.countdown import Phase, countdown
from campaign.services.progress import Progress, decimal_units
from campaign.services.snapshots import daily_raised
from campaign.web import rule_text

bp = Blueprint("charts", __name__)

LAST_INSTANT = timedelta(microseconds=1)  # ends_at is the first instant after the campaign


@dataclass(frozen=True)
class DailyChart:
    svg: Markup
    summary: str  # one sentence: where it started, where it is
    rows: list[tuple[str, str]]  # (day, ₩ by then) for the table


@dataclass(frozen=True)
class ImpactPicture:
    svg: Markup
    text: str  # "나무 12.5그루" in words
    scale: str  # what one glyph stands for


def _day(day: date) -> str:
    if current_language() == "en":
        return f"{day:%b} {day.day}"
    return _("%(month)s/%(day)s", month=day.month, day=day.day)


@bp.app_template_global()
def daily_chart(campaign: Campaign, progress: Progress) -> DailyChart:
    now = utcnow()
    phase = countdown(campaign.status, campaign.starts_at, campaign.ends_at, now).phase
    latest = None
    if phase != Phase.UPCOMING:
        # After the end, the last day is the campaign's last (or the day it was closed).
        last_moment = min(now, campaign.closed_at or now, campaign.ends_at - LAST_INSTANT)
        latest = charts.DayValue(kst_day(last_moment), progress.raised)
    points = daily_raised(get_session(), campaign, latest)
    goal_text = rule_text.format_won_short(progress.goal)
    words = charts.ChartWords(
        title=_("Raised by day: %(title)s", title=campaign.title),
        desc=_("The line climbs as the total grows; the dashed line is the goal."),
        goal=_("Goal %(won)s", won=goal_text),
        cap=(
            _("Sponsor cap %(won)s", won=rule_text.format_won_short(campaign.purse_won))
            if campaign.purse_won is not None
            else None
        ),
        empty=_("No day recorded yet."),
    )
    svg = charts.progress_svg(
        points,
        goal=progress.goal,
        cap=campaign.purse_won,
        words=words,
        format_value=rule_text.format_won_short,
        format_day=_day,
        element_id=f"chart-{campaign.id}",
    )
    if not points:
        summary = _("No day recorded yet.")
    elif len(points) == 1:
        summary = _(
            "%(day)s: %(won)s raised (goal %(goal)s).",
            day=_day(points[0].day),
            won=format_won(points[0].value),
            goal=goal_text,
        )
    else:
        summary = _(
            "From %(first_won)s on %(first)s to %(last_won)s on %(last)s (goal %(goal)s).",
            first=_day(points[0].day),
            first_won=format_won(points[0].value),
            last=_day(points[-1].day),
            last_won=format_won(points[-1].value),
            goal=goal_text,
        )
    rows = [(_day(p.day), format_won(p.value)) for p in points]
    return DailyChart(svg=Markup(svg), summary=summary, rows=rows)  # noqa: S704 (escaped in rules/charts)


@bp.app_template_global()
def impact_picture(campaign: Campaign, progress: Progress) -> ImpactPicture | None:
    """Trees, 연탄 or meals as a row of glyphs; None for a campaign without an impact unit."""
    if progress.units is None:
        return None
    units = Fraction(progress.units)
    row = charts.glyph_row(units)
    kind = charts.glyph_kind(f"{campaign.unit_name or ''} {campaign.unit_name_en or ''}")
    text = rule_text.units_text(campaign, decimal_units(units) or "0")
    scale = _(
        "Each picture is %(units)s.",
        units=rule_text.units_text(campaign, str(row.per_glyph)),
    )
    svg = charts.impact_svg(row, kind, title=text, desc=scale, element_id=f"impact-{campaign.id}")
    return ImpactPicture(svg=Markup(svg), text=text, scale=scale)  # noqa: S704
