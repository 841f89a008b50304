"""Who may open a page: anonymous visitors are sent to log in; the wrong role gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

F = TypeVar("F", bound=Callable[..., Any])


def _role_required(check: Callable[[Any], bool]) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorator


crew_required = _role_required(lambda user: user.is_crew)
admin_required = _role_required(lambda user: user.is_admin)
