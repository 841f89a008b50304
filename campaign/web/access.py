"""Who may open a page: anonymous visitors are sent to log in; the wrong role gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from campaign.models import User

F = TypeVar("F", bound=Callable[..., Any])


def signed_in() -> User | None:
    """The signed-in user itself, or None for a visitor (services take plain objects, never
    Flask's proxy)."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def _role_required(check: Callable[[Any], bool]) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorator


admin_required = _role_required(lambda user: user.is_admin)
