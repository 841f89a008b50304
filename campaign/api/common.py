"""What every JSON endpoint shares: bearer-token auth, body parsing, error answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, request
from werkzeug.exceptions import UnsupportedMediaType

from campaign.db import get_session
from campaign.errors import Invalid
from campaign.models import ApiToken, Partner, User
from campaign.services.tokens import live_token_with_owner

F = TypeVar("F", bound=Callable[..., Any])


def bearer_token() -> ApiToken | None:
    """The live token of this request's ``Authorization: Bearer …`` header, if any."""
    if "api_token" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        found = None
        if scheme.lower() == "bearer" and secret.strip():
            found = live_token_with_owner(get_session(), secret.strip())
        g.api_token, g.api_token_user = found or (None, None)
    return g.api_token


def api_user() -> User | None:
    token = bearer_token()
    if token is None or token.user_id is None:
        return None
    user: User | None = g.api_token_user  # read with the token, in the same statement
    return user if user is not None and user.active else None


def api_partner() -> Partner | None:
    token = bearer_token()
    if token is None or token.partner_id is None:
        return None
    return get_session().get(Partner, token.partner_id)


def user_required(view: F) -> F:
    """401 unless the request carries a live user token; the user is ``g.user``."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = api_user()
        if user is None:
            abort(401)
        g.user = user
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def partner_required(view: F) -> F:
    """401 unless the request carries a live partner token; the partner is ``g.partner``.
    A partner token opens these endpoints and nothing else (user endpoints refuse it)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        partner = api_partner()
        if partner is None:
            abort(401)
        g.partner = partner
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def json_object() -> dict[str, Any]:
    """The request body as a JSON object; 415 when it is not JSON, 400 when it does not parse,
    422 when it is JSON but not an object."""
    if not request.is_json:
        raise UnsupportedMediaType()
    body = request.get_json()  # raises 400 when the JSON does not parse
    if not isinstance(body, dict):
        raise Invalid("body", "not_an_object")
    return body


def string_field(body: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = body.get(name)
    if value is None:
        if required:
            raise Invalid(name, "required")
        return ""
    if not isinstance(value, str):
        raise Invalid(name, "required")
    return value


def optional_string(body: dict[str, Any], name: str, *, max_length: int) -> str | None:
    """``body[name]`` when it is a string of at most ``max_length`` characters, None when it is
    absent or null; Invalid otherwise (a number, a list, text that cannot be stored)."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(name, "not_a_string")
    if len(value) > max_length:
        raise Invalid(name, "too_long", max=max_length)
    try:
        value.encode("utf-8")  # JSON may carry lone surrogates ("\ud800") no database takes
    except UnicodeEncodeError:
        raise Invalid(name, "bad_characters") from None
    return value
