"""Admins manage people: find an account, grant or remove crew (or admin) status, deactivate
or reactivate an account."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from campaign.db import discard_changes, get_session
from campaign.errors import Invalid
from campaign.http.error_messages import message_for
from campaign.models import Role, User
from campaign.models.types import utcnow
from campaign.services import accounts
from campaign.services.paging import clean_query, page_number
from campaign.web.access import admin_required

bp = Blueprint("admin_users", __name__, url_prefix="/admin")


@bp.route("/users")
@admin_required
def users() -> str:
    query = clean_query(request.args.get("q"))
    page = accounts.users_page(get_session(), query, page_number(request.args.get("page")))
    return render_template(
        "admin/users.html",
        users=page.items,
        page=page,
        query=query,
        roles=list(Role),
    )


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_required
def set_role(user_id: int) -> Response:
    session = get_session()
    user = session.get(User, user_id)
    if user is None:
        abort(404)
    try:
        role = Role(request.form.get("role", ""))
    except ValueError:
        abort(400)
    try:
        accounts.set_role(session, current_user, user, role, utcnow())
    except Invalid as exc:
        discard_changes()  # nothing the refused request wrote stays
        flash(message_for(exc), "error")
    else:
        flash(_("%(name)s is now %(role)s.", name=user.display_name, role=role.value), "success")
    return redirect(url_for("admin_users.users", q=request.args.get("q", "")))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def set_active(user_id: int) -> Response:
    """Deactivating ends the person's log-in sessions and revokes their API tokens at once."""
    session = get_session()
    user = session.get(User, user_id)
    if user is None:
        abort(404)
    active = request.form.get("active", "")
    if active not in ("0", "1"):
        abort(400)
    try:
        accounts.set_active(session, current_user, user, active == "1", utcnow())
    except Invalid as exc:
        discard_changes()  # nothing the refused request wrote stays
        flash(message_for(exc), "error")
    else:
        if active == "1":
            flash(_("%(name)s can log in again.", name=user.display_name), "success")
        else:
            flash(
                _("%(name)s is deactivated and logged out everywhere.", name=user.display_name),
                "success",
            )
    return redirect(url_for("admin_users.users", q=request.args.get("q", "")))
