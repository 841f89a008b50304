"""Admins manage partner charities: their details and their read-only API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from campaign.db import discard_changes, get_session
from campaign.errors import DomainError, Invalid, PartnerNameTaken
from campaign.http.error_messages import message_for
from campaign.models import Partner
from campaign.models.types import utcnow
from campaign.services import partners as partner_service
from campaign.web.access import admin_required
from campaign.web.admin.partner_forms import PartnerForm, PartnerTokenForm

bp = Blueprint("admin_partners", __name__, url_prefix="/admin")


def _show_error(form: PartnerForm, exc: DomainError) -> None:
    """Put a service error beside the field it is about (a taken name beside the name)."""
    field = getattr(form, exc.field, None) if isinstance(exc, Invalid) else form.name
    if field is None:
        flash(message_for(exc), "error")
    else:
        field.errors = [*field.errors, message_for(exc)]


@bp.route("/partners")
@admin_required
def partners() -> str:
    return render_template(
        "admin/partners.html",
        partners=partner_service.list_partners(get_session()),
        form=PartnerForm(formdata=None),
    )


@bp.route("/partners/new", methods=["GET", "POST"])
@admin_required
def new_partner() -> str | Response:
    form = PartnerForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            partner = partner_service.create_partner(
                session, current_user, form.details(), utcnow()
            )
        except (Invalid, PartnerNameTaken) as exc:
            discard_changes()  # nothing the refused request wrote stays
            _show_error(form, exc)
        else:
            flash(_("Partner added: %(name)s.", name=partner.name), "success")
            return redirect(url_for("admin_partners.edit_partner", partner_id=partner.id))
    return render_template("admin/partner_form.html", form=form, partner=None)


def _edit_page(
    partner: Partner,
    form: PartnerForm | None = None,
    token_form: PartnerTokenForm | None = None,
    new_token: str | None = None,
) -> str:
    return render_template(
        "admin/partner_form.html",
        partner=partner,
        form=form or PartnerForm(formdata=None, obj=partner),
        token_form=token_form or PartnerTokenForm(formdata=None),
        tokens=partner_service.list_partner_tokens(get_session(), partner, include_revoked=True),
        new_token=new_token,
    )


@bp.route("/partners/<int:partner_id>", methods=["GET", "POST"])
@admin_required
def edit_partner(partner_id: int) -> str | Response:
    session = get_session()
    partner = partner_service.get_partner(session, partner_id)
    form = PartnerForm(obj=partner)
    if form.validate_on_submit():
        try:
            changed = partner_service.update_partner(
                session, current_user, partner, form.details(), utcnow()
            )
        except (Invalid, PartnerNameTaken) as exc:
            discard_changes()
            _show_error(form, exc)
        else:
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin_partners.edit_partner", partner_id=partner.id))
    return _edit_page(partner, form=form)


@bp.route("/partners/<int:partner_id>/tokens", methods=["POST"])
@admin_required
def issue_token(partner_id: int) -> str | Response:
    session = get_session()
    partner = partner_service.get_partner(session, partner_id)
    token_form = PartnerTokenForm()
    if not token_form.validate_on_submit():
        return _edit_page(partner, token_form=token_form)
    issued = partner_service.issue_partner_token(
        session, current_user, partner, token_form.token_name.data or "", utcnow()
    )
    # The secret is on this page only: no cache may keep a copy.
    response = make_response(_edit_page(partner, new_token=issued.secret))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/partners/<int:partner_id>/tokens/<int:token_id>/revoke", methods=["POST"])
@admin_required
def revoke_token(partner_id: int, token_id: int) -> Response:
    session = get_session()
    partner = partner_service.get_partner(session, partner_id)
    partner_service.revoke_partner_token(session, current_user, partner, token_id, utcnow())
    flash(_("The token is revoked."), "success")
    return redirect(url_for("admin_partners.edit_partner", partner_id=partner.id))
