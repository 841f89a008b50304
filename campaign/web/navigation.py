"""The navigation bar: each entry says who may see it, so a role sees what it may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from flask_babel import lazy_gettext
from flask_login import current_user

from campaign.web.admin.review import pending_badge
from campaign.web.notifications import unread_badge


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: Any  # a lazy translated string
    visible: Callable[[Any], bool]
    # A number beside the label (unread notifications, proposals waiting): None shows nothing.
    badge: Callable[[Any], int | None] | None = None


def _signed_in(user: Any) -> bool:
    return bool(user.is_authenticated)


def _crew(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_crew)


def _admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_admin)


ENTRIES: tuple[NavEntry, ...] = (
    NavEntry("challenges.my_page", lazy_gettext("My page"), _signed_in),
    NavEntry("admin_campaigns.campaigns", lazy_gettext("Manage"), _admin),
    NavEntry("admin_users.users", lazy_gettext("Admin"), _admin),
    NavEntry("admin_partners.partners", lazy_gettext("Partners"), _admin),
    NavEntry("admin_audit.audit", lazy_gettext("Audit log"), _admin),
    NavEntry("admin_integrations.integrations", lazy_gettext("Integrations"), _admin),
    NavEntry("admin_moderation.queue", lazy_gettext("Moderation"), _admin),
    NavEntry("crew.index", lazy_gettext("Crew"), _crew),
    NavEntry("admin_review.queue", lazy_gettext("Proposals"), _admin, pending_badge),
    NavEntry("notifications.index", lazy_gettext("Notifications"), _signed_in, unread_badge),
)


def here() -> str:
    """The current path and query, to come back to after logging in or switching language."""
    return request.full_path.rstrip("?")


def nav_items() -> list[dict[str, Any]]:
    return [
        {
            "url": url_for(entry.endpoint),
            "label": entry.label,
            "badge": entry.badge(current_user) if entry.badge else None,
        }
        for entry in ENTRIES
        if entry.visible(current_user)
    ]
