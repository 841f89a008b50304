"""Admins moderate what people write for others to read: reported cheer messages and crew
comments, in one queue; hide (with a reason) or restore. Hiding never touches money."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from campaign.db import discard_changes, get_session
from campaign.errors import Invalid
from campaign.http.error_messages import message_for
from campaign.models.types import utcnow
from campaign.services import moderation
from campaign.services.moderation import Subject
from campaign.web.access import admin_required, signed_in

bp = Blueprint("admin_moderation", __name__, url_prefix="/admin/moderation")

ID = "int(max=9223372036854775807)"
SUBJECTS = "any(cheer, comment)"


@bp.get("")
@admin_required
def queue() -> str:
    return render_template("admin/moderation.html", items=moderation.queue(get_session()))


def _subject(name: str) -> Subject:
    try:
        return Subject(name)
    except ValueError:  # the route's converter only lets the two names through
        abort(404)


@bp.post(f"/<{SUBJECTS}:subject>/<{ID}:item_id>/hide")
@admin_required
def hide(subject: str, item_id: int) -> Response:
    session = get_session()
    try:
        changed = moderation.hide(
            session,
            signed_in(),
            _subject(subject),
            item_id,
            request.form.get("reason", ""),
            utcnow(),
        )
    except Invalid as exc:
        discard_changes()
        flash(message_for(exc), "error")
    else:
        flash(_("Hidden.") if changed else _("It was already hidden."), "success")
    return redirect(url_for("admin_moderation.queue"))


@bp.post(f"/<{SUBJECTS}:subject>/<{ID}:item_id>/restore")
@admin_required
def restore(subject: str, item_id: int) -> Response:
    changed = moderation.restore(get_session(), signed_in(), _subject(subject), item_id, utcnow())
    flash(_("Shown again; its reports are closed.") if changed else _("Nothing to change."), "info")
    return redirect(url_for("admin_moderation.queue"))
