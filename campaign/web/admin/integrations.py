"""Admins register partner systems that report actions through signed webhooks, rotate their
secrets, switch them off, and read what each one sent (accepted, replayed, pending, refused)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from campaign.db import discard_changes, get_session
from campaign.errors import Invalid
from campaign.http.error_messages import message_for, message_for_code
from campaign.models import Integration
from campaign.models.types import utcnow
from campaign.rules.signatures import SIGNATURE_HEADER
from campaign.services import integrations as service
from campaign.services.integrations import IssuedSecret
from campaign.services.paging import clean_query, page_number
from campaign.web.access import admin_required
from campaign.web.admin.integration_forms import IntegrationForm, RotateForm

bp = Blueprint("admin_integrations", __name__, url_prefix="/admin")

OUTCOMES = {
    "accepted": _l("Accepted"),
    "replayed": _l("Replayed"),
    "pending": _l("Pending"),
    "refused": _l("Refused"),
}
REASONS = {
    "no_account": _l("No account with this email yet"),
    "not_participant": _l("Has not joined the campaign yet"),
    "recorded": _l("Recorded"),
    "pending": _l("Pending"),
    "cap_reached": _l("The person's limit for this action is reached"),
}


def reason_text(code: str | None) -> str:
    if not code:
        return ""
    return str(REASONS.get(code) or message_for_code(code))


def _list_page(form: IntegrationForm | None = None) -> str:
    session = get_session()
    return render_template(
        "admin/integrations.html",
        rows=service.list_integrations(session),
        form=form or IntegrationForm(formdata=None).offer(service.action_choices(session)),
    )


@bp.route("/integrations")
@admin_required
def integrations() -> str:
    return _list_page()


@bp.route("/integrations/new", methods=["POST"])
@admin_required
def new_integration() -> str | Response:
    session = get_session()
    form = IntegrationForm().offer(service.action_choices(session))
    if form.validate_on_submit():
        campaign_id, action_code = form.target()
        try:
            issued = service.create_integration(
                session,
                current_user,
                campaign_id=campaign_id,
                action_code=action_code,
                name=form.name.data or "",
                event_type=form.event_type.data or "",
                now=utcnow(),
            )
        except Invalid as exc:
            discard_changes()  # nothing the refused request wrote stays
            field = getattr(form, exc.field, form.action)
            field.errors = [*field.errors, message_for(exc)]
        else:
            return _secret_page(issued)
    return _list_page(form)


def _detail_page(
    integration: Integration, rotate_form: RotateForm | None = None, new_secret: str | None = None
) -> str:
    session = get_session()
    query = clean_query(request.args.get("q"))
    deliveries = service.deliveries_page(
        session, integration, query, page_number(request.args.get("page"))
    )
    return render_template(
        "admin/integration.html",
        row=service.describe(session, integration),
        hook_url=url_for("api_hooks.receive", key=integration.key, _external=True),
        signature_header=SIGNATURE_HEADER,
        deliveries=deliveries,
        query=query,
        pending=service.pending_events(session, integration),
        rotate_form=rotate_form or RotateForm(formdata=None),
        new_secret=new_secret,
        outcomes=OUTCOMES,
        reason_text=reason_text,
    )


def _secret_page(issued: IssuedSecret) -> Response:
    # The secret is on this page only: no cache may keep a copy.
    response = make_response(_detail_page(issued.integration, new_secret=issued.secret))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/integrations/<int:integration_id>")
@admin_required
def integration(integration_id: int) -> str:
    return _detail_page(service.get_integration(get_session(), integration_id))


@bp.route("/integrations/<int:integration_id>/rotate", methods=["POST"])
@admin_required
def rotate(integration_id: int) -> str | Response:
    session = get_session()
    found = service.get_integration(session, integration_id)
    form = RotateForm()
    if not form.validate_on_submit():
        return _detail_page(found, rotate_form=form)
    issued = service.rotate_secret(
        session, current_user, found, utcnow(), timedelta(hours=form.grace_hours.data or 0)
    )
    return _secret_page(issued)


@bp.route("/integrations/<int:integration_id>/deactivate", methods=["POST"])
@admin_required
def deactivate(integration_id: int) -> Response:
    session = get_session()
    found = service.get_integration(session, integration_id)
    if service.deactivate(session, current_user, found, utcnow()):
        flash(_("The integration is switched off; its hook now refuses every event."), "success")
    return redirect(url_for("admin_integrations.integration", integration_id=found.id))
