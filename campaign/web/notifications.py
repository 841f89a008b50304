"""In-app notifications: the list, marking them read, and the unread count in the navigation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from campaign.db import get_session
from campaign.i18n import format_won
from campaign.models import Notification
from campaign.models.types import utcnow
from campaign.services import corrections, notifications, results
from campaign.services import proposals as proposal_service
from campaign.web.redirects import safe_next

bp = Blueprint("notifications", __name__)

# kind → sentence. Parameters come from the notification's ``params``.
TEXTS = {
    proposal_service.NOTIFY_RETURNED: _l(
        "Your proposal “%(title)s” was sent back to you: %(reason)s"
    ),
    proposal_service.NOTIFY_REJECTED: _l("Your proposal “%(title)s” was not accepted: %(reason)s"),
    proposal_service.NOTIFY_APPROVED: _l(
        "Your proposal “%(title)s” is approved. It starts on %(starts_on)s."
    ),
    proposal_service.NOTIFY_ENDORSED_APPROVED: _l(
        "“%(title)s”, a proposal you endorsed, is approved. It starts on %(starts_on)s."
    ),
    proposal_service.NOTIFY_LIVE: _l("“%(title)s” is live now."),
    results.NOTIFY_RESULT: _l(
        "“%(title)s” has ended: together we raised %(total)s. See your part."
    ),
    results.NOTIFY_WON: _l("You won the prize draw of “%(title)s”! Tell us where to send it."),
    results.NOTIFY_CANCELLED: _l("“%(title)s” was cancelled: %(reason)s"),
    corrections.NOTIFY_ACTION_VOIDED: _l(
        "An action of yours in “%(title)s” (%(action)s) no longer counts: %(reason)s"
    ),
    corrections.NOTIFY_GIFT_VOIDED: _l(
        "Your gift of %(amount)s to “%(title)s” was voided and given back: %(reason)s"
    ),
}
FALLBACK = _l("You have a new notification.")


class _Params(dict[str, Any]):
    """Missing parameters read as empty, so an old notification never breaks the page."""

    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class Shown:
    id: int
    text: str
    url: str | None
    created_at: datetime
    unread: bool


def _url(notification: Notification) -> str | None:
    if notification.link:
        return safe_next(notification.link, "") or None
    proposal_id = notification.params.get("proposal_id")
    if isinstance(proposal_id, int):
        return url_for("crew.proposal", proposal_id=proposal_id)
    return None


def describe(notification: Notification) -> Shown:
    """A notification as a sentence in the reader's language, with where it leads."""
    params = _Params(
        {k: v for k, v in (notification.params or {}).items() if isinstance(v, str | int)}
    )
    for key, shown in (("total_won", "total"), ("amount_won", "amount")):
        if isinstance(params.get(key), int):
            params[shown] = format_won(params[key])
    if isinstance(params.get("starts_on"), str):
        params["starts_on"] = params["starts_on"].replace("-", ".")
    template = TEXTS.get(notification.kind)
    text = str(template) % params if template is not None else str(FALLBACK)
    return Shown(
        id=notification.id,
        text=text,
        url=_url(notification),
        created_at=notification.created_at,
        unread=notification.read_at is None,
    )


def unread_badge(user: Any) -> int | None:
    """The navigation's badge: the user's unread count, or None when there are none."""
    try:
        return notifications.unread_count(get_session(), user.id) or None
    except SQLAlchemyError:
        return None


@bp.route("/notifications")
@login_required
def index() -> str:
    shown = [describe(n) for n in notifications.recent(get_session(), current_user.id)]
    return render_template("notifications/index.html", notifications=shown)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def read_all() -> Response:
    session = get_session()
    notifications.mark_read(session, current_user.id, utcnow())
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/<int(max=9223372036854775807):notification_id>/open", methods=["POST"])
@login_required
def open_one(notification_id: int) -> Response:
    """Mark one notification read and follow it."""
    session = get_session()
    notification = notifications.find_own(session, current_user.id, notification_id)
    if notification is None:
        abort(404)
    notifications.mark_read(session, current_user.id, utcnow(), notification_id)
    return redirect(_url(notification) or url_for("notifications.index"))
