"""Admins run campaigns: open, pause, resume, close, cancel, extend; settlement and exports."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from campaign.db import after_commit, discard_changes, get_session
from campaign.errors import DomainError
from campaign.http import result_mail
from campaign.http.downloads import attachment
from campaign.http.error_messages import message_for
from campaign.http.receipt_keys import receipt_cipher
from campaign.models import (
    Campaign,
    CampaignStatus,
)
from campaign.models.types import utcnow
from campaign.rules import transitions
from campaign.rules.calendar import end_bound
from campaign.rules.transitions import Transition
from campaign.services import campaign_management as management
from campaign.services import lifecycle
from campaign.services.campaigns import campaign_at
from campaign.services.exports import export_history, export_settlement
from campaign.services.paging import clean_query, page_number, page_of, search
from campaign.services.progress import progress
from campaign.services.settlement import settlement_details, settlement_for
from campaign.web.access import admin_required, signed_in
from campaign.web.admin.campaign_forms import CancelForm, ExportForm, ExtendForm
from campaign.web.admin.campaign_setup_forms import PurseForm, SeasonForm

bp = Blueprint("admin_campaigns", __name__, url_prefix="/admin/campaigns")

STATUS_LABELS = {
    CampaignStatus.SCHEDULED: _l("scheduled"),
    CampaignStatus.ACTIVE: _l("active"),
    CampaignStatus.PAUSED: _l("paused"),
    CampaignStatus.CLOSED: _l("closed"),
    CampaignStatus.SETTLED: _l("settled"),
    CampaignStatus.CANCELLED: _l("cancelled"),
}

# The one-button transitions; cancel and extend have their own forms.
BUTTONS = {
    Transition.OPEN: (_l("Open now"), lifecycle.open_campaign),
    Transition.PAUSE: (_l("Pause"), lifecycle.pause),
    Transition.RESUME: (_l("Resume"), lifecycle.resume),
    Transition.CLOSE: (_l("Close now"), lifecycle.close),
    Transition.SETTLE: (_l("Mark settlement as sent"), lifecycle.mark_sent),
}

# Irreversible: the page asks for a ticked box, and so does the server (a no-JS confirmation).
NEEDS_CONFIRMATION = frozenset({Transition.CLOSE})

DONE = {
    Transition.OPEN: _l("The campaign is open."),
    Transition.PAUSE: _l("The campaign is paused."),
    Transition.RESUME: _l("The campaign is running again."),
    Transition.CLOSE: _l(
        "The campaign is closed and its settlement is computed. "
        "The results mail goes out to participants within a minute."
    ),
    Transition.SETTLE: _l("The settlement is marked as sent; the campaign is settled."),
}


def _campaign(slug: str) -> Campaign:
    campaign = campaign_at(get_session(), slug)
    if campaign is None:
        abort(404)
    return campaign


@bp.route("")
@admin_required
def campaigns() -> str:
    wanted = request.args.get("status", "")
    query = clean_query(request.args.get("q"))
    statement = select(Campaign).order_by(Campaign.starts_at.desc(), Campaign.id.desc())
    if wanted in {s.value for s in CampaignStatus}:
        statement = statement.where(Campaign.status == CampaignStatus(wanted))
    else:
        wanted = ""
    statement = search(statement, query, (Campaign.slug, Campaign.title))
    session = get_session()
    page = page_of(session, statement, page_number(request.args.get("page")))
    rows = [(c, progress(session, c, utcnow())) for c in page.items]
    return render_template(
        "admin/campaigns.html",
        rows=rows,
        page=page,
        query=query,
        wanted=wanted,
        statuses=STATUS_LABELS,
    )


def _export_form(campaign: Campaign) -> ExportForm:
    form = ExportForm()
    form.partner.choices = [SelectChoice("", _("Whole settlement (every partner)"))] + [
        SelectChoice(str(b.partner_id), b.partner.name) for b in campaign.beneficiaries
    ]
    return form


@bp.route("/<slug>")
@admin_required
def campaign(slug: str) -> str:
    return _page(_campaign(slug))


def _page(
    campaign: Campaign,
    cancel_form: CancelForm | None = None,
    extend_form: ExtendForm | None = None,
    status: int = 200,
    purse_form: PurseForm | None = None,
    season_form: SeasonForm | None = None,
) -> str:
    session = get_session()
    settlement = settlement_for(session, campaign)
    details = {}
    if settlement is not None:
        details = {
            **settlement_details(session, settlement),
            "exports": export_history(
                session,
                settlement,
                clean_query(request.args.get("q")),
                page_number(request.args.get("page")),
            ),
        }
    return render_template(
        "admin/campaign.html",
        campaign=campaign,
        progress=progress(session, campaign, utcnow()),
        settlement=settlement,
        details=details,
        teams={team.id: team for team in campaign.teams},
        partners={b.partner_id: b.partner for b in campaign.beneficiaries},
        buttons=[
            (t, BUTTONS[t][0]) for t in transitions.available(campaign.status) if t in BUTTONS
        ],
        can_cancel=Transition.CANCEL in transitions.available(campaign.status),
        can_extend=Transition.EXTEND in transitions.available(campaign.status),
        cancel_form=cancel_form or CancelForm(),
        extend_form=extend_form or ExtendForm(),
        export_form=_export_form(campaign),
        purse_form=purse_form or PurseForm(formdata=None),
        season_form=season_form or SeasonForm(formdata=None),
        can_raise_purse=campaign.status in management.RUNNING and campaign.purse_won is not None,
        statuses=STATUS_LABELS,
        needs_confirmation=NEEDS_CONFIRMATION,
    ), status


@bp.route("/<slug>/<any(open, pause, resume, close, settle):transition>", methods=["POST"])
@admin_required
def change(slug: str, transition: str) -> BaseResponse:
    campaign = _campaign(slug)
    session = get_session()
    step = Transition(transition)
    if step in NEEDS_CONFIRMATION and request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm: this cannot be undone."), "error")
        return redirect(url_for("admin_campaigns.campaign", slug=slug, _anchor="lifecycle"))
    try:
        changed = BUTTONS[step][1](
            session,
            campaign,
            actor=current_user,
            now=utcnow(),
            actor_label="admin",
        )
    except DomainError as exc:
        discard_changes()  # nothing the refused request wrote stays
        flash(message_for(exc), "error")
        return redirect(url_for("admin_campaigns.campaign", slug=slug))
    # No results mail here: with 100k participants it would hold the request for minutes. The
    # scheduler's mail_results job claims the settlement's mailing (results.claim_results) and
    # sends it within one SCHEDULER_INTERVAL_SECONDS; `flask dev` runs that job in-process.
    flash(
        str(DONE[step]) if changed else _("Nothing to do: it was already done."),
        "success" if changed else "info",
    )
    return redirect(url_for("admin_campaigns.campaign", slug=slug))


@bp.route("/<slug>/cancel", methods=["POST"])
@admin_required
def cancel(slug: str) -> str | BaseResponse:
    campaign = _campaign(slug)
    form = CancelForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            changed = lifecycle.cancel(
                session, campaign, actor=current_user, reason=form.reason.data or "", now=utcnow()
            )
        except DomainError as exc:
            discard_changes()  # nothing the refused request wrote stays
            form.reason.errors.append(message_for(exc))
        else:
            if changed:
                campaign_id, reason = campaign.id, " ".join((form.reason.data or "").split())
                after_commit(lambda: result_mail.send_cancelled(campaign_id, reason))
            flash(_("The campaign is cancelled."), "success")
            return redirect(url_for("admin_campaigns.campaign", slug=slug))
    return _page(campaign, cancel_form=form, status=422)


@bp.route("/<slug>/extend", methods=["POST"])
@admin_required
def extend(slug: str) -> str | BaseResponse:
    campaign = _campaign(slug)
    form = ExtendForm()
    if form.validate_on_submit() and form.last_day.data is not None:
        session = get_session()
        try:
            lifecycle.extend(
                session,
                campaign,
                actor=current_user,
                new_ends_at=end_bound(form.last_day.data),
                now=utcnow(),
                reason=form.reason.data or None,
            )
        except DomainError as exc:
            discard_changes()  # nothing the refused request wrote stays
            form.last_day.errors.append(message_for(exc))
        else:
            flash(_("The end date is moved."), "success")
            return redirect(url_for("admin_campaigns.campaign", slug=slug))
    return _page(campaign, extend_form=form, status=422)


@bp.route("/<slug>/acknowledge", methods=["POST"])
@admin_required
def acknowledge(slug: str) -> BaseResponse:
    campaign = _campaign(slug)
    session = get_session()
    try:
        lifecycle.mark_acknowledged(session, campaign, actor=current_user, now=utcnow())
    except DomainError as exc:
        discard_changes()  # nothing the refused request wrote stays
        flash(message_for(exc), "error")
    else:
        flash(_("The partners' acknowledgement is recorded."), "success")
    return redirect(url_for("admin_campaigns.campaign", slug=slug))


@bp.route("/<slug>/export", methods=["POST"])
@admin_required
def export(slug: str) -> BaseResponse:
    campaign = _campaign(slug)
    form = _export_form(campaign)
    if not form.validate_on_submit():
        flash(_("Choose a format and a partner."), "error")
        return redirect(url_for("admin_campaigns.campaign", slug=slug))
    session = get_session()
    try:
        exported = export_settlement(
            session,
            campaign,
            partner_id=int(form.partner.data) if form.partner.data else None,
            format_name=form.format.data or "",
            actor=current_user,
            actor_label="admin",
            now=utcnow(),
            cipher=receipt_cipher(),
        )
    except DomainError as exc:
        discard_changes()  # nothing the refused request wrote stays
        flash(message_for(exc), "error")
        return redirect(url_for("admin_campaigns.campaign", slug=slug))
    return attachment(exported)


@bp.route("/<slug>/purse", methods=["POST"])
@admin_required
def purse(slug: str) -> str | BaseResponse:
    campaign = _campaign(slug)
    form = PurseForm()
    if form.validate_on_submit():
        try:
            management.raise_purse(
                get_session(),
                signed_in(),
                campaign,
                form.purse_won.data,
                form.reason.data,
                utcnow(),
            )
        except DomainError as exc:
            discard_changes()  # nothing the refused request wrote stays
            field = getattr(form, getattr(exc, "field", ""), None) or form.purse_won
            field.errors = [*field.errors, message_for(exc)]
        else:
            flash(_("The sponsor cap is raised."), "success")
            return redirect(url_for("admin_campaigns.campaign", slug=slug))
    return _page(campaign, purse_form=form, status=422)


@bp.route("/<slug>/next-season", methods=["POST"])
@admin_required
def next_season(slug: str) -> str | BaseResponse:
    campaign = _campaign(slug)
    form = SeasonForm()
    if form.validate_on_submit() and form.starts_on.data and form.ends_on.data:
        try:
            season = management.start_next_season(
                get_session(),
                signed_in(),
                campaign,
                slug=form.slug.data or "",
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                now=utcnow(),
            )
        except DomainError as exc:
            discard_changes()  # nothing the refused request wrote stays
            field = getattr(form, getattr(exc, "field", ""), None) or form.slug
            field.errors = [*field.errors, message_for(exc)]
        else:
            flash(_("The next season is created and scheduled."), "success")
            return redirect(url_for("admin_campaigns.campaign", slug=season.slug))
    return _page(campaign, season_form=form, status=422)
