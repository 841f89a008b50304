"""Admins set campaigns up directly: create one, correct its content (the purse and the next
season are forms on the campaign's admin page; services/campaign_management.py says what may
change when)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from campaign.db import discard_changes, get_session
from campaign.errors import DomainError, Invalid
from campaign.http.error_messages import message_for
from campaign.models import Campaign
from campaign.models.types import utcnow
from campaign.rules.calendar import kst_day
from campaign.rules.campaign_spec import spec_from_model
from campaign.rules.states import CampaignKind
from campaign.services import campaign_management as management
from campaign.services import proposal_views
from campaign.services.campaigns import campaign_at
from campaign.web.access import admin_required, signed_in
from campaign.web.admin.campaign_setup_forms import KIND_PARTS, CampaignForm, ContentForm
from campaign.web.crew import show_error
from campaign.web.proposal_forms import EVIDENCE_LABELS, KIND_LABELS

bp = Blueprint("admin_campaign_setup", __name__, url_prefix="/admin/campaigns")


def _campaign(slug: str) -> Campaign:
    campaign = campaign_at(get_session(), slug)
    if campaign is None:
        abort(404)
    return campaign


def _chosen_kind(value: str | None) -> CampaignKind | None:
    try:
        return CampaignKind(value or "")
    except ValueError:
        return None


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> str | Response | tuple[str, int]:
    """First choose the kind (a plain GET form), then fill in only that kind's fields. With
    ``season_of`` the form starts as a copy of that campaign and creates its next season."""
    session = get_session()
    partners = proposal_views.partner_choices(session)
    form = CampaignForm(partners=partners)
    season_of = _season_of(request.values.get("season_of"))
    asked = request.form.get("kind") if form.is_submitted() else request.args.get("kind")
    kind = _chosen_kind(asked) or (season_of.kind if season_of is not None else None)
    if kind is None:
        page = render_template("admin/campaign_kind.html", kind_labels=KIND_LABELS)
        return (page, 422) if form.is_submitted() else page
    if not form.is_submitted():
        if season_of is not None:
            form = CampaignForm.copying(spec_from_model(season_of), partners)
        form.kind.data = kind.value
        return _form_page(form, kind, season_of)
    form.kind.data = kind.value
    if form.validate():
        now = utcnow()
        try:
            campaign = management.create_directly(
                session, signed_in(), form.spec(kst_day(now)), now, season_of=season_of
            )
        except Invalid as exc:
            discard_changes()
            show_error(form, exc)
        else:
            flash(_("The campaign is created and scheduled."), "success")
            return redirect(url_for("admin_campaigns.campaign", slug=campaign.slug))
    return _form_page(form, kind, season_of), 422


def _season_of(slug: str | None) -> Campaign | None:
    if not slug:
        return None
    return _campaign(slug)


def _form_page(form: CampaignForm, kind: CampaignKind, season_of: Campaign | None) -> str:
    return render_template(
        "admin/campaign_new.html",
        form=form,
        kind=kind,
        season_of=season_of,
        parts=KIND_PARTS[kind],
        kind_labels=KIND_LABELS,
        evidence_labels=EVIDENCE_LABELS,
    )


@bp.route("/<slug>/content", methods=["GET", "POST"])
@admin_required
def content(slug: str) -> str | Response | tuple[str, int]:
    campaign = _campaign(slug)
    form = ContentForm()
    if not form.is_submitted():
        form = ContentForm(formdata=None, obj=campaign)
        return _content_page(campaign, form)
    if form.validate():
        session = get_session()
        details = management.Content(
            form.title.data or "", form.summary.data or "", form.story.data or ""
        )
        try:
            changed = management.edit_content(
                session, signed_in(), campaign, details, form.reason.data, utcnow()
            )
        except DomainError as exc:
            discard_changes()
            field = getattr(form, getattr(exc, "field", ""), None) or form.title
            field.errors = [*field.errors, message_for(exc)]
        else:
            flash(
                _("The campaign's text is updated.") if changed else _("Nothing changed."),
                "success" if changed else "info",
            )
            return redirect(url_for("admin_campaigns.campaign", slug=slug))
    return _content_page(campaign, form), 422


def _content_page(campaign: Campaign, form: ContentForm) -> str:
    return render_template("admin/campaign_content.html", campaign=campaign, form=form)
