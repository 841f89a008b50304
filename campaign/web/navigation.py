"""The navigation bar: each entry says who may see it, so a role sees what it may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from flask_babel import lazy_gettext
from flask_login import current_user


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: Any  # a lazy translated string
    visible: Callable[[Any], bool]


def _signed_in(user: Any) -> bool:
    return bool(user.is_authenticated)


def _crew(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_crew)


def _admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_admin)


ENTRIES: tuple[NavEntry, ...] = (NavEntry("admin_users.users", lazy_gettext("Admin"), _admin),)


def here() -> str:
    """The current path and query, to come back to after logging in or switching language."""
    return request.full_path.rstrip("?")


def nav_items() -> list[dict[str, Any]]:
    return [
        {"url": url_for(entry.endpoint), "label": entry.label, "badge": None}
        for entry in ENTRIES
        if entry.visible(current_user)
    ]
