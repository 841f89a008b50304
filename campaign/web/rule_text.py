"""A campaign's rules in plain words, in the reader's language.

"응원 1회 = 100원, 하루 3회까지", "도장 40개 = 1그루 = 5,000원", "투표 50,000회 달성 시 1,000만원",
"후원 한도 2억원": built from the campaign's data with gettext, so the same rules read naturally in
Korean and in English.
"""

from __future__ import annotations

import math

from flask_babel import gettext as _

from campaign.i18n import current_language, format_number, format_won_short
from campaign.models import ActionType, Campaign, CampaignKind, Evidence, MessageRule
from campaign.rules.countdown import Countdown, Phase


def percent_text(percent: float) -> str:
    """One decimal, rounded down (never shows a goal as reached before it is): 99.96 → "99.9"."""
    return f"{math.floor(percent * 10) / 10:.1f}"


def stamps_text(count: int) -> str:
    if count == 1:
        return _("1 stamp")
    return _("%(count)s stamps", count=format_number(count))


def unit_name(campaign: Campaign, count: str = "1") -> str:
    """The campaign's impact unit in the reader's language ("그루" / "tree"); English gets a
    plural "s" unless ``count`` is one."""
    if current_language() == "en":
        name = campaign.unit_name_en or campaign.unit_name or ""
        if name and count not in ("1", "1.0") and not name.endswith("s"):
            name += "s"
        return name
    return campaign.unit_name or campaign.unit_name_en or ""


def units_text(campaign: Campaign, value: str) -> str:
    """A number of units in words: "0.4" → "0.4그루" / "0.4 trees" (``value`` is already
    formatted, e.g. by decimal_units)."""
    whole, dot, fraction = value.partition(".")
    number = (format_number(int(whole)) if whole.isdigit() else whole) + dot + fraction
    return _("%(count)s %(unit)s", count=number, unit=unit_name(campaign, value))


def kind_label(kind: CampaignKind) -> str:
    return {
        CampaignKind.STAMP: _("Stamp challenge"),
        CampaignKind.TEAM: _("Team fight"),
        CampaignKind.CHEER: _("Cheer giving"),
        CampaignKind.FUNDRAISER: _("Crew fundraiser"),
    }[kind]


def time_left_text(countdown: Countdown) -> str:
    """Where the campaign stands: "3일 남음", "오늘 마감", "시작 전", "일시 중지", "종료"."""
    if countdown.phase == Phase.UPCOMING:
        return _("Not started")
    if countdown.phase == Phase.ENDED:
        return _("Ended")
    if countdown.phase == Phase.PAUSED:
        return _("Paused")
    if countdown.days_left <= 0:
        return _("Ends today")
    return _("%(days)s days left", days=countdown.days_left)


def _worth(campaign: Campaign, action: ActionType) -> str:
    label = action.label
    if action.worth_won and action.worth_stamps:
        return _(
            "%(action)s once = %(won)s and %(stamps)s",
            action=label,
            won=format_won_short(action.worth_won),
            stamps=stamps_text(action.worth_stamps),
        )
    if action.worth_won:
        return _("%(action)s once = %(won)s", action=label, won=format_won_short(action.worth_won))
    if action.worth_stamps:
        return _("%(action)s = %(stamps)s", action=label, stamps=stamps_text(action.worth_stamps))
    if campaign.milestones:
        return _("%(action)s: each one counts toward the milestones", action=label)
    return _("%(action)s: each one counts toward the total", action=label)


def _caps(action: ActionType) -> str:
    daily, total = action.daily_cap, action.total_cap
    if daily and total:
        return _(
            "up to %(daily)s a day and %(total)s in all",
            daily=format_number(daily),
            total=format_number(total),
        )
    if daily:
        return _("up to %(count)s a day", count=format_number(daily))
    if total:
        return _("up to %(count)s per person", count=format_number(total))
    return _("as often as you like")


def _evidence(action: ActionType) -> str | None:
    if action.evidence == Evidence.NONE:
        return None
    if action.evidence == Evidence.REQUIRED:
        if action.evidence_unique:
            return _("needs a reference number, and each one counts once")
        return _("needs a reference number")
    if action.evidence_unique:
        return _("a reference number, if given, counts once")
    return None


def action_rule(campaign: Campaign, action: ActionType) -> str:
    """One sentence: what the action is worth, how often it counts, what proves it."""
    parts = [_worth(campaign, action), _caps(action)]
    evidence = _evidence(action)
    if evidence:
        parts.append(evidence)
    if action.message == MessageRule.REQUIRED:
        parts.append(_("with a short cheer message for the wall"))
    return ", ".join(parts)


def milestone_rule(campaign: Campaign, threshold: int, amount_won: int, label: str = "") -> str:
    actions = campaign.action_types
    what = actions[0].label if len(actions) == 1 else _("Actions")
    text = _(
        "%(action)s %(count)s reached: %(won)s",
        action=what,
        count=format_number(threshold),
        won=format_won_short(amount_won),
    )
    return f"{text} ({label})" if label else text


def rules_in_words(campaign: Campaign) -> list[str]:
    """Every rule of the campaign as a short sentence, in the order a reader needs them."""
    lines = [action_rule(campaign, action) for action in campaign.action_types]
    if campaign.stamps_per_unit is not None and campaign.won_per_unit is not None:
        lines.append(
            _(
                "%(stamps)s = %(units)s = %(won)s",
                stamps=stamps_text(campaign.stamps_per_unit),
                units=units_text(campaign, "1"),
                won=format_won_short(campaign.won_per_unit),
            )
        )
    lines += [
        milestone_rule(campaign, m.threshold, m.amount_won, m.label) for m in campaign.milestones
    ]
    if len(campaign.milestones) > 1:
        lines.append(_("Each milestone pays once, and the tiers add up."))
    if campaign.teams:
        teams = " · ".join(f"{team.emoji} {team.name}".strip() for team in campaign.teams)
        lines.append(_("Choose your team once: %(teams)s", teams=teams))
    if campaign.match_percent:
        lines.append(
            _("The company matches %(percent)s%% of each gift", percent=campaign.match_percent)
        )
        if campaign.match_per_person_won is not None:
            lines.append(
                _(
                    "The match is at most %(won)s per person",
                    won=format_won_short(campaign.match_per_person_won),
                )
            )
    if campaign.topup_won:
        lines.append(
            _(
                "The company adds %(won)s when the campaign closes",
                won=format_won_short(campaign.topup_won),
            )
        )
    if campaign.purse_won is not None:
        lines.append(_("Sponsor's limit: %(won)s", won=format_won_short(campaign.purse_won)))
    return lines
