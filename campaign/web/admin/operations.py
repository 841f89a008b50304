"""Admins correct and report a campaign: void an action or a gift, export the draw winners,
attach sponsors and print the sponsor statement; and manage the sponsors themselves."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from campaign.db import discard_changes, get_session
from campaign.errors import DomainError, Invalid, SponsorNameTaken
from campaign.exports import FORMATS, Column, ExportDocument, Sheet
from campaign.http.error_messages import message_for
from campaign.i18n import format_won
from campaign.models import Campaign, CampaignKind
from campaign.models.types import utcnow
from campaign.services import results, sponsors
from campaign.services.campaigns import campaign_at
from campaign.services.corrections import corrections_of, void_action, void_gift
from campaign.services.settlement import settlement_for
from campaign.web.access import admin_required
from campaign.web.admin.operation_forms import CampaignSponsorForm, SponsorForm, VoidForm

bp = Blueprint("admin_operations", __name__, url_prefix="/admin")


def _campaign(slug: str) -> Campaign:
    campaign = campaign_at(get_session(), slug)
    if campaign is None:
        abort(404)
    return campaign


def _sponsor_form(campaign: Campaign, formdata: object = None) -> CampaignSponsorForm:
    session = get_session()
    current = sponsors.sponsors_of(session, campaign)
    form = (
        CampaignSponsorForm(formdata=formdata)
        if formdata is not None
        else CampaignSponsorForm(
            formdata=None,
            purse=str(current["purse"].id) if "purse" in current else "",
            match=str(current["match"].id) if "match" in current else "",
        )
    )
    choices = [SelectChoice("", _("No sponsor"))] + [
        SelectChoice(str(s.id), s.name) for s in sponsors.all_sponsors(session)
    ]
    form.purse.choices = choices
    form.match.choices = choices
    return form


@bp.app_template_global()
def operations_panel(campaign: Campaign) -> dict[str, object]:
    """What admin/_operations.html shows on the campaign admin page."""
    session = get_session()
    settlement = settlement_for(session, campaign)
    redraw = None
    if settlement is not None and campaign.draw_winners:
        redraw = results.rerun_draw(session, campaign) == results.winner_ids(session, settlement)
    return {
        "void_form": VoidForm(formdata=None),
        "sponsor_form": _sponsor_form(campaign),
        "corrections": corrections_of(session, campaign),
        "has_draw": settlement is not None and bool(campaign.draw_winners),
        "redraw_matches": redraw,
        "fundraiser": campaign.kind == CampaignKind.FUNDRAISER,
        "owed": sponsors.owed_at_settlement(session, campaign, settlement) if settlement else [],
        "late": corrections_of(session, campaign, after_close=True) if settlement else [],
    }


@bp.route("/campaigns/<slug>/corrections")
@admin_required
def corrections(slug: str) -> str:
    campaign = _campaign(slug)
    return _corrections_page(campaign, VoidForm(formdata=None))


def _corrections_page(campaign: Campaign, form: VoidForm, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "admin/corrections.html",
        campaign=campaign,
        form=form,
        corrections=corrections_of(get_session(), campaign),
    )
    return page, status  # type: ignore[return-value]


@bp.route("/campaigns/<slug>/void", methods=["POST"])
@admin_required
def void(slug: str) -> BaseResponse | tuple[str, int]:
    campaign = _campaign(slug)
    form = VoidForm()
    if not form.validate_on_submit() or form.target_id.data is None:
        return _corrections_page(campaign, form, 422)
    use_case = void_action if form.what.data == "action" else void_gift
    try:
        voided = use_case(
            get_session(),
            campaign,
            form.target_id.data,
            reason=form.reason.data or "",
            actor=current_user,
            now=utcnow(),
        )
    except DomainError as exc:
        discard_changes()  # nothing the refused request wrote stays
        target = form.reason if isinstance(exc, Invalid) else form.target_id
        target.errors = [*target.errors, message_for(exc)]
        return _corrections_page(campaign, form, 422)
    flash(
        _(
            "Voided. %(won)s went back; the counters moved with it.",
            won=format_won(voided.correction.won_returned + voided.correction.gift_won),
        ),
        "success",
    )
    return redirect(url_for("admin_operations.corrections", slug=slug))


@bp.route("/campaigns/<slug>/winners.csv")
@admin_required
def winners_csv(slug: str) -> Response:
    campaign = _campaign(slug)
    session = get_session()
    try:
        rows = results.winner_rows(session, campaign)
    except DomainError:
        abort(404)
    document = ExportDocument(
        summary=[("campaign", campaign.title), ("slug", campaign.slug)],
        sheets=[
            Sheet(
                "winners",
                (
                    Column("rank", "int"),
                    Column("display_name"),
                    Column("email"),
                    Column("team"),
                    Column("legal_name"),
                    Column("phone"),
                    Column("address"),
                    Column("consented_at", "datetime"),
                ),
                tuple(
                    (
                        r.rank,
                        r.display_name,
                        r.email,
                        r.team,
                        r.legal_name,
                        r.phone,
                        r.address,
                        r.consented_at,
                    )
                    for r in rows
                ),
            )
        ],
    )
    results.record_winners_export(session, campaign, current_user, len(rows), utcnow())
    return _download(FORMATS["csv"].write(document), f"{campaign.slug}-winners.csv")


def _download(data: bytes, filename: str) -> Response:
    return Response(
        data,
        content_type=FORMATS["csv"].media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            # Winners' contacts and sponsors' figures: no cache keeps a copy.
            "Cache-Control": "no-store",
        },
    )


@bp.route("/campaigns/<slug>/sponsors", methods=["POST"])
@admin_required
def campaign_sponsors(slug: str) -> BaseResponse:
    campaign = _campaign(slug)
    form = _sponsor_form(campaign, formdata=request.form)
    if not form.validate_on_submit():
        flash(_("Choose a sponsor from the list."), "error")
        return redirect(url_for("admin_campaigns.campaign", slug=slug))
    session = get_session()
    changed = False
    for role in sponsors.ROLES:
        value = getattr(form, role).data
        changed |= sponsors.set_campaign_sponsor(
            session, current_user, campaign, role, int(value) if value else None, utcnow()
        )
    flash(_("Saved.") if changed else _("Nothing changed."), "success")
    return redirect(url_for("admin_campaigns.campaign", slug=slug))


@bp.route("/campaigns/<slug>/sponsor-statement")
@admin_required
def sponsor_statement(slug: str) -> str:
    campaign = _campaign(slug)
    return render_template(
        "admin/sponsor_statement.html",
        campaign=campaign,
        statement=sponsors.statement(get_session(), campaign),
        now=utcnow(),
    )


@bp.route("/campaigns/<slug>/sponsor-statement.csv")
@admin_required
def sponsor_statement_csv(slug: str) -> Response:
    campaign = _campaign(slug)
    document = sponsors.statement_document(sponsors.statement(get_session(), campaign))
    return _download(FORMATS["csv"].write(document), f"{campaign.slug}-sponsor-statement.csv")


# --- Sponsors ------------------------------------------------------------------------------


def _show_error(form: SponsorForm, exc: DomainError) -> None:
    field = getattr(form, exc.field, None) if isinstance(exc, Invalid) else form.name
    if field is None:
        flash(message_for(exc), "error")
    else:
        field.errors = [*field.errors, message_for(exc)]


@bp.route("/sponsors")
@admin_required
def sponsor_list() -> str:
    page = request.args.get("page", "1")
    listing = sponsors.list_sponsors(
        get_session(),
        page=int(page) if page.isdigit() and len(page) < 7 else 1,
        query=request.args.get("q", ""),
    )
    return render_template("admin/sponsors.html", listing=listing)


@bp.route("/sponsors/new", methods=["GET", "POST"])
@admin_required
def new_sponsor() -> str | BaseResponse | tuple[str, int]:
    form = SponsorForm()
    if form.validate_on_submit():
        try:
            sponsor = sponsors.create_sponsor(get_session(), current_user, form.details(), utcnow())
        except (Invalid, SponsorNameTaken) as exc:
            discard_changes()  # nothing the refused request wrote stays
            _show_error(form, exc)
        else:
            flash(_("Sponsor added: %(name)s.", name=sponsor.name), "success")
            return redirect(url_for("admin_operations.edit_sponsor", sponsor_id=sponsor.id))
    page = render_template("admin/sponsor_form.html", form=form, sponsor=None)
    return (page, 422) if form.is_submitted() else page


@bp.route("/sponsors/<int(max=9223372036854775807):sponsor_id>", methods=["GET", "POST"])
@admin_required
def edit_sponsor(sponsor_id: int) -> str | BaseResponse | tuple[str, int]:
    session = get_session()
    try:
        sponsor = sponsors.get_sponsor(session, sponsor_id)
    except DomainError:
        abort(404)
    form = SponsorForm(obj=sponsor)
    if form.validate_on_submit():
        try:
            changed = sponsors.update_sponsor(
                session, current_user, sponsor, form.details(), utcnow()
            )
        except (Invalid, SponsorNameTaken) as exc:
            discard_changes()
            _show_error(form, exc)
        else:
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin_operations.edit_sponsor", sponsor_id=sponsor.id))
    page = render_template("admin/sponsor_form.html", form=form, sponsor=sponsor)
    return (page, 422) if form.is_submitted() else page
