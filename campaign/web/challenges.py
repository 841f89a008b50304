"""Challenge pages: the page of one challenge (join, take part, watch it climb) and "My page".

Views stay thin: load the campaign the viewer may see, call a service, commit once, then
Post/Redirect/Get with a flash. A refusal re-renders the page with the refusal's status and a
message in the reader's language; nothing of the refused request is kept.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from campaign.db import discard_changes, get_session
from campaign.errors import DomainError, IdempotencyKeyReused, NotFound
from campaign.extensions import action_limit, join_limit, limiter
from campaign.http.error_messages import message_for, status_for
from campaign.i18n import format_won
from campaign.models import Campaign
from campaign.models.types import utcnow
from campaign.rules.allowance import stamps_to_next_unit
from campaign.rules.countdown import Phase, countdown
from campaign.services.actions import RecordedAction
from campaign.services.allowances import allowances
from campaign.services.campaign_management import seasons_of
from campaign.services.campaigns import find_campaign
from campaign.services.cheers import cheer_wall, record_with_message, takes_messages
from campaign.services.giving import giving
from campaign.services.onboarding import join_and_credit
from campaign.services.progress import (
    contribution,
    decimal_units,
    my_recent_actions,
    progress,
    recent_activity,
)
from campaign.web import rule_text
from campaign.web.access import signed_in
from campaign.web.challenge_forms import ActionForm, JoinForm
from campaign.web.cheers import wall_cursor
from campaign.web.fundraiser import fundraiser_panel_context
from campaign.web.page_cache import anonymous_page_cache

bp = Blueprint("challenges", __name__)


def person_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def load_campaign(slug: str) -> Campaign:
    # A malformed slug names no campaign: services/campaigns.campaign_at refuses it before it
    # reaches the database driver.
    return find_campaign(get_session(), slug, signed_in())


@bp.app_template_global()
def progress_url(campaign: Campaign) -> str | None:
    """Where progress.js polls, or None when the numbers cannot change or are not public."""
    if campaign.internal:
        return None
    phase = countdown(campaign.status, campaign.starts_at, campaign.ends_at, utcnow()).phase
    if phase == Phase.ENDED:
        return None
    return url_for("api_campaigns.campaign_progress", slug=campaign.slug)


bp.add_app_template_filter(rule_text.format_won_short, "won_short")
bp.add_app_template_filter(rule_text.percent_text, "percent")
bp.add_app_template_filter(rule_text.kind_label, "kind_label")
bp.add_app_template_filter(rule_text.time_left_text, "time_left")
bp.add_app_template_filter(rule_text.stamps_text, "stamps")
bp.add_app_template_filter(decimal_units, "decimal_units")
bp.add_app_template_global(rule_text.units_text, "units_text")
bp.add_app_template_global(rule_text.unit_name, "unit_name")
bp.add_app_template_global(rule_text.action_rule, "action_rule")
bp.add_app_template_global(rule_text.milestone_rule, "milestone_rule")


@bp.app_template_filter("paragraphs")
def paragraphs(text: str) -> list[str]:
    return [
        part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n") if part.strip()
    ]


Typed = tuple[str, str, str]  # (action code, evidence, message) a reader sent


def _page(campaign: Campaign, status: int = 200, failed: Typed | None = None) -> tuple[str, int]:
    """The challenge page. ``failed`` keeps what the reader typed in the form whose submission
    was refused."""
    session = get_session()
    now = utcnow()
    typed = {failed[0]: failed[1:]} if failed else {}
    total_shares = sum(b.share for b in campaign.beneficiaries) or 1
    teams = {team.id: team for team in campaign.teams}
    numbers = progress(session, campaign, now)
    # A reader who is not signed in sees no form (the page offers to log in), so theirs carry
    # no CSRF token: making one would start a session, and the page could not be shared
    # (web/page_cache.py).
    forms: dict = {} if current_user.is_authenticated else {"meta": {"csrf": False}}
    page = render_template(
        "challenges/show.html",
        campaign=campaign,
        progress=numbers,
        allowance=allowances(session, campaign, signed_in(), now),
        stamps_to_next=stamps_to_next_unit(numbers.stamps, campaign.stamps_per_unit)
        if campaign.stamps_per_unit
        else None,
        team_index={team.code: index for index, team in enumerate(campaign.teams)},
        countdown=countdown(campaign.status, campaign.starts_at, campaign.ends_at, now),
        activity=recent_activity(session, campaign),
        mine=contribution(session, campaign, signed_in()),
        rules=rule_text.rules_in_words(campaign),
        last_moment=campaign.ends_at - timedelta(microseconds=1),
        beneficiaries=[
            (b.partner, _share_text(b.share, total_shares), teams.get(b.team_id))
            for b in campaign.beneficiaries
        ],
        team_by_code={team.code: team for team in campaign.teams},
        join_form=JoinForm.for_campaign(campaign, formdata=None, **forms),
        action_forms=[
            (action, ActionForm.for_action(action.code, *typed.get(action.code, ("", "")), **forms))
            for action in campaign.action_types
        ],
        cheer_wall=cheer_wall(session, campaign, signed_in(), before=wall_cursor())
        if takes_messages(campaign)
        else None,
        seasons=seasons_of(session, campaign, now),
        **fundraiser_panel_context(session, campaign, signed_in(), now),
    )
    return page, status


def _share_text(share: int, total: int) -> str:
    """1 of 2 shares → "50", 1 of 3 → "33.3"."""
    return f"{100 * share / total:.1f}".removesuffix(".0")


def _refused(
    campaign: Campaign, error: DomainError, failed: Typed | None = None
) -> tuple[str, int]:
    discard_changes()  # nothing of the refused request may show or stay
    flash(message_for(error), "error")
    return _page(campaign, status_for(error), failed)


def _back(campaign: Campaign, anchor: str = "take-part") -> Response:
    return redirect(url_for("challenges.show", slug=campaign.slug, _anchor=anchor))


@bp.get("/c/<slug>")
@anonymous_page_cache
def show(slug: str) -> tuple[str, int]:
    return _page(load_campaign(slug))


@bp.post("/c/<slug>/join")
@login_required
@limiter.limit(join_limit, key_func=person_key)
def join_challenge(slug: str) -> Response | tuple[str, int]:
    campaign = load_campaign(slug)
    # CSRFProtect has checked the token; the service decides about the team.
    form = JoinForm.for_campaign(campaign)
    session = get_session()
    try:
        joined = join_and_credit(session, signed_in(), campaign, form.team.data, utcnow())
    except NotFound:
        raise  # never a page about a campaign the viewer may not see
    except DomainError as exc:
        return _refused(campaign, exc)
    team = campaign.team(form.team.data or "") if campaign.teams else None
    if not joined.created:
        flash(_("You have already joined this challenge."), "info")
    elif team is not None:
        flash(_("Welcome to team %(team)s!", team=f"{team.emoji} {team.name}".strip()), "success")
    else:
        flash(_("You joined. Now take part!"), "success")
    return _back(campaign)


@bp.post("/c/<slug>/actions")
@login_required
@limiter.limit(action_limit, key_func=person_key)
def take_action(slug: str) -> Response | tuple[str, int]:
    campaign = load_campaign(slug)
    form = ActionForm()
    code = form.action.data or ""
    evidence = form.evidence.data or ""
    message = form.message.data or ""
    if not form.validate_on_submit():
        flash(_("That form was incomplete. Use the buttons below."), "error")
        return _page(campaign, 422)
    session = get_session()
    try:
        cheered = record_with_message(
            session,
            signed_in(),
            campaign,
            code,
            evidence,
            message,
            form.idempotency_key.data or None,
            utcnow(),
            source="web",
        )
    except IdempotencyKeyReused:
        discard_changes()
        flash(
            _("This form was already sent with other details. Use the fresh form below."), "error"
        )
        return _page(campaign, 422, (code, evidence, message))
    except DomainError as exc:
        return _refused(campaign, exc, (code, evidence, message))
    for sentence, category in outcome_messages(campaign, cheered.recorded):
        flash(sentence, category)
    if cheered.message is not None and not cheered.recorded.replayed:
        flash(_("Your message is on the cheer wall."), "success")
        return _back(campaign, "cheer-wall")
    return _back(campaign)


def outcome_messages(campaign: Campaign, recorded: RecordedAction) -> list[tuple[str, str]]:
    """What a person is told after an action counted (or was already counted)."""
    if recorded.replayed:
        return [(_("This was already counted; it does not count twice."), "info")]
    stamps = recorded.action.stamps
    won = format_won(recorded.won)
    if recorded.purse_exhausted:
        sentence = _("Counted, but the sponsor's purse is spent: +%(won)s.", won=won)
        category = "info"
    elif recorded.won and stamps and campaign.won_per_unit:
        units = (recorded.won_due - recorded.action_type.worth_won) // campaign.won_per_unit
        sentence = _(
            "Counted: +%(stamps)s, and that completed %(units)s: +%(won)s pledged!",
            stamps=rule_text.stamps_text(stamps),
            units=rule_text.units_text(campaign, str(units)),
            won=won,
        )
        category = "success"
    elif recorded.won:
        sentence = _("Counted: +%(won)s pledged.", won=won)
        category = "success"
    elif stamps:
        sentence = _("Counted: +%(stamps)s.", stamps=rule_text.stamps_text(stamps))
        category = "success"
    else:
        sentence = _("Counted. Thank you!")
        category = "success"
    messages = [(sentence, category)]
    messages += [
        (
            _(
                "Milestone reached: %(count)s actions unlocked %(won)s!",
                count=f"{m.threshold:,}",
                won=rule_text.format_won_short(m.won),
            ),
            "success",
        )
        for m in recorded.milestones
    ]
    return messages


@bp.get("/me")
@login_required
def my_page() -> str:
    session = get_session()
    user = signed_in()
    assert user is not None
    return render_template(
        "challenges/me.html",
        giving=giving(session, user, utcnow()),
        actions=my_recent_actions(session, user),
    )
