"""The cheer wall's own requests: paging through it and reporting a message.

The wall itself is drawn by templates/challenges/_cheer_wall.html on the challenge page
(web/challenges.py gives it ``cheer_wall``).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from campaign.db import discard_changes, get_session
from campaign.errors import Invalid
from campaign.http.error_messages import message_for
from campaign.models.types import utcnow
from campaign.services import moderation
from campaign.services.campaigns import find_campaign
from campaign.web.access import signed_in

bp = Blueprint("cheers", __name__)

ID = "int(max=9223372036854775807)"
_ID_MAX = 2**63 - 1


def wall_cursor() -> int | None:
    """``?before=<id>`` of the page's wall: older messages than that one. Anything that is not
    an id shows the newest page (a link typed wrong is not an error worth a page)."""
    raw = request.args.get("before", "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19 or int(raw) > _ID_MAX:
        return None
    return int(raw)


@bp.post(f"/c/<slug>/cheers/<{ID}:message_id>/report")
@login_required
def report(slug: str, message_id: int) -> Response:
    """Someone signed in reports a message on a wall they can see, once."""
    session = get_session()
    campaign = find_campaign(session, slug, signed_in())
    try:
        first = moderation.report_cheer(session, signed_in(), campaign, message_id, utcnow())
    except Invalid as exc:
        discard_changes()
        flash(message_for(exc), "error")
    else:
        if first:
            flash(_("Thank you. An admin will look at this message."), "success")
        else:
            flash(_("You have already reported this message."), "info")
    return redirect(url_for("challenges.show", slug=campaign.slug, _anchor="cheer-wall"))
